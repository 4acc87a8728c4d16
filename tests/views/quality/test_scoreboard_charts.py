"""/tablero's charts: quality by region and by dimension as bars, the matrix as a heat map."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from factories import territorial_schemas
from quality_pages import percent, summary
from views_html import soup_of

from ckanext.territorio import current
from ckanext.territorio.presentation.heatmap import luminance

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("scored_catalog"),
]
RATING_COLOURS = {"excellent": "#1e7b34", "good": "#5b9e2d", "sufficient": "#d99a00", "bad": "#c0392b"}


@pytest.fixture
def page(app):
    return soup_of(app.get(tk.url_for("territorio_scoreboard.index")).body)


def bars(page, chart: str) -> dict[str, tuple[float, str, str]]:
    """key → (value, written value, colour) of each bar of a chart."""
    svg = page.select_one(f'figure[data-chart="{chart}"] svg')
    return {
        g["data-key"]: (float(g["data-value"]), g.select_one("title").get_text(), g.select_one("rect")["fill"])
        for g in svg.select("g.territorio-chart-bar")
    }


def band(mean_percent: float) -> str:
    profile = current.quality().profile()
    return profile.rating(mean_percent / 100 * profile.max_points, profile.max_points)


def test_both_charts_are_labelled_svg(page):
    for chart, title in (("regiones", "Calidad media por región"), ("dimensiones", "Calidad media por dimensión")):
        svg = page.select_one(f'figure[data-chart="{chart}"] svg')
        assert svg["role"] == "img" and "viewbox" in svg.attrs  # html.parser lowers attribute names
        assert svg.select_one("title").get_text() == title
        labelled = svg["aria-labelledby"].split()
        assert [page.select_one(f"#{i}").name for i in labelled] == ["title", "desc"]


def test_region_bars_are_the_summary_of_public_datasets(page):
    expected = {g["key"]: g for g in summary(None, group_by="region")["groups"]}
    found = bars(page, "regiones")

    assert list(found) == [r.iso for r in current.framework().regions]  # 16, north to south
    araucania = expected["CL-AR"]
    assert found["CL-AR"] == (
        round(araucania["mean_percent"], 1),
        f"La Araucanía: {percent(araucania['mean_percent'])}",
        RATING_COLOURS[band(araucania["mean_percent"])],
    )
    assert found["CL-LR"][:2] == (0, "Los Ríos: sin evaluar")
    desc = page.select_one('figure[data-chart="regiones"] svg desc').get_text()
    assert f"La Araucanía: {percent(araucania['mean_percent'])}" in desc


def test_dimension_bars_are_the_summary_by_dimension(page):
    expected = {g["key"]: g for g in summary(None, group_by="dimension")["groups"]}
    found = bars(page, "dimensiones")

    assert len(found) == 7
    for key, (value, _, colour) in found.items():
        if key in expected and expected[key]["datasets"]:
            assert value == round(expected[key]["mean_percent"], 1)
            assert colour == RATING_COLOURS[band(expected[key]["mean_percent"])]
        else:
            assert value == 0


def test_phones_get_a_compact_copy_of_each_chart(page):
    for chart in ("regiones", "dimensiones"):
        wide, compact = page.select(f'figure[data-chart="{chart}"] svg')
        assert "territorio-chart-desktop" in wide["class"] and "territorio-chart-phone" in compact["class"]
        assert int(compact["width"]) < int(wide["width"])
        assert compact["id"] != wide["id"]
        values = [[g["data-value"] for g in svg.select("g.territorio-chart-bar")] for svg in (wide, compact)]
        assert values[0] == values[1]


def test_the_tables_stay_beside_the_charts(page):
    assert page.select_one('table[data-table="regiones"]') and page.select_one('table[data-table="dimensiones"]')
    assert page.select_one('figure[data-chart="regiones"] a[href="#tablero-regiones"]')


def test_quality_matrix_is_a_heat_map_darker_for_better_quality(page):
    cells = page.select("table.territorio-quality-matrix td.territorio-heat")
    scored = []
    for td in cells:
        style = dict(part.strip().split(": ") for part in td["style"].split(";"))
        value = td.select_one('[data-value="mean_percent"]').get_text(strip=True)
        if value != "–":
            scored.append((float(value.rstrip(" %").replace(",", ".")), luminance(style["--territorio-heat-bg"])))
        else:
            assert td["data-heat"] == "0"
    assert len({light for _, light in scored}) >= 2  # the poor Santiago dataset is in a lower band
    scored.sort()
    assert [light for _, light in scored] == sorted((light for _, light in scored), reverse=True)
    lead = page.select_one('table.territorio-quality-matrix tr[data-region="CL-AR"] td[data-dimension="movilidad"]')
    assert {"territorio-heat", "territorio-cell-lead"} <= set(lead["class"])
    assert lead.select_one(".territorio-lead-mark").get_text() == "★"


def test_heat_map_has_its_legend(page):
    legend = page.select_one("#tablero-matriz ~ .territorio-heat-legend, section[aria-labelledby=tablero-matriz] .territorio-heat-legend")
    steps = [li.get_text(strip=True) for li in legend.select(".territorio-heat-step")]
    assert steps == ["sin evaluar", "Deficiente (0,0–29,9 %)", "Suficiente (29,9–54,6 %)",
                     "Buena (54,6–86,7 %)", "Excelente (86,7–100,0 %)"]
    assert "región líder" in legend.get_text()
    bands = [li["data-rating"] for li in page.select(".territorio-band-legend li[data-rating]")]
    assert bands == ["excellent", "good", "sufficient", "bad"]


def test_charts_and_legends_speak_english_on_the_english_site(app):
    page = soup_of(app.get("/en/tablero").body)

    assert page.select_one("#tablero-graficos").get_text() == "Quality at a glance"
    svg = page.select_one('figure[data-chart="regiones"] svg')
    assert svg.select_one("title").get_text() == "Mean quality by region"
    assert svg.select_one("desc").get_text().startswith("Mean quality of each region's public datasets")
    assert "Los Ríos: not scored" in svg.get_text()
    steps = [li.get_text(strip=True) for li in page.select("section[aria-labelledby=tablero-matriz] .territorio-heat-step")]
    assert steps[0] == "not scored" and steps[-1] == "Excellent (86.7–100.0 %)"
