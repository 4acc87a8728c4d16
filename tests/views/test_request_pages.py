"""/solicitudes: the pages of citizens' data requests, read as a person reads them. The list
and its filters, the form (problems beside their fields, values kept, nothing written), the
supports, the comments, the organization's answer, and who may give it."""
from __future__ import annotations

import pytest
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas
from views_html import page_heading, soup_of, text_of

from ckanext.territorio.model.citizen import CitizenRequest, RequestComment, RequestVote

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]

BICIS = "Trazado de las ciclovías de Temuco"
BUSES = "Horarios de los buses de Santiago"
AIRE = "Mediciones de calidad del aire en Temuco"


# --- fixtures and helpers ---------------------------------------------------------------------


def headers(user: dict) -> dict[str, str]:
    """A logged-in browser, as far as CKAN can tell (an API token: no CSRF for it)."""
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def count(table) -> int:
    model.Session.expire_all()
    return model.Session.query(table).count()


def act(action: str, user: dict, **data):
    return call_action(action, context={"user": user["name"], "ignore_auth": False}, **data)


@pytest.fixture
def citizen() -> dict:
    return factories.User(name="vecina-temuco", email="vecina@example.org")


@pytest.fixture
def other() -> dict:
    return factories.User(name="otro-vecino")


@pytest.fixture
def org_admin() -> dict:
    return factories.User(name="admin-temuco")


@pytest.fixture
def outsider_editor() -> dict:
    return factories.User(name="editora-santiago")


@pytest.fixture
def temuco(org_admin) -> dict:
    return factories.Organization(
        name="municipalidad-de-temuco", title="Municipalidad de Temuco",
        users=[{"name": org_admin["name"], "capacity": "admin"}])


@pytest.fixture
def santiago(outsider_editor) -> dict:
    return factories.Organization(
        name="municipalidad-de-santiago", title="Municipalidad de Santiago",
        users=[{"name": outsider_editor["name"], "capacity": "editor"}])


@pytest.fixture
def requests(citizen, other, temuco, santiago) -> dict[str, dict]:
    """Three requests: two to Temuco (one about mobility in La Araucanía, with two supports),
    one to Santiago about mobility in the capital."""
    bicis = act("territorio_request_create", citizen, title=BICIS, description="Con su **estado** actual.",
                organization=temuco["name"], dimension=["movilidad"], region=["CL-AR"], comuna=["09101"])
    aire = act("territorio_request_create", citizen, title=AIRE, description="Por hora, desde 2020.",
               organization=temuco["name"], dimension=["medio-ambiente"], region=["CL-AR"])
    buses = act("territorio_request_create", other, title=BUSES, description="Frecuencias por paradero.",
                organization=santiago["name"], dimension=["movilidad"], region=["CL-RM"])
    act("territorio_request_vote", citizen, id=bicis["id"])
    act("territorio_request_vote", other, id=bicis["id"])
    return {"bicis": bicis, "aire": aire, "buses": buses}


def titles(html: str) -> list[str]:
    return [a.get_text(strip=True) for a in soup_of(html).select(".territorio-request-title a")]


# --- the list ---------------------------------------------------------------------------------


def test_list_shows_every_request_with_its_counts(app, requests):
    response = app.get("/solicitudes")
    soup = soup_of(response.body)
    assert page_heading(soup) == "Solicitudes de datos"
    assert set(titles(response.body)) == {BICIS, AIRE, BUSES}
    tabs = {a["data-status-tab"]: a.select_one(".territorio-request-tab-count").get_text()
            for a in soup.select("[data-status-tab]")}
    assert tabs == {"todas": "3", "abierta": "3", "en-curso": "0", "publicada": "0", "rechazada": "0"}
    assert "3 solicitudes" in text_of(response.body)
    bicis = soup.select_one(f'[data-request="{requests["bicis"]["id"]}"]')
    assert "2 apoyos" in text_of(str(bicis))
    assert "Para Municipalidad de Temuco" in text_of(str(bicis))
    assert "Movilidad" in text_of(str(bicis)) and "La Araucanía" in text_of(str(bicis))


