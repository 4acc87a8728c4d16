"""What a person sees in the portal, in headless Chromium: the home, a dimension, a region,
the matrix, a search narrowed by the dimension facet and a dataset, with the demo loaded.
Counts on the pages are checked against the portal's own API."""
from __future__ import annotations

import pytest
from portal_api import ARTIFACTS, api
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

SEVEN = [
    "Movilidad",
    "Seguridad",
    "Salud",
    "Medio Ambiente",
    "Fomento Productivo",
    "Planificación y Desarrollo Urbano",
    "Gobierno",
]


def count(portal: str, dataset_type: str, **filters: str) -> int:
    fq = " ".join([f"+dataset_type:{dataset_type}"] + [f'+{k}:"{v}"' for k, v in filters.items()])
    return api(portal, "package_search", fq=fq, rows=0)["count"]


def open_page(browser: WebDriver, url: str) -> None:
    browser.get(url)
    WebDriverWait(browser, 20).until(ec.presence_of_element_located((By.CSS_SELECTOR, "h1")))


def text(element: WebElement) -> str:
    return " ".join(element.text.split())


def heading(browser: WebDriver) -> str:
    return text(browser.find_element(By.CSS_SELECTOR, "[role=main] h1, .primary h1"))


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def counts_text(datasets: int, initiatives: int) -> str:
    return (
        f"{plural(datasets, 'conjunto de datos', 'conjuntos de datos')} · "
        f"{plural(initiatives, 'iniciativa', 'iniciativas')}"
    )


def cell_counts(cell: WebElement) -> tuple[str, str]:
    """The two numbers a matrix cell shows: datasets and initiatives."""
    return (
        text(cell.find_element(By.CSS_SELECTOR, ".territorio-cell-datasets")),
        text(cell.find_element(By.CSS_SELECTOR, ".territorio-cell-initiatives")),
    )


def click(browser: WebDriver, element: WebElement) -> None:
    """Clicks as a person would, with the element scrolled to the middle of the window."""
    # "instant": Bootstrap's smooth scrolling would still be moving the page at the click
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element
    )
    element.click()


@pytest.fixture(autouse=True)
def _served(portal: str) -> None:
    """Every test here runs against the served portal."""


def test_home_shows_the_seven_dimensions_and_the_regions(portal, browser, screenshot):
    open_page(browser, portal + "/")

    assert heading(browser) == "Territorio Inteligente"
    cards = browser.find_elements(By.CSS_SELECTOR, ".territorio-dimension-card")
    assert [text(c.find_element(By.CSS_SELECTOR, ".card-title")) for c in cards] == SEVEN
    medio_ambiente = text(cards[3])
    assert counts_text(
        count(portal, "dataset", dimension="medio-ambiente"),
        count(portal, "iniciativa", dimension="medio-ambiente"),
    ) in medio_ambiente
    assert "Regiones líderes: Biobío" in medio_ambiente

    regions = browser.find_elements(By.CSS_SELECTOR, ".territorio-region-list > li")
    assert len(regions) == 16
    studied = browser.find_elements(By.CSS_SELECTOR, ".territorio-region-studied")
    assert len(studied) == 6
    araucania = text(browser.find_element(By.CSS_SELECTOR, 'li[data-region="CL-AR"]'))
    assert "La Araucanía Región estudiada" in araucania
    assert counts_text(
        count(portal, "dataset", region="CL-AR"), count(portal, "iniciativa", region="CL-AR")
    ) in araucania
    screenshot("01-inicio")


def test_dimension_page_from_its_card(portal, browser, screenshot):
    open_page(browser, portal + "/")
    click(browser, browser.find_element(By.LINK_TEXT, "Medio Ambiente"))
    WebDriverWait(browser, 20).until(ec.url_contains("/dimension/medio-ambiente"))

    assert heading(browser) == "Medio Ambiente"
    page = text(browser.find_element(By.CSS_SELECTOR, "body"))
    datasets = count(portal, "dataset", dimension="medio-ambiente")
    initiatives = count(portal, "iniciativa", dimension="medio-ambiente")
    assert counts_text(datasets, initiatives) in page
    lead = text(browser.find_element(By.CSS_SELECTOR, ".territorio-lead-item"))
    assert lead.startswith("Región del Biobío")
    # the plan's lead is the whole dimension, "incluyendo especialmente" the two sub-dimensions
    assert "Región líder en Medio Ambiente" in lead
    assert "La dimensión completa, «incluyendo especialmente»: Economía circular, Gestión de residuos." in lead
    listed = browser.find_elements(By.CSS_SELECTOR, ".dataset-list .dataset-heading a")
    assert len(listed) == min(datasets, 10)
    assert "Calidad del aire en Santiago centro" in [text(a) for a in listed]
    assert browser.find_elements(By.LINK_TEXT, "Reciclaje a la puerta de la casa")
    screenshot("02-dimension-medio-ambiente")


