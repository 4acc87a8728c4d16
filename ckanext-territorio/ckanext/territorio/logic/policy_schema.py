"""Parameter schemas of the policy actions."""
from __future__ import annotations

from ckan.logic.schema import validator_args
from ckan.types import Schema, Validator


@validator_args
def territorio_validation_show(
    ignore_missing: Validator, unicode_safe: Validator
) -> Schema:
    return {
        "resource_id": [ignore_missing, unicode_safe],
        "package_id": [ignore_missing, unicode_safe],
    }


@validator_args
def territorio_validation_accept(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator
) -> Schema:
    return {
        "resource_id": [not_empty, unicode_safe],
        "note": [ignore_missing, unicode_safe],
    }


@validator_args
def territorio_validation_run(not_empty: Validator, unicode_safe: Validator) -> Schema:
    return {"resource_id": [not_empty, unicode_safe]}
