"""The dataset form in headless Chromium, as an editor of the Municipalidad de Temuco uses it:
the region picked in the searchable select narrows the comunas offered, a closed licence
brings the form back with a plain message and the same regions, at 1366 px and at 390 px.
Screenshots go to tests/browser/artifacts/."""
from __future__ import annotations

import pytest
from ckan.tests.helpers import call_action
from portal_api import ARTIFACTS
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

PASSWORD = "Formulario-de-datos-2026"
TEMUCO = "municipalidad-de-temuco"
PHONE = 390


@pytest.fixture(scope="module")
def editor(portal: str) -> str:
    """An editor of the Municipalidad de Temuco (a demo organization)."""
    call_action("user_create", name="editora-formulario", email="form@example.org", password=PASSWORD)
    call_action("organization_member_create", id=TEMUCO, username="editora-formulario", role="editor")
    return "editora-formulario"


def log_in(browser: WebDriver, portal: str, user: str) -> None:
    browser.delete_all_cookies()
    browser.get(f"{portal}/user/login")
    WebDriverWait(browser, 20).until(ec.presence_of_element_located((By.ID, "field-login")))
    browser.find_element(By.ID, "field-login").send_keys(user)
    password = browser.find_element(By.ID, "field-password")
    password.send_keys(PASSWORD)
    password.submit()
    WebDriverWait(browser, 30).until(ec.url_contains("/dashboard"))


def open_form(browser: WebDriver, portal: str) -> None:
    browser.get(f"{portal}/dataset/new")
    WebDriverWait(browser, 30).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#field-region + .select2"))
    )


def search_in(browser: WebDriver, field: str, text: str) -> list[str]:
    """Opens the searchable select of ``field``, types ``text``; the options it then offers."""
    browser.execute_script("$('select.select2-hidden-accessible').select2('close');")
    box = browser.find_element(By.CSS_SELECTOR, f"#field-{field} + .select2 .select2-search__field")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    browser.execute_script(f"$('#field-{field}').select2('open');")
    box.send_keys(text)
    results = f"#select2-field-{field}-results .select2-results__option"
    WebDriverWait(browser, 10).until(
        lambda b: all(text.lower() in o.text.lower() or "No se" in o.text
                      for o in b.find_elements(By.CSS_SELECTOR, results))
    )
    return [o.text for o in browser.find_elements(By.CSS_SELECTOR, results)]


def pick(browser: WebDriver, field: str, text: str, option: str) -> None:
    offered = search_in(browser, field, text)
    assert any(option in o for o in offered), offered
    browser.find_element(
        By.XPATH, f"//ul[@id='select2-field-{field}-results']/li[contains(., '{option}')]"
    ).click()
    browser.execute_script(f"$('#field-{field}').select2('close');")


def chosen(browser: WebDriver, field: str) -> list[str]:
    return browser.execute_script(f"return $('#field-{field}').val();")


def shot(browser: WebDriver, name: str, width: int) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser.set_window_size(width, 900)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(width, max(900, min(int(height), 9000)))
    browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))
    browser.set_window_size(1366, 900)


def test_comunas_follow_the_region_and_an_error_keeps_the_regions(
    portal: str, browser: WebDriver, editor: str
) -> None:
    log_in(browser, portal, editor)
    open_form(browser, portal)
    browser.find_element(By.ID, "field-title").send_keys("Ferias libres de Temuco")
    browser.find_element(By.ID, "field-notes").send_keys("Ubicación y horario de las ferias libres.")
    pick(browser, "dimension", "Fomento", "Fomento")
    pick(browser, "region", "Arauc", "La Araucanía")
    assert chosen(browser, "region") == ["CL-AR"]

    offered = search_in(browser, "comuna", "Tem")
    assert any(o.startswith("Temuco") for o in offered), offered
    assert not any("Catemu" in o for o in offered), offered
    assert all("La Araucanía" in o for o in offered), offered
    browser.find_element(
        By.XPATH, "//ul[@id='select2-field-comuna-results']/li[starts-with(., 'Temuco')]"
    ).click()
    assert chosen(browser, "comuna") == ["09101"]

    assert browser.find_element(By.CSS_SELECTOR, ".territorio-spatial-map .leaflet-container, "
                                ".territorio-spatial-map.leaflet-container")
    Select(browser.find_element(By.ID, "field-personal_data")).select_by_value("none")
    browser.execute_script("$('#field-license_id').val('notspecified').trigger('change');")
    shot(browser, "dataset-form-1366", 1366)
    save = browser.find_element(By.CSS_SELECTOR, "button[name=save]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", save)

    WebDriverWait(browser, 30).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, ".error-explanation"))
    )
    error = browser.find_element(
        By.XPATH, "//*[@id='field-license_id']/ancestor::div[contains(@class,'form-group')]"
                  "//*[contains(@class,'error-block')]"
    )
    detail = error.find_element(By.CSS_SELECTOR, "small.territorio-error-detail").text
    sentence = error.text.replace(detail, "").strip()
    assert sentence.startswith("La licencia «") and "no es abierta" in sentence, sentence
    assert "metadata.license" not in sentence and "notspecified" not in sentence
    assert "metadata.license" in detail
    assert chosen(browser, "region") == ["CL-AR"]
    assert chosen(browser, "comuna") == ["09101"]
    shot(browser, "dataset-form-error-1366", 1366)


def test_the_form_fits_a_phone(portal: str, browser: WebDriver, editor: str, phone) -> None:
    log_in(browser, portal, editor)
    open_form(browser, portal)
    overflow = browser.execute_script(
        "const limit = document.documentElement.clientWidth + 1;"
        "return [...document.querySelectorAll('#dataset-edit *')]"
        ".filter(e => e.getBoundingClientRect().right > limit && getComputedStyle(e).display !== 'none'"
        " && !e.closest('.leaflet-container'))"
        ".map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'));"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    height = int(phone.execute_script("return document.documentElement.scrollHeight"))
    phone.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PHONE, "height": min(height, 9000), "deviceScaleFactor": 1, "mobile": True},
    )
    phone.save_screenshot(str(ARTIFACTS / "dataset-form-390.png"))
    assert overflow == [], overflow[:5]
    width = browser.find_element(By.CSS_SELECTOR, "#field-region + .select2").size["width"]
    assert width <= PHONE
