"""Bounded memos of what every search rebuilt in Python though its inputs repeat.

CKAN sends the same filters with every search (capacity, state, site, harvest
sources, permission labels), and searches share a handful of query texts and
facet requests. Parsing Lucene text (luqum) and building SQLAlchemy statements
took more of a request than PostgreSQL took to run most of them (a profile of
issue 16's mix: ~6 ms of planning per search). SQLAlchemy expressions are not
changed once built, so one can serve many statements. Nothing here holds
results or counts: every search still runs its SQL.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Memo(Generic[V]):
    """A thread-safe least-recently-used memo of at most ``size`` values."""

    def __init__(self, size: int) -> None:
        """``size``: how many values are kept."""
        self.size = size
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value kept for ``key``, made (outside the lock) and kept when missing."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = make()  # an exception keeps nothing
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._values.clear()


def timeless(text: str) -> bool:
    """Whether a query's translation is the same at any moment (no ``NOW`` date math)."""
    return "NOW" not in text.upper()


__all__ = ["Memo", "timeless"]
