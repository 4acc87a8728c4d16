"""Fixtures for the outbound client: a well-behaved local site and trickling servers."""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import pytest
from net_servers import Site, Trickler


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as running:
        yield running


@pytest.fixture
def trickler() -> Iterator[Callable[..., Trickler]]:
    """Start a Trickler (``phase``, ``interval``, ``refuse_head``, ``reply``); stopped after the test."""
    with contextlib.ExitStack() as servers:

        def start(phase: str = "body", interval: float = 1.0, refuse_head: bool = False, reply: bytes | None = None) -> Trickler:
            return servers.enter_context(Trickler(phase, interval, refuse_head, reply))

        yield start
