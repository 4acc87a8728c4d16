"""Every quality view downloads as CSV (one table, UTF-8 with BOM, Spanish file name) and
JSON (every table), with the page's own filters."""
from __future__ import annotations

import csv
import datetime
import io
import json

import ckan.plugins.toolkit as tk
import pytest
from factories import territorial_schemas
from quality_pages import summary
from views_html import text_of

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("scored_catalog"),
]
TODAY = datetime.date.today().isoformat()


def rows_of(response) -> list[list[str]]:
    assert response.data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_dashboard_csv_is_its_grouping_table_with_the_pages_filters(app, people):
    expected = summary(group_by="comuna", include_private=True, region="CL-AR")
    response = app.get(
        tk.url_for("territorio_quality.dashboard", region="CL-AR", agrupar="comuna", formato="csv"),
        headers=people.headers("auditor"),
    )

    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="calidad-cl-ar-grupos-{TODAY}.csv"'
    )
    rows = rows_of(response)
    assert rows[0][:5] == ["Comuna", "Código", "Conjuntos de datos", "Puntaje medio", "Porcentaje medio"]
    assert rows[0][5:] == ["Excelente", "Buena", "Suficiente", "Deficiente", "Vigentes", "Con errores"]
    (temuco,) = expected["groups"]
    assert rows[1:] == [[
        "Temuco", "09101", "3", str(temuco["mean_points"]), str(temuco["mean_percent"]),
        *(str(temuco["ratings"][k]) for k in ("excellent", "good", "sufficient", "bad")),
        str(temuco["share_fresh"]), str(temuco["share_with_errors"]),
    ]]


def test_dashboard_csv_of_the_worst_datasets_carries_their_fixes(app, people):
    expected = summary(group_by="organization", include_private=True, worst=10)["worst"]
    response = app.get(
        tk.url_for("territorio_quality.dashboard", formato="csv", tabla="peores"),
        headers=people.headers("auditor"),
    )

    rows = rows_of(response)
    assert rows[0] == ["Conjunto de datos", "Nombre", "Organización", "Puntaje", "Porcentaje",
                       "Calificación", "Cómo mejorarlo"]
    assert [r[1] for r in rows[1:]] == [w["name"] for w in expected]
    first = rows[1]
    assert first[2] == "Municipalidad de Santiago"
    assert first[4] == str(expected[0]["percent"])
    # quoted: a spreadsheet would take "+30 puntos..." for a formula
    assert first[6].split(" | ")[0] == f"'+{expected[0]['fixes'][0]['gain']:g} puntos: {expected[0]['fixes'][0]['message']}"


def test_dashboard_json_has_every_table_and_the_filters(app, people):
    expected = summary(group_by="organization", include_private=True, dimension="movilidad")
    response = app.get(
        tk.url_for("territorio_quality.dashboard", dimension="movilidad", formato="json"),
        headers=people.headers("auditor"),
    )

    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="calidad-movilidad-{TODAY}.json"'
    document = json.loads(response.data)
    assert document["view"] == "calidad"
    assert document["filters"] == {"dimension": "movilidad"}
    assert document["group_by"] == "organization"
    assert document["profile_version"] == expected["profile_version"]
    assert document["total"]["datasets"] == expected["total"]["datasets"] == 2
    assert set(document["tables"]) == {"grupos", "distribucion", "calificaciones", "peores", "tendencia"}
    groups = document["tables"]["grupos"]["rows"]
    assert [(g["key"], g["datasets"], g["mean_percent"]) for g in groups] == [
        (g["key"], g["datasets"], g["mean_percent"]) for g in expected["groups"]
    ]
    bins = document["tables"]["distribucion"]["rows"]
    assert [b["datasets"] for b in bins] == [b["datasets"] for b in expected["distribution"]]


def test_downloads_need_the_same_permission_as_the_page(app, people):
    response = app.get(
        tk.url_for("territorio_quality.dashboard", formato="csv"), headers=people.headers("outsider"), status=403
    )

    assert "Acceso denegado" in text_of(response.body)


