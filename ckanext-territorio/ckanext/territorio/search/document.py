"""Turn the Solr document CKAN builds into a row of ``territorio_search_doc``."""
from __future__ import annotations

import datetime
import json
import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import shapely
import shapely.geometry
import shapely.wkt
from dateutil.parser import ParserError, isoparse

from . import analysis, fields

log = logging.getLogger(__name__)

# PostgreSQL tsvector limits: positions stop at 16383, 256 positions per lexeme,
# lexemes under 2 KB.
_MAX_POSITION = 16383
_MAX_POSITIONS_PER_LEXEME = 255
_MAX_TOKEN_LENGTH = 64
_MAX_TEXT_PER_FIELD = 200_000
# Gap between values and fields, so phrases never match across them.
_VALUE_GAP = 2

_FIELD_KEY_RE = re.compile(r"[^0-9A-Za-z_-]")
# The UTC timestamps CKAN sends for date fields (``2014-06-10T08:24:12.782257Z``).
_SOLR_DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$")


def field_key(field: str) -> str:
    """The prefix that marks ``field``'s lexemes in ``field_vector``."""
    return _FIELD_KEY_RE.sub("_", field)


def as_strings(value: Any) -> list[str]:
    """Solr's view of a field value: a list of strings."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, set)):
        out: list[str] = []
        for item in value:
            out.extend(as_strings(item))
        return out
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, (datetime.datetime, datetime.date)):
        return [value.isoformat()]
    if isinstance(value, dict):
        return [json.dumps(value, sort_keys=True, default=str)]
    return [str(value)]


def solr_date(value: str) -> str:
    """A date as Solr stores and returns it: UTC, milliseconds at most, none when zero.

    ``2014-06-10T08:24:12.782257Z`` -> ``2014-06-10T08:24:12.782Z``;
    ``2019-10-10T01:15:00+00:00`` -> ``2019-10-10T01:15:00Z``; text that is not
    a date is returned unchanged.
    """
    match = _SOLR_DATE_RE.match(value)
    if match is None:
        parsed = _timestamp(value) if "T" in value else None
        if parsed is None:
            return value
        value = parsed.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        match = _SOLR_DATE_RE.match(value)
        assert match is not None
    seconds, fraction = match.groups()
    millis = (fraction or "")[:3].ljust(3, "0")
    return f"{seconds}.{millis}Z" if int(millis) else f"{seconds}Z"


def _stored_dates(stored: dict[str, Any]) -> dict[str, Any]:
    """Date fields truncated to Solr's precision (what Solr gives back)."""
    for field, value in stored.items():
        if fields.kind(field) is not fields.Kind.DATE:
            continue
        if isinstance(value, str):
            stored[field] = solr_date(value)
        elif isinstance(value, list):
            stored[field] = [solr_date(v) if isinstance(v, str) else v for v in value]
    return stored


class _VectorBuilder:
    """Accumulates lexeme positions and renders a tsvector literal."""

    def __init__(self) -> None:
        self._positions: dict[str, list[str]] = defaultdict(list)
        self._next = 1

    def add(self, text: str, lexeme_prefix: str = "", weight: str = "D") -> None:
        """Append ``text``'s terms at the next positions, a gap after them."""
        for term in analysis.analyze(text[:_MAX_TEXT_PER_FIELD]):
            if len(term) > _MAX_TOKEN_LENGTH:
                continue
            slots = self._positions[lexeme_prefix + term]
            if len(slots) < _MAX_POSITIONS_PER_LEXEME:
                slots.append(f"{min(self._next, _MAX_POSITION)}{weight}")
            self._next += 1
        self._next += _VALUE_GAP

    def literal(self) -> str:
        """The tsvector literal (``'term':1A,5A 'other':2``)."""
        return " ".join(
            "'{}':{}".format(lexeme, ",".join(slots))
            for lexeme, slots in self._positions.items()
        )


