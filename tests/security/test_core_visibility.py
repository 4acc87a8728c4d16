"""Core actions chained so that private datasets do not leak: their tags (tag_list,
tag_autocomplete), their ids (member_list), and collaborator lists for anonymous callers."""
from __future__ import annotations

import pytest
from ckan.tests import factories as ckan_factories
from factories import TerritorialDataset, territorial_schemas

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues"),
]


@pytest.fixture
def catalogue() -> dict:
    member = ckan_factories.User()
    org = ckan_factories.Organization(users=[{"name": member["name"], "capacity": "editor"}])
    public = TerritorialDataset(owner_org=org["id"], tags=[{"name": "aire-publico"}])
    private = TerritorialDataset(owner_org=org["id"], private=True, tags=[{"name": "sumario-secreto"}])
    return {"member": member, "org": org, "public": public, "private": private}


def api(app, action: str, user: dict | None = None, **params) -> dict:
    headers = {"Authorization": ckan_factories.APIToken(user=user["name"])["token"]} if user else {}
    return app.get(f"/api/3/action/{action}", params=params, headers=headers).json


def test_anonymous_tag_list_and_autocomplete_hide_private_tags(app, catalogue):
    assert api(app, "tag_list")["result"] == ["aire-publico"]
    assert api(app, "tag_autocomplete", q="sumario")["result"] == []
    assert api(app, "tag_autocomplete", q="aire")["result"] == ["aire-publico"]


def test_members_of_the_organisation_still_see_their_private_tags(app, catalogue):
    tags = api(app, "tag_list", user=catalogue["member"])["result"]

    assert sorted(tags) == ["aire-publico", "sumario-secreto"]


def test_member_list_shows_anonymous_callers_only_public_datasets(app, catalogue):
    anonymous = api(app, "member_list", id=catalogue["org"]["id"], object_type="package")["result"]
    member = api(app, "member_list", user=catalogue["member"], id=catalogue["org"]["id"],
                 object_type="package")["result"]

    assert [m[0] for m in anonymous] == [catalogue["public"]["id"]]
    assert sorted(m[0] for m in member) == sorted([catalogue["public"]["id"], catalogue["private"]["id"]])


def test_anonymous_collaborator_list_is_a_403_not_a_500(app, catalogue):
    response = app.get(
        "/api/3/action/package_collaborator_list",
        params={"id": catalogue["private"]["id"]},
        status=403,
    )

    assert response.json["error"]["message"].endswith("Debe iniciar sesión para ver los colaboradores")
