"""The heat maps' colour scales: classed, light to dark with the value, text always readable."""
from __future__ import annotations

import pytest

from ckanext.territorio.presentation.heatmap import (
    PALETTE,
    contrast,
    count_scale,
    ink_for,
    luminance,
    percent_scale,
)


def test_palette_darkens_step_by_step():
    lights = [luminance(c) for c in PALETTE]

    assert lights == sorted(lights, reverse=True)


@pytest.mark.parametrize("background", [*PALETTE, "#ffffff"])
def test_text_on_every_colour_meets_wcag_aa(background):
    assert contrast(background, ink_for(background)) >= 4.5


def test_count_scale_splits_the_counts_in_five_whole_ranges():
    scale = count_scale(14)

    assert [s.label for s in scale.legend] == ["0", "1–3", "4–6", "7–9", "10–12", "13–15"]
    assert scale.step(0) is scale.empty
    assert [scale.step(n).index for n in (1, 3, 4, 14)] == [1, 1, 2, 5]


def test_count_scale_for_small_counts_gives_each_its_colour():
    scale = count_scale(2)

    assert [s.label for s in scale.steps] == ["1", "2"]
    assert scale.step(1).background == PALETTE[0] and scale.step(2).background == PALETTE[-1]


def test_empty_catalogue_still_has_a_scale():
    scale = count_scale(0)

    assert scale.step(0) is scale.empty and len(scale.steps) == 1


def test_colours_are_ordered_by_value():
    scale = count_scale(25)
    lights = [luminance(scale.step(n).background) for n in range(26)]

    assert lights == sorted(lights, reverse=True)


def test_percent_scale_in_ranges_of_twenty(app):
    with app.flask_app.test_request_context():
        scale = percent_scale("sin evaluar")

    assert [s.label for s in scale.legend] == [
        "sin evaluar", "0–20 %", "20–40 %", "40–60 %", "60–80 %", "80–100 %"
    ]
    assert scale.step(None) is scale.empty
    assert [scale.step(v).index for v in (0, 19.9, 20, 61.5, 100)] == [1, 1, 2, 4, 5]
    assert scale.step(100).style == f"--territorio-heat-bg: {PALETTE[-1]}; --territorio-heat-ink: #ffffff"
