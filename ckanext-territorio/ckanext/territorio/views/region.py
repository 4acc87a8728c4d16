"""/region and /region/<iso>: Chile's sixteen regions, one page each."""
from __future__ import annotations

from typing import Any, NamedTuple

import ckan.plugins.toolkit as tk
from flask import Blueprint

from .. import coverage, current
from ..coverage import DATASET, INITIATIVE, build_overview, counts_by_key
from ..presentation.helpers.plan import priority_chart
from ..vocab import normalise_region_code
from .errors import handle_errors

LATEST_DATASETS = 10
INITIATIVES_SHOWN = 20


class Publisher(NamedTuple):
    """An organization publishing about the region, with its counts there."""

    name: str
    title: str
    counts: coverage.Counts


region = handle_errors(Blueprint("territorio_region", __name__))


@region.route("/region", strict_slashes=False)
def index() -> str:
    """The sixteen regions from north to south with their counts."""
    return tk.render("territorio/region_index.html", {"overview": build_overview(current.framework())})


@region.route("/region/<iso>")
def read(iso: str) -> Any:
    """A region: its lead assignment, dimensions, comunas, datasets, initiatives and publishers."""
    fw = current.framework()
    item = fw.region_by_iso.get(iso)
    if item is None:
        try:
            canonical = normalise_region_code(iso, fw=fw)
        except ValueError:
            canonical = None
        if canonical in fw.region_by_iso:
            # "cl-ar", "IX" or "09" name a region too: send them to its one address
            return tk.redirect_to("territorio_region.read", iso=canonical)
        raise tk.ObjectNotFound(tk._("No existe la región «{iso}».").format(iso=iso))

    facets = ["dimension", "comuna", "organization"]
    datasets = coverage.find(DATASET, {"region": iso}, facets=facets, rows=LATEST_DATASETS)
    initiatives = coverage.find(INITIATIVE, {"region": iso}, facets=facets, rows=INITIATIVES_SHOWN)

    def counts(field: str, keys: list[str]) -> dict[str, coverage.Counts]:
        return counts_by_key(datasets.facet(field), initiatives.facet(field), keys)

    dimensions = [d for d in fw.dimensions if not d.cross_cutting]
    by_dimension = counts("dimension", [d.slug for d in dimensions])
    comunas = [c for c in fw.comunas if c.region == iso]
    by_comuna = counts("comuna", [c.cut for c in comunas])
    publishers = list(
        dict.fromkeys([*datasets.facet("organization"), *initiatives.facet("organization")])
    )
    by_publisher = counts("organization", publishers)
    organizations = sorted(
        (
            Publisher(
                name,
                (datasets if name in datasets.facet("organization") else initiatives).title(
                    "organization", name
                ),
                by_publisher[name],
            )
            for name in publishers
        ),
        key=lambda org: (-org.counts.total, org.title),
    )
    plan = current.plan()
    evidence = plan.region_by_iso.get(iso)
    chart = None
    if evidence is not None:
        citizens = plan.actors[0]
        chart = priority_chart(
            [(item.name, evidence.priorities), (tk._("Nacional (ciudadanía)"), citizens.priorities)],
            fw,
            chart_id="territorio-prioridades-region",
            title=tk._("Prioridades en {region} y a nivel nacional").format(region=item.name),
        )
    return tk.render(
        "territorio/region.html",
        {
            "evidence": evidence,
            "plan": plan,
            "chart": chart,
            "region": item,
            "datasets": datasets,
            "initiatives": initiatives,
            "summary": coverage.Counts(datasets.count, initiatives.count),
            "dimensions": [(d, by_dimension[d.slug]) for d in dimensions],
            "provinces": [
                (p, [(c, by_comuna[c.cut]) for c in comunas if c.province == p.cut])
                for p in item.provinces
            ],
            "comunas_total": len(comunas),
            "comunas_with_data": sum(1 for c in comunas if by_comuna[c.cut]),
            "capital": fw.comuna_by_cut.get(item.capital),
            "leads": [a for a in fw.assignments if a.region == iso],
            "organizations": organizations,
        },
    )
