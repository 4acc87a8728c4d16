"""What a person sees on a sensor dataset in headless Chromium: the readings chart (pickers,
24 h / 7 días / 30 días, units on the axis, empty state) and the stations map (one marker per
station, coloured by its air-quality category, grey when stale, legend, popups), on a laptop
(1366 px) and a phone (390 px). The dataset is loaded through the harvesters' own writer
(store.ensure_table, COPY), so the default views are the ones a harvest gets."""
from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
import pytest
from portal_api import ARTIFACTS, api
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.datastructures import FileStorage

from ckanext.territorio.site import site_context
from ckanext.territorio_harvesters import store
from ckanext.territorio_harvesters.records import Reading

HOUR = dt.timedelta(hours=1)
# name, id, lon, lat
STATIONS = [
    ("Las Encinas", "est-encinas", -72.636, -38.733),
    ("Museo Ferroviario", "est-museo", -72.606, -38.731),
    ("Padre Las Casas", "est-plc", -72.597, -38.765),
    ("Ñielol", "est-nielol", -72.585, -38.719),
]
GREEN, ORANGE, GREY, BLUE, WHITE = "#2f9e44", "#f08c00", "#adb5bd", "#1c7ed6", "#ffffff"


def readings(now: dt.datetime) -> list[Reading]:
    """Relative to ``now``, the moment they are loaded (not when this module was imported: on a
    busy run the tests may start an hour after collection).

    Las Encinas: PM2.5 every hour for 30 days, at half past (35 µg/m³ now: Bueno); Museo:
    95 an hour ago (Alerta); Padre Las Casas: 20, thirty hours ago (stale, none in 24 h);
    Ñielol: only temperature."""
    rows = [
        Reading("est-encinas", "pm25", 35.0 if k == 0 else 20.0 + k % 24, "µg/m³", now - (k + 0.5) * HOUR)
        for k in range(30 * 24)
    ]
    rows += [Reading("est-museo", "pm25", 95.0 - k, "µg/m³", now - (k + 1) * HOUR) for k in range(6)]
    rows += [Reading("est-museo", "pm10", 120.0, "µg/m³", now - HOUR)]
    rows += [Reading("est-plc", "pm25", 20.0, "µg/m³", now - 30 * HOUR)]
    rows += [Reading("est-nielol", "temperature", 18.5, "°C", now - 0.5 * HOUR)]
    return rows


def stations_file() -> FileStorage:
    measures = {"est-encinas": ["pm25"], "est-museo": ["pm25", "pm10"], "est-plc": ["pm25"], "est-nielol": ["temperature"]}
    features = [
        {
            "type": "Feature", "id": sid,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"id": sid, "nombre": name, "variables": measures[sid]},
        }
        for name, sid, lon, lat in STATIONS
    ]
    payload = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    return FileStorage(io.BytesIO(payload.encode()), "estaciones.geojson", content_type="application/geo+json")


@pytest.fixture(scope="module")
def sensor_dataset(portal: str) -> Iterator[dict[str, Any]]:
    """A sensor dataset in the served portal's database, loaded as the harvesters load one."""
    plugins.load_all()  # the ini's plugins, as the portal runs them (datastore, views...)
    try:
        yield _load_sensor_dataset(portal)
    finally:
        plugins.unload_all()


