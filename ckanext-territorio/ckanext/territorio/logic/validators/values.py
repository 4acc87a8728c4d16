"""Single-value field checks: choices, frequency, e-mail, dates, GeoJSON extents, dataset links."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk
import geojson
import shapely.geometry
import shapely.validation
from ckan.types import (
    Context,
    FlattenDataDict,
    FlattenErrorDict,
    FlattenKey,
    Validator,
)
from ckanext.scheming.helpers import scheming_field_choices
from ckanext.scheming.validation import scheming_validator
from shapely.errors import ShapelyError

from ... import current
from .territorial import Field, FieldSchema, list_of, sibling, unique

__all__ = [
    "territorio_choice",
    "territorio_dataset_links",
    "territorio_email",
    "territorio_frequency",
    "territorio_geojson",
    "territorio_iso_date",
    "territorio_not_before",
    "territorio_resource_url",
    "territorio_web_url",
]

GEOMETRY_TYPES = frozenset(
    {
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
    }
)


# --- single values ---------------------------------------------------------------------------


@scheming_validator
def territorio_choice(field: Field, schema: FieldSchema) -> Validator:
    """One of the field's choices (static `choices` or `choices_helper`)."""

    def validator(value: Any, context: Context) -> Any:
        if value is tk.missing or value is None or value == "":
            return value
        choices = scheming_field_choices(field) or []
        allowed = [choice["value"] for choice in choices]
        if value not in allowed:
            raise tk.Invalid(
                tk._("Valor no admitido: '{value}'. Se admiten: {allowed}").format(
                    value=value, allowed=", ".join(allowed)
                )
            )
        return value

    return validator


def territorio_frequency(value: Any, context: Context) -> Any:
    """A code of the EU frequency table ("DAILY"), also given in lower case or as its URI."""
    if value is tk.missing or value is None or value == "":
        return value
    code = current.frequency_table().code_of(str(value))
    if code is None:
        raise tk.Invalid(
            tk._(
                "Frecuencia desconocida: '{value}'. Use un código de la tabla de "
                "frecuencias de la UE (CONT, HOURLY, DAILY, WEEKLY, MONTHLY, ANNUAL, IRREG...)"
            ).format(value=value)
        )
    return code


def territorio_email(value: Any, context: Context) -> Any:
    """An e-mail address, by CKAN's own rule."""
    if value is tk.missing or value is None or value == "":
        return value
    text = str(value).strip()
    try:
        tk.get_validator("email_validator")(text, context)
    except tk.Invalid:
        raise tk.Invalid(
            tk._("Correo electrónico no válido: '{value}'").format(value=value)
        ) from None
    return text


def parse_iso_date(value: Any) -> dt.date | dt.datetime:
    """A date or date-time in ISO 8601 (2023-05-01, 2023-05-01T08:30:00-04:00)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    text = str(value).strip()
    if "T" in text or " " in text:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if len(text) != len("2000-01-01"):
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def _iso_text(value: dt.date | dt.datetime) -> str:
    return value.isoformat()


def territorio_iso_date(value: Any, context: Context) -> Any:
    """An ISO 8601 date or date-time, stored in its canonical ISO form."""
    if value is tk.missing or value is None or value == "":
        return value
    try:
        return _iso_text(parse_iso_date(value))
    except (TypeError, ValueError):
        raise tk.Invalid(
            tk._(
                "Fecha no válida: '{value}'. Use el formato ISO 8601 (AAAA-MM-DD o "
                "AAAA-MM-DDThh:mm:ss)"
            ).format(value=value)
        ) from None


def _comparable(a: dt.date | dt.datetime, b: dt.date | dt.datetime) -> tuple[Any, Any]:
    """Both values at the coarser precision: a plain date covers its whole day."""
    if not isinstance(a, dt.datetime) or not isinstance(b, dt.datetime):
        return (
            a.date() if isinstance(a, dt.datetime) else a,
            b.date() if isinstance(b, dt.datetime) else b,
        )
    utc = dt.UTC
    return (
        a if a.tzinfo else a.replace(tzinfo=utc),
        b if b.tzinfo else b.replace(tzinfo=utc),
    )


def territorio_not_before(other: str) -> Validator:
    """The value (a date) is not earlier than the date in field `other`."""

    def validator(
        key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
    ) -> None:
        if errors[key]:
            return
        raw_other = data.get(sibling(key, other))
        if raw_other in (tk.missing, None, "") or data.get(key) in (tk.missing, None, ""):
            return
        try:
            end, start = _comparable(parse_iso_date(data[key]), parse_iso_date(raw_other))
        except (TypeError, ValueError):
            return  # the other field reports its own error
        if end < start:
            errors[key].append(
                tk._("La fecha {value} es anterior a la fecha de inicio {start}").format(
                    value=data[key], start=raw_other
                )
            )

    return validator


# An extent is a municipality's outline, not a cadastre: bounds on what one field may hold
MAX_GEOJSON_BYTES = 1_000_000
MAX_VERTICES = 20_000
# a MultiPolygon's coordinates nest four deep; a GeometryCollection adds two per level
MAX_DEPTH = 10


def _depth(text: str) -> int:
    """How deep the JSON text's arrays and objects nest (strings skipped)."""
    deepest = depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string, escaped = True, False
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _geojson_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        raise tk.Invalid(tk._("GeoJSON no válido: no es JSON")) from None


