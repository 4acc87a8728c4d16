"""/dimension/<slug>: description, lead regions, sub-dimensions, datasets and initiatives."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import ckan.plugins.toolkit as tk
import pytest
from factories import territorial_schemas
from views_html import page_heading, soup_of, text_of

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("catalog"),
]


def page_of(app, slug: str = "movilidad") -> str:
    return app.get(tk.url_for("territorio_dimension.read", slug=slug)).body


def test_dimension_page_shows_its_name_description_and_counts(app):
    html = page_of(app)
    page = text_of(html)

    assert page_heading(soup_of(html)) == "Movilidad"
    assert "Desplazamiento de personas y mercancías" in page
    assert "2 conjuntos de datos · 2 iniciativas" in page


def test_dimension_page_names_the_regions_that_lead_it(app):
    page = text_of(page_of(app))

    assert "Región Metropolitana de Santiago" in page
    assert "Región líder en Movilidad: movilidad sostenible, transporte público integrado" in page
    assert "Región de La Araucanía · Región líder en Movilidad" in page


def test_dimension_page_counts_each_subdimension(app):
    nav = soup_of(page_of(app)).select(".territorio-count-nav")[0]
    counts = {
        li.select_one(".item-label").get_text(strip=True): [
            b.get_text(strip=True) for b in li.select(".badge")
        ]
        for li in nav.select("li")
    }

    assert counts["Congestión vehicular"] == ["1", "1"]
    assert counts["Transporte público integrado"] == ["1", "0"]
    assert counts["Bicicletas y ciclovías"] == ["0", "1"]
    assert counts["Estacionamiento"] == ["0", "0"]
    assert len(counts) == 10


def test_dimension_page_lists_latest_datasets_and_links_the_filtered_search(app):
    html = page_of(app)
    page = soup_of(html)

    titles = [a.get_text(strip=True) for a in page.select(".dataset-list .dataset-heading a")]
    assert sorted(titles) == ["Flujos de tránsito en Temuco", "Frecuencia de buses en Santiago"]
    more = page.find("a", string=lambda s: s and "Ver los 2 conjuntos de datos de Movilidad" in s)
    query = parse_qs(urlparse(more["href"]).query)
    assert urlparse(more["href"]).path == "/dataset/" and query == {"dimension": ["movilidad"]}


def test_dimension_page_lists_its_initiatives_with_status_and_place(app):
    items = [
        " ".join(li.get_text(" ").split())
        for li in soup_of(page_of(app)).select(".territorio-initiative")
    ]

    assert len(items) == 2
    assert any(
        "Sensorización del tránsito en el centro de Temuco Piloto" in i and "Temuco, La Araucanía" in i
        for i in items
    )
    assert any("Bicicletas compartidas En operación" in i for i in items)


def test_dimension_without_data_says_so(app):
    page = text_of(page_of(app, "salud"))

    assert "0 conjuntos de datos · 0 iniciativas" in page
    assert "Todavía no hay conjuntos de datos publicados en esta dimensión." in page
    assert "Región de Ñuble" in page and "cobertura de especialistas" in page


def test_dimension_index_lists_the_seven(app):
    page = soup_of(app.get(tk.url_for("territorio_dimension.index")).body)

    assert len(page.select(".territorio-dimension-card")) == 7
    assert page_heading(page) == "Las siete dimensiones del plan"


@pytest.mark.parametrize("slug", ["inexistente", "habilitantes", "calidad-del-aire"])
def test_unknown_dimension_is_a_spanish_404(app, slug):
    response = app.get(f"/dimension/{slug}", status=404)
    page = text_of(response.body)

    assert "Página no encontrada" in page
    assert f"No existe la dimensión «{slug}»." in page
    assert "Las siete dimensiones del plan" in page
