"""ckanext-dcat's catalogue and dataset endpoints, with their parameters checked first.

ckanext-dcat 2.4.4 answers a bad parameter of ``/catalog.<format>`` with a 500 (``q=(((``
raises the search's ``SearchQueryError``, a ``modified_since`` too large for a date
``OverflowError``, an unknown format ``KeyError``) or with a 409 in English (``page=0``,
``page=x``, a page so large that ``start`` overflows). Its views cannot be wrapped from a
plugin listed before it, and the URL rules belong to its blueprint, so this blueprint has no
routes: an app-wide ``before_request`` hook checks the parameters of those endpoints (and of
the ``dcat_*`` API actions) and answers a bad one with a 400 in Spanish; a good request runs
ckanext-dcat's own view, with the search's refusals turned into the same 400.

Content negotiation on record pages is ours too (``negotiate_record_rdf``): ckanext-dcat's
``ckanext.dcat.enable_content_negotiation`` answers ``Accept: text/turtle`` on /dataset/<name>,
but by taking over the /dataset/<id>, /dataset/new and / routes with its own blueprint, so the
main menu no longer marks "Conjuntos de datos" as the current section, and /iniciativa/<name>
gets no RDF. The hook leaves CKAN's routes alone and works for every dataset type.
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

from .negotiation import FORMATS as RDF_SYNTAXES
from .negotiation import rdf_format, vary_on_accept

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


def _record_types() -> set[str]:
    """The dataset types whose ``<type>.read`` page negotiates (scheming's, plus CKAN's own)."""
    schemas = getattr(tk.h, "scheming_dataset_schemas", None)
    return {"dataset", *(schemas() or {} if schemas else {})}


def _record_id() -> str | None:
    blueprint, _, view = (request.endpoint or "").partition(".")
    if view != "read" or blueprint not in _record_types():
        return None
    ident = (request.view_args or {}).get("id")
    return str(ident) if ident else None


@dcat_catalog.before_app_request
def negotiate_record_rdf() -> Response | None:
    """A record page asked for with an RDF media type (Accept) answers the record's DCAT RDF.

    The record is read with the requester's rights: a private dataset is a 404 to whoever may
    not see it, as its HTML page is, so RDF tells no more than the page.
    """
    ident = _record_id()
    fmt = rdf_format() if ident else None
    if ident is None or fmt is None:
        return None
    from ckanext.dcat.processors import RDFSerializer

    try:
        dataset = tk.get_action("package_show")({}, {"id": ident})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        message = tk._("No existe el conjunto de datos «{name}» o no tiene permiso para verlo.")
        return vary_on_accept(
            Response(message.format(name=ident) + "\n", status=404, mimetype="text/plain")
        )
    serializer, media_type = RDF_SYNTAXES[fmt]
    body = RDFSerializer().serialize_dataset(dataset, _format=serializer)
    return vary_on_accept(Response(body, mimetype=media_type))


@dcat_catalog.after_app_request
def vary_record_pages(response: Response) -> Response:
    """A record page's HTML also depends on Accept (the same address serves its RDF)."""
    return vary_on_accept(response) if _record_id() else response
