"""The municipalities' bulk path end to end: `ckanapi load datasets` against gunicorn.

The portal is served by gunicorn in a subprocess on the test database, with the deferred checks
on; ckanapi (pinned in deploy/constraints.txt) loads a JSON-lines file with an editor's token;
the jobs then run in this process, on the same Redis queue the portal filled.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import ckan.plugins.toolkit as tk
import pytest
import servers
from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas

BIN = Path(sys.executable).parent

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckanext.territorio.policy.defer_checks", True),
    pytest.mark.ckan_config("ckanext.territorio.policy.fetch_allow", "127.0.0.1"),
    pytest.mark.usefixtures("with_plugins"),
]


@pytest.fixture(scope="module")
def portal(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, reset_db) -> Iterator[str]:
    """Base URL of gunicorn serving the (emptied) test database with the deferred checks on."""
    workdir = tmp_path_factory.mktemp("load-portal")
    ini = workdir / "portal.ini"
    port = servers.free_port()
    servers.write_ini(Path(request.config.getoption("--ckan-ini")).resolve(), ini, {
        "ckan.site_url": f"http://127.0.0.1:{port}",
        "debug": "false",
        "ckanext.territorio.policy.defer_checks": "true",
        "ckanext.territorio.policy.fetch_allow": "127.0.0.1",
    })
    reset_db()
    with servers.gunicorn(ini, workdir / "gunicorn.log", port) as url:
        yield url


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
