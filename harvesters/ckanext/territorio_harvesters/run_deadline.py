"""A harvest job's wall-clock deadline, shared by its gather and its imports.

The per-request deadline of the client (``timeout`` × 5) bounds one response; a source that
trickles every page just under it still held the single gather or fetch consumer for hours,
and every other source waited. A run has a deadline too: ``run_deadline`` seconds (the
source's config, else ``ckanext.territorio.harvest.run_deadline``) from the start of its
gather. While a stage of the job runs (``RunDeadline.applied``) the clients it opens cut every
request at that time, trickling or not (``http.Client``), with ``RunDeadlineExceeded``: the
gather records it as its error; a sensor import keeps what it loaded, records it on its object
and leaves the rest to the next run (its watermark). An import that starts after the deadline
makes no request at all, so the job's remaining objects do not hold the consumers one after
the other either; imports that make no request (catalogue datasets, already gathered) are not
cut, since no source can hold them.

Gather and imports run in different processes, so the deadline is a wall-clock time (the
job's ``gather_started``, which ckanext-harvest sets in UTC), not a monotonic one.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from . import config

_ACTIVE: contextvars.ContextVar[RunDeadline | None] = contextvars.ContextVar(
    "territorio_harvest_run_deadline", default=None
)


@dataclass(frozen=True)
class RunDeadline:
    """``seconds`` for the whole run, ending at ``ends_at`` (seconds since the epoch)."""

    seconds: float
    ends_at: float

    def remaining(self) -> float:
        """Seconds left (negative once passed)."""
        return self.ends_at - time.time()

    def passed(self) -> bool:
        """Whether the run's time is up."""
        return self.remaining() <= 0

    def message(self) -> str:
        """What the harvest pages say when the deadline cut the run (Spanish)."""
        return (
            f"se alcanzó el plazo de {self.seconds:g} s de esta ejecución de la cosecha "
            "(run_deadline); el resto se cosechará en la próxima"
        )

    @contextlib.contextmanager
    def applied(self) -> Iterator[RunDeadline]:
        """The clients opened inside the block (``sources.client_for``) obey this deadline."""
        token = _ACTIVE.set(self)
        try:
            yield self
        finally:
            _ACTIVE.reset(token)


def active() -> RunDeadline | None:
    """The deadline of the stage running in this thread, if any."""
    return _ACTIVE.get()


def source_seconds(source: Any) -> int:
    """The source's ``run_deadline``, else the portal's (0: no deadline)."""
    try:
        settings = json.loads(getattr(source, "config", None) or "{}")
    except ValueError:
        settings = {}
    value = settings.get("run_deadline") if isinstance(settings, dict) else None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return config.run_deadline()


def for_job(job: Any) -> RunDeadline | None:
    """The deadline of a harvest job: from its gather's start (or creation); None if disabled."""
    seconds = source_seconds(job.source)
    if seconds <= 0:
        return None
    started = job.gather_started or job.created or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    # ckanext-harvest's times are naive UTC
    epoch = started.replace(tzinfo=dt.UTC).timestamp()
    return RunDeadline(float(seconds), epoch + seconds)

