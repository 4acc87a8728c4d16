"""The charts in headless Chromium, with the demo loaded and scored: the scoreboard's bars,
the heat-map matrices and the home page's regions, at a laptop's width (1366 px) and a phone's
(390 px, where nothing may scroll the page sideways). Bar values are checked against the
portal's own API; screenshots go to tests/browser/artifacts/."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from devices import emulated
from portal_api import ARTIFACTS, api
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

PHONE = 390
PAGES = {"tablero": "/tablero", "matriz": "/matriz", "inicio": "/"}
CHART = {"tablero": 'figure[data-chart="regiones"] svg', "matriz": None, "inicio": ".territorio-home-chart svg"}

# the figure's chart shown at this width (bar charts come wide and compact, one hidden)
DRAWN = """
const svg = [...document.querySelectorAll(arguments[0])].find(s => s.getBoundingClientRect().width > 0);
if (!svg) return {width: 0, height: 0, bars: 0, visible: false};
const box = svg.getBoundingClientRect();
const bars = [...svg.querySelectorAll('rect')].filter(r => r.getBoundingClientRect().width > 0);
return {width: box.width, height: box.height, bars: bars.length,
        visible: getComputedStyle(svg).visibility === 'visible' && box.width > 0,
        compact: svg.classList.contains('territorio-chart-phone'),
        font: svg.getBoundingClientRect().width / svg.viewBox.baseVal.width * 13};
"""


# what sticks out of the window (tables and wide charts scroll inside their own box); the
# home page's hero is left to the layout's own tests
STICKING_OUT = """
const limit = document.documentElement.clientWidth + 1;
return [...document.querySelectorAll('[role=main] *')]
  .filter(e => !e.closest('.territorio-hero'))
  .filter(e => e.getBoundingClientRect().right > limit && getComputedStyle(e).display !== 'none'
               && !e.closest('.table-responsive, .territorio-chart-wide'))
  .map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'));
"""


@pytest.fixture(autouse=True)
def _served(portal: str) -> None:
    """Every test here runs against the served portal."""


def open_page(browser: WebDriver, url: str) -> None:
    browser.get(url)
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, "h1")))


def save(browser: WebDriver, name: str, width: int) -> None:
    """A full-page screenshot at ``width`` (device metrics, so the layout stays the phone's)."""
    ARTIFACTS.mkdir(exist_ok=True)
    height = int(browser.execute_script("return document.documentElement.scrollHeight"))
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": min(max(900, height), 9000), "deviceScaleFactor": 1,
         "mobile": width <= PHONE},
    )
    browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))


@pytest.fixture
def laptop(browser: WebDriver) -> Iterator[WebDriver]:
    """The browser at a laptop's 1366 px, whatever a test before it left."""
    with emulated(browser, 1366, 900, mobile=False) as device:
        yield device


def test_scoreboard_bars_are_drawn_with_the_apis_figures(portal, laptop):
    by_region = {g["key"]: g for g in api(portal, "territorio_quality_summary", group_by="region")["groups"]}
    by_dimension = {g["key"]: g for g in api(portal, "territorio_quality_summary", group_by="dimension")["groups"]}
    open_page(laptop, f"{portal}/tablero")

    for chart in ("regiones", "dimensiones"):
        drawn = laptop.execute_script(DRAWN, f'figure[data-chart="{chart}"] svg')
        assert drawn["visible"] and drawn["bars"] > 0 and drawn["height"] > 100, chart
        assert not drawn["compact"] and drawn["font"] >= 12, drawn
    bars = laptop.find_elements(By.CSS_SELECTOR, 'figure[data-chart="regiones"] svg.territorio-chart-desktop g.territorio-chart-bar')
    values = {b.get_attribute("data-key"): float(b.get_attribute("data-value")) for b in bars}
    assert len(values) == 16
    for iso, value in values.items():
        group = by_region.get(iso)
        assert value == (round(group["mean_percent"], 1) if group and group["datasets"] else 0), iso
    dimensions = laptop.find_elements(
        By.CSS_SELECTOR, 'figure[data-chart="dimensiones"] svg.territorio-chart-desktop g.territorio-chart-bar')
    assert len(dimensions) == 7
    for bar in dimensions:
        group = by_dimension.get(bar.get_attribute("data-key"))
        if group and group["datasets"]:
            assert float(bar.get_attribute("data-value")) == round(group["mean_percent"], 1)
    # the heat map: scored cells coloured, the lead cells bordered
    cells = laptop.find_elements(By.CSS_SELECTOR, "table.territorio-quality-matrix td.territorio-heat")
    colours = {c.value_of_css_property("background-color") for c in cells}
    assert len(colours) >= 2
    lead = laptop.find_element(
        By.CSS_SELECTOR, 'table.territorio-quality-matrix tr[data-region="CL-AR"] td[data-dimension="movilidad"]'
    )
    assert lead.value_of_css_property("outline-style") == "solid"
    assert lead.find_element(By.CSS_SELECTOR, ".territorio-lead-mark").is_displayed()
    save(laptop, "graficos-tablero-1366", 1366)


