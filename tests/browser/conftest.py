"""The portal served by gunicorn in a subprocess, with the demo loaded, and headless Chromium.

Debian's `chromium` and `chromium-driver` packages (deploy/test.sh installs them); without
them every browser test is skipped, saying why.
"""
from __future__ import annotations

import configparser
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from devices import emulated
from portal_api import ARTIFACTS
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from ckanext.territorio.search import cache as search_cache

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
START_TIMEOUT = 90


def _skip_without_browser() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.skip(
            f"sin navegador para las pruebas: falta {', '.join(missing)} "
            "(apt-get install chromium chromium-driver, como hace deploy/test.sh)"
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _venv_bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def _run(args: list[str], log: Path) -> None:
    with log.open("ab") as out:
        result = subprocess.run(args, stdout=out, stderr=subprocess.STDOUT, cwd=REPO, check=False)
    if result.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        pytest.fail(f"{' '.join(args[:4])} ... terminó con {result.returncode}:\n{tail}")


def _write_ini(source: Path, target: Path, options: dict[str, str]) -> None:
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
            time.sleep(0.5)
    pytest.fail(f"el portal no respondió en {START_TIMEOUT} s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def portal(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    reset_db,
) -> Iterator[str]:
    """Base URL of the portal on a free port, serving the test database with the demo loaded."""
    _skip_without_browser()
    test_ini = Path(request.config.getoption("--ckan-ini")).resolve()
    workdir = tmp_path_factory.mktemp("portal")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    ini = workdir / "portal.ini"
    log = workdir / "portal.log"
    _write_ini(test_ini, ini, {
        "ckan.site_url": url,
        "ckan.webassets.path": str(workdir / "webassets"),
        "debug": "false",
        # /dataset lists datasets only; initiatives have their own search (/iniciativa)
        "ckan.search.show_all_types": "false",
    })
    # the search index is a table of CKAN's metadata: resetting empties it; cached results go too
    reset_db()
    search_cache.bump()
    _run([_venv_bin("ckan"), "-c", str(ini), "territorio", "demo", "load"], log)

    env = {**os.environ, "CKAN_INI": str(ini)}
    with log.open("ab") as out:
        server = subprocess.Popen(
            [
                _venv_bin("gunicorn"),
                "--bind", f"127.0.0.1:{port}",
                "--workers", "2",
                # threads, as in production: Chromium opens speculative connections that
                # send nothing, and each would hold a sync worker until its timeout
                "--worker-class", "gthread",
                "--threads", "4",
                "--timeout", "60",
                "--pythonpath", str(REPO / "deploy"),
                "wsgi:application",
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
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


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    """Headless Chromium with a throw-away profile, at a laptop's window size."""
    _skip_without_browser()
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--window-size=1366,900",
        "--lang=es",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def screenshot(browser: webdriver.Chrome, request: pytest.FixtureRequest):
    """Saves the whole page as tests/browser/artifacts/<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)

    def save(name: str) -> Path:
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(1366, max(900, min(int(height), 8000)))
        path = ARTIFACTS / f"{name}.png"
        browser.save_screenshot(str(path))
        browser.set_window_size(1366, 900)
        return path

    return save



@pytest.fixture
def phone(browser: webdriver.Chrome) -> Iterator[webdriver.Chrome]:
    """The same browser as a 390 px wide phone (device metrics, touch)."""
    with emulated(browser, 390, 844, mobile=True) as device:
        yield device
