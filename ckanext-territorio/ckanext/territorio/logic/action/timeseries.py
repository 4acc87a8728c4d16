"""territorio_readings and territorio_latest: sensor readings as time series (timeseries/)."""
from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk
import msgspec
from ckan import model
from ckan.lib.lazyjson import LazyJSONObject
from ckan.types import Context, DataDict

from ... import current
from ...timeseries import latest as latest_engine
from ...timeseries import params, readings
from ...vocab import normalise_comuna_code, normalise_region_code

__all__ = ["territorio_latest", "territorio_readings"]

MAX_DATASETS = latest_engine.MAX_TABLES


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _invalid(exc: params.Invalid) -> tk.ValidationError:
    return tk.ValidationError(exc.errors)


def _child(context: Context) -> Context:
    """A context for the core actions called on the caller's behalf (same user, same auth)."""
    child: Context = {"user": context.get("user", ""), "auth_user_obj": context.get("auth_user_obj")}
    if context.get("ignore_auth"):
        child["ignore_auth"] = True
    return child


def _resource_facts(resource: Any) -> dict[str, Any]:
    """What observations_resource reads of a resource, from the model row."""
    return {
        "id": resource.id,
        "state": resource.state,
        "url_type": resource.url_type,
        "datastore_active": (resource.extras or {}).get("datastore_active"),
    }


def _visible_package(context: Context, name_or_id: str) -> Any:
    """The dataset as a model row, after core's ``package_show`` auth as the caller.

    Core's auth function decides (private datasets, collaborators, sysadmins) without the
    cost of the whole ``package_show`` dictionary, which was two thirds of a readings call.
    """
    package = model.Package.get(name_or_id)
    if package is None or package.state == "deleted":
        raise tk.ObjectNotFound(tk._("No existe el conjunto de datos %s") % name_or_id)
    if not context.get("ignore_auth"):
        child = _child(context)
        tk.check_access("package_show", child, {"id": package.id})
    return package


def check_ids(data_dict: DataDict) -> None:
    """``resource_id`` and ``id`` as texts an id lookup can take (before the auth looks them up)."""
    for key in ("resource_id", "id"):
        value = data_dict.get(key)
        # a NUL reaches PostgreSQL as an error of the driver, not as a missing row
        if value is not None and (not isinstance(value, str) or len(value) > 200 or "\x00" in value):
            raise tk.ValidationError({key: [tk._("Debe ser un identificador o nombre")]})


def resolve(context: Context, data_dict: DataDict) -> tuple[str, dict[str, Any]]:
    """The observations table (resource id) named by ``resource_id`` or ``id``, and its dataset.

    Permissions are core's ``package_show`` auth as the caller (``resource_show``'s own rule).
    """
    check_ids(data_dict)
    resource_id = data_dict.get("resource_id")
    dataset_id = data_dict.get("id")
    if resource_id:
        resource = model.Resource.get(resource_id)
        if resource is None or resource.state == "deleted" or resource.package is None:
            raise tk.ObjectNotFound(tk._("No existe el recurso %s") % resource_id)
        package = _visible_package(context, resource.package_id)
        found = readings.observations_resource({"resources": [_resource_facts(resource)]})
        if found is None:
            raise tk.ValidationError({"resource_id": [tk._("El recurso no tiene una tabla de mediciones")]})
        return found, {"id": package.id, "name": package.name}
    if dataset_id:
        package = _visible_package(context, dataset_id)
        found = readings.observations_resource({"resources": [_resource_facts(r) for r in package.resources]})
        if found is None:
            raise tk.ValidationError({"id": [tk._("El conjunto de datos no tiene un recurso de mediciones")]})
        return found, {"id": package.id, "name": package.name}
    raise tk.ValidationError({"resource_id": [tk._("Indique resource_id (el recurso) o id (el conjunto de datos)")]})


