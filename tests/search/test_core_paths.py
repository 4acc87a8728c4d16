"""Stock CKAN code paths on the PostgreSQL backend: pages, CLI, statement count, switch."""
from __future__ import annotations

import ckan.lib.search as search
import ckan.lib.search.common as common
import ckan.plugins.toolkit as tk
import pysolr
import pytest
import sqlalchemy as sa
from ckan import model
from ckan.lib.redis import connect_to_redis
from ckan.tests import factories
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas

from ckanext.territorio.search import cache as search_cache
from ckanext.territorio.search.connection import PostgresSearchConnection

# CKAN's own paths (pages, CLI), exercised with the portal's territorial schema.
pytestmark = territorial_schemas


@pytest.fixture
def catalogue(clean_db, clean_index):
    org = factories.Organization(name="muni-concepcion", title="Municipalidad de Concepción")
    for i in range(12):
        TerritorialDataset(
            name=f"residuos-{i:02d}",
            title=f"Recolección de residuos sector {i}",
            notes="Rutas de camiones y puntos limpios.",
            owner_org=org["id"],
            tags=[{"name": "residuos"}, {"name": "par" if i % 2 == 0 else "impar"}],
            resources=[{"url": f"http://example.org/{i}.csv", "format": "CSV"}],
        )
    TerritorialDataset(
        name="bicicletas-publicas",
        title="Bicicletas públicas",
        owner_org=org["id"],
        tags=[{"name": "movilidad"}],
    )
    return org


def _indexed_names() -> set[str]:
    return set(
        model.Session.execute(sa.text("SELECT name FROM territorio_search_doc")).scalars()
    )


@pytest.mark.usefixtures("with_plugins")
class TestPages:
    def test_dataset_search_page_lists_results_and_facets(self, app, catalogue):
        page = app.get(tk.url_for("dataset.search", q="residuos", tags="par"))
        html = page.get_data(as_text=True).replace("\xa0", " ")
        assert "6 conjuntos de datos encontrados" in html or "6 datasets found" in html
        assert "Recolección de residuos sector 0" in html
        assert "Recolección de residuos sector 1<" not in html
        assert "Municipalidad de Concepción" in html  # organization facet

    def test_organization_page_lists_its_datasets(self, app, catalogue):
        page = app.get(tk.url_for("organization.read", id="muni-concepcion", q="bicicletas"))
        html = page.get_data(as_text=True)
        assert "Bicicletas públicas" in html
        assert "Recolección de residuos" not in html

    def test_group_page_lists_its_datasets(self, app, catalogue):
        group = factories.Group(name="reciclaje-urbano", title="Reciclaje urbano")
        admin = factories.Sysadmin()
        call_action(
            "member_create",
            context={"user": admin["name"]},
            id=group["id"],
            object="residuos-03",
            object_type="package",
            capacity="public",
        )
        html = app.get(tk.url_for("group.read", id="reciclaje-urbano")).get_data(as_text=True)
        assert "Recolección de residuos sector 3" in html
        assert "Recolección de residuos sector 4" not in html
        result = call_action("package_search", fq="groups:reciclaje-urbano")
        assert [d["name"] for d in result["results"]] == ["residuos-03"]

    def test_bad_query_on_the_page_is_a_400_with_the_reason(self, app, catalogue):
        page = app.get(tk.url_for("dataset.search", q="residuos~1"), status=400)
        assert "difusa" in page.get_data(as_text=True)


@pytest.mark.usefixtures("with_plugins")
class TestSearchIndexCommands:
    def test_clear_then_rebuild_restores_every_dataset(self, cli, catalogue):
        ini = tk.config["__file__"]
        result = cli.invoke(_ckan(), ["-c", ini, "search-index", "clear"])
        assert result.exit_code == 0, result.output
        model.Session.remove()
        assert _indexed_names() == set()
        assert call_action("package_search", q="residuos")["count"] == 0

        result = cli.invoke(_ckan(), ["-c", ini, "search-index", "rebuild"])
        assert result.exit_code == 0, result.output
        model.Session.remove()
        assert len(_indexed_names()) == 13
        assert call_action("package_search", q="residuos")["count"] == 12

    def test_check_reports_datasets_missing_from_the_index(self, cli, catalogue):
        search.clear("bicicletas-publicas")
        model.Session.commit()
        result = cli.invoke(_ckan(), ["-c", tk.config["__file__"], "search-index", "check"])
        assert "Packages not indexed = 1 out of 13" in result.output
        assert "bicicletas-publicas" in result.output

    def test_show_returns_the_indexed_document(self, catalogue):
        document = search.show("bicicletas-publicas")
        assert document["name"] == "bicicletas-publicas"
        assert document["organization"] == "muni-concepcion"
        assert "validated_data_dict" in document