def _load_sensor_dataset(portal: str) -> dict[str, Any]:
    context = site_context()
    org = tk.get_action("organization_create")(
        dict(context), {"name": "red-aire-temuco", "title": "Red de monitoreo de Temuco"}
    )
    dataset = tk.get_action("package_create")(
        dict(context),
        {
            "name": "aire-temuco-sensores",
            "title": "Calidad del aire — red de Temuco",
            "owner_org": org["id"],
            "notes": "Concentraciones de MP2,5 y MP10 de la red de monitoreo de Temuco.",
            "dimension": ["medio-ambiente"],
            "subdimension": ["calidad-del-aire"],
            "region": ["CL-AR"],
            "comuna": ["09101"],
            "frequency": "HOURLY",
            "personal_data": "none",
            "resources": [
                {"name": "Mediciones", "url": "_datastore_only_resource", "url_type": "datastore", "format": "CSV"}
            ],
        },
    )
    observations = dataset["resources"][0]["id"]
    store.ensure_table(observations, context)
    with store.ObservationTable(observations) as table:
        table.load(readings(dt.datetime.now(dt.UTC).replace(microsecond=0)), overlap=False)
    tk.get_action("resource_create")(
        dict(context),
        {"package_id": dataset["id"], "name": "Estaciones", "format": "GeoJSON", "upload": stations_file()},
    )
    return api(portal, "package_show", id=dataset["id"])


def phone_screenshot(browser: WebDriver, name: str) -> None:
    height = int(browser.execute_script("return document.documentElement.scrollHeight"))
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": min(max(844, height), 6000), "deviceScaleFactor": 1, "mobile": True},
    )
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def resource_page(portal: str, dataset: dict[str, Any], fmt: str) -> str:
    resource = next(r for r in dataset["resources"] if r["format"] == fmt)
    return f"{portal}/dataset/{dataset['name']}/resource/{resource['id']}"


def text(browser: WebDriver, selector: str) -> str:
    return " ".join(browser.find_element(By.CSS_SELECTOR, selector).text.split())


def wait_for(browser: WebDriver, condition: Callable[[WebDriver], Any], timeout: int = 30) -> Any:
    return WebDriverWait(browser, timeout).until(condition)


def popup_lines(browser: WebDriver) -> list[str]:
    """The open map popup's lines, once it shows (Leaflet fades it in: until then Selenium
    reads no text)."""

    def shown(driver: WebDriver) -> list[str] | bool:
        found = driver.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content")
        text = found[0].text if found else ""
        return [" ".join(line.split()) for line in text.splitlines()] if text.strip() else False

    return wait_for(browser, shown)


def press(browser: WebDriver, selector: str) -> None:
    """Clicks as a person would, with the element scrolled to the middle of the window."""
    element = browser.find_element(By.CSS_SELECTOR, selector)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    element.click()


def chart_points(browser: WebDriver, expected: Callable[[int], bool]) -> int:
    def drawn(driver: WebDriver) -> int | bool:
        box = driver.find_element(By.CSS_SELECTOR, ".territorio-chart")
        points = box.get_attribute("data-points")
        busy = driver.find_element(By.CSS_SELECTOR, ".territorio-timeseries").get_attribute("aria-busy")
        return int(points) if points and not busy and expected(int(points)) else False

    return wait_for(browser, drawn)


def inked_pixels(browser: WebDriver) -> int:
    """How many pixels of the chart's canvas are drawn (not transparent)."""
    return browser.execute_script(
        "const c = document.querySelector('.territorio-chart canvas');"
        "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        "let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n;"
    )


def markers(browser: WebDriver) -> dict[str, tuple[str, str]]:
    """station id -> (category shown, fill colour) of every marker on the map."""
    found = browser.find_elements(By.CSS_SELECTOR, ".territorio-map path.territorio-station")
    return {m.get_attribute("data-station"): (m.get_attribute("data-category"), m.get_attribute("fill")) for m in found}


def open_map(browser: WebDriver, url: str) -> None:
    browser.get(url)
    wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".territorio-stations-map").get_attribute("data-stations"))


@pytest.fixture(autouse=True)
def _served(portal: str, sensor_dataset: dict[str, Any]) -> None:
    """Every test here runs against the served portal with the sensor dataset."""