def test_list_filters_by_dimension_region_organization_and_status(app, requests, org_admin):
    assert set(titles(app.get("/solicitudes?dimension=movilidad").body)) == {BICIS, BUSES}
    assert titles(app.get("/solicitudes?region=CL-RM").body) == [BUSES]
    assert set(titles(app.get("/solicitudes?organizacion=municipalidad-de-temuco").body)) == {BICIS, AIRE}
    assert titles(app.get("/solicitudes?dimension=movilidad&region=CL-AR").body) == [BICIS]
    assert titles(app.get("/solicitudes?q=buses").body) == [BUSES]

    act("territorio_request_update", org_admin, id=requests["aire"]["id"], status="en-curso")
    response = app.get("/solicitudes?estado=en-curso&organizacion=municipalidad-de-temuco")
    assert titles(response.body) == [AIRE]
    tabs = {a["data-status-tab"]: a.select_one(".territorio-request-tab-count").get_text()
            for a in soup_of(response.body).select("[data-status-tab]")}
    # the counts follow the other filters (Temuco's two), not the status
    assert tabs == {"todas": "2", "abierta": "1", "en-curso": "1", "publicada": "0", "rechazada": "0"}
    assert soup_of(response.body).select_one("#filtro-organizacion option[selected]")["value"] == \
        "municipalidad-de-temuco"


def test_list_orders_newest_or_most_supported_first(app, requests):
    assert titles(app.get("/solicitudes").body) == [BUSES, AIRE, BICIS]
    assert titles(app.get("/solicitudes?orden=apoyos").body)[0] == BICIS


@pytest.mark.ckan_config("ckanext.territorio.citizen.per_user_per_hour", 100)
def test_list_pages_twenty_at_a_time(app, citizen, temuco):
    for number in range(21):
        call_action("territorio_request_create", context={"user": citizen["name"], "ignore_auth": True},
                    title=f"Solicitud de prueba número {number:02d}", description="Texto.")
    first, second = app.get("/solicitudes"), app.get("/solicitudes?page=2")
    assert len(titles(first.body)) == 20 and titles(second.body) == ["Solicitud de prueba número 00"]
    assert soup_of(first.body).select_one('.pagination a[href*="page=2"]') is not None


def test_an_unknown_filter_value_says_what_is_wrong(app, requests):
    response = app.get("/solicitudes?dimension=no-existe", status=400)
    assert "no-existe" in text_of(response.body)


def test_anonymous_visitors_are_invited_to_log_in_and_users_to_ask(app, requests, citizen):
    anonymous = soup_of(app.get("/solicitudes").body)
    login = anonymous.select_one(".territorio-requests-actions a[data-login]")
    assert login.get_text(strip=True) == "Inicie sesión para pedir datos"
    assert "came_from=/solicitudes/nueva" in login["href"].replace("%2F", "/")
    logged_in = soup_of(app.get("/solicitudes", headers=headers(citizen)).body)
    assert logged_in.select_one(".territorio-requests-actions a").get_text(strip=True) == "Nueva solicitud"
    assert logged_in.select_one('.territorio-requests-actions a[href="/solicitudes/bandeja"]') is None


def test_the_site_header_links_to_the_requests(app):
    soup = soup_of(app.get("/").body)
    link = soup.select_one('header a[href="/solicitudes"]')
    assert link is not None and link.get_text(strip=True) == "Solicitudes"


def test_the_organization_page_leads_to_its_requests_and_to_a_new_one(app, requests, citizen):
    soup = soup_of(app.get("/organization/municipalidad-de-temuco").body)
    tab = soup.select_one('a[href="/solicitudes?organizacion=municipalidad-de-temuco"]')
    assert tab is not None and tab.get_text(strip=True) == "Solicitudes de datos"
    listing = soup_of(app.get(tab["href"], headers=headers(citizen)).body)
    new = listing.select_one(".territorio-requests-actions a")["href"]
    assert new == "/solicitudes/nueva?organizacion=municipalidad-de-temuco"
    form = soup_of(app.get(new, headers=headers(citizen)).body)
    assert form.select_one("#campo-organization option[selected]")["value"] == "municipalidad-de-temuco"


# --- the form ---------------------------------------------------------------------------------


def test_the_form_needs_a_login(app):
    response = app.get("/solicitudes/nueva", follow_redirects=False)
    assert response.status_code == 302 and "/user/login" in response.headers["Location"]


