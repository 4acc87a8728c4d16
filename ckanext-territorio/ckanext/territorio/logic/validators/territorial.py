"""Field checks of the territorial schemas, named in schemas/*.yaml.

List fields (dimension, subdimension, region, comuna, datasets) accept a list, a single
value or the JSON text scheming stores, and store JSON text as scheming does. Checks that
depend on another field read its raw value: navl runs fields in alphabetical order, so
``comuna`` is checked before ``region`` and ``temporal_end`` before ``temporal_start``.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import (
    Context,
    FlattenDataDict,
    FlattenErrorDict,
    FlattenKey,
    Validator,
)
from ckanext.scheming.validation import scheming_validator

from ... import current
from ...vocab import (
    Framework,
    canonical_subdimension,
    normalise_comuna_code,
    normalise_region_code,
)

__all__ = [
    "territorio_comuna",
    "territorio_dimension",
    "territorio_dimension_slug",
    "territorio_region",
    "territorio_region_code",
    "territorio_subdimension",
]


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


def unique(values: Iterable[str]) -> list[str]:
    """The values without repeats, in their first order."""
    return list(dict.fromkeys(values))


def sibling(key: FlattenKey, name: str) -> FlattenKey:
    """The flattened key of the field ``name`` beside ``key``."""
    return key[:-1] + (name,)


def _quoted(values: Iterable[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def list_of(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict) -> list[str]:
    """The field's values without repeats; an error and stop when it is not a list of texts."""
    values = as_list(data.get(key))
    if values is None:
        errors[key].append(tk._("Se esperaba una lista de textos"))
        raise tk.StopOnError
    return unique(values)


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


def _update_extra(data: FlattenDataDict, key: FlattenKey, value: str) -> None:
    """Scheming copies a checked field into the extras (convert_to_extras): keep the copy in step."""
    for extra_key in [k for k in data if k[-1:] == ("key",) and k[:-3] == key[:-1]]:
        if len(extra_key) >= 3 and extra_key[-3] == "extras" and data[extra_key] == key[-1]:
            data[extra_key[:-1] + ("value",)] = value


# --- framework -------------------------------------------------------------------------------


@scheming_validator
def territorio_dimension(field: Field, schema: FieldSchema) -> Validator:
    """One or more of the plan's seven dimensions (slugs)."""

    def validator(
        key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
    ) -> None:
        fw = current.framework()
        values = list_of(key, data, errors)
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
        fw = current.framework()
        values = list_of(key, data, errors)
        dimension_key = sibling(key, dimension_field)
        chosen = _dimensions_in(data.get(dimension_key), fw)
        moved: list[str] = []
        for slug in values:
            sub = fw.subdimension_by_slug.get(slug)
            if sub is None:
                errors[key].append(tk._("Subdimensión desconocida: '{slug}'").format(slug=slug))
                continue
            owner = fw.dimension_by_slug[sub.dimension]
            alias = fw.subdimension_alias.get(slug)
            if alias is not None and alias.dimension in chosen and owner.slug not in chosen:
                # stored before the sub-dimension moved: still valid, and now under its dimension
                moved.append(owner.slug)
                continue
            if not owner.cross_cutting and owner.slug not in chosen:
                errors[key].append(
                    tk._(
                        "La subdimensión '{slug}' pertenece a la dimensión '{dimension}', "
                        "que no está entre las elegidas"
                    ).format(slug=slug, dimension=owner.slug)
                )
        if errors[key]:
            raise tk.StopOnError
        if moved:
            # the dimension field may be checked before (JSON text) or after (raw) this one
            raw = data.get(dimension_key)
            dimensions = unique([*(as_list(raw) or []), *moved])
            data[dimension_key] = json.dumps(dimensions) if isinstance(raw, str) else dimensions
            _update_extra(data, dimension_key, json.dumps(dimensions))
        values = unique([canonical_subdimension(slug, fw=fw) for slug in values])
        _store(key, data, errors, field, values, tk._("Elija al menos una subdimensión"))

    return validator


@scheming_validator
def territorio_region(field: Field, schema: FieldSchema) -> Validator:
    """ISO 3166-2 codes of Chile's regions, or CL; CUT numbers and roman numerals normalised."""

    def validator(
        key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
    ) -> None:
        fw = current.framework()
        codes: list[str] = []
        for value in list_of(key, data, errors):
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
            unique(codes),
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
        fw = current.framework()
        chosen = _regions_in(data.get(sibling(key, region_field)), fw)
        codes: list[str] = []
        for value in list_of(key, data, errors):
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
        _store(key, data, errors, field, unique(codes), tk._("Elija al menos una comuna"))

    return validator


def territorio_region_code(value: Any, context: Context) -> Any:
    """One of the 16 regions (ISO 3166-2, CUT number or roman numeral), as its ISO code."""
    fw = current.framework()
    try:
        code = normalise_region_code(value, fw=fw)
    except ValueError:
        code = None
    if code is None or code == fw.national.code:
        raise tk.Invalid(tk._("Región desconocida: '{value}'").format(value=value))
    return code


def territorio_dimension_slug(value: Any, context: Context) -> Any:
    """The slug of a dimension (or of the enabling elements)."""
    if value not in current.framework().dimension_by_slug:
        raise tk.Invalid(tk._("Dimensión desconocida: '{value}'").format(value=value))
    return value
