"""A citizen reports a problem from a dataset page in headless Chromium: logs in through the
page's button, is refused once (no description) and keeps the choice, sends the report and
is thanked; an auditor finds it on /calidad, and the organization's editor reads it on the
dataset page and closes it. Screenshots
at 1366 px (laptop) and 390 px (phone) go to tests/browser/artifacts/."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from ckan.tests.helpers import call_action
from devices import emulated
from portal_api import ARTIFACTS, api
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

PASSWORD = "Reportes-ciudadanos-2026"
DATASET = "temuco-monitoreo-ambiental"
PHONE = (390, 844)
REPO = Path(__file__).resolve().parents[2]


def text(element: WebElement) -> str:
    return " ".join(element.text.split())


def open_page(browser: WebDriver, url: str) -> None:
    browser.get(url)
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, "h1")))


def click(browser: WebDriver, element: WebElement) -> None:
    """Clicks as a person would, with the element scrolled to the middle of the window."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    element.click()


def log_in_here(browser: WebDriver, user: str) -> None:
    """Fill the login page the browser is on (it returns where ``came_from`` says)."""
    browser.find_element(By.ID, "field-login").send_keys(user)
    password = browser.find_element(By.ID, "field-password")
    password.send_keys(PASSWORD)
    password.submit()


def phone_shot(browser: WebDriver, name: str) -> Path:
    """The whole page as a 390 px phone shows it, as artifacts/<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    with emulated(browser, *PHONE, mobile=True):
        height = int(browser.execute_script("return document.documentElement.scrollHeight"))
        with emulated(browser, PHONE[0], max(PHONE[1], min(height, 6000)), mobile=True):
            browser.save_screenshot(str(path))
    return path


def log_out(browser: WebDriver, portal: str) -> None:
    """Forgets the session (the session cookie is all CKAN keeps in the browser)."""
    browser.get(f"{portal}/api/3/action/status_show")
    browser.delete_all_cookies()


def horizontal_overflow(browser: WebDriver) -> int:
    return int(browser.execute_script(
        "return document.scrollingElement.scrollWidth - window.innerWidth"))


@pytest.fixture(scope="module")
def people(portal: str, request: pytest.FixtureRequest) -> dict[str, str]:
    """A citizen, an editor of the Municipalidad de Temuco (which publishes the dataset) and
    an auditor (through `ckan territorio auditor add`, as an operator grants it)."""
    call_action("user_create", name="vecina-reporta", email="vecina@example.org", password=PASSWORD)
    call_action("user_create", name="editor-reportes", email="editor@example.org", password=PASSWORD)
    call_action("user_create", name="auditor-reportes", email="auditor@example.org", password=PASSWORD)
    call_action("organization_member_create", id="municipalidad-de-temuco", username="editor-reportes", role="editor")
    ini = str(Path(request.config.getoption("--ckan-ini")).resolve())
    subprocess.run([str(Path(sys.executable).with_name("ckan")), "-c", ini, "territorio", "auditor", "add",
                    "auditor-reportes"], check=True, capture_output=True, cwd=REPO)
    return {"citizen": "vecina-reporta", "editor": "editor-reportes", "auditor": "auditor-reportes"}


def test_a_citizen_reports_a_problem_and_the_editor_closes_it(portal, browser, screenshot, people):
    """From the dataset page through login, the form (refused once), the auditors' dashboard
    and the editor's notice, to the closed report."""
    browser.delete_all_cookies()
    open_page(browser, f"{portal}/dataset/{DATASET}")
    button = browser.find_element(By.CSS_SELECTOR, ".territorio-report-cta .territorio-report-button")
    assert text(button) == "Inicie sesión para reportar"
    screenshot("reportes-01-conjunto-anonimo")
    phone_shot(browser, "reportes-01-conjunto-anonimo-telefono")
    click(browser, button)
    WebDriverWait(browser, 20).until(ec.url_contains("/user/login"))
    log_in_here(browser, people["citizen"])
    WebDriverWait(browser, 30).until(ec.url_contains(f"/dataset/{DATASET}/reportar"))

    heading = browser.find_element(By.CSS_SELECTOR, "[role=main] h1")
    assert text(heading) == "Reportar un problema"
    assert "Municipalidad de Temuco" in text(browser.find_element(By.CSS_SELECTOR, ".lead"))
    resource = api(portal, "package_show", id=DATASET)["resources"][0]
    browser.find_element(By.CSS_SELECTOR, f"#field-resource option[value='{resource['id']}']").click()
    click(browser, browser.find_element(By.CSS_SELECTOR, "label[for=kind-datos-personales]"))
    click(browser, browser.find_element(By.CSS_SELECTOR, ".territorio-report-actions button[type=submit]"))

    # no description: refused beside the field, the choices kept
    error = WebDriverWait(browser, 20).until(ec.presence_of_element_located((By.ID, "error-text")))
    assert text(error) == "Falta el valor"
    assert browser.find_element(By.ID, "kind-datos-personales").is_selected()
    assert browser.find_element(By.CSS_SELECTOR, "#field-resource option:checked").get_attribute("value") == resource["id"]
    screenshot("reportes-02-formulario-error")
    phone_shot(browser, "reportes-02-formulario-error-telefono")
    assert horizontal_overflow(browser) <= 0

    browser.find_element(By.ID, "field-text").send_keys(
        "La planilla diaria muestra el nombre y la dirección de quien opera cada sensor.")
    click(browser, browser.find_element(By.CSS_SELECTOR, ".territorio-report-actions button[type=submit]"))
    WebDriverWait(browser, 30).until(ec.url_contains(f"/resource/{resource['id']}"))
    flash = browser.find_element(By.CSS_SELECTOR, ".flash-messages")
    assert "Gracias: su reporte llegó a Municipalidad de Temuco." in text(flash)
    screenshot("reportes-03-gracias")

    # the citizen does not see the publishers' notice
    open_page(browser, f"{portal}/dataset/{DATASET}")
    assert browser.find_elements(By.CSS_SELECTOR, ".territorio-report-notice") == []

    # the auditors' dashboard lists the dataset under "Datos personales expuestos"
    log_out(browser, portal)
    open_page(browser, f"{portal}/user/login?came_from=/calidad")
    log_in_here(browser, people["auditor"])
    section = WebDriverWait(browser, 30).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "[data-section=datos-personales]")))
    assert text(section.find_element(By.CSS_SELECTOR, "h2")).startswith("Datos personales expuestos")
    listed = section.find_elements(By.CSS_SELECTOR, "[data-dataset]")
    assert [e.get_attribute("data-dataset") for e in listed] == [DATASET]
    assert "nombre y la dirección" in text(section)
    screenshot("reportes-05-calidad-urgentes")
    phone_shot(browser, "reportes-05-calidad-urgentes-telefono")

    # the editor reads it on the dataset page and closes it
    log_out(browser, portal)
    open_page(browser, f"{portal}/user/login?came_from=/dataset/{DATASET}")
    log_in_here(browser, people["editor"])
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".territorio-report-notice")))
    notice = browser.find_element(By.CSS_SELECTOR, ".territorio-report-notice")
    assert text(notice.find_element(By.CSS_SELECTOR, "h2")) == "1 reporte abierto"
    assert "Datos personales expuestos" in text(notice) and "nombre y la dirección" in text(notice)
    click(browser, notice.find_element(By.CSS_SELECTOR, "summary"))
    screenshot("reportes-04-aviso-editor")
    phone_shot(browser, "reportes-04-aviso-editor-telefono")
    notice.find_element(By.CSS_SELECTOR, "textarea[name=answer]").send_keys("Retiramos la columna con nombres.")
    click(browser, notice.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".flash-messages")))
    assert "Reporte cerrado." in text(browser.find_element(By.CSS_SELECTOR, ".flash-messages"))
    assert browser.find_elements(By.CSS_SELECTOR, ".territorio-report-notice") == []
    log_out(browser, portal)