def test_region_page(portal, browser, screenshot):
    open_page(browser, portal + "/region/CL-AR")

    assert heading(browser) == "Región de La Araucanía"
    lead = text(browser.find_element(By.CSS_SELECTOR, ".territorio-lead-item"))
    assert lead.startswith("Región líder en Movilidad")
    comunas = browser.find_elements(By.CSS_SELECTOR, ".territorio-comuna")
    assert len(comunas) == 32
    temuco = text(browser.find_element(By.CSS_SELECTOR, '.territorio-comuna[data-cut="09101"]'))
    datasets = count(portal, "dataset", comuna="09101")
    initiatives = count(portal, "iniciativa", comuna="09101")
    assert temuco == f"Temuco {datasets} {initiatives}"
    orgs = [text(e) for e in browser.find_elements(By.CSS_SELECTOR, ".territorio-organizations .item-label")]
    assert set(orgs) == {"Gobierno Regional de La Araucanía", "Municipalidad de Temuco"}
    initiatives_shown = browser.find_elements(By.CSS_SELECTOR, ".territorio-initiative")
    assert len(initiatives_shown) == min(count(portal, "iniciativa", region="CL-AR"), 20)
    screenshot("03-region-araucania")


def test_matrix_cells_match_the_searches_they_link_to(portal, browser, screenshot):
    open_page(browser, portal + "/matriz")

    assert heading(browser) == "Matriz de dimensiones y regiones"
    rows = browser.find_elements(By.CSS_SELECTOR, "table.territorio-matrix tbody tr")
    assert len(rows) == 17
    cell = browser.find_elements(By.CSS_SELECTOR, 'tr[data-region="CL-AR"] td')[0]
    datasets = count(portal, "dataset", dimension="movilidad", region="CL-AR")
    initiatives = count(portal, "iniciativa", dimension="movilidad", region="CL-AR")
    assert cell_counts(cell) == (str(datasets), str(initiatives))
    assert "territorio-cell-lead" in cell.get_attribute("class")
    assert cell.find_element(By.CSS_SELECTOR, ".territorio-lead-mark").text == "★"
    total = browser.find_element(By.CSS_SELECTOR, "tfoot td:last-child")
    assert cell_counts(total) == (str(count(portal, "dataset")), str(count(portal, "iniciativa")))
    screenshot("04-matriz")

    click(browser, cell.find_element(By.CSS_SELECTOR, "a.territorio-cell-datasets"))
    WebDriverWait(browser, 20).until(ec.url_contains("region=CL-AR"))
    found = text(browser.find_element(By.CSS_SELECTOR, ".search-form h1, .search-form h2"))
    assert found.startswith(plural(datasets, "conjunto de datos encontrado", "conjuntos de datos encontrados"))


def test_search_narrowed_by_the_dimension_facet(portal, browser, screenshot):
    open_page(browser, portal + "/dataset/")
    facet = browser.find_element(
        By.XPATH,
        "//section[.//h2[contains(normalize-space(), 'Dimensiones')]]"
        "//a[.//span[@class='item-label' and normalize-space()='Movilidad']]",
    )
    click(browser, facet)
    WebDriverWait(browser, 20).until(ec.url_contains("dimension=movilidad"))

    expected = api(
        portal, "package_search", fq='+dataset_type:dataset +dimension:"movilidad"', rows=100
    )
    found = text(browser.find_element(By.CSS_SELECTOR, ".search-form h1, .search-form h2"))
    assert found == plural(
        expected["count"], "conjunto de datos encontrado", "conjuntos de datos encontrados"
    )
    pill = text(browser.find_element(By.CSS_SELECTOR, ".filter-list"))
    assert "Dimensiones: Movilidad" in pill
    titles = {text(a) for a in browser.find_elements(By.CSS_SELECTOR, ".dataset-heading a")}
    assert titles == {d["title"] for d in expected["results"]}
    screenshot("05-busqueda-movilidad")


def test_dataset_page_names_its_territory(portal, browser, screenshot):
    open_page(browser, portal + "/region/CL-AR")
    click(
        browser,
        browser.find_element(
            By.LINK_TEXT, "Flujos vehiculares en intersecciones sensorizadas de Temuco"
        ),
    )
    WebDriverWait(browser, 20).until(ec.url_contains("/dataset/temuco-flujos-de-transito"))

    assert heading(browser) == "Flujos vehiculares en intersecciones sensorizadas de Temuco"
    block = browser.find_element(By.CSS_SELECTOR, ".territorio-dataset-territory")
    terms = [text(e) for e in block.find_elements(By.CSS_SELECTOR, "dt")]
    values = [text(e) for e in block.find_elements(By.CSS_SELECTOR, "dd")]
    assert dict(zip(terms, values, strict=True)) == {
        "Dimensión": "Movilidad",
        "Subdimensión": "Congestión vehicular",
        "Región": "La Araucanía",
        "Comuna": "Temuco",
    }
    details = text(browser.find_element(By.CSS_SELECTOR, ".additional-info"))
    assert "Cada quince minutos" in details and "transito@temuco.example" not in details
    shown = api(portal, "territorio_quality_show", id="temuco-flujos-de-transito")
    badge = browser.find_element(By.CSS_SELECTOR, ".territorio-quality-badge")
    assert badge.is_displayed()
    assert text(badge.find_element(By.CSS_SELECTOR, ".territorio-rating")) == shown["rating_label"]
    assert "puntos" in text(badge) and not badge.find_elements(By.CSS_SELECTOR, ".territorio-quality-badge-fixes")
    screenshot("06-conjunto-de-datos")

    click(browser, block.find_element(By.LINK_TEXT, "La Araucanía"))
    WebDriverWait(browser, 20).until(ec.url_contains("/region/CL-AR"))
    assert heading(browser) == "Región de La Araucanía"


