"""/plan: the plan on one page (objectives, dimensions, priorities, strategy, recommendations)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint

from .. import current
from ..language import current_lang
from ..presentation.helpers.plan import priority_chart, recommendations_by_group
from .errors import handle_errors

plan = handle_errors(Blueprint("territorio_plan", __name__))


@plan.route("/plan", strict_slashes=False)
def index() -> str:
    """Objectives, the seven dimensions, priorities by actor, strategy and recommendations."""
    fw = current.framework()
    evidence = current.plan()
    lang = current_lang()
    chart = priority_chart(
        [(a.label.get(lang), a.priorities) for a in evidence.actors],
        fw,
        chart_id="territorio-prioridades-actores",
        title=tk._("Prioridad de cada dimensión según el actor"),
    )
    dimensions = [d for d in fw.dimensions if not d.cross_cutting]
    return tk.render(
        "territorio/plan.html",
        {
            "plan": evidence,
            "dimensions": dimensions,
            "leads": {
                d.slug: [a for a in fw.assignments if a.dimension == d.slug] for d in dimensions
            },
            "chart": chart,
            "groups": recommendations_by_group(evidence.recommendations),
            "counts": evidence.status_counts(),
            "chosen": evidence.option(evidence.strategy.option),
        },
    )
