"""Parameter schemas of the territorio actions."""
from __future__ import annotations

from ckan.logic.schema import validator_args
from ckan.types import Schema, Validator, ValidatorFactory


@validator_args
def territorio_framework_show(
    ignore_missing: Validator,
    unicode_safe: Validator,
    default: ValidatorFactory,
    boolean_validator: Validator,
    territorio_region_code: Validator,
    territorio_dimension_slug: Validator,
) -> Schema:
    return {
        "region": [ignore_missing, unicode_safe, territorio_region_code],
        "dimension": [ignore_missing, unicode_safe, territorio_dimension_slug],
        "include_comunas": [default(True), boolean_validator],
    }