def territorio_geojson(value: Any, context: Context) -> Any:
    """A valid GeoJSON geometry in longitude/latitude, as ckanext-spatial indexes it, of a
    bounded size (bytes, nesting and vertices)."""
    if value is tk.missing or value is None or value == "":
        return value
    text = _geojson_text(value)
    if len(text) > MAX_GEOJSON_BYTES:
        raise tk.Invalid(
            tk._(
                "GeoJSON demasiado grande ({size} kB; máximo {max} kB): simplifique la geometría"
            ).format(size=len(text) // 1000, max=MAX_GEOJSON_BYTES // 1000)
        )
    if _depth(text) > MAX_DEPTH:
        raise tk.Invalid(tk._("GeoJSON no válido: anidamiento excesivo"))
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise tk.Invalid(
            tk._("GeoJSON no válido: no es JSON ({error})").format(error=exc)
        ) from None
    if not isinstance(value, dict) or value.get("type") not in GEOMETRY_TYPES:
        raise tk.Invalid(
            tk._("GeoJSON no válido: se espera una geometría ({types})").format(
                types=", ".join(sorted(GEOMETRY_TYPES))
            )
        )
    try:
        geometry = geojson.GeoJSON.to_instance(value)
        valid = geometry.is_valid
    except (TypeError, ValueError, AttributeError, KeyError, IndexError):
        raise tk.Invalid(tk._("GeoJSON no válido: coordenadas mal formadas")) from None
    if not valid:
        raise tk.Invalid(
            tk._("GeoJSON no válido: {errors}").format(errors=geometry.errors())
        )
    _check_shape(value)
    return json.dumps(value, separators=(",", ":"))


def _check_shape(value: dict[str, Any]) -> None:
    try:
        shape = shapely.geometry.shape(value)
    except (ShapelyError, ValueError, TypeError, KeyError, IndexError) as exc:
        raise tk.Invalid(tk._("GeoJSON no válido: {error}").format(error=exc)) from None
    if shape.is_empty:
        raise tk.Invalid(tk._("GeoJSON no válido: la geometría está vacía"))
    vertices = shapely.get_num_coordinates(shape)
    if vertices > MAX_VERTICES:
        raise tk.Invalid(
            tk._("GeoJSON con {n} vértices (máximo {max}): simplifique la geometría").format(
                n=vertices, max=MAX_VERTICES
            )
        )
    if not shape.is_valid:
        raise tk.Invalid(
            tk._("GeoJSON no válido: {reason}").format(
                reason=shapely.validation.explain_validity(shape)
            )
        )
    min_x, min_y, max_x, max_y = shape.bounds
    if min_x < -180 or max_x > 180 or min_y < -90 or max_y > 90:
        raise tk.Invalid(
            tk._(
                "GeoJSON no válido: las coordenadas deben ser longitud y latitud (WGS 84)"
            )
        )


# --- URLs ------------------------------------------------------------------------------------

WEB_SCHEMES = ("http", "https")
RESOURCE_SCHEMES = ("http", "https", "ftp")
# url_type values whose url CKAN writes itself (a file name, a DataStore marker)
CKAN_URL_TYPES = ("upload", "datastore")


def _check_url(value: Any, schemes: tuple[str, ...]) -> str | None:
    """Why the URL cannot be a link (None when it can)."""
    text = str(value).strip()
    if any(ord(c) < 32 or c.isspace() for c in text):
        return tk._("La URL no puede contener espacios ni caracteres de control")
    parts = urlsplit(text)
    if parts.scheme.lower() not in schemes or not parts.netloc:
        return tk._("La URL debe comenzar con {schemes} y nombrar un servidor").format(
            schemes=" o ".join(f"{s}://" for s in schemes)
        )
    return None


def territorio_web_url(value: Any, context: Context) -> Any:
    """A web address (http or https): never ``javascript:``, ``data:`` or a bare path."""
    if value is tk.missing or value in (None, ""):
        return value
    problem = _check_url(value, WEB_SCHEMES)
    if problem:
        raise tk.Invalid(problem)
    return str(value).strip()


def territorio_resource_url(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """A resource's link (http, https or ftp), unless CKAN wrote it (an upload's file name)."""
    value = data.get(key)
    if value is tk.missing or value in (None, ""):
        return
    if data.get(sibling(key, "url_type")) in CKAN_URL_TYPES:
        return
    problem = _check_url(value, RESOURCE_SCHEMES)
    if problem:
        errors[key].append(problem)
        return
    data[key] = str(value).strip()


# --- links -----------------------------------------------------------------------------------


def territorio_dataset_links(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """Names or ids of existing datasets the user can see, stored as ids."""
    model = context["model"]
    ids: list[str] = []
    for ref in list_of(key, data, errors):
        package = model.Package.get(ref)
        if (
            package is None
            or package.state != "active"
            or package.type != "dataset"
            or not _can_read(context, package.id)
        ):
            errors[key].append(
                tk._("No existe el conjunto de datos '{ref}'").format(ref=ref)
            )
            continue
        ids.append(package.id)
    if errors[key]:
        raise tk.StopOnError
    data[key] = json.dumps(unique(ids))


def _can_read(context: Context, package_id: str) -> bool:
    """Whether the acting user may see the dataset (a private one reads as missing)."""
    auth_context: Context = {
        "user": context.get("user", ""),
        "ignore_auth": context.get("ignore_auth", False),
    }
    try:
        tk.check_access("package_show", auth_context, {"id": package_id})
    except tk.NotAuthorized:
        return False
    return True
