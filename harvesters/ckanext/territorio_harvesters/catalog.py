"""Municipal catalogues: ckanext-harvest's CKAN harvester and ckanext-dcat's DCAT harvesters,
with our hostile-source HTTP client and a mapping step that fills the territorial fields.

The three plugins keep the stock source types (``ckan``, ``dcat_rdf``, ``dcat_json``) and
replace the stock plugins in ``ckan.plugins`` (territorio_ckan_harvester instead of
ckan_harvester, and so on). What changes:

- every request goes through ``http.Client`` (timeouts, retries, caps, address guard);
  RDF/XML is checked with defusedxml before rdflib sees it;
- the mapping step: the source's defaults (``dimension``, ``subdimension``, ``region``,
  ``comuna``, ``license_id``, ``personal_data``, ``frequency``) plus the rules of
  schemas/harvest.yaml, which map remote tags, keywords, titles and DCAT themes to
  dimensions and sub-dimensions; the dataset is validated by the scheming schema and the
  data-use policy (the stock CKAN and DCAT-JSON harvesters bypass both);
- the remote identifier is the harvest object's guid: a re-harvest finds the dataset by it
  and updates it (resources matched by URL), a content hash skips unchanged ones;
- withdrawals: datasets gone from the source are withdrawn as the source says
  (``withdraw``: delete, private or none); a source that lists nothing, or a run that would
  withdraw more than ``withdraw_max_share`` of the source's datasets, withdraws nothing and
  leaves a gather error for an operator.
"""
from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

from ckanext.territorio import current
from ckanext.territorio.vocab.harvest_mapping import HarvestMapping

from . import config, source_config
from .http import Client
from .objects import object_extra
from .sources import client_for

log = logging.getLogger(__name__)

CORE_FIELDS = ("title", "notes", "url", "version", "license_id", "author", "author_email",
               "maintainer", "maintainer_email", "tags")
TERRITORIAL_FIELDS = ("dimension", "subdimension", "region", "comuna", "frequency", "temporal_start",
                      "temporal_end", "spatial", "personal_data", "access_rights", "contact_name",
                      "contact_email")
RESOURCE_FIELDS = ("name", "description", "url", "format", "mimetype", "size", "variable", "unit",
                   "language", "license", "uri")


def catalog_settings(config_text: str | None) -> dict[str, Any]:
    """A catalogue source's validated config: region required, unknown keys kept."""
    schema = source_config.catalog_schema()
    schema["region"] = [tk.get_validator("not_missing"), source_config.region_list]
    schema["personal_data"] = [tk.get_validator("ignore_missing"), source_config.choice("none", "anonymized", "personal")]
    return source_config.parse(config_text, schema, keep_unknown=True)


