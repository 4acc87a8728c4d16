"""The national overview on the home page: counts per dimension and per region."""
from __future__ import annotations

from dataclasses import dataclass

from ..vocab import Assignment, Dimension, Framework, Region
from .search import DATASET, INITIATIVE, find
from .tally import Counts, counts_by_key


@dataclass(frozen=True)
class DimensionRow:
    """A dimension on the overview: its counts and the regions that lead it."""

    dimension: Dimension
    counts: Counts
    leads: tuple[Region, ...]


@dataclass(frozen=True)
class RegionRow:
    """A region on the overview: its counts and the plan's assignments there."""

    region: Region
    counts: Counts
    leads: tuple[Assignment, ...]

    @property
    def studied(self) -> bool:
        """One of the six territories the plan studied (each leads something)."""
        return bool(self.leads)


@dataclass(frozen=True)
class Overview:
    """The home page overview: rows per dimension and region, national and total counts."""

    dimensions: tuple[DimensionRow, ...]
    regions: tuple[RegionRow, ...]
    national: Counts
    total: Counts
    organizations: int


def leading_regions(fw: Framework, dimension: str) -> tuple[Region, ...]:
    """Regions the plan makes lead `dimension` (or some of its sub-dimensions), north to south."""
    isos = {a.region for a in fw.assignments if a.dimension == dimension}
    return tuple(r for r in fw.regions if r.iso in isos)


def region_assignments(fw: Framework, iso: str) -> tuple[Assignment, ...]:
    """The plan's assignments in the region."""
    return tuple(a for a in fw.assignments if a.region == iso)


def build_overview(fw: Framework, *, public: bool = False) -> Overview:
    """Two searches (datasets, initiatives), each faceted by dimension, region, organization;
    as the current user sees them, or with `public` the public datasets only."""
    facets = ["dimension", "region", "organization"]
    datasets = find(DATASET, facets=facets, public=public)
    initiatives = find(INITIATIVE, facets=facets, public=public)
    slugs = [d.slug for d in fw.dimensions if not d.cross_cutting]
    by_dimension = counts_by_key(datasets.facet("dimension"), initiatives.facet("dimension"), slugs)
    isos = [r.iso for r in fw.regions] + [fw.national.code]
    by_region = counts_by_key(datasets.facet("region"), initiatives.facet("region"), isos)
    publishers = set(datasets.facet("organization")) | set(initiatives.facet("organization"))
    return Overview(
        dimensions=tuple(
            DimensionRow(d, by_dimension[d.slug], leading_regions(fw, d.slug))
            for d in fw.dimensions
            if not d.cross_cutting
        ),
        regions=tuple(
            RegionRow(r, by_region[r.iso], region_assignments(fw, r.iso)) for r in fw.regions
        ),
        national=by_region[fw.national.code],
        total=Counts(datasets.count, initiatives.count),
        organizations=len(publishers),
    )
