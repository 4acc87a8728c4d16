"""The quality pages in headless Chromium, with the demo loaded and scored: the staff
dashboard (as an auditor), an organization's report card (as one of its editors) and the
public scoreboard with its embeds on another site. Numbers on the pages are checked against
the portal's own API; screenshots go to .run/artifacts/screenshots/."""
from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.numbers import format_decimal
from ckan.tests.helpers import call_action
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / ".run" / "artifacts" / "screenshots"
PASSWORD = "Calidad-de-datos-2026"
TEMUCO = "municipalidad-de-temuco"


# --- helpers ---------------------------------------------------------------------------------


def api(portal: str, action: str, token: str | None = None, **params: Any) -> Any:
    """An action of the served portal over HTTP, as a client with `token` (or anonymous)."""
    query = urllib.parse.urlencode(params)
    request = urllib.request.Request(f"{portal}/api/3/action/{action}?{query}")
    if token:
        request.add_header("Authorization", token)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["result"]


def es(value: float | int | None, decimals: int = 1) -> str:
    """A number as the Spanish pages write it."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale="es")


def percent(value: float | None) -> str:
    return "–" if value is None else f"{es(value)} %"


def share(value: float | None) -> str:
    return "–" if value is None else percent(round(value * 100, 1))


def text(element: WebElement) -> str:
    return " ".join(element.text.split())


def open_page(browser: WebDriver, url: str) -> None:
    browser.get(url)
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, "h1")))


def heading(browser: WebDriver) -> str:
    return text(browser.find_element(By.CSS_SELECTOR, "[role=main] h1"))


def figure(browser: WebDriver, name: str) -> str:
    return text(browser.find_element(By.CSS_SELECTOR, f'[data-figure="{name}"] dd'))


def screenshot(browser: WebDriver, name: str) -> Path:
    """The whole page as .run/artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1366, max(900, min(int(height), 9000)))
    path = SCREENSHOTS / f"{name}.png"
    browser.save_screenshot(str(path))
    browser.set_window_size(1366, 900)
    return path


def click(browser: WebDriver, element: WebElement) -> None:
    """Clicks as a person would, with the element scrolled to the middle of the window."""
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element
    )
    element.click()


def log_in(browser: WebDriver, portal: str, user: str) -> None:
    browser.delete_all_cookies()
    open_page(browser, f"{portal}/user/login")
    browser.find_element(By.ID, "field-login").send_keys(user)
    password = browser.find_element(By.ID, "field-password")
    password.send_keys(PASSWORD)
    password.submit()
    # CKAN sends a signed-in user to their dashboard
    WebDriverWait(browser, 30).until(ec.url_contains("/dashboard"))


def log_out(browser: WebDriver, portal: str) -> None:
    """Forgets the session (the session cookie is all CKAN keeps in the browser)."""
    browser.get(f"{portal}/api/3/action/status_show")
    browser.delete_all_cookies()


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def staff(portal: str, request: pytest.FixtureRequest) -> dict[str, str]:
    """An auditor (through `ckan territorio auditor add`, as an operator grants it) and an
    editor of the Municipalidad de Temuco; returns the auditor's API token."""
    ini = str(Path(request.config.getoption("--ckan-ini")).resolve())
    call_action("user_create", name="auditora", email="auditora@example.org", password=PASSWORD)
    call_action("user_create", name="editora-temuco", email="editora@example.org", password=PASSWORD)
    call_action("organization_member_create", id=TEMUCO, username="editora-temuco", role="editor")
    ckan = str(Path(sys.executable).with_name("ckan"))
    subprocess.run([ckan, "-c", ini, "territorio", "auditor", "add", "auditora"], check=True,
                   capture_output=True, cwd=REPO)
    token = call_action("api_token_create", {"user": "auditora"}, user="auditora", name="pruebas")
    return {"auditor_token": token["token"]}


@pytest.fixture(scope="module")
def other_site(portal: str) -> Iterator[str]:
    """A page on another origin (a municipal site) that embeds the scoreboard."""
    page = f"""<!DOCTYPE html><html lang="es"><head><meta charset="utf-8"><title>Municipio</title></head>
<body><h1>Sitio municipal</h1>
<img id="tarjeta" src="{portal}/tablero/CL-AR.svg" alt="Tablero" width="560" height="250">
<iframe id="tablero" src="{portal}/tablero/embed?region=CL-AR" width="100%" height="700"></iframe>
</body></html>""".encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# --- tests -----------------------------------------------------------------------------------