def _hash(data: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def as_list(value: Any) -> list[str]:
    """A remote field as a list of strings (a list, JSON text or a single value)."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                loaded = json.loads(text)
                return [str(v) for v in loaded] if isinstance(loaded, list) else [text]
            except ValueError:
                return [text]
        return [v.strip() for v in text.split(",") if v.strip()] if "," in text else [text]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)]


def _tag_names(tags: Any) -> list[str]:
    names = []
    for tag in tags or []:
        name = tag.get("name") if isinstance(tag, Mapping) else tag
        if name:
            names.append(str(name))
    return names


def territorial_fields(
    package: dict[str, Any], settings: Mapping[str, Any], hm: HarvestMapping,
    keywords: Iterable[str] = (), themes: Iterable[str] = (),
) -> dict[str, Any]:
    """The mapping step: the package with dimension, sub-dimension, region, comuna... filled."""
    extras = {e.get("key"): e.get("value") for e in package.get("extras") or [] if isinstance(e, Mapping)}
    texts = [*_tag_names(package.get("tags")), *keywords, str(package.get("title") or "")]
    texts += [str(g.get("title") or g.get("name") or "") for g in package.get("groups") or [] if isinstance(g, Mapping)]
    all_themes = [*themes, *as_list(extras.get("theme")), *as_list(package.get("theme"))]
    ruled_dims, ruled_subs = hm.classify(texts, all_themes)
    dims = list(dict.fromkeys([*as_list(package.get("dimension")), *(settings.get("dimension") or []), *ruled_dims]))
    subs = list(dict.fromkeys([*as_list(package.get("subdimension")), *(settings.get("subdimension") or []), *ruled_subs]))
    fields: dict[str, Any] = {
        "dimension": dims,
        "subdimension": subs,
        "region": as_list(package.get("region")) or list(settings["region"]),
        "comuna": as_list(package.get("comuna")) or list(settings.get("comuna") or []),
        "personal_data": package.get("personal_data") or settings.get("personal_data") or "none",
    }
    if not package.get("license_id") and settings.get("license_id"):
        fields["license_id"] = settings["license_id"]
    if not package.get("frequency") and settings.get("frequency"):
        fields["frequency"] = settings["frequency"]
    for key in ("contact_name", "contact_email"):
        if not package.get(key) and settings.get(key):
            fields[key] = settings[key]
    return fields


def clean_package(remote: Mapping[str, Any]) -> dict[str, Any]:
    """The remote dataset reduced to fields of our schema; extras named like a field move up."""
    package: dict[str, Any] = {k: remote[k] for k in (*CORE_FIELDS, *TERRITORIAL_FIELDS, "name") if remote.get(k) not in (None, "")}
    extras = []
    for extra in remote.get("extras") or []:
        if not isinstance(extra, Mapping) or not extra.get("key"):
            continue
        key = str(extra["key"])
        if key in TERRITORIAL_FIELDS or key in CORE_FIELDS:
            package.setdefault(key, extra.get("value"))
        elif key not in ("guid", "harvest_object_id", "harvest_source_id", "harvest_source_title"):
            extras.append({"key": key, "value": extra.get("value")})
    if extras:
        package["extras"] = extras
    package["tags"] = [{"name": n[:100]} for n in _tag_names(remote.get("tags")) if len(n) >= 2]
    package["resources"] = [
        {k: r[k] for k in RESOURCE_FIELDS if r.get(k) not in (None, "")}
        for r in remote.get("resources") or []
        if isinstance(r, Mapping) and r.get("url")
    ]
    if isinstance(package.get("spatial"), (dict, list)):
        package["spatial"] = json.dumps(package["spatial"])
    return package


def existing_package(guid: str, source_id: str | None) -> model.Package | None:
    """The dataset a guid was last imported into (deleted ones too, so a return reactivates)."""
    query = (
        model.Session.query(model.Package)
        .join(HarvestObject, HarvestObject.package_id == model.Package.id)
        .filter(HarvestObject.guid == guid)
        .filter(model.Package.state.in_(("active", "deleted", "draft")))
    )
    if source_id:
        query = query.filter(HarvestObject.harvest_source_id == source_id)
    return query.order_by(HarvestObject.gathered.desc()).first()


class CatalogMixin:
    """What the three catalogue harvesters share; mixed in before the stock class."""

    _save_object_error: Any
    _save_gather_error: Any
    _get_user_name: Any
    _gen_new_name: Any

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        # SingletonPlugin keeps its instance in ``cls._instance``, which a subclass inherits:
        # once the stock harvester was instantiated, ours would silently *be* the stock one.
        if "_instance" not in cls.__dict__:
            setattr(cls, "_instance", object.__new__(cls))  # noqa: B010
        return cls.__dict__["_instance"]

    # --- configuration ---------------------------------------------------------------------

    def territorio_settings(self, config_text: str | None, source_id: str | None = None) -> dict[str, Any]:
        """The source's validated config and stored secrets (ValueError with every problem)."""
        return source_config.with_secrets(catalog_settings(config_text), source_id)

    def territorio_validate(self, config: str | None) -> None:
        """Check the source's config; ValueError with every problem."""
        self.territorio_settings(config)

    # --- HTTP ------------------------------------------------------------------------------

    def territorio_client(self, source: Any) -> Client:
        """The guarded HTTP client for a harvest source, its stored API key as Authorization."""
        try:
            settings = self.territorio_settings(source.config, source.id)
        except ValueError:
            settings = source_config.with_secrets({}, source.id)
        headers = {"Authorization": settings["api_key"]} if settings.get("api_key") else {}
        return client_for(settings, headers)

    # --- withdrawals -----------------------------------------------------------------------

    def territorio_guard_withdrawals(self, harvest_job: Any, object_ids: list[str] | None,
                                     current_before: Mapping[str, str]) -> list[str] | None:
        """Cancel this job's deletions when the source looks empty or the share is too large."""
        if not object_ids:
            return object_ids
        objects = model.Session.query(HarvestObject).filter(HarvestObject.harvest_job_id == harvest_job.id).all()
        deletions = [o for o in objects if object_extra(o, "status") == "delete"]
        if not deletions:
            return object_ids
        listed = len(objects) - len(deletions)
        settings = self.territorio_settings(harvest_job.source.config)
        share = settings.get("withdraw_max_share")
        if share is None:
            share = config.withdraw_max_share()
        total = max(1, len(current_before))
        reason = None
        if listed == 0:
            reason = "la fuente no listó ningún conjunto (¿vacía o truncada?)"
        elif len(deletions) / total > share:
            reason = (
                f"retiraría {len(deletions)} de {total} conjuntos ({len(deletions) / total:.0%}), más que "
                f"el máximo de {share:.0%}"
            )
        if reason is None:
            return object_ids
        restore = [current_before[o.guid] for o in deletions if o.guid in current_before]
        cancelled = {o.id for o in deletions}
        for obj in deletions:
            model.Session.delete(obj)
        if restore:
            model.Session.query(HarvestObject).filter(HarvestObject.id.in_(restore)).update(
                {"current": True}, synchronize_session=False
            )
        model.Session.commit()
        self._save_gather_error(
            f"No se retiró nada: {reason}. Si los retiros son correctos, un operador puede subir "
            "withdraw_max_share en la configuración de la fuente para la próxima ejecución.",
            harvest_job,
        )
        return [i for i in object_ids if i not in cancelled]

    def territorio_gather(
        self, harvest_job: Any, gather: Callable[[], list[str] | None]
    ) -> list[str] | None:
        """Run a stock gather; an unexpected error is a gather error, never a dead consumer."""
        try:
            return gather()
        except Exception as exc:
            log.exception("gather %s", harvest_job.id)
            model.Session.rollback()
            self._save_gather_error(f"Error inesperado al leer la fuente: {exc!r}", harvest_job)  # type: ignore[attr-defined]
            return None

    @staticmethod
    def territorio_current(source_id: str) -> dict[str, str]:
        """The source's current harvest objects: guid to object id."""
        rows = (
            model.Session.query(HarvestObject.guid, HarvestObject.id)
            .filter(HarvestObject.harvest_source_id == source_id)
            .filter(HarvestObject.current == sa.true())
        )
        return {guid: obj_id for guid, obj_id in rows}

    def territorio_withdraw(self, harvest_object: Any) -> bool:
        """Withdraw a dataset gone from the source: delete it, make it private or leave it."""
        settings = self.territorio_settings(harvest_object.source.config)
        mode = settings.get("withdraw", "delete")
        package = model.Package.get(harvest_object.package_id) if harvest_object.package_id else None
        model.Session.query(HarvestObject).filter(HarvestObject.guid == harvest_object.guid).filter(
            HarvestObject.harvest_source_id == harvest_object.harvest_source_id
        ).update({"current": False}, synchronize_session=False)
        harvest_object.current = False
        harvest_object.add()
        if package is None or package.state == "deleted" or mode == "none":
            model.Session.commit()
            return True
        context = {"user": self._get_user_name(), "ignore_auth": True, "model": model, "session": model.Session}
        if mode == "private":
            tk.get_action("package_patch")(context, {"id": package.id, "private": True})
        else:
            tk.get_action("package_delete")(context, {"id": package.id})
        model.Session.commit()
        log.info("Retirado %s (%s): %s", package.name, harvest_object.guid, mode)
        return True

    # --- import ----------------------------------------------------------------------------

    def territorio_import(self, harvest_object: Any, remote: Mapping[str, Any],
                          keywords: Iterable[str] = (), themes: Iterable[str] = ()) -> bool | str:
        """Map, validate with the scheming schema and the policy, create or update; never raises."""
        try:
            settings = self.territorio_settings(harvest_object.source.config)
            hm = current.harvest_mapping()
            package = clean_package(remote)
            package.update(territorial_fields({**remote, **package}, settings, hm, keywords, themes))
            if not package.get("title"):
                package["title"] = str(remote.get("name") or harvest_object.guid)
            if not package["dimension"]:
                self._save_object_error(
                    f"Sin dimensión para '{package['title']}': ninguna regla de schemas/harvest.yaml "
                    "coincide; agregue 'dimension' a la configuración de la fuente.",
                    harvest_object, "Import",
                )
                return False
            return self._territorio_save(harvest_object, package)
        except tk.ValidationError as exc:
            model.Session.rollback()
            self._save_object_error(
                f"El conjunto remoto {harvest_object.guid} no cumple el esquema o la política: "
                f"{json.dumps(exc.error_dict, ensure_ascii=False, default=str)[:1500]}",
                harvest_object, "Import",
            )
            return False
        except Exception as exc:  # never a crashed consumer
            log.exception("import %s", harvest_object.id)
            model.Session.rollback()
            self._save_object_error(f"Error inesperado al importar: {exc!r}", harvest_object, "Import")
            return False

    def _territorio_save(self, harvest_object: Any, package: dict[str, Any]) -> bool | str:
        digest = _hash(package)
        existing = existing_package(harvest_object.guid, harvest_object.harvest_source_id)
        previous = (
            model.Session.query(HarvestObject)
            .filter(HarvestObject.guid == harvest_object.guid)
            .filter(HarvestObject.harvest_source_id == harvest_object.harvest_source_id)
            .filter(HarvestObject.current == sa.true())
            .filter(HarvestObject.id != harvest_object.id)
            .first()
        )
        harvest_object.extras.append(HarvestObjectExtra(key="content_hash", value=digest))
        if previous is not None:
            previous.current = False
            previous.add()
        harvest_object.current = True
        context = {"user": self._get_user_name(), "ignore_auth": True, "model": model, "session": model.Session}
        source_package = model.Package.get(harvest_object.harvest_source_id)
        package["owner_org"] = source_package.owner_org if source_package else None
        package["type"] = "dataset"
        if existing is not None and existing.state == "active" and previous is not None \
                and object_extra(previous, "content_hash") == digest:
            harvest_object.package_id = existing.id
            harvest_object.add()
            model.Session.commit()
            return "unchanged"
        if existing is not None:
            current = tk.get_action("package_show")(dict(context), {"id": existing.id})
            by_url = {r.get("url"): r.get("id") for r in current.get("resources", [])}
            for resource in package.get("resources", []):
                if resource.get("url") in by_url:
                    resource["id"] = by_url[resource["url"]]
            package.update({"id": existing.id, "name": existing.name, "private": current.get("private", False),
                            "state": "active"})
            harvest_object.package_id = existing.id
            harvest_object.add()
            tk.get_action("package_update")(dict(context), package)
        else:
            package["id"] = str(uuid.uuid4())
            package["name"] = self._gen_new_name(str(package.get("name") or package["title"]))
            # linked before creation, as ckanext-harvest does: the policy recognises it as harvested
            harvest_object.package_id = package["id"]
            harvest_object.add()
            model.Session.execute(sa.text("SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED"))
            model.Session.flush()
            tk.get_action("package_create")(dict(context), package)
        model.Session.commit()
        return True
