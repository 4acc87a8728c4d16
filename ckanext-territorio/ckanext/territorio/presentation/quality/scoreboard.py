"""The public scoreboard (/tablero): datasets, initiatives, mean quality and freshness for
every region and dimension, the plan's lead assignments, and a ranking of comunas.

Only public datasets count (the summary's default, and the searches run in the site's
context without private datasets), so the numbers are the same for everyone, logged in or
not, and can be embedded in municipal sites.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk

from ... import coverage, current
from ...coverage import DATASET, INITIATIVE
from ...language import current_lang
from ...vocab import Assignment, Framework, Region
from ..helpers.pages import territorio_assignment_label
from . import actions
from .tables import INTEGER, NUMBER, PERCENT, SHARE, Column, Table


@dataclass(frozen=True, slots=True)
class Quality:
    """A group of the summary: scored datasets, mean percent, share fresh."""

    scored: int = 0
    mean_percent: float | None = None
    share_fresh: float | None = None


@dataclass(frozen=True, slots=True)
class Row:
    """A region or a dimension on the scoreboard."""

    key: str
    label: str
    datasets: int
    initiatives: int
    quality: Quality
    # what the plan makes this region lead, or which regions lead this dimension
    leads: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Cell:
    """One dimension in one region: its quality and the plan's lead for it."""

    quality: Quality
    lead: Assignment | None = None


@dataclass(frozen=True, slots=True)
class RankedComuna:
    """A comuna's place in the ranking by mean quality."""

    rank: int
    cut: str
    name: str
    region: str
    region_name: str
    quality: Quality

    @property
    def index(self) -> float:
        """Mean quality × share of up-to-date datasets: stale data cannot come first."""
        return ranking_index(self.quality)


@dataclass(frozen=True)
class Scoreboard:
    """The scoreboard page: regions by dimensions, the comuna ranking and their tables."""

    regions: list[Row]
    dimensions: list[Row]
    cells: Mapping[tuple[str, str], Cell]
    ranking: list[RankedComuna]
    profile_version: str
    tables: dict[str, Table] = field(default_factory=dict)

    def cell(self, dimension: str, region: str) -> Cell:
        """The cell of a dimension in a region (empty when nothing is scored there)."""
        return self.cells.get((dimension, region), Cell(Quality()))


@dataclass(frozen=True)
class RegionBoard:
    """One region for the embeds: its row, its dimensions, its comunas in the ranking."""

    region: Region
    row: Row
    dimensions: list[Row]
    comunas: list[RankedComuna]
    ranked_comunas: int  # comunas in the national ranking
    assignments: tuple[Assignment, ...]


def _quality(groups: Sequence[Mapping[str, Any]]) -> dict[str, Quality]:
    return {
        g["key"]: Quality(g.get("datasets") or 0, g.get("mean_percent"), g.get("share_fresh"))
        for g in groups
    }


def ranking_index(quality: Quality) -> float:
    """The ranking's index, 0–100: mean quality (percent) × share of up-to-date datasets.

    A dataset without a declared frequency cannot show it is up to date, so a comuna where
    none declares one counts as not up to date (index 0), as one whose data is all stale.
    """
    return round((quality.mean_percent or 0.0) * (quality.share_fresh or 0.0), 1)


def rank_comunas(groups: Sequence[Mapping[str, Any]], fw: Framework) -> list[RankedComuna]:
    """Comunas with scored public datasets, highest index first (``ranking_index``); ties go
    to the better mean quality, then to the comuna with more datasets; a comuna equal on all
    three shares the rank (1, 2, 2, 4)."""
    scored = [
        (fw.comuna_by_cut[key], quality)
        for key, quality in _quality(groups).items()
        if key in fw.comuna_by_cut and quality.scored and quality.mean_percent is not None
    ]
    def order(quality: Quality) -> tuple[float, float, int]:
        return (ranking_index(quality), quality.mean_percent or 0.0, quality.scored)

    scored.sort(key=lambda pair: (tuple(-v for v in order(pair[1])), pair[0].name))
    ranking: list[RankedComuna] = []
    for position, (comuna, quality) in enumerate(scored, start=1):
        previous = ranking[-1] if ranking else None
        same = previous is not None and order(previous.quality) == order(quality)
        ranking.append(
            RankedComuna(
                rank=previous.rank if previous and same else position,
                cut=comuna.cut,
                name=comuna.name,
                region=comuna.region,
                region_name=fw.region_by_iso[comuna.region].name,
                quality=quality,
            )
        )
    return ranking


