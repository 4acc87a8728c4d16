"""Shared by the harvester tests: plugins, marks and DataStore reads (a unique module name)."""
from __future__ import annotations

from typing import Any

import pytest
from ckan.tests.helpers import call_action

PLUGINS = (
    "territorio_search territorio activity scheming_datasets spatial_metadata spatial_query harvest datastore "
    "territorio_openaq territorio_sensorthings territorio_ngsi_ld territorio_sinca"
)

harvest_marks = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("ckanext.territorio.harvest.allow_networks", "127.0.0.1"),
    pytest.mark.ckan_config("ckanext.territorio.harvest.backoff_ms", 10),
    pytest.mark.ckan_config("ckan.datastore.sqlsearch.enabled", "true"),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


def datastore_rows(resource_id: str, **filters: Any) -> list[dict[str, Any]]:
    result = call_action(
        "datastore_search", resource_id=resource_id, limit=32000, filters=filters or None, sort="observed_at"
    )
    return result["records"]


def datastore_sql(sql: str) -> list[dict[str, Any]]:
    return call_action("datastore_search_sql", sql=sql)["records"]


def observations_resource(dataset: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in dataset["resources"] if r.get("url_type") == "datastore")
