"""The policy staff's dashboard (/calidad): headline figures, charts, worst datasets, groups."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import actions, summary_tables
from .filters import Filters
from .tables import Table

WORST = 10


@dataclass(frozen=True)
class Dashboard:
    """The dashboard page: filters, grouping, summary, trend, and their tables and charts."""

    filters: Filters
    group_by: str
    summary: Mapping[str, Any]
    trend: Mapping[str, Any]
    # organizations with scored datasets, for the filter: (name, title)
    organizations: list[tuple[str, str]]
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, str] = field(default_factory=dict)

    @property
    def trend_filtered(self) -> bool:
        """The trend is kept per organization and region only: say when other filters apply."""
        return bool(self.filters.comuna or self.filters.dimension)


def build(filters: Filters, group_by: str) -> Dashboard:
    """Three calls: the filtered summary, its trend, and the organizations for the filter."""
    summary = actions.summary(
        group_by, filters.for_action(), include_private=True, worst=WORST
    )
    trend = actions.trend(organization=filters.organization, region=filters.region)
    organizations = actions.summary("organization", include_private=True)
    org_titles = {g["key"]: g.get("label") or g["key"] for g in organizations.get("groups") or []}
    tables = {
        t.name: t
        for t in (
            summary_tables.groups_table(summary, group_by),
            summary_tables.distribution_table(summary),
            summary_tables.ratings_table(summary),
            summary_tables.worst_table(summary, org_titles=org_titles),
            summary_tables.trend_table(trend),
        )
    }
    return Dashboard(
        filters=filters,
        group_by=group_by,
        summary=summary,
        trend=trend,
        organizations=sorted(org_titles.items(), key=lambda pair: pair[1].lower()),
        tables=tables,
        charts={
            "distribucion": summary_tables.distribution_chart(summary),
            "calificaciones": summary_tables.ratings_chart(summary),
            "tendencia": summary_tables.trend_chart(trend),
        },
    )
