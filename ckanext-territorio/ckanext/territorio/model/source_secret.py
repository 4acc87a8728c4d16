"""The secrets of harvest sources (API keys, tokens, passwords), kept apart from their config.

ckanext-harvest stores a source's config in the dataset's extras and in ``harvest_source``,
and returns it to anyone who can see the source; the secret keys live here instead, keyed
by the source id, and no action returns this table. The harvesters read it when they run.
"""
from __future__ import annotations

import datetime
from collections.abc import Mapping

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from sqlalchemy.orm import Mapped, mapped_column


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class SourceSecret(tk.BaseModel):  # type: ignore[misc, valid-type]
    """One secret key of a harvest source's config (``api_key``, ``password``...)."""

    __tablename__ = "territorio_source_secret"

    source_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    name: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text, nullable=False)
    updated: Mapped[datetime.datetime] = mapped_column(
        sa.DateTime(timezone=True), nullable=False, default=_now, onupdate=_now
    )


def secrets_of(source_id: str | None) -> dict[str, str]:
    """The stored secrets of a source, by key name (empty for an unknown source)."""
    if not source_id:
        return {}
    rows = model.Session.query(SourceSecret).filter(SourceSecret.source_id == source_id)
    return {row.name: row.value for row in rows}


def names_of(source_id: str | None) -> set[str]:
    """The names of the secrets stored for a source (never their values)."""
    return set(secrets_of(source_id))


def apply(source_id: str, changes: Mapping[str, str | None]) -> None:
    """Store each secret of ``changes``; a ``None`` value removes that secret (no commit)."""
    for name, value in changes.items():
        row = model.Session.get(SourceSecret, (source_id, name))
        if value is None:
            if row is not None:
                model.Session.delete(row)
        elif row is None:
            model.Session.add(SourceSecret(source_id=source_id, name=name, value=value))
        else:
            row.value = value
    model.Session.flush()


def forget(source_id: str) -> None:
    """Remove every secret of a source (when the source is purged; no commit)."""
    model.Session.query(SourceSecret).filter(SourceSecret.source_id == source_id).delete()
