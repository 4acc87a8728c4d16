"""ckanext-dcat's catalogue and dataset endpoints, with their parameters checked first.

ckanext-dcat 2.4.4 answers a bad parameter of ``/catalog.<format>`` with a 500 (``q=(((``
raises the search's ``SearchQueryError``, a ``modified_since`` too large for a date
``OverflowError``, an unknown format ``KeyError``) or with a 409 in English (``page=0``,
``page=x``, a page so large that ``start`` overflows). Its views cannot be wrapped from a
plugin listed before it, and the URL rules belong to its blueprint, so this blueprint has no
routes: an app-wide ``before_request`` hook checks the parameters of those endpoints (and of
the ``dcat_*`` API actions) and answers a bad one with a 400 in Spanish; a good request runs
ckanext-dcat's own view, with the search's refusals turned into the same 400.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from importlib import metadata
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SearchError, SearchQueryError
from dateutil.parser import ParserError
from dateutil.parser import parse as parse_date
from flask import Blueprint, Response, current_app, jsonify, request

dcat_catalog = Blueprint("territorio_dcat_catalog", __name__)

CATALOG_ENDPOINTS = frozenset({"dcat.read_catalog", "dcat_json_interface.dcat_json"})
DATASET_ENDPOINTS = frozenset({"dcat.read_dataset", "dcat.read_dataset_series"})
API_ACTIONS = frozenset({"dcat_catalog_show", "dcat_catalog_search", "dcat_datasets_list"})
# ckanext-dcat's serialisations (ckanext.dcat.utils.CONTENT_TYPES)
FORMATS = ("ttl", "xml", "rdf", "n3", "jsonld")
# package_search's `start` is a PostgreSQL integer (search/schema.py)
MAX_START = 2**31 - 1
DEFAULT_PER_PAGE = 100
PROFILE_ENTRY_POINTS = "ckan.rdf.profiles"


def _per_page() -> int:
    try:
        return max(1, int(tk.config.get("ckanext.dcat.datasets_per_page") or DEFAULT_PER_PAGE))
    except (TypeError, ValueError):
        return DEFAULT_PER_PAGE


def max_page() -> int:
    """The last page whose first dataset the search can still reach."""
    return MAX_START // _per_page() + 1


def _page_problem(value: Any) -> str | None:
    if value in (None, ""):
        return None
    top = max_page()
    message = tk._("Debe ser un número entero entre 1 y {top}.").format(top=top)
    text = str(value).strip()
    if not text.isdigit() or len(text) > len(str(top)):
        return message
    return message if not 1 <= int(text) <= top else None


def _date_problem(value: Any) -> str | None:
    if value in (None, ""):
        return None
    message = tk._(
        "Debe ser una fecha ISO 8601 entre los años 1 y 9999 (p. ej. 2024-01-31 o "
        "2024-01-31T12:00:00)."
    )
    if not isinstance(value, str) or len(value) > 64:
        return message
    try:
        parsed = parse_date(value)
    except (ParserError, ValueError, OverflowError, TypeError, AttributeError):
        return message
    # the search's date math needs room on both sides of the bound
    return message if not dt.datetime(1, 1, 2) <= parsed.replace(tzinfo=None) else None


def _profiles_problem(value: Any) -> str | None:
    if value in (None, ""):
        return None
    known = sorted(e.name for e in metadata.entry_points(group=PROFILE_ENTRY_POINTS))
    asked = [name.strip() for name in str(value).split(",")]
    unknown = [name for name in asked if name not in known]
    if not unknown:
        return None
    return tk._("Perfil DCAT desconocido: {unknown}. Perfiles disponibles: {known}.").format(
        unknown=", ".join(f"«{name}»" for name in unknown), known=", ".join(known)
    )


def _text_problem(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        return tk._("Debe ser texto.")
    if "\x00" in value:
        return tk._("Contiene un carácter nulo (NUL).")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return tk._("Contiene caracteres Unicode no válidos (sustitutos sueltos).")
    return None


def _format_problem(value: Any) -> str | None:
    if value is None or value in FORMATS:
        return None
    return tk._("Formato «{value}» desconocido; los formatos son: {formats}.").format(
        value=str(value)[:40], formats=", ".join(FORMATS)
    )


_CHECKS = {
    "page": _page_problem,
    "modified_since": _date_problem,
    "q": _text_problem,
    "fq": _text_problem,
    "profiles": _profiles_problem,
}


def problems(params: Mapping[str, Any], names: tuple[str, ...] = tuple(_CHECKS)) -> dict[str, str]:
    """Each bad parameter of a catalogue request with what is wrong with it, in Spanish."""
    found = {}
    for name in names:
        problem = _CHECKS[name](params.get(name))
        if problem:
            found[name] = problem
    return found


def _bad_request(found: Mapping[str, str]) -> Response:
    lines = [tk._("El catálogo DCAT no puede responder a esta petición:")]
    lines += [f"- {name}: {message}" for name, message in found.items()]
    return Response("\n".join(lines) + "\n", status=400, mimetype="text/plain")


def _search_refused(error: Exception) -> Response:
    # the engine's messages are Spanish and carry no database text (search/execution.py)
    detail = str(error) if isinstance(error, SearchQueryError) else tk._(
        "la búsqueda no pudo completarse."
    )
    return _bad_request({"q/fq": tk._("La consulta no es válida: {detail}").format(detail=detail)})


def _api_refusal(found: Mapping[str, str]) -> Response:
    # the action API's own shape for a ValidationError (409, field keys)
    body = {
        "help": request.url,
        "success": False,
        "error": {"__type": "Validation Error", **{k: [v] for k, v in found.items()}},
    }
    response = jsonify(body)
    response.status_code = 409
    return response


def _api_params() -> Mapping[str, Any]:
    if request.method == "POST":
        body = request.get_json(silent=True)
        return body if isinstance(body, dict) else request.form
    return request.args


@dcat_catalog.before_app_request
def check_dcat_request() -> Response | None:
    """A bad parameter of a DCAT endpoint is a 400 (409 in the API) before ckanext-dcat runs."""
    endpoint = request.endpoint or ""
    view_args = request.view_args or {}
    if endpoint == "api.action":
        if view_args.get("logic_function") not in API_ACTIONS:
            return None
        found = problems(_api_params())
        return _api_refusal(found) if found else None
    if endpoint not in CATALOG_ENDPOINTS | DATASET_ENDPOINTS:
        return None
    names = ("profiles",) if endpoint in DATASET_ENDPOINTS else tuple(_CHECKS)
    found = problems(request.args, names)
    fmt_problem = _format_problem(view_args.get("_format"))
    if fmt_problem:
        found = {"formato": fmt_problem, **found}
    if found:
        return _bad_request(found)
    if endpoint in DATASET_ENDPOINTS:
        return None
    # the catalogue searches: run ckanext-dcat's view here, so that the search's refusal of
    # a query (or a failure) answers a 400 rather than a 500
    view: Any = current_app.view_functions[endpoint]
    try:
        return current_app.make_response(view(**view_args))
    except (SearchQueryError, SearchError) as error:
        return _search_refused(error)
