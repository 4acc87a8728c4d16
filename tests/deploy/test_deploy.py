"""The deploy scripts' parts that can be checked without bootstrapping a machine:
templates, the generated ini, the supervisord programs, the WSGI entry point and
how the test command reads pytest's exit code."""
from __future__ import annotations

import configparser
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from supervisor.options import ServerOptions

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
VENV_BIN = Path(sys.executable).parent
PLUGINS = (
    "territorio_search territorio activity scheming_datasets spatial_metadata spatial_query "
    "harvest territorio_ckan_harvester territorio_dcat_rdf_harvester "
    "territorio_dcat_json_harvester territorio_openaq territorio_sensorthings "
    "territorio_ngsi_ld territorio_sinca territorio_mqtt dcat datastore datatables_view "
    "territorio_timeseries_view territorio_stations_map"
)


def bash(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", script],
        check=False,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "TERM": "dumb", **env},
        timeout=120,
    )


def render(template: Path, out: Path, **values: str) -> subprocess.CompletedProcess[str]:
    exports = "".join(f"{name}={json.dumps(value)}; " for name, value in values.items())
    return bash(f'source deploy/lib/common.sh; {exports}render_template "{template}" "{out}"')


@pytest.mark.parametrize(
    "script",
    sorted(str(p.relative_to(REPO)) for p in [*DEPLOY.glob("*.sh"), *DEPLOY.glob("lib/*.sh")])
    + [".ci/run"],
)
def test_script_is_valid_bash(script: str):
    result = bash(f"bash -n {script}")

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_render_template_fills_every_placeholder(tmp_path: Path):
    template = tmp_path / "in"
    template.write_text("url = @SITE_URL@\nurl_again = @SITE_URL@&x\nport = @PORT@\n")
    out = tmp_path / "out"

    result = render(template, out, SITE_URL="http://a.example/?b=1&c=2", PORT="5000")

    assert result.returncode == 0, result.stderr
    assert out.read_text() == (
        "url = http://a.example/?b=1&c=2\nurl_again = http://a.example/?b=1&c=2&x\nport = 5000\n"
    )


def test_render_template_refuses_a_missing_variable(tmp_path: Path):
    template = tmp_path / "in"
    template.write_text("a = @NOT_SET_ANYWHERE@\n")

    result = render(template, tmp_path / "out")

    assert result.returncode != 0
    assert "NOT_SET_ANYWHERE" in result.stderr


@pytest.mark.parametrize("code", [0, 5])
def test_pytest_success_and_no_tests_collected_pass(code: int):
    result = bash(f"source deploy/test.sh; pytest_verdict {code} 12")

    assert result.returncode == 0
    if code == 5:
        assert "no recolectó ninguna prueba (código 5)" in result.stdout


@pytest.mark.parametrize(
    ("argc", "setting", "cores", "workers"),
    [(0, "", "2", "2"), (0, "", "1", "1"), (0, "", "16", "4"), (3, "", "8", "1"), (3, "3", "2", "3"), (0, "1", "8", "1")],
)
def test_the_whole_suite_takes_one_process_per_core_and_a_partial_run_one(argc, setting, cores, workers):
    # nproc answers what the test says: the machine's core count is not the subject here
    result = bash(f"nproc() {{ echo {cores}; }}; source deploy/test.sh; test_workers {argc}",
                  TERRITORIO_TEST_WORKERS=setting)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == workers


def test_a_bad_worker_count_is_refused_in_spanish():
    result = bash("source deploy/test.sh; test_workers 0", TERRITORIO_TEST_WORKERS="dos")

    assert result.returncode != 0
    assert "TERRITORIO_TEST_WORKERS debe ser un entero positivo" in result.stderr


@pytest.mark.parametrize("code", [1, 2, 3, 4])
def test_real_pytest_failures_keep_their_code(code: int):
    result = bash(f"source deploy/test.sh; pytest_verdict {code} 12")

    assert result.returncode == code
    assert f"pytest terminó con código {code}" in result.stderr


def _generated_ini(tmp_path: Path, *overrides: Path, **values: str) -> configparser.RawConfigParser:
    ini = tmp_path / "ckan.ini"
    subprocess.run([VENV_BIN / "ckan", "generate", "config", ini], check=True, capture_output=True)
    merged = tmp_path / "overrides.ini"
    assert render(DEPLOY / "config/ckan.ini.in", merged, **values).returncode == 0
    with merged.open("a") as handle:
        for extra in overrides:
            handle.write(extra.read_text())
    subprocess.run(
        [VENV_BIN / "ckan", "config-tool", ini, "-f", merged], check=True, capture_output=True
    )
    parser = configparser.RawConfigParser(strict=False)
    parser.read(ini)
    return parser


