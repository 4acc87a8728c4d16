"""Helpers of the harvest source page of an ``mqtt`` source: what the stream consumer read."""
from __future__ import annotations

from typing import Any

from ckan import model

from ...model import stream_dead_letter

__all__ = ["territorio_stream_summary"]


def territorio_stream_summary(source_id: str, latest: int = 5) -> dict[str, Any] | None:
    """Messages read and malformed for an mqtt source, and the latest dead letters (None: none yet)."""
    summary = stream_dead_letter.summary(model.Session, source_id, latest)
    if summary is None:
        return None
    return {
        "received": summary.received,
        "malformed": summary.malformed,
        "last_message": summary.last_message,
        "latest": summary.latest,
    }
