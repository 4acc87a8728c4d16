"""The order of the region facet in package_search, as CKAN with Solr gives it.

``facets`` (the engine's counts) comes count-ordered, ties by value, as Solr's
``facet.sort=count``; ``search_facets`` items are then put in CKAN core's own order
(``package_search`` sorts them by ``display_name``, descending, after every
``after_dataset_search``), so with our vocabulary names they are not in count order there:
clients and the search page order them by count themselves, as with Solr.
"""
from __future__ import annotations

import json

import pytest
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas

pytestmark = [*territorial_schemas, pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]


@pytest.fixture
def regions(with_plugins, clean_db, clean_index):
    for region, count in (("CL-AR", 1), ("CL-VS", 2), ("CL-BI", 3), ("CL-RM", 2)):
        for _ in range(count):
            TerritorialDataset(region=[region], comuna=[])


@pytest.mark.usefixtures("regions")
def test_region_counts_come_count_ordered_ties_by_value():
    result = call_action("package_search", **{"facet.field": json.dumps(["region"])})

    assert list(result["facets"]["region"].items()) == [
        ("CL-BI", 3),
        ("CL-RM", 2),
        ("CL-VS", 2),
        ("CL-AR", 1),
    ]


@pytest.mark.usefixtures("regions")
def test_region_items_carry_names_and_counts_in_ckan_cores_order():
    result = call_action("package_search", **{"facet.field": json.dumps(["region"])})

    items = [(i["name"], i["display_name"], i["count"]) for i in result["search_facets"]["region"]["items"]]
    assert items == [
        ("CL-VS", "Valparaíso", 2),
        ("CL-RM", "Metropolitana de Santiago", 2),
        ("CL-AR", "La Araucanía", 1),
        ("CL-BI", "Biobío", 3),
    ]
