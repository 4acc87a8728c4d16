"""package_search through CKAN core, answered by the PostgreSQL backend."""
from __future__ import annotations

import json

import ckan.logic as logic
import pytest
from ckan.lib.search import SearchError, SearchQueryError
from ckan.tests import factories
from ckan.tests.helpers import call_action
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# The engine is exercised with CKAN's stock dataset schema: these tests are
# about CKAN's own search paths, independent of the territorial schema.
STOCK_SCHEMA = "ckanext.scheming:ckan_dataset.yaml"
pytestmark = pytest.mark.ckan_config("scheming.dataset_schemas", STOCK_SCHEMA)

TEMUCO_EXTENT = json.dumps(
    {
        "type": "Polygon",
        "coordinates": [[[-72.7, -38.8], [-72.5, -38.8], [-72.5, -38.6], [-72.7, -38.6], [-72.7, -38.8]]],
    }
)
SANTIAGO_POINT = json.dumps({"type": "Point", "coordinates": [-70.65, -33.45]})


def search(**params):
    return call_action("package_search", **params)


def names(result):
    return [d["name"] for d in result["results"]]


@pytest.fixture
def territory(clean_db, clean_index):
    """Two municipalities and a handful of datasets with realistic text."""
    temuco = factories.Organization(name="muni-temuco", title="Municipalidad de Temuco")
    santiago = factories.Organization(name="muni-santiago", title="Municipalidad de Santiago")
    datasets = {
        "aire": factories.Dataset(
            name="aire-temuco",
            title="Contaminación atmosférica en Temuco",
            notes="Concentraciones horarias de MP2,5 medidas por la red de monitoreo.",
            owner_org=temuco["id"],
            tags=[{"name": "aire"}, {"name": "salud"}],
            resources=[{"url": "http://example.org/mp25.csv", "format": "CSV", "name": "Mediciones horarias"}],
            extras=[{"key": "spatial", "value": TEMUCO_EXTENT}, {"key": "fuente", "value": "SINCA"}],
        ),
        "bici": factories.Dataset(
            name="ciclovias-santiago",
            title="Red de ciclovías de Santiago",
            notes="Trazado de las ciclovías y estacionamientos de bicicletas.",
            owner_org=santiago["id"],
            tags=[{"name": "movilidad"}, {"name": "bicicletas"}],
            resources=[
                {"url": "http://example.org/ciclovias.geojson", "format": "GeoJSON", "name": "Trazado"},
                {"url": "http://example.org/ciclovias.csv", "format": "CSV", "name": "Tramos"},
            ],
            extras=[{"key": "spatial", "value": SANTIAGO_POINT}],
        ),
        "residuos": factories.Dataset(
            name="puntos-limpios-temuco",
            title="Puntos limpios y reciclaje",
            notes="Ubicación de puntos limpios; no incluye datos del aire.",
            owner_org=temuco["id"],
            tags=[{"name": "reciclaje"}, {"name": "residuos"}],
            resources=[{"url": "http://example.org/puntos.json", "format": "JSON", "name": "Puntos"}],
        ),
        "transito": factories.Dataset(
            name="sensores-transito-temuco",
            title="Sensores de tránsito del centro de Temuco",
            notes="Conteos vehiculares cada quince minutos.",
            owner_org=temuco["id"],
            tags=[{"name": "movilidad"}, {"name": "transito"}],
            resources=[{"url": "http://example.org/conteos.csv", "format": "CSV", "name": "Conteos"}],
        ),
    }
    return {"temuco": temuco, "santiago": santiago, **datasets}


