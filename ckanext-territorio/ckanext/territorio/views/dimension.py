"""/dimension and /dimension/<slug>: the plan's seven dimensions, one page each."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint

from .. import coverage, current
from ..coverage import DATASET, INITIATIVE, build_overview, counts_by_key
from ..language import current_lang
from ..presentation.helpers.plan import priority_of
from .errors import handle_errors

LATEST_DATASETS = 10
INITIATIVES_SHOWN = 20

dimension = handle_errors(Blueprint("territorio_dimension", __name__))


@dimension.route("/dimension", strict_slashes=False)
def index() -> str:
    """The seven dimensions with their counts (the home page's cards, on their own)."""
    return tk.render("territorio/dimension_index.html", {"overview": build_overview(current.framework())})


@dimension.route("/dimension/<slug>")
def read(slug: str) -> str:
    """A dimension: its lead regions, sub-dimensions, regions, datasets and initiatives."""
    fw = current.framework()
    item = fw.dimension_by_slug.get(slug)
    if item is None or item.cross_cutting:
        raise tk.ObjectNotFound(tk._("No existe la dimensión «{slug}».").format(slug=slug))

    facets = ["subdimension", "region"]
    datasets = coverage.find(DATASET, {"dimension": slug}, facets=facets, rows=LATEST_DATASETS)
    initiatives = coverage.find(
        INITIATIVE, {"dimension": slug}, facets=facets, rows=INITIATIVES_SHOWN
    )

    def counts(field: str, keys: list[str]) -> dict[str, coverage.Counts]:
        return counts_by_key(datasets.facet(field), initiatives.facet(field), keys)

    by_subdimension = counts("subdimension", [s.slug for s in item.subdimensions])
    enabling = [s for d in fw.dimensions if d.cross_cutting for s in d.subdimensions]
    by_enabling = counts("subdimension", [s.slug for s in enabling])
    by_region = counts("region", [r.iso for r in fw.regions] + [fw.national.code])
    plan = current.plan()
    lang = current_lang()
    ranks = [(a.label.get(lang), None, priority_of(a.priorities, slug)) for a in plan.actors]
    ranks += [
        (
            fw.region_by_iso[r.region].name,
            tk.url_for("territorio_region.read", iso=r.region),
            priority_of(r.priorities, slug),
        )
        for r in plan.regions
    ]
    return tk.render(
        "territorio/dimension.html",
        {
            "dimension": item,
            "ranks": ranks,
            "datasets": datasets,
            "initiatives": initiatives,
            "summary": coverage.Counts(datasets.count, initiatives.count),
            "subdimensions": [(s, by_subdimension[s.slug]) for s in item.subdimensions],
            "enabling": [(s, by_enabling[s.slug]) for s in enabling if by_enabling[s.slug]],
            "regions": [(r, by_region[r.iso]) for r in fw.regions if by_region[r.iso]],
            "national": by_region[fw.national.code],
            "leads": [
                (fw.region_by_iso[a.region], a) for a in fw.assignments if a.dimension == slug
            ],
        },
    )
