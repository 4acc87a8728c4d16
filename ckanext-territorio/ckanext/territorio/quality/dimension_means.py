"""Mean points per quality dimension (MQA's findability, accessibility ...) over a set of
datasets, read from the stored scores in one statement.

The summary action groups by the plan's territorial keys; a report card also needs the
quality dimensions, which each score keeps as ``{dimension: {points, max}}`` (jsonb).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from ckan import model

# MQA's order; a profile's own dimensions follow, by name
MQA_ORDER = ("findability", "accessibility", "interoperability", "reusability", "contextuality")

_QUERY = """
SELECT d.key AS dimension,
       count(*) AS datasets,
       avg((d.value ->> 'points')::float) AS points,
       avg((d.value ->> 'max')::float) AS max_points,
       100 * sum((d.value ->> 'points')::float) / nullif(sum((d.value ->> 'max')::float), 0)
         AS percent
FROM territorio_quality_score AS s
CROSS JOIN LATERAL jsonb_each(s.dimensions) AS d
WHERE (CAST(:organization AS text) IS NULL OR s.organization = :organization)
  AND (CAST(:region AS text) IS NULL OR :region = ANY (s.regions))
  AND (:include_private OR NOT s.private)
GROUP BY d.key
"""


@dataclass(frozen=True, slots=True)
class DimensionMean:
    """Mean points and mean maximum (indicators that do not apply lower a dataset's
    maximum); percent: all points over all points possible."""

    key: str
    datasets: int
    points: float
    max_points: float
    percent: float | None


def _order(key: str) -> tuple[int, str]:
    return (MQA_ORDER.index(key), "") if key in MQA_ORDER else (len(MQA_ORDER), key)


def dimension_means(
    *, organization: str | None = None, region: str | None = None, include_private: bool = False
) -> list[DimensionMean]:
    """Means over the scored datasets of an organization (by name) and/or a region."""
    rows = model.Session.execute(
        sa.text(_QUERY),
        {"organization": organization, "region": region, "include_private": include_private},
    )
    means = [
        DimensionMean(
            row.dimension,
            row.datasets,
            round(row.points or 0, 1),
            round(row.max_points or 0, 1),
            None if row.percent is None else round(row.percent, 1),
        )
        for row in rows
    ]
    return sorted(means, key=lambda m: _order(m.key))