def test_unknown_dimension_shows_the_spanish_not_found_page(portal, browser, screenshot):
    open_page(browser, portal + "/dimension/transporte")

    assert heading(browser) == "Página no encontrada"
    assert "No existe la dimensión «transporte»." in text(browser.find_element(By.CSS_SELECTOR, "body"))
    screenshot("07-no-encontrada")


def test_pages_in_english(portal, browser, screenshot):
    open_page(browser, portal + "/en/matriz")

    assert heading(browser) == "Matrix of dimensions and regions"
    headers = [
        text(th) for th in browser.find_elements(By.CSS_SELECTOR, "thead th[data-dimension]")
    ]
    assert headers[:3] == ["Mobility", "Safety and Security", "Health"]
    screenshot("08-matriz-en")


@pytest.mark.parametrize("width", [1024, 1280, 1366, 1440])
def test_the_header_keeps_every_section_on_one_line_on_laptops(portal, browser, width):
    browser.set_window_size(width, 900)
    try:
        open_page(browser, portal + "/dataset/")
        links = browser.find_elements(By.CSS_SELECTOR, ".masthead .main-navbar .navbar-nav a")
        assert [text(a) for a in links][:2] == ["Conjuntos de datos", "Iniciativas"]
        assert all(a.is_displayed() for a in links)
        # one row of links, each one line high
        assert len({a.rect["y"] for a in links}) == 1
        line = browser.execute_script(
            "return parseFloat(getComputedStyle(arguments[0]).lineHeight)", links[0]
        )
        assert max(a.rect["height"] for a in links) < 2 * line + 16
        title = browser.find_element(By.CSS_SELECTOR, ".masthead .header-text-logo-tagline h1 a")
        assert title.rect["height"] < 2.2 * 16 * 1.6  # the site's name on one line
        search = browser.find_element(By.CSS_SELECTOR, "#field-sitewide-search")
        assert search.rect["width"] >= 120
        assert search.get_attribute("placeholder") in ("Búsqueda", "Buscar")
        right = max(a.rect["x"] + a.rect["width"] for a in links)
        assert right <= search.rect["x"], "the links do not run under the search box"
        tagline = browser.find_element(By.CSS_SELECTOR, ".masthead .header-text-logo-tagline h2")
        assert tagline.rect["y"] + tagline.rect["height"] <= links[0].rect["y"], "the tagline sits above the links"
        assert tagline.rect["y"] >= title.rect["y"] + title.rect["height"] - 2, "and under the site's name"
        assert browser.execute_script(
            "return document.scrollingElement.scrollWidth <= window.innerWidth"
        ), "no sideways scroll"
        browser.save_screenshot(str(ARTIFACTS / f"10-cabecera-{width}.png"))
    finally:
        browser.set_window_size(1366, 900)


def test_home_on_a_phone(portal, browser, screenshot):
    # the screenshot fixture makes the artifacts folder; this one keeps the phone's width
    browser.set_window_size(390, 844)
    try:
        open_page(browser, portal + "/")
        toggler = browser.find_element(By.CSS_SELECTOR, ".navbar-toggler")
        assert toggler.is_displayed()
        assert not browser.find_element(By.CSS_SELECTOR, ".masthead a[href$=\"/matriz\"]").is_displayed()
        cards = browser.find_elements(By.CSS_SELECTOR, ".territorio-dimension-card")
        lefts = {card.location["x"] for card in cards}
        assert len(lefts) == 1, "las tarjetas se apilan en una columna"
        width = browser.execute_script("return document.documentElement.clientWidth")
        for selector in (".territorio-dimension-card", ".territorio-region", ".territorio-stats"):
            for element in browser.find_elements(By.CSS_SELECTOR, selector):
                assert element.rect["x"] + element.rect["width"] <= width, selector
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(390, min(int(height), 8000))
        browser.save_screenshot(str(ARTIFACTS / "09-inicio-movil.png"))
    finally:
        browser.set_window_size(1366, 900)
