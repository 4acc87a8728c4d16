"""Metadata rules: a dataset's fields (as package_create validates them) → findings by field."""
from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from .document import Policy
from .report import Findings

EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,63}"
)
METADATA_RULES = (
    "metadata.required",
    "metadata.license",
    "metadata.access_rights",
    "metadata.contact_email",
    "metadata.temporal",
    "metadata.frequency",
    "formats.open_format",
    "personal.declared",
)


def is_blank(value: Any) -> bool:
    """Whether a field counts as not filled in (None, "", [], or scheming's "[]")."""
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        return not text or text == "[]"
    if isinstance(value, (list, tuple, dict, set)):
        return not value
    return False


def as_bool(value: Any) -> bool:
    """A form or API value read as a boolean (``"true"``, ``"1"``, ``"yes"``...)."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on", "t", "y")
    return bool(value)


def text_of(value: Any) -> str:
    """The value as stripped text (empty for None)."""
    return "" if value is None else str(value).strip()


def normalise_format(fmt: Any, url: Any = None) -> str:
    """A resource's format as CKAN shows it (CSV), from the field or the URL's extension."""
    text = text_of(fmt).lstrip(".").upper()
    if text:
        return text
    path = urlsplit(text_of(url)).path if url else ""
    ext = posixpath.splitext(path)[1].lstrip(".").upper()
    return ext


def access_right_code(value: Any, policy: Policy) -> str | None:
    """The access-right code for a code (any case) or its EU IRI; None when unknown."""
    text = text_of(value)
    values: Mapping[str, str] = policy.rule("metadata.access_rights").params["valores"]
    for code, iri in values.items():
        if text.upper() == code or text == iri:
            return code
    return None


def default_access_rights(values: Mapping[str, Any], policy: Policy) -> str | None:
    """The access rights the policy gives a dataset by its personal data, or None."""
    rule = policy.rule("metadata.access_rights")
    if not rule.enabled or not rule.applies_to(values.get("type")):
        return None
    return rule.params["por_defecto"].get(text_of(values.get("personal_data")) or "none")


def default_license(values: Mapping[str, Any], policy: Policy) -> str | None:
    """The licence the policy gives a dataset without one, or None."""
    rule = policy.rule("metadata.license")
    if not rule.enabled or not rule.applies_to(values.get("type")):
        return None
    return rule.params["por_defecto"] or None


def license_iri(license_id: str, policy: Policy) -> str | None:
    """The EU licence vocabulary IRI of an open CKAN licence id (for the DCAT output)."""
    return policy.rule("metadata.license").params["abiertas"].get(license_id)


def access_right_iri(value: Any, policy: Policy) -> str | None:
    """The EU IRI of an access-right code or IRI; None when unknown."""
    code = access_right_code(value, policy)
    if code is None:
        return None
    return policy.rule("metadata.access_rights").params["valores"][code]


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = text_of(value)
    if "T" in text or " " in text:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    return dt.date.fromisoformat(text)


def check_metadata(
    values: Mapping[str, Any],
    policy: Policy,
    *,
    today: dt.date | None = None,
    findings: Findings | None = None,
) -> Findings:
    """Every metadata rule on `values` (top-level fields plus ``resources``)."""
    findings = findings if findings is not None else Findings(policy)
    dataset_type = text_of(values.get("type")) or "dataset"
    today = today or dt.date.today()
    for rule_id in METADATA_RULES:
        rule = policy.rule(rule_id)
        if not rule.enabled or not rule.applies_to(dataset_type):
            continue
        findings.checked(rule_id)
        _CHECKS[rule_id](values, policy, findings, dataset_type, today)
    return findings


def _required(
    values: Mapping[str, Any], policy: Policy, findings: Findings, dataset_type: str, today: dt.date
) -> None:
    params = policy.rule("metadata.required").params
    for name in params.get(dataset_type, ()):
        if is_blank(values.get(name)):
            findings.add("metadata.required", "missing", field=name)


def _license(
    values: Mapping[str, Any], policy: Policy, findings: Findings, dataset_type: str, today: dt.date
) -> None:
    value = text_of(values.get("license_id"))
    allowed = policy.rule("metadata.license").params["abiertas"]
    if value and value not in allowed:
        findings.add(
            "metadata.license",
            "not_open",
            field="license_id",
            value=value,
            allowed=", ".join(allowed),
        )


def _access_rights(
    values: Mapping[str, Any], policy: Policy, findings: Findings, dataset_type: str, today: dt.date
) -> None:
    params = policy.rule("metadata.access_rights").params
    raw = values.get("access_rights")
    if is_blank(raw):
        return
    code = access_right_code(raw, policy)
    if code is None:
        findings.add(
            "metadata.access_rights",
            "unknown",
            field="access_rights",
            value=text_of(raw),
            allowed=", ".join(params["valores"]),
        )
        return
    if not as_bool(values.get("private")) and code not in params["publico"]:
        findings.add(
            "metadata.access_rights",
            "public",
            field="access_rights",
            value=code,
            allowed=", ".join(params["publico"]),
        )
    if text_of(values.get("personal_data")) == "personal" and code not in params["personales"]:
        findings.add(
            "metadata.access_rights",
            "personal",
            field="access_rights",
            value=code,
            allowed=", ".join(params["personales"]),
        )


def _contact_email(
    values: Mapping[str, Any], policy: Policy, findings: Findings, dataset_type: str, today: dt.date
) -> None:
    name = policy.rule("metadata.contact_email").params["campo"]
    value = text_of(values.get(name))
    if not value:
        findings.add("metadata.contact_email", "missing", field=name)
    elif not EMAIL.fullmatch(value):
        findings.add("metadata.contact_email", "invalid", field=name, value=value)


def _temporal(
    values: Mapping[str, Any], policy: Policy, findings: Findings, dataset_type: str, today: dt.date
) -> None:
    params = policy.rule("metadata.temporal").params
    start_field, end_field = params["inicio"], params["fin"]
    limit: dt.date = params["desde"]
    future = today + dt.timedelta(days=int(params["dias_futuro"]))
    parsed: dict[str, dt.date] = {}
    for name in (start_field, end_field):
        raw = values.get(name)
        if is_blank(raw):
            continue
        try:
            date = _parse_date(raw)
        except (TypeError, ValueError):
            findings.add("metadata.temporal", "invalid", field=name, value=text_of(raw))
            continue
        parsed[name] = date
        if date < limit:
            findings.add(
                "metadata.temporal", "too_early", field=name, value=text_of(raw), limit=limit
            )
        elif date > future:
            findings.add(
                "metadata.temporal",
                "too_late",
                field=name,
                value=text_of(raw),
                days=params["dias_futuro"],
            )
    if end_field in parsed and is_blank(values.get(start_field)):
        findings.add("metadata.temporal", "end_without_start", field=start_field)
    if start_field in parsed and end_field in parsed and parsed[end_field] < parsed[start_field]:
        findings.add(
            "metadata.temporal",
            "reversed",
            field=end_field,
            value=text_of(values.get(end_field)),
            start=text_of(values.get(start_field)),
        )


def _frequency(
    values: Mapping[str, Any], policy: Policy, findings: Findings, dataset_type: str, today: dt.date
) -> None:
    name = policy.rule("metadata.frequency").params["campo"]
    if is_blank(values.get(name)):
        findings.add("metadata.frequency", "missing", field=name)


def resource_formats(resources: Sequence[Mapping[str, Any]] | Any) -> list[str]:
    """The resources' formats as CKAN shows them."""
    if not isinstance(resources, (list, tuple)):
        return []
    return [
        normalise_format(r.get("format"), r.get("url"))
        for r in resources
        if isinstance(r, Mapping)
    ]


