"""Reading series from a source in one thread while the DataStore writes in another.

The reader thread pages through each series after its watermark, drops readings it already
saw in this run, splits them into new (after the watermark: COPY straight in) and old (the
overlap window: merged) and encodes them as COPY text. The caller's thread only sends text
to PostgreSQL, which releases the GIL: parsing the next pages overlaps with the database
writing the previous ones. The queue between them is short, so memory stays bounded.
"""
from __future__ import annotations

import datetime as dt
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import RunLimit, SourceError
from .records import Adapter, Reading, Stream
from .store import Encoder


@dataclass
class Batch:
    """A series' readings encoded for COPY: new ones, overlap ones, and what was rejected."""

    stream: Stream
    fresh_text: str = ""
    fresh_count: int = 0
    old_text: str = ""
    old_count: int = 0
    skipped: int = 0
    rejected: list[str] = field(default_factory=list)


@dataclass
class StreamFailed:
    """The source failed on a series; the others go on."""

    stream: Stream
    error: SourceError


@dataclass
class StreamDone:
    """Every page of a series was read."""

    stream: Stream


@dataclass
class Stopped:
    """A run cap stopped the reading."""

    error: RunLimit


Item = Batch | StreamFailed | StreamDone | Stopped


class _Pending:
    """The readings of one series not yet handed over, and what was rejected with them."""

    def __init__(self, stream: Stream, encoder: Encoder) -> None:
        self.stream = stream
        self.encoder = encoder
        self.fresh: list[Reading] = []
        self.old: list[Reading] = []
        self.skipped = 0
        self.rejected: list[str] = []

    def __len__(self) -> int:
        return len(self.fresh) + len(self.old)

    def cut(self) -> Batch:
        """The pending readings as a Batch, leaving this one empty."""
        batch = Batch(
            self.stream,
            fresh_text=self.encoder.encode(self.fresh),
            fresh_count=len(self.fresh),
            old_text=self.encoder.encode(self.old),
            old_count=len(self.old),
            skipped=self.skipped,
            rejected=self.rejected,
        )
        self.fresh, self.old, self.skipped, self.rejected = [], [], 0, []
        return batch


def read_series(
    adapter: Adapter,
    plan: Sequence[tuple[Stream, dt.datetime | None]],
    overlap: dt.timedelta,
    first_start: dt.datetime,
    batch_rows: int,
    cancelled: Callable[[], bool] = lambda: False,
) -> Iterator[Item]:
    """Batches of every series in ``plan`` (series, watermark), in order; never raises SourceError."""
    encoder = Encoder()
    for stream, watermark in plan:
        if cancelled():
            return
        # sources filter with "after": one second earlier makes the first run's start inclusive
        since = watermark - overlap if watermark is not None else first_start - dt.timedelta(seconds=1)
        pending = _Pending(stream, encoder)
        seen: set[dt.datetime] = set()
        try:
            for page in adapter.pages(stream, since):
                pending.skipped += page.skipped
                pending.rejected.extend(page.rejected[: max(0, 3 - len(pending.rejected))])
                for reading in page.readings:
                    moment = reading.observed_at
                    if watermark is not None and moment <= watermark:
                        pending.old.append(reading)
                    elif moment not in seen:
                        seen.add(moment)
                        pending.fresh.append(reading)
                if len(pending) >= batch_rows:
                    yield pending.cut()
                if cancelled():
                    return
        except RunLimit as exc:
            yield pending.cut()
            yield Stopped(exc)
            return
        except SourceError as exc:
            # what was read before the failure is still loaded: the watermark resumes from it
            yield pending.cut()
            yield StreamFailed(stream, exc)
            continue
        yield pending.cut()
        yield StreamDone(stream)


class Background:
    """Runs an iterator in a daemon thread behind a bounded queue; errors re-raised here."""

    _END = object()

    def __init__(self, make: Callable[[Callable[[], bool]], Iterator[Any]], depth: int = 3) -> None:
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(make,), daemon=True, name="territorio-harvest-reader")
        self._thread.start()

    def _run(self, make: Callable[[Callable[[], bool]], Iterator[Any]]) -> None:
        try:
            for item in make(self._stop.is_set):
                while not self._stop.is_set():
                    try:
                        self._queue.put(item, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if self._stop.is_set():
                    return
        except BaseException as exc:  # handed to the consumer, who re-raises it
            self._put_final(exc)
            return
        self._put_final(self._END)

    def _put_final(self, item: Any) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.5)
                return
            except queue.Full:
                continue

    def __iter__(self) -> Iterator[Any]:
        while True:
            item = self._queue.get()
            if item is self._END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        """Stop the reader thread and wait for it (up to 30 s)."""
        self._stop.set()
        self._thread.join(timeout=30)
