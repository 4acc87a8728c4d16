"""An organization's report card (/calidad/organizacion/<name>)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk

from ...citizen import demand
from ...quality.dimension_means import dimension_means
from . import actions
from .harvest import health_table, sources_health
from .summary_tables import (
    dimension_means_table,
    groups_table,
    ratings_chart,
    ratings_table,
    trend_chart,
    trend_table,
    worst_table,
)
from .tables import Table

# datasets listed on the card, worst first (the summary lists at most 100); CSV and JSON too
MAX_DATASETS = 100


@dataclass(frozen=True)
class ReportCard:
    """An organization's report card: its summary, trend, harvest health, the answer time of
    its data requests, tables and charts."""

    organization: Mapping[str, Any]
    summary: Mapping[str, Any]
    trend: Mapping[str, Any]
    # None: the harvest health checks are not installed
    harvest: list[Any] | None
    # the data requests addressed to it: received, answered, median days to the first answer
    requests: demand.AnswerTime = demand.AnswerTime(0, 0, None)
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, str] = field(default_factory=dict)

    @property
    def datasets_shown(self) -> int:
        """How many datasets the card's dataset table lists."""
        return len(self.tables["conjuntos"].rows)


def build(organization: Mapping[str, Any]) -> ReportCard:
    """The card of an organization the user may see (the caller checked that).

    The actions run without their own checks: members read their own organization's
    private datasets, which the summary otherwise shows to auditors only.
    """
    name = organization["name"]
    summary = actions.summary(
        "dimension", {"organization": name}, include_private=True, worst=MAX_DATASETS,
        ignore_auth=True,
    )
    trend = actions.trend(organization=name, ignore_auth=True)
    harvest = sources_health(name)
    tables = [
        dimension_means_table(dimension_means(organization=name, include_private=True)),
        groups_table(summary, "dimension", name="dimensiones_plan"),
        ratings_table(summary),
        worst_table(
            summary,
            name="conjuntos",
            title=tk._("Conjuntos de datos, del menor al mayor puntaje"),
            org_titles={name: organization.get("title") or name},
        ),
        trend_table(trend),
    ]
    if harvest is not None:
        tables.append(health_table(harvest))
    return ReportCard(
        organization=organization,
        summary=summary,
        trend=trend,
        harvest=harvest,
        requests=demand.answer_time(organization["id"]),
        tables={t.name: t for t in tables},
        charts={
            "calificaciones": ratings_chart(summary),
            "tendencia": trend_chart(trend),
        },
    )

