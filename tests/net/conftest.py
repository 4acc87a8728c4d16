"""Fixtures for the outbound client: a well-behaved local site and trickling servers."""
from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from net_servers import Site, Trickler


@pytest.fixture
def site() -> Iterator[Site]:
    running = Site().start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def trickler() -> Iterator[Callable[..., Trickler]]:
    """Start a Trickler (``phase``, ``interval``, ``refuse_head``); stopped after the test."""
    started: list[Trickler] = []

    def start(phase: str = "body", interval: float = 1.0, refuse_head: bool = False) -> Trickler:
        server = Trickler(phase, interval, refuse_head).start()
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in started:
            server.stop()
