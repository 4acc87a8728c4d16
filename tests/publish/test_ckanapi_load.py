"""The municipalities' bulk path end to end: `ckanapi load datasets` against gunicorn.

The portal is served by gunicorn in a subprocess on the test database, with the deferred checks
on; ckanapi (pinned in deploy/constraints.txt) loads a JSON-lines file with an editor's token;
the jobs then run in this process, on the same Redis queue the portal filled.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckanext.territorio.policy.defer_checks", True),
    pytest.mark.ckan_config("ckanext.territorio.policy.fetch_allow", "127.0.0.1"),
    pytest.mark.usefixtures("with_plugins"),
]


def _up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn terminó al iniciar:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/3/action/status_show", timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)  # a port that is not open yet: there is no event to await
    pytest.fail(f"el portal no respondió en 90 s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def portal(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, reset_db) -> Iterator[str]:
    """Base URL of gunicorn serving the (emptied) test database with the deferred checks on."""
    workdir = tmp_path_factory.mktemp("load-portal")
    ini = workdir / "portal.ini"
    shutil.copyfile(Path(request.config.getoption("--ckan-ini")).resolve(), ini)
    port = ckan_port()
    url = f"http://127.0.0.1:{port}"
    subprocess.run(
        [str(BIN / "ckan"), "config-tool", str(ini), f"ckan.site_url = {url}", "debug = false",
         "ckanext.territorio.policy.defer_checks = true",
         "ckanext.territorio.policy.fetch_allow = 127.0.0.1"],
        check=True, stdout=subprocess.DEVNULL,
    )
    reset_db()
    log = workdir / "gunicorn.log"
    with log.open("ab") as out:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--worker-class", "gthread", "--threads", "4", "--timeout", "60",
             "--pythonpath", str(REPO / "deploy"), "wsgi:application"],
            cwd=REPO, env={**os.environ, "CKAN_INI": str(ini)}, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        _up(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def ckan_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load(url: str, token: str, records: list[dict], tmp_path: Path) -> list[list]:
    """``ckanapi load datasets`` of the records; its result lines ([time, line, action, error, data])."""
    source, results = tmp_path / "conjuntos.jsonl", tmp_path / "resultado.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    results.unlink(missing_ok=True)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        [str(BIN / "ckanapi"), "load", "datasets", "-I", str(source), "-r", url, "-a", token,
         "-p", "2", "-l", str(results), "-q"],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert results.exists(), done.stdout + done.stderr
    return sorted((json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()),
                  key=lambda r: r[1])


def test_ckanapi_load_creates_updates_and_reports_field_errors(portal, run_jobs, linked_file, tmp_path):
    editor = ckan_factories.User()
    org = ckan_factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    token = ckan_factories.APIToken(user=editor["name"])["token"]
    records = [
        TerritorialDataset.stub(name="aire-temuco-2024", owner_org=org["name"], resources=[
            {"url": linked_file("sensor_limpio.csv"), "format": "CSV", "name": "MP2,5", "unit": "ug/m3"}
        ]).__dict__,
        TerritorialDataset.stub(name="zonas-temuco", owner_org=org["name"], resources=[
            {"url": "http://datos.temuco.example/zonas.geojson", "format": "GeoJSON"}
        ]).__dict__,
        TerritorialDataset.stub(name="cerrado-temuco", owner_org=org["name"], license_id="other-closed").__dict__,
    ]

    results = load(portal, token, records, tmp_path)

    assert [(r[2], r[3], r[4]) for r in results[:2]] == [
        ("create", None, "aire-temuco-2024"), ("create", None, "zonas-temuco")
    ]
    assert (results[2][2], results[2][3]) == ("create", "ValidationError")
    assert "license_id" in results[2][4]
    with pytest.raises(tk.ObjectNotFound):
        call_action("package_show", id="cerrado-temuco")
    held = call_action("package_show", id="aire-temuco-2024")
    assert held["private"] is True
    assert call_action("territorio_validation_show", package_id=held["id"])["checks"]["status"] == "pendiente"

    run_jobs()

    assert call_action("package_show", id="aire-temuco-2024")["private"] is False
    assert call_action("territorio_validation_show", package_id=held["id"])["checks"]["status"] == "completo"

    records[1]["title"] = "Zonas de monitoreo de Temuco"
    again = load(portal, token, records[1:2], tmp_path)
    assert [(r[2], r[3], r[4]) for r in again] == [("update", None, "zonas-temuco")]
    assert call_action("package_show", id="zonas-temuco")["title"] == "Zonas de monitoreo de Temuco"
