"""A time limit for a whole response, enforced while the socket blocks.

Socket timeouts bound each wait for data, not the response: a server that sends one byte
every second never trips a 4-second read timeout and can hold a request for hours. A
``Deadline`` is an absolute time; while it is active (``with deadline:``), the connections
opened or used register their sockets with it, and one watchdog thread shuts those sockets
down when the time comes. The blocked read then returns at once, and the client reports the
deadline rather than a short body (``expired``).
"""
from __future__ import annotations

import contextvars
import heapq
import itertools
import os
import socket
import threading
import time

_ACTIVE: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar("territorio_net_deadline", default=None)


class Deadline:
    """``seconds`` from now; past it, every watched socket is shut down."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self._done = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._tokens: list[contextvars.Token[Deadline | None]] = []

    def remaining(self) -> float:
        """Seconds left (negative once passed)."""
        return self.at - time.monotonic()

    def passed(self) -> bool:
        """Whether the time is up (or the watchdog already shut the sockets)."""
        return self.expired or time.monotonic() >= self.at

    def watch(self, sock: socket.socket | None) -> None:
        """Shut ``sock`` down when the deadline passes (at once if it already has).

        The deadline keeps its own duplicate of the descriptor: shutting a duplicate down
        stops the socket itself, also once TLS has taken the original over (and during the
        handshake), and a descriptor of ours can never be reused by something else.
        """
        if sock is None or sock.fileno() < 0:
            return
        with self._lock:
            if self._done:
                return
            twin = socket.fromfd(sock.fileno(), sock.family, sock.type)
            self._sockets.append(twin)
            if self.expired:
                _shutdown(twin)

    def expire(self) -> None:
        """Called by the watchdog: shut every watched socket down."""
        with self._lock:
            if self._done:
                return
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)

    def __enter__(self) -> Deadline:
        self._tokens.append(_ACTIVE.set(self))
        _watchdog().add(self)
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._done = True
            for twin in self._sockets:
                twin.close()
            self._sockets.clear()
        _ACTIVE.reset(self._tokens.pop())


def active() -> Deadline | None:
    """The deadline of the request this thread is making, if any."""
    return _ACTIVE.get()


def _shutdown(twin: socket.socket) -> None:
    try:
        twin.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # the peer already closed it


class _Watchdog:
    """One daemon thread expiring deadlines in time order."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self._heap: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        threading.Thread(target=self._run, name="territorio-net-deadline", daemon=True).start()

    def add(self, deadline: Deadline) -> None:
        """Expire ``deadline`` at its time."""
        with self._wake:
            heapq.heappush(self._heap, (deadline.at, next(self._order), deadline))
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._heap:
                    self._wake.wait()
                at, _order, deadline = self._heap[0]
                wait = at - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                heapq.heappop(self._heap)
            deadline.expire()


_WATCHDOG: _Watchdog | None = None
_WATCHDOG_LOCK = threading.Lock()


def _watchdog() -> _Watchdog:
    """The process's watchdog, started on first use (again in a forked child)."""
    global _WATCHDOG
    with _WATCHDOG_LOCK:
        if _WATCHDOG is None or _WATCHDOG.pid != os.getpid():
            _WATCHDOG = _Watchdog()
        return _WATCHDOG