@pytest.mark.usefixtures("with_plugins")
class TestFreeText:
    def test_unaccented_query_finds_accented_title(self, territory):
        assert names(search(q="contaminacion")) == ["aire-temuco"]

    def test_singular_finds_plural(self, territory):
        assert names(search(q="bicicleta")) == ["ciclovias-santiago"]

    def test_plural_with_accents_finds_singular_stem(self, territory):
        assert names(search(q="Contaminaciones atmosféricas")) == ["aire-temuco"]

    def test_title_match_ranks_above_notes_match(self, territory):
        result = search(q="aire")
        assert names(result) == ["aire-temuco", "puntos-limpios-temuco"]

    def test_all_words_must_match_by_default(self, territory):
        assert names(search(q="ciclovias temuco")) == []

    def test_searches_organization_title(self, territory):
        result = search(q="municipalidad santiago")
        assert names(result) == ["ciclovias-santiago"]

    def test_searches_resource_names_tags_and_extras(self, territory):
        assert names(search(q="tramos")) == ["ciclovias-santiago"]
        assert names(search(q="reciclaje")) == ["puntos-limpios-temuco"]
        assert names(search(q="sinca")) == ["aire-temuco"]

    def test_prefix_wildcard(self, territory):
        assert set(names(search(q="contam*"))) == {"aire-temuco"}

    def test_phrase_requires_adjacent_words(self, territory):
        assert names(search(q='"puntos limpios"')) == ["puntos-limpios-temuco"]
        assert names(search(q='"limpios puntos"')) == []


@pytest.mark.usefixtures("with_plugins")
class TestLuceneSyntax:
    def test_fielded_exact_tag(self, territory):
        assert sorted(names(search(q="tags:movilidad"))) == [
            "ciclovias-santiago",
            "sensores-transito-temuco",
        ]

    def test_name_prefix_wildcard(self, territory):
        assert sorted(names(search(q="name:sensores*"))) == ["sensores-transito-temuco"]

    def test_fielded_text_only_searches_that_field(self, territory):
        assert names(search(q="notes:aire")) == ["puntos-limpios-temuco"]
        assert names(search(q='title:"contaminacion atmosferica"')) == ["aire-temuco"]

    def test_boolean_operators_and_parentheses(self, territory):
        result = search(q="(tags:reciclaje OR tags:salud) AND NOT tags:residuos")
        assert names(result) == ["aire-temuco"]

    def test_negation_with_minus(self, territory):
        result = search(q="tags:movilidad -organization:muni-temuco")
        assert names(result) == ["ciclovias-santiago"]

    def test_or_of_free_text(self, territory):
        result = search(q="reciclaje OR bicicletas")
        assert sorted(names(result)) == ["ciclovias-santiago", "puntos-limpios-temuco"]


@pytest.mark.usefixtures("with_plugins")
class TestFilters:
    def test_fq_quoted_value_and_core_dataset_type(self, territory):
        result = search(fq='organization:"muni-santiago" +dataset_type:dataset')
        assert names(result) == ["ciclovias-santiago"]

    def test_fq_list_combines_with_and(self, territory):
        result = search(fq_list=["tags:movilidad", "res_format:CSV", "-organization:muni-santiago"])
        assert names(result) == ["sensores-transito-temuco"]

    def test_date_range_with_date_math(self, territory):
        assert search(fq="metadata_modified:[NOW-1DAY TO NOW+1DAY]")["count"] == 4
        assert search(fq="metadata_modified:[* TO NOW-1YEAR]")["count"] == 0

    def test_numeric_range_on_custom_field(self, territory):
        assert names(search(fq="num_resources:[2 TO *]")) == ["ciclovias-santiago"]
        assert search(fq="num_resources:{1 TO 2]")["count"] == 1

    def test_unknown_value_matches_nothing(self, territory):
        assert search(fq="tags:inexistente")["count"] == 0


