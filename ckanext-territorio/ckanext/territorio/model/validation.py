"""Policy validation reports (per resource file, per dataset) and held publications."""
from __future__ import annotations

import datetime
import uuid

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

KINDS = ("content", "metadata", "dcat")
STATUSES = ("pending", "running", "done", "failed")


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class ValidationReport(tk.BaseModel):  # type: ignore[misc, valid-type]
    """One run of the policy rules: a resource's file (content) or a dataset (metadata, dcat).

    Rows are never updated after they finish; the latest row per resource (or per dataset and
    kind) is the standing report, older ones are its history. ``rules`` is the list of rule
    results (rule, level, passed, count, first findings with row/column and messages es/en).
    """

    __tablename__ = "territorio_validation_report"

    id: Mapped[str] = mapped_column(sa.Text, primary_key=True, default=lambda: str(uuid.uuid4()))
    package_id: Mapped[str] = mapped_column(sa.Text, nullable=False)
    resource_id: Mapped[str | None] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.Text, nullable=False)
    status: Mapped[str] = mapped_column(sa.Text, nullable=False, default="pending")
    policy_version: Mapped[str] = mapped_column(sa.Text, nullable=False)
    # what the content was checked for: the file (url, size, hash, last_modified) it read
    fingerprint: Mapped[str | None] = mapped_column(sa.Text)
    passed: Mapped[bool | None] = mapped_column(sa.Boolean)
    error_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    warning_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    rules: Mapped[list] = mapped_column(JSONB, nullable=False, default=list)
    stats: Mapped[dict] = mapped_column(JSONB, nullable=False, default=dict)
    created: Mapped[datetime.datetime] = mapped_column(
        sa.DateTime(timezone=True), nullable=False, default=_now
    )
    started: Mapped[datetime.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    finished: Mapped[datetime.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    accepted_by: Mapped[str | None] = mapped_column(sa.Text)
    accepted_at: Mapped[datetime.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    acceptance_note: Mapped[str | None] = mapped_column(sa.Text)


class PublicationHold(tk.BaseModel):  # type: ignore[misc, valid-type]
    """A dataset kept private until its checks pass (harvested datasets asked to be public)."""

    __tablename__ = "territorio_publication_hold"

    package_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False)
    created: Mapped[datetime.datetime] = mapped_column(
        sa.DateTime(timezone=True), nullable=False, default=_now
    )
