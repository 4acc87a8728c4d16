"""Shared fixtures: CKAN's pytest plugin plus our migrations."""
from __future__ import annotations

import os
from pathlib import Path

import ckan.plugins as plugins
import pytest
from ckan import model
from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action
from fast_plugin_loading import install as install_fast_plugin_loading
from hypothesis import HealthCheck, settings

from ckanext.territorio.search import cache as search_cache

install_fast_plugin_loading()  # before CKAN loads any plugin

PLUGIN_MIGRATIONS = ("activity", "harvest", "territorio_search", "territorio")
CORE_SUITE = "ckan_core"
CORE_SUITE_PLUGIN = "tests.ckan_core.conftest"


def pytest_ignore_collect(collection_path, config):
    """tests/ckan_core runs in its own invocation, territorio_search alone (deploy/test.sh)."""
    if collection_path.name == CORE_SUITE and not config.pluginmanager.has_plugin(
        CORE_SUITE_PLUGIN
    ):
        return True
    return None

def pytest_configure(config):
    """A pytest-xdist worker other than the first runs on its own databases: deploy/test.sh
    writes ``test-gwK.ini`` beside the test ini for worker gwK (CKAN reads it at session start)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    ini = config.getoption("ckan_ini", default=None)
    if worker != "gw0" and ini:
        own = Path(ini).with_name(f"{Path(ini).stem}-{worker}.ini")
        if not own.exists():
            raise pytest.UsageError(f"{own} no existe: deploy/test.sh lo escribe para el proceso {worker}")
        config.option.ckan_ini = str(own)


# Property tests judge outcomes, not speed: on a busy machine (CI runs beside other work)
# generating examples may be slow, which is no failure of the code under test.
settings.register_profile(
    "territorio", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("territorio")


@pytest.fixture(scope="session", autouse=True)
def _migrated_database(migrate_db_for):
    """Bring the test database to head once, then let resets only delete rows.

    CKAN's first reset drops every table it can see; with PostGIS on the
    search_path that includes ``spatial_ref_sys``, which belongs to the
    extension. Migrating up front and marking the tables as created makes every
    reset take CKAN's row-deleting path instead.
    """
    model.repo.upgrade_db()
    plugins.load_all()
    try:
        for plugin in PLUGIN_MIGRATIONS:
            migrate_db_for(plugin)
    finally:
        plugins.unload_all()
    model.repo.tables_created_and_initialised = True


@pytest.fixture
def clean_db(reset_db):
    """CKAN's clean_db; the tables exist already (see _migrated_database).

    Resetting deletes index rows behind the search backend's back, so cached
    search results are invalidated too.
    """
    reset_db()
    search_cache.bump()


@pytest.fixture
def sysadmin() -> dict:
    """A site administrator."""
    return ckan_factories.Sysadmin()


@pytest.fixture
def auditor(sysadmin) -> dict:
    """A user with the policy-auditor role, granted by a sysadmin."""
    user = ckan_factories.User()
    call_action("territorio_auditor_update", context={"user": sysadmin["name"]}, user=user["name"], auditor=True)
    return user
