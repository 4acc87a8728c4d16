"""Every page of ours on a 390 px phone: no sideways scrolling (wide tables scroll inside
their own container), in Spanish and in English."""
from __future__ import annotations

import pytest
from portal_api import ARTIFACTS
from selenium.webdriver.support.ui import WebDriverWait

PHONE = (390, 844)
PAGES = {
    "inicio": "/",
    "dimensiones": "/dimension",
    "dimension": "/dimension/movilidad",
    "regiones": "/region",
    "matriz": "/matriz",
    "tablero": "/tablero",
    "region": "/region/CL-AR",
    "plan": "/plan",
    "solicitudes": "/solicitudes",
    "desarrolladores": "/desarrolladores",
    "busqueda": "/dataset/",
    "conjunto": "/dataset/temuco-flujos-de-transito",
    "iniciativas": "/iniciativa/",
    "organizaciones": "/organization/",
    "acerca": "/about",
    "no-encontrada": "/dimension/no-existe",
}


@pytest.fixture(autouse=True)
def _phone(browser):
    browser.set_window_size(*PHONE)
    yield
    browser.set_window_size(1366, 900)


def overflow(browser) -> list[str]:
    """The page's width past the viewport, and the elements that stick out of it."""
    return browser.execute_script(
        """
        const width = window.innerWidth;
        if (document.scrollingElement.scrollWidth <= width) return [];
        const out = [];
        for (const el of document.querySelectorAll('body *')) {
          const box = el.getBoundingClientRect();
          if (box.right > width + 1 && getComputedStyle(el).position !== 'fixed') {
            let inside = false;
            for (let p = el.parentElement; p; p = p.parentElement) {
              const style = getComputedStyle(p).overflowX;
              if (style === 'auto' || style === 'scroll' || style === 'hidden') { inside = true; break; }
            }
            if (!inside) out.push(el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + ' ' + Math.round(box.right));
          }
        }
        return ['scrollWidth ' + document.scrollingElement.scrollWidth, ...out.slice(0, 8)];
        """
    )


@pytest.mark.parametrize("lang", ["", "/en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_sideways_scroll_on_a_phone(portal, browser, name, lang):
    browser.get(portal + lang + PAGES[name])
    WebDriverWait(browser, 20).until(lambda b: b.execute_script("return document.readyState") == "complete")

    sticking_out = overflow(browser)
    if not lang:
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(PHONE[0], min(int(height), 6000))
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / f"movil-{name}.png"))
    assert not sticking_out, f"{lang}{PAGES[name]} se desborda a 390 px: {'; '.join(sticking_out)}"
