"""Lucene syntax translation: what is refused, and dismax's minimum match."""
from __future__ import annotations

import pytest
from ckan.lib.search.common import SearchQueryError
from hypothesis import given, settings
from hypothesis import strategies as st

from ckanext.territorio.search import lucene
from ckanext.territorio.search.connection import TABLE


@pytest.mark.parametrize(
    "query",
    [
        "title:(aire",
        'notes:"sin cerrar',
        "aire~2",
        '"calidad aire"~3',
        "name:/tem.*/",
        "notes:co*ta",
        "notes:[a TO z]",
        "AND OR",
    ],
)
def test_unsupported_or_broken_syntax_is_a_query_error(query):
    with pytest.raises(SearchQueryError):
        lucene.Translator(TABLE).translate(query)


@pytest.mark.parametrize(
    ("optional", "needed"),
    [(1, 1), (2, 2), (3, 2), (5, 4), (6, 4), (10, 8)],
)
def test_ckan_default_minimum_match(optional, needed):
    assert lucene.min_should_match("2<-1 5<80%", optional) == needed


def test_stop_word_only_query_matches_everything():
    assert lucene.Translator(TABLE).translate("de la").where is None


LUCENE_ALPHABET = 'abcñáé019 :*?"()[]{}+-!^~\\/&|AND OR NOT TO'


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=LUCENE_ALPHABET, max_size=40))
def test_any_query_translates_or_is_a_query_error(query):
    try:
        lucene.Translator(TABLE).translate(query)
    except SearchQueryError:
        pass
