"""Reports on published data and the publishers' inbox against real PostgreSQL."""
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


def test_report_create_and_urgent(citizen, dataset, org):
    resource_id = dataset["resources"][0]["id"]
    report = act("territorio_report_create", citizen, package_id=dataset["name"], resource_id=resource_id,
                 kind="enlace-roto", text="El enlace da 404")
    assert report["package_id"] == dataset["id"]
    assert report["organization"] == org["name"]
    assert (report["status"], report["urgent"], report["held"], report["author"]) == (
        "abierto", False, False, citizen["name"])
    urgent = act("territorio_report_create", citizen, package_id=dataset["id"], kind="datos-personales",
                 text="La planilla publica nombres y direcciones")
    assert urgent["urgent"] is True


@pytest.mark.parametrize(("data", "fields"), [
    ({"package_id": "", "kind": "otro", "text": "x"}, {"package_id"}),
    ({"package_id": "no-existe", "kind": "otro", "text": "x"}, {"package_id"}),
    ({"kind": "spam", "text": "x"}, {"kind"}),
    ({"kind": "otro", "text": "t" * 2001}, {"text"}),
    ({"kind": "otro", "text": ""}, {"text"}),
    ({"kind": "otro", "text": "x", "resource_id": "no-existe"}, {"resource_id"}),
])
def test_bad_reports_write_nothing(citizen, dataset, data, fields):
    data = {"package_id": dataset["id"], **data}
    with pytest.raises(tk.ValidationError) as raised:
        act("territorio_report_create", citizen, **data)
    assert fields <= set(raised.value.error_dict)
    assert rows()["territorio_report"] == 0


def test_anonymous_cannot_report_nor_list(dataset):
    with pytest.raises(tk.NotAuthorized):
        act("territorio_report_create", None, package_id=dataset["id"], kind="otro", text="x")
    with pytest.raises(tk.NotAuthorized):
        act("territorio_report_list", None)
    with pytest.raises(tk.NotAuthorized):
        act("territorio_citizen_inbox", None)
    assert rows()["territorio_report"] == 0


def test_a_private_dataset_is_reported_by_its_readers_only(citizen, org_member, org):
    private = TerritorialDataset(owner_org=org["id"], private=True)
    with pytest.raises(tk.NotAuthorized):
        act("territorio_report_create", citizen, package_id=private["id"], kind="otro", text="x")
    act("territorio_report_create", org_member, package_id=private["id"], kind="otro", text="x")
    assert rows()["territorio_report"] == 1


def test_who_sees_which_reports(citizen, other, editor, org_admin, org_member, sysadmin, auditor, dataset, other_org):
    foreign = TerritorialDataset(owner_org=other_org["id"])
    mine = act("territorio_report_create", citizen, package_id=dataset["id"], kind="desactualizado", text="Es de 2019")
    theirs = act("territorio_report_create", other, package_id=foreign["id"], kind="datos-personales",
                 text="Se ven RUT como 12.345.678-5")
    assert theirs["held"] is True

    def ids(user, **data):
        return {r["id"] for r in act("territorio_report_list", user, **data)["results"]}

    assert ids(editor) == ids(org_admin) == {mine["id"]}
    assert ids(citizen) == {mine["id"]}
    assert ids(other) == {theirs["id"]}
    assert ids(org_member) == set()
    assert ids(sysadmin) == ids(auditor) == {mine["id"], theirs["id"]}
    assert ids(sysadmin, urgent=True) == {theirs["id"]}
    assert ids(sysadmin, organization=other_org["name"]) == {theirs["id"]}
    assert ids(sysadmin, package_id=dataset["name"]) == {mine["id"]}
    assert ids(sysadmin, status="cerrado") == set()
    listed = act("territorio_report_list", auditor, urgent=True)["results"][0]
    assert listed["text"] == "Se ven RUT como 12.345.678-5"
    with pytest.raises(tk.ValidationError) as raised:
        act("territorio_report_list", sysadmin, status="roto", limit=500)
    assert {"status", "limit"} <= set(raised.value.error_dict)


