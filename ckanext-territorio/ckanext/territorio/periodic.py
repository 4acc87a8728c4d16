"""The loop of a supervised periodic process (the harvest and quality schedulers)."""
from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from typing import Any

from ckan import model

log = logging.getLogger(__name__)


def run_until_stopped(step: Callable[[], None], interval: float, failure: str) -> None:
    """Call ``step`` every ``interval`` seconds until SIGTERM/SIGINT.

    A failed step is logged with ``failure`` and its session discarded, never fatal: the
    supervisor would only restart the process into the same state.
    """
    stopping = False

    def stop(_signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        began = time.monotonic()
        try:
            step()
        except Exception:
            log.exception(failure)
            model.Session.remove()
        # sleep in short slices so that a signal stops the process promptly
        while not stopping and time.monotonic() - began < interval:
            time.sleep(min(1.0, interval))
