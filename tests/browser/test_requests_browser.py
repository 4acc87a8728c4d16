"""Citizens' data requests in headless Chromium, with the demo loaded: a resident files a
request to the Municipalidad de Temuco and supports it, the municipality's admin finds it in
the inbox and answers it with one of its datasets (publicada), and anyone then reads it as
fulfilled. Real forms with CKAN's CSRF token; screenshots at 1366 px and 390 px go to
tests/browser/artifacts/ (solicitudes-*.png)."""
from __future__ import annotations

from pathlib import Path

import pytest
from ckan.tests.helpers import call_action
from portal_api import ARTIFACTS, api
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

PASSWORD = "Solicitudes-de-datos-2026"
TEMUCO = "municipalidad-de-temuco"
DATASET = "temuco-flujos-de-transito"
TITLE = "Trazado y estado de las ciclovías de Temuco"
PHONE = 390

WIDER_THAN_VIEWPORT = """
const limit = document.documentElement.clientWidth + 1;
return [...document.querySelectorAll('[role=main] *')]
  .filter(e => e.getBoundingClientRect().right > limit && getComputedStyle(e).display !== 'none'
               && !e.closest('.table-responsive'))
  .map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'));
"""


def text(element: WebElement) -> str:
    return " ".join(element.text.split())


def open_page(browser: WebDriver, url: str) -> None:
    browser.get(url)
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, "h1")))


def heading(browser: WebDriver) -> str:
    return text(browser.find_element(By.CSS_SELECTOR, "[role=main] h1"))


def click(browser: WebDriver, element: WebElement) -> None:
    """Clicks as a person would, with the element scrolled to the middle of the window."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    element.click()


def log_in(browser: WebDriver, portal: str, user: str) -> None:
    browser.delete_all_cookies()
    open_page(browser, f"{portal}/user/login")
    browser.find_element(By.ID, "field-login").send_keys(user)
    password = browser.find_element(By.ID, "field-password")
    password.send_keys(PASSWORD)
    password.submit()
    WebDriverWait(browser, 30).until(ec.url_contains("/dashboard"))


def log_out(browser: WebDriver, portal: str) -> None:
    browser.get(f"{portal}/api/3/action/status_show")
    browser.delete_all_cookies()


def laptop_shot(browser: WebDriver, name: str) -> Path:
    """The whole page at 1366 px."""
    ARTIFACTS.mkdir(exist_ok=True)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1366, max(900, min(int(height), 8000)))
    path = ARTIFACTS / f"{name}.png"
    browser.save_screenshot(str(path))
    browser.set_window_size(1366, 900)
    return path


def phone_shot(browser: WebDriver, name: str) -> Path:
    """The whole page at 390 px; fails if something of the page's content sticks out."""
    ARTIFACTS.mkdir(exist_ok=True)
    browser.set_window_size(PHONE, 900)
    sticking_out = browser.execute_script(WIDER_THAN_VIEWPORT)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(PHONE, max(900, min(int(height), 9000)))
    path = ARTIFACTS / f"{name}.png"
    browser.save_screenshot(str(path))
    browser.set_window_size(1366, 900)
    assert sticking_out == [], f"{name}: a {PHONE} px se salen de la pantalla {sticking_out[:5]}"
    return path


@pytest.fixture(scope="module")
def people(portal: str) -> dict[str, str]:
    """A resident and the Municipalidad de Temuco's admin, both with a password."""
    call_action("user_create", name="vecina-temuco", email="vecina@example.org", password=PASSWORD)
    call_action("user_create", name="admin-temuco", email="admin@temuco.example", password=PASSWORD)
    call_action("organization_member_create", id=TEMUCO, username="admin-temuco", role="admin")
    return {"citizen": "vecina-temuco", "admin": "admin-temuco"}


