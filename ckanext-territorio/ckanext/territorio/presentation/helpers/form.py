"""Template helpers of the dataset form: chosen values, required markers, plain error texts."""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import ckan.plugins.toolkit as tk
from markupsafe import Markup, escape

from ... import config, current

__all__ = [
    "scheming_field_required",
    "territorio_default_license",
    "territorio_form_errors",
    "territorio_form_map_options",
    "territorio_form_values",
    "territorio_plain_error",
]

# "… [metadata.license]": the policy names its rule at the end of the API's error text
_RULE_SUFFIX = re.compile(r"\s*\[([a-z]+(?:\.[a-z_]+)+)\]\s*$")
_QUOTED = re.compile(r"'([^']{1,200})'")
_LIST_AFTER_COLON = re.compile(r"(:\s*)([\w.\-]+(?:,\s*[\w.\-]+)+)\s*$")


def territorio_form_values(value: Any) -> list[str]:
    """The codes of a submitted or stored list field, whatever shape it comes back in.

    A list, JSON text ('["CL-AR"]'), a comma list ("CL-AR,CL-BI"), a PostgreSQL array
    ("{CL-AR,CL-BI}") or one code; the form compares these exactly ("CL" is not in "CL-AR").
    """
    if not value or not isinstance(value, (str, list, tuple)):
        return []
    if isinstance(value, (list, tuple)):
        return [code for item in value for code in territorio_form_values(item)]
    text = value.strip()
    if text.startswith("["):
        try:
            loaded = json.loads(text)
        except ValueError:
            text = text.strip("[]")
        else:
            return territorio_form_values(loaded if isinstance(loaded, list) else str(loaded))
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    return [part.strip().strip('"') for part in text.split(",") if part.strip().strip('"')]


def _policy_required(field: Mapping[str, Any]) -> bool:
    """Whether the data policy's metadata.required rule asks for this field (by its schema)."""
    rule = current.policy().rule("metadata.required")
    if rule.level != "error":
        return False
    name = field.get("field_name")
    for dataset_type in ("dataset", "iniciativa"):
        if name not in rule.params.get(dataset_type, ()):
            continue
        schema = tk.h.scheming_get_dataset_schema(dataset_type) or {}
        if any(f is field or f == field for f in schema.get("dataset_fields", ())):
            return True
    return False


@tk.chained_helper
def scheming_field_required(next_helper: Callable[..., bool], field: dict[str, Any]) -> bool:
    """Scheming's required marker, also for fields the data policy requires (e.g. notes)."""
    return bool(next_helper(field)) or _policy_required(field)


def territorio_default_license() -> str:
    """The licence a new dataset starts with: the policy's preferred open licence."""
    rule = current.policy().rule("metadata.license")
    return str(rule.params.get("por_defecto") or "") if rule.enabled else ""


def _license_titles() -> dict[str, str]:
    return {item["id"]: item["title"] for item in tk.get_action("license_list")({}, {})}


def _labels_for(field_name: str) -> dict[str, str]:
    """Display names of a field's codes, for the sentence (licence titles only for now)."""
    return _license_titles() if field_name == "license_id" else {}


def territorio_plain_error(message: str, field_name: str = "") -> Markup:
    """An error in plain words; the rule id and internal codes go into a <small> detail.

    "La licencia 'notspecified' no es abierta; use una de: cc-by, cc-by-sa [metadata.license]"
    reads "La licencia «No se especificó la licencia» no es abierta; use una de:
    Creative Commons Attribution, …" with "metadata.license · notspecified" as its detail.
    """
    if isinstance(message, Markup):
        return message  # already plain (the summary and the field both pass through here)
    text = str(message)
    details: list[str] = []
    rule = _RULE_SUFFIX.search(text)
    if rule:
        details.append(rule.group(1))
        text = text[: rule.start()]
    labels = _labels_for(field_name)

    def name(match: re.Match[str]) -> str:
        code = match.group(1)
        if code in labels:
            details.append(code)
            return f"«{labels[code]}»"
        return f"«{code}»"

    text = _QUOTED.sub(name, text)
    listed = _LIST_AFTER_COLON.search(text)
    if labels and listed:
        codes = [c.strip() for c in listed.group(2).split(",")]
        if all(c in labels for c in codes):
            text = text[: listed.start()] + listed.group(1) + ", ".join(labels[c] for c in codes)
    html = escape(text.strip())
    if details:
        detail = escape(" · ".join(dict.fromkeys(details)))
        html += Markup(' <small class="territorio-error-detail">({})</small>').format(detail)
    return Markup(html)


def territorio_form_errors(errors: Any) -> Any:
    """The form's errors with each text made plain (territorio_plain_error), keyed as before."""
    if not isinstance(errors, Mapping):
        return errors
    plain: dict[Any, Any] = {}
    for key, messages in errors.items():
        if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
            plain[key] = [territorio_plain_error(m, str(key)) for m in messages]
        else:
            plain[key] = messages
    return plain


def territorio_form_map_options() -> dict[str, str]:
    """The base map of the form's extent drawer (the same tiles as the stations map)."""
    return {
        "tiles_url": config.views_tiles_url(),
        "tiles_attribution": config.views_tiles_attribution(),
    }
