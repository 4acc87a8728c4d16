"""Time-series fixtures: sensor datasets whose readings the harvesters' own loader wrote."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from factories import TerritorialDataset
from timeseries_helpers import Row, load

from ckanext.territorio_harvesters import store


@pytest.fixture
def sensor_dataset(test_request_context) -> Callable[..., dict[str, Any]]:
    """A territorial dataset with an observations resource whose table holds ``rows``.

    Created inside a request of an app with this test's plugins (and only then: a context
    kept for the whole test would share its ``g`` with the test's own requests): showing a
    DataStore resource builds its dump URL, which a context another test left behind may
    not know."""

    def make(rows: list[Row], **fields: Any) -> dict[str, Any]:
        with test_request_context():
            return _make(rows, **fields)

    def _make(rows: list[Row], **fields: Any) -> dict[str, Any]:
        dataset = TerritorialDataset(
            resources=[{"url": "_datastore_only_resource", "url_type": "datastore",
                        "name": "Mediciones", "format": "CSV"}],
            **fields,
        )
        resource_id = dataset["resources"][0]["id"]
        store.ensure_table(resource_id, {"ignore_auth": True, "user": factories.Sysadmin()["name"]})
        if rows:
            load(resource_id, rows)
        return call_action("package_show", id=dataset["id"])

    return make
