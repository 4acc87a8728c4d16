"""Counts of datasets and initiatives, merged by key (a dimension, a region, a comuna ...)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..fields import decode_list


@dataclass(frozen=True, slots=True)
class Counts:
    """How many datasets and initiatives match."""

    datasets: int = 0
    initiatives: int = 0

    @property
    def total(self) -> int:
        """Datasets and initiatives together."""
        return self.datasets + self.initiatives

    def __bool__(self) -> bool:
        return self.total > 0


def counts_by_key(
    datasets: Mapping[str, int], initiatives: Mapping[str, int], keys: Iterable[str]
) -> dict[str, Counts]:
    """Both counts for each key, in the order of `keys` (zero where a facet lacks it)."""
    return {key: Counts(datasets.get(key, 0), initiatives.get(key, 0)) for key in keys}


def tally_records(
    records: Iterable[Mapping[str, Any]], row_field: str, column_field: str
) -> tuple[Counter[tuple[str, str]], Counter[str], Counter[str]]:
    """Cross counts of two list fields over whole records, as a pivot facet would give.

    Returns (cells, by row value, by column value); a record counts once per cell and once
    per value, however many values it has.
    """
    cells: Counter[tuple[str, str]] = Counter()
    rows: Counter[str] = Counter()
    columns: Counter[str] = Counter()
    for record in records:
        row_values = set(decode_list(record.get(row_field)))
        column_values = set(decode_list(record.get(column_field)))
        rows.update(row_values)
        columns.update(column_values)
        cells.update((r, c) for r in row_values for c in column_values)
    return cells, rows, columns
