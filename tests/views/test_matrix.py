"""/matriz: dimensions × regions, each cell linking to the filtered searches, leads marked."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import ckan.plugins.toolkit as tk
import pytest
from factories import territorial_schemas
from views_html import soup_of, text_of

from ckanext.territorio import current
from ckanext.territorio.coverage import build_matrix
from ckanext.territorio.coverage import search as search_module

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
