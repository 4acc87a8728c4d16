"""The portal served by gunicorn in a subprocess, with the demo loaded, and headless Chromium.

Debian's `chromium` and `chromium-driver` packages (deploy/test.sh installs them); without
them every browser test is skipped, saying why.
"""
from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import servers
from devices import emulated
from portal_api import ARTIFACTS
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from ckanext.territorio.search import cache as search_cache

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def _skip_without_browser() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.skip(
            f"sin navegador para las pruebas: falta {', '.join(missing)} "
            "(apt-get install chromium chromium-driver, como hace deploy/test.sh)"
        )


def _run(args: list[str], log: Path) -> None:
    with log.open("ab") as out:
        result = subprocess.run(args, stdout=out, stderr=subprocess.STDOUT, cwd=servers.REPO, check=False)
    if result.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        pytest.fail(f"{' '.join(args[:4])} ... terminó con {result.returncode}:\n{tail}")


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
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}"
    ini = workdir / "portal.ini"
    log = workdir / "portal.log"
    servers.write_ini(test_ini, ini, {
        "ckan.site_url": url,
        "ckan.webassets.path": str(workdir / "webassets"),
        "debug": "false",
        # /dataset lists datasets only; initiatives have their own search (/iniciativa)
        "ckan.search.show_all_types": "false",
    })
    # the search index is a table of CKAN's metadata: resetting empties it; cached results go too
    reset_db()
    search_cache.bump()
    _run([servers.venv_bin("ckan"), "-c", str(ini), "territorio", "demo", "load"], log)

    with servers.gunicorn(ini, log, port) as served:
        yield served


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