@pytest.mark.usefixtures("with_plugins")
class TestFacets:
    def test_facet_counts_cover_the_whole_result_not_the_page(self, territory):
        result = search(rows=1, **{"facet.field": json.dumps(["organization", "res_format", "tags"])})
        assert result["count"] == 4
        assert len(result["results"]) == 1
        orgs = {i["name"]: i["count"] for i in result["search_facets"]["organization"]["items"]}
        assert orgs == {"muni-temuco": 3, "muni-santiago": 1}
        formats = {i["name"]: i["count"] for i in result["search_facets"]["res_format"]["items"]}
        # A dataset with two CSV resources counts once, as in Solr.
        assert formats == {"CSV": 3, "GeoJSON": 1, "JSON": 1}

    def test_facet_limit_keeps_the_most_frequent(self, territory):
        result = search(**{"facet.field": json.dumps(["tags"]), "facet.limit": 1})
        assert [(i["name"], i["count"]) for i in result["search_facets"]["tags"]["items"]] == [
            ("movilidad", 2)
        ]

    def test_facet_mincount(self, territory):
        result = search(**{"facet.field": json.dumps(["tags"]), "facet.mincount": 2})
        assert [i["name"] for i in result["search_facets"]["tags"]["items"]] == ["movilidad"]

    def test_facets_follow_the_query(self, territory):
        result = search(q="temuco", **{"facet.field": json.dumps(["organization"])})
        items = result["search_facets"]["organization"]["items"]
        assert [(i["name"], i["display_name"], i["count"]) for i in items] == [
            ("muni-temuco", "Municipalidad de Temuco", 3)
        ]


@pytest.mark.usefixtures("with_plugins")
class TestSortingAndPaging:
    def test_sort_by_title(self, territory):
        result = search(sort="title_string asc")
        assert names(result) == [
            "aire-temuco",
            "puntos-limpios-temuco",
            "ciclovias-santiago",
            "sensores-transito-temuco",
        ]

    def test_sort_by_name_desc(self, territory):
        assert names(search(sort="name desc"))[0] == "sensores-transito-temuco"

    def test_sort_by_metadata_modified(self, territory):
        newest = search(sort="metadata_modified desc")
        oldest = search(sort="metadata_modified asc")
        assert names(newest) == list(reversed(names(oldest)))
        assert names(oldest)[0] == "aire-temuco"

    def test_invalid_sort_is_a_query_error(self, territory):
        with pytest.raises(SearchQueryError, match="sort"):
            search(sort="name sideways")

    def test_rows_and_start_page_through_exact_hits(self, territory):
        pages = [search(sort="name asc", rows=3, start=start) for start in (0, 3, 6)]
        assert [p["count"] for p in pages] == [4, 4, 4]
        assert [len(p["results"]) for p in pages] == [3, 1, 0]
        assert names(pages[0]) + names(pages[1]) == sorted(
            ["aire-temuco", "ciclovias-santiago", "puntos-limpios-temuco", "sensores-transito-temuco"]
        )

    def test_field_list(self, territory):
        result = search(q="tags:reciclaje", fl="name,title")
        assert result["results"] == [{"name": "puntos-limpios-temuco", "title": "Puntos limpios y reciclaje"}]

    def test_results_are_the_validated_data_dict(self, territory):
        result = search(q="tags:reciclaje")
        dataset = result["results"][0]
        assert dataset["organization"]["title"] == "Municipalidad de Temuco"
        assert dataset["resources"][0]["format"] == "JSON"


@pytest.mark.usefixtures("with_plugins")
class TestSpatial:
    def test_bbox_returns_intersecting_extents(self, territory):
        result = search(extras={"ext_bbox": "-73.0,-39.0,-72.0,-38.0"})
        assert names(result) == ["aire-temuco"]

    def test_bbox_around_santiago(self, territory):
        result = search(extras={"ext_bbox": "-71,-34,-70,-33"})
        assert names(result) == ["ciclovias-santiago"]

    def test_bbox_in_the_sea_finds_nothing(self, territory):
        assert search(extras={"ext_bbox": "-90,-40,-85,-35"})["count"] == 0