def _search_statements(**params) -> tuple[dict, list[str]]:
    """package_search's result and the SQL statements it sent to the index."""
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    engine = model.Session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        result = call_action("package_search", **params)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    # the index's tables: the facet count names the documents table only in its ts_stat parameter
    return result, [s for s in seen if "territorio_search_" in s]


FACETS = {"facet.field": '["tags", "organization", "res_format"]'}


@pytest.mark.usefixtures("with_plugins")
class TestScale:
    @pytest.mark.ckan_config("ckanext.territorio.search.cache_ttl", 0)
    def test_statement_count_does_not_grow_with_rows(self, catalogue):
        small, small_sql = _search_statements(q="residuos", rows=1, **FACETS)
        large, large_sql = _search_statements(q="residuos", rows=12, **FACETS)
        assert [len(small["results"]), len(large["results"])] == [1, 12]
        assert len(small_sql) == len(large_sql) == 2  # documents + all facets

    def test_repeated_searches_come_from_the_cache(self, catalogue, clean_redis):
        first, first_sql = _search_statements(q="residuos", sort="name asc", **FACETS)
        other_page, other_sql = _search_statements(q="residuos", sort="name desc", start=3, **FACETS)
        same, same_sql = _search_statements(q="residuos", sort="name asc", **FACETS)
        assert first["search_facets"] == other_page["search_facets"] == same["search_facets"]
        assert same["results"] == first["results"]
        assert len(first_sql) == 2  # documents + hits and facets
        assert len(other_sql) == 1  # documents (hits and facets cached)
        assert same_sql == []  # all from the cache

    def test_a_committed_change_refreshes_cached_facets(self, catalogue, clean_redis):
        def tag_counts():
            result = call_action("package_search", q="residuos", **FACETS)
            return {i["name"]: i["count"] for i in result["search_facets"]["tags"]["items"]}

        admin = {"user": factories.Sysadmin()["name"]}
        assert tag_counts()["par"] == 6
        call_action(
            "package_patch",
            context=dict(admin),
            id="residuos-01",
            tags=[{"name": "residuos"}, {"name": "par"}],
        )
        assert tag_counts()["par"] == 7
        call_action("package_delete", context=dict(admin), id="residuos-00")
        assert tag_counts()["par"] == 6


@pytest.mark.usefixtures("with_plugins")
class TestBackendSwitch:
    def test_postgres_is_the_default_connection(self):
        assert isinstance(common.make_connection(), PostgresSearchConnection)

    @pytest.mark.ckan_config("ckanext.territorio.search_backend", "solr")
    @pytest.mark.ckan_config("solr_url", "http://127.0.0.1:8983/solr/ckan")
    def test_solr_switch_gives_ckan_its_own_connection_back(self):
        connection = common.make_connection()
        assert isinstance(connection, pysolr.Solr)
        assert connection.url == "http://127.0.0.1:8983/solr/ckan"
        assert search.check_solr_schema_version.__module__ == "ckan.lib.search"


def _ckan():
    from ckan.cli.cli import ckan

    return ckan


@pytest.mark.usefixtures("with_plugins")
class TestCacheKeys:
    """A cached result is never read for another database or another life of the counter."""

    def test_the_database_is_part_of_the_key(self):
        statement = sa.select(sa.literal(1))
        generation = search_cache.generation()
        assert search_cache.key(statement, generation, "db:5432/a") != search_cache.key(
            statement, generation, "db:5432/b"
        )

    def test_a_counter_reborn_after_redis_lost_its_keys_has_a_new_epoch(self, clean_redis):
        before = search_cache.generation()
        assert before.endswith(":0")
        connect_to_redis().flushdb()
        after = search_cache.generation()
        assert after.endswith(":0") and after != before

    def test_a_bump_moves_the_generation_within_the_epoch(self, clean_redis):
        before = search_cache.generation()
        search_cache.bump()
        after = search_cache.generation()
        assert after.split(":")[0] == before.split(":")[0]
        assert int(after.split(":")[1]) == int(before.split(":")[1]) + 1
