"""Heartbeats of busy consumers, and putting back on the queue what a dead consumer held.

ckanext-harvest's Redis consumer pops an id from the gather or fetch list and marks it
with a key ``<list>:<id>`` holding the time it was taken; the key is deleted when the
item is acknowledged, and ``harvester run`` re-queues keys older than 3 minutes (fetch) or
2 hours (gather). Our harvesters refresh that time from a background thread while a stage
runs (``Heartbeat.kept_alive``), so a long gather or import, or one request that takes
minutes, is never taken for dead; the scheduler re-queues a key only after
``ckanext.territorio.harvest.stale_after`` seconds of silence, which only a dead process
keeps: a consumer killed with ``kill -9`` loses nothing, and the repeated item is harmless
because a repeated gather reuses its objects and every load is keyed.

The same decorators put each stage under its job's wall-clock deadline (``run_deadline``).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from . import run_deadline

log = logging.getLogger(__name__)

# ckanext-harvest parses these values with this format (queue.resubmit_jobs)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def _now_text() -> str:
    return dt.datetime.now().strftime(TIME_FORMAT)


def beat_interval() -> float:
    """Seconds between beats: a few beats fit in ``stale_after``, at most one every 5 s."""
    from . import config

    return max(0.2, min(5.0, config.stale_after() / 4))


def _queues() -> list[tuple[str, str]]:
    from ckanext.harvest import queue

    return [
        (queue.get_fetch_routing_key(), "harvest_object_id"),
        (queue.get_gather_routing_key(), "harvest_job_id"),
    ]


@dataclass
class Heartbeat:
    """Refreshes the claim key of one queue item at most every ``every`` seconds."""

    routing_key: str
    item_id: str
    every: float = 5.0
    _last: float = field(default=0.0, init=False)
    _redis: object | None = field(default=None, init=False)

    @classmethod
    def fetch(cls, harvest_object_id: str) -> Heartbeat:
        """A heartbeat for a harvest object on the fetch queue."""
        from ckanext.harvest import queue

        return cls(queue.get_fetch_routing_key(), harvest_object_id, beat_interval())

    @classmethod
    def gather(cls, harvest_job_id: str) -> Heartbeat:
        """A heartbeat for a harvest job on the gather queue."""
        from ckanext.harvest import queue

        return cls(queue.get_gather_routing_key(), harvest_job_id, beat_interval())

    def beat(self, force: bool = False) -> None:
        """Refresh the item's claim key, unless refreshed less than ``every`` seconds ago."""
        now = time.monotonic()
        if not force and now - self._last < self.every:
            return
        self._last = now
        try:
            if self._redis is None:
                from ckanext.harvest.queue import get_connection

                self._redis = get_connection()
            # only while the consumer's claim exists (tests run stages without a queue)
            self._redis.set(f"{self.routing_key}:{self.item_id}", _now_text(), xx=True)  # type: ignore[attr-defined]
        except Exception:  # a heartbeat is never worth failing the work for
            log.warning("No se pudo renovar el latido de %s", self.item_id, exc_info=True)

    @contextlib.contextmanager
    def kept_alive(self) -> Iterator[Heartbeat]:
        """Beat every ``every`` seconds from a thread while the block runs.

        The thread lives and dies with the process: a stage stuck in one slow request still
        beats, a killed consumer stops at once.
        """
        stop = threading.Event()

        def run() -> None:
            while not stop.wait(self.every):
                self.beat(force=True)

        self.beat(force=True)
        thread = threading.Thread(target=run, name=f"latido-{self.item_id}", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            stop.set()
            thread.join(timeout=self.every + 1)


H = TypeVar("H")
R = TypeVar("R")


def gather_kept_alive(stage: Callable[[H, Any], R]) -> Callable[[H, Any], R]:
    """Decorates a harvester's ``gather_stage(job)``: its queue item beats while it runs."""

    @functools.wraps(stage)
    def wrapper(harvester: H, harvest_job: Any) -> R:
        deadline = run_deadline.for_job(harvest_job)
        with Heartbeat.gather(harvest_job.id).kept_alive(), _applied(deadline):
            return stage(harvester, harvest_job)

    return wrapper


def import_kept_alive(stage: Callable[[H, Any], R]) -> Callable[[H, Any], R]:
    """Decorates a harvester's ``import_stage(obj)``: its fetch queue item beats while it runs,
    and its requests end at its job's deadline (an import past it makes none)."""

    @functools.wraps(stage)
    def wrapper(harvester: H, harvest_object: Any) -> R:
        job = getattr(harvest_object, "job", None)
        deadline = run_deadline.for_job(job) if job is not None else None
        with Heartbeat.fetch(harvest_object.id).kept_alive(), _applied(deadline):
            return stage(harvester, harvest_object)

    return wrapper


def _applied(deadline: run_deadline.RunDeadline | None) -> contextlib.AbstractContextManager[Any]:
    return deadline.applied() if deadline is not None else contextlib.nullcontext()


def _job_running(job_id: str) -> bool:
    from ckanext.harvest.model import HarvestJob

    job = HarvestJob.get(job_id)
    return job is not None and job.status == "Running"


def requeue_stale(stale_after: float) -> list[str]:
    """Put back on their queue the items whose consumer stopped beating; their ids.

    A dead gather of a job that is no longer running (timed out by ``ckan.harvest.timeout``
    or aborted) is dropped instead: a gather that kills its consumer every time (a source
    too big for its memory) would otherwise come back forever.
    """
    from ckanext.harvest.queue import get_connection, get_gather_routing_key

    redis = get_connection()
    requeued: list[str] = []
    now = dt.datetime.now()
    for routing_key, message_key in _queues():
        waiting = set(redis.lrange(routing_key, 0, -1))
        for key in redis.scan_iter(match=f"{routing_key}:*", count=500):
            value = redis.get(key)
            if value is None:
                continue
            try:
                taken = dt.datetime.strptime(value, TIME_FORMAT)
            except ValueError:
                try:
                    taken = dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
                except ValueError:
                    continue
            if (now - taken).total_seconds() <= stale_after:
                continue
            item_id = key.rsplit(":", 1)[1]
            if routing_key == get_gather_routing_key() and not _job_running(item_id):
                redis.delete(key)
                log.warning("Sin latido desde %s: el trabajo %s ya terminó; no vuelve a la cola", value, item_id)
                continue
            message = json.dumps({message_key: item_id})
            if message not in waiting:
                redis.rpush(routing_key, message)
            redis.delete(key)
            requeued.append(item_id)
            log.warning("Sin latido desde %s: %s vuelve a la cola", value, item_id)
    return requeued
