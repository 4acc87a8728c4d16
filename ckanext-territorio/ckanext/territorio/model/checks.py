"""Deferred checks: which datasets still wait for their after-save validations and scoring."""
from __future__ import annotations

import datetime

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

STATUSES = ("pending", "done")


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class DatasetChecks(tk.BaseModel):  # type: ignore[misc, valid-type]
    """One row per dataset: its checks were asked for at ``requested`` and ran (or not) since.

    Written in the same transaction as the dataset save, so a committed dataset always says
    whether its checks are pending; the job marks it done only if no newer save came meanwhile.
    """

    __tablename__ = "territorio_dataset_checks"

    package_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    status: Mapped[str] = mapped_column(sa.Text, nullable=False, default="pending")
    requested: Mapped[datetime.datetime] = mapped_column(
        sa.DateTime(timezone=True), nullable=False, default=_now
    )
    finished: Mapped[datetime.datetime | None] = mapped_column(sa.DateTime(timezone=True))
