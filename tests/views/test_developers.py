"""/desarrolladores in Spanish and English, the footer's API link and /api/3's Link header."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from factories import territorial_schemas
from views_html import soup_of

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]


def test_guide_in_spanish_names_this_portal_and_every_action(app):
    soup = soup_of(app.get("/desarrolladores").body)
    assert soup.select_one("h1.territorio-page-title").get_text(strip=True) == "Guía para desarrolladores"
    site = tk.config["ckan.site_url"].rstrip("/")
    search = soup.select_one('[data-example="search_curl"]').get_text()
    assert site + "/api/3/action/package_search" in search and "facet.field" in search
    assert "territorio_readings" in soup.select_one('[data-example="readings"]').get_text()
    assert "/api/territorio/stream/" in soup.select_one('[data-example="stream_curl"]').get_text()
    assert "catalog.ttl?page=1" in soup.select_one('[data-example="dcat_catalog"]').get_text()
    listed = sorted(row["data-action"] for row in soup.select("tr[data-action]"))
    assert "territorio_quality_show" in listed and "territorio_latest" in listed


def test_guide_in_english(app):
    soup = soup_of(app.get("/en/desarrolladores").body)
    assert soup.select_one("h1.territorio-page-title").get_text(strip=True) == "Developer guide"
    assert "Sensor time series" in soup.get_text()


def test_footer_links_to_the_guide_not_to_ckan_docs(app):
    body = app.get("/desarrolladores").body
    assert "docs.ckan.org" not in body
    links = [a["href"] for a in soup_of(body).select("footer a")]
    assert any(href.endswith("/desarrolladores") for href in links)


def test_api_root_keeps_ckan_answer_and_links_the_guide(app):
    response = app.get("/api/3")
    assert response.json == {"version": 3}
    assert 'rel="service-doc"' in response.headers["Link"] and "/desarrolladores" in response.headers["Link"]


def test_guide_examples_use_a_real_dataset_when_there_is_one(app, catalog):
    soup = soup_of(app.get("/desarrolladores").body)
    shown = soup.select_one('[data-example="quality_show"]').get_text()
    assert "nombre-del-conjunto" not in shown
    assert "id=" in shown
