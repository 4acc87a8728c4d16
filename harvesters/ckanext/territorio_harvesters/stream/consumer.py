"""The stream consumer (``ckan territorio stream run``): every ``mqtt`` source, in one process.

Every ``refresh_seconds`` the active ``mqtt`` harvest sources are read again: a new source
is connected and subscribed, a changed one reconnected (same session; topics no longer
configured are unsubscribed), a deleted or deactivated one disconnected and its session
dropped. Messages wait in one inbox; a batch is cut when the inbox goes idle
(``IDLE_SECONDS``), when its oldest message has waited ``flush_seconds``, or at
``batch_messages`` or ``BATCH_BYTES`` of payload, and then, in order (while the inbox
holds ``inbox_bytes`` of payload, the brokers' connections are not read: memory stays bounded
in a burst, and what is not read waits at the broker):

1. each message is parsed (``messages``); an unreadable one is a dead letter;
2. a station or series the source's datasets lack makes them grow (``datasets.Publisher``,
   the sensor harvester's gather and import);
3. the readings are written to their observations tables with COPY (``store``), the
   unique key (station, variable, observed_at) turning a redelivered message into a
   duplicate that is not inserted again, and committed;
4. dead letters and counters are committed;
5. only then the messages are acknowledged to the broker.

A process killed at any point loses nothing: what was not acknowledged comes again.
"""
from __future__ import annotations

import hashlib
import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ckan import model
from ckanext.harvest.model import HarvestSource

from ckanext.territorio import current
from ckanext.territorio.model import stream_dead_letter as dead_letters

from .. import store
from ..records import Reading, Station, Stream
from . import broker, messages
from .catalogs import SOURCE_TYPE
from .datasets import Publisher, SourceCatalog, SyncError
from .links import INBOX_BYTES, Inbound, Inbox, Link

log = logging.getLogger(__name__)

HOLD_SECONDS = 10.0  # a source whose datasets could not be made waits this long to retry
RETRY_SECONDS = 30.0  # a broker address that could not be used is tried again after this
IDLE_SECONDS = 0.02  # a batch is cut when no message comes for this long
BATCH_BYTES = 1024 * 1024  # payload bytes in a batch (some 5,000-12,000 readings) at most: its memory


@dataclass(frozen=True)
class SourceSpec:
    """What the consumer needs of one mqtt source, and a fingerprint to notice changes."""

    id: str
    url: str
    fmt: str
    topics: tuple[str, ...]
    username: str | None
    password: str | None
    datastreams: dict[str, dict[str, Any]]
    fingerprint: str


def read_sources(harvester: Any) -> tuple[dict[str, SourceSpec], dict[str, str]]:
    """The active mqtt sources (with their secrets), and the problems of those that cannot run."""
    specs: dict[str, SourceSpec] = {}
    problems: dict[str, str] = {}
    # CKAN's session keeps loaded rows after a commit: read the sources as they are now
    model.Session.expire_all()
    rows = (
        model.Session.query(HarvestSource)
        .join(model.Package, model.Package.id == HarvestSource.id)
        .filter(HarvestSource.type == SOURCE_TYPE)
        .filter(HarvestSource.active.is_(True))
        .filter(model.Package.state == "active")
    )
    for source in rows:
        try:
            settings = harvester.settings(source.config, source.id)
        except ValueError as exc:
            problems[source.id] = f"configuración inválida: {exc}"
            continue
        digest = hashlib.sha256(
            json.dumps([source.url, settings], sort_keys=True, default=str).encode()
        ).hexdigest()
        specs[source.id] = SourceSpec(
            id=source.id,
            url=source.url,
            fmt=settings["format"],
            topics=tuple(settings["topics"]),
            username=settings.get("username"),
            password=settings.get("password"),
            datastreams=dict(settings.get("datastreams") or {}),
            fingerprint=digest,
        )
    model.Session.commit()  # no transaction left open between two reads
    return specs, problems


@dataclass
class Stats:
    """Counts since the consumer started (logged, and printed by the command)."""

    messages: int = 0
    readings: int = 0
    malformed: int = 0
    batches: int = 0
    syncs: int = 0
    unrouted: int = 0  # readings of series another source publishes (station claims)


@dataclass
class _Work:
    """One batch being written: readings per table, dead letters, what may be acknowledged."""

    writes: dict[str, list[tuple[Inbound, list[Reading]]]] = field(default_factory=dict)
    letters: dict[str, list[dead_letters.Letter]] = field(default_factory=dict)
    received: dict[str, int] = field(default_factory=dict)
    ackable: set[int] = field(default_factory=set)  # id() of the Inbound items


