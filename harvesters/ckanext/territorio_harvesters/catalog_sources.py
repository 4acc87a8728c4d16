"""The catalogue source types (plugins ``territorio_ckan_harvester``, ``territorio_dcat_rdf_harvester``,
``territorio_dcat_json_harvester``): ckanext-harvest's and ckanext-dcat's harvesters with the
mapping step and guarded withdrawals of ``catalog.CatalogMixin``."""
from __future__ import annotations

import json
import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.dcat.harvesters import DCATJSONHarvester, DCATRDFHarvester
from ckanext.harvest.harvesters.ckanharvester import CKANHarvester, ContentFetchError
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

from . import jsonld
from .catalog import (
    CatalogMixin,
    as_list,
)
from .cli import HarvestCommands
from .errors import SourceError
from .http import Client, parse_xml
from .liveness import gather_kept_alive, import_kept_alive
from .objects import object_extra

log = logging.getLogger(__name__)

RDF_ACCEPT = "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8"
CONTEXT_ACCEPT = "application/ld+json, application/json;q=0.9"


def _context(client: Client, url: str) -> bytes:
    """A remote JSON-LD context, read through the source's guarded client."""
    return client.get(url, headers={"Accept": CONTEXT_ACCEPT}).body


class TerritorioCKANHarvester(CatalogMixin, HarvestCommands, CKANHarvester):
    """Source type ``ckan``: a remote CKAN's action API (package_search), mapped."""

    def info(self) -> dict[str, str]:
        """The stock CKAN harvester's info, with the portal's description."""
        info = super().info()
        info["description"] = tk._("Catálogo CKAN remoto (API de acciones), con el marco territorial")
        return info

    def _set_config(self, config_str: str | None) -> None:
        super()._set_config(config_str)
        # a full listing every run: the only way to notice datasets deleted at the source
        self.config["force_all"] = True

    def validate_config(self, config: str | None) -> str | None:
        """Check our keys of the config, then the stock harvester's."""
        self.territorio_validate(config)
        return super().validate_config(config)

    def _get_content(self, url: str) -> str:
        try:
            response = self._territorio_http.get(url)
        except SourceError as exc:
            raise ContentFetchError(str(exc)) from None
        return response.body.decode("utf-8", errors="replace")

    @gather_kept_alive
    def gather_stage(self, harvest_job: Any) -> list[str] | None:
        """Gather through the guarded client, mark datasets gone as deletions, guard withdrawals."""
        before = self.territorio_current(harvest_job.source.id)

        def gather() -> list[str] | None:
            with self.territorio_client(harvest_job.source) as client:
                self._territorio_http = client
                return super(TerritorioCKANHarvester, self).gather_stage(harvest_job)

        ids = self.territorio_gather(harvest_job, gather)
        if ids is None:
            return None
        seen = {guid for (guid,) in model.Session.query(HarvestObject.guid).filter(HarvestObject.harvest_job_id == harvest_job.id)}
        for guid in sorted(set(before) - seen):
            previous = model.Session.query(HarvestObject).get(before[guid])
            obj = HarvestObject(guid=guid, job=harvest_job, package_id=previous.package_id if previous else None,
                                extras=[HarvestObjectExtra(key="status", value="delete")])
            obj.save()
            ids.append(obj.id)
        return self.territorio_guard_withdrawals(harvest_job, ids, before)

    @import_kept_alive
    def import_stage(self, harvest_object: Any) -> bool | str:
        """Withdraw a deletion, or import the remote dataset mapped to the territorial schema."""
        if object_extra(harvest_object, "status") == "delete":
            return self.territorio_withdraw(harvest_object)
        self._territorio_result: bool | str = False
        try:
            with self.territorio_client(harvest_object.source) as client:
                self._territorio_http = client
                super().import_stage(harvest_object)
                return self._territorio_result
        except Exception as exc:
            log.exception("import %s", harvest_object.id)
            model.Session.rollback()
            self._save_object_error(f"Error inesperado al importar: {exc!r}", harvest_object, "Import")
            return False

    def _create_or_update_package(self, package_dict: dict[str, Any], harvest_object: Any,
                                  package_dict_form: str = "rest") -> bool | str | None:
        self._territorio_result = self.territorio_import(harvest_object, package_dict)
        return True if self._territorio_result else None


