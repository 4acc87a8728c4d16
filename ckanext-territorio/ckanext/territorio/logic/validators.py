"""Field checks of the territorial schemas, named in schemas/*.yaml.

List fields (dimension, subdimension, region, comuna, datasets) accept a list, a single
value or the JSON text scheming stores, and store JSON text as scheming does. Checks that
depend on another field read its raw value: navl runs fields in alphabetical order, so
``comuna`` is checked before ``region`` and ``temporal_end`` before ``temporal_start``.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

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

from .. import vocabularies
from ..vocab import Framework, normalise_comuna_code, normalise_region_code
from .policy_validators import territorio_access_rights, territorio_policy_dataset

__all__ = [
    "territorio_access_rights",
    "territorio_choice",
    "territorio_comuna",
    "territorio_dataset_links",
    "territorio_dimension",
    "territorio_dimension_slug",
    "territorio_email",
    "territorio_frequency",
    "territorio_geojson",
    "territorio_iso_date",
    "territorio_not_before",
    "territorio_policy_dataset",
    "territorio_region",
    "territorio_region_code",
    "territorio_subdimension",
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

Field = dict[str, Any]
FieldSchema = dict[str, Any]


# --- shared ----------------------------------------------------------------------------------


def as_list(value: Any) -> list[str] | None:
    """The values of a list field, or None when `value` is not a list of texts."""
    if value is tk.missing or value is None:
        return []
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return [str(value)]
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        if text.startswith("["):
            try:
                loaded = json.loads(text)
            except ValueError:
                return None
            return as_list(loaded) if isinstance(loaded, list) else None
        return [text]
    if isinstance(value, (list, tuple)):
        values: list[str] = []
        for item in value:
            items = as_list(item) if isinstance(item, (str, int)) else None
            if items is None:
                return None
            values.extend(items)
        return values
    return None


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _sibling(key: FlattenKey, name: str) -> FlattenKey:
    return key[:-1] + (name,)


def _quoted(values: Iterable[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _list_of(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict) -> list[str]:
    values = as_list(data.get(key))
    if values is None:
        errors[key].append(tk._("Se esperaba una lista de textos"))
        raise tk.StopOnError
    return _unique(values)


def _store(
    key: FlattenKey,
    data: FlattenDataDict,
    errors: FlattenErrorDict,
    field: Field,
    values: list[str],
    required_message: str,
) -> None:
    if not values and field.get("required"):
        errors[key].append(required_message)
        raise tk.StopOnError
    data[key] = json.dumps(values)


def _regions_in(value: Any, fw: Framework) -> set[str]:
    """The valid region codes in a (raw or checked) region field value."""
    chosen: set[str] = set()
    for code in as_list(value) or []:
        try:
            chosen.add(normalise_region_code(code, fw=fw))
        except ValueError:
            continue
    return chosen


def _dimensions_in(value: Any, fw: Framework) -> set[str]:
    return {slug for slug in as_list(value) or [] if slug in fw.dimension_by_slug}


# --- framework -------------------------------------------------------------------------------


@scheming_validator
def territorio_dimension(field: Field, schema: FieldSchema) -> Validator:
    """One or more of the plan's seven dimensions (slugs)."""

    def validator(
        key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
    ) -> None:
        fw = vocabularies.current()
        values = _list_of(key, data, errors)
        allowed = [d.slug for d in fw.dimensions if not d.cross_cutting]
        unknown = [v for v in values if v not in allowed]
        if unknown:
            errors[key].append(
                tk._("Dimensión desconocida: {values}. Se admiten: {allowed}").format(
                    values=_quoted(unknown), allowed=", ".join(allowed)
                )
            )
            raise tk.StopOnError
        _store(key, data, errors, field, values, tk._("Elija al menos una dimensión"))

    return validator


@scheming_validator
def territorio_subdimension(field: Field, schema: FieldSchema) -> Validator:
    """Sub-dimensions of the chosen dimensions, plus the cross-cutting enabling elements."""
    dimension_field = field.get("territorio_dimension_field", "dimension")

    def validator(
        key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
    ) -> None:
        fw = vocabularies.current()
        values = _list_of(key, data, errors)
        chosen = _dimensions_in(data.get(_sibling(key, dimension_field)), fw)
        for slug in values:
            sub = fw.subdimension_by_slug.get(slug)
            if sub is None:
                errors[key].append(tk._("Subdimensión desconocida: '{slug}'").format(slug=slug))
                continue
            owner = fw.dimension_by_slug[sub.dimension]
            if not owner.cross_cutting and owner.slug not in chosen:
                errors[key].append(
                    tk._(
                        "La subdimensión '{slug}' pertenece a la dimensión '{dimension}', "
                        "que no está entre las elegidas"
                    ).format(slug=slug, dimension=owner.slug)
                )
        if errors[key]:
            raise tk.StopOnError
        _store(key, data, errors, field, values, tk._("Elija al menos una subdimensión"))

    return validator


