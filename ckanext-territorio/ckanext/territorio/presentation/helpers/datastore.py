"""The DataStore API dialog's examples, taken from the resource itself (not CKAN's "jones")."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

__all__ = ["territorio_datastore_example"]

# when the table has no text column with a value: a comuna, as in most of the portal's tables
FALLBACK = {"field": "comuna", "value": "Temuco"}


def territorio_datastore_example(resource_id: str) -> dict[str, Any]:
    """A text column of the table and a value it holds (first record), and its columns."""
    try:
        result = tk.get_action("datastore_search")(
            {"user": tk.g.user or ""}, {"resource_id": resource_id, "limit": 1}
        )
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return {**FALLBACK, "fields": []}
    fields = [f["id"] for f in result.get("fields", []) if not f["id"].startswith("_")]
    record = (result.get("records") or [{}])[0]
    for field in result.get("fields", []):
        value = record.get(field["id"])
        if field["type"] == "text" and isinstance(value, str) and value.strip() and len(value) <= 60:
            return {"field": field["id"], "value": value, "fields": fields}
    return {**FALLBACK, "fields": fields}