def _timestamp(value: Any) -> datetime.datetime | None:
    if not value:
        return None
    try:
        parsed = isoparse(str(value))
    except (ValueError, ParserError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


def _geometry_wkt(doc: dict[str, Any], geom_field: str | None) -> str | None:
    """WKT of the dataset's extent, from ckanext-spatial's field or GeoJSON."""
    if geom_field is None:
        return None  # no ckanext-spatial: nothing filters on extents
    shapes = []
    for wkt in as_strings(doc.get(geom_field)):
        try:
            shapes.append(shapely.wkt.loads(wkt))
        except shapely.errors.ShapelyError:
            log.warning("Invalid %s for %s, not indexed", geom_field, doc.get("id"))
    if not shapes:
        for text in as_strings(doc.get("spatial") or doc.get("extras_spatial")):
            try:
                shapes.append(shapely.geometry.shape(json.loads(text)))
            except (ValueError, TypeError, KeyError, AttributeError,
                    shapely.errors.ShapelyError):
                log.warning("Invalid spatial GeoJSON for %s, not indexed", doc.get("id"))
    shapes = [s for s in shapes if not s.is_empty and s.is_valid]
    if not shapes:
        return None
    shape = shapes[0] if len(shapes) == 1 else shapely.GeometryCollection(shapes)
    return shape.wkt


def _organization_title(data_dict: str | None) -> str | None:
    if not data_dict:
        return None
    try:
        org = json.loads(data_dict).get("organization")
    except (ValueError, AttributeError):
        return None
    return org.get("title") if isinstance(org, dict) else None


def _jsonable(doc: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(doc, default=str))


def build_row(doc: dict[str, Any], geom_field: str | None = None) -> dict[str, Any]:
    """Column values for one document as CKAN's ``index_package`` sends it."""
    stored = _stored_dates({k: v for k, v in doc.items() if k not in fields.BLOBS})
    search_vector = _VectorBuilder()
    field_vector = _VectorBuilder()
    exact: dict[str, list[str]] = {}

    extra_text = {"organization_title": _organization_title(doc.get("data_dict"))}
    for field, value in _ordered_items({**stored, **extra_text}):
        values = as_strings(value)
        if not values:
            continue
        if fields.feeds_full_text(field) or field == "organization_title":
            for text in values:
                search_vector.add(text, weight=fields.weight(field))
        if fields.kind(field) is fields.Kind.TEXT:
            if field not in fields.EXCLUSIVE_WEIGHTS:
                prefix = field_key(field) + "."
                for text in values:
                    field_vector.add(text, lexeme_prefix=prefix)
        elif field in stored and field not in fields.NOT_IN_FIELDS and field != geom_field:
            # Deduplicated: facets count a dataset once per value, as Solr does.
            kept = [v for v in dict.fromkeys(values) if len(v) <= fields.MAX_EXACT_VALUE]
            if kept:
                exact[field] = kept

    title = str(doc.get("title") or "")
    return {
        "index_id": doc.get("index_id") or doc["id"],
        "id": doc["id"],
        "site_id": doc.get("site_id") or "",
        "name": doc.get("name"),
        "title_sort": analysis.fold(title).strip() or None,
        "state": doc.get("state"),
        "dataset_type": doc.get("dataset_type"),
        "entity_type": doc.get("entity_type"),
        "capacity": doc.get("capacity"),
        "organization": doc.get("organization"),
        "permission_labels": as_strings(doc.get("permission_labels")),
        "metadata_created": _timestamp(doc.get("metadata_created")),
        "metadata_modified": _timestamp(doc.get("metadata_modified")),
        "doc": _jsonable(stored),
        "fields": exact,
        "data_dict": doc.get("data_dict"),
        "validated_data_dict": doc.get("validated_data_dict"),
        "search_vector": search_vector.literal(),
        "field_vector": field_vector.literal(),
        "geom": _geometry_wkt(doc, geom_field),
    }


def _ordered_items(doc: dict[str, Any]) -> Iterable[tuple[str, Any]]:
    """Fields in a stable order: weighted ones first, then alphabetical."""
    return sorted(doc.items(), key=lambda kv: (fields.weight(kv[0]), kv[0]))
