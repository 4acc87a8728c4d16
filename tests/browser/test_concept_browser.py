"""A theme concept's page in headless Chromium, at 1366 px and on a 390 px phone: its label,
EU data theme and links, the page no wider than the screen; screenshots in artifacts/."""
from __future__ import annotations

import pytest
from portal_api import ARTIFACTS
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

PAGE = "/framework/dimension/medio-ambiente"


def open_page(browser: WebDriver, url: str) -> str:
    browser.get(url)
    WebDriverWait(browser, 20).until(ec.presence_of_element_located((By.CSS_SELECTOR, "h1")))
    return " ".join(browser.find_element(By.CSS_SELECTOR, "[role=main]").text.split())


def save(browser: WebDriver, name: str, width: int) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(width, max(800, min(int(height), 8000)))
    browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))


@pytest.mark.parametrize("width", [1366, 390])
def test_the_concept_page_shows_the_dimension_and_fits_the_screen(portal, browser, width):
    browser.set_window_size(width, 900)
    try:
        text = open_page(browser, portal + PAGE)

        assert "Medio Ambiente" in browser.find_element(By.CSS_SELECTOR, "[role=main] h1").text
        for expected in ("Dimensión del plan", "Tema de datos de la Unión Europea", "Reciclaje",
                         f"{portal}{PAGE}", "Datos enlazados (RDF)"):
            assert expected.lower() in text.lower(), expected
        eu = browser.find_element(By.LINK_TEXT, "Medio ambiente")
        assert eu.get_attribute("href").endswith("/data-theme/ENVI")
        scroll_width = browser.execute_script("return document.scrollingElement.scrollWidth")
        viewport = browser.execute_script("return window.innerWidth")
        assert scroll_width <= viewport
        save(browser, f"concept-medio-ambiente-{width}", width)
    finally:
        browser.set_window_size(1366, 900)
