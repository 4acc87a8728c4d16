"""Aggregates of the stored scores by organization, region, comuna or dimension.

Plain SQL over ``territorio_quality_score``: a few statements whatever the catalogue's
size (the territorial keys are arrays with GIN indexes). Points and percentages are rounded
to one decimal; shares are 0–1 with three decimals (a tenth of a percent).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from ckan import model

from ..model.quality import QualityRun
from ..vocab import Framework
from .engine import stored_fix
from .profile import QualityFile
from .terms import RATINGS

# the column (or array) each grouping and filter reads
_ARRAY = {"region": "regions", "comuna": "comunas", "dimension": "dimensions_keys"}
BINS = 10
TOP_FIXES = 3

_AGGREGATES = """
    count(*) AS datasets,
    avg(s.points) AS mean_points,
    avg(CASE WHEN s.max_points > 0 THEN 100 * s.points / s.max_points END) AS mean_percent,
    count(*) FILTER (WHERE s.rating = 'excellent') AS excellent,
    count(*) FILTER (WHERE s.rating = 'good') AS good,
    count(*) FILTER (WHERE s.rating = 'sufficient') AS sufficient,
    count(*) FILTER (WHERE s.rating = 'bad') AS bad,
    count(*) FILTER (WHERE s.fresh) AS fresh,
    count(s.fresh) AS freshness_known,
    count(*) FILTER (WHERE s.has_errors) AS with_errors
"""


@dataclass(frozen=True)
class Filters:
    """Which scores a summary covers: territory, dimension, organization, rating, privacy."""

    region: str | None = None
    comuna: str | None = None
    dimension: str | None = None
    organization: str | None = None
    rating: str | None = None
    include_private: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The filters that are set, as the API echoes them."""
        return {
            key: value
            for key, value in (
                ("region", self.region),
                ("comuna", self.comuna),
                ("dimension", self.dimension),
                ("organization", self.organization),
                ("rating", self.rating),
            )
            if value
        } | ({"include_private": True} if self.include_private else {})

    def where(self) -> tuple[str, dict[str, Any]]:
        """The SQL condition on the score table (alias ``s``) and its bound parameters."""
        clauses: list[str] = []
        params: dict[str, Any] = {}
        if not self.include_private:
            clauses.append("NOT s.private")
        for name in ("region", "comuna", "dimension"):
            value = getattr(self, name)
            if value:
                clauses.append(f"s.{_ARRAY[name]} @> ARRAY[CAST(:{name} AS text)]")
                params[name] = value
        if self.organization:
            clauses.append("s.organization = :organization")
            params["organization"] = self.organization
        if self.rating:
            clauses.append("s.rating = :rating")
            params["rating"] = self.rating
        return (" AND ".join(clauses) or "TRUE"), params


