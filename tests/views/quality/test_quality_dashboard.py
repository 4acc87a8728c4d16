"""/calidad: the policy staff's dashboard. Auditors and sysadmins see the summary of every
dataset (private ones too); everyone else gets a clear 403 in Spanish."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from factories import territorial_schemas
from quality_pages import es, percent, share, summary
from views_html import page_heading, soup_of, text_of

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("scored_catalog"),
]


def dashboard(app, people, who="auditor", status=200, **args):
    headers = people.headers(who) if who else {}
    return app.get(tk.url_for("territorio_quality.dashboard", **args), headers=headers, status=status)


def figure(soup, name: str) -> str:
    return " ".join(soup.select_one(f'[data-figure="{name}"] dd').get_text(" ").split())


@pytest.mark.parametrize("who", [None, "outsider", "member"])
def test_people_outside_the_policy_staff_get_a_403_in_spanish(app, people, who):
    html = dashboard(app, people, who, status=403).body

    assert page_heading(soup_of(html)) == "Acceso denegado"
    assert "El panel de calidad es para el equipo de políticas" in text_of(html)
    assert ("Iniciar sesión" in text_of(html)) is (who is None)
    assert "Conjuntos de datos evaluados" not in text_of(html)


def test_auditor_sees_the_headline_figures_of_every_dataset(app, people):
    expected = summary(group_by="organization", include_private=True)["total"]
    soup = soup_of(dashboard(app, people).body)

    assert page_heading(soup) == "Calidad de los datos"
    assert expected["datasets"] == 5  # the private one counts
    assert figure(soup, "datasets") == "5"
    assert figure(soup, "mean").startswith(percent(expected["mean_percent"]))
    assert f"{es(expected['mean_points'])} de 555 puntos" in figure(soup, "mean")
    ratings = {
        li["data-rating"]: li.select_one(".territorio-rating-count").get_text(strip=True)
        for li in soup.select('[data-figure="ratings"] li')
    }
    assert ratings == {key: str(n) for key, n in expected["ratings"].items()}
    assert figure(soup, "fresh") == share(expected["share_fresh"])
    assert figure(soup, "errors") == share(expected["share_with_errors"])


def test_sysadmin_sees_the_dashboard_and_its_link_in_the_menu(app, people):
    soup = soup_of(dashboard(app, people, "sysadmin").body)

    assert figure(soup, "datasets") == "5"
    menu = [a.get_text(strip=True) for a in soup.select("header nav a")]
    assert "Calidad" in menu and "Tablero" in menu


def test_menu_leaves_the_dashboard_out_for_everyone_else(app, people):
    for headers in ({}, people.headers("outsider")):
        soup = soup_of(app.get(tk.url_for("home.index"), headers=headers).body)
        menu = [a.get_text(strip=True) for a in soup.select("header nav a")]
        assert "Tablero" in menu and "Calidad" not in menu


def test_filters_narrow_every_figure_and_stay_in_the_page(app, people):
    expected = summary(group_by="organization", include_private=True, region="CL-AR", dimension="gobierno")
    soup = soup_of(dashboard(app, people, region="CL-AR", dimension="gobierno").body)

    assert expected["total"]["datasets"] == 1  # the private budget of Temuco
    assert figure(soup, "datasets") == "1"
    assert figure(soup, "mean").startswith(percent(expected["total"]["mean_percent"]))
    assert soup.select_one("#filtro-region option[selected]")["value"] == "CL-AR"
    assert soup.select_one("#filtro-dimension option[selected]")["value"] == "gobierno"
    comunas = [o["value"] for o in soup.select("#filtro-comuna option") if o["value"]]
    assert len(comunas) == 32 and "09101" in comunas  # only La Araucanía's
    worst = [tr["data-dataset"] for tr in soup.select('table[data-table="peores"] tbody tr')]
    assert worst == ["presupuesto-interno-temuco"]
    grouping = soup.select_one('a[data-grouping="comuna"]')["href"]
    assert "region=CL-AR" in grouping and "dimension=gobierno" in grouping and "agrupar=comuna" in grouping


def test_grouping_table_follows_the_chosen_grouping(app, people):
    expected = summary(group_by="comuna", include_private=True)
    soup = soup_of(dashboard(app, people, agrupar="comuna").body)

    rows = soup.select('table[data-table="grupos"] tbody tr')
    assert [r["data-key"] for r in rows] == [g["key"] for g in expected["groups"]] == ["09101", "13101"]
    temuco = rows[0]
    assert temuco.select_one("th").get_text(strip=True) == "Temuco"
    assert temuco.select_one('[data-col="datasets"]').get_text(strip=True) == "3"
    assert temuco.select_one('[data-col="mean_percent"]').get_text(strip=True) == percent(
        expected["groups"][0]["mean_percent"]
    )
    assert "comuna=09101" in temuco.select_one("th a")["href"]
    assert soup.select_one('a[data-grouping="comuna"]')["aria-current"] == "true"


def test_grouping_by_organization_links_each_report_card(app, people):
    soup = soup_of(dashboard(app, people).body)

    links = {
        tr["data-key"]: tr.select_one("th a")["href"]
        for tr in soup.select('table[data-table="grupos"] tbody tr')
    }
    assert links == {
        name: tk.url_for("territorio_quality.organization", name=name)
        for name in ("gore-araucania", "municipalidad-de-santiago", "municipalidad-de-temuco")
    }


def test_worst_datasets_come_with_their_fixes_and_links(app, people):
    expected = summary(group_by="organization", include_private=True, worst=10)["worst"]
    soup = soup_of(dashboard(app, people).body)

    rows = soup.select('table[data-table="peores"] tbody tr')
    assert [r["data-dataset"] for r in rows] == [w["name"] for w in expected]
    first = rows[0]
    assert expected[0]["name"] == "buses-santiago"  # no resources, no tags
    assert first.select_one("th a")["href"] == tk.url_for("dataset.read", id="buses-santiago")
    fixes = [" ".join(li.get_text(" ").split()) for li in first.select(".territorio-fixes li")]
    assert fixes == [
        " ".join(f"+{es(f['gain'], 0 if float(f['gain']).is_integer() else 1)} puntos {f['message']}".split())
        for f in expected[0]["fixes"]
    ]
    assert first.select_one("td a").get_text(strip=True) == "Municipalidad de Santiago"


def test_charts_are_inline_svg_with_titles_and_their_numbers_as_tables(app, people):
    expected = summary(group_by="organization", include_private=True)
    soup = soup_of(dashboard(app, people).body)

    chart = soup.select_one("svg#grafico-distribucion")
    assert chart["role"] == "img"
    assert chart.select_one("title").get_text() == "Distribución de puntajes"
    bins = soup.select('figure[data-chart="distribucion"] table tbody tr')
    assert [tr.select_one('[data-col="datasets"]').get_text(strip=True) for tr in bins] == [
        str(b["datasets"]) for b in expected["distribution"]
    ]
    ratings = soup.select("svg#grafico-calificaciones .territorio-chart-bar title")
    assert [t.get_text() for t in ratings] == [
        f"{label}: {expected['total']['ratings'][key]}"
        for key, label in (("excellent", "Excelente"), ("good", "Buena"),
                           ("sufficient", "Suficiente"), ("bad", "Deficiente"))
    ]
    assert "Aún no hay evaluaciones anteriores" in text_of(str(soup))  # no batch run yet


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        ({"region": "CL-XX"}, "region: No existe la región «CL-XX»."),
        ({"comuna": "99999"}, "comuna: No existe la comuna con código «99999»."),
        ({"region": "CL-RM", "comuna": "09101"}, "comuna: La comuna Temuco no pertenece a la región elegida."),
        ({"dimension": "gobierno-digital"}, "dimension: No existe la dimensión «gobierno-digital»."),
        ({"organizacion": "no-existe"}, "organizacion: No existe la organización «no-existe»."),
        ({"agrupar": "provincia"}, "agrupar: No se puede agrupar por «provincia»."),
        ({"formato": "xml"}, "formato: Formato no disponible: «xml» (use csv o json)."),
    ],
)
def test_unknown_parameters_are_a_400_that_names_them(app, people, args, problem):
    html = dashboard(app, people, status=400, **args).body

    assert page_heading(soup_of(html)) == "Solicitud no válida"
    assert problem in text_of(html)


def test_staff_pages_cannot_be_framed_by_other_sites(app, people):
    response = dashboard(app, people)

    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