def test_a_held_text_is_hidden_from_publishers(other, editor, auditor, dataset):
    report = act("territorio_report_create", other, package_id=dataset["id"], kind="otro",
                 text="Escríbanme a juan@correo.cl")
    assert report["held"] is True and report["text"] and "revisión" in report["note"]
    assert act("territorio_report_list", editor)["results"][0]["text"] is None
    assert act("territorio_report_list", auditor)["results"][0]["text"] == "Escríbanme a juan@correo.cl"


@pytest.mark.parametrize("who", ["editor", "org_admin", "sysadmin"])
def test_the_publisher_closes_a_report(who, citizen, editor, org_admin, sysadmin, dataset):
    user = {"editor": editor, "org_admin": org_admin, "sysadmin": sysadmin}[who]
    report = act("territorio_report_create", citizen, package_id=dataset["id"], kind="enlace-roto", text="404")
    closed = act("territorio_report_close", user, id=report["id"], answer="Corregido el enlace")
    assert (closed["status"], closed["answer"]) == ("cerrado", "Corregido el enlace")
    assert closed["closed"] is not None
    with pytest.raises(tk.ValidationError) as raised:
        act("territorio_report_close", user, id=report["id"], answer="Otra vez")
    assert "status" in raised.value.error_dict


@pytest.mark.parametrize("who", ["anonymous", "citizen", "org_member", "auditor"])
def test_others_cannot_close_a_report(who, citizen, org_member, auditor, dataset):
    user = {"anonymous": None, "citizen": citizen, "org_member": org_member, "auditor": auditor}[who]
    report = act("territorio_report_create", citizen, package_id=dataset["id"], kind="otro", text="x")
    with pytest.raises(tk.NotAuthorized):
        act("territorio_report_close", user, id=report["id"], answer="No")
    assert act("territorio_report_list", citizen)["results"][0]["status"] == "abierto"


def test_close_bad_input(editor, citizen, dataset):
    report = act("territorio_report_create", citizen, package_id=dataset["id"], kind="otro", text="x")
    with pytest.raises(tk.ValidationError) as raised:
        act("territorio_report_close", editor, id=report["id"], answer="")
    assert "answer" in raised.value.error_dict
    with pytest.raises(tk.ObjectNotFound):
        act("territorio_report_close", editor, id="no-existe", answer="Listo")


def test_inbox(citizen, editor, org_member, sysadmin, auditor, org, other_org, dataset, request_of):
    addressed = request_of()
    elsewhere = request_of(organization=other_org["name"])
    unaddressed = act("territorio_request_create", citizen, title="Luminarias públicas de Chile", description="x")
    act("territorio_request_close", editor, id=addressed["id"], status="rechazada", reason="No")
    still_open = request_of(title="Paraderos de buses de Temuco")
    foreign = TerritorialDataset(owner_org=other_org["id"])
    report = act("territorio_report_create", citizen, package_id=dataset["id"], kind="otro", text="x")
    urgent_here = act("territorio_report_create", citizen, package_id=dataset["id"], kind="datos-personales", text="x")
    urgent_there = act("territorio_report_create", citizen, package_id=foreign["id"], kind="datos-personales", text="x")

    inbox = act("territorio_citizen_inbox", editor)
    assert [r["id"] for r in inbox["requests"]] == [still_open["id"]]
    assert {r["id"] for r in inbox["reports"]} == {report["id"], urgent_here["id"]}
    assert [r["id"] for r in inbox["urgent"]] == [urgent_here["id"]]

    assert act("territorio_citizen_inbox", org_member) == {"requests": [], "reports": [], "urgent": []}
    audit = act("territorio_citizen_inbox", auditor)
    assert {r["id"] for r in audit["urgent"]} == {urgent_here["id"], urgent_there["id"]}
    assert audit["requests"] == []
    admin = act("territorio_citizen_inbox", sysadmin)
    assert [r["id"] for r in admin["requests"]] == [unaddressed["id"]]
    assert {r["id"] for r in admin["urgent"]} == {urgent_here["id"], urgent_there["id"]}
    assert elsewhere["id"] not in {r["id"] for r in inbox["requests"]}

    act("territorio_report_close", editor, id=urgent_here["id"], answer="Retirado")
    assert act("territorio_citizen_inbox", editor)["urgent"] == []
