"""territorio_quality_*: dataset quality scores, aggregates and trend; the auditor role."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from ... import auditors, current
from ...language import current_lang
from ...presentation.quality.labels import rating as rating_label
from ...quality import engine, service, summary
from .. import schema

__all__ = [
    "territorio_auditor_update",
    "territorio_quality_show",
    "territorio_quality_summary",
    "territorio_quality_trend",
]


def _r1(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


@tk.side_effect_free
@tk.validate(schema.territorio_quality_show)
def territorio_quality_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """A dataset's quality score: points per indicator and dimension, rating and fixes.

    Scores follow ``schemas/quality.yaml`` (the portal's profile by default, with the
    data.europa.eu MQA figure alongside); they are updated after each save and by the
    batch run (``ckan territorio quality run``).

    :param id: the dataset's id or name
    :type id: string

    :returns: ``package_id``, ``name``, ``title``, ``organization``, ``private``,
        ``profile``, ``profile_version``, ``methodology`` (name, version, date, url),
        ``points``, ``max_points``, ``percent``, ``rating`` (excellent, good, sufficient,
        bad) and ``rating_label``, ``mqa`` (points, max_points, rating), ``dimensions``
        (each with points, max and label), ``indicators`` (id, dimension, label, points,
        max, passed, state, detail), ``fixes`` (indicator, gain, message; the largest gain
        first), ``fresh``, ``has_errors``, ``personal_findings``, ``scored_at`` (when the
        stored score last changed) and ``history`` (scored_at, points, rating; oldest first)
    :rtype: dictionary
    """
    package = model.Package.get(data_dict["id"])
    if package is None or package.state == "deleted":
        raise tk.ObjectNotFound(tk._("Conjunto de datos no encontrado"))
    tk.check_access("territorio_quality_show", context, {"id": package.id})
    row, history = service.show(package.id)
    if row is None:
        raise tk.ObjectNotFound(tk._("El conjunto de datos aún no tiene puntaje de calidad"))
    quality = current.quality()
    lang = current_lang()
    profile = quality.profiles.get(row.profile) or quality.profile()
    indicators = []
    english = lang.startswith("en")
    for item in row.indicators or []:
        indicator = quality.indicators.get(item.get("id"))
        detail = engine.stored_detail(item, quality)
        indicators.append(
            {
                "id": item.get("id"),
                "dimension": indicator.dimension if indicator else None,
                "label": indicator.label.get(lang) if indicator else item.get("id"),
                "points": _r1(item.get("points")),
                "max": _r1(item.get("max")),
                "passed": bool(item.get("passed")),
                "state": item.get("state") or "ok",
                "detail": detail["en"] if english and detail.get("en") else detail["es"],
            }
        )
    dimensions = {}
    for dimension in quality.dimensions:
        figures = (row.dimensions or {}).get(dimension.id)
        if figures is not None:
            dimensions[dimension.id] = {
                "points": _r1(figures.get("points")),
                "max": _r1(figures.get("max")),
                "label": dimension.label.get(lang),
            }
    methodology = quality.methodology
    return {
        "package_id": row.package_id,
        "name": row.name,
        "title": row.title,
        "organization": row.organization,
        "private": row.private,
        "profile": row.profile,
        "profile_title": profile.title.get(lang),
        "profile_version": row.profile_version,
        "methodology": {
            "name": methodology.name,
            "version": methodology.version,
            "date": methodology.date,
            "url": methodology.url,
        },
        "points": _r1(row.points),
        "max_points": _r1(row.max_points),
        "percent": _r1(100 * row.points / row.max_points) if row.max_points else 0.0,
        "rating": row.rating,
        "rating_label": rating_label(row.rating),
        "mqa": {
            "points": _r1(row.mqa_points),
            "max_points": _r1(quality.profiles["mqa"].max_points),
            "rating": row.mqa_rating,
        },
        "dimensions": dimensions,
        "indicators": indicators,
        "fixes": summary.localized_fixes(row.fixes or [], lang, quality),
        "fresh": row.fresh,
        "has_errors": row.has_errors,
        "personal_findings": row.personal_findings,
        "scored_at": _iso(row.scored_at),
        "history": [
            {"scored_at": _iso(h.scored_at), "points": _r1(h.points), "rating": h.rating}
            for h in history
        ],
    }


@tk.side_effect_free
@tk.validate(schema.territorio_quality_summary)
def territorio_quality_summary(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Quality aggregates of the scored datasets, grouped and filtered by territory.

    A dataset counts in every region, comuna and dimension it names.

    :param group_by: ``organization``, ``region`` (default), ``comuna`` or ``dimension``
    :type group_by: string
    :param region: only datasets of this region (ISO 3166-2, CUT or roman numeral)
    :type region: string
    :param comuna: only datasets of this comuna (CUT code)
    :type comuna: string
    :param dimension: only datasets of this dimension (slug)
    :type dimension: string
    :param organization: only datasets of this organization (id or name)
    :type organization: string
    :param rating: only datasets with this rating (excellent, good, sufficient, bad)
    :type rating: string
    :param include_private: count private datasets too (auditors and sysadmins only)
    :type include_private: bool
    :param worst: how many of the lowest-scoring datasets to list with their top fixes
        (default 0, at most 100)
    :type worst: int

    :returns: ``group_by``, ``profile``, ``profile_version``, ``max_points``, ``filters``,
        ``total`` and each of ``groups`` (key, label, datasets, mean_points,
        mean_percent, ratings per band, share_fresh and share_with_errors as 0–1),
        ``distribution`` (datasets per 10-point bin of the percentage) and ``worst``
        (package_id, name, title, organization, points, percent, rating, fixes)
    :rtype: dictionary
    """
    tk.check_access("territorio_quality_summary", context, data_dict)
    filters = summary.Filters(
        region=data_dict.get("region"),
        comuna=data_dict.get("comuna"),
        dimension=data_dict.get("dimension"),
        organization=data_dict.get("organization"),
        rating=data_dict.get("rating"),
        include_private=bool(data_dict.get("include_private")),
    )
    quality = current.quality()
    profile = quality.profile(service.profile_id())
    result = summary.summarize(
        data_dict["group_by"],
        filters,
        current.framework(),
        current_lang(),
        quality,
        int(data_dict.get("worst") or 0),
    )
    return {
        "group_by": result.pop("group_by"),
        "profile": profile.id,
        "profile_version": quality.version,
        "max_points": round(profile.max_points, 1),
        **result,
    }


