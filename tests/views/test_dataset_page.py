"""The dataset and initiative pages open with their dimensions and territory by name."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from factories import territorial_schemas
from views_html import soup_of

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("catalog"),
]


def territory(app, route: str, name: str) -> dict[str, list[tuple[str, str]]]:
    block = soup_of(app.get(tk.url_for(route, id=name)).body).select_one(
        ".territorio-dataset-territory"
    )
    terms = [dt.get_text(strip=True) for dt in block.select("dt")]
    values = [
        [(a.get_text(" ", strip=True), a["href"]) for a in dd.select("a")] or [(dd.get_text(strip=True), "")]
        for dd in block.select("dd")
    ]
    return dict(zip(terms, values, strict=True))


def test_dataset_page_links_dimension_and_region_pages_by_name(app):
    found = territory(app, "dataset.read", "flujos-transito-temuco")

    assert found["Dimensión"] == [("Movilidad", "/dimension/movilidad")]
    assert found["Subdimensión"] == [("Congestión vehicular", "")]
    assert found["Región"] == [("La Araucanía", "/region/CL-AR")]
    assert found["Comuna"] == [("Temuco", "/dataset/?comuna=09101")]


def test_national_dataset_shows_national_coverage(app):
    found = territory(app, "dataset.read", "transparencia-nacional")

    assert found["Región"] == [("Chile (cobertura nacional)", "/dataset/?region=CL")]
    assert "Comuna" not in found


def test_initiative_page_shows_its_territory_too(app):
    found = territory(app, "iniciativa.read", "rm-bicicletas-compartidas")

    assert found["Dimensión"] == [("Movilidad", "/dimension/movilidad")]
    assert found["Región"] == [("Metropolitana de Santiago", "/region/CL-RM")]
