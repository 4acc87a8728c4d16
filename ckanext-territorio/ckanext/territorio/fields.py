"""The territorial list fields and the way scheming stores them (JSON text)."""
from __future__ import annotations

import json
from typing import Any

# Fields holding lists, stored by scheming as JSON text in the dataset's extras.
LIST_FIELDS = ("dimension", "subdimension", "region", "comuna", "partners", "datasets")


def decode_list(value: Any) -> list[str]:
    """A stored list field (JSON text, a list, or a single value) as a list of strings."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    if isinstance(value, list):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)]
