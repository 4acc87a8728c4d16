"""Facet counts from the numbered ``facet_ids`` stay exact as datasets change.

Each test computes what the counts must be from the datasets themselves (what
``package_show`` says) and compares with what ``package_search`` answers, after
creating, editing, deleting and making private; and the numbered count is
compared with the jsonb count it replaces, row for row.
"""
from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.territorio.search import facets, params
from ckanext.territorio.search.model import SearchDoc

STOCK_SCHEMA = "ckanext.scheming:ckan_dataset.yaml"
pytestmark = pytest.mark.ckan_config("scheming.dataset_schemas", STOCK_SCHEMA)
FACETS = ["organization", "tags", "res_format", "license_id"]
TABLE = SearchDoc.__table__


def searched(user: str | None = None, **params_: object) -> dict:
    context = {"user": user or "", "ignore_auth": False}
    return call_action(
        "package_search", context=context, **{"facet.field": FACETS, "rows": 1000, **params_}
    )


def answered(result: dict) -> dict[str, dict[str, int]]:
    return {field: dict(result["facets"].get(field, {})) for field in FACETS}


def expected(datasets: list[dict]) -> dict[str, dict[str, int]]:
    """Counts as Solr gives them: each dataset once per value of each field."""
    counts: dict[str, Counter] = {field: Counter() for field in FACETS}
    for d in datasets:
        counts["organization"].update({d["organization"]["name"]} if d.get("organization") else set())
        counts["tags"].update({t["name"] for t in d["tags"]})
        counts["res_format"].update({r["format"] for r in d["resources"] if r.get("format")})
        counts["license_id"].update({d["license_id"]} if d.get("license_id") else set())
    return {field: dict(c) for field, c in counts.items()}


@pytest.fixture
def portal(clean_db, clean_index):
    temuco = factories.Organization(name="muni-temuco", title="Municipalidad de Temuco")
    santiago = factories.Organization(name="muni-santiago", title="Municipalidad de Santiago")
    member = factories.User(name="editora-temuco")
    admin = factories.Sysadmin(name="administradora")
    call_action("organization_member_create", id=temuco["id"], username=member["name"], role="editor")
    shapes = [
        (temuco, ["aire", "salud"], ["CSV"], "cc-by"),
        (temuco, ["aire", "movilidad"], ["CSV", "JSON"], "cc-by"),
        (santiago, ["movilidad", "bicicletas"], ["GeoJSON", "CSV"], "odc-by"),
        (santiago, ["residuos"], ["PDF"], "cc-zero"),
        (temuco, ["salud"], ["XLSX"], "cc-by"),
    ]
    created = [
        factories.Dataset(
            name=f"conjunto-{i}", title=f"Conjunto {i} de datos", owner_org=org["id"],
            tags=[{"name": t} for t in tags], license_id=licence,
            resources=[{"url": f"http://example.org/{i}/{n}", "format": f} for n, f in enumerate(formats)],
        )
        for i, (org, tags, formats, licence) in enumerate(shapes)
    ]
    return {"temuco": temuco, "santiago": santiago, "member": member, "admin": admin, "datasets": created}


def as_admin(portal: dict) -> dict:
    return {"user": portal["admin"]["name"]}


def shown(names: list[str]) -> list[dict]:
    return [call_action("package_show", id=n) for n in names]