def build() -> Scoreboard:
    """Ten public summaries (by region, dimension, comuna; by region for each dimension) and
    the two searches of the home page's overview."""
    fw = current.framework()
    lang = current_lang()
    overview = coverage.build_overview(fw, public=True)
    by_region = actions.summary("region")
    by_dimension = actions.summary("dimension")
    by_comuna = actions.summary("comuna")
    region_quality = _quality(by_region.get("groups") or [])
    dimension_quality = _quality(by_dimension.get("groups") or [])

    regions = [
        Row(
            r.region.iso,
            r.region.name,
            r.counts.datasets,
            r.counts.initiatives,
            region_quality.get(r.region.iso, Quality()),
            tuple(territorio_assignment_label(a) for a in r.leads),
        )
        for r in overview.regions
    ]
    regions.append(
        Row(fw.national.code, tk._("Cobertura nacional"), overview.national.datasets,
            overview.national.initiatives, region_quality.get(fw.national.code, Quality()))
    )
    dimensions = [
        Row(
            d.dimension.slug,
            d.dimension.label.get(lang),
            d.counts.datasets,
            d.counts.initiatives,
            dimension_quality.get(d.dimension.slug, Quality()),
            tuple(region.name for region in d.leads),
        )
        for d in overview.dimensions
    ]
    leads = {(a.dimension, a.region): a for a in fw.assignments}
    cells: dict[tuple[str, str], Cell] = {}
    for row in dimensions:
        if not row.quality.scored:
            continue
        per_region = _quality(actions.summary("region", {"dimension": row.key}).get("groups") or [])
        for iso, quality in per_region.items():
            cells[(row.key, iso)] = Cell(quality, leads.get((row.key, iso)))
    for (dimension, iso), lead in leads.items():
        cells.setdefault((dimension, iso), Cell(Quality(), lead))

    ranking = rank_comunas(by_comuna.get("groups") or [], fw)
    board = Scoreboard(
        regions=regions,
        dimensions=dimensions,
        cells=cells,
        ranking=ranking,
        profile_version=str(by_region.get("profile_version") or ""),
    )
    board.tables.update(
        {
            t.name: t
            for t in (
                rows_table("regiones", tk._("Regiones"), tk._("Región"), regions),
                rows_table("dimensiones", tk._("Dimensiones"), tk._("Dimensión"), dimensions),
                matrix_table(board, fw),
                ranking_table(ranking),
            )
        }
    )
    return board


def region_board(region: Region) -> RegionBoard:
    """One region: two searches (datasets and initiatives by dimension) and two summaries."""
    fw = current.framework()
    lang = current_lang()
    datasets = coverage.find(DATASET, {"region": region.iso}, facets=["dimension"], public=True)
    initiatives = coverage.find(INITIATIVE, {"region": region.iso}, facets=["dimension"], public=True)
    by_dimension = actions.summary("dimension", {"region": region.iso})
    total = (by_dimension.get("total") or {})
    quality = _quality(by_dimension.get("groups") or [])
    assignments = tuple(a for a in fw.assignments if a.region == region.iso)
    lead_dimensions = {a.dimension for a in assignments}
    dimensions = [
        Row(
            d.slug,
            d.label.get(lang),
            datasets.facet("dimension").get(d.slug, 0),
            initiatives.facet("dimension").get(d.slug, 0),
            quality.get(d.slug, Quality()),
            (territorio_assignment_label(next(a for a in assignments if a.dimension == d.slug)),)
            if d.slug in lead_dimensions else (),
        )
        for d in fw.dimensions
        if not d.cross_cutting
    ]
    ranking = rank_comunas(actions.summary("comuna").get("groups") or [], fw)
    return RegionBoard(
        region=region,
        row=Row(
            region.iso,
            region.name,
            datasets.count,
            initiatives.count,
            Quality(total.get("datasets") or 0, total.get("mean_percent"), total.get("share_fresh")),
            tuple(territorio_assignment_label(a) for a in assignments),
        ),
        dimensions=dimensions,
        comunas=[c for c in ranking if c.region == region.iso],
        ranked_comunas=len(ranking),
        assignments=assignments,
    )