@scheming_validator
def territorio_region(field: Field, schema: FieldSchema) -> Validator:
    """ISO 3166-2 codes of Chile's regions, or CL; CUT numbers and roman numerals normalised."""

    def validator(
        key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
    ) -> None:
        fw = vocabularies.current()
        codes: list[str] = []
        for value in _list_of(key, data, errors):
            try:
                codes.append(normalise_region_code(value, fw=fw))
            except ValueError:
                errors[key].append(
                    tk._(
                        "Región desconocida: '{value}'. Use el código ISO 3166-2 de una de "
                        "las 16 regiones (CL-RM, CL-AR...) o {national} para todo el país"
                    ).format(value=value, national=fw.national.code)
                )
        if errors[key]:
            raise tk.StopOnError
        _store(
            key,
            data,
            errors,
            field,
            _unique(codes),
            tk._("Elija al menos una región (o {national} para todo el país)").format(
                national=fw.national.code
            ),
        )

    return validator


@scheming_validator
def territorio_comuna(field: Field, schema: FieldSchema) -> Validator:
    """CUT codes of comunas inside the chosen regions, normalised to the code in force.

    "9101" becomes "09101" and pre-2018 codes ("08401", Chillán) the current ones ("16101").
    National coverage (CL) admits any comuna.
    """
    region_field = field.get("territorio_region_field", "region")

    def validator(
        key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
    ) -> None:
        fw = vocabularies.current()
        chosen = _regions_in(data.get(_sibling(key, region_field)), fw)
        codes: list[str] = []
        for value in _list_of(key, data, errors):
            try:
                code = normalise_comuna_code(value, fw=fw)
            except ValueError:
                errors[key].append(
                    tk._("Comuna desconocida: '{value}' (se espera su código CUT)").format(
                        value=value
                    )
                )
                continue
            comuna = fw.comuna_by_cut[code]
            if fw.national.code not in chosen and comuna.region not in chosen:
                errors[key].append(
                    tk._(
                        "La comuna {code} ({name}) es de la región {region}, que no está "
                        "entre las regiones elegidas"
                    ).format(code=code, name=comuna.name, region=comuna.region)
                )
                continue
            codes.append(code)
        if errors[key]:
            raise tk.StopOnError
        _store(key, data, errors, field, _unique(codes), tk._("Elija al menos una comuna"))

    return validator


def territorio_region_code(value: Any, context: Context) -> Any:
    """One of the 16 regions (ISO 3166-2, CUT number or roman numeral), as its ISO code."""
    fw = vocabularies.current()
    try:
        code = normalise_region_code(value, fw=fw)
    except ValueError:
        code = None
    if code is None or code == fw.national.code:
        raise tk.Invalid(tk._("Región desconocida: '{value}'").format(value=value))
    return code


def territorio_dimension_slug(value: Any, context: Context) -> Any:
    """The slug of a dimension (or of the enabling elements)."""
    if value not in vocabularies.current().dimension_by_slug:
        raise tk.Invalid(tk._("Dimensión desconocida: '{value}'").format(value=value))
    return value


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
    code = vocabularies.frequency_table().code_of(str(value))
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
    utc = dt.timezone.utc
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
        raw_other = data.get(_sibling(key, other))
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


def territorio_geojson(value: Any, context: Context) -> Any:
    """A valid GeoJSON geometry in longitude/latitude, as ckanext-spatial indexes it."""
    if value is tk.missing or value is None or value == "":
        return value
    if isinstance(value, str):
        try:
            value = json.loads(value)
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
    geometry = geojson.GeoJSON.to_instance(value)
    if not geometry.is_valid:
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


# --- links -----------------------------------------------------------------------------------


def territorio_dataset_links(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """Names or ids of existing datasets the user can see, stored as ids."""
    model = context["model"]
    ids: list[str] = []
    for ref in _list_of(key, data, errors):
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
    data[key] = json.dumps(_unique(ids))


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
