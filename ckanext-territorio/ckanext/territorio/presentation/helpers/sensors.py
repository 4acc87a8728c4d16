"""Helpers of the sensor datasets' pages: the stations map embedded on the dataset page."""
from __future__ import annotations

from typing import Any

from ...implementations import resource_views

__all__ = ["territorio_stations_map"]


def territorio_stations_map(pkg: dict[str, Any]) -> str | None:
    """The stations map's settings (JSON) for a sensor dataset's page; None for other datasets."""
    resources = pkg.get("resources") or []
    if not any(resource_views.is_stations_file(r) for r in resources):
        return None
    if not any(r.get("url_type") == "datastore" and r.get("datastore_active") for r in resources):
        return None
    return resource_views.as_json(resource_views.map_settings(pkg))