# --- tables -------------------------------------------------------------------------------


def _quality_columns() -> tuple[Column, ...]:
    return (
        Column("scored", tk._("Conjuntos evaluados"), INTEGER),
        Column("mean_percent", tk._("Calidad media"), PERCENT),
        Column("share_fresh", tk._("Vigentes"), SHARE),
    )


def _quality_values(quality: Quality) -> dict[str, Any]:
    return {
        "scored": quality.scored,
        "mean_percent": quality.mean_percent,
        "share_fresh": quality.share_fresh,
    }


def rows_table(name: str, title: str, label: str, rows: Sequence[Row]) -> Table:
    """The table of scoreboard rows (regions or dimensions) with their quality figures."""
    return Table(
        name,
        title,
        (
            Column("label", label),
            Column("key", tk._("Código")),
            Column("datasets", tk._("Conjuntos de datos"), INTEGER),
            Column("initiatives", tk._("Iniciativas"), INTEGER),
            *_quality_columns(),
            Column("leads", tk._("Asignación del plan")),
        ),
        tuple(
            {
                "label": r.label,
                "key": r.key,
                "datasets": r.datasets,
                "initiatives": r.initiatives,
                **_quality_values(r.quality),
                "leads": list(r.leads),
            }
            for r in rows
        ),
    )


def matrix_table(board: Scoreboard, fw: Framework) -> Table:
    """The region × dimension cells, one row each (long format, for spreadsheets)."""
    rows = []
    for region in board.regions:
        for dimension in board.dimensions:
            cell = board.cell(dimension.key, region.key)
            rows.append(
                {
                    "region": region.key,
                    "region_name": region.label,
                    "dimension": dimension.key,
                    "dimension_name": dimension.label,
                    **_quality_values(cell.quality),
                    "lead": tk._("Sí") if cell.lead else "",
                }
            )
    return Table(
        "matriz",
        tk._("Calidad por región y dimensión"),
        (
            Column("region", tk._("Región (código)")),
            Column("region_name", tk._("Región")),
            Column("dimension", tk._("Dimensión (código)")),
            Column("dimension_name", tk._("Dimensión")),
            *_quality_columns(),
            Column("lead", tk._("Región líder")),
        ),
        tuple(rows),
    )


def ranking_table(ranking: Sequence[RankedComuna]) -> Table:
    """The table of the comuna ranking."""
    return Table(
        "comunas",
        tk._("Ranking de comunas"),
        (
            Column("rank", tk._("Lugar"), INTEGER),
            Column("name", tk._("Comuna")),
            Column("cut", tk._("Código CUT")),
            Column("region_name", tk._("Región")),
            Column("index", tk._("Índice"), NUMBER),
            Column("mean_percent", tk._("Calidad media"), PERCENT),
            Column("scored", tk._("Conjuntos evaluados"), INTEGER),
            Column("share_fresh", tk._("Vigentes"), SHARE),
        ),
        tuple(
            {
                "rank": c.rank,
                "name": c.name,
                "cut": c.cut,
                "region_name": c.region_name,
                "index": c.index,
                **_quality_values(c.quality),
            }
            for c in ranking
        ),
    )