@tk.side_effect_free
def territorio_readings(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Readings of a sensor dataset in a time range, raw or as hourly/daily means, by pages.

    Public for public datasets; a private one's readings only for who may see it.

    :param resource_id: the observations resource (or ``id``)
    :type resource_id: string
    :param id: a sensor dataset's id or name (its observations resource)
    :type id: string
    :param station: station id(s): a list, one value or comma-separated (at most 200)
    :type station: list of strings
    :param variable: variable(s), as ``station`` (at most 50)
    :type variable: list of strings
    :param from: ISO 8601 start, inclusive (default: ``to`` minus 7 days); without an offset
        it is Chile's local time (America/Santiago)
    :type from: string
    :param to: ISO 8601 end, inclusive (default: now); ``from`` ≤ ``to``; at most 366 days
        apart (3660 with ``aggregate=day``)
    :type to: string
    :param aggregate: ``none`` (default), ``hour`` or ``day``: buckets starting at the hour /
        the local midnight in America/Santiago, ``value`` the mean plus ``min``, ``max``, ``count``
    :type aggregate: string
    :param limit: records per page (default 1000, at most 10000)
    :type limit: int
    :param cursor: the ``next`` of the previous page (same parameters otherwise)
    :type cursor: string
    :param format: ``json`` (default) or ``csv`` (the page as CSV text in ``csv``; the plain
        CSV download is ``GET /api/territorio/readings.csv`` with the same parameters)
    :type format: string

    :returns: ``records`` (each ``station``, ``variable``, ``value``, ``unit``,
        ``observed_at`` in UTC; with an aggregate also ``min``, ``max``, ``count``), ordered by
        station, variable and time, and ``next`` (cursor of the next page, or null)
    :rtype: dictionary
    """
    check_ids(data_dict)
    tk.check_access("territorio_readings", context, data_dict)
    try:
        query = params.readings_query(data_dict, _now())
    except params.Invalid as exc:
        raise _invalid(exc) from None
    resource_id, _package = resolve(context, data_dict)
    try:
        page = readings.fetch(resource_id, query, data_dict.get("cursor") or None)
    except params.Invalid as exc:
        raise _invalid(exc) from None
    if query.format == "csv":
        return {"format": "csv", "csv": page.csv(), "next": page.next}
    # through the API the JSON PostgreSQL wrote goes out as it is (CKAN's simplejson
    # renders a RawJSON verbatim), as datastore_search does; Python callers get lists
    records = LazyJSONObject(page.records_json) if "api_version" in context else page.records
    return {"records": records, "next": page.next}


def _codes(data_dict: DataDict, key: str) -> list[str]:
    normalise = normalise_region_code if key == "region" else normalise_comuna_code
    codes = []
    for value in params.text_list(data_dict, key, 20):
        try:
            codes.append(normalise(value, fw=current.framework()))
        except ValueError:
            raise params.Invalid({key: [tk._("Código desconocido: {code}").format(code=value)]}) from None
    return codes


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _visible(context: Context, regions: list[str], comunas: list[str], box: Any) -> list[dict[str, Any]]:
    """The sensor datasets the caller may see, of the regions/comunas, near the bbox."""
    clauses = ["+dataset_type:dataset"]
    if regions:
        clauses.append("+region:(" + " OR ".join(_quoted(c) for c in regions) + ")")
    if comunas:
        clauses.append("+comuna:(" + " OR ".join(_quoted(c) for c in comunas) + ")")
    search: dict[str, Any] = {"fq": " ".join(clauses), "rows": 1000, "include_private": True, "facet": "false"}
    if box is not None:
        search["extras"] = {"ext_bbox": ",".join(str(x) for x in box)}  # ckanext-spatial, when loaded
    result = tk.get_action("package_search")(_child(context), search)
    return [
        package
        for package in result["results"]
        if any(r.get("url_type") == "datastore" or r.get("datastore_active") for r in package.get("resources", []))
    ]


@tk.side_effect_free
def territorio_latest(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The newest reading of every station and variable, with its age, for a map or a dashboard.

    Give a dataset (``id``), a territory (``region`` / ``comuna``) or a ``bbox``; the last two
    count only the datasets the caller may see (public ones, and private ones of their
    organizations).

    :param id: a sensor dataset's id or name
    :type id: string
    :param region: region code(s) (ISO 3166-2 ``CL-RM``, CUT number or roman numeral): the
        sensor datasets of those regions
    :type region: list of strings
    :param comuna: comuna CUT code(s): the sensor datasets of those comunas
    :type comuna: list of strings
    :param bbox: ``minx,miny,maxx,maxy`` (WGS 84 degrees): stations inside it
    :type bbox: string
    :param station: only these station ids
    :type station: list of strings
    :param variable: only these variables
    :type variable: list of strings
    :param format: ``json`` (default) or ``geojson`` (a FeatureCollection of the stations,
        each with ``properties.latest``: its variables' newest readings)
    :type format: string

    :returns: ``records``: ``station``, ``name``, ``lon``, ``lat`` (where known),
        ``variable``, ``value``, ``unit``, ``observed_at`` (UTC), ``age_seconds``,
        ``dataset``, ``resource_id``; or the FeatureCollection
    :rtype: dictionary
    """
    check_ids(data_dict)
    tk.check_access("territorio_latest", context, data_dict)
    try:
        stations = params.text_list(data_dict, "station", params.MAX_STATIONS)
        variables = params.text_list(data_dict, "variable", params.MAX_VARIABLES)
        output = params.choice(data_dict, "format", params.LATEST_FORMATS)
        box = params.bbox(data_dict)
        regions = _codes(data_dict, "region")
        comunas = _codes(data_dict, "comuna")
    except params.Invalid as exc:
        raise _invalid(exc) from None
    sources: list[latest_engine.Source] = []
    if data_dict.get("id"):
        resource_id, package = resolve(context, {"id": data_dict["id"]})
        sources.append(latest_engine.Source(resource_id, package["id"], package["name"]))
    elif regions or comunas or box is not None:
        for package in _visible(context, regions, comunas, box)[:MAX_DATASETS]:
            table = readings.observations_resource(package)
            if table is not None:
                sources.append(latest_engine.Source(table, package["id"], package["name"]))
    else:
        raise tk.ValidationError({"id": [tk._("Indique id (un conjunto de datos), region, comuna o bbox")]})
    records = latest_engine.latest(sources, now=_now(), stations=stations, variables=variables, box=box)
    if output == "geojson":
        return latest_engine.feature_collection(records)
    # through the API, encoded by msgspec (CKAN's simplejson took a third of the request)
    return {"records": _encoded(records) if "api_version" in context else records}


def _encoded(records: list[dict[str, Any]]) -> LazyJSONObject:
    return LazyJSONObject(msgspec.json.encode(records).decode())