def test_form_problems_are_shown_beside_the_fields_with_the_values_kept(app, citizen, temuco):
    before = count(CitizenRequest)
    response = app.post("/solicitudes/nueva", headers=headers(citizen), data={
        "title": "Ciclovías", "description": "  ", "organization": temuco["name"],
        "dimension": ["movilidad", "medio-ambiente"], "region": "CL-AR", "comuna": ["09101"],
    })
    soup = soup_of(response.body)
    assert count(CitizenRequest) == before
    title_error = soup.select_one("#error-title").get_text(" ", strip=True)
    assert title_error == "Faltan datos: escriba al menos 10 caracteres"
    assert soup.select_one("#campo-title")["aria-describedby"] == "error-title"
    assert soup.select_one("#error-description").get_text(" ", strip=True) == "Falta el valor"
    assert "No se pudo publicar la solicitud" in text_of(response.body)
    # what the person wrote and chose is still there
    assert soup.select_one("#campo-title")["value"] == "Ciclovías"
    assert soup.select_one("#campo-organization option[selected]")["value"] == temuco["name"]
    assert [o["value"] for o in soup.select("#campo-dimension option[selected]")] == ["movilidad", "medio-ambiente"]
    assert [o["value"] for o in soup.select("#campo-region option[selected]")] == ["CL-AR"]
    assert [o["value"] for o in soup.select("#campo-comuna option[selected]")] == ["09101"]
    assert soup.select_one('input[name="_csrf_token"]') is not None


def test_an_unknown_comuna_is_named_beside_its_field(app, citizen):
    response = app.post("/solicitudes/nueva", headers=headers(citizen), data={
        "title": BICIS, "description": "Detalle.", "comuna": ["99999"]})
    assert count(CitizenRequest) == 0
    assert "Comuna desconocida: '99999'" in soup_of(response.body).select_one("#error-comuna").get_text()
    assert soup_of(response.body).select_one("#campo-title")["value"] == BICIS


@pytest.mark.ckan_config("ckanext.territorio.citizen.per_user_per_hour", 1)
def test_too_many_texts_in_an_hour_are_refused_on_top_of_the_form(app, citizen):
    act("territorio_request_create", citizen, title=BICIS, description="Primera.")
    response = app.post("/solicitudes/nueva", headers=headers(citizen), data={
        "title": AIRE, "description": "Segunda."})
    assert count(CitizenRequest) == 1
    summary = soup_of(response.body).select_one(".territorio-error-summary").get_text(" ", strip=True)
    assert "Ha enviado demasiados textos en la última hora (máximo 1); intente más tarde" in summary
    assert soup_of(response.body).select_one("#campo-title")["value"] == AIRE


def test_the_form_files_the_request_and_opens_its_page(app, citizen, temuco):
    response = app.post("/solicitudes/nueva", headers=headers(citizen), data={
        "title": BICIS, "description": "Con su **estado** actual.", "organization": temuco["name"],
        "dimension": "movilidad", "subdimension": ["bicicletas-y-ciclovias"], "region": "CL-AR",
    }, follow_redirects=False)
    (filed,) = model.Session.query(CitizenRequest).all()
    assert response.headers["Location"].endswith(f"/solicitudes/{filed.id}")
    assert (filed.organization_id, filed.dimension, filed.region) == (temuco["id"], ["movilidad"], ["CL-AR"])
    soup = soup_of(app.get(f"/solicitudes/{filed.id}").body)
    assert page_heading(soup) == BICIS
    assert soup.select_one(".territorio-request-description strong").get_text() == "estado"
    assert soup.select_one(".territorio-request-header [data-status]").get_text(strip=True) == "Abierta"
    assert "Para Municipalidad de Temuco" in text_of(str(soup.select_one(".territorio-request-header")))


def test_markdown_is_rendered_without_scripts(app, citizen):
    filed = act("territorio_request_create", citizen, title=BICIS,
                description="Hola <script>alert(1)</script> [enlace](javascript:alert(2))")
    body = app.get(f"/solicitudes/{filed['id']}").body
    assert "<script>alert(1)" not in body and "javascript:alert" not in body


def test_a_held_request_shows_no_text_even_to_its_author(app, citizen):
    filed = act("territorio_request_create", citizen, title="Datos de mi vecino 12.345.678-5",
                description="Escriba a vecina@example.org")
    assert filed["held"]
    body = app.get(f"/solicitudes/{filed['id']}", headers=headers(citizen)).body
    assert "12.345.678-5" not in body and "vecina@example.org" not in body
    assert page_heading(soup_of(body)) == "Solicitud en revisión"
    assert "parece contener datos personales" in text_of(body)
    app.get(f"/solicitudes/{filed['id']}", status=404)
    assert "12.345.678-5" not in app.get("/solicitudes", headers=headers(citizen)).body


# --- supports and comments ----------------------------------------------------------------------