class TerritorioDCATJSONHarvester(CatalogMixin, HarvestCommands, DCATJSONHarvester):
    """Source type ``dcat_json``: DCAT-US data.json (Socrata, ArcGIS Hub), mapped."""

    def info(self) -> dict[str, str]:
        """ckanext-dcat's info, with the title and description in the page's language."""
        return {**super().info(), "title": tk._("DCAT en JSON (data.json)"),
                "description": tk._("Catálogo DCAT-US data.json (Socrata, ArcGIS Hub), con el marco territorial")}

    def validate_config(self, config: str | None) -> str | None:
        """Check our keys of the config and return it unchanged."""
        self.territorio_validate(config)
        return config

    def _get_content_and_type(self, url: str, harvest_job: Any, page: int = 1,
                              content_type: str | None = None) -> tuple[str | None, str | None]:
        if page > 1:
            url = f"{url}{'&' if '?' in url else '?'}page={page}"
        try:
            with self.territorio_client(harvest_job.source) as client:
                response = client.get(url)
        except SourceError as exc:
            if page > 1 and getattr(exc, "status", None) == 404:
                import requests

                error = requests.exceptions.HTTPError()
                error.response = requests.Response()
                error.response.status_code = 404
                raise error from None
            self._save_gather_error(f"No se pudo leer la fuente: {exc}", harvest_job)
            return None, None
        return response.body.decode("utf-8", errors="replace"), response.headers.get("content-type")

    @gather_kept_alive
    def gather_stage(self, harvest_job: Any) -> list[str] | None:
        """Gather the data.json, take the job's objects in order and guard withdrawals."""
        before = self.territorio_current(harvest_job.source.id)
        ids = self.territorio_gather(harvest_job, lambda: super(TerritorioDCATJSONHarvester, self).gather_stage(harvest_job))
        if ids is None:
            return None
        # ckanext-dcat 2.4.4 lists a deletion's id before saving it (None): take them from the job
        ids = [
            obj_id for (obj_id,) in model.Session.query(HarvestObject.id)
            .filter(HarvestObject.harvest_job_id == harvest_job.id).order_by(HarvestObject.gathered)
        ]
        return self.territorio_guard_withdrawals(harvest_job, ids, before)

    @import_kept_alive
    def import_stage(self, harvest_object: Any) -> bool | str:
        """Withdraw a deletion, or import the DCAT dataset with its keywords and themes mapped."""
        if object_extra(harvest_object, "status") == "delete":
            return self.territorio_withdraw(harvest_object)
        try:
            package, dcat = self._get_package_dict(harvest_object)
        except Exception as exc:
            self._save_object_error(f"No se pudo leer el conjunto DCAT: {exc!r}", harvest_object, "Import")
            return False
        keywords = as_list(dcat.get("keyword"))
        themes = as_list(dcat.get("theme"))
        return self.territorio_import(harvest_object, package, keywords, themes)


class TerritorioDCATRDFHarvester(CatalogMixin, HarvestCommands, DCATRDFHarvester):
    """Source type ``dcat_rdf``: DCAT-AP in RDF (Turtle, RDF/XML, JSON-LD), mapped."""

    def info(self) -> dict[str, str]:
        """ckanext-dcat's info, with the title and description in the page's language."""
        return {**super().info(), "title": tk._("DCAT en RDF"),
                "description": tk._("Catálogo DCAT-AP en RDF (Turtle, RDF/XML, JSON-LD), con el marco territorial")}

    def validate_config(self, config: str | None) -> str | None:
        """Check our keys of the config, then the stock harvester's."""
        self.territorio_validate(config)
        return super().validate_config(config)

    def _get_content_and_type(self, url: str, harvest_job: Any, page: int = 1,
                              content_type: str | None = None) -> tuple[str | None, str | None]:
        if page > 1:
            url = f"{url}{'&' if '?' in url else '?'}page={page}"
        try:
            with self.territorio_client(harvest_job.source) as client:
                response = client.get(url, headers={"Accept": RDF_ACCEPT})
                text = jsonld.decode_text(response.body)
                if jsonld.is_markup(text):
                    # refuses DTDs and entities before rdflib parses it, byte-order mark or not
                    parse_xml(response.body, response.url)
                elif jsonld.looks_like_json(text):
                    # rdflib would fetch remote contexts itself, past the guard and the caps
                    text = jsonld.inline_contexts(
                        text, response.url or url, lambda ref: _context(client, ref)
                    )
        except SourceError as exc:
            self._save_gather_error(f"No se pudo leer la fuente: {exc}", harvest_job)
            return None, None
        kind = content_type or (response.headers.get("content-type") or "").split(";", 1)[0] or None
        return text, kind

    def _mark_datasets_for_deletion(self, guids_in_source: list[str], harvest_job: Any) -> list[str]:
        before = self.territorio_current(harvest_job.source.id)
        ids = super()._mark_datasets_for_deletion(guids_in_source, harvest_job)
        return self.territorio_guard_withdrawals(harvest_job, ids, before) or []

    @gather_kept_alive
    def gather_stage(self, harvest_job: Any) -> list[str] | None:
        """Gather the RDF catalogue; an unexpected error is saved as a gather error."""
        return self.territorio_gather(harvest_job, lambda: super(TerritorioDCATRDFHarvester, self).gather_stage(harvest_job))

    @import_kept_alive
    def import_stage(self, harvest_object: Any) -> bool | str:
        """Withdraw a deletion, or import the parsed dataset with its keywords mapped."""
        if object_extra(harvest_object, "status") == "delete":
            return self.territorio_withdraw(harvest_object)
        try:
            dataset = json.loads(harvest_object.content or "{}")
        except ValueError:
            self._save_object_error("Contenido ilegible", harvest_object, "Import")
            return False
        return self.territorio_import(harvest_object, dataset, as_list(dataset.get("keyword")), [])

