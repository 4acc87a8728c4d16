"""Colour scales for the heat-map matrices (/matriz by count, /tablero by quality band).

A sequential scale of five teal steps, light to dark; each step names the text colour with
the higher WCAG contrast on it (dark ink or white), so a number stays readable on any cell.
The scales are classed (fixed ranges), so a legend can list each colour with its range.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .quality.charts import INK
from .quality.formats import number

WHITE = "#ffffff"
# light → dark: more (datasets, quality) is darker
PALETTE = ("#e4f1f4", "#b9dbe3", "#83bccb", "#2b7a8f", "#16505f")


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of a ``#rrggbb`` colour (0 black, 1 white)."""
    rgb = [int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    r, g, b = (_channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ink_for(background: str) -> str:
    """The text colour (the site's ink or white) that reads better on ``background``."""
    return INK if contrast(background, INK) >= contrast(background, WHITE) else WHITE


@dataclass(frozen=True, slots=True)
class Step:
    """One colour of a scale: the values it covers ``[low, high]``, its colours, its label."""

    index: int  # 0 = the empty step (nothing counted or scored), then 1.. light to dark
    low: float  # the least value of the step; it runs up to the next step's
    high: float  # the greatest value the legend names
    background: str
    ink: str
    label: str

    @property
    def style(self) -> str:
        """The cell's inline style: the colours as custom properties the stylesheet applies."""
        return f"--territorio-heat-bg: {self.background}; --territorio-heat-ink: {self.ink}"


@dataclass(frozen=True, slots=True)
class Scale:
    """A classed scale: an empty step and the coloured ones, lowest values first."""

    empty: Step
    steps: tuple[Step, ...]

    def step(self, value: float | None) -> Step:
        """The step of a value: the empty one for None (and 0 on a count scale)."""
        if value is None:
            return self.empty
        for step in reversed(self.steps):
            if value >= step.low:
                return step
        return self.empty

    @property
    def legend(self) -> tuple[Step, ...]:
        """Every step, the empty one first, as the legend lists them."""
        return (self.empty, *self.steps)


def _step(index: int, low: float, high: float, background: str, label: str) -> Step:
    return Step(index, low, high, background, ink_for(background), label)


def _spread(n: int) -> Sequence[str]:
    """``n`` colours of the palette, as far apart as they go; fewer than five leave out the
    lightest, too close to the empty cells' white."""
    if n == 1:
        return (PALETTE[3],)
    first = 0 if n >= len(PALETTE) else 1
    span = len(PALETTE) - 1 - first
    return tuple(PALETTE[first + round(i * span / (n - 1))] for i in range(n))


def count_scale(maximum: int) -> Scale:
    """Counts 1..``maximum`` in at most five equal whole ranges (1–3, 4–6 ...); 0 is empty."""
    empty = _step(0, 0, 0, WHITE, "0")
    n = max(1, min(len(PALETTE), maximum))
    width = max(1, math.ceil(maximum / n))
    steps = []
    for i, colour in enumerate(_spread(n)):
        low, high = i * width + 1, (i + 1) * width
        steps.append(_step(i + 1, low, high, colour, str(low) if low == high else f"{low}–{high}"))
    return Scale(empty, tuple(steps))


def band_scale(bands: Sequence[tuple[float, str]], empty_label: str, top: float = 100) -> Scale:
    """Quality (percent) classed by the rating bands: ``bands`` as (least percent, name),
    lowest first; each step is named with its range ("Buena (54,6–86,7 %)")."""
    empty = _step(0, math.nan, math.nan, WHITE, empty_label)
    highs = [low for low, _ in bands[1:]] + [top]
    steps = tuple(
        _step(i + 1, low, high, colour, f"{name} ({number(low)}–{number(high)} %)")
        for i, ((low, name), high, colour) in enumerate(zip(bands, highs, _spread(len(bands)), strict=True))
    )
    return Scale(empty, steps)