def _open_format(
    values: Mapping[str, Any], policy: Policy, findings: Findings, dataset_type: str, today: dt.date
) -> None:
    formats = resource_formats(values.get("resources"))
    if not formats:
        # nothing to judge yet: datasets are often created first and given resources after
        return
    allowed = policy.rule("formats.open_format").params["abiertos"]
    if not any(fmt in allowed for fmt in formats):
        # on the last resource's format: the one resource_create adds, the form shows
        findings.add(
            "formats.open_format",
            "closed_only",
            field=f"resources.{len(formats) - 1}.format",
            value=", ".join(sorted({f or "?" for f in formats})),
            allowed=", ".join(allowed[:8]) + "…",
        )


def _declared_personal(
    values: Mapping[str, Any], policy: Policy, findings: Findings, dataset_type: str, today: dt.date
) -> None:
    if text_of(values.get("personal_data")) == "personal" and not as_bool(values.get("private")):
        findings.add("personal.declared", "public", field="private")


_CHECKS = {
    "metadata.required": _required,
    "metadata.license": _license,
    "metadata.access_rights": _access_rights,
    "metadata.contact_email": _contact_email,
    "metadata.temporal": _temporal,
    "metadata.frequency": _frequency,
    "formats.open_format": _open_format,
    "personal.declared": _declared_personal,
}

