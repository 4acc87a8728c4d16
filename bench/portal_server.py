"""The portal under gunicorn on a free port, for the benchmarks that call it over HTTP."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(
    ini: Path, log: Path, workers: Sequence[str], wait: float = 120,
    gunicorn: Path | None = None, pythonpath: Path | None = None,
) -> tuple[subprocess.Popen[bytes], str]:
    """gunicorn with ``workers`` (its worker options) on ``ini``; returns it once it answers.

    ``gunicorn`` and ``pythonpath`` (where its ``wsgi.py`` is) default to ours.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("ab") as out:
        server = subprocess.Popen(
            [str(gunicorn or Path(sys.executable).with_name("gunicorn")), "--bind", f"127.0.0.1:{port}",
             *workers, "--timeout", "60", "--pythonpath", str(pythonpath or ROOT / "deploy"), "wsgi:application"],
            cwd=ROOT, env={**os.environ, "CKAN_INI": str(ini)}, stdout=out, stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn terminó al iniciar; vea {log}")
        try:
            with urllib.request.urlopen(f"{url}/api/3/action/status_show", timeout=5):
                return server, url
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)  # polling a port that is not open yet: there is no event to await
    server.terminate()
    raise SystemExit(f"el portal no respondió en {wait:.0f} s; vea {log}")