def test_readings_resource_opens_on_the_chart_with_the_table_beside_it(portal, sensor_dataset, browser, screenshot):
    browser.get(resource_page(portal, sensor_dataset, "CSV"))
    views = [" ".join(e.text.split()) for e in browser.find_elements(By.CSS_SELECTOR, ".nav-tabs .nav-link, .view-list a")]
    assert [v.strip() for v in views] == ["Gráfico", "Tabla"]
    assert "Todavía no existen vistas" not in browser.find_element(By.TAG_NAME, "body").text

    points = chart_points(browser, lambda n: n > 0)
    assert points == 24
    assert text(browser, ".territorio-view-summary").startswith("24 lecturas · ")
    station = browser.find_element(By.CSS_SELECTOR, "select[name=station]")
    options = [o.text for o in station.find_elements(By.TAG_NAME, "option")]
    assert options == ["Las Encinas", "Museo Ferroviario", "Ñielol", "Padre Las Casas"]  # Spanish order
    assert station.get_attribute("value") == "est-encinas"
    # the y axis' label is drawn on the canvas; the chart says which one it drew
    chart = browser.find_element(By.CSS_SELECTOR, ".territorio-chart")
    assert chart.get_attribute("data-axis-label") == "Material particulado fino MP2,5 (µg/m³)"
    legend = text(browser, ".territorio-chart .u-legend")
    assert "Lectura" in legend and "Promedio" not in legend
    assert inked_pixels(browser) > 500
    screenshot("20-grafico-24h")


def test_week_shows_hourly_means_and_month_daily_means(portal, sensor_dataset, browser, screenshot):
    browser.get(resource_page(portal, sensor_dataset, "CSV"))
    chart_points(browser, lambda n: n == 24)

    press(browser, "[data-preset='7d']")
    assert chart_points(browser, lambda n: n != 24) == 168
    assert text(browser, ".territorio-view-summary").startswith("168 promedios horarios · ")
    legend = text(browser, ".territorio-chart .u-legend")
    assert all(word in legend for word in ("Promedio horario", "Mínimo", "Máximo"))
    assert browser.find_element(By.CSS_SELECTOR, "[data-preset='7d']").get_attribute("aria-pressed") == "true"
    screenshot("21-grafico-7-dias")

    press(browser, "[data-preset='30d']")
    days = chart_points(browser, lambda n: n < 168)
    assert days in (30, 31)  # 720 hours starting at some hour of a day span 30 or 31 days
    assert text(browser, ".territorio-view-summary").startswith(f"{days} promedios diarios · ")
    assert "Promedio diario" in text(browser, ".territorio-chart .u-legend")
    assert inked_pixels(browser) > 500
    screenshot("22-grafico-30-dias")


def test_station_without_recent_readings_says_so(portal, sensor_dataset, browser, screenshot):
    browser.get(resource_page(portal, sensor_dataset, "CSV"))
    chart_points(browser, lambda n: n == 24)
    station = browser.find_element(By.CSS_SELECTOR, "select[name=station]")
    station.find_element(By.XPATH, "option[normalize-space()='Padre Las Casas']").click()

    message = wait_for(browser, lambda d: (m := d.find_element(By.CSS_SELECTOR, ".territorio-view-message")).is_displayed() and m)
    assert " ".join(message.text.split()).startswith(
        "No hay lecturas de Material particulado fino MP2,5 en Padre Las Casas en las últimas 24 horas. "
        "La última lectura es del "
    )
    assert not browser.find_element(By.CSS_SELECTOR, ".territorio-chart").is_displayed()
    screenshot("23-grafico-sin-lecturas")


def test_chart_on_a_phone(portal, sensor_dataset, phone):
    phone.get(resource_page(portal, sensor_dataset, "CSV"))
    chart_points(phone, lambda n: n == 24)
    press(phone, "[data-preset='30d']")
    chart_points(phone, lambda n: n < 168)
    width = phone.execute_script("return document.documentElement.scrollWidth")
    canvas = phone.find_element(By.CSS_SELECTOR, ".territorio-chart canvas")
    phone_screenshot(phone, "24-grafico-telefono")
    assert width <= 390, "la página se sale de la pantalla del teléfono"
    assert 250 <= canvas.rect["width"] <= 390


