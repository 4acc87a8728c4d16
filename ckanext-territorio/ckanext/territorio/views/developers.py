"""/desarrolladores: the developer guide, and /api/territorio/openapi.json: the API's description.

The guide's examples name this portal (``ckan.site_url``) and real datasets, organizations and
sensor series when the catalogue has them. CKAN's ``/api/3`` answer stays as CKAN gives it;
its ``Link`` header points to the guide and the description (RFC 8631).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, jsonify, request

from .. import config
from ..apidoc import examples as guide_examples
from ..apidoc import openapi
from ..language import current_lang
from ..timeseries import readings
from .errors import handle_errors

developers = handle_errors(Blueprint("territorio_developers", __name__))

# core's /api and /api/<ver> answers
API_ROOT_ENDPOINTS = frozenset({"api.get_api"})
# datasets looked at for the examples (newest first)
SAMPLE_ROWS = 50
FALLBACK = {
    "dataset": "nombre-del-conjunto",
    "organization": "municipalidad-de-temuco",
    "region": "CL-AR",
    "comuna": "09101",
    "dimension": "movilidad",
    "resource_id": "ID-DEL-RECURSO",
    "sensor": "nombre-del-conjunto-de-sensores",
}


def _site_url() -> str:
    return str(tk.config.get("ckan.site_url") or request.host_url).rstrip("/")


def _first(value: Any) -> str | None:
    if isinstance(value, list):
        return str(value[0]) if value else None
    return str(value) if value else None


def _has_datastore(resource: dict[str, Any]) -> bool:
    return resource.get("datastore_active") in (True, "true", "True") or resource.get("url_type") == "datastore"


def examples() -> dict[str, Any]:
    """Names for the guide's examples: real public ones of this catalogue where there are any."""
    found: dict[str, Any] = {"real": {}}
    try:
        result = tk.get_action("package_search")(
            {"user": ""},
            {"rows": SAMPLE_ROWS, "sort": "metadata_modified desc", "fq": "+dataset_type:dataset",
             "facet": "false"},
        )
        packages = result["results"]
    except (tk.ValidationError, tk.ObjectNotFound, tk.NotAuthorized, KeyError):
        packages = []
    for package in packages:
        region, comuna, dimension = (_first(package.get(k)) for k in ("region", "comuna", "dimension"))
        if "dataset" not in found["real"] and region and dimension:
            found["real"].update(dataset=package["name"], region=region, dimension=dimension)
            if package.get("organization"):
                found["real"]["organization"] = package["organization"]["name"]
        if comuna and "comuna" not in found["real"]:
            found["real"]["comuna"] = comuna
        stored = [r for r in package.get("resources") or () if _has_datastore(r)]
        if stored and "resource_id" not in found["real"]:
            found["real"]["resource_id"] = stored[0]["id"]
        if stored and "sensor" not in found["real"] and readings.observations_resource(package):
            found["real"]["sensor"] = package["name"]
        if len(found["real"]) == len(FALLBACK):
            break
    found.update({key: found["real"].get(key, value) for key, value in FALLBACK.items()})
    found["site_url"] = _site_url()
    found["api"] = found["site_url"] + "/api/3/action"
    found["openapi_url"] = found["site_url"] + tk.url_for("territorio_developers.openapi_json")
    found["catalog_url"] = found["site_url"] + "/catalog.ttl"
    return found


@developers.route("/desarrolladores", strict_slashes=False)
def guide() -> str:
    """The developer guide: CKAN's API, our actions, DataStore, time series and DCAT."""
    lang = "en" if current_lang() == "en" else "es"
    ex = examples()
    return tk.render(
        "territorio/developers.html",
        {
            "ex": ex,
            "code": guide_examples.snippets(ex),
            "lang": lang,
            "actions": openapi.source(config.schemas_dir())["actions"],
        },
    )


@developers.route("/api/territorio/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI 3.1 description of the portal's own actions and endpoints."""
    response = jsonify(openapi.document(config.schemas_dir(), _site_url()))
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@developers.after_app_request
def link_api_root(response: Response) -> Response:
    """CKAN's /api/3 answer, unchanged, with links to the guide and the description."""
    if request.endpoint in API_ROOT_ENDPOINTS:
        guide_url = tk.url_for("territorio_developers.guide")
        spec_url = tk.url_for("territorio_developers.openapi_json")
        response.headers.add(
            "Link", f'<{guide_url}>; rel="service-doc", <{spec_url}>; rel="service-desc"; type="application/openapi+json"'
        )
    return response
