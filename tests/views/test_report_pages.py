"""The web side of citizens' reports: the "Reportar un problema" button and form, the notice
of open reports for the dataset's publishers with its "Cerrar" action, and the urgent ones
(personal data exposed) on the auditors' dashboard /calidad."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action
from factories import territorial_schemas
from views_html import soup_of, text_of

from ckanext.territorio.model.citizen import Report

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False),
]

FORM = "/dataset/aire-temuco/reportar"
PAGE = "/dataset/aire-temuco"


@dataclass
class People:
    citizen: dict[str, Any]
    editor: dict[str, Any]  # editor of municipalidad-de-temuco, which publishes aire-temuco
    outsider: dict[str, Any]  # editor of another organization
    sysadmin: dict[str, Any]
    auditor: dict[str, Any]

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": factories.APIToken(user=getattr(self, who)["name"])["token"]}


@pytest.fixture
def people(catalog) -> People:
    editor = factories.User(name="editora-temuco")
    outsider = factories.User(name="editor-santiago")
    call_action("organization_member_create", id="municipalidad-de-temuco", username=editor["name"], role="editor")
    call_action("organization_member_create", id="municipalidad-de-santiago", username=outsider["name"], role="editor")
    sysadmin = factories.Sysadmin(name="admin-portal")
    auditor = factories.User(name="auditora")
    call_action("territorio_auditor_update", {"user": sysadmin["name"]}, user="auditora", auditor=True)
    return People(citizen=factories.User(name="vecina"), editor=editor, outsider=outsider,
                  sysadmin=sysadmin, auditor=auditor)


def reports() -> list[Report]:
    model.Session.expire_all()
    return model.Session.query(Report).all()


def file_report(app, people: People, **form: str):
    return app.post(FORM, data=form, headers=people.headers("citizen"))


def notice(app, people: People, who: str | None) -> Any:
    headers = people.headers(who) if who else {}
    return soup_of(app.get(PAGE, headers=headers).body).select_one(".territorio-report-notice")


def urgent_section(app, people: People, who: str) -> Any:
    return soup_of(app.get("/calidad", headers=people.headers(who)).body).select_one(
        "[data-section=datos-personales]")


def test_dataset_and_resource_pages_offer_the_report_button(app, people):
    anonymous = soup_of(app.get(PAGE).body).select_one(".territorio-report-button")
    assert anonymous.get_text(strip=True) == "Inicie sesión para reportar"
    login = urlparse(anonymous["href"])
    assert login.path == "/user/login" and parse_qs(login.query)["came_from"] == [FORM]

    button = soup_of(app.get(PAGE, headers=people.headers("citizen")).body).select_one(".territorio-report-button")
    assert (button.get_text(strip=True), button["href"]) == ("Reportar un problema", FORM)

    resource_id = call_action("package_show", id="aire-temuco")["resources"][0]["id"]
    resource_page = app.get(f"{PAGE}/resource/{resource_id}", headers=people.headers("citizen")).body
    button = soup_of(resource_page).select_one(".territorio-report-button")
    assert button["href"] == f"{FORM}?resource_id={resource_id}"
    form = soup_of(app.get(button["href"], headers=people.headers("citizen")).body)
    assert form.select_one("#field-resource option[selected]")["value"] == resource_id


def test_anonymous_visitors_are_sent_to_log_in_first(app, people):
    response = app.get(FORM, follow_redirects=False)
    assert response.status_code == 302
    target = urlparse(response.headers["Location"])
    assert target.path == "/user/login" and parse_qs(target.query)["came_from"] == [FORM]
    assert reports() == []


def test_the_form_explains_each_kind_in_one_line(app, people):
    page = soup_of(app.get(FORM, headers=people.headers("citizen")).body)
    kinds = {radio["value"]: radio.find_parent(class_="form-check").get_text(" ", strip=True)
             for radio in page.select("input[type=radio][name=kind]")}
    assert set(kinds) == {"datos-erroneos", "enlace-roto", "datos-personales", "desactualizado", "otro"}
    assert kinds["datos-personales"].startswith("Datos personales expuestos Se ven nombres, RUT")
    assert "Municipalidad de Temuco" in text_of(str(page.select_one(".lead")))
    assert page.select_one("form.territorio-report-form input[name=_csrf_token]") is not None


def test_a_refused_report_keeps_what_was_typed_and_writes_nothing(app, people):
    page = soup_of(file_report(app, people, kind="", text="La columna mp25 trae valores negativos").body)
    assert page.select_one("#error-kind").get_text(strip=True) == "Falta el valor"
    assert page.select_one("#field-text").get_text() == "La columna mp25 trae valores negativos"
    assert page.select_one("#error-text") is None

    page = soup_of(file_report(app, people, kind="desactualizado", text="x" * 2001).body)
    assert "supera los 2000 caracteres" in page.select_one("#error-text").get_text()
    assert page.select_one("input[name=kind][checked]")["value"] == "desactualizado"
    assert page.select_one("#field-text").get_text() == "x" * 2001
    assert reports() == []


def test_a_report_reaches_the_organizations_editors_only(app, people):
    thanked = file_report(app, people, kind="datos-erroneos", text="La estación Las Encinas marca 900 µg/m³")
    assert "Gracias: su reporte llegó a Municipalidad de Temuco." in text_of(thanked.body)
    assert [(r.kind, r.status) for r in reports()] == [("datos-erroneos", "abierto")]

    shown = notice(app, people, "editor")
    assert shown.select_one("h2").get_text(strip=True) == "1 reporte abierto"
    assert "La estación Las Encinas marca 900 µg/m³" in shown.get_text()
    assert "Datos erróneos" in shown.get_text() and "vecina" in shown.get_text()
    for who in (None, "citizen", "outsider", "auditor"):
        assert notice(app, people, who) is None, who


def test_the_editor_closes_a_report_with_an_answer(app, people):
    file_report(app, people, kind="enlace-roto", text="El CSV da error 404")
    report_id = reports()[0].id
    close = f"/dataset/aire-temuco/reportes/{report_id}/cerrar"

    refused = soup_of(app.post(close, data={"answer": ""}, headers=people.headers("editor")).body)
    assert refused.select_one(f"#error-answer-{report_id}").get_text(strip=True) == "Falta el valor"
    assert reports()[0].status == "abierto"

    denied = app.post(close, data={"answer": "Listo"}, headers=people.headers("outsider"), status=403)
    assert "No tiene permiso" in text_of(denied.body)
    assert reports()[0].status == "abierto"

    done = app.post(close, data={"answer": "Se corrigió el enlace"}, headers=people.headers("editor"))
    assert "Reporte cerrado." in text_of(done.body)
    assert [(r.status, r.answer) for r in reports()] == [("cerrado", "Se corrigió el enlace")]
    assert notice(app, people, "editor") is None


def test_personal_data_reports_are_listed_on_calidad_until_closed(app, people):
    file_report(app, people, kind="datos-personales", text="La planilla muestra nombres y direcciones")
    file_report(app, people, kind="enlace-roto", text="Otro problema, no urgente")
    for who in ("sysadmin", "auditor"):
        section = urgent_section(app, people, who)
        listed = [li["data-dataset"] for li in section.select("[data-dataset]")]
        assert listed == ["aire-temuco"], who
        assert "La planilla muestra nombres y direcciones" in section.get_text()
        assert "Otro problema, no urgente" not in section.get_text()
    refused = app.get("/calidad", headers=people.headers("editor"), status=403)
    assert "Datos personales expuestos" not in text_of(refused.body)

    urgent = next(r for r in reports() if r.urgent)
    app.post(f"/dataset/aire-temuco/reportes/{urgent.id}/cerrar", data={"answer": "Retiramos la planilla"},
             headers=people.headers("editor"))
    section = urgent_section(app, people, "auditor")
    assert section.select("[data-dataset]") == []
    assert "Ningún reporte ciudadano de datos personales expuestos está abierto." in section.get_text()
