"""The periodic batch scoring: every ``interval_hours`` a run is queued on ``territorio``.

The last run row says when the previous one started, so a restarted scheduler does not
queue a run early; a run still queued or running is not queued twice, unless it has been
"running" for longer than twice the interval (its worker died): then it is closed as failed.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import ckan.plugins.toolkit as tk
from ckan import model

from .. import current, periodic
from . import service, store

log = logging.getLogger(__name__)

# seconds between two looks at the clock
TICK_SECONDS = 60.0


def tick(interval_hours: float, when: dt.datetime | None = None) -> int | None:
    """Queue a batch run if one is due; the queued run's id, else None."""
    when = when or service.now()
    interval = dt.timedelta(hours=interval_hours)
    try:
        last = store.latest_run()
        if last is not None and last.status == "running":
            if when - last.started < 2 * interval:
                return None
            last.status = "failed"
            last.finished = when
            model.Session.commit()
            log.warning("Corrida de calidad %s abandonada: se marca como fallida", last.id)
        elif last is not None and when - last.started < interval:
            return None
        queued = store.start_run(current.quality().version)
        queued.started = when
        run_id = int(queued.id)
        model.Session.commit()
        from .batch import territorio_quality_batch

        tk.enqueue_job(
            territorio_quality_batch,
            [run_id],
            title="territorio: puntaje de calidad de todo el catálogo",
            queue=service.QUEUE,
            rq_kwargs={"timeout": int(interval.total_seconds())},
        )
        return run_id
    finally:
        model.Session.remove()


def run_forever(
    interval_hours: float,
    on_queue: Callable[[int], None] | None = None,
    tick_seconds: float = TICK_SECONDS,
    also: Callable[[], None] | None = None,
) -> None:
    """Look every minute until SIGTERM/SIGINT (running ``also`` each time too); a failed look
    is logged, not fatal."""

    def step() -> None:
        queued = tick(interval_hours)
        if queued is not None and on_queue is not None:
            on_queue(queued)
        if also is not None:
            also()

    periodic.run_until_stopped(step, tick_seconds, "Falló un ciclo del programador de calidad")
