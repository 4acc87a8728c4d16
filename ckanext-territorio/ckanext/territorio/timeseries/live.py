"""New readings of an observations table as Server-Sent Events, and the connection budget.

Every INSERT or COPY into an observations table sends ``NOTIFY territorio_readings`` with the
``_id`` range it added (the ``territorio_live`` trigger of ``layout``); PostgreSQL delivers
notifications when the writer commits, in commit order. The stream LISTENs on its own
connection (taken out of the pool), waits on it with ``select`` (no polling of the table),
and for each range reads the committed rows by ``_id`` (the DataStore's primary key).

Each event is ``id: <_id>``, ``event: reading`` and the reading as JSON. A comment line is
sent every ``heartbeat`` seconds so proxies keep the connection and a vanished client is
noticed; after ``max_seconds`` the stream ends (a worker thread is never held for ever)
and the browser's EventSource reconnects by itself sending ``Last-Event-ID``: the readings
after that id (at most ``CATCH_UP``) are sent first. Closing the generator (client gone,
worker stopping) closes the database connection.
"""
from __future__ import annotations

import collections
import json
import select
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .layout import CHANNEL, ident
from .readings import _iso, _number, read_engine

CATCH_UP = 1000
CHUNK = 1000
REMEMBERED = 50_000  # ids already sent, to skip rows two notified ranges share
_SLOTS = "territorio:stream:slots"


def event(reading_id: int, record: dict[str, Any]) -> str:
    """One reading as an SSE event."""
    return f"id: {reading_id}\nevent: reading\ndata: {json.dumps(record, ensure_ascii=False)}\n\n"


def _record(row: Any) -> dict[str, Any]:
    return {
        "station": row[1],
        "variable": row[2],
        "value": _number(row[3]),
        "unit": row[4],
        "observed_at": _iso(row[5]),
    }


class Feed:
    """A LISTEN connection for one table; ``rows`` reads committed readings by ``_id``."""

    def __init__(self, resource_id: str) -> None:
        self.resource_id = resource_id
        self._table = ident(resource_id)
        self._proxy = read_engine().raw_connection()
        self._proxy.detach()  # LISTEN state must never go back to the pool
        self.connection = self._proxy.dbapi_connection
        self.connection.autocommit = True
        with self.connection.cursor() as cursor:
            cursor.execute(f"LISTEN {CHANNEL}")

    def close(self) -> None:
        """Close the connection (its LISTEN ends with it)."""
        self._proxy.close()

    def wait(self, seconds: float) -> list[tuple[int, int]]:
        """The ``_id`` ranges committed into this table within ``seconds`` (maybe none)."""
        connection = self.connection
        if not connection.notifies:
            ready, _w, _x = select.select([connection], [], [], max(0.0, seconds))
            if ready:
                connection.poll()
        ranges = []
        while connection.notifies:
            note = connection.notifies.pop(0)
            parts = note.payload.split(" ")
            if len(parts) == 3 and parts[0] == self.resource_id:
                ranges.append((int(parts[1]), int(parts[2])))
        return ranges

    def rows(self, low: int, high: int | None, limit: int = CHUNK) -> list[Any]:
        """Readings with ``low < _id <= high`` (no upper bound when None), by ``_id``."""
        sql = f"SELECT _id, station_id, variable, value, unit, observed_at FROM {self._table} WHERE _id > %s"
        args: list[Any] = [low]
        if high is not None:
            sql += " AND _id <= %s"
            args.append(high)
        with self.connection.cursor() as cursor:
            cursor.execute(sql + " ORDER BY _id LIMIT %s", [*args, limit])
            return cursor.fetchall()


def events(
    resource_id: str,
    *,
    last_event_id: int | None = None,
    heartbeat: float = 15.0,
    max_seconds: float = 300.0,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[str]:
    """The stream's text: a ``retry`` hint, catch-up after ``last_event_id``, then live readings."""
    feed = Feed(resource_id)
    try:
        started = clock()
        deadline = started + max_seconds
        next_beat = started + heartbeat
        sent: collections.OrderedDict[int, None] = collections.OrderedDict()

        def emit(rows: list[Any]) -> Iterator[str]:
            for row in rows:
                if row[0] in sent:
                    continue
                sent[row[0]] = None
                if len(sent) > REMEMBERED:
                    sent.popitem(last=False)
                yield event(row[0], _record(row))

        yield "retry: 3000\n: conectado\n\n"
        if last_event_id is not None:
            yield from emit(feed.rows(last_event_id, None, CATCH_UP))
        while True:
            now = clock()
            if now >= deadline:
                yield ": fin de la conexión; el navegador vuelve a conectarse solo\n\n"
                return
            if now >= next_beat:
                yield ": latido\n\n"
                next_beat = now + heartbeat
            for low, high in feed.wait(min(next_beat, deadline) - now):
                position = low - 1
                while True:
                    rows = feed.rows(position, high)
                    yield from emit(rows)
                    if len(rows) < CHUNK:
                        break
                    position = rows[-1][0]
    finally:
        feed.close()


@dataclass
class Slot:
    """One open stream counted against its client's and the portal's budget."""

    client: str
    redis: Any
    ttl: int
    released: bool = False

    def release(self) -> None:
        """Give the slot back (once)."""
        if self.released:
            return
        self.released = True
        pipe = self.redis.pipeline()
        pipe.decr(f"{_SLOTS}:{self.client}")
        pipe.decr(_SLOTS)
        pipe.execute()


def acquire(redis: Any, client: str, per_client: int, total: int, ttl: int) -> Slot | None:
    """Count a new stream for ``client``; None (nothing counted) when a budget is spent.

    The counters expire ``ttl`` seconds after the last stream opened, so a worker that dies
    without releasing cannot keep a client out for longer than that.
    """
    key = f"{_SLOTS}:{client}"
    pipe = redis.pipeline()
    pipe.incr(key)
    pipe.expire(key, ttl)
    pipe.incr(_SLOTS)
    pipe.expire(_SLOTS, ttl)
    mine, _e, everyone, _f = pipe.execute()
    slot = Slot(client, redis, ttl)
    if int(mine) > per_client or int(everyone) > total:
        slot.release()
        return None
    return slot