@pytest.mark.usefixtures("with_plugins")
class TestFacetCountsStayExact:
    def test_counts_match_the_datasets_after_create(self, portal):
        result = searched()
        assert result["count"] == 5
        assert answered(result) == expected(shown([d["name"] for d in portal["datasets"]]))

    def test_new_values_are_counted_after_update(self, portal):
        call_action("package_patch", context=as_admin(portal), id="conjunto-0", tags=[{"name": "agua"}, {"name": "salud"}],
                    license_id="odc-odbl")
        result = searched()
        assert result["facets"]["tags"]["agua"] == 1
        assert result["facets"]["tags"]["aire"] == 1
        assert result["facets"]["license_id"]["odc-odbl"] == 1
        assert answered(result) == expected(shown([d["name"] for d in portal["datasets"]]))

    def test_deleted_dataset_leaves_the_counts(self, portal):
        call_action("package_delete", context=as_admin(portal), id="conjunto-3")
        result = searched()
        assert result["count"] == 4
        assert "residuos" not in result["facets"]["tags"]
        assert "PDF" not in result["facets"]["res_format"]
        assert answered(result) == expected(shown(["conjunto-0", "conjunto-1", "conjunto-2", "conjunto-4"]))

    def test_private_dataset_counts_only_for_who_may_see_it(self, portal):
        call_action("package_patch", context=as_admin(portal), id="conjunto-1", private=True)
        anonymous = searched()
        assert anonymous["count"] == 4
        assert anonymous["facets"]["tags"]["aire"] == 1
        assert answered(anonymous) == expected(shown(["conjunto-0", "conjunto-2", "conjunto-3", "conjunto-4"]))
        editor = searched(user=portal["member"]["name"], include_private=True)
        assert editor["count"] == 5
        assert editor["facets"]["tags"]["aire"] == 2
        assert answered(editor) == expected(shown([d["name"] for d in portal["datasets"]]))

    def test_counts_follow_the_query_and_filters(self, portal):
        result = searched(q="tags:movilidad", fq="res_format:CSV")
        assert result["count"] == 2
        assert answered(result) == expected(shown(["conjunto-1", "conjunto-2"]))

    def test_every_document_carries_the_hit_number_first(self, portal):
        rows = model.Session.execute(sa.select(TABLE.c.facet_ids)).scalars().all()
        assert len(rows) == 5
        assert all(ids[0] == facets.HIT and ids == sorted(set(ids)) for ids in rows)


@pytest.mark.usefixtures("with_plugins")
class TestNumberedEqualsJsonb:
    @pytest.mark.parametrize("sort", ["count", "index"])
    def test_same_rows_for_every_limit_and_sort(self, portal, sort):
        for limit, mincount in ((50, 1), (2, 1), (1, 2)):
            requests = [params.FacetRequest(f, limit, mincount, sort) for f in FACETS]
            where = TABLE.c.state == "active"
            numbered = model.Session.execute(facets.summary(requests, where)).all()
            from_jsonb = model.Session.execute(facets._from_jsonb(requests, where)).all()
            assert [tuple(r) for r in numbered[1:]] == [tuple(r) for r in from_jsonb[1:]]
            assert tuple(numbered[0]) == (facets.HITS, None, 5)

    def test_unnumbered_field_is_counted_from_jsonb(self, portal):
        result = call_action("package_search", **{"facet.field": ["num_resources", "tags"]})
        assert result["facets"]["num_resources"] == {"1": 3, "2": 2}
        assert result["facets"]["tags"]["movilidad"] == 2


@pytest.mark.usefixtures("with_plugins")
class TestCountingQueryText:
    def test_quotes_and_backslashes_in_the_query_are_values_not_sql(self, portal):
        result = searched(q="o'higgins\\' ; DROP TABLE territorio_search_doc")
        assert result["count"] == 0
        assert all(result["facets"][f] == {} for f in FACETS)
        assert searched()["count"] == 5

    def test_quoted_filter_value_counts_like_the_plain_one(self, portal):
        plain = searched(fq="organization:muni-temuco")
        quoted = searched(fq='organization:"muni-temuco"')
        assert plain["count"] == quoted["count"] == 3
        assert answered(plain) == answered(quoted) == expected(shown(["conjunto-0", "conjunto-1", "conjunto-4"]))

    def test_searches_of_one_shape_are_counted_by_ts_stat_with_their_own_values(self, portal):
        # The ts_stat statement is compiled once per shape: the second search must
        # count with its own values, and neither may fall back to unnest.
        for organization, hits, tags in (
            ("muni-temuco", 3, {"aire": 2, "salud": 2, "movilidad": 1}),
            ("muni-santiago", 2, {"movilidad": 1, "bicicletas": 1, "residuos": 1}),
        ):
            where = TABLE.c.organization == organization
            statement = facets.summary([params.FacetRequest("tags", 50, 1, "count")], where)
            assert "ts_stat" in str(statement)
            rows = [tuple(r) for r in model.Session.execute(statement)]
            assert rows[0] == (facets.HITS, None, hits)
            assert {value: n for _, value, n in rows[1:]} == tags
