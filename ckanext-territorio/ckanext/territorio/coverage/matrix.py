"""The national matrix: datasets and initiatives for every dimension × region cell."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..vocab import Framework
from .search import DATASET, INITIATIVE, find, find_all
from .tally import Counts, counts_by_key, tally_records


@dataclass(frozen=True)
class Matrix:
    """Counts by (dimension slug, region code); the national code ("CL") is a region too."""

    dimensions: tuple[str, ...]
    regions: tuple[str, ...]
    cells: Mapping[tuple[str, str], Counts]
    by_dimension: Mapping[str, Counts]
    by_region: Mapping[str, Counts]
    total: Counts

    def cell(self, dimension: str, region: str) -> Counts:
        """The counts of a dimension in a region (zero when nothing matches)."""
        return self.cells.get((dimension, region), Counts())


def build_matrix(fw: Framework) -> Matrix:
    """Counts from the search index as the current user sees it.

    Facets have no pivots, so datasets take one search for the totals and one per dimension
    that has any (faceted by region); initiatives, a few per territory, are read whole
    (dimension and region only) and crossed here. Nine searches in all.
    """
    dimensions = tuple(d.slug for d in fw.dimensions if not d.cross_cutting)
    regions = (*(r.iso for r in fw.regions), fw.national.code)

    totals = find(DATASET, facets=["dimension", "region"])
    dataset_cells: dict[tuple[str, str], int] = {}
    for dimension in dimensions:
        if not totals.facet("dimension").get(dimension):
            continue
        by_region = find(DATASET, {"dimension": dimension}, facets=["region"]).facet("region")
        dataset_cells.update({(dimension, region): n for region, n in by_region.items()})

    initiatives = list(find_all(INITIATIVE, fl=["dimension", "region"]))
    initiative_cells, initiative_dims, initiative_regions = tally_records(
        initiatives, "dimension", "region"
    )

    cells = {
        key: Counts(dataset_cells.get(key, 0), initiative_cells.get(key, 0))
        for key in set(dataset_cells) | set(initiative_cells)
    }
    return Matrix(
        dimensions=dimensions,
        regions=regions,
        cells=cells,
        by_dimension=counts_by_key(totals.facet("dimension"), initiative_dims, dimensions),
        by_region=counts_by_key(totals.facet("region"), initiative_regions, regions),
        total=Counts(totals.count, len(initiatives)),
    )
