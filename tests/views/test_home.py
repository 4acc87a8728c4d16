"""The home page: the seven dimensions with their counts, and Chile's regions."""
from __future__ import annotations

import pytest
from factories import territorial_schemas
from views_html import soup_of, text_of

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("catalog"),
]


def cards(app) -> dict[str, str]:
    page = soup_of(app.get("/").body)
    return {
        card["data-dimension"]: " ".join(card.get_text(" ").split())
        for card in page.select(".territorio-dimension-card")
    }


def test_home_shows_a_card_per_dimension_with_its_counts(app):
    found = cards(app)

    assert list(found) == [
        "movilidad",
        "seguridad",
        "salud",
        "medio-ambiente",
        "fomento-productivo",
        "planificacion-urbana",
        "gobierno",
    ]
    assert "Movilidad" in found["movilidad"]
    assert "2 conjuntos de datos · 2 iniciativas" in found["movilidad"]
    assert "1 conjunto de datos · 1 iniciativa" in found["medio-ambiente"]
    assert "0 conjuntos de datos · 0 iniciativas" in found["salud"]


def test_dimension_card_has_its_description_leads_and_link(app):
    page = soup_of(app.get("/").body)
    card = page.select_one('.territorio-dimension-card[data-dimension="movilidad"]')

    assert "Desplazamiento de personas y mercancías" in card.get_text()
    assert "Metropolitana de Santiago, La Araucanía" in card.get_text()
    assert card.select_one("a.stretched-link")["href"].endswith("/dimension/movilidad")


def test_home_lists_the_sixteen_regions_north_to_south_with_the_studied_six_highlighted(app):
    page = soup_of(app.get("/").body)
    regions = page.select(".territorio-region-list > li")

    assert len(regions) == 16
    assert regions[0]["data-region"] == "CL-AP"
    assert regions[-1]["data-region"] == "CL-MA"
    studied = {li["data-region"] for li in page.select(".territorio-region-studied")}
    assert studied == {"CL-RM", "CL-AR", "CL-BI", "CL-NB", "CL-AN", "CL-VS"}
    araucania = page.select_one('li[data-region="CL-AR"]').get_text(" ")
    assert "2 conjuntos de datos · 2 iniciativas" in " ".join(araucania.split())
    assert "Región líder en Movilidad" in araucania


def test_home_shows_the_portal_totals_and_national_coverage(app):
    page = text_of(app.get("/").body)

    assert "4 conjuntos de datos" in page
    assert "3 iniciativas" in page
    assert "3 organizaciones publicadoras" in page
    assert "Cobertura nacional: 1 conjunto de datos · 0 iniciativas" in page


def test_header_links_the_territorial_pages(app):
    nav = soup_of(app.get("/").body).select_one(".masthead .navbar-nav")
    links = {a.get_text(strip=True): a["href"] for a in nav.select("a")}

    assert links["Dimensiones"].endswith("/dimension")
    assert links["Regiones"].endswith("/region")
    assert links["Matriz"].endswith("/matriz")
    assert links["Iniciativas"].endswith("/iniciativa/")


def test_home_in_english_translates_texts_and_vocabulary(app):
    page = text_of(app.get("/en/").body)
    card = " ".join(
        soup_of(app.get("/en/").body)
        .select_one('.territorio-dimension-card[data-dimension="movilidad"]')
        .get_text(" ")
        .split()
    )

    assert "The seven dimensions" in page
    assert "Regions of Chile" in page
    assert "Mobility" in card and "2 datasets · 2 initiatives" in card
    assert "Lead region in Mobility" in page


def test_home_charts_the_datasets_of_each_region_with_links(app):
    page = soup_of(app.get("/").body)
    svg = page.select_one('figure.territorio-home-chart svg')

    assert svg.select_one("title").get_text() == "Conjuntos de datos por región"
    assert svg["aria-labelledby"] == "grafico-regiones-inicio-title grafico-regiones-inicio-desc"
    links = svg.select("a")
    assert len(links) == 16
    values = {a.select_one("g")["data-key"]: int(a.select_one("g")["data-value"]) for a in links}
    listed = {
        li["data-region"]: li.select_one(".territorio-count-datasets").get_text(strip=True)
        for li in page.select(".territorio-region-list > li")
    }
    assert list(values) == list(listed)  # north to south, as the list
    assert values["CL-AR"] == 2 and values["CL-RM"] == 1 and values["CL-LR"] == 0
    assert all(listed[iso].startswith(f"{n} ") for iso, n in values.items())
    assert links[0]["href"] == "/region/CL-AP"
    assert "La Araucanía: 2" in svg.select_one("desc").get_text()


def test_home_chart_in_english(app):
    svg = soup_of(app.get("/en/").body).select_one("figure.territorio-home-chart svg")

    assert svg.select_one("title").get_text() == "Datasets by region"
    assert svg.select_one("desc").get_text().startswith("Datasets of each region, north to south: ")
    assert svg.select_one("a")["href"] == "/en/region/CL-AP"
