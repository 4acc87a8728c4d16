"""CKAN's own search tests run against ``territorio_search`` alone.

Loaded as a pytest plugin (``-p tests.ckan_core.conftest``) by deploy/test.sh's
core-suite step, with ``--ckan-ini=.run/test-core.ini``: the test database is
migrated for CKAN and territorio_search only, and the tests listed in
``excluded.txt`` (each with its reason) are deselected. ``suite.txt`` lists
what runs (paths inside the installed ckan package) besides this folder.
"""
from __future__ import annotations

from pathlib import Path

import ckan.plugins as plugins
import pytest
from ckan import model

HERE = Path(__file__).parent
EXCLUDED = HERE / "excluded.txt"


def excluded_tests() -> dict[str, str]:
    """Node ids (relative to the ckan package) left out, with the reason."""
    excluded: dict[str, str] = {}
    for line in EXCLUDED.read_text("utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        node_id, _, reason = line.partition(" ")
        excluded[node_id] = reason.strip(" #-")
    return excluded


def _relative_id(item: pytest.Item) -> str:
    """``tests/lib/search/test_query.py::TestX::test_y`` for a test in the ckan package."""
    node_id = item.nodeid
    marker = "ckan/tests/"
    index = node_id.find(marker)
    return node_id[index + len("ckan/"):] if index != -1 else node_id


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the tests in excluded.txt (a whole file, class or single test)."""
    excluded = excluded_tests()
    kept, dropped = [], []
    for item in items:
        node_id = _relative_id(item)
        if any(node_id == e or node_id.startswith(e + "::") or node_id.startswith(e + "[")
               for e in excluded):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session", autouse=True)
def _migrated_database(migrate_db_for):
    """CKAN's tables and territorio_search's index table, migrated once.

    With PostGIS on the search path CKAN's first reset would drop
    ``spatial_ref_sys`` (the extension's); marking the tables created makes
    every reset delete rows instead (as tests/conftest.py does).
    """
    model.repo.upgrade_db()
    plugins.load_all()
    try:
        migrate_db_for("territorio_search")
    finally:
        plugins.unload_all()
    model.repo.tables_created_and_initialised = True
