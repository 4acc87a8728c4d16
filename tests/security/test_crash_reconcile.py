"""kill -9 of the web workers during a package_create burst, on a real gunicorn: every dataset
that committed ends with its validation report, quality score and link check once the
reconciler (``ckan territorio quality reconcile``) and a real jobs worker have run.

gunicorn serves tests/security/crash_wsgi.py (deploy/wsgi.py, where saves of ``cae-*``
datasets wait right after their commit so that the kill lands there for certain); other
workers are killed at random moments of the burst. Background work runs in real
``ckan jobs worker --burst territorio`` processes.
"""
from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.lib import jobs
from ckan.tests import factories as ckan_factories
from factories import TerritorialDataset, territorial_schemas

from ckanext.territorio.model.quality import LinkCheck
from ckanext.territorio.policy import store as policy_store
from ckanext.territorio.quality import store as quality_store

sys.path.insert(0, str(Path(__file__).parents[1] / "net"))
from net_servers import Site  # noqa: E402

pytestmark = [
    *territorial_schemas,
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BURST, STALLED, WORKERS = 16, 2, 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def crash_ini(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    base = Path(request.config.getoption("--ckan-ini")).resolve()
    ini = tmp_path / "crash.ini"
    ini.write_text(
        "[app:main]\n"
        f"use = config:{base}\n"
        "ckanext.territorio.quality.check_links = true\n"
        "ckanext.territorio.harvest.allow_networks = 127.0.0.1\n"
        f"ckan.storage_path = {tmp_path / 'storage'}\n"
        # deploy/wsgi.py configures logging from the ini it serves
        "[loggers]\nkeys = root\n[handlers]\nkeys = console\n[formatters]\nkeys = generic\n"
        "[logger_root]\nlevel = WARNING\nhandlers = console\n"
        "[handler_console]\nclass = StreamHandler\nargs = (sys.stderr,)\nlevel = NOTSET\nformatter = generic\n"
        "[formatter_generic]\nformat = %%(asctime)s %%(levelname)s [%%(name)s] %%(message)s\n"
    )
    return ini


@pytest.fixture
def gunicorn(crash_ini: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    """gunicorn (sync workers, as deploy/supervisord.conf.in) on a free port; stopped at the end."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    crash_dir = tmp_path / "crash"
    crash_dir.mkdir()
    log = (tmp_path / "gunicorn.log").open("ab")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
         "--timeout", "300", "--pythonpath", str(ROOT / "tests" / "security"), "crash_wsgi:application"],
        cwd=ROOT, env={**os.environ, "CKAN_INI": str(crash_ini), "TERRITORIO_CRASH_DIR": str(crash_dir)},
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, f"gunicorn terminó al iniciar; vea {log.name}"
            assert time.monotonic() < deadline, f"el portal no respondió; vea {log.name}"
            try:
                with urllib.request.urlopen(f"{url}/api/3/action/status_show", timeout=10):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        yield server, url, crash_dir
    finally:
        if server.poll() is None:
            server.terminate()
        server.wait(timeout=60)
        log.close()


def web_workers(master: int) -> list[int]:
    """The pids of the gunicorn master's worker processes."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return pids


def ckan(ini: Path, *args: str, timeout: float = 600) -> str:
    result = subprocess.run(
        [str(BIN / "ckan"), "-c", str(ini), *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def create(url: str, token: str, payload: dict) -> int | str:
    request = urllib.request.Request(
        f"{url}/api/3/action/package_create", data=json.dumps(payload).encode(),
        headers={"Authorization": token, "Content-Type": "application/json"}, method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=240) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        return type(error).__name__  # the worker died under the request


def committed() -> dict[str, str]:
    """name → id of the burst's datasets that are in the database, active."""
    model.Session.remove()
    rows = model.Session.execute(
        sa.text("SELECT name, id FROM package WHERE state = 'active' AND type = 'dataset' "
                "AND (name LIKE 'rafaga-%' OR name LIKE 'cae-%')")
    )
    return {row.name: row.id for row in rows}


def missing_checks(ids: dict[str, str]) -> dict[str, set[str]]:
    """For each dataset, what of its after-commit checks is missing."""
    model.Session.remove()
    linked = {row.package_id for row in model.Session.query(LinkCheck.package_id)}
    found: dict[str, set[str]] = {}
    for name, package_id in ids.items():
        lacks = set()
        if policy_store.latest_dataset(package_id, "metadata") is None:
            lacks.add("report")
        if quality_store.get(package_id) is None:
            lacks.add("score")
        if package_id not in linked:
            lacks.add("links")
        if lacks:
            found[name] = lacks
    return found


def test_datasets_committed_by_killed_workers_are_reconciled(gunicorn, crash_ini):
    server, url, crash_dir = gunicorn
    jobs.get_queue("territorio").empty()
    org = ckan_factories.Organization()
    token = ckan_factories.APIToken(user=ckan_factories.Sysadmin()["name"])["token"]
    with Site() as site:
        resource = {"url": f"{site.base}/ok", "format": "CSV", "name": "Mediciones", "variable": "MP2,5",
                    "unit": "µg/m³"}
        names = [f"rafaga-{n}" for n in range(BURST)]
        names[4:4] = [f"cae-{n}" for n in range(STALLED)]
        payloads = [
            TerritorialDataset.stub(name=name, owner_org=org["id"], resources=[resource]).__dict__ for name in names
        ]
        kills: list[str] = []
        answered: list[str] = []
        done = threading.Event()

        def send(name: str, payload: dict) -> int | str:
            outcome = create(url, token, payload)
            answered.append(name)
            return outcome

        def killer() -> None:
            """kill -9 the stalled workers as they stop after their commit; then one random
            worker after every few answers (whatever it is doing: parsing, saving, checking)."""
            rng = random.Random(11)
            handled: set[str] = set()
            next_kill = 3
            while not done.wait(0.1):
                for marker in crash_dir.iterdir():
                    if marker.name not in handled and marker.read_text():
                        handled.add(marker.name)
                        os.kill(int(marker.read_text()), signal.SIGKILL)
                        kills.append(marker.name)
                # random kills once the stalled saves are dead (one could die before its commit)
                if len(handled) == STALLED and len(answered) >= next_kill and (pids := web_workers(server.pid)):
                    next_kill += 4
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(rng.choice(pids), signal.SIGKILL)
                        kills.append("azar")

        watcher = threading.Thread(target=killer, daemon=True)
        watcher.start()
        try:
            with ThreadPoolExecutor(4) as pool:
                outcomes = dict(zip(names, pool.map(send, names, payloads), strict=True))
        finally:
            done.set()
            watcher.join(timeout=5)
        server.terminate()
        server.wait(timeout=60)

        assert sorted(k for k in kills if k != "azar") == [f"cae-{n}" for n in range(STALLED)], kills
        assert all(not isinstance(outcomes[f"cae-{n}"], int) for n in range(STALLED)), outcomes
        ids = committed()
        # the stalled ones committed before their worker died: public, indexed, never checked
        for n in range(STALLED):
            name = f"cae-{n}"
            assert name in ids
            assert policy_store.latest_dataset(ids[name], "metadata") is None
            assert quality_store.get(ids[name]) is None
        assert kills.count("azar") >= 2, kills
        assert len(ids) >= BURST // 2, (outcomes, kills)

        # what the burst's saves queued runs now, in a real worker
        ckan(crash_ini, "jobs", "worker", "--burst", "territorio")
        missing = missing_checks(ids)
        assert {f"cae-{n}" for n in range(STALLED)} <= set(missing)
        for n in range(STALLED):
            assert missing[f"cae-{n}"] == {"report", "score", "links"}

        print(f"\nráfaga: {len(names)} package_create, {kills.count('azar')} procesos muertos al azar y "
              f"{STALLED} tras confirmar; {len(ids)} confirmados, {len(missing)} sin revisar del todo: "
              f"{sorted((n, sorted(m)) for n, m in missing.items())}; respuestas: {outcomes}")
        output = ckan(crash_ini, "territorio", "quality", "reconcile", "--grace-seconds", "0")
        listed = {line.strip() for line in output.splitlines()[1:]}
        assert output.startswith(f"{len(missing)} conjuntos sin revisar tras guardarse")
        assert listed == {ids[name] for name in missing}

        ckan(crash_ini, "jobs", "worker", "--burst", "territorio")
        assert missing_checks(ids) == {}
    model.Session.remove()
    for name, package_id in ids.items():
        checks = model.Session.query(LinkCheck).filter_by(package_id=package_id).all()
        assert [(c.outcome, c.status_code) for c in checks] == [("ok", 200)], name
        assert quality_store.get(package_id).package_id == package_id
    # nothing was checked twice over: the reconciler's second look finds nothing
    assert ckan(crash_ini, "territorio", "quality", "reconcile", "--grace-seconds", "0").startswith("0 conjuntos")
