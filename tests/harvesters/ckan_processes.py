"""Real ``ckan`` subprocesses for the consumer tests: an ini layered over the test ini, and
processes that are always stopped when the test ends."""
from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

CKAN = str(Path(sys.executable).with_name("ckan"))


def layered_ini(request: pytest.FixtureRequest, path: Path, plugins: str, options: Mapping[str, object]) -> Path:
    """Write ``path``: the test run's ini (this worker's) with ``plugins`` and ``options`` on top."""
    base = Path(request.config.getoption("--ckan-ini")).resolve()
    lines = ["[app:main]", f"use = config:{base}", f"ckan.plugins = {plugins}"]
    lines += [f"{key} = {value}" for key, value in options.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


class Processes:
    """Processes started for one test; ``stop_all`` ends those still running."""

    def __init__(self, graceful: bool) -> None:
        self.graceful = graceful  # SIGTERM first (the process flushes), else kill -9 at once
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, args: list[str], **popen: object) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(args, **popen)  # type: ignore[call-overload]
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None and self.graceful:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    pass
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


@contextmanager
def processes(graceful: bool) -> Iterator[Processes]:
    """The test's processes, stopped on the way out whatever happened."""
    running = Processes(graceful)
    try:
        yield running
    finally:
        running.stop_all()
