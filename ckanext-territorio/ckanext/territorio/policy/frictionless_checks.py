"""Types and Table Schema through Frictionless, on the first rows of a file.

Frictionless infers each column's type from a sample and checks the following rows against it
(or against the Table Schema the resource declares). It reads row by row, so a row limit keeps
it bounded on any file; structure, sensor and personal-data rules cover the whole file
elsewhere in a single faster pass.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .document import Policy
from .report import Findings

TYPE_ERRORS = ["type-error"]
SCHEMA_ERRORS = [
    "type-error",
    "constraint-error",
    "unique-error",
    "primary-key",
    "missing-label",
    "extra-label",
    "incorrect-label",
    "blank-label",
    "duplicate-label",
    "missing-cell",
    "extra-cell",
]
# Parts of a Table Schema that name other files or resources: never followed.
_UNSAFE_KEYS = ("foreignKeys",)


def _schema(descriptor: dict[str, Any]) -> Any:
    """A frictionless Schema from a declared descriptor; FrictionlessException when invalid."""
    from frictionless import Schema

    clean = {k: v for k, v in descriptor.items() if k not in _UNSAFE_KEYS}
    return Schema.from_descriptor(clean)


def schema_problem(descriptor: Any) -> str | None:
    """Why a declared Table Schema cannot be used, or None when it is valid."""
    from frictionless import FrictionlessException

    if not isinstance(descriptor, dict):
        return "se espera un objeto JSON con 'fields'"
    try:
        _schema(descriptor)
    except FrictionlessException as exc:
        return str(exc.error.message if getattr(exc, "error", None) else exc)
    except (TypeError, ValueError, KeyError) as exc:
        return str(exc)
    return None


def check(
    path: Path,
    *,
    fmt: str,
    policy: Policy,
    findings: Findings,
    delimiter: str = ",",
    table_schema: dict[str, Any] | None = None,
) -> None:
    """Run Frictionless on the first rows of `path` (fmt ``csv`` or ``xlsx``)."""
    from frictionless import Checklist, Detector, FrictionlessException, Resource, formats, system

    if table_schema is not None:
        rule_id, key, picked = "tabular.table_schema", "violation", SCHEMA_ERRORS
        rule = policy.rule(rule_id)
        if not rule.enabled:
            return
        findings.checked(rule_id)
        problem = schema_problem(table_schema)
        if problem is not None:
            findings.add(rule_id, "invalid_schema", field="schema", value=problem)
            return
        schema = _schema(table_schema)
    else:
        rule_id, key, picked = "tabular.types", "type", TYPE_ERRORS
        rule = policy.rule(rule_id)
        if not rule.enabled:
            return
        findings.checked(rule_id)
        schema = None
    rows = int(rule.params["filas"])
    sample = int(policy.rule("tabular.types").params["muestra"])
    options: dict[str, Any] = {"detector": Detector(sample_size=sample)}
    if fmt == "csv":
        options.update(
            format="csv", encoding="utf-8", control=formats.CsvControl(delimiter=delimiter)
        )
    else:
        options["format"] = "xlsx"
    if schema is not None:
        options["schema"] = schema
    # the path is a local copy this job made, never one a user chose
    with system.use_context(trusted=True):
        try:
            resource = Resource(path=str(path), **options)
            report = resource.validate(
                checklist=Checklist(pick_errors=picked),
                limit_rows=rows,
                limit_errors=findings.max_examples * 50,
            )
        except FrictionlessException as exc:
            findings.add("content.fetch", "unreadable", value=str(exc))
            return
    for task in report.tasks:
        for error in task.errors:
            if error.type not in picked:
                continue
            row = getattr(error, "row_number", None)
            column = getattr(error, "field_name", None) or getattr(error, "label", None)
            if key == "type":
                findings.add(
                    rule_id,
                    key,
                    row=row,
                    column=column,
                    value=getattr(error, "cell", ""),
                    expected=_type_of(error.note),
                )
            else:
                findings.add(rule_id, key, row=row, column=column, value=error.message)


def _type_of(note: str) -> str:
    """'type is "integer/default"' → integer."""
    text = note.split('"')[1] if '"' in note else note
    return text.split("/")[0]
