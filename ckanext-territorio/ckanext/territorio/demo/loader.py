"""Writes the demo catalogue through CKAN's actions: creates what is missing, updates
what differs and leaves equal records untouched, so re-running changes nothing."""
from __future__ import annotations

import enum
import json
from collections.abc import Iterator
from typing import Any, NamedTuple

import ckan.plugins.toolkit as tk
from ckan.types import Context

from .. import current
from ..vocab import Framework
from .catalog import Dataset, DemoCatalog, DemoInitiative, Organization

INITIATIVE_TYPE = "iniciativa"


class Change(enum.Enum):
    """What loading did to a record: created, updated or left unchanged."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class Outcome(NamedTuple):
    """One record the demo load wrote or checked, and what changed."""

    kind: str  # "organization", "dataset" or "initiative"
    name: str
    change: Change


def territorio_demo_load(catalog: DemoCatalog, fw: Framework | None = None) -> Iterator[Outcome]:
    """Loads the catalogue, yielding one outcome per organization, dataset and initiative."""
    fw = fw if fw is not None else current.framework()
    # checked before anything is written
    initiatives = catalog.initiatives(fw)
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    for org in catalog.organizaciones:
        yield Outcome("organization", org.nombre, _ensure_organization(site_user, org))
    schema_fields = _schema_fields(site_user, "dataset")
    dataset_ids: dict[str, str] = {}
    for dataset in catalog.conjuntos:
        org = catalog.organization(dataset.organizacion)
        payload, extras = _dataset_payload(dataset, org, schema_fields)
        change, dataset_ids[dataset.nombre] = _ensure_package(site_user, payload, extras)
        yield Outcome("dataset", dataset.nombre, change)
    for initiative in initiatives:
        payload = _initiative_payload(initiative, dataset_ids)
        change, _ = _ensure_package(site_user, payload, {})
        yield Outcome("initiative", initiative.name, change)


def score_catalogue() -> Any:
    """Score every dataset now (a batch run), so the quality pages show numbers at once."""
    from ..quality import batch

    return batch.run()


def _context(user: str) -> Context:
    return {"user": user}


def _show(user: str, action: str, name: str) -> dict[str, Any] | None:
    try:
        return tk.get_action(action)(_context(user), {"id": name})
    except tk.ObjectNotFound:
        return None


def _extras(record: dict[str, Any]) -> dict[str, str]:
    return {extra["key"]: extra["value"] for extra in record.get("extras") or []}


def _as_extras(extras: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in sorted(extras.items())]


# --- organizations ------------------------------------------------------------------------


def _organization_fields(org: Organization) -> dict[str, Any]:
    return {
        "name": org.nombre,
        "title": org.titulo,
        "description": org.descripcion,
        "state": "active",
    }


def _ensure_organization(user: str, org: Organization) -> Change:
    wanted = _organization_fields(org)
    existing = _show(user, "organization_show", org.nombre)
    if existing is None:
        tk.get_action("organization_create")(
            _context(user), {**wanted, "extras": _as_extras(org.extras())}
        )
        return Change.CREATED
    stored = {key: existing.get(key) for key in wanted}
    current_extras = _extras(existing)
    if stored == wanted and all(current_extras.get(k) == v for k, v in org.extras().items()):
        return Change.UNCHANGED
    # Extras we do not manage (added by hand in the portal) are kept.
    merged_extras = {**current_extras, **org.extras()}
    tk.get_action("organization_patch")(
        _context(user), {"id": existing["id"], **wanted, "extras": _as_extras(merged_extras)}
    )
    return Change.UPDATED


# --- datasets and initiatives -------------------------------------------------------------

# Keys the payload holds that are compared by their own rules, not field by field.
_STRUCTURED = frozenset({"owner_org", "tags", "resources", "extras"})


def _schema_fields(user: str, dataset_type: str) -> frozenset[str]:
    """Top-level fields of the active scheming schema of a type (none without scheming)."""
    try:
        schema = tk.get_action("scheming_dataset_schema_show")(
            _context(user), {"type": dataset_type}
        )
    except (KeyError, tk.ObjectNotFound):
        return frozenset()
    return frozenset(field["field_name"] for field in schema.get("dataset_fields", []))


def _resource_key(resource: dict[str, Any]) -> tuple[str, ...]:
    return (
        resource.get("name") or "",
        resource.get("url") or "",
        (resource.get("format") or "").lower(),
        resource.get("description") or "",
        resource.get("variable") or "",
        resource.get("unit") or "",
    )


def _normalise(value: Any) -> Any:
    """Compares stored and wanted values regardless of how CKAN serialises them."""
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in ("{", "["):
            try:
                return _normalise(json.loads(text))
            except ValueError:
                pass
        return text or None
    if isinstance(value, (list, tuple)):
        return [_normalise(item) for item in value] or None
    return value


def _dataset_payload(
    dataset: Dataset, org: Organization, schema_fields: frozenset[str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The package_create payload and the extras in it.

    The plan's classification goes in the portal schema's own fields when the active
    schema has them (schemas/dataset.yaml), and in plain extras under CKAN's default one.
    """
    resources = []
    for r in dataset.recursos:
        resource = {"name": r.nombre, "url": r.url, "format": r.formato, "description": r.descripcion}
        if r.variable:
            resource["variable"] = r.variable
        if r.unidad:
            resource["unit"] = r.unidad
        resources.append(resource)
    payload: dict[str, Any] = {
        "name": dataset.nombre,
        "title": dataset.titulo,
        "notes": dataset.descripcion,
        "license_id": dataset.licencia,
        "private": False,
        "state": "active",
        "owner_org": dataset.organizacion,
        "tags": [{"name": tag} for tag in dataset.etiquetas],
        "resources": resources,
    }
    payload["contact_name" if "contact_name" in schema_fields else "maintainer"] = dataset.mantenedor
    if dataset.correo:
        key = "contact_email" if "contact_email" in schema_fields else "maintainer_email"
        payload[key] = dataset.correo
    values = dataset.territorial_values(org)
    if "personal_data" in schema_fields:
        values["personal_data"] = "none"
    extras: dict[str, str] = {}
    for key, value in values.items():
        if key in schema_fields:
            payload[key] = value
        else:
            extras[key] = ",".join(value) if isinstance(value, list) else value
    payload["extras"] = _as_extras(extras)
    return payload, extras


