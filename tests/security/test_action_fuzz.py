"""Property-based fuzz of the API: any value of any parameter of our actions gets an answer or a 4xx-kind error (ValidationError, not found, not
authorized, bad query), never an exception that CKAN turns into a 500."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
import pytest
from ckan.lib.search.common import SearchError, SearchQueryError
from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action
from factories import territorial_schemas
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = [
    *territorial_schemas,
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

# the errors the API answers with 400/403/404/409
CLIENT_ERRORS = (tk.ValidationError, tk.ObjectNotFound, tk.NotAuthorized, SearchQueryError, SearchError)

PARAMETERS = {
    "territorio_framework_show": ("region", "dimension", "include_comunas"),
    "territorio_validation_show": ("resource_id", "package_id"),
    "territorio_validation_accept": ("resource_id", "note"),
    "territorio_validation_run": ("resource_id",),
    "territorio_quality_show": ("id",),
    "territorio_quality_summary": (
        "group_by", "region", "comuna", "dimension", "organization", "rating",
        "include_private", "worst",
    ),
    "territorio_quality_trend": ("organization", "region"),
    "territorio_auditor_update": ("user", "auditor"),
}

# text with every code point class, NUL and lone surrogates included
any_text = st.text(st.characters(min_codepoint=0, blacklist_categories=()), max_size=30)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    any_text,
    st.sampled_from(["CL-AR", "09101", "movilidad", "region", "x", "", "-1", "1e400", "true"]),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(any_text, scalars, max_size=2))


def call(action: str, data_dict: dict[str, Any], user: str) -> None:
    try:
        call_action(action, context={"user": user, "ignore_auth": False}, **data_dict)
    except CLIENT_ERRORS:
        pass


@pytest.fixture(scope="module")
def sysadmin() -> str:
    return ckan_factories.Sysadmin()["name"]


@pytest.mark.parametrize("action", sorted(PARAMETERS))
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_our_actions_answer_any_parameter_without_a_server_error(action: str, data: st.DataObject):
    user = ckan_factories.Sysadmin()["name"] if data.draw(st.booleans()) else ""
    names = data.draw(st.lists(st.sampled_from(PARAMETERS[action]), unique=True, max_size=4))
    call(action, {name: data.draw(values, label=name) for name in names}, user)



SEARCH_PARAMETERS = (
    "q", "fq", "sort", "rows", "start", "facet", "facet.field", "facet.limit", "facet.mincount",
    "include_private", "include_drafts", "ext_bbox", "defType", "mm", "qf", "fl",
)
query_text = st.one_of(
    any_text,
    st.sampled_from([
        "(((", "tags:a\x00b", "metadata_modified:[NOW-99999YEARS TO NOW]", "NOW+1e21DAYS",
        "metadata_modified:[NOW+1e21DAYS TO NOW]", "title:" + "(" * 300, "(" * 900 + "a" + ")" * 900,
        "NOT " * 200 + "a", "NOT " * 500 + "a", "*:*", "name:temuco*", "a~2", "{!bool must=x}",
        "aire\udc80", "2<-1 5<80%", "150%", "x<y", "dismax", "edismax", "knn", "", "-1,-2,3,4",
        "name asc", "score desc, metadata_modified desc", '["tags", "res_format"]', "[1, 2]",
        " ".join(["palabra"] * 70), "99999999999999999999", "-1", "1e400", "maybe",
    ]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_package_search_answers_any_parameter_without_a_server_error(data: st.DataObject):
    names = data.draw(st.lists(st.sampled_from(SEARCH_PARAMETERS), unique=True, max_size=4))
    data_dict = {name: data.draw(st.one_of(query_text, values), label=name) for name in names}
    call("package_search", data_dict, "")
