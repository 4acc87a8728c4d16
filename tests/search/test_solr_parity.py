"""Differences with Solr found by CKAN 2.12's own search tests, each fixed and pinned here."""
from __future__ import annotations

import datetime
import re

import ckan.lib.search as search
import ckan.lib.search.common as common
import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas

from ckanext.territorio.search import document

pytestmark = territorial_schemas


@pytest.fixture
def two_datasets(clean_db, clean_index):
    org = factories.Organization()
    first = TerritorialDataset(name="abejas-nativas", title="Abejas nativas", owner_org=org["id"])
    second = TerritorialDataset(
        name="mariposas-del-sur", title="Mariposas del sur", owner_org=org["id"]
    )
    return first, second


def _ckan():
    from ckan.cli.cli import ckan

    return ckan


def _orphan() -> dict:
    now = datetime.datetime(2014, 6, 10, 8, 24, 12, 782257).isoformat()
    orphan = {
        "id": "huerfano-1",
        "name": "conjunto-huerfano",
        "title": "Conjunto huérfano",
        "state": "active",
        "private": False,
        "type": "dataset",
        "owner_org": None,
        "metadata_created": now,
        "metadata_modified": now,
    }
    orphan["with_custom_schema"] = dict(orphan)
    return orphan


@pytest.mark.usefixtures("with_plugins")
class TestSearchIndexCommands:
    def test_check_right_after_clear_of_one_dataset_counts_it(self, cli, two_datasets):
        first, _ = two_datasets
        ini = tk.config["__file__"]
        cli.invoke(_ckan(), ["-c", ini, "search-index", "clear", first["id"]])
        result = cli.invoke(_ckan(), ["-c", ini, "search-index", "check"])
        assert "Packages not indexed = 1 out of 2" in result.output
        assert "abejas-nativas" in result.output

    def test_rebuild_keep_orphans_keeps_the_orphan(self, cli, two_datasets):
        search.index_for(model.Package).index_package(_orphan())
        assert call_action("package_search", q="huérfano")["count"] == 1
        result = cli.invoke(
            _ckan(), ["-c", tk.config["__file__"], "search-index", "rebuild", "--keep-orphans"]
        )
        assert result.exit_code == 0, result.output
        assert call_action("package_search", q="huérfano")["count"] == 1
        assert call_action("package_search", q="abejas")["count"] == 1

    def test_rebuild_without_keep_orphans_drops_the_orphan(self, cli, two_datasets):
        search.index_for(model.Package).index_package(_orphan())
        result = cli.invoke(_ckan(), ["-c", tk.config["__file__"], "search-index", "rebuild"])
        assert result.exit_code == 0, result.output
        assert call_action("package_search", q="huérfano")["count"] == 0


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestDates:
    def test_dates_are_datetimes_when_ckan_asks_to_decode_them(self):
        search.index_for(model.Package).index_package(_orphan())
        docs = common.make_connection().search(q="name:conjunto-huerfano").docs
        assert docs[0]["metadata_created"] == datetime.datetime(2014, 6, 10, 8, 24, 12)

    def test_dates_are_solr_strings_without_decoding(self):
        search.index_for(model.Package).index_package(_orphan())
        docs = common.make_connection(decode_dates=False).search(q="name:conjunto-huerfano").docs
        assert docs[0]["metadata_created"] == "2014-06-10T08:24:12.782Z"

    def test_stored_dates_keep_milliseconds_like_solr(self):
        search.index_for(model.Package).index_package(_orphan())
        indexed = search.show("conjunto-huerfano")
        assert indexed["metadata_modified"] == "2014-06-10T08:24:12.782Z"

    @pytest.mark.parametrize(
        ("sent", "stored"),
        [
            ("2014-06-10T08:24:12.782257Z", "2014-06-10T08:24:12.782Z"),
            ("2014-03-22T00:00:00Z", "2014-03-22T00:00:00Z"),
            ("2019-10-10T01:15:00+00:00", "2019-10-10T01:15:00Z"),
            ("2019-10-10T01:15:00-03:00", "2019-10-10T04:15:00Z"),
            ("no es una fecha", "no es una fecha"),
        ],
    )
    def test_solr_date_normalises_like_solr(self, sent, stored):
        assert document.solr_date(sent) == stored


@pytest.mark.usefixtures("with_plugins")
class TestQuerySyntax:
    def test_double_minus_is_a_syntax_error_on_the_search_page(self, app, two_datasets):
        page = app.get(tk.url_for("dataset.search", q="--included"), status=400)
        html = page.get_data(as_text=True)
        assert "operador repetido" in html
        assert "Abejas nativas" not in html

    def test_double_minus_is_a_search_query_error_in_the_api(self, two_datasets):
        with pytest.raises(common.SearchQueryError) as error:
            call_action("package_search", q="--abejas")
        assert "operador repetido" in str(error.value)

    def test_local_params_are_refused_unless_allowed(self, two_datasets):
        with pytest.raises(common.SearchError) as error:
            search.query_for(model.Package).run({"q": "{!bool must=abejas}"})
        assert "Local parameters are not supported" in str(error.value)

    @pytest.mark.ckan_config("ckan.search.solr_allowed_query_parsers", "bool lucene")
    def test_allowed_bool_parser_must_should_and_must_not(self, two_datasets):
        query = search.query_for(model.Package)

        def names(q: str, **extra: str) -> list[str]:
            found = query.run({"q": q, "defType": "lucene", "fl": "name", **extra})
            return sorted(found["results"])  # fl=name: the names themselves

        assert names("{!bool must=abejas}") == ["abejas-nativas"]
        assert names("{!type=bool must=escarabajos}") == []
        assert names("{!must=abejas type=bool}") == ["abejas-nativas"]
        assert names("{!bool should=abejas should=mariposas}") == [
            "abejas-nativas", "mariposas-del-sur"
        ]
        assert names("{!bool should='abejas OR mariposas' must_not=sur}") == ["abejas-nativas"]

    @pytest.mark.ckan_config("ckan.search.solr_allowed_query_parsers", "lucene")
    def test_allowed_lucene_parser_honours_q_op(self, two_datasets):
        query = search.query_for(model.Package)
        assert query.run({"fq": "{!lucene q.op=AND}abejas mariposas"})["count"] == 0
        assert query.run({"fq": "{!lucene q.op=OR}abejas mariposas"})["count"] == 2

    @pytest.mark.ckan_config("ckan.search.solr_allowed_query_parsers", "knn")
    def test_allowed_parser_the_engine_lacks_is_a_clear_error(self, two_datasets):
        with pytest.raises(common.SearchQueryError) as error:
            search.query_for(model.Package).run({"q": "{!knn f=vector topK=3}[1,2]"})
        assert "{!knn} no está disponible" in str(error.value)


def test_millisecond_pattern_is_what_solr_returns():
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z",
                        document.solr_date("2024-01-01T10:00:00.5Z"))