def test_a_request_is_filed_answered_by_the_organization_and_shown_fulfilled(portal, browser, people):
    # an anonymous visitor is invited to log in
    open_page(browser, f"{portal}/solicitudes")
    assert heading(browser) == "Solicitudes de datos"
    assert text(browser.find_element(By.CSS_SELECTOR, ".territorio-requests-actions a")) == \
        "Inicie sesión para pedir datos"
    header_link = browser.find_element(By.CSS_SELECTOR, 'header a[href="/solicitudes"]')
    assert text(header_link) == "Solicitudes"

    # the resident files the request to Temuco
    log_in(browser, portal, people["citizen"])
    open_page(browser, f"{portal}/solicitudes")
    click(browser, browser.find_element(By.LINK_TEXT, "Nueva solicitud"))
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.ID, "campo-title")))
    assert heading(browser) == "Nueva solicitud de datos"
    browser.find_element(By.ID, "campo-title").send_keys("Ciclovías")
    browser.find_element(By.ID, "campo-description").send_keys(
        "Necesito el **trazado** de las ciclovías y su estado, para planificar rutas seguras al colegio.")
    Select(browser.find_element(By.ID, "campo-organization")).select_by_value(TEMUCO)
    click(browser, browser.find_element(By.CSS_SELECTOR, ".territorio-request-form button[type=submit]"))
    # too short a title: the form comes back with the problem beside it and the text kept
    error = WebDriverWait(browser, 30).until(ec.visibility_of_element_located((By.ID, "error-title")))
    assert text(error) == "Faltan datos: escriba al menos 10 caracteres"
    assert "trazado" in browser.find_element(By.ID, "campo-description").get_attribute("value")
    assert Select(browser.find_element(By.ID, "campo-organization")).first_selected_option.get_attribute(
        "value") == TEMUCO
    laptop_shot(browser, "solicitudes-formulario-error")
    phone_shot(browser, "solicitudes-formulario-error-390")
    title = browser.find_element(By.ID, "campo-title")
    title.clear()
    title.send_keys(TITLE)
    click(browser, browser.find_element(By.CSS_SELECTOR, ".territorio-request-form button[type=submit]"))
    WebDriverWait(browser, 30).until(ec.url_matches(r"/solicitudes/[0-9a-f-]{36}$"))
    assert heading(browser) == TITLE
    request_url = browser.current_url
    request_id = request_url.rsplit("/", 1)[1]
    assert text(browser.find_element(By.CSS_SELECTOR, ".territorio-request-header [data-status]")) == "Abierta"
    click(browser, browser.find_element(By.CSS_SELECTOR, "#apoyos button"))
    WebDriverWait(browser, 30).until(ec.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "#apoyos"), "Usted apoya esta solicitud."))
    assert text(browser.find_element(By.CSS_SELECTOR, "[data-votes]")) == "1"
    assert browser.find_elements(By.CSS_SELECTOR, "#respuesta") == []  # the resident does not answer
    log_out(browser, portal)

    # the municipality's admin finds it in the inbox and answers it with a dataset
    log_in(browser, portal, people["admin"])
    open_page(browser, f"{portal}/solicitudes/bandeja")
    assert heading(browser) == "Bandeja de solicitudes"
    listed = [text(a) for a in browser.find_elements(By.CSS_SELECTOR, ".territorio-request-title a")]
    assert listed == [TITLE]
    laptop_shot(browser, "solicitudes-bandeja")
    phone_shot(browser, "solicitudes-bandeja-390")
    click(browser, browser.find_element(By.LINK_TEXT, TITLE))
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.ID, "respuesta")))
    laptop_shot(browser, "solicitudes-respuesta-formulario")
    Select(browser.find_element(By.ID, "campo-status")).select_by_value("publicada")
    browser.find_element(By.ID, "campo-reason").send_keys(
        "Publicamos los flujos de las intersecciones con sensores; el trazado de ciclovías llega en marzo.")
    datasets = browser.find_element(By.ID, "campo-datasets")
    datasets.clear()
    datasets.send_keys(DATASET)
    click(browser, browser.find_element(By.CSS_SELECTOR, "#respuesta button[type=submit]"))
    WebDriverWait(browser, 30).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, ".territorio-request-outcome-publicada")))
    log_out(browser, portal)

    # anyone reads it as fulfilled, with the dataset linked
    shown = api(portal, "territorio_request_show", id=request_id)
    assert shown["status"] == "publicada" and [d["name"] for d in shown["datasets"]] == [DATASET]
    open_page(browser, request_url)
    assert text(browser.find_element(By.CSS_SELECTOR, ".territorio-request-header [data-status]")) == "Publicada"
    outcome = text(browser.find_element(By.CSS_SELECTOR, ".territorio-request-outcome-publicada"))
    assert "Solicitud respondida: los datos están publicados" in outcome
    assert "el trazado de ciclovías llega en marzo" in outcome
    link = browser.find_element(By.CSS_SELECTOR, f'.territorio-request-dataset-list a[href="/dataset/{DATASET}"]')
    assert text(link) == shown["datasets"][0]["title"]
    assert browser.find_elements(By.CSS_SELECTOR, "#respuesta") == []
    assert laptop_shot(browser, "solicitudes-publicada").stat().st_size > 20_000
    phone_shot(browser, "solicitudes-publicada-390")

    # and the list shows it under "Publicada", with its support
    open_page(browser, f"{portal}/solicitudes?estado=publicada")
    item = browser.find_element(By.CSS_SELECTOR, f'[data-request="{request_id}"]')
    assert TITLE in text(item) and "Publicada" in text(item) and "1 apoyo" in text(item)
    laptop_shot(browser, "solicitudes-lista")
    phone_shot(browser, "solicitudes-lista-390")
