"""The vocabulary tests are pure Python: no database, CKAN config or plugins."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def _migrated_database() -> None:
    """Overrides tests/conftest.py's migration so these tests also run with `-p no:ckan`."""