def test_dashboard_shows_the_summary_of_the_whole_catalogue(portal, browser, staff):
    token = staff["auditor_token"]
    expected = api(portal, "territorio_quality_summary", token, group_by="organization",
                   include_private="true", worst=10)
    log_in(browser, portal, "auditora")
    open_page(browser, f"{portal}/calidad")
    nav = [text(a) for a in browser.find_elements(By.CSS_SELECTOR, "header nav a")]
    assert "Calidad" in nav and "Tablero" in nav

    assert heading(browser) == "Calidad de los datos"
    total = expected["total"]
    assert total["datasets"] > 5
    assert figure(browser, "datasets") == es(total["datasets"], 0)
    assert figure(browser, "mean").startswith(percent(total["mean_percent"]))
    assert f"{es(total['mean_points'])} de {es(expected['max_points'], 0)} puntos" in figure(browser, "mean")
    ratings = {
        li.get_attribute("data-rating"): text(li.find_element(By.CSS_SELECTOR, ".territorio-rating-count"))
        for li in browser.find_elements(By.CSS_SELECTOR, '[data-figure="ratings"] li')
    }
    assert ratings == {k: es(v, 0) for k, v in total["ratings"].items()}
    assert figure(browser, "fresh") == share(total["share_fresh"])
    assert figure(browser, "errors") == share(total["share_with_errors"])

    worst = browser.find_elements(By.CSS_SELECTOR, 'table[data-table="peores"] tbody tr')
    assert [w.get_attribute("data-dataset") for w in worst] == [d["name"] for d in expected["worst"]]
    first_fix = expected["worst"][0]["fixes"][0]["message"]
    assert first_fix in text(worst[0])
    groups = browser.find_elements(By.CSS_SELECTOR, 'table[data-table="grupos"] tbody tr')
    assert [g.get_attribute("data-key") for g in groups] == [g["key"] for g in expected["groups"]]
    bars = browser.find_elements(By.CSS_SELECTOR, "#grafico-distribucion .territorio-chart-bar")
    assert len(bars) == 10
    screenshot(browser, "calidad-01-panel")


def test_dashboard_filter_form_narrows_to_a_region(portal, browser, staff):
    token = staff["auditor_token"]
    expected = api(portal, "territorio_quality_summary", token, group_by="organization",
                   include_private="true", region="CL-AR")
    log_in(browser, portal, "auditora")
    open_page(browser, f"{portal}/calidad")

    Select(browser.find_element(By.ID, "filtro-region")).select_by_value("CL-AR")
    click(browser, browser.find_element(By.CSS_SELECTOR, ".territorio-quality-filters button[type=submit]"))
    WebDriverWait(browser, 30).until(ec.url_contains("region=CL-AR"))

    assert figure(browser, "datasets") == es(expected["total"]["datasets"], 0)
    assert figure(browser, "mean").startswith(percent(expected["total"]["mean_percent"]))
    rows = {
        r.get_attribute("data-key"): text(r.find_element(By.CSS_SELECTOR, '[data-col="datasets"]'))
        for r in browser.find_elements(By.CSS_SELECTOR, 'table[data-table="grupos"] tbody tr')
    }
    assert rows == {g["key"]: es(g["datasets"], 0) for g in expected["groups"]}
    pdf = browser.find_element(By.CSS_SELECTOR, '.territorio-download[data-format="pdf"]')
    assert pdf.get_attribute("href").endswith("/calidad/region/CL-AR.pdf")
    screenshot(browser, "calidad-02-panel-araucania")


def test_ordinary_users_are_turned_away_from_the_dashboard(portal, browser, staff):
    log_out(browser, portal)
    open_page(browser, f"{portal}/calidad")

    assert heading(browser) == "Acceso denegado"
    assert "administradores del portal y auditores" in text(browser.find_element(By.CSS_SELECTOR, ".lead"))
    nav = [text(a) for a in browser.find_elements(By.CSS_SELECTOR, "header nav a")]
    assert "Calidad" not in nav and "Tablero" in nav


def test_report_card_for_a_member_of_the_organization(portal, browser, staff):
    expected = api(portal, "territorio_quality_summary", staff["auditor_token"], group_by="dimension",
                   include_private="true", organization=TEMUCO, worst=100)
    log_in(browser, portal, "editora-temuco")
    open_page(browser, f"{portal}/calidad/organizacion/{TEMUCO}")

    assert heading(browser) == "Ficha de calidad: Municipalidad de Temuco"
    total = expected["total"]
    assert figure(browser, "datasets") == es(total["datasets"], 0)
    assert figure(browser, "mean").startswith(percent(total["mean_percent"]))
    listed = browser.find_elements(By.CSS_SELECTOR, 'table[data-table="peores"] tbody tr')
    assert [r.get_attribute("data-dataset") for r in listed] == [d["name"] for d in expected["worst"]]
    percents = [text(r.find_element(By.CSS_SELECTOR, '[data-col="percent"]')).split(" %")[0] for r in listed]
    assert percents == [es(d["percent"]) for d in expected["worst"]]
    dimensions = [li.get_attribute("data-dimension")
                  for li in browser.find_elements(By.CSS_SELECTOR, ".territorio-dimension-bars li")]
    assert dimensions[:5] == ["findability", "accessibility", "interoperability", "reusability", "contextuality"]
    screenshot(browser, "calidad-03-ficha-temuco")

    open_page(browser, f"{portal}/calidad/organizacion/municipalidad-de-santiago")
    assert heading(browser) == "Acceso denegado"
    log_out(browser, portal)


