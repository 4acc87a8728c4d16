"""One tick of the harvest scheduler, and the loop that repeats it (a supervised process).

A tick: ckanext-harvest's ``harvest_jobs_run``: create the jobs that are due by each
source's frequency (``ALWAYS`` means every tick), mark finished jobs (and, with
``ckan.harvest.timeout``, time out stuck ones), then put back on their queue the items
whose consumer stopped beating (see ``liveness``), in that order so that a dead gather of
a job that just timed out is dropped rather than run again. ckanext-harvest expects this
every few minutes ("or else jobs will never show as finished").
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.territorio import periodic

from . import config
from .liveness import requeue_stale

log = logging.getLogger(__name__)


@dataclass
class TickReport:
    """What a scheduler tick did: the items requeued, the jobs running, when it ran."""

    requeued: list[str]
    running: int
    started: float
    finished: float


def tick() -> TickReport:
    """Run due harvest jobs, requeue stale queue items and count the running jobs."""
    started = time.monotonic()
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context: dict[str, Any] = {"model": model, "session": model.Session, "user": site_user["name"]}
    try:
        tk.get_action("harvest_jobs_run")(context, {})
        requeued = requeue_stale(config.stale_after())
        from ckanext.harvest.model import HarvestJob

        running = model.Session.query(HarvestJob).filter(HarvestJob.status == "Running").count()
    finally:
        model.Session.remove()
    return TickReport(requeued, running, started, time.monotonic())


def run_forever(interval: float, on_tick: Callable[[TickReport], None] | None = None) -> None:
    """Tick every ``interval`` seconds until SIGTERM/SIGINT; a failed tick is logged, not fatal."""

    def step() -> None:
        report = tick()
        if on_tick is not None:
            on_tick(report)

    periodic.run_until_stopped(step, interval, "Falló un ciclo del programador de cosechas")
