"""Parse the Solr request parameters CKAN sends: fq, sort, fl, facets, paging."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

import pyparsing as pp
from ckan.lib.search.common import SearchQueryError

_NUMBER = pp.pyparsing_common.number
# ckanext-spatial's solr-spatial-field filter: {!field f=spatial_geom}Intersects(ENVELOPE(minx, maxx, maxy, miny))
_ENVELOPE = (
    pp.Suppress("{!field")
    + pp.Suppress("f=")
    + pp.Word(pp.alphanums + "_")("field")
    + pp.Suppress("}")
    + pp.Suppress(pp.CaselessLiteral("Intersects"))
    + pp.Suppress("(")
    + pp.Suppress(pp.CaselessLiteral("ENVELOPE"))
    + pp.Suppress("(")
    + pp.DelimitedList(_NUMBER, ",", min=4, max=4)("coords")
    + pp.Suppress(")")
    + pp.Suppress(")")
    + pp.StringEnd()
)


@dataclasses.dataclass(frozen=True)
class Envelope:
    """The bounding box of a ckanext-spatial ``Intersects(ENVELOPE(...))`` filter."""

    field: str
    minx: float
    maxx: float
    maxy: float
    miny: float


@dataclasses.dataclass(frozen=True)
class FacetRequest:
    """One ``facet.field`` with its per-field limit, mincount and sort."""

    field: str
    limit: int | None
    mincount: int
    sort: str


def as_list(value: Any) -> list[str]:
    """A Solr parameter as a list of its non-blank values."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v is not None and str(v).strip()]
    return [str(value)] if str(value).strip() else []


def int_param(params: dict[str, Any], key: str, default: int) -> int:
    """An integer parameter, or a SearchQueryError naming it."""
    value = params.get(key, default)
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise SearchQueryError(f"El parámetro {key!r} debe ser un número entero.") from error


def envelope(fq: str) -> Envelope | None:
    """The bounding box of a spatial filter, or None if ``fq`` is not one."""
    text = fq.strip().lstrip("+")
    if not text.startswith("{!field") or "intersects(" not in text.lower():
        return None  # other local parameters: the query translator's
    try:
        parsed = _ENVELOPE.parse_string(text)
    except pp.ParseException as error:
        raise SearchQueryError(f"Filtro espacial no válido: {fq[:80]!r}") from error
    minx, maxx, maxy, miny = (float(c) for c in parsed["coords"])
    return Envelope(parsed["field"], minx, maxx, maxy, miny)


def sort_keys(sort: str | None) -> list[tuple[str, bool]]:
    """``"score desc, name asc"`` -> ``[("score", True), ("name", False)]``."""
    keys: list[tuple[str, bool]] = []
    for part in (sort or "").split(","):
        words = part.split()
        if not words:
            continue
        if len(words) != 2 or words[1].lower() not in ("asc", "desc"):
            raise SearchQueryError('Invalid "sort" parameter')
        keys.append((words[0], words[1].lower() == "desc"))
    return keys


def field_list(fl: Any) -> list[str]:
    """The ``fl`` field names (``*`` when none is given)."""
    names: list[str] = []
    for item in as_list(fl):
        names.extend(n for n in item.replace(",", " ").split() if n)
    return names or ["*"]


def facet_requests(params: dict[str, Any]) -> list[FacetRequest]:
    """The facets a search asks for, unless ``facet`` is off."""
    if str(params.get("facet", "true")).lower() in ("false", "off", "0"):
        return []
    default_limit = int_param(params, "facet.limit", 50)
    default_mincount = int_param(params, "facet.mincount", 0)
    default_sort = str(params.get("facet.sort", "count"))
    requests = []
    for field in _unique(as_list(params.get("facet.field"))):
        limit = int_param(params, f"f.{field}.facet.limit", default_limit)
        requests.append(
            FacetRequest(
                field=field,
                limit=None if limit < 0 else limit,
                mincount=int_param(params, f"f.{field}.facet.mincount", default_mincount),
                sort=str(params.get(f"f.{field}.facet.sort", default_sort)),
            )
        )
    return requests


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)
