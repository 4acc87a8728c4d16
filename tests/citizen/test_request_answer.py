"""Answering data requests: update and close, every transition and who may make it."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from citizen_helpers import act, rows
from factories import TerritorialDataset, territorial_schemas

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


@pytest.fixture
def answerers(editor, org_admin, sysadmin):
    return {"editor": editor, "org_admin": org_admin, "sysadmin": sysadmin}


@pytest.mark.parametrize("who", ["editor", "org_admin", "sysadmin"])
def test_the_organization_answers_and_links_a_dataset(who, answerers, request_of, dataset):
    created = request_of()
    user = answerers[who]
    in_progress = act("territorio_request_update", user, id=created["id"], status="en-curso")
    assert in_progress["status"] == "en-curso"
    closed = act("territorio_request_close", user, id=created["id"], status="publicada",
                 datasets=[dataset["name"]])
    assert closed["status"] == "publicada"
    assert closed["closed"] is not None
    assert closed["datasets"] == [{"name": dataset["name"], "title": dataset["title"]}]
    assert act("territorio_request_show", None, id=created["id"])["status"] == "publicada"


@pytest.mark.parametrize("who", ["anonymous", "citizen", "other", "org_member", "auditor", "outsider"])
def test_others_cannot_answer(who, citizen, other, org_member, auditor, other_org, request_of, dataset):
    from ckan.tests import factories as ckan_factories

    outsider = ckan_factories.User()
    ckan_factories.Organization(users=[{"name": outsider["name"], "capacity": "admin"}])
    users = {"anonymous": None, "citizen": citizen, "other": other, "org_member": org_member,
             "auditor": auditor, "outsider": outsider}
    created = request_of()
    user = users[who]
    with pytest.raises(tk.NotAuthorized):
        act("territorio_request_update", user, id=created["id"], status="en-curso")
    with pytest.raises(tk.NotAuthorized):
        act("territorio_request_update", user, id=created["id"], datasets=[dataset["id"]])
    with pytest.raises(tk.NotAuthorized):
        act("territorio_request_close", user, id=created["id"], status="rechazada", reason="No")
    shown = act("territorio_request_show", None, id=created["id"])
    assert (shown["status"], shown["datasets"]) == ("abierta", [])


def test_direct_close_and_rejection_needs_a_reason(editor, request_of):
    created = request_of()
    with pytest.raises(tk.ValidationError) as raised:
        act("territorio_request_close", editor, id=created["id"], status="rechazada")
    assert set(raised.value.error_dict) == {"reason"}
    assert act("territorio_request_show", None, id=created["id"])["status"] == "abierta"
    rejected = act("territorio_request_close", editor, id=created["id"], status="rechazada",
                   reason="Los datos no existen")
    assert (rejected["status"], rejected["status_reason"]) == ("rechazada", "Los datos no existen")


def test_publishing_needs_a_dataset(editor, request_of, dataset):
    created = request_of()
    with pytest.raises(tk.ValidationError) as raised:
        act("territorio_request_close", editor, id=created["id"], status="publicada")
    assert set(raised.value.error_dict) == {"datasets"}
    with pytest.raises(tk.ValidationError) as raised:
        act("territorio_request_close", editor, id=created["id"], status="publicada", datasets=["no-existe"])
    assert set(raised.value.error_dict) == {"datasets"}
    assert rows()["territorio_request_dataset"] == 0
    act("territorio_request_update", editor, id=created["id"], datasets=[dataset["id"]])
    closed = act("territorio_request_close", editor, id=created["id"], status="publicada")
    assert [d["name"] for d in closed["datasets"]] == [dataset["name"]]


def test_bad_transitions(editor, sysadmin, request_of, dataset):
    created = request_of()
    act("territorio_request_update", editor, id=created["id"], status="en-curso")
    with pytest.raises(tk.ValidationError) as raised:
        act("territorio_request_update", editor, id=created["id"], status="abierta")
    assert "status" in raised.value.error_dict
    with pytest.raises(tk.ValidationError) as raised:
        act("territorio_request_update", editor, id=created["id"], status="publicada")
    assert "status" in raised.value.error_dict
    with pytest.raises(tk.ValidationError) as raised:
        act("territorio_request_close", editor, id=created["id"], status="en-curso")
    assert "status" in raised.value.error_dict
    act("territorio_request_close", editor, id=created["id"], status="rechazada", reason="Duplicada")
    for user in (editor, sysadmin):
        with pytest.raises(tk.ValidationError) as raised:
            act("territorio_request_close", user, id=created["id"], status="publicada", datasets=[dataset["id"]])
        assert "status" in raised.value.error_dict
    with pytest.raises(tk.ValidationError) as raised:
        act("territorio_request_update", editor, id=created["id"], status="abierta")
    assert "administrador" in raised.value.error_dict["status"][0]
    assert act("territorio_request_show", None, id=created["id"])["status"] == "rechazada"
    assert rows()["territorio_request_dataset"] == 0


def test_a_sysadmin_reopens(editor, sysadmin, request_of):
    created = request_of()
    act("territorio_request_close", editor, id=created["id"], status="rechazada", reason="Duplicada")
    reopened = act("territorio_request_update", sysadmin, id=created["id"], status="abierta")
    assert (reopened["status"], reopened["closed"], reopened["status_reason"]) == ("abierta", None, None)


def test_the_author_edits_while_open(citizen, other, editor, request_of):
    created = request_of()
    edited = act("territorio_request_update", citizen, id=created["id"], title="Ciclovías de Temuco y Padre Las Casas",
                 dimension=["movilidad"])
    assert edited["title"] == "Ciclovías de Temuco y Padre Las Casas"
    assert edited["dimension"] == ["movilidad"]
    for user in (other, editor):
        with pytest.raises(tk.NotAuthorized):
            act("territorio_request_update", user, id=created["id"], title="Otro título cualquiera")
    act("territorio_request_update", editor, id=created["id"], status="en-curso")
    with pytest.raises(tk.NotAuthorized):
        act("territorio_request_update", citizen, id=created["id"], description="Ahora cambio esto")
    with pytest.raises(tk.NotAuthorized):
        act("territorio_request_update", citizen, id=created["id"], status="abierta")
    with pytest.raises(tk.ValidationError) as raised:
        act("territorio_request_update", citizen, id=created["id"], title="corto")
    assert "title" in raised.value.error_dict


def test_unaddressed_requests(citizen, editor, org, sysadmin, other_org):
    created = act("territorio_request_create", citizen, title="Luminarias públicas de Chile", description="x")
    with pytest.raises(tk.NotAuthorized):
        act("territorio_request_update", editor, id=created["id"], status="en-curso")
    with pytest.raises(tk.NotAuthorized):
        act("territorio_request_update", editor, id=created["id"], organization=other_org["name"])
    claimed = act("territorio_request_update", editor, id=created["id"], organization=org["name"])
    assert claimed["organization"] == org["name"]
    assert act("territorio_request_update", editor, id=created["id"], status="en-curso")["status"] == "en-curso"
    with pytest.raises(tk.NotAuthorized):
        act("territorio_request_update", editor, id=created["id"], organization=org["name"])
    unaddressed = act("territorio_request_create", citizen, title="Semáforos de Temuco 2024", description="x")
    assert act("territorio_request_close", sysadmin, id=unaddressed["id"], status="rechazada",
               reason="No hay datos")["status"] == "rechazada"


def test_private_datasets_are_not_linked_by_outsiders(sysadmin, editor, request_of, other_org):
    private = TerritorialDataset(owner_org=other_org["id"], private=True)
    created = request_of()
    with pytest.raises(tk.ValidationError) as raised:
        act("territorio_request_update", editor, id=created["id"], datasets=[private["id"]])
    assert "datasets" in raised.value.error_dict
    assert rows()["territorio_request_dataset"] == 0


def test_closed_requests_take_no_new_votes(other, editor, request_of):
    created = request_of()
    act("territorio_request_close", editor, id=created["id"], status="rechazada", reason="No")
    with pytest.raises(tk.ValidationError) as raised:
        act("territorio_request_vote", other, id=created["id"])
    assert "vote" in raised.value.error_dict
    assert rows()["territorio_request_vote"] == 0


def test_the_list_gives_each_request_its_viewer_vote_and_linked_datasets(editor, citizen, other, request_of, dataset):
    answered, pending = request_of(), request_of()
    act("territorio_request_close", editor, id=answered["id"], status="publicada", datasets=[dataset["name"]])
    act("territorio_request_vote", other, id=pending["id"])

    listed = {r["id"]: r for r in act("territorio_request_list", other)["results"]}

    assert listed[answered["id"]]["datasets"] == [{"name": dataset["name"], "title": dataset["title"]}]
    assert listed[pending["id"]]["datasets"] == []
    assert (listed[pending["id"]]["voted"], listed[answered["id"]]["voted"]) == (True, False)
    assert listed[pending["id"]]["votes"] == 1
    shown = act("territorio_request_show", other, id=pending["id"])
    assert {k: shown[k] for k in ("voted", "votes", "datasets")} == {
        k: listed[pending["id"]][k] for k in ("voted", "votes", "datasets")
    }