def test_apoyar_adds_one_support_per_user(app, requests, other):
    buses = requests["buses"]["id"]
    page = soup_of(app.get(f"/solicitudes/{buses}", headers=headers(other)).body)
    assert page.select_one("#apoyos button").get_text(strip=True) == "Apoyar"
    for _ in range(2):
        app.post(f"/solicitudes/{buses}/apoyo", headers=headers(other), data={"apoyo": "1"})
    assert count(RequestVote) == 3  # two on bicis, one here
    page = soup_of(app.get(f"/solicitudes/{buses}", headers=headers(other)).body)
    assert page.select_one("[data-votes]").get_text() == "1"
    assert "Usted apoya esta solicitud." in text_of(str(page.select_one("#apoyos")))
    app.post(f"/solicitudes/{buses}/apoyo", headers=headers(other), data={"apoyo": "0"})
    assert count(RequestVote) == 2


def test_anonymous_visitors_are_asked_to_log_in_to_support(app, requests):
    bicis = requests["bicis"]["id"]
    page = soup_of(app.get(f"/solicitudes/{bicis}").body)
    assert page.select_one("#apoyos a[data-login]").get_text(strip=True) == "Inicie sesión para apoyarla"
    response = app.post(f"/solicitudes/{bicis}/apoyo", data={"apoyo": "1"}, follow_redirects=False)
    assert count(RequestVote) == 2 and response.status_code in (302, 400, 403)


def test_a_comment_is_published_and_an_empty_one_is_refused(app, requests, other):
    aire = requests["aire"]["id"]
    app.post(f"/solicitudes/{aire}/comentario", headers=headers(other), data={"text": "Yo también los *necesito*."})
    response = app.post(f"/solicitudes/{aire}/comentario", headers=headers(other), data={"text": "   "})
    assert count(RequestComment) == 1
    assert soup_of(response.body).select_one("#error-text").get_text(" ", strip=True) == "Falta el valor"
    page = soup_of(app.get(f"/solicitudes/{aire}").body)
    (comment,) = page.select(".territorio-comment")
    assert "otro-vecino" in comment.get_text() and comment.select_one("em").get_text() == "necesito"


def test_a_held_comment_shows_a_note_but_never_its_text(app, requests, other, citizen):
    aire = requests["aire"]["id"]
    app.post(f"/solicitudes/{aire}/comentario", headers=headers(other), data={"text": "Mi RUT es 12.345.678-5"})
    for viewer in (other, citizen):
        body = app.get(f"/solicitudes/{aire}", headers=headers(viewer)).body
        assert "12.345.678-5" not in body
    assert "Comentario en revisión" in text_of(app.get(f"/solicitudes/{aire}", headers=headers(other)).body)


# --- the answer -------------------------------------------------------------------------------


@pytest.fixture
def aire_dataset(temuco) -> dict:
    return TerritorialDataset(name="aire-temuco", title="Calidad del aire en Temuco", owner_org=temuco["id"])


def test_the_organizations_admin_publishes_the_answer_with_a_dataset(app, requests, org_admin, aire_dataset):
    aire = requests["aire"]["id"]
    form = soup_of(app.get(f"/solicitudes/{aire}", headers=headers(org_admin)).body).select_one("#respuesta form")
    assert [o["value"] for o in form.select("select[name=status] option")] == \
        ["abierta", "en-curso", "publicada", "rechazada"]
    app.post(f"/solicitudes/{aire}/respuesta", headers=headers(org_admin), data={
        "status": "publicada", "reason": "Publicamos las **mediciones** horarias.",
        "datasets": "https://portal.example/dataset/aire-temuco"})
    shown = call_action("territorio_request_show", id=aire)
    assert shown["status"] == "publicada" and [d["name"] for d in shown["datasets"]] == ["aire-temuco"]
    soup = soup_of(app.get(f"/solicitudes/{aire}").body)
    outcome = soup.select_one(".territorio-request-outcome-publicada")
    assert "Solicitud respondida: los datos están publicados" in outcome.get_text()
    assert outcome.select_one("strong").get_text() == "mediciones"
    assert soup.select_one('.territorio-request-dataset-list a[href="/dataset/aire-temuco"]').get_text() == \
        "Calidad del aire en Temuco"
    assert soup.select_one("#respuesta") is None  # anonymous visitors see no answer form


def test_an_answer_in_progress_links_datasets_and_keeps_it_open(app, requests, org_admin, aire_dataset):
    aire = requests["aire"]["id"]
    app.post(f"/solicitudes/{aire}/respuesta", headers=headers(org_admin),
             data={"status": "en-curso", "reason": "", "datasets": "aire-temuco"})
    shown = call_action("territorio_request_show", id=aire)
    assert shown["status"] == "en-curso" and [d["name"] for d in shown["datasets"]] == ["aire-temuco"]
    assert "La institución trabaja en esta solicitud." in text_of(app.get(f"/solicitudes/{aire}").body)


