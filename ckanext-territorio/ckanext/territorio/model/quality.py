"""Quality audit tables: each dataset's standing score, its history, batch runs, link checks."""
from __future__ import annotations

import datetime

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class QualityScore(tk.BaseModel):  # type: ignore[misc, valid-type]
    """A dataset's standing score under the active profile (one row per dataset).

    The territorial keys are copied from the dataset so that summaries group and filter
    without reading the datasets again. ``points`` / ``rating`` follow the active profile
    (the portal's by default); ``mqa_points`` / ``mqa_rating`` always hold the MQA-only
    figure so the portal stays comparable with data.europa.eu. ``dimensions`` maps each
    quality dimension to ``{"points": n, "max": m}``; ``indicators`` is the list of
    indicator results and ``fixes`` the ranked list of what would raise the score most.
    """

    __tablename__ = "territorio_quality_score"

    package_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    name: Mapped[str] = mapped_column(sa.Text, nullable=False)
    title: Mapped[str | None] = mapped_column(sa.Text)
    dataset_type: Mapped[str | None] = mapped_column(sa.Text)
    organization: Mapped[str | None] = mapped_column(sa.Text)
    private: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    regions: Mapped[list[str]] = mapped_column(ARRAY(sa.Text), nullable=False, default=list)
    comunas: Mapped[list[str]] = mapped_column(ARRAY(sa.Text), nullable=False, default=list)
    dimensions_keys: Mapped[list[str]] = mapped_column(ARRAY(sa.Text), nullable=False, default=list)
    profile: Mapped[str] = mapped_column(sa.Text, nullable=False)
    profile_version: Mapped[str] = mapped_column(sa.Text, nullable=False)
    points: Mapped[float] = mapped_column(sa.Float, nullable=False)
    max_points: Mapped[float] = mapped_column(sa.Float, nullable=False)
    rating: Mapped[str] = mapped_column(sa.Text, nullable=False)
    mqa_points: Mapped[float] = mapped_column(sa.Float, nullable=False)
    mqa_rating: Mapped[str] = mapped_column(sa.Text, nullable=False)
    fresh: Mapped[bool | None] = mapped_column(sa.Boolean)
    has_errors: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    personal_findings: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    dimensions: Mapped[dict] = mapped_column(JSONB, nullable=False, default=dict)
    indicators: Mapped[list] = mapped_column(JSONB, nullable=False, default=list)
    fixes: Mapped[list] = mapped_column(JSONB, nullable=False, default=list)
    metadata_modified: Mapped[datetime.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    scored_at: Mapped[datetime.datetime] = mapped_column(
        sa.DateTime(timezone=True), nullable=False, default=_now
    )


class QualityHistory(tk.BaseModel):  # type: ignore[misc, valid-type]
    """A dataset's score each time it changed: the trend behind a report card."""

    __tablename__ = "territorio_quality_history"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=True)
    package_id: Mapped[str] = mapped_column(sa.Text, nullable=False)
    scored_at: Mapped[datetime.datetime] = mapped_column(
        sa.DateTime(timezone=True), nullable=False, default=_now
    )
    points: Mapped[float] = mapped_column(sa.Float, nullable=False)
    max_points: Mapped[float] = mapped_column(sa.Float, nullable=False)
    rating: Mapped[str] = mapped_column(sa.Text, nullable=False)
    mqa_points: Mapped[float] = mapped_column(sa.Float, nullable=False)
    profile_version: Mapped[str] = mapped_column(sa.Text, nullable=False)


class QualityRun(tk.BaseModel):  # type: ignore[misc, valid-type]
    """One batch scoring run with its portal-wide aggregates: the points of the trend chart.

    ``summary`` holds the aggregates at the end of the run (datasets, mean score, rating
    distribution, share fresh, share with errors; overall and per organization and region).
    """

    __tablename__ = "territorio_quality_run"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=True)
    started: Mapped[datetime.datetime] = mapped_column(
        sa.DateTime(timezone=True), nullable=False, default=_now
    )
    finished: Mapped[datetime.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    status: Mapped[str] = mapped_column(sa.Text, nullable=False, default="running")
    profile_version: Mapped[str] = mapped_column(sa.Text, nullable=False)
    datasets: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    summary: Mapped[dict] = mapped_column(JSONB, nullable=False, default=dict)


class LinkCheck(tk.BaseModel):  # type: ignore[misc, valid-type]
    """The latest HTTP check of a resource's URL (the broken-link indicator reads it).

    ``outcome`` is one of ok, http_error, timeout, redirect_loop, too_many_redirects,
    private_address, connection_error, invalid_url; ``status_code`` is the last HTTP status
    seen (None when no response came back).
    """

    __tablename__ = "territorio_link_check"

    resource_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    package_id: Mapped[str] = mapped_column(sa.Text, nullable=False)
    url: Mapped[str] = mapped_column(sa.Text, nullable=False)
    ok: Mapped[bool] = mapped_column(sa.Boolean, nullable=False)
    outcome: Mapped[str] = mapped_column(sa.Text, nullable=False)
    status_code: Mapped[int | None] = mapped_column(sa.Integer)
    final_url: Mapped[str | None] = mapped_column(sa.Text)
    elapsed_ms: Mapped[int | None] = mapped_column(sa.Integer)
    message: Mapped[str | None] = mapped_column(sa.Text)
    checked_at: Mapped[datetime.datetime] = mapped_column(
        sa.DateTime(timezone=True), nullable=False, default=_now
    )
