"""Bounded spatial extents: malformed, huge, deeply nested or vertex-heavy GeoJSON gets a
Spanish 409 on the ``spatial`` field, never a 500 nor a 25-second save."""
from __future__ import annotations

import json
import math

import pytest
from ckan.logic import ValidationError
from factories import TerritorialDataset, territorial_schemas

from ckanext.territorio.logic.validators.values import MAX_GEOJSON_BYTES, MAX_VERTICES, _depth

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_queues"),
]


def ring(points: int) -> list[list[float]]:
    """A closed circle around Temuco with this many vertices."""
    coords = [
        [-72.6 + 0.1 * math.cos(2 * math.pi * i / points), -38.7 + 0.1 * math.sin(2 * math.pi * i / points)]
        for i in range(points)
    ]
    return [*coords, coords[0]]


def refused(spatial: object) -> str:
    with pytest.raises(ValidationError) as error:
        TerritorialDataset(spatial=spatial)
    return " ".join(error.value.error_dict["spatial"])


@pytest.mark.parametrize(
    "spatial",
    [
        {"type": "Point", "coordinates": "abc"},
        {"type": "Point", "coordinates": 5},
        {"type": "Polygon", "coordinates": {}},
        {"type": "Polygon"},
        '{"type": "Point", "coordinates": [1, 2]',
        "[" * 3000 + "]" * 3000,
        {"type": "GeometryCollection", "geometries": [{"type": "GeometryCollection", "geometries": []}] * 2},
    ],
)
def test_malformed_geometries_are_refused_with_a_reason(spatial: object):
    assert "GeoJSON" in refused(spatial)


def test_deep_nesting_is_refused_before_parsing():
    deep = '{"type": "Point", "coordinates": ' + "[" * 3000 + "]" * 3000 + "}"

    assert "anidamiento" in refused(deep)


def test_a_geometry_over_the_size_cap_is_refused_naming_the_cap():
    big = json.dumps({"type": "Polygon", "coordinates": [ring(60_000)]})
    assert len(big) > MAX_GEOJSON_BYTES

    assert f"máximo {MAX_GEOJSON_BYTES // 1000} kB" in refused(big)


def test_a_geometry_with_too_many_vertices_is_refused():
    heavy = {"type": "Polygon", "coordinates": [ring(MAX_VERTICES + 10)]}
    assert len(json.dumps(heavy)) < MAX_GEOJSON_BYTES

    assert f"máximo {MAX_VERTICES}" in refused(heavy)


def test_a_detailed_outline_within_the_caps_is_kept():
    outline = {"type": "Polygon", "coordinates": [ring(5_000)]}

    dataset = TerritorialDataset(spatial=outline)

    assert len(json.loads(dataset["spatial"])["coordinates"][0]) == 5_001


def test_nesting_depth_skips_brackets_inside_strings():
    assert _depth('{"a": "[[[[\\"]]]]", "b": [[1]]}') == 3
