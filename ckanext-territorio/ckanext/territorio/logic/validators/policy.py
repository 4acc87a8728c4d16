"""The data-use policy inside package_create / package_update validation.

Seam: ckanext-scheming 3.1 runs a schema's top-level ``after_validators`` as navl ``__after``
validators, once every field has been validated and converted, on every path that validates
a dataset (web form, API, harvest import). So the rules answer with CKAN's ValidationError
(409) keyed by field, and no core action is wrapped. The schemas name the validator:
``after_validators: territorio_policy_dataset`` in schemas/dataset.yaml.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.logic.converters import convert_to_extras
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ... import config, current
from ...language import current_lang
from ...policy import checks, metadata, publication
from ...policy import service as policy_service
from ...policy import store as policy_store
from ...policy.metadata import as_bool, is_blank
from ...policy.report import Findings

__all__ = ["territorio_access_rights", "territorio_policy_dataset"]


def territorio_access_rights(value: Any, context: Context) -> Any:
    """An access right of the EU vocabulary, given as its code (any case) or IRI → the code.

    Unknown values are left for the ``metadata.access_rights`` rule to report at its level.
    """
    if value is tk.missing or value is None or value == "":
        return value
    code = metadata.access_right_code(value, current.policy())
    return code if code is not None else str(value).strip()


def _values(data: FlattenDataDict) -> dict[str, Any]:
    """Top-level fields and resources of the flattened, validated dataset."""
    values: dict[str, Any] = {}
    resources: dict[int, dict[str, Any]] = {}
    for key, value in data.items():
        if value is tk.missing:
            continue
        if len(key) == 1 and isinstance(key[0], str):
            values[key[0]] = value
        elif len(key) == 3 and key[0] == "resources" and isinstance(key[1], int):
            resources.setdefault(key[1], {})[str(key[2])] = value
    values["resources"] = [resources[i] for i in sorted(resources)]
    return values


def _fill(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context,
          value: str, extra: bool) -> None:
    data[key] = value
    if extra:
        # scheming stores its non-core fields as extras; the field validators already ran
        convert_to_extras(key, data, errors, context)


def _harvested(package_id: str | None) -> bool:
    """Whether a harvest object points at this dataset (ckanext-harvest links it before import)."""
    if not package_id or not p.plugin_loaded("harvest"):
        return False
    from ckanext.harvest.model import HarvestObject

    query = model.Session.query(HarvestObject.id).filter(HarvestObject.package_id == package_id)
    return query.first() is not None


def _stored(values: Mapping[str, Any], context: Context) -> model.Package | None:
    """The dataset as stored before this change (None for a new one)."""
    package = context.get("package")
    if package is None and values.get("id"):
        package = model.Package.get(str(values["id"]))
    return package


def _all_resources(
    values: Mapping[str, Any], package: model.Package | None, context: Context
) -> list[dict[str, Any]]:
    """Every resource the dataset will have.

    package_update validates only the resources that change; the others are the stored ones.
    """
    from ckan.lib.dictization import model_dictize

    changed = [r for r in values.get("resources") or [] if isinstance(r, dict)]
    if package is None:
        return changed
    current: dict[str, dict[str, Any]] = {
        r.id: model_dictize.resource_dictize(r, {"model": model, "session": model.Session})
        for r in package.resources
    }
    added = []
    for resource in changed:
        if resource.get("id") in current:
            current[str(resource["id"])] = resource
        else:
            added.append(resource)
    return list(current.values()) + added


def territorio_policy_dataset(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """Apply the metadata and publication rules of schemas/policy.yaml to the whole dataset."""
    policy = current.policy()
    values = _values(data)
    schema_fields = {k[0] for k in errors if len(k) == 1}
    if is_blank(values.get("license_id")):
        default = metadata.default_license(values, policy)
        if default:
            _fill(("license_id",), data, errors, context, default, extra=False)
            values["license_id"] = default
    if "access_rights" in schema_fields and is_blank(values.get("access_rights")):
        default = metadata.default_access_rights(values, policy)
        if default:
            _fill(("access_rights",), data, errors, context, default, extra=True)
            values["access_rights"] = default

    package = _stored(values, context)
    values["resources"] = _all_resources(values, package, context)
    findings = metadata.check_metadata(values, policy, today=dt.date.today(), findings=Findings(policy))
    private = as_bool(values.get("private"))
    before = None if package is None else bool(package.private)
    becoming_public = not private and (before is None or before)
    blocks: list[publication.Block] = []
    if becoming_public and before is not None:
        blocks = policy_service.publication_blocks(
            values["resources"], values.get("personal_data"), policy, str(values.get("id") or "")
        )
    lang = current_lang()

    hold_rule = policy.rule(publication.RULE)
    if (
        hold_rule.enabled
        and hold_rule.params["retener_cosechados"]
        and _harvested(values.get("id"))
    ):
        # harvested: never dropped, never published unchecked; kept private with its report
        if not private and (findings.errors() or blocks or _unchecked(values, policy)):
            data[("private",)] = True
            policy_store.hold(str(values["id"]), "harvest")
        return

    if config.policy_defer_checks() and hold_rule.enabled:
        _hold_unchecked(values, data, package, becoming_public, policy)

    for finding in findings.errors():
        key = _error_key(finding.field)
        if errors.get(key):
            continue  # the field's own validator already explained the problem
        errors.setdefault(key, []).append(f"{finding.text(lang)} [{finding.rule}]")
    for block in blocks:
        errors.setdefault(("private",), []).append(block.text(lang))


def _hold_unchecked(values: Mapping[str, Any], data: FlattenDataDict, package: model.Package | None,
                    becoming_public: bool, policy: Any) -> None:
    """Deferred checks: a dataset asked to be public while a tabular file is unchecked is kept
    private (held); the job that checks its files publishes it if they pass.

    An already public dataset stays public while a new file is checked (as before): the
    policy's ``si_ya_es_publico`` decides once the report is in.
    """
    # the web form saves a draft, then its resources, then makes it active: a public draft is
    # not public yet, so its files are checked before it is
    draft = package is not None and package.state == "draft" and not as_bool(values.get("private"))
    hold = (becoming_public or draft) and _unchecked(values, policy)
    if hold:
        data[("private",)] = True
    if package is not None:
        if hold:  # in the update's transaction (saved even when nothing else changed)
            policy_store.hold(package.id, checks.HOLD_REASON)
    elif values.get("name"):
        checks.decide_hold(str(values["name"]), hold)  # no id yet: after_dataset_create


def _error_key(field: str | None) -> FlattenKey:
    """The flattened error key of a finding's field ("resources.2.format" → resources/2/format)."""
    if not field:
        return ("__policy",)
    parts = field.split(".")
    return tuple(int(p) if p.isdigit() else p for p in parts)


def _unchecked(values: Mapping[str, Any], policy: Any) -> bool:
    """Whether some tabular resource has no finished report for its current file."""
    return policy_service.has_unchecked_resources(values.get("resources") or [], policy)
