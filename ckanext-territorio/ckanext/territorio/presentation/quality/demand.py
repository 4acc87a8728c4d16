"""Citizens' demand on the scoreboard: data requests by region and dimension, open and
answered, as tables (page, CSV, JSON) and horizontal bars.

The figures come from citizen/demand.py: counts only, so held requests add to them without
showing anything of their own.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import ckan.plugins.toolkit as tk

from ... import current
from ...citizen import demand
from ...language import current_lang
from .charts import Bar, responsive_hbar_chart
from .tables import INTEGER, Column, Table

ANSWERED_COLOUR = "#16505f"
OPEN_COLOUR = "#b07d00"  # 3.6:1 on white, as a graphic needs
UNTAGGED_KEY = "sin-indicar"  # the chart's data-key of the requests without a region/dimension


@dataclass(frozen=True, slots=True)
class DemandRow:
    """A region or a dimension with its requests."""

    key: str
    label: str
    figures: demand.Demand


@dataclass(frozen=True)
class DemandBoard:
    """The scoreboard's "Demanda ciudadana": totals, rows, their tables and charts."""

    total: demand.Demand
    regions: list[DemandRow]
    dimensions: list[DemandRow]
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, str] = field(default_factory=dict)
    colours: Mapping[str, str] = field(
        default_factory=lambda: {"answered": ANSWERED_COLOUR, "open": OPEN_COLOUR})


def _rows(labels: Sequence[tuple[str, str]], counts: Mapping[str, demand.Demand],
          none_label: str) -> list[DemandRow]:
    """Every key in the framework's order (zeros too), then the untagged requests if any."""
    rows = [DemandRow(key, label, counts.get(key, demand.Demand(key, 0, 0, 0))) for key, label in labels]
    if demand.NONE in counts:
        rows.append(DemandRow(demand.NONE, none_label, counts[demand.NONE]))
    return rows


def demand_table(name: str, title: str, label: str, rows: Sequence[DemandRow]) -> Table:
    """Requests received, open and answered for each row."""
    return Table(
        name,
        title,
        (
            Column("label", label),
            Column("key", tk._("Código")),
            Column("received", tk._("Recibidas"), INTEGER),
            Column("open", tk._("Sin respuesta"), INTEGER),
            Column("answered", tk._("Respondidas"), INTEGER),
        ),
        tuple(
            {"label": r.label, "key": r.key, "received": r.figures.received,
             "open": r.figures.open, "answered": r.figures.answered}
            for r in rows
        ),
    )


def demand_chart(rows: Sequence[DemandRow], chart_id: str, title: str, intro: str) -> str:
    """Received requests as bars, the answered part of each in the darker colour."""
    bars = [
        Bar(r.label, r.figures.received, str(r.figures.received), OPEN_COLOUR, key=r.key or UNTAGGED_KEY,
            part=r.figures.answered, part_colour=ANSWERED_COLOUR)
        for r in rows
    ]
    description = intro + " " + "; ".join(
        tk._("{label}: {received} recibidas, {answered} respondidas").format(
            label=r.label, received=r.figures.received, answered=r.figures.answered)
        for r in rows
    ) + "."
    return responsive_hbar_chart(bars, chart_id=chart_id, title=title, description=description)


def build() -> DemandBoard:
    """Two grouped counts of the requests table (by region, by dimension) and its totals."""
    fw = current.framework()
    lang = current_lang()
    regions = _rows([(r.iso, r.name) for r in fw.regions], demand.by_region(),
                    tk._("Sin región indicada"))
    dimensions = _rows([(d.slug, d.label.get(lang)) for d in fw.dimensions], demand.by_dimension(),
                       tk._("Sin dimensión indicada"))
    board = DemandBoard(total=demand.totals(), regions=regions, dimensions=dimensions)
    board.tables.update({
        "demanda_regiones": demand_table(
            "demanda_regiones", tk._("Solicitudes de datos por región"), tk._("Región"), regions),
        "demanda_dimensiones": demand_table(
            "demanda_dimensiones", tk._("Solicitudes de datos por dimensión"), tk._("Dimensión"),
            dimensions),
    })
    board.charts.update({
        "demanda_regiones": demand_chart(
            regions, "grafico-demanda-regiones", tk._("Solicitudes de datos por región"),
            tk._("Solicitudes de datos recibidas en cada región, de norte a sur, y cuántas ya "
                 "tienen respuesta:")),
        "demanda_dimensiones": demand_chart(
            dimensions, "grafico-demanda-dimensiones", tk._("Solicitudes de datos por dimensión"),
            tk._("Solicitudes de datos recibidas en cada dimensión del plan, y cuántas ya tienen "
                 "respuesta:")),
    })
    return board
