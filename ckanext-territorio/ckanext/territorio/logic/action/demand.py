"""Citizens' demand in figures: data requests by region and dimension, and an organization's
answer time (the figures of /tablero and of the report card). Counts only: held requests add
to them and show nothing of themselves."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from ...citizen import demand
from .. import schema

__all__ = ["territorio_demand_summary"]


def _figures(key: str | None, figures: demand.Demand) -> dict[str, Any]:
    return {"key": key, "received": figures.received, "open": figures.open, "answered": figures.answered}


def _grouped(counts: dict[str, demand.Demand]) -> list[dict[str, Any]]:
    """Most received first; the untagged requests (key null) last."""
    rows = sorted((d for k, d in counts.items() if k != demand.NONE), key=lambda d: (-d.received, d.key))
    result = [_figures(d.key, d) for d in rows]
    if demand.NONE in counts:
        result.append(_figures(None, counts[demand.NONE]))
    return result


@tk.side_effect_free
@tk.validate(schema.territorio_demand_summary)
def territorio_demand_summary(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Data requests received, open (not answered yet) and answered, in all, by region and by
    dimension (public). A request is answered once its status has left ``abierta``; one
    tagged with two regions counts in both; held requests are counted, never shown.

    :param organization: id or name of an organization: adds its answer time (optional)
    :returns: {total: {received, open, answered}, regions: [{key (ISO code; null: no region),
        received, open, answered}], dimensions: [the same by dimension slug]}, and with
        ``organization``: organization: {name, received, answered, median_days (from a
        request to its first answer; null when none is answered)}
    """
    tk.check_access("territorio_demand_summary", context, data_dict)
    total = demand.totals()
    result: dict[str, Any] = {
        "total": {k: v for k, v in _figures(None, total).items() if k != "key"},
        "regions": _grouped(demand.by_region()),
        "dimensions": _grouped(demand.by_dimension()),
    }
    org_id = data_dict.get("organization")
    if org_id:
        group = model.Group.get(org_id)
        times = demand.answer_time(org_id)
        result["organization"] = {
            "name": group.name if group is not None else org_id,
            "received": times.received,
            "answered": times.answered,
            "median_days": round(times.median_days, 2) if times.median_days is not None else None,
        }
    return result