TEMPLATE_VALUES = {
    "SITE_URL": "http://127.0.0.1:5000",
    "CKAN_DB_URL": "postgresql://ckan_default:x@127.0.0.1:5432/ckan_default",
    "DATASTORE_WRITE_URL": "postgresql://ckan_default:x@127.0.0.1:5432/datastore_default",
    "DATASTORE_READ_URL": "postgresql://datastore_ro:y@127.0.0.1:5432/datastore_default",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
    "STORAGE_PATH": "/tmp/storage",
}


def test_portal_ini_enables_the_plugins_in_order_and_spanish(tmp_path: Path):
    app = _generated_ini(tmp_path, **TEMPLATE_VALUES)["app:main"]

    assert app["ckan.plugins"] == PLUGINS
    assert app["ckanext.territorio.search_backend"] == "postgres"
    assert app["ckan.locale_default"] == "es"
    assert app["ckan.locales_offered"] == "es en"
    assert app["ckan.datastore.read_url"] == TEMPLATE_VALUES["DATASTORE_READ_URL"]
    assert app["ckan.site_title"] == "Territorio Inteligente"
    assert app["ckan.gravatar_default"] == "disabled"  # no e-mail hashes to gravatar.com
    assert "testing" not in app


def test_test_ini_keeps_the_plugins_and_marks_testing(tmp_path: Path):
    parser = _generated_ini(tmp_path, DEPLOY / "config/test.ini.in", **TEMPLATE_VALUES)

    assert parser["app:main"]["ckan.plugins"] == PLUGINS
    assert parser["app:main"]["testing"] == "true"
    assert parser["app:main"]["ckan.auth.create_unowned_dataset"] == "true"
    assert parser["logger_ckan"]["level"] == "WARNING"


def test_supervisord_runs_web_worker_and_harvest_consumers(tmp_path: Path):
    conf = tmp_path / "supervisord.conf"
    result = render(
        DEPLOY / "supervisord.conf.in",
        conf,
        SUPERVISOR_SOCK=str(tmp_path / "s.sock"),
        LOG_DIR=str(tmp_path),
        RUN_DIR=str(tmp_path),
        REPO=str(REPO),
        VENV="/venv",
        CKAN_INI="/run/ckan.ini",
        WEB_BIND="127.0.0.1:5000",
        JOB_QUEUES="default territorio",
        HARVEST_REDIS_URL="redis://127.0.0.1:6379/1?socket_timeout=604800",
    )
    assert result.returncode == 0, result.stderr
    options = ServerOptions()
    options.configfile = str(conf)
    options.process_config(do_usage=False)

    programs = {
        group.name: group.process_configs[0] for group in options.process_group_configs
    }

    assert set(programs) == {
        "web", "jobs-worker", "harvest-gather", "harvest-fetch", "harvest-scheduler",
        "quality-scheduler", "stream",
    }
    web = programs["web"].command
    assert web.startswith("/venv/bin/gunicorn ") and "--bind 127.0.0.1:5000" in web
    assert web.endswith("wsgi:application")
    assert programs["web"].environment == {"CKAN_INI": "/run/ckan.ini"}
    # the worker without a fork per job (ckanext/territorio/worker.py), restarted every 1000 jobs
    assert programs["jobs-worker"].command.endswith("territorio jobs worker --max-jobs 1000 default territorio")
    assert programs["harvest-gather"].command.endswith("harvester gather-consumer")
    assert "socket_timeout" in programs["harvest-fetch"].environment["CKAN_REDIS_URL"]
    # two consumers per harvest queue: one slow source cannot hold them all (issue 11)
    consumers = {
        group.name: [p.name for p in group.process_configs] for group in options.process_group_configs
    }
    assert consumers["harvest-gather"] == ["harvest-gather-0", "harvest-gather-1"]
    assert consumers["harvest-fetch"] == ["harvest-fetch-0", "harvest-fetch-1"]
    assert programs["quality-scheduler"].command.endswith("territorio quality scheduler")
    assert programs["stream"].command.endswith("territorio stream run")


def _through_wsgi(ckan_config, path: str) -> dict:
    """GET ``path`` from the app deploy/wsgi.py builds (in a process of its own), as JSON."""
    probe = (
        "import json, runpy\n"
        "from werkzeug.test import Client\n"
        "app = runpy.run_path('deploy/wsgi.py')['application']\n"
        f"print(json.dumps(Client(app).get({path!r}).get_json()))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        check=False,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "CKAN_INI": ckan_config["__file__"]},
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_wsgi_entry_point_serves_the_api(ckan_config):
    status = _through_wsgi(ckan_config, "/api/3/action/status_show")

    assert status["success"] is True
    assert status["result"]["ckan_version"] == "2.12.0"
    assert status["result"]["extensions"][:2] == ["territorio_search", "territorio"]


def test_wsgi_entry_point_serves_the_javascript_texts_in_spanish(ckan_config):
    texts = _through_wsgi(ckan_config, "/api/i18n/es")

    assert texts["Show more"][1] == "Mostrar más"  # table-toggle-more.js, in English before