def test_matrix_is_a_heat_map_with_its_legend(portal, laptop):
    open_page(laptop, f"{portal}/matriz")

    legend = laptop.find_element(By.CSS_SELECTOR, ".territorio-heat-legend")
    assert legend.is_displayed()
    steps = legend.find_elements(By.CSS_SELECTOR, ".territorio-heat-step")
    assert len(steps) >= 3
    backgrounds = [s.value_of_css_property("background-color") for s in steps]
    assert len(set(backgrounds)) == len(backgrounds)
    cells = laptop.find_elements(By.CSS_SELECTOR, "table.territorio-matrix td.territorio-heat")
    by_step = {}
    for cell in cells:
        by_step.setdefault(cell.get_attribute("data-heat"), set()).add(cell.value_of_css_property("background-color"))
    assert len(by_step) >= 3 and all(len(colours) == 1 for colours in by_step.values())
    lead = laptop.find_element(By.CSS_SELECTOR, 'tr[data-region="CL-AR"] td.territorio-cell-lead')
    assert lead.value_of_css_property("outline-style") == "solid"
    save(laptop, "graficos-matriz-1366", 1366)


def test_home_chart_links_each_region(portal, laptop):
    regions = api(portal, "package_search", fq="+dataset_type:dataset", rows=0,
                  **{"facet.field": '["region"]', "facet.limit": "-1"})["facets"]["region"]
    open_page(laptop, f"{portal}/")

    drawn = laptop.execute_script(DRAWN, ".territorio-home-chart svg")
    assert drawn["visible"] and drawn["bars"] > 0
    bars = laptop.find_elements(By.CSS_SELECTOR, ".territorio-home-chart svg.territorio-chart-desktop a g.territorio-chart-bar")
    assert len(bars) == 16
    for bar in bars:
        assert int(bar.get_attribute("data-value")) == regions.get(bar.get_attribute("data-key"), 0)
    save(laptop, "graficos-inicio-1366", 1366)
    laptop.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 1366, "height": 900, "deviceScaleFactor": 1, "mobile": False}
    )
    araucania = laptop.find_element(By.CSS_SELECTOR, '.territorio-home-chart svg.territorio-chart-desktop g[data-key="CL-AR"]')
    laptop.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", araucania)
    araucania.find_element(By.CSS_SELECTOR, "rect").click() if float(
        araucania.find_element(By.CSS_SELECTOR, "rect").get_attribute("width")) > 0 else araucania.click()
    WebDriverWait(laptop, 20).until(ec.url_contains("/region/CL-AR"))


@pytest.mark.parametrize("name", list(PAGES))
def test_charts_fit_a_phone(portal, phone, name):
    open_page(phone, portal + PAGES[name])

    widths = phone.execute_script(
        "return [document.scrollingElement.scrollWidth, window.innerWidth]"
    )
    sticking_out = phone.execute_script(STICKING_OUT)
    if CHART[name]:
        drawn = phone.execute_script(DRAWN, CHART[name])
        assert drawn["visible"] and drawn["bars"] > 0 and drawn["width"] <= PHONE
        assert drawn["compact"] and drawn["font"] >= 11, drawn  # the labels' size on screen, in px
    else:
        legend = phone.find_element(By.CSS_SELECTOR, ".territorio-heat-legend")
        assert legend.is_displayed() and legend.rect["width"] <= PHONE
    save(phone, f"graficos-{name}-390", PHONE)
    assert widths[0] <= widths[1], f"{PAGES[name]} se sale de la pantalla a {PHONE} px: {widths}"
    assert sticking_out == [], f"{PAGES[name]}: a {PHONE} px se salen {sticking_out[:5]}"
