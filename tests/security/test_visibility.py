"""Permissions follow the data: a private dataset moved to another organisation disappears from
its former organisation's searches and quality exports."""
from __future__ import annotations

import pytest
from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas

from ckanext.territorio.quality import store as quality_store

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues"),
]


def found_by(user: dict, dataset_id: str) -> list[str]:
    result = call_action(
        "package_search",
        context={"user": user["name"], "ignore_auth": False},
        q="*:*",
        include_private=True,
        rows=1000,
    )
    return [d["id"] for d in result["results"] if d["id"] == dataset_id]


def test_a_moved_private_dataset_leaves_the_old_organisations_search_and_scores():
    old_member, new_member = ckan_factories.User(), ckan_factories.User()
    old = ckan_factories.Organization(users=[{"name": old_member["name"], "capacity": "editor"}])
    new = ckan_factories.Organization(users=[{"name": new_member["name"], "capacity": "editor"}])
    dataset = TerritorialDataset(owner_org=old["id"], private=True)
    assert found_by(old_member, dataset["id"]) == [dataset["id"]]
    assert found_by(new_member, dataset["id"]) == []

    call_action(
        "package_owner_org_update",
        context={"user": ckan_factories.Sysadmin()["name"]},
        id=dataset["id"],
        organization_id=new["id"],
    )

    assert found_by(old_member, dataset["id"]) == []
    assert found_by(new_member, dataset["id"]) == [dataset["id"]]
    score = quality_store.get(dataset["id"])
    assert score is not None and score.organization == new["name"]
