"""territorio_plan_show: the plan's evidence, strategy and recommendations as the API serves them."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ... import current
from ...vocab import Framework, LocalizedText, Plan
from ...vocab.plan_model import Actor, Link, Priority, Recommendation, RegionEvidence
from .. import schema
from .framework import assignment

__all__ = ["territorio_plan_show"]


def _text(text: LocalizedText | None) -> dict[str, str | None] | None:
    return {"es": text.es, "en": text.en} if text is not None else None


def _priority(item: Priority) -> dict[str, Any]:
    return {
        "dimension": item.dimension,
        "rank": item.rank,
        "standing": item.standing,
        "figure": item.figure,
        "quote": item.quote,
    }


def _actor(actor: Actor) -> dict[str, Any]:
    return {
        "slug": actor.slug,
        "label": _text(actor.label),
        "note": _text(actor.note),
        "priorities": [_priority(p) for p in actor.priorities],
    }


def _region(item: RegionEvidence, fw: Framework) -> dict[str, Any]:
    return {
        "region": item.region,
        "name": fw.region_by_iso[item.region].name,
        "city": item.city,
        "summary": item.summary,
        "priorities": [_priority(p) for p in item.priorities],
        "notes": list(item.notes),
        "needs": list(item.needs),
        "strengths": list(item.strengths),
        "enabling_gaps": [
            {
                "subdimension": g.subdimension,
                "label": _text(fw.subdimension_by_slug[g.subdimension].label),
                "quote": g.quote,
            }
            for g in item.gaps
        ],
        "documents": [
            {"name": d.name, "quote": d.quote, "lines": list(d.lines), "note": _text(d.note)}
            for d in item.documents
        ],
        "figures": [
            {
                "label": _text(f.label),
                "value": {"es": f.value_text("es"), "en": f.value_text("en")},
                "quote": f.quote,
            }
            for f in item.figures
        ],
        "leads": [assignment(a) for a in fw.assignments if a.region == item.region],
    }


def _link(link: Link) -> dict[str, Any]:
    if link.page is not None:
        return {"kind": "page", "target": link.page, "label": _text(link.label)}
    return {
        "kind": "action",
        "target": link.action,
        "url": f"/api/3/action/{link.action}",
        "label": _text(link.label),
    }


def _recommendation(item: Recommendation) -> dict[str, Any]:
    return {
        "slug": item.slug,
        "group": item.group,
        "text": item.text,
        "status": item.status,
        "note": _text(item.note),
        "links": [_link(link) for link in item.links],
    }


def _strategy(plan: Plan) -> dict[str, Any]:
    return {
        "title": plan.strategy.title,
        "objective": plan.strategy.objective,
        "attributes": list(plan.strategy.attributes),
        "option": plan.strategy.option,
        "option_note": _text(plan.strategy.option_note),
        "options": [
            {
                "slug": o.slug,
                "label": _text(o.label),
                "description": _text(o.description),
                "pros": list(o.pros),
                "cons": list(o.cons),
            }
            for o in plan.options
        ],
        "assignment_grounds": list(plan.assignment_grounds),
        "replication": list(plan.replication),
    }


@tk.side_effect_free
@tk.validate(schema.territorio_plan_show)
def territorio_plan_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The evidence, strategy and recommendations of the Territorio Inteligente plan.

    One source of truth (``schemas/plan/``, checked at start-up against the framework): the
    three objectives; how each actor ranks the dimensions nationally (field study, experts,
    reference smart cities, Latin American reference cities); for each studied region its
    priorities (with the figures the plan gives), needs and opportunities, strengths, enabling
    gaps, strategy documents, key figures and its lead assignments with the four criteria
    behind them; the strategy options weighed with their pros and cons and the strategy
    proposed; the general findings; and the 20 recommendations, each with its status
    (``implementada``, ``parcial``, ``pendiente``: how far the portal serves it) and the pages
    and API actions that implement it. A rank (``rank``) appears only where the plan gives one;
    otherwise ``standing`` says whether the plan stresses the dimension (``destacada``) or puts
    it second (``secundaria``). Spanish texts are the plan's own words (``quote``).

    :param region: only this studied region (ISO 3166-2 code such as ``CL-BI``, CUT number or
        roman numeral) (optional)
    :type region: string
    :param dimension: only the ranks of this dimension, per actor and per region (slug, e.g.
        ``medio-ambiente``) (optional)
    :type dimension: string

    :returns: ``objectives``, ``framework``, ``actors``, ``regions``, ``criteria``,
        ``strategy``, ``findings``, ``caveat``, ``recommendation_groups``, ``recommendations``
        and ``counts`` (recommendations by status, studied regions)
    :rtype: dictionary
    """
    tk.check_access("territorio_plan_show", context, data_dict)
    fw = current.framework()
    plan = current.plan()
    region_filter = data_dict.get("region")
    dimension_filter = data_dict.get("dimension")
    if region_filter is not None and region_filter not in plan.region_by_iso:
        raise tk.ObjectNotFound(
            tk._("El plan no estudió la región {region}; estudió {studied}").format(
                region=region_filter, studied=", ".join(plan.region_by_iso)
            )
        )
    actors = [_actor(a) for a in plan.actors]
    regions = [_region(r, fw) for r in plan.regions if region_filter in (None, r.region)]
    if dimension_filter is not None:
        for item in (*actors, *regions):
            item["priorities"] = [
                p for p in item["priorities"] if p["dimension"] == dimension_filter
            ]
    return {
        "objectives": [{"slug": o.slug, "label": _text(o.label)} for o in plan.objectives],
        "framework": {
            "text": _text(plan.framework_text),
            "dimensions_text": _text(plan.dimensions_text),
        },
        "actors": actors,
        "regions": regions,
        "criteria": [
            {"slug": c.slug, "label": _text(c.label), "description": c.description}
            for c in plan.criteria
        ],
        "strategy": _strategy(plan),
        "findings": list(plan.findings),
        "caveat": plan.caveat,
        "recommendation_groups": [
            {"slug": g.slug, "label": _text(g.label)} for g in plan.recommendation_groups
        ],
        "recommendations": [_recommendation(r) for r in plan.recommendations],
        "counts": {
            "recommendations": len(plan.recommendations),
            "by_status": plan.status_counts(),
            "regions": len(regions),
        },
    }