def test_unknown_table_is_a_400_listing_the_tables_there_are(app, people):
    response = app.get(
        tk.url_for("territorio_quality.dashboard", formato="csv", tabla="todo"),
        headers=people.headers("auditor"),
        status=400,
    )

    assert (
        "tabla: No existe la tabla «todo»; las de esta página son: grupos, distribucion, "
        "calificaciones, peores, tendencia." in text_of(response.body)
    )


def test_report_card_csv_lists_the_organizations_datasets(app, people):
    expected = summary(group_by="dimension", include_private=True, organization="municipalidad-de-temuco", worst=100)
    response = app.get(
        tk.url_for("territorio_quality.organization", name="municipalidad-de-temuco", formato="csv"),
        headers=people.headers("member"),
    )

    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="calidad-organizacion-municipalidad-de-temuco-conjuntos-{TODAY}.csv"'
    )
    rows = rows_of(response)
    assert [r[1] for r in rows[1:]] == [w["name"] for w in expected["worst"]]
    assert {r[2] for r in rows[1:]} == {"Municipalidad de Temuco"}


def test_report_card_json_has_its_quality_dimensions(app, people):
    response = app.get(
        tk.url_for("territorio_quality.organization", name="municipalidad-de-temuco", formato="json"),
        headers=people.headers("auditor"),
    )

    document = json.loads(response.data)
    assert document["organization"] == "municipalidad-de-temuco"
    assert document["total"]["datasets"] == 3
    dimensions = document["tables"]["dimensiones_calidad"]["rows"]
    assert [d["key"] for d in dimensions][:5] == [
        "findability", "accessibility", "interoperability", "reusability", "contextuality"
    ]
    assert "cosechas" in document["tables"]


def test_scoreboard_csv_is_public_and_ranks_comunas(app):
    expected = {g["key"]: g for g in summary(None, group_by="comuna")["groups"]}
    response = app.get(tk.url_for("territorio_scoreboard.index", formato="csv", tabla="comunas"))

    assert response.headers["Content-Disposition"] == f'attachment; filename="tablero-comunas-{TODAY}.csv"'
    rows = rows_of(response)
    assert rows[0] == [
        "Lugar", "Comuna", "Código CUT", "Región", "Índice", "Calidad media", "Conjuntos evaluados", "Vigentes"
    ]

    def index(g):
        return round(g["mean_percent"] * (g["share_fresh"] or 0), 1)

    ranked = sorted(expected.values(), key=lambda g: (-index(g), -g["mean_percent"], -g["datasets"]))
    assert [r[2] for r in rows[1:]] == [g["key"] for g in ranked]
    assert rows[1][0] == "1"
    assert [r[4] for r in rows[1:]] == [str(index(g)) for g in ranked]
    assert [r[5] for r in rows[1:]] == [str(g["mean_percent"]) for g in ranked]


def test_scoreboard_json_has_regions_dimensions_matrix_and_ranking(app):
    document = json.loads(app.get(tk.url_for("territorio_scoreboard.index", formato="json")).data)

    assert set(document["tables"]) == {
        "regiones", "dimensiones", "matriz", "comunas", "demanda_regiones", "demanda_dimensiones"}
    demand = {r["key"]: r for r in document["tables"]["demanda_regiones"]["rows"]}
    assert "CL-AR" in demand and {r["received"] for r in demand.values()} == {0}  # no request filed here
    regions = {r["key"]: r for r in document["tables"]["regiones"]["rows"]}
    assert len(regions) == 17  # 16 regions and the national coverage
    assert regions["CL-AR"]["leads"] == ["Movilidad"]
    assert regions["CL-AR"]["datasets"] == 2  # public ones only
    cells = document["tables"]["matriz"]["rows"]
    assert len(cells) == 17 * 7
    lead = next(c for c in cells if c["region"] == "CL-AR" and c["dimension"] == "movilidad")
    assert lead["lead"] == "Sí"
