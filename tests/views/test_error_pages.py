"""The site's error pages (404, 403, 500) in the page's language, for every page of the site:
CKAN's own error handler renders the portal's template (error_document_template.html)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from factories import territorial_schemas
from views_html import page_heading, soup_of, text_of

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("clean_db", "with_plugins"),
]

WERKZEUG_404 = "The requested URL was not found"


def test_unknown_address_is_a_spanish_404(app):
    html = app.get("/no-existe", status=404).body

    assert page_heading(soup_of(html)) == "Página no encontrada"
    assert "La dirección no corresponde a ninguna página del portal." in text_of(html)
    assert "Not Found" not in text_of(html) and WERKZEUG_404 not in text_of(html)


def test_unknown_address_is_an_english_404_on_the_english_site(app):
    html = app.get("/en/no-existe", status=404).body

    assert page_heading(soup_of(html)) == "Page not found"
    assert "The address does not match any page of the portal." in text_of(html)
    assert "You can go on from one of these pages:" in text_of(html)
    assert "Página no encontrada" not in text_of(html)


def test_core_404_keeps_ckans_reason_in_usted(app):
    text = text_of(app.get("/dataset/no-existe", status=404).body)

    assert "El conjunto de datos no se encontró o no tiene permiso para verlo" in text
    assert "tenés" not in text


def test_core_403_for_an_anonymous_visitor_offers_to_log_in(app):
    soup = soup_of(app.get("/ckan-admin", status=403).body)

    assert page_heading(soup) == "Acceso denegado"
    login = soup.select_one("a[data-login]")
    assert login.get_text(strip=True) == "Iniciar sesión"
    assert login["href"] == "/user/login?came_from=/ckan-admin"


def test_403_in_english_offers_to_log_in_and_comes_back_to_the_english_page(app):
    soup = soup_of(app.get("/en/calidad", status=403).body)

    assert page_heading(soup) == "Access denied"
    login = soup.select_one("a[data-login]")
    assert login.get_text(strip=True) == "Log in"
    assert login["href"] == "/en/user/login?came_from=/en/calidad"
    assert "If you have an account on the portal, log in to continue." in text_of(str(soup))


def test_403_for_a_logged_in_user_does_not_offer_to_log_in(app):
    from ckan.tests import factories

    token = factories.APIToken(user=factories.User()["name"])["token"]
    soup = soup_of(app.get("/ckan-admin", headers={"Authorization": token}, status=403).body)

    assert page_heading(soup) == "Acceso denegado"
    assert soup.select_one("a[data-login]") is None


def _crashing_app():
    """The portal built as in production (not in testing mode, where Flask lets crashes
    through to the test), with one view that fails, added before its first request."""
    from ckan.config.middleware import make_app
    from ckan.tests.helpers import CKANTestApp

    app = CKANTestApp(make_app(tk.config))

    def crash():
        raise RuntimeError("detalle-interno-que-nadie-debe-ver")

    app.flask_app.add_url_rule("/_prueba_error", "territorio_test_crash", crash)
    return app


@pytest.mark.ckan_config("testing", False)
@pytest.mark.parametrize(
    ("path", "title", "sentence"),
    [
        ("/_prueba_error", "Error del servidor", "Ocurrió un error inesperado."),
        ("/en/_prueba_error", "Server error", "An unexpected error occurred."),
    ],
)
def test_500_page_never_shows_the_exception(path, title, sentence):
    html = _crashing_app().get(path, status=500).body

    assert page_heading(soup_of(html)) == title
    assert sentence in text_of(html)
    assert "detalle-interno" not in html and "RuntimeError" not in html
    assert "Internal server error" not in text_of(html)