@tk.side_effect_free
@tk.validate(schema.territorio_quality_trend)
def territorio_quality_trend(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The public catalogue's quality over time: one point per day with a batch run.

    :param organization: only this organization's datasets (id or name)
    :type organization: string
    :param region: only this region's datasets (when no organization is given)
    :type region: string

    :returns: ``points``: date, datasets, mean_points, mean_percent and ratings per band
    :rtype: dictionary
    """
    tk.check_access("territorio_quality_trend", context, data_dict)
    return {
        "points": summary.trend(
            organization=data_dict.get("organization"), region=data_dict.get("region")
        )
    }


@tk.validate(schema.territorio_auditor_update)
def territorio_auditor_update(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Grant or withdraw the policy-auditor role (read every report, edit nothing).

    :param user: the user's id or name
    :type user: string
    :param auditor: true to grant the role, false to withdraw it
    :type auditor: bool

    :returns: ``user`` (name) and ``auditor``
    :rtype: dictionary
    """
    tk.check_access("territorio_auditor_manage", context, data_dict)
    user = model.User.get(data_dict["user"])
    if user is None or user.state != "active":
        raise tk.ObjectNotFound(tk._("Usuario no encontrado"))
    auditors.set_flag(user.name, bool(data_dict["auditor"]))
    return {"user": user.name, "auditor": bool(data_dict["auditor"])}
