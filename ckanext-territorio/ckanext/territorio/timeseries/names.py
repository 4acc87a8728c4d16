"""SQL identifiers of the DataStore's tables (shared by the layout and the daily rollup)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def in_clause(column: str, name: str, values: Sequence[str], params: dict[str, Any]) -> str:
    """``column = :name`` for one value, ``= ANY(:name)`` for several (``params`` gets the value).

    One value as "=": the planner then treats the column as constant and the index order holds.
    """
    if len(values) == 1:
        params[name] = values[0]
        return f"{column} = :{name}"
    params[name] = list(values)
    return f"{column} = ANY(:{name})"
