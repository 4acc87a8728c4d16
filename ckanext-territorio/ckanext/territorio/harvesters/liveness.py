"""Heartbeats of busy consumers, and putting back on the queue what a dead consumer held.

ckanext-harvest's Redis consumer pops an id from the gather or fetch list and marks it
with a key ``<list>:<id>`` holding the time it was taken; the key is deleted when the
item is acknowledged, and ``harvester run`` re-queues keys older than 3 minutes (fetch) or
2 hours (gather). Our harvesters refresh that time while they work, so a long import is
never taken for dead, and the scheduler re-queues a key only after
``ckanext.territorio.harvest.stale_after`` seconds of silence: a consumer killed with
``kill -9`` loses nothing, and the repeated item is harmless because every load is keyed.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

# ckanext-harvest parses these values with this format (queue.resubmit_jobs)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def _now_text() -> str:
    return dt.datetime.now().strftime(TIME_FORMAT)


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
        from ckanext.harvest import queue

        return cls(queue.get_fetch_routing_key(), harvest_object_id)

    @classmethod
    def gather(cls, harvest_job_id: str) -> Heartbeat:
        from ckanext.harvest import queue

        return cls(queue.get_gather_routing_key(), harvest_job_id)

    def beat(self, force: bool = False) -> None:
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


def requeue_stale(stale_after: float) -> list[str]:
    """Put back on their queue the items whose consumer stopped beating; their ids."""
    from ckanext.harvest.queue import get_connection

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
            message = json.dumps({message_key: item_id})
            if message not in waiting:
                redis.rpush(routing_key, message)
            redis.delete(key)
            requeued.append(item_id)
            log.warning("Sin latido desde %s: %s vuelve a la cola", value, item_id)
    return requeued
