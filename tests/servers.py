"""Servers the tests start: a folder over local HTTP, and the portal under gunicorn.

One place for both, so the policy, publishing and browser tests do not each grow their own
(tests/policy's ``http_server``, tests/publish's ``linked_file`` and ``portal``, tests/browser's
``portal``).
"""
from __future__ import annotations

import configparser
import http.server
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
START_TIMEOUT = 90


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return None


@contextmanager
def serving_folder(root: Path) -> Iterator[str]:
    """Serve the files of ``root`` on 127.0.0.1 (a daemon thread) for the block; its base URL."""

    def handler(*args, **kwargs):
        return _Quiet(*args, directory=str(root), **kwargs)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def venv_bin(name: str) -> str:
    """A program of this virtualenv (gunicorn, ckan, ckanapi)."""
    return str(Path(sys.executable).with_name(name))


def write_ini(source: Path, target: Path, options: dict[str, str]) -> None:
    """``source`` with ``options`` set in [app:main] (what ``ckan config-tool`` does, without
    starting CKAN: that takes seconds, for each module)."""
    parser = configparser.RawConfigParser(strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys as written (SECRET_KEY)
    parser.read(source)
    for key, value in options.items():
        parser.set("app:main", key, value)
    with target.open("w") as out:
        parser.write(out)
    target.chmod(0o600)


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn terminó al iniciar:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/3/action/status_show", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)  # a port that is not open yet: there is no event to await
    pytest.fail(f"el portal no respondió en {START_TIMEOUT} s:\n{log.read_text(errors='replace')[-3000:]}")


@contextmanager
def gunicorn(ini: Path, log: Path, port: int | None = None) -> Iterator[str]:
    """The portal under gunicorn on ``ini`` (``port``, or a free one) for the block; its base URL
    once ``status_show`` answers.

    Two gthread workers of four threads, as in production on a 2-core machine: Chromium opens
    speculative connections that send nothing, and each would hold a sync worker until its
    timeout.
    """
    url = f"http://127.0.0.1:{port or free_port()}"
    with log.open("ab") as out:
        server = subprocess.Popen(
            [venv_bin("gunicorn"), "--bind", url.removeprefix("http://"), "--workers", "2",
             "--worker-class", "gthread", "--threads", "4", "--timeout", "60",
             "--pythonpath", str(REPO / "deploy"), "wsgi:application"],
            cwd=REPO, env={**os.environ, "CKAN_INI": str(ini)}, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
