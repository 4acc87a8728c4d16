"""The tables behind every quality view: CSV for spreadsheets, JSON for programs."""
from __future__ import annotations

import csv
import io
import json

from ckanext.territorio.presentation.quality.tables import (
    INTEGER,
    PERCENT,
    SHARE,
    Column,
    Table,
    display,
    to_csv,
    to_json,
)

TABLE = Table(
    "comunas",
    "Por comuna",
    (
        Column("label", "Comuna"),
        Column("datasets", "Conjuntos de datos", INTEGER),
        Column("mean_percent", "Porcentaje medio", PERCENT),
        Column("share_fresh", "Vigentes", SHARE),
        Column("fixes", "Cómo mejorarlo"),
    ),
    (
        {"label": "Concepción", "datasets": 3, "mean_percent": 61.5, "share_fresh": 0.667,
         "fixes": ["+30 puntos: Indique la licencia", "+5 puntos: Agregue etiquetas"]},
        {"label": "Ñuñoa, \"centro\"", "datasets": 1, "mean_percent": None, "share_fresh": None,
         "fixes": []},
    ),
)


def test_csv_starts_with_a_bom_and_keeps_accents():
    body = to_csv(TABLE)

    assert body.startswith("\ufeff".encode())
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0] == "Comuna,Conjuntos de datos,Porcentaje medio,Vigentes,Cómo mejorarlo"


def test_csv_rows_hold_plain_values_quoted_where_needed():
    rows = list(csv.reader(io.StringIO(to_csv(TABLE).decode("utf-8-sig"))))

    assert rows[1] == [
        "Concepción", "3", "61.5", "0.667", "'+30 puntos: Indique la licencia | +5 puntos: Agregue etiquetas"
    ]  # the apostrophe keeps a spreadsheet from reading "+30 ..." as a formula
    assert rows[2] == ['Ñuñoa, "centro"', "1", "", "", ""]
    assert len(rows) == 3


def test_json_keeps_types_and_describes_the_columns():
    document = json.loads(to_json("calidad", "Calidad", [TABLE], {"profile_version": "2026.1"}))

    assert document["view"] == "calidad"
    assert document["profile_version"] == "2026.1"
    table = document["tables"]["comunas"]
    assert [c["key"] for c in table["columns"]] == ["label", "datasets", "mean_percent", "share_fresh", "fixes"]
    assert table["columns"][2] == {"key": "mean_percent", "label": "Porcentaje medio", "kind": "percent"}
    assert table["rows"][0]["mean_percent"] == 61.5
    assert table["rows"][0]["fixes"][0] == "+30 puntos: Indique la licencia"
    assert table["rows"][1]["mean_percent"] is None


def test_display_writes_numbers_in_the_pages_language():
    percent, share, count = TABLE.columns[2], TABLE.columns[3], TABLE.columns[1]

    assert display(percent, 61.5, "es") == "61,5 %"
    assert display(percent, 61.5, "en") == "61.5 %"
    assert display(share, 0.667, "es") == "66,7 %"
    assert display(count, 12345, "es") == "12.345"
    assert display(percent, None, "es") == "–"
    assert display(TABLE.columns[4], ["a", "b"], "es") == "a, b"


def test_csv_text_that_a_spreadsheet_would_run_is_quoted_and_numbers_are_not():
    hostile = Table(
        "organizaciones",
        "Por organización",
        (Column("label", "=Nombre"), Column("delta", "Cambio", INTEGER), Column("fixes", "Arreglos")),
        (
            {"label": '=HYPERLINK("http://x.example","clic")', "delta": -3, "fixes": ["+1", "ok"]},
            {"label": "@SUM(A1)", "delta": 2, "fixes": []},
            {"label": "-2+3", "delta": 0, "fixes": ["\tTab"]},
            {"label": "Temuco", "delta": -1.5, "fixes": None},
        ),
    )

    rows = list(csv.reader(io.StringIO(to_csv(hostile).decode("utf-8-sig"))))

    assert rows[0] == ["'=Nombre", "Cambio", "Arreglos"]
    assert rows[1] == ["'=HYPERLINK(\"http://x.example\",\"clic\")", "-3", "'+1 | ok"]
    assert rows[2] == ["'@SUM(A1)", "2", ""]
    assert rows[3] == ["'-2+3", "0", "'\tTab"]
    assert rows[4] == ["Temuco", "-1.5", ""]
