"""The scoreboard's charts: mean quality by region and by dimension, as horizontal bars.

Each bar takes the colour of the rating band its mean reaches (the profile's bands, applied
to the percentage as to a dataset's score), so the chart reads as the ratings do; a group
with nothing scored gets an empty bar and says so. The page prints the same figures in its
tables, which stay as the charts' text alternative next to the <desc>.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ckan.plugins.toolkit as tk

from ... import current
from ..heatmap import Scale, band_scale
from . import labels
from .charts import MUTED, RATING_COLOURS, Bar, responsive_hbar_chart
from .formats import number, percent
from .scoreboard import Row, Scoreboard


def band_colour(mean_percent: float | None) -> str:
    """The colour of the rating band a mean percentage reaches under the default profile."""
    if mean_percent is None:
        return MUTED
    profile = current.quality().profile()
    top = profile.max_points
    return RATING_COLOURS[profile.rating(mean_percent / 100 * top, top)]


@dataclass(frozen=True, slots=True)
class BandKey:
    """A rating band in the charts' legend: its colour and where it starts (percent)."""

    rating: str
    label: str
    colour: str
    low: float  # where the band starts, percent of the maximum
    text: str  # "desde 86,7 %"


def rating_legend() -> list[BandKey]:
    """The default profile's bands as percentages of the maximum, best first."""
    profile = current.quality().profile()
    scale = profile.scale or profile.max_points
    return [
        BandKey(
            band.rating,
            labels.rating(band.rating),
            RATING_COLOURS[band.rating],
            round(100 * band.minimum / scale, 1),
            tk._("desde {percent}").format(percent=f"{number(100 * band.minimum / scale)} %"),
        )
        for band in profile.bands
    ]


def heat_scale() -> Scale:
    """The quality matrix's colours: one shade per rating band, worst lightest."""
    bands = [(band.low, band.label) for band in reversed(rating_legend())]
    return band_scale(bands, tk._("sin evaluar"))


def _bars(rows: Sequence[Row]) -> list[Bar]:
    return [
        Bar(
            row.label,
            (row.quality.mean_percent or 0.0) if row.quality.scored else 0.0,
            percent(row.quality.mean_percent) if row.quality.scored else tk._("sin evaluar"),
            band_colour(row.quality.mean_percent if row.quality.scored else None),
            key=row.key,
        )
        for row in rows
    ]


def _quality_chart(rows: Sequence[Row], chart_id: str, title: str, intro: str) -> str:
    bars = _bars(rows)
    description = f"{intro} " + "; ".join(f"{b.label}: {b.text}" for b in bars) + "."
    return responsive_hbar_chart(
        bars, chart_id=chart_id, title=title, description=description, top_value=100, suffix=" %"
    )


def regions_chart(board: Scoreboard, chart_id: str = "grafico-regiones") -> str:
    """Mean quality of the sixteen regions, north to south (national coverage stays in the table)."""
    fw = current.framework()
    return _quality_chart(
        [r for r in board.regions if r.key in fw.region_by_iso],
        chart_id,
        tk._("Calidad media por región"),
        tk._("Calidad media de los conjuntos de datos públicos de cada región, en porcentaje "
             "del máximo, de norte a sur:"),
    )


def dimensions_chart(board: Scoreboard, chart_id: str = "grafico-dimensiones") -> str:
    """Mean quality of the plan's seven dimensions."""
    return _quality_chart(
        board.dimensions,
        chart_id,
        tk._("Calidad media por dimensión"),
        tk._("Calidad media de los conjuntos de datos públicos de cada dimensión del plan, en "
             "porcentaje del máximo:"),
    )


def build(board: Scoreboard) -> dict[str, str]:
    """The scoreboard's two charts by the name of the table they draw."""
    return {"regiones": regions_chart(board), "dimensiones": dimensions_chart(board)}