def test_a_refused_answer_names_the_problem_and_changes_nothing(app, requests, org_admin):
    aire = requests["aire"]["id"]
    response = app.post(f"/solicitudes/{aire}/respuesta", headers=headers(org_admin),
                        data={"status": "rechazada", "reason": " ", "datasets": ""})
    soup = soup_of(response.body)
    assert soup.select_one("#error-reason").get_text(" ", strip=True) == "Indique el motivo del rechazo"
    assert soup.select_one("#campo-status option[selected]")["value"] == "rechazada"
    assert call_action("territorio_request_show", id=aire)["status"] == "abierta"
    response = app.post(f"/solicitudes/{aire}/respuesta", headers=headers(org_admin),
                        data={"status": "publicada", "reason": "Aquí están.", "datasets": "no-existe"})
    soup = soup_of(response.body)
    assert "Conjunto de datos desconocido: 'no-existe'" in soup.select_one("#error-datasets").get_text()
    assert soup.select_one("#campo-datasets")["value"] == "no-existe"
    assert soup.select_one("#campo-reason").get_text() == "Aquí están."
    response = app.post(f"/solicitudes/{aire}/respuesta", headers=headers(org_admin),
                        data={"status": "publicada", "reason": "", "datasets": ""})
    assert soup_of(response.body).select_one("#error-datasets").get_text(" ", strip=True) == \
        "Indique al menos un conjunto de datos que responde la solicitud"
    assert call_action("territorio_request_show", id=aire)["status"] == "abierta"


def test_a_rejection_shows_its_reason(app, requests, org_admin):
    aire = requests["aire"]["id"]
    app.post(f"/solicitudes/{aire}/respuesta", headers=headers(org_admin),
             data={"status": "rechazada", "reason": "La municipalidad no mide el aire.", "datasets": ""})
    soup = soup_of(app.get(f"/solicitudes/{aire}").body)
    assert soup.select_one(".territorio-request-header [data-status]").get_text(strip=True) == "Rechazada"
    assert "La municipalidad no mide el aire." in soup.select_one(".territorio-request-outcome-rechazada").get_text()
    assert soup.select_one("#apoyos").select_one("button") is None  # closed: no new supports


@pytest.mark.parametrize("who", ["other", "citizen", "outsider_editor"])
def test_others_see_no_answer_form_and_their_answer_is_refused(app, requests, aire_dataset, who, request):
    user = request.getfixturevalue(who)
    aire = requests["aire"]["id"]
    assert soup_of(app.get(f"/solicitudes/{aire}", headers=headers(user)).body).select_one("#respuesta") is None
    response = app.post(f"/solicitudes/{aire}/respuesta", headers=headers(user),
                        data={"status": "publicada", "datasets": "aire-temuco"}, status=403)
    assert "No tiene permiso" in text_of(response.body)
    shown = call_action("territorio_request_show", id=aire)
    assert shown["status"] == "abierta" and shown["datasets"] == []


def test_a_sysadmin_answers_any_request(app, requests, sysadmin):
    buses = requests["buses"]["id"]
    assert soup_of(app.get(f"/solicitudes/{buses}", headers=headers(sysadmin)).body).select_one("#respuesta form")


# --- the inbox --------------------------------------------------------------------------------


def test_the_inbox_lists_the_open_requests_addressed_to_the_editors_organization(app, requests, org_admin, outsider_editor):
    act("territorio_request_close", org_admin, id=requests["aire"]["id"], status="rechazada", reason="No la tenemos.")
    assert titles(app.get("/solicitudes/bandeja", headers=headers(org_admin)).body) == [BICIS]
    assert titles(app.get("/solicitudes/bandeja", headers=headers(outsider_editor)).body) == [BUSES]
    listing = soup_of(app.get("/solicitudes", headers=headers(org_admin)).body)
    assert listing.select_one('.territorio-requests-actions a[href="/solicitudes/bandeja"]') is not None


def test_the_inbox_of_a_user_without_organization_says_it_is_empty(app, requests, other):
    body = text_of(app.get("/solicitudes/bandeja", headers=headers(other)).body)
    assert "no es editor ni administrador de ninguna organización" in body
    assert "No hay solicitudes abiertas dirigidas a sus organizaciones." in body
