"""The heat maps' colour scales: classed, light to dark with the value, text always readable."""
from __future__ import annotations

import pytest

from ckanext.territorio.presentation.heatmap import (
    PALETTE,
    band_scale,
    contrast,
    count_scale,
    ink_for,
    luminance,
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
    # the lightest shade is left out: too close to the white of the empty cells
    assert scale.step(1).background == PALETTE[1] and scale.step(2).background == PALETTE[-1]


def test_empty_catalogue_still_has_a_scale():
    scale = count_scale(0)

    assert scale.step(0) is scale.empty and len(scale.steps) == 1


def test_colours_are_ordered_by_value():
    scale = count_scale(25)
    lights = [luminance(scale.step(n).background) for n in range(26)]

    assert lights == sorted(lights, reverse=True)


def test_band_scale_names_each_band_with_its_range(app):
    bands = [(0.0, "Deficiente"), (29.9, "Suficiente"), (54.6, "Buena"), (86.7, "Excelente")]
    with app.flask_app.test_request_context():
        scale = band_scale(bands, "sin evaluar")

    assert [s.label for s in scale.legend] == [
        "sin evaluar", "Deficiente (0,0–29,9 %)", "Suficiente (29,9–54,6 %)",
        "Buena (54,6–86,7 %)", "Excelente (86,7–100,0 %)",
    ]
    assert scale.step(None) is scale.empty
    assert [scale.step(v).index for v in (0, 29.8, 29.9, 61.5, 100)] == [1, 1, 2, 3, 4]
    assert scale.step(100).style == f"--territorio-heat-bg: {PALETTE[-1]}; --territorio-heat-ink: #ffffff"
