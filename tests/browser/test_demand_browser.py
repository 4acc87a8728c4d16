"""Citizens' demand in headless Chromium, the demo loaded and a few data requests filed: the
scoreboard's "Demanda ciudadana" (bars and tables) at 1366 px and 390 px, nothing scrolling the
page sideways, and the answer time on the Municipalidad de Temuco's report card. Screenshots
of the sections go to tests/browser/artifacts/."""
from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from ckan.tests import factories
from devices import emulated
from portal_api import ARTIFACTS
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

PASSWORD = "Demanda-ciudadana-2026"
TEMUCO = "municipalidad-de-temuco"
# (regions, dimensions, answered)
REQUESTS = [
    (["CL-AR"], ["movilidad"], True),
    (["CL-AR"], ["medio-ambiente"], False),
    (["CL-AR", "CL-RM"], ["movilidad", "medio-ambiente"], True),
    (["CL-RM"], ["seguridad"], False),
    (["CL-AN"], [], False),
    ([], [], False),
]
STICKING_OUT = """
const limit = document.documentElement.clientWidth + 1;
return [...document.querySelectorAll('[role=main] *')]
  .filter(e => e.getBoundingClientRect().right > limit && getComputedStyle(e).display !== 'none'
               && !e.closest('.table-responsive'))
  .map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'));
"""


def post(portal: str, action: str, token: str, **data: Any) -> Any:
    """An action of the served portal as an API client (POST, JSON, the user's token)."""
    request = urllib.request.Request(
        f"{portal}/api/3/action/{action}", data=json.dumps(data).encode(),
        headers={"Authorization": token, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["result"]


@pytest.fixture(scope="module")
def filed(portal: str) -> dict:
    """A sysadmin (who may sign in) files the requests to Temuco and answers some of them."""
    admin = factories.Sysadmin(password=PASSWORD)
    token = factories.APIToken(user=admin["name"])["token"]
    for i, (regions, dims, answered) in enumerate(REQUESTS):
        made = post(portal, "territorio_request_create", token,
                    title=f"Datos pedidos número {i + 1}", description="Para el barrio.",
                    region=regions, dimension=dims, organization=TEMUCO)
        if answered:
            post(portal, "territorio_request_update", token, id=made["id"], status="en-curso")
    return admin


def open_page(browser: WebDriver, url: str) -> None:
    browser.get(url)
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, "h1")))


def log_in(browser: WebDriver, portal: str, user: str) -> None:
    browser.delete_all_cookies()
    open_page(browser, f"{portal}/user/login")
    browser.find_element(By.ID, "field-login").send_keys(user)
    password = browser.find_element(By.ID, "field-password")
    password.send_keys(PASSWORD)
    password.submit()
    WebDriverWait(browser, 30).until(ec.url_contains("/dashboard"))


def shoot(browser: WebDriver, selector: str, name: str, width: int = 1366) -> None:
    """A screenshot of the element, the window as tall as the page (the width kept)."""
    ARTIFACTS.mkdir(exist_ok=True)
    height = int(browser.execute_script("return document.documentElement.scrollHeight"))
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": min(max(900, height), 9000), "deviceScaleFactor": 1,
         "mobile": width < 576},
    )
    browser.find_element(By.CSS_SELECTOR, selector).screenshot(str(ARTIFACTS / f"{name}.png"))


@pytest.fixture
def laptop(browser: WebDriver) -> Iterator[WebDriver]:
    with emulated(browser, 1366, 900, mobile=False) as device:
        yield device


def _visible_bars(browser: WebDriver, chart: str) -> dict[str, str]:
    bars = [b for b in browser.find_elements(By.CSS_SELECTOR, f'figure[data-chart="{chart}"] g.territorio-chart-bar')
            if b.is_displayed()]
    return {b.get_attribute("data-key"): b.get_attribute("data-value") for b in bars}


@pytest.mark.parametrize("lang", ["", "/en"])
def test_demand_on_the_scoreboard_at_a_laptops_width(portal, filed, laptop, lang):
    open_page(laptop, f"{portal}{lang}/tablero")

    section = laptop.find_element(By.CSS_SELECTOR, "section.territorio-demand")
    assert section.get_attribute("data-received") == "6"
    bars = _visible_bars(laptop, "demanda_regiones")
    assert (bars["CL-AR"], bars["CL-RM"], bars["CL-AN"], bars["sin-indicar"]) == ("3", "2", "1", "1")
    assert len(bars) == 17
    assert _visible_bars(laptop, "demanda_dimensiones")["movilidad"] == "2"
    assert laptop.execute_script(STICKING_OUT) == []
    shoot(laptop, "section.territorio-demand", f"demanda-tablero-1366{lang.replace('/', '-')}")


@pytest.mark.parametrize("lang", ["", "/en"])
def test_demand_on_the_scoreboard_on_a_phone(portal, filed, phone, lang):
    open_page(phone, f"{portal}{lang}/tablero")

    assert phone.execute_script(STICKING_OUT) == []
    compact = phone.find_element(By.CSS_SELECTOR, "#grafico-demanda-regiones-movil")
    assert compact.is_displayed()
    assert not phone.find_element(By.CSS_SELECTOR, "#grafico-demanda-regiones").is_displayed()
    # the tables fit: nothing scrolls inside them either
    for table in phone.find_elements(By.CSS_SELECTOR, ".territorio-demand .table-responsive"):
        assert phone.execute_script("return arguments[0].scrollWidth <= arguments[0].clientWidth + 1", table)
    shoot(phone, "section.territorio-demand", f"demanda-tablero-390{lang.replace('/', '-')}", 390)


def test_answer_time_on_the_report_card(portal, filed, laptop):
    log_in(laptop, portal, filed["name"])
    open_page(laptop, f"{portal}/calidad/organizacion/{TEMUCO}")

    section = laptop.find_element(By.CSS_SELECTOR, "section.territorio-answer-time")
    assert "2 de 6 solicitudes dirigidas a la organización tienen respuesta." in section.text
    assert "Mediana del tiempo de respuesta: 0,0 días" in section.text
    shoot(laptop, "section.territorio-answer-time", "demanda-ficha-1366")
