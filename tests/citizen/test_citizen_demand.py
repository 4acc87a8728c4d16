"""Citizens' demand: requests by region and dimension on /tablero, answer time on the report card.

A known set of five requests: two in La Araucanía (one held, with personal data), one in both
La Araucanía and Santiago, one in Santiago, one untagged; two of them answered.
"""
from __future__ import annotations

import datetime

import ckan.plugins.toolkit as tk
import pytest
from bs4 import BeautifulSoup
from citizen_helpers import act
from ckan import model
from ckan.tests import factories as ckan_factories
from factories import territorial_schemas

from ckanext.territorio import current
from ckanext.territorio.citizen import demand
from ckanext.territorio.model.citizen import CitizenRequest

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.ckan_config("ckanext.territorio.citizen.per_user_per_hour", 100),
    pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]
HELD_TITLE = "Ciclovías pedidas por Juana Pérez"
START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


def text_of(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style"]):
        hidden.decompose()
    return " ".join(soup.get_text(" ").split())


@pytest.fixture
def known_requests(request_of, editor) -> dict[str, dict]:
    made = {
        "araucania": request_of(region=["IX"], dimension=["movilidad"]),
        "both": request_of(region=["IX", "CL-RM"], dimension=["movilidad", "medio-ambiente"]),
        "santiago": request_of(region=["CL-RM"], dimension=["medio-ambiente"]),
        "held": request_of(title=HELD_TITLE, description="Escribir a juana@correo.cl",
                           region=["IX"], dimension=["medio-ambiente"]),
        "untagged": request_of(),
    }
    assert made["held"]["held"] is True
    act("territorio_request_update", editor, id=made["both"]["id"], status="en-curso")
    act("territorio_request_close", editor, id=made["santiago"]["id"], status="rechazada",
        reason="No existe ese registro")
    return made


def _figures(d: demand.Demand) -> tuple[int, int, int]:
    return d.received, d.open, d.answered


def test_counts_by_region_open_and_answered_with_held_ones(known_requests):
    counts = demand.by_region()

    assert {key: _figures(d) for key, d in counts.items()} == {
        "CL-AR": (3, 2, 1),
        "CL-RM": (2, 0, 2),
        demand.NONE: (1, 1, 0),
    }
    assert _figures(demand.totals()) == (5, 3, 2)


def test_counts_by_dimension(known_requests):
    counts = demand.by_dimension()

    assert {key: _figures(d) for key, d in counts.items()} == {
        "movilidad": (2, 1, 1),
        "medio-ambiente": (3, 1, 2),
        demand.NONE: (1, 1, 0),
    }


def test_the_first_answer_is_kept_when_the_request_is_closed_later(known_requests, editor):
    both = known_requests["both"]
    taken = act("territorio_request_show", None, id=both["id"])["answered"]
    assert taken is not None

    closed = act("territorio_request_close", editor, id=both["id"], status="rechazada", reason="Duplicada")

    assert closed["answered"] == taken
    assert closed["closed"] > taken
    assert act("territorio_request_show", None, id=known_requests["araucania"]["id"])["answered"] is None


def _set_times(request_id: str, created: datetime.datetime, answered: datetime.datetime | None) -> None:
    row = model.Session.get(CitizenRequest, request_id)
    row.created, row.answered = created, answered
    model.Session.commit()


@pytest.fixture
def timed_org(citizen) -> dict:
    """An organization with four requests: answered after 2, 4 and 10 days, one not yet."""
    org = ckan_factories.Organization(name="municipalidad-de-chillan", title="Municipalidad de Chillán")
    for days in (2, 4, 10, None):
        made = act("territorio_request_create", citizen, title="Horarios de buses de Chillán",
                   description="Por paradero.", organization=org["name"])
        _set_times(made["id"], START, START + datetime.timedelta(days=days) if days else None)
    return org


def test_median_answer_time_of_an_organization(timed_org, other_org):
    assert demand.answer_time(timed_org["id"]) == demand.AnswerTime(4, 3, 4.0)
    assert demand.answer_time(other_org["id"]) == demand.AnswerTime(0, 0, None)


def test_half_days_count_in_the_median(citizen, other_org):
    for hours in (12, 36):
        made = act("territorio_request_create", citizen, title="Permisos de edificación",
                   description="Por mes.", organization=other_org["name"])
        _set_times(made["id"], START, START + datetime.timedelta(hours=hours))

    assert demand.answer_time(other_org["id"]) == demand.AnswerTime(2, 2, 1.0)


def _scoreboard(app) -> BeautifulSoup:
    return BeautifulSoup(app.get(tk.url_for("territorio_scoreboard.index")).body, "html.parser")


def _row(soup: BeautifulSoup, table: str, label: str) -> dict[str, str]:
    for tr in soup.select(f'table[data-table="{table}"] tbody tr'):
        if tr.select_one('th[data-col="label"]').get_text(strip=True) == label:
            return {td["data-col"]: td.get_text(strip=True) for td in tr.select("td[data-col]")}
    raise AssertionError(f"{label} no está en la tabla {table}")


def test_scoreboard_shows_the_demand_without_the_held_request(app, known_requests):
    soup = _scoreboard(app)
    text = text_of(str(soup))
    fw = current.framework()

    assert "Demanda ciudadana" in text
    assert "5 solicitudes recibidas en total: 3 sin respuesta y 2 respondidas." in text
    assert _row(soup, "demanda_regiones", fw.region_by_iso["CL-AR"].name) == {
        "received": "3", "open": "2", "answered": "1"}
    assert _row(soup, "demanda_regiones", fw.region_by_iso["CL-RM"].name) == {
        "received": "2", "open": "0", "answered": "2"}
    assert _row(soup, "demanda_regiones", fw.region_by_iso["CL-AI"].name)["received"] == "0"
    assert _row(soup, "demanda_regiones", "Sin región indicada")["received"] == "1"
    movilidad = fw.dimension_by_slug["movilidad"].label.get("es")
    assert _row(soup, "demanda_dimensiones", movilidad) == {"received": "2", "open": "1", "answered": "1"}
    bar = soup.select_one('#grafico-demanda-regiones g[data-key="CL-AR"]')
    assert bar["data-value"] == "3"
    assert HELD_TITLE not in text and "juana@correo.cl" not in str(soup)
    link = soup.select_one("section.territorio-demand a[href$='/solicitudes']")
    assert link.get_text(strip=True) == "Ver las solicitudes de datos"


def test_scoreboard_says_when_there_is_no_demand(app):
    soup = _scoreboard(app)

    assert "Aún no hay solicitudes de datos en el portal." in text_of(str(soup))
    assert soup.select("#grafico-demanda-regiones") == []
    link = soup.select_one("section.territorio-demand a[href$='/solicitudes']")
    assert link.get_text(strip=True) == "Pida los datos que necesita"


def test_scoreboard_csv_has_the_demand_by_region(app, known_requests):
    body = app.get(tk.url_for("territorio_scoreboard.index", formato="csv", tabla="demanda_regiones")).body

    assert "Recibidas" in body and "Sin región indicada" in body
    assert "CL-AR,3,2,1" in body.replace(";", ",")


def _card(app, org: dict, user: dict) -> str:
    token = ckan_factories.APIToken(user=user["name"])["token"]
    html = app.get(tk.url_for("territorio_quality.organization", name=org["name"]),
                   headers={"Authorization": token}).body
    return text_of(html)


def test_report_card_shows_the_answer_time(app, timed_org, sysadmin):
    text = _card(app, timed_org, sysadmin)

    assert "Solicitudes de datos de la ciudadanía" in text
    assert "3 de 4 solicitudes dirigidas a la organización tienen respuesta." in text
    assert "Mediana del tiempo de respuesta: 4,0 días" in text


def test_report_card_says_when_nothing_was_asked(app, other_org, sysadmin):
    text = _card(app, other_org, sysadmin)

    assert "La organización aún no ha recibido solicitudes de datos." in text


def test_scoreboard_demand_in_english(app, known_requests):
    text = text_of(app.get("/en" + tk.url_for("territorio_scoreboard.index")).body)

    assert "Citizens' demand" in text
    assert "5 requests received in all: 3 unanswered and 2 answered." in text
    assert "No region given" in text and "Sin región indicada" not in text


def test_report_card_answer_time_in_english(app, timed_org, sysadmin):
    token = ckan_factories.APIToken(user=sysadmin["name"])["token"]
    url = "/en" + tk.url_for("territorio_quality.organization", name=timed_org["name"])
    text = text_of(app.get(url, headers={"Authorization": token}).body)

    assert "3 of 4 requests addressed to the organization have been answered." in text
    assert "Median answer time: 4.0 days" in text


def test_demand_summary_action_gives_the_same_figures(known_requests, timed_org):
    summary = act("territorio_demand_summary", None)
    regions = {r["key"]: (r["received"], r["open"], r["answered"]) for r in summary["regions"]}

    assert summary["total"] == {"received": 9, "open": 4, "answered": 5}
    assert regions == {"CL-AR": (3, 2, 1), "CL-RM": (2, 0, 2), None: (5, 2, 3)}
    assert summary["regions"][-1]["key"] is None
    assert HELD_TITLE not in str(summary)
    for_org = act("territorio_demand_summary", None, organization=timed_org["name"])["organization"]
    assert for_org == {"name": timed_org["name"], "received": 4, "answered": 3, "median_days": 4.0}