def test_stations_map_colours_each_station(portal, sensor_dataset, browser, screenshot):
    open_map(browser, resource_page(portal, sensor_dataset, "GeoJSON"))

    assert markers(browser) == {
        "est-encinas": ("bueno", GREEN),
        "est-museo": ("alerta", ORANGE),
        "est-plc": ("stale", GREY),
        "est-nielol": ("missing", WHITE),
    }
    assert text(browser, ".territorio-view-summary") == (
        "4 estaciones · 2 con lecturas recientes · 2 sin lecturas en las últimas 3 h"
    )
    legend = [" ".join(li.text.split()) for li in browser.find_elements(By.CSS_SELECTOR, ".territorio-legend-list li")]
    assert legend == [
        "Bueno (0 a 50 µg/m³)",
        "Regular (51 a 79 µg/m³)",
        "Alerta (80 a 109 µg/m³)",
        "Preemergencia (110 a 169 µg/m³)",
        "Emergencia (desde 170 µg/m³)",
        "Lectura antigua (más de 3 h)",
        "Sin lecturas de Material particulado fino MP2,5",
    ]
    assert "Decreto Supremo N° 12 de 2011" in text(browser, ".territorio-legend-source")

    museo = browser.find_element(By.CSS_SELECTOR, "path[data-station='est-museo']")
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", museo)
    lines = popup_lines(browser)
    assert lines[:3] == ["Museo Ferroviario", "Material particulado fino MP2,5: 95 µg/m³", "Categoría: Alerta"]
    assert lines[3].startswith("hace 1 hora")
    screenshot("25-mapa-estaciones")


def test_map_variable_without_an_index_and_stale_popup(portal, sensor_dataset, browser, screenshot):
    open_map(browser, resource_page(portal, sensor_dataset, "GeoJSON"))
    plc = browser.find_element(By.CSS_SELECTOR, "path[data-station='est-plc']")
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", plc)
    lines = popup_lines(browser)
    assert lines[:3] == ["Padre Las Casas", "Material particulado fino MP2,5: 20 µg/m³", "Lectura antigua (más de 3 h)"]
    assert lines[3].startswith("hace 30 horas")

    variable = browser.find_element(By.CSS_SELECTOR, ".territorio-stations-map select[name=variable]")
    variable.find_element(By.XPATH, "option[@value='temperature']").click()
    wait_for(browser, lambda d: markers(d).get("est-nielol", ("",))[0] == "none")
    assert markers(browser)["est-nielol"] == ("none", BLUE)
    assert markers(browser)["est-encinas"] == ("missing", WHITE)
    legend = [" ".join(li.text.split()) for li in browser.find_elements(By.CSS_SELECTOR, ".territorio-legend-list li")]
    assert legend[0] == "Sin categoría (la variable no tiene norma de niveles)"
    screenshot("26-mapa-temperatura")


def test_map_on_a_phone(portal, sensor_dataset, phone):
    open_map(phone, resource_page(portal, sensor_dataset, "GeoJSON"))
    width = phone.execute_script("return document.documentElement.scrollWidth")
    box = phone.find_element(By.CSS_SELECTOR, ".territorio-map").rect
    phone_screenshot(phone, "27-mapa-telefono")
    assert len(markers(phone)) == 4
    assert width <= 390, "la página se sale de la pantalla del teléfono"
    assert box["width"] <= 390 and box["height"] >= 300


def test_dataset_page_shows_the_stations_map(portal, sensor_dataset, browser, screenshot):
    open_map(browser, f"{portal}/dataset/{sensor_dataset['name']}")
    assert text(browser, ".territorio-dataset-map h2") == "Mapa de estaciones"
    assert {k: v[0] for k, v in markers(browser).items()} == {
        "est-encinas": "bueno", "est-museo": "alerta", "est-plc": "stale", "est-nielol": "missing",
    }
    screenshot("28-conjunto-con-mapa")
