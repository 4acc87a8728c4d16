"""Hostile package_search input: capped, validated and refused in Spanish, never a 500 nor a
database error text, and a statement timeout on the search SQL."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.lib.search.common import SearchQueryError
from ckan.logic import ValidationError
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.territorio.search import datemath, limits, lucene
from ckanext.territorio.search.execution import Budget

STOCK_SCHEMA = "ckanext.scheming:ckan_dataset.yaml"
pytestmark = [
    pytest.mark.ckan_config("scheming.dataset_schemas", STOCK_SCHEMA),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]
API = "/api/3/action/package_search"
DATABASE_TEXT = ("LINE", "territorio_search_doc", "psycopg2", "Traceback", "SELECT")


@pytest.fixture
def dataset():
    return factories.Dataset(name="aire-temuco", title="Contaminación atmosférica en Temuco",
                             tags=[{"name": "aire"}])


def search(**params):
    return call_action("package_search", **params)


def refused(app, params: dict, status: int) -> str:
    response = app.get(API, query_string=params)
    body = response.get_json()
    assert response.status_code == status, body
    assert body["success"] is False
    text = str(body["error"])
    for leak in DATABASE_TEXT:
        assert leak not in text, text
    return text


class TestCaps:
    def test_four_thousand_words_are_refused_before_any_sql(self, dataset):
        with pytest.raises(SearchQueryError, match="caracteres; el máximo es 2000"):
            search(q=" ".join(f"palabra{i}" for i in range(4000)))

    def test_more_terms_than_the_cap_are_refused(self, dataset):
        with pytest.raises(SearchQueryError, match="65 términos; el máximo es 64"):
            search(q=" ".join(f"p{i}" for i in range(65)))

    def test_terms_at_the_cap_are_answered(self, dataset):
        assert search(q=" OR ".join(["aire"] * 64))["count"] == 1

    def test_phrase_words_count_as_terms(self, dataset):
        with pytest.raises(SearchQueryError, match="términos"):
            search(q='"' + " ".join(["aire"] * 70) + '"')

    def test_user_fq_is_capped_too(self, dataset):
        with pytest.raises(SearchQueryError, match="'fq'"):
            search(fq=" ".join(f"tags:t{i}" for i in range(65)))

    @pytest.mark.ckan_config("ckanext.territorio.search.max_query_terms", 3)
    def test_the_cap_is_configurable(self, dataset):
        with pytest.raises(SearchQueryError, match="el máximo es 3"):
            search(q="a b c d")

    def test_a_thousand_nested_parentheses_are_refused(self, dataset):
        with pytest.raises(SearchQueryError, match="anida"):
            search(q="(" * 900 + "aire" + ")" * 900)

    def test_five_hundred_nots_are_refused(self, dataset):
        with pytest.raises(SearchQueryError):
            search(q="NOT " * 500 + "aire")

    def test_nesting_is_measured_without_recursion(self):
        terms, depth = limits.measure(lucene.parse("NOT " * 400 + "aire"))
        assert (terms, depth) == (1, 400)


class TestBadInput:
    @pytest.mark.parametrize("q", [
        "metadata_modified:[NOW-99999YEARS TO NOW]",
        "metadata_modified:[NOW+1e21DAYS TO NOW]",
        "metadata_modified:[NOW-99999999999999999999DAYS TO NOW]",
    ])
    def test_date_math_overflow_is_a_query_error(self, dataset, q):
        with pytest.raises(SearchQueryError, match="[Ff]echa"):
            search(q=q)

    def test_date_math_takes_only_leading_digits(self):
        with pytest.raises(SearchQueryError, match="Aritmética"):
            datemath.parse("NOW+1e21DAYS")

    @pytest.mark.parametrize("mm", ["x", "2<", "<3", "150%", "1<2<3"])
    def test_bad_mm_is_a_validation_error(self, dataset, mm):
        with pytest.raises(ValidationError) as error:
            search(q="aire temuco", defType="dismax", mm=mm)
        assert "mm" in error.value.error_dict

    @pytest.mark.parametrize("name", ["q", "fq", "sort", "qf"])
    @pytest.mark.parametrize("value", ["tags:a\x00b", "aire\udc80"])
    def test_nul_and_lone_surrogates_are_query_errors(self, dataset, name, value):
        with pytest.raises(SearchQueryError, match=f"'{name}'"):
            search(**{name: value})

    def test_nul_in_facet_field_is_a_query_error(self, dataset):
        with pytest.raises(SearchQueryError, match="facet.field"):
            search(**{"facet.field": ["tags\x00"]})

    @pytest.mark.parametrize(("name", "value"), [
        ("start", ""), ("rows", ""), ("rows", "diez"), ("start", -1), ("start", 10**30),
        ("include_private", "maybe"), ("include_drafts", [1]), ("facet.limit", "x"),
        ("facet.mincount", "-3"), ("facet.field", "tags"), ("facet.field", {"a": 1}),
        ("q", ["a", "b"]), ("fq", {"x": 1}), ("defType", "knn"), ("ext_bbox", "1,2,3"),
        ("fl", [{"x": 1}]), ("fl", 1), ("fl", ["id", 2]), ("sort", ["name asc"]),
    ])
    def test_malformed_parameters_are_validation_errors_on_their_field(self, dataset, name, value):
        with pytest.raises(ValidationError) as error:
            search(**{name: value})
        assert name in error.value.error_dict

    def test_valid_parameters_still_search(self, dataset):
        result = search(q="aire", rows="5", start="0", include_private="true",
                        **{"facet.field": '["tags"]', "facet.limit": "-1", "facet.mincount": 1})
        assert [d["name"] for d in result["results"]] == ["aire-temuco"]
        assert result["facets"]["tags"] == {"aire": 1}


class TestStatementTimeout:
    @pytest.mark.ckan_config("ckanext.territorio.search.statement_timeout", 1)
    def test_expiry_is_a_spanish_query_error(self, dataset, monkeypatch):
        slow = sa.select(sa.func.pg_sleep(0.2))
        original = Budget.execute

        def sleepy(self, statement, *parameters):
            original(self, slow)
            return original(self, statement, *parameters)

        monkeypatch.setattr(Budget, "execute", sleepy)
        with pytest.raises(SearchQueryError, match="tiempo máximo"):
            search(q="aire")

    def test_timeout_is_set_for_the_search_and_put_back(self, dataset):
        before = model.Session.execute(sa.text("SHOW statement_timeout")).scalar()
        budget = Budget(1234)
        seen = budget.execute(sa.text("SHOW statement_timeout")).scalar()
        budget.put_back()
        assert seen == "1234ms"
        assert model.Session.execute(sa.text("SHOW statement_timeout")).scalar() == before


class TestHttp:
    @pytest.mark.parametrize("params", [
        {"q": "tags:a\x00b"},
        {"q": "metadata_modified:[NOW-99999YEARS TO NOW]"},
        {"q": "(" * 1000 + "a" + ")" * 1000},
        {"q": "NOT " * 500 + "a"},
        {"q": " ".join(["palabra"] * 4000)},
        {"fq": "tags:a\x00b"},
        {"sort": "name\x00 asc"},
    ])
    def test_hostile_queries_answer_400_in_spanish(self, app, dataset, params):
        text = refused(app, params, 400)
        assert any(word in text for word in ("consulta", "parámetro", "Fecha", "fecha", "carácter"))

    @pytest.mark.parametrize("params", [
        {"start": ""}, {"rows": ""}, {"include_private": "maybe"}, {"facet.limit": "x"},
        {"defType": "dismax", "mm": "x"}, {"facet.field": "tags"},
    ])
    def test_malformed_parameters_answer_409_with_the_field(self, app, dataset, params):
        text = refused(app, params, 409)
        assert any(name in text for name in params)
        assert "Debe" in text or "mm" in text

    def test_lone_surrogate_in_json_answers_400(self, app, dataset):
        response = app.post(API, data='{"q": "aire\\udc80"}', content_type="application/json")
        assert response.status_code == 400
        assert "sustitutos sueltos" in response.get_json()["error"]["message"]

    @pytest.mark.ckan_config("ckan.plugins", "territorio_search")
    def test_dataset_page_answers_400_on_a_nul(self, app, dataset):
        response = app.get("/dataset/", query_string={"q": "tags:a\x00b"})
        assert response.status_code == 400
        assert "LINE" not in response.get_data(as_text=True)


@pytest.mark.ckan_config("ckan.search.solr_allowed_query_parsers", "bool")
class TestLocalParameters:
    def test_bool_clauses_count_against_the_cap(self, dataset):
        clauses = " ".join(f"should=p{i}" for i in range(65))
        with pytest.raises(SearchQueryError, match="65 términos"):
            search(q="{!bool " + clauses + "}")

    def test_bool_within_the_cap_is_answered(self, dataset):
        assert search(q="{!bool must=aire should=temuco}")["count"] == 1