def _initiative_payload(initiative: DemoInitiative, dataset_ids: dict[str, str]) -> dict[str, Any]:
    """An `iniciativa` record (schemas/iniciativa.yaml); linked datasets by id, as stored."""
    return {
        "type": INITIATIVE_TYPE,
        "name": initiative.name,
        "title": initiative.title,
        "notes": initiative.description,
        "private": False,
        "state": "active",
        "owner_org": initiative.organization,
        "dimension": [initiative.dimension],
        "subdimension": [initiative.subdimension] if initiative.subdimension else [],
        "region": [initiative.region],
        "comuna": [initiative.comuna] if initiative.comuna else [],
        "status": initiative.status,
        "partners": list(initiative.partners),
        "datasets": [dataset_ids[name] for name in initiative.datasets],
    }


def _is_current(existing: dict[str, Any], payload: dict[str, Any], extras: dict[str, str]) -> bool:
    return (
        all(
            _normalise(existing.get(key)) == _normalise(value)
            for key, value in payload.items()
            if key not in _STRUCTURED
        )
        and (existing.get("organization") or {}).get("name") == payload["owner_org"]
        and {tag["name"] for tag in existing.get("tags") or []}
        == {tag["name"] for tag in payload.get("tags", [])}
        and {k: _normalise(v) for k, v in _extras(existing).items()}
        == {k: _normalise(v) for k, v in extras.items()}
        and [_resource_key(r) for r in existing.get("resources") or []]
        == [_resource_key(r) for r in payload.get("resources", [])]
    )


def _ensure_package(
    user: str, payload: dict[str, Any], extras: dict[str, str]
) -> tuple[Change, str]:
    """Creates, updates or leaves the dataset or initiative; returns the change and its id."""
    existing = _show(user, "package_show", payload["name"])
    if existing is None:
        created = tk.get_action("package_create")(_context(user), payload)
        return Change.CREATED, created["id"]
    if _is_current(existing, payload, extras):
        return Change.UNCHANGED, existing["id"]
    # Keep resource ids (and so their URLs in the portal) for resources with the same name.
    ids_by_name = {r.get("name"): r["id"] for r in existing.get("resources") or []}
    for resource in payload.get("resources", []):
        if resource["name"] in ids_by_name:
            resource["id"] = ids_by_name[resource["name"]]
    tk.get_action("package_update")(_context(user), {**payload, "id": existing["id"]})
    return Change.UPDATED, existing["id"]
