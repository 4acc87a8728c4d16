"""Citizens' demand in figures: data requests by region and dimension, and how fast each
organization answers them.

Only counts and times leave this module, never a title or a text, so held requests (personal
data found) are counted like any other without showing anything of them. A request is
*answered* once its status has left ``abierta`` (taken up or closed): ``answered`` holds when.
A request tagged with two regions counts in both; one with none counts under ``NONE``.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from ckan import model

from ..model.citizen import CitizenRequest

NONE = ""  # the key of requests without a region (or dimension)
SECONDS_A_DAY = 86400.0


@dataclass(frozen=True, slots=True)
class Demand:
    """Requests received under one key (a region's ISO code, a dimension's slug)."""

    key: str
    received: int
    open: int  # not answered yet
    answered: int


@dataclass(frozen=True, slots=True)
class AnswerTime:
    """An organization's requests: received, answered, median days to the first answer."""

    received: int
    answered: int
    median_days: float | None  # None: nothing answered yet


def _tags(column: sa.ColumnElement[list[str]]) -> sa.ColumnElement[str]:
    """The array's elements, or one ``NONE`` when it is empty (so untagged requests count)."""
    return sa.func.unnest(
        sa.case((sa.func.cardinality(column) == 0, sa.literal([NONE], column.type)), else_=column)
    )


def _by(column: sa.ColumnElement[list[str]]) -> dict[str, Demand]:
    tags = (
        sa.select(_tags(column).label("key"), CitizenRequest.answered.label("answered"))
        .select_from(CitizenRequest)
        .subquery()
    )
    answered = sa.func.count().filter(tags.c.answered.is_not(None))
    rows = model.Session.execute(
        sa.select(tags.c.key, sa.func.count(), answered).group_by(tags.c.key)
    )
    return {
        key: Demand(key, int(received), int(received) - int(done), int(done))
        for key, received, done in rows
    }


def by_region() -> dict[str, Demand]:
    """Requests by region (ISO code; ``NONE``: no region given), held ones included."""
    return _by(CitizenRequest.region.expression)


def by_dimension() -> dict[str, Demand]:
    """Requests by dimension (slug; ``NONE``: no dimension given), held ones included."""
    return _by(CitizenRequest.dimension.expression)


def totals() -> Demand:
    """All requests: received, open and answered (each counted once)."""
    received, done = model.Session.execute(
        sa.select(sa.func.count(), sa.func.count(CitizenRequest.answered)).select_from(CitizenRequest)
    ).one()
    return Demand(NONE, int(received), int(received) - int(done), int(done))


def answer_time(organization_id: str) -> AnswerTime:
    """The requests addressed to the organization and the median days to their first answer."""
    days = sa.extract("epoch", CitizenRequest.answered - CitizenRequest.created) / SECONDS_A_DAY
    received, done, median = model.Session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count(CitizenRequest.answered),
            sa.func.percentile_cont(0.5).within_group(days),
        ).where(CitizenRequest.organization_id == organization_id)
    ).one()
    return AnswerTime(int(received), int(done), float(median) if median is not None else None)
