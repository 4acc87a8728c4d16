"""Parameter schemas of the territorio actions (bad values → ValidationError, Spanish message)."""
from __future__ import annotations

from collections.abc import Collection
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.navl.dictization_functions import StopOnError
from ckan.logic.schema import validator_args
from ckan.types import (
    Context,
    FlattenDataDict,
    FlattenErrorDict,
    FlattenKey,
    Schema,
    Validator,
    ValidatorFactory,
)

from .. import current
from ..citizen import status as citizen_status
from ..citizen import store as citizen_store
from ..citizen import text as citizen_text_rules
from ..quality.terms import GROUPINGS, RATINGS
from ..vocab import canonical_subdimension, normalise_comuna_code, normalise_region_code
from .validators import territorial

# longest text parameter an action of ours reads (ids, names, codes, an acceptance note)
MAX_TEXT = 2000


def _text_problem(value: str) -> str | None:
    if "\x00" in value:
        return tk._("El texto contiene un carácter nulo")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return tk._("El texto no es UTF-8 válido")
    if len(value) > MAX_TEXT:
        return tk._("El texto supera los {max} caracteres").format(max=MAX_TEXT)
    return None


def clean_text(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """Text PostgreSQL can store: no NUL, no lone surrogates, bounded length. A bad value stops
    the field's other validators (navl would run them on it anyway)."""
    value = data.get(key)
    problem = _text_problem(value) if isinstance(value, str) else None
    if problem:
        errors[key].append(problem)
        raise StopOnError


@validator_args
def territorio_framework_show(
    ignore_missing: Validator,
    unicode_safe: Validator,
    default: ValidatorFactory,
    boolean_validator: Validator,
    territorio_region_code: Validator,
    territorio_dimension_slug: Validator,
) -> Schema:
    """Parameters of ``territorio_framework_show``: region, dimension, include_comunas."""
    return {
        **_region_and_dimension(
            ignore_missing, unicode_safe, territorio_region_code, territorio_dimension_slug
        ),
        "include_comunas": [default(True), boolean_validator],
    }


@validator_args
def territorio_plan_show(
    ignore_missing: Validator,
    unicode_safe: Validator,
    territorio_region_code: Validator,
    territorio_dimension_slug: Validator,
) -> Schema:
    """Parameters of ``territorio_plan_show``: region, dimension."""
    return _region_and_dimension(
        ignore_missing, unicode_safe, territorio_region_code, territorio_dimension_slug
    )


def _region_and_dimension(
    ignore_missing: Validator,
    unicode_safe: Validator,
    region_code: Validator,
    dimension_slug: Validator,
) -> Schema:
    """The optional region and dimension filters of the framework and plan reads."""
    return {
        "region": [ignore_missing, unicode_safe, clean_text, region_code],
        "dimension": [ignore_missing, unicode_safe, clean_text, dimension_slug],
    }


# --- data-use policy ---


@validator_args
def territorio_validation_show(
    ignore_missing: Validator, unicode_safe: Validator
) -> Schema:
    """Parameters of ``territorio_validation_show``: a resource or a dataset."""
    return {
        "resource_id": [ignore_missing, unicode_safe, clean_text],
        "package_id": [ignore_missing, unicode_safe, clean_text],
    }


@validator_args
def territorio_validation_accept(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator
) -> Schema:
    """Parameters of ``territorio_validation_accept``: the resource and an optional note."""
    return {
        "resource_id": [not_empty, unicode_safe, clean_text],
        "note": [ignore_missing, unicode_safe, clean_text],
    }


@validator_args
def territorio_validation_run(not_empty: Validator, unicode_safe: Validator) -> Schema:
    """Parameters of ``territorio_validation_run``: the resource."""
    return {"resource_id": [not_empty, unicode_safe, clean_text]}


# --- quality audit ---

# most worst datasets one call returns
MAX_WORST = 100


def one_of(options: Collection[str]) -> Validator:
    """A validator accepting only one of ``options``."""
    def check(value: Any, context: Context) -> Any:
        if value not in options:
            raise tk.Invalid(
                tk._("Valor no admitido '{value}'; use uno de: {allowed}").format(
                    value=value, allowed=", ".join(options)
                )
            )
        return value

    return check


def region_filter(value: Any, context: Context) -> Any:
    """A region (ISO, CUT or roman numeral) or the country code, as stored on the scores."""
    fw = current.framework()
    if str(value).strip().upper() == fw.national.code:
        return fw.national.code
    try:
        code = normalise_region_code(value, fw=fw)
    except ValueError:
        code = None
    if code is None:
        raise tk.Invalid(tk._("Región desconocida: '{value}'").format(value=value))
    return code


def comuna_filter(value: Any, context: Context) -> Any:
    """A comuna (CUT or name) → its CUT code."""
    try:
        return normalise_comuna_code(str(value), fw=current.framework())
    except ValueError:
        raise tk.Invalid(tk._("Comuna desconocida: '{value}'").format(value=value)) from None


def _active_organization(value: Any) -> model.Group:
    group = model.Group.get(str(value))
    if group is None or not group.is_organization or group.state != "active":
        raise tk.Invalid(tk._("Organización desconocida: '{value}'").format(value=value))
    return group


def organization_name(value: Any, context: Context) -> Any:
    """An organization's id or name → its name (the scores keep the name)."""
    return _active_organization(value).name


def worst_count(value: Any, context: Context) -> Any:
    """A number of worst datasets no larger than ``MAX_WORST`` (a non-number was refused by the
    validator before, which navl does not stop at)."""
    if isinstance(value, int) and value > MAX_WORST:
        raise tk.Invalid(tk._("Se pueden pedir hasta {max} conjuntos").format(max=MAX_WORST))
    return value


@validator_args
def territorio_quality_show(not_empty: Validator, unicode_safe: Validator) -> Schema:
    """Parameters of ``territorio_quality_show``: the dataset's id or name."""
    return {"id": [not_empty, unicode_safe, clean_text]}


@validator_args
def territorio_quality_summary(
    ignore_missing: Validator,
    unicode_safe: Validator,
    default: ValidatorFactory,
    boolean_validator: Validator,
    natural_number_validator: Validator,
    territorio_dimension_slug: Validator,
) -> Schema:
    """Parameters of ``territorio_quality_summary``: grouping, filters and worst count."""
    return {
        "group_by": [default("region"), unicode_safe, clean_text, one_of(GROUPINGS)],
        "region": [ignore_missing, unicode_safe, clean_text, region_filter],
        "comuna": [ignore_missing, unicode_safe, clean_text, comuna_filter],
        "dimension": [ignore_missing, unicode_safe, clean_text, territorio_dimension_slug],
        "organization": [ignore_missing, unicode_safe, clean_text, organization_name],
        "rating": [ignore_missing, unicode_safe, clean_text, one_of(RATINGS)],
        "include_private": [default(False), boolean_validator],
        "worst": [default(0), natural_number_validator, worst_count],
    }


@validator_args
def territorio_quality_trend(ignore_missing: Validator, unicode_safe: Validator) -> Schema:
    """Parameters of ``territorio_quality_trend``: an organization or a region."""
    return {
        "organization": [ignore_missing, unicode_safe, clean_text, organization_name],
        "region": [ignore_missing, unicode_safe, clean_text, region_filter],
    }


@validator_args
def territorio_auditor_update(
    not_empty: Validator,
    not_missing: Validator,
    unicode_safe: Validator,
    boolean_validator: Validator,
) -> Schema:
    """Parameters of ``territorio_auditor_update``: the user and the flag."""
    return {
        "user": [not_empty, unicode_safe, clean_text],
        "auditor": [not_missing, boolean_validator],
    }


# --- citizen channel: data requests and reports ---


def citizen_text(minimum: int, maximum: int) -> Validator:
    """A citizen's text: control characters removed, then between ``minimum`` and ``maximum``
    characters (a bad value stops the field's other validators)."""
    def check(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> None:
        value = data.get(key)
        if value is tk.missing or value is None:
            return
        if not isinstance(value, str):
            errors[key].append(tk._("Se esperaba un texto"))
            raise StopOnError
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            errors[key].append(tk._("El texto no es UTF-8 válido"))
            raise StopOnError from None
        value = citizen_text_rules.clean(value)
        if len(value) < minimum:
            errors[key].append(
                tk._("Faltan datos: escriba al menos {min} caracteres").format(min=minimum)
                if minimum > 1 else tk._("Falta el valor")
            )
            raise StopOnError
        if len(value) > maximum:
            errors[key].append(tk._("El texto supera los {max} caracteres").format(max=maximum))
            raise StopOnError
        data[key] = value

    return check


def codes_list(check: Validator, *, longest: int = 50) -> Validator:
    """A list (or one value) of codes, each through ``check``; the canonical values, no repeats."""
    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> None:
        values = territorial.as_list(data.get(key))
        if values is None:
            errors[key].append(tk._("Se esperaba una lista de textos"))
            raise StopOnError
        if len(values) > longest:
            errors[key].append(tk._("Se admiten hasta {max} valores").format(max=longest))
            raise StopOnError
        result: list[str] = []
        for value in values:
            if _text_problem(value):
                errors[key].append(tk._("Valor no admitido"))
                continue
            try:
                result.append(check(value, context))
            except tk.Invalid as exc:
                errors[key].append(str(exc.error))
        if errors[key]:
            raise StopOnError
        data[key] = territorial.unique(result)

    return validator


def subdimension_slug(value: Any, context: Context) -> Any:
    """A sub-dimension's slug (a former one gives its successor)."""
    fw = current.framework()
    if value not in fw.subdimension_by_slug:
        raise tk.Invalid(tk._("Subdimensión desconocida: '{slug}'").format(slug=value))
    return canonical_subdimension(value, fw=fw)


def organization_id(value: Any, context: Context) -> Any:
    """An active organization's id or name → its id."""
    return _active_organization(value).id


def dataset_id(value: Any, context: Context) -> Any:
    """An active dataset's id or name → its id."""
    package = model.Package.get(str(value))
    if package is None or package.state != "active":
        raise tk.Invalid(tk._("Conjunto de datos desconocido: '{value}'").format(value=value))
    return package.id


def bounded(maximum: int) -> Validator:
    """A natural number no larger than ``maximum``."""
    def check(value: Any, context: Context) -> Any:
        if isinstance(value, int) and value > maximum:
            raise tk.Invalid(tk._("El máximo es {max}").format(max=maximum))
        return value

    return check


def _framework_tags(
    territorio_dimension_slug: Validator, territorio_region_code: Validator
) -> Schema:
    return {
        "dimension": [codes_list(territorio_dimension_slug)],
        "subdimension": [codes_list(subdimension_slug)],
        "region": [codes_list(territorio_region_code)],
        "comuna": [codes_list(comuna_filter, longest=400)],
    }


@validator_args
def territorio_request_create(
    not_missing: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
    territorio_dimension_slug: Validator,
    territorio_region_code: Validator,
) -> Schema:
    """Parameters of ``territorio_request_create``."""
    return {
        "title": [not_missing, citizen_text(citizen_text_rules.TITLE_MIN, citizen_text_rules.TITLE_MAX)],
        "description": [not_missing, citizen_text(1, citizen_text_rules.DESCRIPTION_MAX)],
        **_framework_tags(territorio_dimension_slug, territorio_region_code),
        "organization": [ignore_missing, unicode_safe, clean_text, organization_id],
    }


@validator_args
def territorio_request_show(not_empty: Validator, unicode_safe: Validator) -> Schema:
    """Parameters of ``territorio_request_show``: the request's id."""
    return {"id": [not_empty, unicode_safe, clean_text]}


@validator_args
def territorio_request_list(
    ignore_missing: Validator,
    unicode_safe: Validator,
    default: ValidatorFactory,
    natural_number_validator: Validator,
    territorio_dimension_slug: Validator,
    territorio_region_code: Validator,
) -> Schema:
    """Parameters of ``territorio_request_list``: search text, filters, order and page."""
    return {
        "q": [ignore_missing, unicode_safe, clean_text],
        "status": [ignore_missing, unicode_safe, clean_text, one_of(citizen_status.STATUSES)],
        "organization": [ignore_missing, unicode_safe, clean_text, organization_id],
        "dimension": [ignore_missing, unicode_safe, clean_text, territorio_dimension_slug],
        "region": [ignore_missing, unicode_safe, clean_text, territorio_region_code],
        "sort": [default("created"), unicode_safe, clean_text, one_of(citizen_store.SORTS)],
        "limit": [default(20), natural_number_validator, bounded(100)],
        "offset": [default(0), natural_number_validator],
    }


@validator_args
def territorio_demand_summary(ignore_missing: Validator, unicode_safe: Validator) -> Schema:
    """Parameters of ``territorio_demand_summary``: an organization (optional)."""
    return {"organization": [ignore_missing, unicode_safe, clean_text, organization_id]}


@validator_args
def territorio_request_vote(
    not_empty: Validator, unicode_safe: Validator, default: ValidatorFactory, boolean_validator: Validator
) -> Schema:
    """Parameters of ``territorio_request_vote``: the request and the vote."""
    return {"id": [not_empty, unicode_safe, clean_text], "vote": [default(True), boolean_validator]}


@validator_args
def territorio_request_comment(not_empty: Validator, not_missing: Validator, unicode_safe: Validator) -> Schema:
    """Parameters of ``territorio_request_comment``: the request and the text."""
    return {
        "id": [not_empty, unicode_safe, clean_text],
        "text": [not_missing, citizen_text(1, citizen_text_rules.COMMENT_MAX)],
    }


@validator_args
def territorio_request_update(
    not_empty: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
    territorio_dimension_slug: Validator,
    territorio_region_code: Validator,
) -> Schema:
    """Parameters of ``territorio_request_update``: the request and what changes."""
    return {
        "id": [not_empty, unicode_safe, clean_text],
        "title": [ignore_missing, citizen_text(citizen_text_rules.TITLE_MIN, citizen_text_rules.TITLE_MAX)],
        "description": [ignore_missing, citizen_text(1, citizen_text_rules.DESCRIPTION_MAX)],
        **{k: [ignore_missing, *v] for k, v in
           _framework_tags(territorio_dimension_slug, territorio_region_code).items()},
        "organization": [ignore_missing, unicode_safe, clean_text, organization_id],
        "status": [ignore_missing, unicode_safe, clean_text, one_of(citizen_status.STATUSES)],
        "datasets": [ignore_missing, codes_list(dataset_id)],
    }


@validator_args
def territorio_request_close(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator
) -> Schema:
    """Parameters of ``territorio_request_close``: status, reason and datasets."""
    return {
        "id": [not_empty, unicode_safe, clean_text],
        "status": [not_empty, unicode_safe, clean_text, one_of(citizen_status.CLOSED)],
        "reason": [ignore_missing, citizen_text(1, citizen_text_rules.REASON_MAX)],
        "datasets": [ignore_missing, codes_list(dataset_id)],
    }


@validator_args
def territorio_report_create(
    not_empty: Validator, not_missing: Validator, ignore_missing: Validator, unicode_safe: Validator
) -> Schema:
    """Parameters of ``territorio_report_create``: dataset, resource, kind and text."""
    return {
        "package_id": [not_empty, unicode_safe, clean_text, dataset_id],
        "resource_id": [ignore_missing, unicode_safe, clean_text],
        "kind": [not_empty, unicode_safe, clean_text, one_of(citizen_status.REPORT_KINDS)],
        "text": [not_missing, citizen_text(1, citizen_text_rules.REPORT_MAX)],
    }


@validator_args
def territorio_report_list(
    ignore_missing: Validator,
    unicode_safe: Validator,
    boolean_validator: Validator,
    default: ValidatorFactory,
    natural_number_validator: Validator,
) -> Schema:
    """Parameters of ``territorio_report_list``: filters and page."""
    return {
        "organization": [ignore_missing, unicode_safe, clean_text, organization_id],
        "package_id": [ignore_missing, unicode_safe, clean_text, dataset_id],
        "status": [ignore_missing, unicode_safe, clean_text, one_of(citizen_status.REPORT_STATUSES)],
        "urgent": [ignore_missing, boolean_validator],
        "limit": [default(100), natural_number_validator, bounded(100)],
        "offset": [default(0), natural_number_validator],
    }


@validator_args
def territorio_report_close(not_empty: Validator, not_missing: Validator, unicode_safe: Validator) -> Schema:
    """Parameters of ``territorio_report_close``: the report and the answer."""
    return {
        "id": [not_empty, unicode_safe, clean_text],
        "answer": [not_missing, citizen_text(1, citizen_text_rules.REPORT_MAX)],
    }
