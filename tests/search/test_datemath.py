"""Solr date math used in fq ranges."""
from __future__ import annotations

import datetime

import pytest
from ckan.lib.search.common import SearchQueryError

from ckanext.territorio.search import datemath

NOW = datetime.datetime(2026, 11, 24, 15, 30, 45, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("NOW", NOW),
        ("NOW-1DAY", NOW - datetime.timedelta(days=1)),
        ("NOW/DAY", datetime.datetime(2026, 11, 24, tzinfo=datetime.UTC)),
        ("NOW-1MONTH/DAY", datetime.datetime(2026, 10, 24, tzinfo=datetime.UTC)),
        ("2024-02-29T10:00:00Z", datetime.datetime(2024, 2, 29, 10, tzinfo=datetime.UTC)),
        ("2024-01-31T00:00:00Z+1MONTH", datetime.datetime(2024, 2, 29, tzinfo=datetime.UTC)),
        ("2024-05-01", datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)),
    ],
)
def test_expressions(expression, expected):
    assert datemath.parse(expression, now=NOW) == expected


@pytest.mark.parametrize("expression", ["ayer", "NOW-1FORTNIGHT", "NOW/WEEKS", "2024-13-01T00:00:00Z"])
def test_invalid_expressions_are_query_errors(expression):
    with pytest.raises(SearchQueryError):
        datemath.parse(expression, now=NOW)
