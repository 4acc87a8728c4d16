"""/matriz: dimensions × regions, each cell linking to the filtered searches, leads marked."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import ckan.plugins.toolkit as tk
import pytest
from factories import TerritorialDataset, territorial_schemas
from views_html import soup_of, text_of

from ckanext.territorio import current
from ckanext.territorio.coverage import build_matrix
from ckanext.territorio.coverage import search as search_module
from ckanext.territorio.presentation.heatmap import contrast, luminance

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("catalog"),
]

DIMENSIONS = [
    "movilidad",
    "seguridad",
    "salud",
    "medio-ambiente",
    "fomento-productivo",
    "planificacion-urbana",
    "gobierno",
]


@pytest.fixture
def matrix(app):
    return soup_of(app.get(tk.url_for("territorio_matrix.index")).body).select_one(
        "table.territorio-matrix"
    )


def row(matrix, region: str):
    return matrix.select_one(f'tr[data-region="{region}"]')


def cell_text(td) -> str:
    return "".join(
        span.get_text(strip=True)
        for span in td.select(".territorio-cell-datasets, .territorio-cell-sep, .territorio-cell-initiatives")
    )


def test_matrix_has_the_sixteen_regions_national_coverage_and_the_seven_dimensions(matrix):
    headers = [th["data-dimension"] for th in matrix.select("thead th[data-dimension]")]
    regions = [tr["data-region"] for tr in matrix.select("tbody tr")]

    assert headers == DIMENSIONS
    assert len(regions) == 17 and regions[-1] == "CL"


def test_each_cell_counts_datasets_and_initiatives(matrix):
    araucania = row(matrix, "CL-AR").select("td")
    santiago = row(matrix, "CL-RM").select("td")

    assert cell_text(araucania[DIMENSIONS.index("movilidad")]) == "1/1"
    assert cell_text(araucania[DIMENSIONS.index("medio-ambiente")]) == "1/1"
    assert cell_text(araucania[DIMENSIONS.index("salud")]) == "0/0"
    assert cell_text(santiago[DIMENSIONS.index("movilidad")]) == "1/1"
    assert cell_text(row(matrix, "CL").select("td")[DIMENSIONS.index("gobierno")]) == "1/0"


def test_cells_link_to_the_dataset_and_initiative_searches(matrix):
    cell = row(matrix, "CL-AR").select("td")[DIMENSIONS.index("movilidad")]

    datasets = urlparse(cell.select_one("a.territorio-cell-datasets")["href"])
    initiatives = urlparse(cell.select_one("a.territorio-cell-initiatives")["href"])
    assert datasets.path == "/dataset/"
    assert parse_qs(datasets.query) == {"dimension": ["movilidad"], "region": ["CL-AR"]}
    assert initiatives.path == "/iniciativa/"
    assert parse_qs(initiatives.query) == {"dimension": ["movilidad"], "region": ["CL-AR"]}


def test_empty_cells_have_no_links(matrix):
    cell = row(matrix, "CL-AR").select("td")[DIMENSIONS.index("salud")]

    assert cell.select("a") == []
    assert "territorio-cell-empty" in cell["class"]


def test_lead_assignments_are_highlighted(matrix):
    leads = {
        (tr["data-region"], DIMENSIONS[i])
        for tr in matrix.select("tbody tr")
        for i, td in enumerate(tr.select("td")[: len(DIMENSIONS)])
        if "territorio-cell-lead" in td["class"]
    }

    assert leads == {
        ("CL-RM", "seguridad"),
        ("CL-RM", "movilidad"),
        ("CL-AR", "movilidad"),
        ("CL-BI", "medio-ambiente"),
        ("CL-BI", "fomento-productivo"),
        ("CL-NB", "fomento-productivo"),
        ("CL-NB", "salud"),
        ("CL-AN", "planificacion-urbana"),
        ("CL-VS", "fomento-productivo"),
        ("CL-VS", "seguridad"),
    }
    lead = row(matrix, "CL-AR").select("td")[DIMENSIONS.index("movilidad")]
    assert "Región líder en Movilidad" in lead.get_text(" ")


def test_totals_count_each_record_once(matrix):
    totals = matrix.select_one("tfoot tr").select("td")

    assert cell_text(totals[DIMENSIONS.index("movilidad")]) == "2/2"
    assert cell_text(totals[-1]) == "4/3"
    assert cell_text(row(matrix, "CL-AR").select("td")[-1]) == "2/2"


def test_matrix_page_reads_as_a_progress_table(app):
    page = text_of(app.get(tk.url_for("territorio_matrix.index")).body)

    assert "Matriz de dimensiones y regiones" in page
    assert "región líder en la dimensión según el plan" in page


def heat(td) -> dict[str, str]:
    """The colours the server gave a cell: background and text."""
    return dict(part.strip().split(": ") for part in td["style"].split(";"))


def test_cells_are_darker_the_more_datasets_they_count(app):
    for i in range(2):  # Medio Ambiente in La Araucanía: 3 datasets, the busiest cell
        TerritorialDataset(name=f"aire-temuco-{i}")
    matrix = soup_of(app.get(tk.url_for("territorio_matrix.index")).body).select_one("table.territorio-matrix")

    coloured = []
    for tr in matrix.select("tbody tr"):
        for td in tr.select("td.territorio-heat"):
            count = int(td.select_one(".territorio-cell-datasets").get_text(strip=True))
            colours = heat(td)
            coloured.append((count, luminance(colours["--territorio-heat-bg"])))
            assert contrast(colours["--territorio-heat-bg"], colours["--territorio-heat-ink"]) >= 4.5
            assert (td["data-heat"] == "0") == (count == 0)
    assert len(coloured) == 17 * len(DIMENSIONS)
    assert {count for count, _ in coloured} == {0, 1, 3}
    coloured.sort()
    assert [light for _, light in coloured] == sorted((light for _, light in coloured), reverse=True)
    busiest = row(matrix, "CL-AR").select("td")[DIMENSIONS.index("medio-ambiente")]
    assert busiest["data-heat"] == "3" and cell_text(busiest) == "3/1"
    # totals are not part of the scale
    assert not matrix.select("td.territorio-cell-total.territorio-heat")


def test_the_colour_scale_has_a_legend(app):
    page = soup_of(app.get(tk.url_for("territorio_matrix.index")).body)
    legend = page.select_one(".territorio-heat-legend")

    assert [li.get_text(strip=True) for li in legend.select(".territorio-heat-step")] == ["0", "1"]
    assert "Conjuntos de datos en la celda" in legend.get_text()
    assert page.select_one(".territorio-legend .territorio-heat-lead-sample .territorio-lead-mark").get_text() == "★"


def test_lead_cells_keep_their_heat_colour_and_their_mark(matrix):
    lead = row(matrix, "CL-AR").select("td")[DIMENSIONS.index("movilidad")]

    assert {"territorio-heat", "territorio-cell-lead"} <= set(lead["class"])
    assert lead.select_one(".territorio-lead-mark").get_text() == "★"
    assert lead["data-heat"] == "1"


@pytest.mark.usefixtures("with_request_context")
def test_matrix_takes_at_most_nine_searches(monkeypatch):
    searches = []
    get_action = tk.get_action

    def counting(name):
        if name == "package_search":
            searches.append(name)
        return get_action(name)

    monkeypatch.setattr(search_module.tk, "get_action", counting)

    matrix = build_matrix(current.framework())

    assert matrix.total.datasets == 4
    assert len(searches) <= 9
