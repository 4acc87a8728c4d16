"""/tablero: the public scoreboard, its iframe version and its image, from public datasets."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import ckan.plugins.toolkit as tk
import pytest
from factories import territorial_schemas
from quality_pages import es, percent, share, summary
from views_html import page_heading, soup_of, text_of

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("scored_catalog"),
]
SVG = "{http://www.w3.org/2000/svg}"


def board(app, **args):
    return soup_of(app.get(tk.url_for("territorio_scoreboard.index", **args)).body)


def cells(row) -> dict[str, str]:
    return {td["data-col"]: " ".join(td.get_text(" ").split()) for td in row.select("td[data-col]")}


def test_regions_show_public_datasets_initiatives_quality_and_freshness(app):
    expected = {g["key"]: g for g in summary(None, group_by="region")["groups"]}
    soup = board(app)

    assert page_heading(soup) == "Tablero territorial de datos abiertos"
    rows = soup.select('table[data-table="regiones"] tbody tr')
    assert len(rows) == 17 and rows[-1]["data-region"] == "CL"
    araucania = soup.select_one('table[data-table="regiones"] tr[data-region="CL-AR"]')
    assert expected["CL-AR"]["datasets"] == 2  # Temuco's private budget is left out
    assert cells(araucania) == {
        "datasets": "2",
        "initiatives": "0",
        "mean_percent": percent(expected["CL-AR"]["mean_percent"]),
        "share_fresh": share(expected["CL-AR"]["share_fresh"]),
    }
    assert "territorio-row-studied" in araucania["class"]
    assert [c.get_text(" ", strip=True) for c in araucania.select(".territorio-lead-chip")] == ["★ Movilidad"]
    empty = soup.select_one('table[data-table="regiones"] tr[data-region="CL-LR"]')
    assert cells(empty)["mean_percent"] == "–"


def test_dimensions_show_their_numbers_and_lead_regions(app):
    expected = {g["key"]: g for g in summary(None, group_by="dimension")["groups"]}
    soup = board(app)

    movilidad = soup.select_one('table[data-table="dimensiones"] tr[data-dimension="movilidad"]')
    assert cells(movilidad)["datasets"] == "2"
    assert cells(movilidad)["mean_percent"] == percent(expected["movilidad"]["mean_percent"])
    assert "La Araucanía" in movilidad.get_text() and "Metropolitana de Santiago" in movilidad.get_text()


def test_quality_matrix_highlights_the_plans_leads(app):
    expected = {g["key"]: g for g in summary(None, group_by="region", dimension="movilidad")["groups"]}
    soup = board(app)

    cell = soup.select_one('table.territorio-quality-matrix tr[data-region="CL-AR"] td[data-dimension="movilidad"]')
    assert "territorio-cell-lead" in cell["class"]
    assert cell.select_one(".territorio-lead-mark").get_text() == "★"
    assert cell.select_one('[data-value="mean_percent"]').get_text(strip=True) == percent(
        expected["CL-AR"]["mean_percent"]
    )
    assert "1 conjunto" in cell.get_text()
    santiago = soup.select_one('table.territorio-quality-matrix tr[data-region="CL-RM"] td[data-dimension="movilidad"]')
    assert "territorio-cell-lead" in santiago["class"]  # the plan names Santiago for Movilidad too
    plain = soup.select_one('table.territorio-quality-matrix tr[data-region="CL-AR"] td[data-dimension="salud"]')
    assert "territorio-cell-lead" not in plain["class"] and "territorio-cell-empty" in plain["class"]


def test_comunas_ranking_states_its_formula_and_follows_it(app):
    def index(g):
        return round(g["mean_percent"] * (g["share_fresh"] or 0), 1)

    expected = sorted(summary(None, group_by="comuna")["groups"],
                      key=lambda g: (-index(g), -g["mean_percent"], -g["datasets"]))
    soup = board(app)

    formula = text_of(str(soup.select_one(".territorio-formula")))
    assert "índice = calidad media × vigentes" in formula
    assert "una comuna con datos desactualizados no puede quedar primera" in formula
    assert "luego la que publica más conjuntos" in formula
    rows = soup.select('table[data-table="comunas"] tbody tr')
    assert [r["data-cut"] for r in rows] == [g["key"] for g in expected] == ["09101", "13101"]
    assert [cells(r)["rank"] for r in rows] == ["1", "2"]
    assert [cells(r)["mean_percent"] for r in rows] == [percent(g["mean_percent"]) for g in expected]
    assert [cells(r)["index"] for r in rows] == [es(index(g)) for g in expected]


def test_embed_snippets_point_at_the_chosen_region(app):
    soup = board(app, insertar="CL-RM")

    iframe = soup.select_one("#codigo-iframe").get_text()
    assert iframe.startswith('<iframe src="http://test.ckan.net/tablero/embed?region=CL-RM"')
    image = soup.select_one("#codigo-imagen").get_text()
    assert '<img src="http://test.ckan.net/tablero/CL-RM.svg"' in image
    assert soup.select_one(".territorio-embed-preview")["src"] == "/tablero/CL-RM.svg"


def test_embed_is_framable_from_any_site_without_the_site_chrome(app):
    expected = summary(None, group_by="dimension", region="CL-AR")
    response = app.get(tk.url_for("territorio_scoreboard.embed", region="CL-AR"))

    assert response.headers["Content-Security-Policy"] == "frame-ancestors *"
    assert "X-Frame-Options" not in response.headers
    soup = soup_of(response.body)
    assert soup.select_one("header.masthead") is None and soup.select_one("footer") is None
    assert soup.select_one("h1").get_text(strip=True) == "Región de La Araucanía"
    figure = soup.select_one('[data-figure="mean"] dd').get_text(strip=True)
    assert figure == percent(expected["total"]["mean_percent"])
    lead = soup.select_one('table[data-table="dimensiones"] tr[data-dimension="movilidad"]')
    assert "territorio-cell-lead" in lead["class"]
    assert soup.select_one(".territorio-embed-footer a")["target"] == "_blank"


def test_embed_without_a_region_lists_every_region(app):
    soup = soup_of(app.get(tk.url_for("territorio_scoreboard.embed")).body)

    assert len(soup.select('table[data-table="regiones"] tbody tr')) == 17


def test_the_regions_card_is_an_svg_image_with_its_numbers(app):
    expected = summary(None, group_by="dimension", region="CL-AR")["total"]
    response = app.get(tk.url_for("territorio_scoreboard.badge", iso="CL-AR"))

    assert response.headers["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response.headers["Content-Security-Policy"] == "frame-ancestors *"
    svg = ET.fromstring(response.data)
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Región de La Araucanía" in texts
    assert percent(expected["mean_percent"]) in texts
    assert "★ Región líder en Movilidad" in texts
    assert any(t.startswith("Mejor comuna: Temuco, 1.º de 2 en el país") for t in texts)
    assert svg.find(f"{SVG}title").text.endswith("Región de La Araucanía")


def test_unknown_region_has_no_card_or_embed(app):
    assert "No existe la región «CL-XX»." in text_of(
        app.get(tk.url_for("territorio_scoreboard.badge", iso="CL-XX"), status=404).body
    )
    app.get(tk.url_for("territorio_scoreboard.embed", region="CL-XX"), status=400)


def test_scoreboard_in_english(app):
    expected = {g["key"]: g for g in summary(None, group_by="region")["groups"]}
    soup = soup_of(app.get("/en" + tk.url_for("territorio_scoreboard.index")).body)

    assert page_heading(soup) == "Territorial open data scoreboard"
    araucania = soup.select_one('table[data-table="regiones"] tr[data-region="CL-AR"]')
    assert cells(araucania)["mean_percent"] == f"{expected['CL-AR']['mean_percent']:.1f} %"
    assert "How it is computed:" in text_of(str(soup.select_one(".territorio-formula")))
    menu = [a.get_text(strip=True) for a in soup.select("header nav a")]
    assert "Scoreboard" in menu
