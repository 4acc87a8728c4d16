"""Content rules on one tabular file: one streaming pass, then Frictionless on the first rows."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from . import frictionless_checks
from .document import Policy
from .metadata import normalise_format
from .personal import SEPARATOR, PersonalScanner, screen
from .report import Findings
from .sensor import SensorScanner, is_time_series
from .tabular import ContentError, CsvRows, Limits, XlsxRows

Kind = Literal["csv", "xlsx"]
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ].*)?")


@dataclass
class ResourceFacts:
    """What the content rules need to know of a resource besides its file."""

    name: str = ""
    format: str = ""
    url: str = ""
    variable: str | None = None
    unit: str | None = None
    table_schema: dict[str, Any] | None = None
    table_schema_problem: str | None = None


@dataclass
class ContentResult:
    """What checking a file found, the kind of table it was, its size and timing."""

    findings: Findings
    kind: Kind | None
    rows: int = 0
    bytes: int = 0
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    finished: dt.datetime | None = None


def tabular_kind(facts: ResourceFacts, policy: Policy) -> Kind | None:
    """csv or xlsx when the policy's tabular formats include the resource's, else None."""
    fmt = normalise_format(facts.format, facts.url)
    if fmt not in policy.rule("content.fetch").params["formatos_tabulares"]:
        return None
    return "xlsx" if fmt in ("XLSX", "XLSM") else "csv"


def _looks_like_data(cell: str) -> bool:
    text = cell.strip()
    return bool(
        _NUMBER.fullmatch(text)
        or _DATE.fullmatch(text)
        or text.lower() in ("true", "false")
        or "@" in text
    )


def _check_header(header: list[str], findings: Findings) -> None:
    findings.checked("tabular.header")
    filled = [cell for cell in header if cell.strip()]
    if filled and all(_looks_like_data(cell) for cell in filled):
        findings.add("tabular.header", "missing", row=1, value=", ".join(filled[:5]))
        return
    seen: set[str] = set()
    for index, cell in enumerate(header, start=1):
        name = cell.strip()
        if not name:
            findings.add("tabular.header", "blank", row=1, column=f"#{index}")
        elif name.lower() in seen:
            findings.add("tabular.header", "duplicate", row=1, column=name, value=name)
        seen.add(name.lower())


def check_file(path: Path, facts: ResourceFacts, policy: Policy, limits: Limits) -> ContentResult:
    """Every content rule the policy enables, on the local file `path`."""
    findings = Findings(policy)
    findings.checked("content.fetch")
    kind = tabular_kind(facts, policy)
    result = ContentResult(findings=findings, kind=kind)
    if kind is None:
        return result
    reader: CsvRows | XlsxRows = (
        CsvRows(path, limits, screen=screen) if kind == "csv" else XlsxRows(path, limits)
    )
    clean = _scan(reader, kind, facts, policy, findings, result)
    result.bytes = reader.bytes_read
    if clean and result.rows:
        if facts.table_schema_problem is not None:
            findings.checked("tabular.table_schema")
            findings.add(
                "tabular.table_schema",
                "invalid_schema",
                field="schema",
                value=facts.table_schema_problem,
            )
        else:
            frictionless_checks.check(
                path,
                fmt=kind,
                policy=policy,
                findings=findings,
                delimiter=reader.delimiter if isinstance(reader, CsvRows) else ",",
                table_schema=facts.table_schema,
            )
    result.finished = dt.datetime.now(dt.UTC)
    return result


def _scan(
    reader: CsvRows | XlsxRows,
    kind: Kind,
    facts: ResourceFacts,
    policy: Policy,
    findings: Findings,
    result: ContentResult,
) -> bool:
    """The single pass over every row; False when the file could not be read to the end."""
    personal: PersonalScanner | None = None
    sensor: SensorScanner | None = None
    is_csv = kind == "csv"
    if is_csv:
        findings.checked("tabular.encoding")
        findings.checked("tabular.columns")
    columns_on = is_csv and findings.enabled("tabular.columns")
    rows = 0
    read_to_end = False
    try:
        iterator = iter(reader)
        first = next(iterator, None)
        if first is None:
            findings.checked("tabular.header")
            findings.add("tabular.header", "empty")
            return False
        _, header, _ = first
        _check_header(header, findings)
        personal = PersonalScanner(policy, findings, header)
        if is_time_series(header, policy, facts.variable):
            sensor = SensorScanner(
                policy, findings, header, variable=facts.variable, unit=facts.unit
            )
        width = len(header)
        personal_row = personal.cells
        sensor_row = sensor.row if sensor is not None else None
        for line, row, flagged in iterator:
            if not row:
                continue
            rows += 1
            if columns_on and len(row) != width:
                findings.add(
                    "tabular.columns", "ragged", row=line, value=len(row), expected=width
                )
            if flagged or (flagged is None and screen(SEPARATOR.join(row))):
                personal_row(line, row)
            if sensor_row is not None:
                sensor_row(line, row)
        read_to_end = True
    except ContentError as exc:
        findings.add("content.fetch", "unreadable", value=str(exc))
    finally:
        result.rows = rows
        if personal is not None:
            personal.finish()
    bad_line = reader.first_bad_line if isinstance(reader, CsvRows) else None
    if bad_line is not None:
        findings.add("tabular.encoding", "invalid", row=bad_line)
    return read_to_end and bad_line is None
