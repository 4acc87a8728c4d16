"""Fixtures of the citizen channel's tests: an organization with its roles, a dataset, users."""
from __future__ import annotations

import pytest
from citizen_helpers import act
from ckan.tests import factories as ckan_factories
from factories import TerritorialDataset


@pytest.fixture
def citizen() -> dict:
    return ckan_factories.User(email="vecina@example.org")


@pytest.fixture
def other() -> dict:
    return ckan_factories.User()


@pytest.fixture
def editor() -> dict:
    return ckan_factories.User(email="editor@municipio.example")


@pytest.fixture
def org_admin() -> dict:
    return ckan_factories.User(email="admin@municipio.example")


@pytest.fixture
def org_member() -> dict:
    return ckan_factories.User()


@pytest.fixture
def org(editor, org_admin, org_member) -> dict:
    return ckan_factories.Organization(users=[
        {"name": editor["name"], "capacity": "editor"},
        {"name": org_admin["name"], "capacity": "admin"},
        {"name": org_member["name"], "capacity": "member"},
    ])


@pytest.fixture
def other_org() -> dict:
    return ckan_factories.Organization(users=[{"name": ckan_factories.User()["name"], "capacity": "editor"}])


@pytest.fixture
def dataset(org) -> dict:
    return TerritorialDataset(owner_org=org["id"], name="aire-temuco")


@pytest.fixture
def request_of(citizen, org):
    """A factory of requests filed by the citizen to the organization."""
    def make(**data) -> dict:
        values = {"title": "Datos de ciclovías de Temuco", "description": "Trazado y estado.",
                  "organization": org["name"], **data}
        return act("territorio_request_create", citizen, **values)

    return make
