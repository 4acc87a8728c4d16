"""The citizen channel's tables: data requests (votes, comments, linked datasets) and reports.

``held`` marks a text the personal-data scanner flagged: kept for review, shown only to
sysadmins, auditors and its author. ``address_hash`` is the SHA-256 of the sender's remote
address (never the address itself), read by the per-address rate limit.
"""
from __future__ import annotations

import datetime
import uuid

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _uuid() -> str:
    return str(uuid.uuid4())


class CitizenRequest(tk.BaseModel):  # type: ignore[misc, valid-type]
    """A data request ("solicitud de datos"), optionally addressed to an organization."""

    __tablename__ = "territorio_request"

    id: Mapped[str] = mapped_column(sa.Text, primary_key=True, default=_uuid)
    title: Mapped[str] = mapped_column(sa.Text, nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False)
    status: Mapped[str] = mapped_column(sa.Text, nullable=False, default="abierta")
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    dimension: Mapped[list[str]] = mapped_column(ARRAY(sa.Text), nullable=False, default=list)
    subdimension: Mapped[list[str]] = mapped_column(ARRAY(sa.Text), nullable=False, default=list)
    region: Mapped[list[str]] = mapped_column(ARRAY(sa.Text), nullable=False, default=list)
    comuna: Mapped[list[str]] = mapped_column(ARRAY(sa.Text), nullable=False, default=list)
    organization_id: Mapped[str | None] = mapped_column(sa.Text, index=True)
    creator_user_id: Mapped[str] = mapped_column(sa.Text, nullable=False, index=True)
    created: Mapped[datetime.datetime] = mapped_column(sa.DateTime(timezone=True), nullable=False, default=_now)
    modified: Mapped[datetime.datetime] = mapped_column(sa.DateTime(timezone=True), nullable=False, default=_now)
    closed: Mapped[datetime.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # the first time the status left "abierta" (taken up or closed): the answer time counts to it
    answered: Mapped[datetime.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    held: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    address_hash: Mapped[str | None] = mapped_column(sa.Text)


class RequestVote(tk.BaseModel):  # type: ignore[misc, valid-type]
    """One user's support of a request (one per user and request)."""

    __tablename__ = "territorio_request_vote"

    request_id: Mapped[str] = mapped_column(
        sa.Text, sa.ForeignKey("territorio_request.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    created: Mapped[datetime.datetime] = mapped_column(sa.DateTime(timezone=True), nullable=False, default=_now)


class RequestComment(tk.BaseModel):  # type: ignore[misc, valid-type]
    """A comment on a request."""

    __tablename__ = "territorio_request_comment"

    id: Mapped[str] = mapped_column(sa.Text, primary_key=True, default=_uuid)
    request_id: Mapped[str] = mapped_column(
        sa.Text, sa.ForeignKey("territorio_request.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id: Mapped[str] = mapped_column(sa.Text, nullable=False, index=True)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    created: Mapped[datetime.datetime] = mapped_column(sa.DateTime(timezone=True), nullable=False, default=_now)
    held: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    address_hash: Mapped[str | None] = mapped_column(sa.Text)


class RequestDataset(tk.BaseModel):  # type: ignore[misc, valid-type]
    """A dataset linked to a request as (part of) its answer."""

    __tablename__ = "territorio_request_dataset"

    request_id: Mapped[str] = mapped_column(
        sa.Text, sa.ForeignKey("territorio_request.id", ondelete="CASCADE"), primary_key=True
    )
    package_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)


class Report(tk.BaseModel):  # type: ignore[misc, valid-type]
    """A problem reported on a published dataset or resource ("reportar un problema")."""

    __tablename__ = "territorio_report"

    id: Mapped[str] = mapped_column(sa.Text, primary_key=True, default=_uuid)
    package_id: Mapped[str] = mapped_column(sa.Text, nullable=False, index=True)
    resource_id: Mapped[str | None] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.Text, nullable=False)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    user_id: Mapped[str] = mapped_column(sa.Text, nullable=False, index=True)
    status: Mapped[str] = mapped_column(sa.Text, nullable=False, default="abierto")
    answer: Mapped[str | None] = mapped_column(sa.Text)
    created: Mapped[datetime.datetime] = mapped_column(sa.DateTime(timezone=True), nullable=False, default=_now)
    closed: Mapped[datetime.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    held: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    urgent: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    address_hash: Mapped[str | None] = mapped_column(sa.Text)
