"""The per-source secret NGSI-LD context brokers send with their notifications (only its hash).

An editor of an ``ngsi-ld`` harvest source creates the secret; it is shown once, in the answer
that creates it, and only its SHA-256 is kept here. A new secret replaces the old one.
"""
from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class NotifySecret(tk.BaseModel):  # type: ignore[misc, valid-type]
    """The hash of the notification secret of one harvest source."""

    __tablename__ = "territorio_notify_secret"

    source_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    digest: Mapped[str] = mapped_column(sa.Text, nullable=False)
    created: Mapped[datetime.datetime] = mapped_column(sa.DateTime(timezone=True), nullable=False, default=_now)


def renew(session: Any, source_id: str) -> str:
    """A new secret for the source (returned once; its hash replaces the old one; no commit)."""
    token = secrets.token_urlsafe(32)
    row = session.get(NotifySecret, source_id)
    if row is None:
        session.add(NotifySecret(source_id=source_id, digest=_digest(token), created=_now()))
    else:
        row.digest, row.created = _digest(token), _now()
    session.flush()
    return token


def matches(session: Any, source_id: str, token: str | None) -> bool:
    """Whether ``token`` is the source's current secret (constant-time comparison)."""
    row = session.get(NotifySecret, source_id)
    if row is None or not token:
        return False
    return hmac.compare_digest(row.digest, _digest(token))


def exists(session: Any, source_id: str) -> bool:
    """Whether the source has a secret (never its value)."""
    return session.get(NotifySecret, source_id) is not None


def forget(session: Any, source_id: str) -> None:
    """Remove the source's secret (when the source is purged; no commit)."""
    session.query(NotifySecret).filter(NotifySecret.source_id == source_id).delete()
