"""/plan, and the plan's evidence on region, dimension and matrix pages: what a reader sees."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from factories import territorial_schemas
from views_html import soup_of

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]


def page(app, url: str):
    response = app.get(url)
    assert response.status_code == 200, url
    return soup_of(response.body)


def test_plan_page_objectives_are_not_the_dimensions(app):
    soup = page(app, "/plan")
    objectives = [li.get_text(strip=True) for li in soup.select(".territorio-plan-objectives li")]
    assert objectives == ["Calidad de vida", "Sostenibilidad medioambiental", "Desarrollo económico"]
    dimensions = [li["data-dimension"] for li in soup.select(".territorio-plan-dimensions li")]
    assert len(dimensions) == 7
    bio_bio = soup.select_one('.territorio-plan-dimensions li[data-dimension="medio-ambiente"]')
    assert "Biobío" in bio_bio.get_text() and "(" not in bio_bio.get_text()  # the whole dimension


def test_plan_page_priorities_chart_and_quotes(app):
    soup = page(app, "/plan")
    chart = soup.select_one("#territorio-prioridades-actores")
    assert chart.name == "svg" and chart.select_one("title").get_text()
    # seven rows by four actors
    assert len(chart.select("g.territorio-rank-cell")) == 28
    ranks = [t.get_text() for t in chart.select("g.territorio-rank-cell text")]
    assert ranks.count("1") == 4 and "7" in ranks and "★" in ranks
    assert "penúltimo lugar de priorización local" in soup.select_one(".territorio-chart-data").get_text()


def test_plan_page_strategy_options_and_recommendations(app):
    soup = page(app, "/plan")
    options = soup.select(".territorio-plan-option")
    assert [o["data-option"] for o in options] == ["transversal", "intermedia", "local"]
    assert "territorio-plan-option-chosen" in options[1]["class"]
    recommendations = soup.select(".territorio-plan-recommendation")
    assert len(recommendations) == 20
    statuses = [r["data-status"] for r in recommendations]
    assert (statuses.count("implementada"), statuses.count("parcial"),
            statuses.count("pendiente")) == (3, 9, 8)
    open_data = soup.select_one('[data-recommendation="datos-abiertos"]')
    hrefs = [a["href"] for a in open_data.select("a")]
    assert "/dataset" in hrefs and "/api/3/action/package_search" in hrefs


def test_every_page_a_recommendation_links_to_opens(app):
    soup = page(app, "/plan")
    # pages; the API actions are checked to exist in tests/logic/test_plan_show.py
    hrefs = {a["href"] for a in soup.select(".territorio-plan-links a")
             if not a["href"].startswith("/api/")}
    assert hrefs
    for href in sorted(hrefs):
        assert app.get(href).status_code == 200, href


def test_region_page_shows_its_evidence_and_why_it_leads(app):
    soup = page(app, tk.url_for("territorio_region.read", iso="CL-NB"))
    evidence = soup.select_one(".territorio-evidence")
    text = evidence.get_text(" ", strip=True)
    assert "Lo que encontró el plan en Chillán" in text
    assert "Telecomunicaciones" in evidence.select_one(".territorio-evidence-gaps").get_text()
    assert "21,5 %" in evidence.select_one(".territorio-evidence-figures").get_text()
    chart = evidence.select_one("#territorio-prioridades-region")
    assert len(chart.select("g.territorio-rank-cell")) == 14
    leads = soup.select(".territorio-lead-item")
    assert len(leads) == 2
    marks = [li["data-marked"] for li in leads[0].select(".territorio-criterion")]
    assert marks == ["true", "true", "true", "false"]
    assert "una de las encargadas" in soup.select_one(".territorio-lead-shared").get_text()


def test_a_region_the_plan_did_not_study_has_no_evidence(app):
    soup = page(app, tk.url_for("territorio_region.read", iso="CL-AT"))
    assert soup.select_one(".territorio-evidence") is None


def test_dimension_page_ranks_per_actor_and_region(app):
    soup = page(app, tk.url_for("territorio_dimension.read", slug="medio-ambiente"))
    rows = {tr["data-rank-of"]: tr.select_one(".territorio-rank").get_text(strip=True)
            for tr in soup.select(".territorio-rank-table tbody tr")}
    assert rows["Estudio en terreno (prioridad ciudadana general)"] == "1.º"
    assert rows["Expertos encuestados"] == "—"
    assert rows["Biobío"] == "1.º (23 %)"
    assert rows["Antofagasta"] == "2.º"
    provenance = {li["data-subdimension"]: li["data-provenance"]
                  for li in soup.select(".territorio-provenance-list li")}
    assert provenance["economia-circular"] == "plan" and provenance["reciclaje"] == "inferida"
    emphasis = soup.select_one(".territorio-lead-emphasis").get_text(" ", strip=True)
    assert "Economía circular" in emphasis and "Gestión de residuos" in emphasis


def test_matrix_marks_the_criteria_behind_each_lead(app):
    soup = page(app, tk.url_for("territorio_matrix.index"))
    cells = soup.select("td.territorio-cell-lead .territorio-cell-criteria")
    assert len(cells) == 10
    criteria = sorted(c["data-criteria"] for c in cells)
    # RM (two leads), La Araucanía and Valparaíso (two) have the fourth criterion
    assert criteria.count("necesidades activos focos avances") == 5
    assert criteria.count("necesidades activos focos") == 5


def test_home_page_says_objectives_and_dimensions_apart(app):
    text = page(app, "/").get_text(" ", strip=True)
    assert "persigue tres objetivos" in text
    assert "siete dimensiones centradas en las personas: calidad de vida" not in text
