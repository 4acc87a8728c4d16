"""Charts drawn on the server: well-formed SVG, labelled for screen readers, true to the data."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ckanext.territorio.presentation.quality.charts import (
    Bar,
    Point,
    Stat,
    bar_chart,
    card,
    hbar_chart,
    line_chart,
    nice_ceiling,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def test_bar_chart_has_a_title_a_description_and_one_bar_per_value():
    svg = parse(
        bar_chart(
            [Bar("0–10", 0, "0"), Bar("10–20", 4, "4"), Bar("20–30", 2, "2")],
            chart_id="dist",
            title="Distribución <de> puntajes",
            description="6 conjuntos",
        )
    )

    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "dist-title dist-desc"
    assert svg.find(f"{SVG}title").text == "Distribución <de> puntajes"
    assert svg.find(f"{SVG}desc").text == "6 conjuntos"
    bars = svg.findall(f"{SVG}g[@class='territorio-chart-bar']")
    assert [b.find(f"{SVG}title").text for b in bars] == ["0–10: 0", "10–20: 4", "20–30: 2"]
    heights = [float(b.find(f"{SVG}rect").get("height")) for b in bars]
    assert heights[0] == 0 and heights[1] == 2 * heights[2]


def test_bar_labels_are_escaped_text_not_markup():
    markup = bar_chart([Bar("<script>", 1, "1")], chart_id="x", title="t", description="d")

    assert "<script>" not in markup
    assert parse(markup).find(f"{SVG}g/{SVG}title").text == "<script>: 1"


def test_line_chart_draws_a_point_per_date_and_a_line_between_them():
    svg = parse(
        line_chart(
            [Point("2026-11-01", 40, "40 %"), Point("2026-11-02", 50, "50 %"), Point("2026-11-03", 45, "45 %")],
            chart_id="trend",
            title="Evolución",
            description="tres fechas",
        )
    )

    points = svg.findall(f"{SVG}g[@class='territorio-chart-point']")
    assert [p.find(f"{SVG}title").text for p in points] == [
        "2026-11-01: 40 %", "2026-11-02: 50 %", "2026-11-03: 45 %"
    ]
    ys = [float(p.find(f"{SVG}circle").get("cy")) for p in points]
    assert ys[1] < ys[2] < ys[0]  # higher value, higher on the chart
    assert len(svg.find(f"{SVG}polyline").get("points").split()) == 3


def test_a_single_point_has_no_line():
    svg = parse(line_chart([Point("2026-11-01", 40, "40 %")], chart_id="t", title="t", description="d"))

    assert svg.find(f"{SVG}polyline") is None
    assert len(svg.findall(f"{SVG}g/{SVG}circle")) == 1


def test_card_is_a_standalone_image_with_its_numbers():
    svg = parse(
        card(
            chart_id="tablero-cl-ar",
            kicker="Tablero",
            title="Región de La Araucanía",
            stats=[Stat("conjuntos de datos", "12"), Stat("calidad media", "61,5 %")],
            notes=["★ Región líder en Movilidad"],
            footer="Datos del 2026-11-24",
        )
    )

    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts[:2] == ["Tablero", "Región de La Araucanía"]
    assert "12" in texts and "61,5 %" in texts and "★ Región líder en Movilidad" in texts
    assert svg.find(f"{SVG}desc").text == "conjuntos de datos: 12; calidad media: 61,5 %"


def test_axis_maximum_is_a_round_number_at_least_the_data():
    assert [nice_ceiling(v) for v in (0, 1, 3, 7, 12, 26, 99, 101)] == [1, 1, 5, 10, 20, 50, 100, 200]


def test_count_axes_have_whole_steps():
    from ckanext.territorio.presentation.quality.charts import tick_count

    assert [tick_count(top, whole=True) for top in (1, 2, 5, 10, 25, 50, 100)] == [1, 2, 5, 5, 5, 5, 5]
    assert tick_count(100, whole=False) == 4


def test_bar_chart_of_counts_labels_its_axis_in_whole_numbers():
    svg = parse(bar_chart([Bar("a", 23, "23"), Bar("b", 9, "9")], chart_id="c", title="t", description="d"))

    labels = [t.text for t in svg.findall(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert labels == ["0", "5", "10", "15", "20", "25"]


def test_horizontal_bars_put_labels_left_and_values_at_the_end():
    svg = parse(
        hbar_chart(
            [Bar("Arica y Parinacota", 40, "40,0 %", key="CL-AP"), Bar("Magallanes", 80, "80,0 %", key="CL-MA")],
            chart_id="regiones",
            title="Calidad media por región",
            description="Arica y Parinacota: 40,0 %; Magallanes: 80,0 %.",
            top_value=100,
            suffix=" %",
        )
    )

    assert svg.find(f"{SVG}title").text == "Calidad media por región"
    assert svg.find(f"{SVG}desc").text.startswith("Arica y Parinacota: 40,0 %")
    assert svg.get("viewBox").startswith("0 0 ")
    bars = svg.findall(f"{SVG}g[@class='territorio-chart-bar']")
    assert [(b.get("data-key"), b.get("data-value")) for b in bars] == [("CL-AP", "40"), ("CL-MA", "80")]
    for bar in bars:
        label, value = bar.findall(f"{SVG}text")
        rect = bar.find(f"{SVG}rect")
        assert label.get("text-anchor") == "end" and float(label.get("x")) <= float(rect.get("x"))
        assert float(value.get("x")) >= float(rect.get("x")) + float(rect.get("width"))
    widths = [float(b.find(f"{SVG}rect").get("width")) for b in bars]
    assert widths[1] == pytest.approx(2 * widths[0], abs=0.2)


def test_horizontal_bars_with_links_are_a_group_of_named_links():
    markup = hbar_chart(
        [Bar("Biobío", 3, "3", href="/region/CL-BI"), Bar("Ñuble", 0, "0", href="/region/CL-NB")],
        chart_id="inicio", title="Conjuntos de datos por región", description="d",
    )
    svg = parse(markup)

    assert svg.get("role") == "group"
    links = svg.findall(f"{SVG}a")
    assert [(a.get("href"), a.get("aria-label")) for a in links] == [
        ("/region/CL-BI", "Biobío: 3"), ("/region/CL-NB", "Ñuble: 0")
    ]
    assert float(links[1].find(f"{SVG}g/{SVG}rect").get("width")) == 0


def test_horizontal_bars_make_room_for_the_longest_label():
    short = parse(hbar_chart([Bar("Salud", 1, "1")], chart_id="a", title="t", description="d"))
    long = parse(hbar_chart([Bar("Planificación y Desarrollo Urbano", 1, "1")], chart_id="b", title="t", description="d"))

    def bar_x(svg):
        return float(svg.find(f"{SVG}g/{SVG}rect").get("x"))

    assert bar_x(long) > bar_x(short)
