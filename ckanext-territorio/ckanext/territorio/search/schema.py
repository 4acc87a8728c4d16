"""package_search's own parameters, checked before CKAN core sees them.

Core's schema turns some bad values into 500s (``natural_number_validator`` on
``''`` is a TypeError, ``asbool('maybe')`` a ValueError); this one answers a
``ValidationError`` naming the field, in Spanish. Values pass through
unchanged when valid: core validates and converts them again.
"""
from __future__ import annotations

import json
import math
from typing import Any

from ckan.lib.navl.dictization_functions import Invalid, StopOnError, missing
from ckan.lib.search.common import SearchQueryError
from ckan.types import Context, Schema, Validator

from . import lucene

# Solr's own bound on integer parameters (and PostgreSQL's integer).
MAX_INT = 2**31 - 1
_TRUE = ("true", "t", "yes", "y", "1", "on")
_FALSE = ("false", "f", "no", "n", "0", "off")
_DEF_TYPES = ("dismax", "edismax", "lucene")


def ignore_absent(key: Any, data: dict[Any, Any], errors: Any, context: Context) -> None:
    """Skip a parameter that is not given (or is None)."""
    value = data.get(key)
    if value is missing or value is None:
        data.pop(key, None)
        raise StopOnError


def text(value: Any, context: Context) -> Any:
    """One piece of text (a number is taken as its text)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Invalid("Debe ser un texto, no una lista ni un objeto.")
    return value


def text_or_list(value: Any, context: Context) -> Any:
    """Text, or a list of texts."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        text(item, context)
    return value


def field_names(value: Any, context: Context) -> Any:
    """Text, or a list of texts, and nothing else (core joins them)."""
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) for item in items):
        raise Invalid("Debe ser un texto o una lista de textos.")
    return value


def _integer(value: Any, low: int) -> int:
    if isinstance(value, bool):
        raise Invalid("Debe ser un número entero.")
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise Invalid("Debe ser un número entero.")
        value = int(value)
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped.lstrip("-").isdigit() or len(stripped) > 12:
            raise Invalid("Debe ser un número entero.")
        value = int(stripped)
    if not isinstance(value, int):
        raise Invalid("Debe ser un número entero.")
    if not low <= value <= MAX_INT:
        raise Invalid(f"Debe ser un número entero entre {low} y {MAX_INT}.")
    return value


def natural(value: Any, context: Context) -> Any:
    """An integer from 0 to 2**31-1 (text or number)."""
    _integer(value, 0)
    return value


def facet_limit(value: Any, context: Context) -> Any:
    """An integer from -1 (no limit) to 2**31-1."""
    _integer(value, -1)
    return value


def boolean(value: Any, context: Context) -> Any:
    """true/false (or yes/no, 1/0, on/off)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value
    raise Invalid("Debe ser verdadero o falso (true o false).")


def facet_fields(value: Any, context: Context) -> Any:
    """A list of field names, or its JSON text."""
    items = value
    if isinstance(value, str):
        try:
            items = json.loads(value)
        except ValueError:
            raise Invalid('Debe ser una lista JSON de nombres de campo, p. ej. ["tags"].') from None
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise Invalid('Debe ser una lista de nombres de campo, p. ej. ["tags"].')
    return value


def def_type(value: Any, context: Context) -> Any:
    """One of the query parsers the engine speaks."""
    if value not in _DEF_TYPES:
        raise Invalid(f"Debe ser uno de: {', '.join(_DEF_TYPES)}.")
    return value


def min_should_match(value: Any, context: Context) -> Any:
    """Solr's ``mm`` (``2``, ``75%``, ``2<-1 5<80%``)."""
    try:
        lucene.check_min_should_match(str(value))
    except SearchQueryError as error:  # the engine's own message
        raise Invalid(str(error)) from None
    return value


def bbox(value: Any, context: Context) -> Any:
    """``minx,miny,maxx,maxy`` in degrees (empty: no spatial filter)."""
    if value == "":
        return value
    try:
        parts = [float(p) for p in str(value).split(",")] if isinstance(value, str) else []
    except ValueError:
        parts = []
    if (
        len(parts) != 4
        or not all(math.isfinite(p) for p in parts)
        or not (-180 <= parts[0] <= 180 and -180 <= parts[2] <= 180)
        or not (-90 <= parts[1] <= 90 and -90 <= parts[3] <= 90)
    ):
        raise Invalid("Debe ser minx,miny,maxx,maxy en grados (p. ej. -73,-39,-72,-38).")
    return value


def package_search_schema() -> Schema:
    """The parameters package_search takes, with Spanish refusals."""
    optional: list[Validator] = [ignore_absent]
    return {
        "q": optional + [text],
        "fq": optional + [text],
        "fq_list": optional + [text_or_list],
        "sort": optional + [text],
        "qf": optional + [text],
        "mm": optional + [text, min_should_match],
        "defType": optional + [def_type],
        "fl": optional + [field_names],
        "rows": optional + [natural],
        "start": optional + [natural],
        "facet": optional + [boolean],
        "facet.field": optional + [facet_fields],
        "facet.limit": optional + [facet_limit],
        "facet.mincount": optional + [natural],
        "include_private": optional + [boolean],
        "include_drafts": optional + [boolean],
        "include_deleted": optional + [boolean],
        "use_default_schema": optional + [boolean],
        "ext_bbox": optional + [bbox],
    }
