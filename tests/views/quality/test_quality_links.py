"""Quality where people look: the dataset page's badge (with the top fixes for its editors),
the report card from the organisation's page and the region's PDF from the region page."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests.helpers import call_action
from factories import territorial_schemas
from quality_pages import es
from views_html import soup_of, text_of

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("scored_catalog"),
]


def badge(app, name: str, headers: dict[str, str] | None = None):
    page = soup_of(app.get(tk.url_for("dataset.read", id=name), headers=headers or {}).body)
    return page.select_one(".territorio-quality-badge")


def test_anyone_sees_the_score_and_rating_on_the_dataset_page_but_not_the_fixes(app):
    shown = call_action("territorio_quality_show", id="aire-temuco")

    found = badge(app, "aire-temuco")

    text = text_of(str(found))
    assert found.select_one(".territorio-rating").get_text(strip=True) == shown["rating_label"]
    assert f"{es(shown['points'], 0)} de {es(shown['max_points'], 0)} puntos" in text
    assert found.select_one(".territorio-quality-badge-method")["href"] == "/about#calidad"
    assert found.select_one(".territorio-quality-badge-fixes") is None


def test_the_dataset_editors_see_the_three_largest_fixes_and_their_report_card(app, people):
    shown = call_action("territorio_quality_show", id="aire-temuco")
    assert len(shown["fixes"]) > 3

    found = badge(app, "aire-temuco", people.headers("member"))

    items = [text_of(str(li)) for li in found.select(".territorio-quality-badge-fixes li")]
    assert items == [
        f"{fix['message']} +{es(fix['gain'], 0)} puntos" for fix in shown["fixes"][:3]
    ]
    link = found.select_one(".territorio-quality-badge-fixes a")
    assert link["href"] == "/calidad/organizacion/municipalidad-de-temuco"
    more = len(shown["fixes"]) - 3
    assert link.get_text(strip=True) == (
        f"Ver {more} arreglo{'s' if more > 1 else ''} más en la ficha de la organización"
    )


def test_an_outsider_logged_in_gets_no_fixes(app, people):
    assert badge(app, "aire-temuco", people.headers("outsider")).select_one(".territorio-quality-badge-fixes") is None


def test_the_organisation_page_links_its_report_card_for_members_only(app, people):
    url = tk.url_for("organization.read", id="municipalidad-de-temuco")
    card = "/calidad/organizacion/municipalidad-de-temuco"

    for who in ("member", "auditor", "sysadmin"):
        links = [a["href"] for a in soup_of(app.get(url, headers=people.headers(who)).body).select("a[href]")]
        assert card in links, who
    for headers in ({}, people.headers("outsider")):
        links = [a["href"] for a in soup_of(app.get(url, headers=headers).body).select("a[href]")]
        assert card not in links


def test_the_region_page_links_its_pdf_for_policy_staff_and_the_scoreboard_for_all(app, people):
    url = tk.url_for("territorio_region.read", iso="CL-AR")

    staff = soup_of(app.get(url, headers=people.headers("auditor")).body)
    pdf = staff.select_one(".territorio-region-pdf")
    assert pdf["href"] == "/calidad/region/CL-AR.pdf"
    assert "incluye conjuntos privados" in pdf.get_text()
    public = soup_of(app.get(url).body)
    assert public.select_one(".territorio-region-pdf") is None
    assert "/tablero" in [a["href"] for a in public.select(".territorio-region-reports a")]


def test_the_badge_and_the_ranking_speak_english_under_en(app, people):
    found = soup_of(app.get("/en/dataset/aire-temuco", headers=people.headers("member")).body)

    text = text_of(str(found.select_one(".territorio-quality-badge")))
    assert text.startswith("Metadata quality")
    assert "How is it calculated?" in text and "To improve this dataset:" in text
    board = text_of(app.get("/en/tablero").body)
    assert "index = mean quality × up to date" in board