@pytest.mark.usefixtures("with_plugins")
class TestVisibility:
    def test_private_dataset_hidden_from_anonymous_and_shown_to_member(self, clean_db, clean_index):
        member = factories.User()
        org = factories.Organization(users=[{"name": member["name"], "capacity": "editor"}])
        factories.Dataset(name="privado", title="Listas de espera", owner_org=org["id"], private=True)
        factories.Dataset(name="publico", title="Listas de espera públicas", owner_org=org["id"])

        anonymous = call_action(
            "package_search", context={"user": "", "ignore_auth": False}, q="listas", include_private=True
        )
        assert names(anonymous) == ["publico"]
        as_member = call_action(
            "package_search",
            context={"user": member["name"], "ignore_auth": False},
            q="listas",
            include_private=True,
        )
        assert sorted(names(as_member)) == ["privado", "publico"]

    def test_drafts_only_for_their_creator(self, clean_db, clean_index):
        author = factories.User()
        org = factories.Organization(users=[{"name": author["name"], "capacity": "editor"}])
        factories.Dataset(
            name="borrador", title="Borrador de tránsito", state="draft", user=author, owner_org=org["id"]
        )
        stranger = factories.User()
        mine = call_action(
            "package_search",
            context={"user": author["name"], "ignore_auth": False},
            q="transito",
            include_drafts=True,
        )
        theirs = call_action(
            "package_search",
            context={"user": stranger["name"], "ignore_auth": False},
            q="transito",
            include_drafts=True,
        )
        assert names(mine) == ["borrador"]
        assert names(theirs) == []

    def test_deleted_datasets_leave_the_index_by_default(self, clean_db, clean_index):
        sysadmin = factories.Sysadmin()
        dataset = factories.Dataset(
            name="borrado", title="Dataset borrado", owner_org=factories.Organization()["id"]
        )
        call_action("package_delete", context={"user": sysadmin["name"]}, id=dataset["id"])
        deleted = call_action(
            "package_search", context={"user": sysadmin["name"]}, q="borrado", include_deleted=True
        )
        assert deleted["count"] == 0

    @pytest.mark.ckan_config("ckan.search.remove_deleted_packages", False)
    def test_kept_deleted_datasets_only_with_include_deleted(self, clean_db, clean_index):
        sysadmin = factories.Sysadmin()
        dataset = factories.Dataset(
            name="borrado", title="Dataset borrado", owner_org=factories.Organization()["id"]
        )
        call_action("package_delete", context={"user": sysadmin["name"]}, id=dataset["id"])
        assert search(q="borrado")["count"] == 0
        deleted = call_action(
            "package_search", context={"user": sysadmin["name"]}, q="borrado", include_deleted=True
        )
        assert names(deleted) == ["borrado"]


@pytest.mark.usefixtures("with_plugins")
class TestErrors:
    def test_bad_syntax_is_a_search_query_error(self, territory):
        with pytest.raises(SearchQueryError, match="Consulta no válida"):
            search(q="title:(aire")

    def test_api_answers_400_with_the_reason(self, territory, app):
        response = app.get("/api/3/action/package_search", query_string={"q": "aire~2"})
        body = response.get_json()
        assert response.status_code == 400
        assert body["success"] is False
        assert "difusa" in body["error"]["message"]

    def test_failed_update_leaves_the_index_untouched(self, territory):
        sysadmin = factories.Sysadmin()
        with pytest.raises(logic.ValidationError):
            call_action(
                "package_update",
                context={"user": sysadmin["name"]},
                id=territory["aire"]["id"],
                name="aire-temuco",
                title="Título nuevo",
                owner_org="organizacion-que-no-existe",
            )
        assert names(search(q="contaminacion")) == ["aire-temuco"]
        assert search(q="nuevo")["count"] == 0


@pytest.mark.usefixtures("with_plugins")
class TestHostileInput:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        q=st.text(alphabet='aire temuco:*?"()[]+-!~\\/ANDORNOT{}^ñ0', max_size=30),
        fq=st.text(alphabet='tags:aire "[]TO*-+(){}!organization', max_size=30),
    )
    def test_any_query_answers_results_or_a_query_error(self, territory, q, fq):
        try:
            result = search(q=q, fq=fq)
        except (SearchQueryError, logic.ValidationError):
            return
        except SearchError as error:
            # CKAN's own refusal of local params (409); never a failed SQL statement.
            assert "Error del buscador" not in str(error)
            return
        assert 0 <= result["count"] <= 4