def _r1(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _figures(row: Any) -> dict[str, Any]:
    datasets = int(row.datasets or 0)
    return {
        "datasets": datasets,
        "mean_points": _r1(row.mean_points),
        "mean_percent": _r1(row.mean_percent),
        "ratings": {rating: int(getattr(row, rating) or 0) for rating in RATINGS},
        "share_fresh": _share(int(row.fresh or 0), int(row.freshness_known or 0)),
        "share_with_errors": _share(int(row.with_errors or 0), datasets),
    }


_FIGURES = (
    "datasets", "mean_points", "mean_percent", "excellent", "good", "sufficient", "bad",
    "fresh", "freshness_known", "with_errors",
)
_NULLS = ", ".join(f"NULL AS {name}" for name in _FIGURES)
_KEYS = {
    "organization": "ARRAY[s.organization]",
    "region": "s.regions",
    "comuna": "s.comunas",
    "dimension": "s.dimensions_keys",
}


@dataclass(frozen=True)
class Aggregates:
    """A summary's figures: the total, one entry per group and the score histogram."""

    total: dict[str, Any]
    groups: list[tuple[str, dict[str, Any]]]
    distribution: list[dict[str, Any]]


def aggregate(group_by: str, filters: Filters) -> Aggregates:
    """Totals, groups and the histogram in one statement: one scan of the score table.

    The filtered rows (only the columns the figures need) are materialized once; the
    three aggregations read them from memory.
    """
    where, params = filters.where()
    sql = f"""
        WITH base AS MATERIALIZED (
            SELECT s.points, s.max_points, s.rating, s.fresh, s.has_errors,
                   {_KEYS[group_by]} AS keys
              FROM territorio_quality_score s WHERE {where}
        )
        SELECT 'total' AS part, NULL AS key, NULL::int AS bin, {_AGGREGATES} FROM base s
        UNION ALL
        SELECT 'group', k, NULL, {_AGGREGATES}
          FROM base s CROSS JOIN LATERAL unnest(s.keys) AS k WHERE k IS NOT NULL GROUP BY k
        UNION ALL
        SELECT 'bin', NULL, least(floor(100 * s.points / s.max_points / 10), 9)::int,
               count(*), {_NULLS.split(", ", 1)[1]}
          FROM base s WHERE s.max_points > 0 GROUP BY 3
    """
    total: dict[str, Any] = {}
    grouped: list[tuple[str, dict[str, Any]]] = []
    counts: dict[int, int] = {}
    for row in model.Session.execute(sa.text(sql), params):
        if row.part == "total":
            total = _figures(row)
        elif row.part == "group":
            grouped.append((str(row.key), _figures(row)))
        else:
            counts[int(row.bin)] = int(row.datasets)
    width = 100 // BINS
    bins = [
        {"from": b * width, "to": (b + 1) * width, "datasets": counts.get(b, 0)} for b in range(BINS)
    ]
    return Aggregates(total=total, groups=grouped, distribution=bins)


def totals(filters: Filters) -> dict[str, Any]:
    """The filtered scores' total figures."""
    return aggregate("organization", filters).total


def groups(group_by: str, filters: Filters) -> list[tuple[str, dict[str, Any]]]:
    """(key, figures) per group; a dataset counts in every region/comuna/dimension it names."""
    return aggregate(group_by, filters).groups


def distribution(filters: Filters) -> list[dict[str, Any]]:
    """Datasets per 10-point bin of their percentage of the maximum (100 in the last bin)."""
    return aggregate("organization", filters).distribution


def worst(filters: Filters, limit: int, lang: str, quality: QualityFile) -> list[dict[str, Any]]:
    """The lowest-scoring datasets (percentage, then points, then name) with their top fixes."""
    if limit <= 0:
        return []
    where, params = filters.where()
    rows = model.Session.execute(
        sa.text(
            "SELECT s.package_id, s.name, s.title, s.organization, s.points, s.max_points, "
            "s.rating, s.fixes FROM territorio_quality_score s "
            f"WHERE {where} ORDER BY CASE WHEN s.max_points > 0 THEN s.points / s.max_points END, "
            "s.points, s.name LIMIT :limit"
        ),
        {**params, "limit": limit},
    )
    return [
        {
            "package_id": row.package_id,
            "name": row.name,
            "title": row.title,
            "organization": row.organization,
            "points": _r1(row.points),
            "percent": _r1(100 * row.points / row.max_points) if row.max_points else 0.0,
            "rating": row.rating,
            "fixes": localized_fixes((row.fixes or [])[:TOP_FIXES], lang, quality),
        }
        for row in rows
    ]


def localized_fixes(
    fixes: Sequence[Mapping[str, Any]], lang: str, quality: QualityFile
) -> list[dict[str, Any]]:
    """Stored fixes as the API returns them: the file's message in one language."""
    english = lang.lower().startswith("en")
    result = []
    for fix in fixes:
        message = stored_fix(fix, quality)
        text = message.get("en") if english and message.get("en") else message.get("es", "")
        result.append({"indicator": fix.get("indicator"), "gain": _r1(fix.get("gain")), "message": text})
    return result


# --- labels and order --------------------------------------------------------------------------


def organization_titles(names: Sequence[str]) -> dict[str, str]:
    """The titles of the organizations named (the name when it has no title)."""
    if not names:
        return {}
    rows = model.Session.execute(
        sa.text("SELECT name, title FROM \"group\" WHERE name = ANY(:names) AND is_organization"),
        {"names": list(names)},
    )
    return {row.name: row.title or row.name for row in rows}


def label_and_order(group_by: str, keys: Sequence[str], fw: Framework, lang: str) -> dict[str, tuple[Any, str]]:
    """key → (sort key, label): the framework's order for regions and dimensions."""
    result: dict[str, tuple[Any, str]] = {}
    if group_by == "organization":
        titles = organization_titles(keys)
        for key in keys:
            label = titles.get(key, key)
            result[key] = ((label.casefold(), key), label)
    elif group_by == "region":
        order = {fw.national.code: -1, **{r.iso: n for n, r in enumerate(fw.regions)}}
        for key in keys:
            region = fw.region_by_iso.get(key)
            label = region.name if region else (fw.national.name if key == fw.national.code else key)
            result[key] = ((order.get(key, len(order)), key), label)
    elif group_by == "comuna":
        for key in keys:
            comuna = fw.comuna_by_cut.get(key)
            result[key] = ((key,), comuna.name if comuna else key)
    else:
        order = {d.slug: n for n, d in enumerate(fw.dimensions)}
        for key in keys:
            dimension = fw.dimension_by_slug.get(key)
            label = dimension.label.get(lang) if dimension else key
            result[key] = ((order.get(key, len(order)), key), label)
    return result


def summarize(
    group_by: str,
    filters: Filters,
    fw: Framework,
    lang: str,
    quality: QualityFile,
    worst_count: int = 0,
) -> dict[str, Any]:
    """Everything territorio_quality_summary returns, but the profile fields."""
    figures = aggregate(group_by, filters)
    labels = label_and_order(group_by, [key for key, _ in figures.groups], fw, lang)
    ordered = sorted(figures.groups, key=lambda item: labels[item[0]][0])
    return {
        "group_by": group_by,
        "filters": filters.as_dict(),
        "total": figures.total,
        "groups": [{"key": key, "label": labels[key][1], **values} for key, values in ordered],
        "distribution": figures.distribution,
        "worst": worst(filters, worst_count, lang, quality),
    }


# --- trend --------------------------------------------------------------------------------------


def run_summary() -> dict[str, Any]:
    """The portal-wide aggregates a finished batch run keeps (public datasets)."""
    public = Filters()
    by_organization = aggregate("organization", public)
    return {
        "total": by_organization.total,
        "organizations": dict(by_organization.groups),
        "regions": dict(groups("region", public)),
    }


def trend(organization: str | None = None, region: str | None = None) -> list[dict[str, Any]]:
    """One point per day with a finished batch run (its last run of the day), oldest first."""
    runs = (
        model.Session.query(QualityRun)
        .filter(QualityRun.status == "finished")
        .order_by(QualityRun.finished.asc(), QualityRun.id.asc())
        .all()
    )
    by_day: dict[dt.date, dict[str, Any]] = {}
    for run in runs:
        summary = run.summary or {}
        if organization:
            figures = (summary.get("organizations") or {}).get(organization)
        elif region:
            figures = (summary.get("regions") or {}).get(region)
        else:
            figures = summary.get("total")
        if not figures or run.finished is None:
            continue
        by_day[run.finished.date()] = {
            "date": run.finished.date().isoformat(),
            "datasets": figures.get("datasets", 0),
            "mean_points": figures.get("mean_points"),
            "mean_percent": figures.get("mean_percent"),
            "ratings": figures.get("ratings") or {r: 0 for r in RATINGS},
        }
    return [by_day[day] for day in sorted(by_day)]
