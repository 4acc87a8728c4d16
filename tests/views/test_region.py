"""/region/<iso>: lead assignment, counts by dimension, comunas, datasets, initiatives, orgs."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from factories import territorial_schemas
from views_html import page_heading, soup_of, text_of

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("catalog"),
]


def page_of(app, iso: str = "CL-AR") -> str:
    return app.get(tk.url_for("territorio_region.read", iso=iso)).body


def test_region_page_shows_its_name_capital_and_counts(app):
    html = page_of(app)
    page = text_of(html)

    assert page_heading(soup_of(html)) == "Región de La Araucanía"
    assert "Región IX" in page and "Capital: Temuco" in page
    assert "2 conjuntos de datos · 2 iniciativas" in page


def test_region_page_states_the_plans_lead_assignment(app):
    page = text_of(page_of(app))

    assert "Región líder en Movilidad" in page
    assert "grado de avance de sus proyectos de movilidad" in page


def test_region_without_assignment_says_so(app):
    page = text_of(page_of(app, "CL-LR"))

    assert "Región de Los Ríos" in page
    assert "El plan aún no asigna a esta región el liderazgo de una dimensión" in page


def test_region_page_lists_all_its_comunas_with_counts_where_there_are_any(app):
    page = soup_of(page_of(app))
    comunas = page.select(".territorio-comuna")

    assert len(comunas) == 32
    active = {
        li["data-cut"]: [b.get_text(strip=True) for b in li.select(".badge")]
        for li in page.select(".territorio-comuna-active")
    }
    assert active == {"09101": ["2", "1"]}
    assert "32 comunas, 1 con datos o iniciativas." in text_of(str(page))
    assert "Provincia de Malleco" in text_of(str(page))


def test_region_page_lists_datasets_initiatives_and_organizations(app):
    page = soup_of(page_of(app))

    datasets = {a.get_text(strip=True) for a in page.select(".dataset-list .dataset-heading a")}
    assert datasets == {"Calidad del aire en Temuco", "Flujos de tránsito en Temuco"}
    initiatives = {a.get_text(strip=True) for a in page.select(".territorio-initiative-title a")}
    assert initiatives == {
        "Sensorización del tránsito en el centro de Temuco",
        "Sensores de medición ambiental",
    }
    orgs = {
        li.select_one(".item-label").get_text(strip=True): [
            b.get_text(strip=True) for b in li.select(".badge")
        ]
        for li in page.select(".territorio-organizations li")
    }
    assert orgs == {
        "Gobierno Regional de La Araucanía": ["0", "2"],
        "Municipalidad de Temuco": ["2", "0"],
    }


def test_region_page_counts_each_dimension(app):
    nav = soup_of(page_of(app)).select(".territorio-count-nav")[0]
    counts = {
        li.select_one(".item-label").get_text(strip=True): [
            b.get_text(strip=True) for b in li.select(".badge")
        ]
        for li in nav.select("li")
    }

    assert counts["Movilidad"] == ["1", "1"]
    assert counts["Medio Ambiente"] == ["1", "1"]
    assert counts["Gobierno"] == ["0", "0"]


@pytest.mark.parametrize("alias", ["cl-ar", "IX", "09"])
def test_other_region_codes_redirect_to_the_iso_address(app, alias):
    response = app.get(f"/region/{alias}", follow_redirects=False)

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/region/CL-AR")


def test_region_index_lists_the_sixteen(app):
    page = soup_of(app.get(tk.url_for("territorio_region.index")).body)

    assert len(page.select(".territorio-region-list > li")) == 16


@pytest.mark.parametrize("code", ["CL-XX", "CL", "99"])
def test_unknown_region_is_a_spanish_404(app, code):
    page = text_of(app.get(f"/region/{code}", status=404).body)

    assert "Página no encontrada" in page
    assert f"No existe la región «{code}»." in page
