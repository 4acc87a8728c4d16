"""/matriz: dimensions × regions, the plan's "progress of each territory" at a glance."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint

from .. import current
from ..coverage import build_matrix
from ..presentation import heatmap
from .errors import handle_errors

matrix = handle_errors(Blueprint("territorio_matrix", __name__))


@matrix.route("/matriz", strict_slashes=False)
def index() -> str:
    """Regions (rows, north to south) by dimensions (columns), with totals; each cell
    coloured by its number of datasets."""
    fw = current.framework()
    matrix_ = build_matrix(fw)
    # the cells' colours run up to the busiest region × dimension (totals stay uncoloured)
    busiest = max((c.datasets for c in matrix_.cells.values()), default=0)
    return tk.render(
        "territorio/matrix.html",
        {
            "matrix": matrix_,
            "heat": heatmap.count_scale(busiest),
            "dimensions": [d for d in fw.dimensions if not d.cross_cutting],
            "regions": fw.regions,
            "national": fw.national,
            "leads": {(a.dimension, a.region): a for a in fw.assignments},
        },
    )