def test_scoreboard_numbers_match_the_api(portal, browser):
    log_out(browser, portal)
    by_region = {g["key"]: g for g in api(portal, "territorio_quality_summary", group_by="region")["groups"]}
    comunas = api(portal, "territorio_quality_summary", group_by="comuna")["groups"]
    open_page(browser, f"{portal}/tablero")

    assert heading(browser) == "Tablero territorial de datos abiertos"
    row = browser.find_element(By.CSS_SELECTOR, 'table[data-table="regiones"] tr[data-region="CL-AR"]')
    datasets = api(portal, "package_search", fq='+dataset_type:dataset +region:"CL-AR"', rows=0)["count"]
    initiatives = api(portal, "package_search", fq='+dataset_type:iniciativa +region:"CL-AR"', rows=0)["count"]
    assert text(row.find_element(By.CSS_SELECTOR, '[data-col="datasets"]')) == str(datasets)
    assert text(row.find_element(By.CSS_SELECTOR, '[data-col="initiatives"]')) == str(initiatives)
    assert text(row.find_element(By.CSS_SELECTOR, '[data-col="mean_percent"]')) == percent(by_region["CL-AR"]["mean_percent"])
    assert text(row.find_element(By.CSS_SELECTOR, '[data-col="share_fresh"]')) == share(by_region["CL-AR"]["share_fresh"])
    assert "★Movilidad" in text(row).replace(" ", "")
    assert "territorio-row-studied" in row.get_attribute("class")

    lead_cell = browser.find_element(
        By.CSS_SELECTOR, 'table.territorio-quality-matrix tr[data-region="CL-AR"] td[data-dimension="movilidad"]'
    )
    assert "territorio-cell-lead" in lead_cell.get_attribute("class")

    best = max(comunas, key=lambda g: (g["mean_percent"] or 0, g["datasets"]))
    first = browser.find_element(By.CSS_SELECTOR, 'table[data-table="comunas"] tbody tr')
    assert first.get_attribute("data-cut") == best["key"]
    assert text(first.find_element(By.CSS_SELECTOR, '[data-col="mean_percent"]')) == percent(best["mean_percent"])
    assert "Cómo se calcula" in text(browser.find_element(By.CSS_SELECTOR, ".territorio-formula"))
    screenshot(browser, "calidad-04-tablero")

    Select(browser.find_element(By.ID, "insertar-region")).select_by_value("CL-AR")
    click(browser, browser.find_element(By.CSS_SELECTOR, ".territorio-embed-form button[type=submit]"))
    WebDriverWait(browser, 30).until(ec.url_contains("insertar=CL-AR"))
    snippet = browser.find_element(By.ID, "codigo-iframe").get_attribute("value")
    assert f'<iframe src="{portal}/tablero/embed?region=CL-AR"' in snippet
    image = browser.find_element(By.ID, "codigo-imagen").get_attribute("value")
    assert f'<img src="{portal}/tablero/CL-AR.svg"' in image


def test_a_municipal_site_embeds_the_card_and_the_iframe(portal, browser, other_site):
    by_region = {g["key"]: g for g in api(portal, "territorio_quality_summary", group_by="region")["groups"]}
    browser.get(other_site)
    WebDriverWait(browser, 30).until(
        lambda b: b.execute_script("return document.getElementById('tarjeta').complete")
    )
    assert browser.execute_script("return document.getElementById('tarjeta').naturalWidth") == 560

    frame = browser.find_element(By.ID, "tablero")
    browser.switch_to.frame(frame)
    try:
        WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, "h1")))
        assert text(browser.find_element(By.CSS_SELECTOR, "h1")) == "Región de La Araucanía"
        assert figure(browser, "mean") == percent(by_region["CL-AR"]["mean_percent"])
        assert not browser.find_elements(By.CSS_SELECTOR, "header.masthead")
    finally:
        browser.switch_to.default_content()
    screenshot(browser, "calidad-05-insertado-en-otro-sitio")
