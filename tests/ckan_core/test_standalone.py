"""territorio_search loaded alone: nothing else of ours, no spatial, no harvest."""
from __future__ import annotations

import sys

import ckan.lib.search.common as common
import ckan.plugins as p
import ckan.plugins.toolkit as tk
import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.territorio.search import config
from ckanext.territorio.search.connection import PostgresSearchConnection


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestAlone:
    def test_only_territorio_search_is_loaded(self):
        assert p.plugin_loaded("territorio_search")
        assert not p.plugin_loaded("territorio")
        assert not p.plugin_loaded("spatial_query")
        assert not p.plugin_loaded("harvest")

    def test_search_runs_on_postgres(self):
        factories.Dataset(name="abejas", title="Abejas nativas")
        assert isinstance(common.make_connection(), PostgresSearchConnection)
        result = call_action("package_search", q="abejas")
        assert [d["name"] for d in result["results"]] == ["abejas"]
        count = model.Session.execute(
            sa.text("SELECT count(*) FROM territorio_search_doc WHERE name = 'abejas'")
        ).scalar()
        assert count == 1

    def test_its_own_keys_are_declared(self):
        assert tk.config["ckanext.territorio.search_backend"] == "postgres"
        assert config.search_cache_ttl() == 300

    def test_no_spatial_field_without_spatial(self):
        assert config.spatial_geom_field() is None
        assert common.make_connection().geom_field is None

    def test_harvest_is_not_imported_without_the_harvest_plugin(self):
        assert "ckanext.harvest.logic.action.update" not in sys.modules
        assert "ckanext.harvest.model" not in sys.modules

    def test_dataset_purge_works_without_harvest_tables(self):
        dataset = factories.Dataset(name="para-purgar", title="Para purgar")
        call_action("dataset_purge", id=dataset["id"])
        assert call_action("package_search", q="purgar")["count"] == 0
        assert model.Session.get(model.Package, dataset["id"]) is None

    def test_ext_bbox_is_not_a_filter_without_spatial(self):
        factories.Dataset(name="en-todas-partes", title="En todas partes")
        result = call_action("package_search", q="partes", extras={"ext_bbox": "1,2,3,4"})
        assert result["count"] == 1
