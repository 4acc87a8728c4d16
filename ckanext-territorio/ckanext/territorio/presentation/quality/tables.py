"""The tables of a quality view, and the same tables as CSV and JSON downloads.

A page, its CSV and its JSON are made from one `Table` so that they never disagree: the
page formats the values for people, the CSV writes them plain (dot decimals, RFC 4180,
UTF-8 with a BOM so that Excel reads the accents) and the JSON keeps their types.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from . import formats

# column kinds: how a value is written on the page (see formats.py)
TEXT = "text"
INTEGER = "integer"
NUMBER = "number"
PERCENT = "percent"  # 0–100
SHARE = "share"  # 0–1, shown as a percentage
LINES = "lines"  # a list of texts, one per line
KINDS = (TEXT, INTEGER, NUMBER, PERCENT, SHARE, LINES)

BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its key in the rows, its label and the kind of its values."""

    key: str
    label: str
    kind: str = TEXT

    @property
    def numeric(self) -> bool:
        """Whether the column holds numbers (aligned right, written as numbers)."""
        return self.kind not in (TEXT, LINES)


@dataclass(frozen=True, slots=True)
class Table:
    """Rows of plain values (numbers, text, lists of text) under labelled columns.

    name: the table's slug in URLs and file names (``grupos``, ``peores``...).
    """

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Mapping[str, Any], ...] = field(default_factory=tuple)

    def values(self, row: Mapping[str, Any]) -> list[Any]:
        """The row's values in column order."""
        return [row.get(column.key) for column in self.columns]


# a text cell starting with these is a formula to Excel, LibreOffice and Google Sheets (OWASP
# "CSV injection"); a leading apostrophe makes it text again and is not shown
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def _text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _raw(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return " | ".join(_raw(item) for item in value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _plain(value: Any) -> str:
    """A value as one CSV cell: lists joined with " | ", None empty, floats as written, text
    that a spreadsheet would run as a formula quoted."""
    return _text(_raw(value)) if isinstance(value, (str, list, tuple)) else _raw(value)


def to_csv(table: Table) -> bytes:
    """The table as CSV: a header of the columns' labels, then one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_text(column.label) for column in table.columns])
    for row in table.rows:
        writer.writerow([_plain(value) for value in table.values(row)])
    return (BOM + buffer.getvalue()).encode("utf-8")


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"no se puede escribir {type(value).__name__} en JSON")


def to_json(
    view: str,
    title: str,
    tables: Sequence[Table],
    meta: Mapping[str, Any] | None = None,
) -> bytes:
    """Every table of a view with its columns, plus what the view was made from (meta)."""
    document: dict[str, Any] = {"view": view, "title": title, **(meta or {})}
    document["tables"] = {
        table.name: {
            "title": table.title,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in table.columns],
            "rows": [{c.key: row.get(c.key) for c in table.columns} for row in table.rows],
        }
        for table in tables
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=_json_default).encode("utf-8")


def display(column: Column, value: Any, lang: str | None = None) -> str:
    """A value as a page (or the PDF) shows it: localised numbers, lists joined by commas."""
    if column.kind == INTEGER:
        return formats.number(value, 0, lang)
    if column.kind == NUMBER:
        return formats.number(value, 1, lang)
    if column.kind == PERCENT:
        return formats.percent(value, lang)
    if column.kind == SHARE:
        return formats.share(value, lang)
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ("\n" if column.kind == LINES else ", ").join(str(item) for item in value)
    return str(value)
