"""/calidad/organizacion/<name>: an organization's report card, for its members, the
auditors and sysadmins; private datasets included."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests.helpers import call_action
from factories import territorial_schemas
from quality_pages import es, percent, summary
from views_html import page_heading, soup_of, text_of

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("scored_catalog"),
]
TEMUCO = "municipalidad-de-temuco"


def card(app, people, who="member", status=200, name=TEMUCO, **args):
    headers = people.headers(who) if who else {}
    return app.get(
        tk.url_for("territorio_quality.organization", name=name, **args), headers=headers, status=status
    )


def figure(soup, name: str) -> str:
    return " ".join(soup.select_one(f'[data-figure="{name}"] dd').get_text(" ").split())


@pytest.mark.parametrize("who", ["member", "auditor", "sysadmin"])
def test_members_auditors_and_sysadmins_read_the_card(app, people, who):
    expected = summary(group_by="dimension", include_private=True, organization=TEMUCO)["total"]
    soup = soup_of(card(app, people, who).body)

    assert page_heading(soup) == "Ficha de calidad: Municipalidad de Temuco"
    assert expected["datasets"] == 3
    assert figure(soup, "datasets") == "3"
    assert figure(soup, "mean").startswith(percent(expected["mean_percent"]))


@pytest.mark.parametrize("who", [None, "outsider"])
def test_others_get_a_403_naming_who_may_read_it(app, people, who):
    html = card(app, people, who, status=403).body

    assert page_heading(soup_of(html)) == "Acceso denegado"
    assert "La ficha de calidad de Municipalidad de Temuco la ven sus miembros" in text_of(html)


def test_a_member_of_one_organization_cannot_read_anothers_card(app, people):
    card(app, people, "member", name="municipalidad-de-santiago", status=403)


def test_unknown_organization_is_a_404(app, people):
    html = card(app, people, "auditor", name="no-existe", status=404).body

    assert "No existe la organización «no-existe»." in text_of(html)


def test_datasets_are_listed_worst_first_with_their_private_one(app, people):
    expected = summary(group_by="dimension", include_private=True, organization=TEMUCO, worst=100)["worst"]
    soup = soup_of(card(app, people).body)

    rows = soup.select('table[data-table="peores"] tbody tr')
    assert [r["data-dataset"] for r in rows] == [w["name"] for w in expected]
    assert "presupuesto-interno-temuco" in [r["data-dataset"] for r in rows]
    assert [r.select_one('[data-col="percent"]').get_text(" ").split(" %")[0] for r in rows] == [
        es(w["percent"]) for w in expected
    ]


def test_quality_dimension_means_are_the_means_of_each_datasets_dimensions(app, people):
    shows = [
        call_action("territorio_quality_show", id=name)
        for name in ("aire-temuco", "flujos-transito-temuco", "presupuesto-interno-temuco")
    ]
    soup = soup_of(card(app, people).body)

    bars = {li["data-dimension"]: " ".join(li.get_text(" ").split()) for li in soup.select(".territorio-dimension-bars li")}
    assert list(bars)[:5] == ["findability", "accessibility", "interoperability", "reusability", "contextuality"]
    for key, dimension in shows[0]["dimensions"].items():
        # a dimension's maximum varies where indicators do not apply: points over points possible
        points = sum(s["dimensions"][key]["points"] for s in shows)
        possible = sum(s["dimensions"][key]["max"] for s in shows)
        assert bars[key].startswith(f"{dimension['label']} {es(round(points / 3, 1))} de ")
        assert bars[key].endswith(f"({percent(round(100 * points / possible, 1))})")


def test_plan_dimensions_table_matches_the_summary(app, people):
    expected = summary(group_by="dimension", include_private=True, organization=TEMUCO)["groups"]
    soup = soup_of(card(app, people).body)

    rows = soup.select('table[data-table="dimensiones_plan"] tbody tr')
    assert [r.select_one("th").get_text(strip=True) for r in rows] == [g["label"] for g in expected]
    assert [r.select_one('[data-col="datasets"]').get_text(strip=True) for r in rows] == [
        str(g["datasets"]) for g in expected
    ]


def test_harvest_sources_section_says_there_are_none(app, people):
    page = text_of(card(app, people).body)

    assert "Fuentes de cosecha" in page
    assert "La organización no tiene fuentes de cosecha." in page


def test_harvest_sources_show_their_health(app, people, scored_catalog):
    import json

    from ckanext.harvest.model import HarvestJob, HarvestSource

    from ckanext.territorio.quality import harvest_health

    source = call_action(
        "harvest_source_create",
        context={"user": people.sysadmin["name"]},
        name="catalogo-temuco",
        title="Catálogo municipal de Temuco",
        url="http://catalogo.temuco.example/",
        source_type="ckan",
        owner_org=scored_catalog["organizations"]["temuco"]["id"],
        config=json.dumps({"region": ["CL-AR"], "comuna": ["09101"]}),
    )
    job = HarvestJob(source=HarvestSource.get(source["id"]), status="Finished")
    job.save()
    (health,) = harvest_health.for_organization(TEMUCO)
    soup = soup_of(card(app, people).body)

    item = soup.select_one(f'.territorio-harvest-source[data-source="{source["id"]}"]')
    shown = " ".join(item.get_text(" ").split())
    assert shown.startswith("Catálogo municipal de Temuco")
    assert ("En buen estado" if health.healthy else "Con problemas") in shown
    assert f"{health.errored_jobs} de {health.jobs} trabajos con errores" in shown


def test_card_by_organization_id_redirects_to_its_name(app, people, scored_catalog):
    org_id = scored_catalog["organizations"]["temuco"]["id"]
    response = app.get(
        tk.url_for("territorio_quality.organization", name=org_id),
        headers=people.headers("member"),
        follow_redirects=False,
        status=302,
    )

    assert response.headers["Location"].endswith(f"/calidad/organizacion/{TEMUCO}")
