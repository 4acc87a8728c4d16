"""/about tells about this portal (not CKAN's stock text), in Spanish and in English: the plan
and its seven dimensions, the terms of use with the policy's licences and the personal-data
laws, the quality methodology with its pages, and the contact."""
from __future__ import annotations

import pytest
from factories import territorial_schemas
from views_html import page_heading, soup_of, text_of

from ckanext.territorio import current

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("clean_db", "with_plugins"),
]


def section(soup, name: str) -> str:
    return " ".join(soup.select_one(f'[data-section="{name}"]').get_text(" ").split())


def test_about_in_spanish_tells_the_plan_and_its_seven_dimensions(app):
    soup = soup_of(app.get("/about").body)

    assert page_heading(soup) == "Acerca de Territorio Inteligente"
    plan = section(soup, "plan")
    assert "Comité de Transformación Digital de CORFO" in plan
    assert "el portal cubre las 16 regiones" in plan
    dimensions = [a["href"].rsplit("/", 1)[1] for a in soup.select(".territorio-about-dimensions a")]
    expected = [d.slug for d in current.framework().dimensions if not d.cross_cutting]
    assert dimensions == expected and len(dimensions) == 7
    assert "CKAN" not in page_heading(soup) and "open-source" not in text_of(str(soup))


def test_terms_name_the_open_licences_the_preferred_one_and_the_laws(app):
    soup = soup_of(app.get("/about").body)

    terms = section(soup, "terms")
    open_ids = list(current.policy().rule("metadata.license").params["abiertas"])
    assert [li["data-licence"] for li in soup.select(".territorio-about-licences li")] == open_ids
    assert soup.select_one("[data-preferred-licence]")["data-preferred-licence"] == "cc-by"
    assert "(la preferida por la política del portal)" in soup.select_one('[data-licence="cc-by"]').get_text()
    assert "Ley 19.628" in terms and "Ley 21.719" in terms
    assert "Agencia de Protección de Datos Personales" in terms


def test_quality_methodology_links_its_pages(app):
    soup = soup_of(app.get("/about").body)

    quality = section(soup, "quality")
    assert "data.europa.eu Metadata Quality Assessment (MQA)" in quality
    links = [a["href"] for a in soup.select('[data-section="quality"] a')]
    assert "/tablero" in links and any("data.europa.eu/mqa" in href for href in links)
    assert "/calidad" not in links  # the dashboard only for the policy staff


@pytest.mark.ckan_config("ckanext.territorio.contact_email", "datos@territorio.example")
def test_contact_shows_the_configured_address_and_the_guide(app):
    soup = soup_of(app.get("/about").body)

    assert soup.select_one("a[data-contact]")["href"] == "mailto:datos@territorio.example"
    assert any(a["href"] == "/desarrolladores" for a in soup.select('[data-section="contact"] a'))


def test_about_in_english(app):
    html = app.get("/en/about").body
    soup = soup_of(html)

    assert page_heading(soup) == "About Territorio Inteligente"
    text = text_of(html)
    assert "written for CORFO's Digital Transformation Committee" in text
    assert "Chilean Law 19.628" in text and "Law 21.719" in text
    assert "Terms of use" in text and "How quality is measured" in text
    assert "Acerca de Territorio Inteligente" not in text