class Consumer:
    """Consumes every mqtt source; ``run`` until ``stop`` is set."""

    def __init__(
        self,
        harvester: Any,
        *,
        flush_seconds: float,
        batch_messages: int,
        refresh_seconds: float,
        inbox_bytes: int = INBOX_BYTES,
        session_expiry: int,
    ) -> None:
        self.harvester = harvester
        self.flush_seconds = flush_seconds
        self.batch_messages = batch_messages
        self.refresh_seconds = refresh_seconds
        self.session_expiry = session_expiry
        self.inbox: queue.Queue[Inbound] = Inbox(inbox_bytes)
        self.links: dict[str, Link] = {}
        self.specs: dict[str, SourceSpec] = {}
        self.catalogs: dict[str, SourceCatalog] = {}
        self.memos: dict[str, messages.Memo] = {}  # stations and series of each source's messages
        self.problems: dict[str, str] = {}
        self.tables: dict[str, store.ObservationTable] = {}
        self.publisher = Publisher(harvester)
        self.held: dict[str, float] = {}
        self.retry_at: dict[str, float] = {}
        self.stats = Stats()

    # --- sources ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Connect new sources, reconnect changed or held ones, drop deleted ones."""
        specs, problems = read_sources(self.harvester)
        self.problems = problems
        now = time.monotonic()
        for source_id in list(self.links):
            if source_id not in specs:
                log.warning("mqtt %s: fuente eliminada o inactiva; se desconecta y se descarta su sesión", source_id)
                self.links.pop(source_id).stop(forget=True)
                self.catalogs.pop(source_id, None)
                self.memos.pop(source_id, None)
                self.specs.pop(source_id, None)
        for source_id, spec in specs.items():
            old = self.specs.get(source_id)
            held_until = self.held.get(source_id)
            restart = held_until is not None and held_until <= now
            if old is not None and old.fingerprint == spec.fingerprint and source_id in self.links and not restart:
                continue
            if source_id not in self.links and self.retry_at.get(source_id, 0) > now and old == spec:
                continue
            self._connect(spec, old)
            self.held.pop(source_id, None)

    def _connect(self, spec: SourceSpec, old: SourceSpec | None) -> None:
        previous = self.links.pop(spec.id, None)
        if previous is not None:
            previous.stop()  # the session stays: unacknowledged messages come again
        self.specs[spec.id] = spec
        self.catalogs.pop(spec.id, None)  # the config may have changed the datasets
        try:
            target = broker.resolve(spec.url)
        except broker.BrokerError as exc:
            self.problems[spec.id] = str(exc)
            self.retry_at[spec.id] = time.monotonic() + RETRY_SECONDS
            log.warning("mqtt %s: %s", spec.id, exc)
            return
        removed = sorted(set(old.topics) - set(spec.topics)) if old is not None else []
        link = Link(
            spec.id,
            target,
            list(spec.topics),
            self.inbox,
            username=spec.username,
            password=spec.password,
            session_expiry=self.session_expiry,
            unsubscribe=removed,
        )
        link.start()
        self.links[spec.id] = link

    # --- the loop --------------------------------------------------------------------------

    def run(self, stop: threading.Event, on_batch: Callable[[Stats], None] | None = None) -> None:
        """Refresh sources and write batches until ``stop`` is set; then disconnect cleanly."""
        next_refresh = 0.0
        try:
            while not stop.is_set():
                if time.monotonic() >= next_refresh:
                    try:
                        self.refresh()
                    except Exception:
                        log.exception("lectura de las fuentes mqtt")
                        model.Session.rollback()
                    next_refresh = time.monotonic() + self.refresh_seconds
                batch = self._collect(min(0.5, max(0.0, next_refresh - time.monotonic())))
                if batch:
                    self._flush_safely(batch)
                    if on_batch is not None:
                        on_batch(self.stats)
        finally:
            self.close()

    def _collect(self, wait: float) -> list[Inbound]:
        """A batch: what waits in the inbox, cut when the inbox goes idle, when the oldest
        message has waited ``flush_seconds``, or at ``batch_messages`` or BATCH_BYTES."""
        inbox = self.inbox
        try:
            first = inbox.get(timeout=wait) if wait > 0 else inbox.get_nowait()
        except queue.Empty:
            return []
        batch = [first]
        size = len(first.payload)
        deadline = first.received + self.flush_seconds
        while len(batch) < self.batch_messages and size < BATCH_BYTES:
            try:
                item = inbox.get_nowait()  # a backlog is taken whole, without waiting
            except queue.Empty:
                remaining = min(IDLE_SECONDS, deadline - time.monotonic())
                if remaining <= 0:
                    break
                try:
                    item = inbox.get(timeout=remaining)
                except queue.Empty:
                    break  # idle: nothing more is coming now
            batch.append(item)
            size += len(item.payload)
        return batch

    def _flush_safely(self, batch: list[Inbound]) -> None:
        try:
            self.flush(batch)
        except Exception:
            # nothing of this batch is acknowledged: reconnecting makes the broker send it again
            log.exception("lote de %d mensajes no escrito; se reintenta", len(batch))
            model.Session.rollback()
            self._drop_tables()
            for source_id in {item.link.source_id for item in batch}:
                self.held[source_id] = time.monotonic() + HOLD_SECONDS

    # --- one batch -------------------------------------------------------------------------

    def flush(self, batch: list[Inbound]) -> None:
        """Parse, grow datasets, write and commit, record dead letters, then acknowledge."""
        work = _Work()
        model.Session.expire_all()  # datasets and objects as other processes left them
        by_source: dict[str, list[Inbound]] = {}
        for item in batch:
            # a message of a replaced or stopped connection is sent again on the new one
            if self.links.get(item.link.source_id) is item.link and item.link.source_id not in self.held:
                by_source.setdefault(item.link.source_id, []).append(item)
        for source_id, items in by_source.items():
            self._route(source_id, items, work)
        self._write(work)
        for source_id in set(work.received) | set(work.letters):
            dead_letters.record(model.Session, source_id, work.received.get(source_id, 0), work.letters.get(source_id, []))
        model.Session.commit()
        for item in batch:
            if id(item) in work.ackable:
                item.link.ack(item)
        self.stats.batches += 1
        self.stats.messages += len(work.ackable)
        self.stats.malformed += sum(len(v) for v in work.letters.values())

    def _route(self, source_id: str, items: list[Inbound], work: _Work) -> None:
        spec = self.specs[source_id]
        mapping = current.harvest_mapping()
        parsed: list[tuple[Inbound, messages.Message]] = []
        letters = work.letters.setdefault(source_id, [])
        memo = self.memos.setdefault(source_id, messages.Memo())
        for item in items:
            try:
                parsed.append(
                    (item, messages.parse(spec.fmt, item.topic, item.payload, mapping, spec.datastreams, memo))
                )
            except messages.MessageError as exc:
                letters.append(dead_letters.Letter(item.topic, str(exc), item.payload))
                work.ackable.add(id(item))
        work.received[source_id] = len(items)
        catalog = self.catalogs.get(source_id)
        if catalog is None:
            catalog = self.catalogs[source_id] = self.publisher.load(source_id)
        stations: dict[str, Station] = {}
        streams: dict[tuple[str, str], Stream] = {}
        for _item, message in parsed:
            if catalog.is_new(message.stations, message.streams):
                stations.update(message.stations)
                for key, stream in message.streams.items():
                    streams.setdefault(key, stream)
        if stations or streams:
            try:
                catalog = self.catalogs[source_id] = self.publisher.sync(source_id, stations, streams)
                self.stats.syncs += 1
            except SyncError as exc:
                log.error("mqtt %s: %s; los mensajes esperan en el broker", source_id, exc)
                self.problems[source_id] = str(exc)
                self.held[source_id] = time.monotonic() + HOLD_SECONDS
                work.received[source_id] = len(items) - len(parsed)
                return
        for item, message in parsed:
            by_table: dict[str, list[Reading]] = {}
            for reading in message.readings:
                resource_id = catalog.routes.get((reading.station_id, reading.variable))
                if resource_id is None:
                    self.stats.unrouted += 1  # the series belongs to a source of higher precedence
                    continue
                by_table.setdefault(resource_id, []).append(reading)
            for resource_id, readings in by_table.items():
                work.writes.setdefault(resource_id, []).append((item, readings))
            work.ackable.add(id(item))

    def _write(self, work: _Work) -> None:
        for resource_id, entries in work.writes.items():
            readings = [reading for _item, rs in entries for reading in rs]
            table = self._table(resource_id)
            try:
                table.load(readings, overlap=False)
                table.commit()
            except store.LoadError as exc:
                if self._broken(table):
                    self.tables.pop(resource_id, None)
                    raise  # the database went away: nothing is acknowledged
                for item, _readings in entries:
                    work.letters.setdefault(item.link.source_id, []).append(
                        dead_letters.Letter(item.topic, f"la DataStore rechazó el lote: {exc}", item.payload)
                    )
                continue
            self.stats.readings += len(readings)

    @staticmethod
    def _broken(table: store.ObservationTable) -> bool:
        connection = table._connection
        if connection.closed:
            return True
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            connection.rollback()
        except Exception:
            return True
        return False

    def _table(self, resource_id: str) -> store.ObservationTable:
        table = self.tables.get(resource_id)
        if table is None:
            table = self.tables[resource_id] = store.ObservationTable(resource_id, commit_rows=10**9)
        return table

    def _drop_tables(self) -> None:
        for table in self.tables.values():
            try:
                table._connection.rollback()
                table._connection.close()
            except Exception:
                log.debug("cierre de una conexión de la DataStore", exc_info=True)
        self.tables.clear()

    def close(self) -> None:
        """Disconnect every source (sessions kept at the broker) and release the tables."""
        for link in self.links.values():
            try:
                link.stop()
            except Exception:
                log.debug("desconexión mqtt", exc_info=True)
        self.links.clear()
        for table in self.tables.values():
            try:
                table.close()
            except Exception:
                log.debug("cierre de una tabla", exc_info=True)
        self.tables.clear()
        model.Session.remove()

