"""The plan's pages in headless Chromium, with the demo loaded: /plan, a studied region and a
dimension, at a laptop's width (1366 px) and a phone's (390 px). Texts are checked against
the portal's own API (territorio_plan_show); screenshots go to tests/browser/artifacts/."""
from __future__ import annotations

from pathlib import Path

import pytest
from portal_api import ARTIFACTS, api
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

PHONE = 390


def open_page(browser: WebDriver, url: str) -> None:
    browser.get(url)
    WebDriverWait(browser, 20).until(ec.presence_of_element_located((By.CSS_SELECTOR, "h1")))


def visible_text(browser: WebDriver, css: str) -> str:
    return " ".join(browser.find_element(By.CSS_SELECTOR, css).text.split())


WIDER_THAN_VIEWPORT = """
const limit = document.documentElement.clientWidth + 1;
return [...document.querySelectorAll(arguments[0] + ' *')]
  .filter(e => e.getBoundingClientRect().right > limit && getComputedStyle(e).display !== 'none'
               && !e.closest('.table-responsive, .territorio-chart-wide'))
  .map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'));
"""


def at_phone_width(browser: WebDriver, name: str, sections: str) -> Path:
    """A full-page screenshot at 390 px; fails if something in ``sections`` (CSS) sticks out."""
    ARTIFACTS.mkdir(exist_ok=True)
    browser.set_window_size(PHONE, 900)
    overflow = browser.execute_script(WIDER_THAN_VIEWPORT, sections)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(PHONE, max(900, min(int(height), 12000)))
    path = ARTIFACTS / f"{name}.png"
    browser.save_screenshot(str(path))
    browser.set_window_size(1366, 900)
    assert overflow == [], f"{name}: a {PHONE} px se salen de la pantalla {overflow[:5]}"
    return path


def test_plan_page(portal: str, browser: WebDriver, screenshot) -> None:
    plan = api(portal, "territorio_plan_show")
    open_page(browser, f"{portal}/plan")

    assert "El plan Chile Territorio Inteligente en una página" in visible_text(
        browser, "[role=main] h1")
    objectives = browser.find_elements(By.CSS_SELECTOR, ".territorio-plan-objectives li")
    assert [o.text for o in objectives] == [o["label"]["es"] for o in plan["objectives"]]
    chart = browser.find_element(By.CSS_SELECTOR, "#territorio-prioridades-actores")
    assert chart.size["width"] > 500 and chart.size["height"] > 200
    browser.set_window_size(PHONE, 900)
    assert browser.find_element(By.CSS_SELECTOR, "#territorio-prioridades-actores").size["width"] >= 470
    browser.set_window_size(1366, 900)
    rows = browser.find_elements(By.CSS_SELECTOR, ".territorio-plan-recommendation")
    assert len(rows) == plan["counts"]["recommendations"] == 20
    summary = visible_text(browser, ".territorio-plan-status-summary")
    by_status = plan["counts"]["by_status"]
    assert summary == (f"Implementada: {by_status['implementada']} Parcial: {by_status['parcial']} "
                       f"Pendiente: {by_status['pendiente']}")
    chosen = visible_text(browser, ".territorio-plan-option-chosen h4")
    assert chosen.startswith("Estrategia Intermedia")
    assert screenshot("plan").stat().st_size > 20_000
    at_phone_width(browser, "plan-390", ".territorio-plan-page")


def test_region_page_with_the_plans_evidence(portal: str, browser: WebDriver, screenshot) -> None:
    (bio_bio,) = api(portal, "territorio_plan_show", region="CL-BI")["regions"]
    open_page(browser, f"{portal}/region/CL-BI")

    evidence = visible_text(browser, ".territorio-evidence")
    assert "Lo que encontró el plan en Concepción" in evidence
    for need in bio_bio["needs"]:
        assert " ".join(need.split()) in evidence
    chart = browser.find_element(By.CSS_SELECTOR, "#territorio-prioridades-region")
    assert chart.size["width"] > 250
    leads = browser.find_elements(By.CSS_SELECTOR, ".territorio-lead-item")
    assert len(leads) == len(bio_bio["leads"]) == 2
    marks = [c.get_attribute("data-marked") for c in leads[0].find_elements(
        By.CSS_SELECTOR, ".territorio-criterion")]
    assert marks == ["true", "true", "true", "false"]
    assert "Economía circular" in leads[0].text
    assert screenshot("region-biobio-plan").stat().st_size > 20_000
    at_phone_width(browser, "region-biobio-390", ".territorio-evidence, .territorio-leads")


def test_dimension_page_ranks(portal: str, browser: WebDriver, screenshot) -> None:
    open_page(browser, f"{portal}/dimension/seguridad")

    table = visible_text(browser, ".territorio-rank-table")
    assert "Estudio en terreno (prioridad ciudadana general) 6.º" in table
    assert "Expertos encuestados destacada" in table
    assert "Smart cities referentes (globales) secundaria" in table
    provenance = visible_text(browser, ".territorio-provenance")
    assert "Seguridad física nombrada en el plan" in provenance
    assert screenshot("dimension-seguridad-plan").stat().st_size > 20_000
    at_phone_width(browser, "dimension-seguridad-390",
                   ".territorio-ranks, .territorio-provenance, .territorio-leads")


@pytest.mark.parametrize("path", ["/matriz"])
def test_matrix_marks_criteria(portal: str, browser: WebDriver, screenshot, path: str) -> None:
    open_page(browser, f"{portal}{path}")
    cells = browser.find_elements(By.CSS_SELECTOR, "td.territorio-cell-lead .territorio-cell-criteria")
    assert len(cells) == 10
    assert screenshot("matriz-criterios").stat().st_size > 20_000
