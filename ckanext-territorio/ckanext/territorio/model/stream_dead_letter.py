"""What the MQTT stream consumer could not read: a bounded dead-letter table and counters.

Every malformed message is counted in ``territorio_stream_counter`` (per source, since the
source exists) and kept, with its reason and the start of its payload, in
``territorio_stream_dead_letter``; only the newest ``KEEP`` of each source are kept, so a
broken publisher cannot fill the database. The source's page shows both.
"""
from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

KEEP = 200
PAYLOAD_CHARS = 500


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class StreamDeadLetter(tk.BaseModel):  # type: ignore[misc, valid-type]
    """One message of an MQTT source that could not be read, with the reason."""

    __tablename__ = "territorio_stream_dead_letter"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=True)
    source_id: Mapped[str] = mapped_column(sa.Text, nullable=False, index=True)
    received: Mapped[datetime.datetime] = mapped_column(sa.DateTime(timezone=True), nullable=False, default=_now)
    topic: Mapped[str] = mapped_column(sa.Text, nullable=False)
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False)
    payload: Mapped[str] = mapped_column(sa.Text, nullable=False)


class StreamCounter(tk.BaseModel):  # type: ignore[misc, valid-type]
    """How many messages of a source were read, and how many were malformed."""

    __tablename__ = "territorio_stream_counter"

    source_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    received: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, default=0)
    malformed: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, default=0)
    last_message: Mapped[datetime.datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)


@dataclass(frozen=True)
class Letter:
    """A malformed message as the consumer reports it."""

    topic: str
    reason: str
    payload: bytes


@dataclass(frozen=True)
class Summary:
    """What a source's page shows: counts and the latest reasons."""

    received: int
    malformed: int
    last_message: datetime.datetime | None
    latest: list[dict[str, Any]]


def record(session: Any, source_id: str, received: int, letters: Sequence[Letter]) -> None:
    """Count ``received`` messages and keep ``letters`` (malformed), trimming old ones (no commit)."""
    if not received and not letters:
        return
    now = _now()
    session.execute(
        sa.text(
            "INSERT INTO territorio_stream_counter AS c (source_id, received, malformed, last_message) "
            "VALUES (:s, :r, :m, :t) ON CONFLICT (source_id) DO UPDATE SET "
            "received = c.received + EXCLUDED.received, malformed = c.malformed + EXCLUDED.malformed, "
            "last_message = EXCLUDED.last_message"
        ),
        {"s": source_id, "r": received, "m": len(letters), "t": now},
    )
    if not letters:
        return
    for letter in letters[-KEEP:]:
        session.add(
            StreamDeadLetter(
                source_id=source_id,
                received=now,
                topic=letter.topic[:500],
                reason=letter.reason[:1000],
                payload=letter.payload[: PAYLOAD_CHARS * 4].decode("utf-8", "replace")[:PAYLOAD_CHARS],
            )
        )
    session.flush()
    session.execute(
        sa.text(
            "DELETE FROM territorio_stream_dead_letter WHERE source_id = :s AND id < ("
            "SELECT min(id) FROM (SELECT id FROM territorio_stream_dead_letter WHERE source_id = :s "
            "ORDER BY id DESC LIMIT :keep) newest)"
        ),
        {"s": source_id, "keep": KEEP},
    )


def summary(session: Any, source_id: str, latest: int = 5) -> Summary | None:
    """The source's counts and its ``latest`` dead letters, newest first (None: never read)."""
    counter = session.get(StreamCounter, source_id)
    if counter is None:
        return None
    rows = (
        session.query(StreamDeadLetter)
        .filter(StreamDeadLetter.source_id == source_id)
        .order_by(StreamDeadLetter.id.desc())
        .limit(latest)
    )
    return Summary(
        received=counter.received,
        malformed=counter.malformed,
        last_message=counter.last_message,
        latest=[
            {"received": row.received, "topic": row.topic, "reason": row.reason, "payload": row.payload}
            for row in rows
        ],
    )


def forget(session: Any, source_id: str) -> None:
    """Remove a source's counters and dead letters (when the source is purged; no commit)."""
    session.query(StreamDeadLetter).filter(StreamDeadLetter.source_id == source_id).delete()
    session.query(StreamCounter).filter(StreamCounter.source_id == source_id).delete()
