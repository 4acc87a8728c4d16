"""Data requests: create, show, list, vote and comment against real PostgreSQL."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from citizen_helpers import act, rows
from factories import territorial_schemas

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]

EMPTY = {"territorio_request": 0, "territorio_request_vote": 0, "territorio_request_comment": 0,
         "territorio_request_dataset": 0, "territorio_report": 0}


def test_create_and_show(citizen, org, request_of):
    created = request_of(dimension=["medio-ambiente"], subdimension=["calidad-del-aire"],
                         region=["IX"], comuna=["9101"], description="  **Trazado**\x07 y estado. ")

    shown = act("territorio_request_show", None, id=created["id"])
    assert shown == created
    assert set(shown) == {
        "id", "title", "description", "status", "status_reason", "dimension", "subdimension", "region",
        "comuna", "organization", "organization_title", "creator", "created", "modified", "closed",
        "answered", "votes", "voted", "datasets", "comments", "held",
    }
    assert shown["status"] == "abierta"
    assert shown["description"] == "**Trazado** y estado."
    assert shown["region"] == ["CL-AR"]
    assert shown["comuna"] == ["09101"]
    assert shown["organization"] == org["name"]
    assert shown["creator"] == citizen["name"]
    assert (shown["votes"], shown["voted"], shown["held"], shown["comments"]) == (0, False, False, [])


def test_a_request_needs_no_organization(citizen):
    created = act("territorio_request_create", citizen, title="Buses eléctricos en Santiago", description="x")
    assert created["organization"] is None
    assert created["organization_title"] is None


def test_anonymous_cannot_create():
    with pytest.raises(tk.NotAuthorized):
        act("territorio_request_create", None, title="Buses eléctricos en Santiago", description="x")
    assert rows() == EMPTY


@pytest.mark.parametrize(("data", "fields"), [
    ({"title": "corto", "description": "x"}, {"title"}),
    ({"title": "t" * 201, "description": "x"}, {"title"}),
    ({"title": "Un título suficiente", "description": "d" * 5001}, {"description"}),
    ({"title": "Un título suficiente", "description": ""}, {"description"}),
    ({"description": "x"}, {"title"}),
    ({"title": "Un título suficiente", "description": "x", "region": ["XX"], "dimension": "nada"},
     {"region", "dimension"}),
    ({"title": "Un título suficiente", "description": "x", "subdimension": ["no-existe"],
      "comuna": ["Gotham"]}, {"subdimension", "comuna"}),
    ({"title": "Un título suficiente", "description": "x", "organization": "no-existe"}, {"organization"}),
    ({"title": ["lista"], "description": {"a": 1}}, {"title", "description"}),
])
def test_bad_input_writes_nothing(citizen, data, fields):
    with pytest.raises(tk.ValidationError) as raised:
        act("territorio_request_create", citizen, **data)
    assert fields <= set(raised.value.error_dict)
    assert rows() == EMPTY


def test_personal_data_holds_the_request(citizen, other, auditor, sysadmin, request_of):
    created = request_of(description="Contactarme al 12.345.678-5 o a juana@correo.cl")
    assert created["held"] is True
    assert "revisión" in created["note"]

    for viewer in (citizen, auditor, sysadmin):
        assert act("territorio_request_show", viewer, id=created["id"])["held"] is True
    for viewer in (None, other):
        with pytest.raises(tk.ObjectNotFound):
            act("territorio_request_show", viewer, id=created["id"])
        assert act("territorio_request_list", viewer)["count"] == 0
        with pytest.raises(tk.ObjectNotFound):
            act("territorio_request_vote", other, id=created["id"])
    assert act("territorio_request_list", citizen)["count"] == 1
    assert act("territorio_request_list", auditor)["count"] == 1


def test_publishers_do_not_see_a_held_request(editor, request_of):
    created = request_of(title="Mi correo es juana@correo.cl")
    with pytest.raises(tk.ObjectNotFound):
        act("territorio_request_show", editor, id=created["id"])
    assert act("territorio_citizen_inbox", editor)["requests"] == []


def test_vote_once_per_user(citizen, other, request_of):
    created = request_of()
    assert act("territorio_request_vote", other, id=created["id"]) == {"votes": 1, "voted": True}
    assert act("territorio_request_vote", other, id=created["id"], vote=True) == {"votes": 1, "voted": True}
    assert act("territorio_request_vote", citizen, id=created["id"]) == {"votes": 2, "voted": True}
    assert act("territorio_request_show", other, id=created["id"])["voted"] is True
    assert act("territorio_request_show", None, id=created["id"])["voted"] is False
    assert act("territorio_request_vote", other, id=created["id"], vote=False) == {"votes": 1, "voted": False}
    assert rows()["territorio_request_vote"] == 1


def test_anonymous_cannot_vote_or_comment(request_of):
    created = request_of()
    with pytest.raises(tk.NotAuthorized):
        act("territorio_request_vote", None, id=created["id"])
    with pytest.raises(tk.NotAuthorized):
        act("territorio_request_comment", None, id=created["id"], text="hola")
    assert rows()["territorio_request_vote"] == rows()["territorio_request_comment"] == 0


def test_unknown_request():
    with pytest.raises(tk.ObjectNotFound):
        act("territorio_request_show", None, id="no-existe")


def test_comments_and_their_hold(citizen, other, auditor, request_of):
    created = request_of()
    comment = act("territorio_request_comment", other, id=created["id"], text="  Yo también <b>los</b> necesito ")
    assert comment["text"] == "Yo también <b>los</b> necesito"
    assert comment["author"] == other["name"]
    held = act("territorio_request_comment", other, id=created["id"], text="escríbanme a pedro@correo.cl")
    assert held["held"] is True and "revisión" in held["note"]

    def comment_ids(viewer):
        return [c["id"] for c in act("territorio_request_show", viewer, id=created["id"])["comments"]]

    assert comment_ids(None) == [comment["id"]]
    assert comment_ids(citizen) == [comment["id"]]
    assert comment_ids(other) == [comment["id"], held["id"]]
    assert comment_ids(auditor) == [comment["id"], held["id"]]
    with pytest.raises(tk.ValidationError) as raised:
        act("territorio_request_comment", other, id=created["id"], text="c" * 2001)
    assert "text" in raised.value.error_dict
    assert rows()["territorio_request_comment"] == 2


def test_list_filters_sort_and_page(citizen, other, org, other_org, request_of):
    first = request_of(title="Recorridos de buses de Temuco", dimension=["movilidad"], region=["CL-AR"])
    second = request_of(title="Calidad del agua en Valparaíso", organization=other_org["id"],
                        dimension=["medio-ambiente"], region=["CL-VS"])
    act("territorio_request_vote", other, id=second["id"])

    def ids(**data):
        return [r["id"] for r in act("territorio_request_list", None, **data)["results"]]

    assert ids() == [second["id"], first["id"]]
    assert ids(sort="votes") == [second["id"], first["id"]]
    assert ids(q="buses") == [first["id"]]
    assert ids(q="%") == []
    assert ids(organization=org["name"]) == [first["id"]]
    assert ids(dimension="movilidad") == [first["id"]]
    assert ids(region="V") == [second["id"]]
    assert ids(status="publicada") == []
    assert ids(limit=1, offset=1) == [first["id"]]
    page = act("territorio_request_list", None, limit=1)
    assert page["count"] == 2
    assert "comments" not in page["results"][0]
    assert page["results"][0]["votes"] == 1
    for bad in ({"limit": 101}, {"sort": "nombre"}, {"status": "cerrada"}, {"offset": -1}, {"region": "XX"}):
        with pytest.raises(tk.ValidationError) as raised:
            act("territorio_request_list", None, **bad)
        assert set(bad) <= set(raised.value.error_dict)
