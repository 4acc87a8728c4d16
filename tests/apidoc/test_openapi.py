"""The OpenAPI description of our actions: valid 3.1, and every territorio_* action in it."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from openapi_spec_validator import validate

from ckanext.territorio import config
from ckanext.territorio.apidoc import openapi
from ckanext.territorio.logic import action, schema

OUR_ACTIONS = sorted(name for name in action.__all__ if name.startswith("territorio_"))


def test_document_is_valid_openapi_3_1():
    document = openapi.document(config.default_schemas_dir(), "http://portal.example")
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["servers"][0]["url"] == "http://portal.example"


def test_every_territorio_action_is_described():
    assert openapi.documented_actions(config.default_schemas_dir()) == OUR_ACTIONS


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("name", OUR_ACTIONS)
def test_parameters_match_the_action_schema(name):
    source = openapi.source(config.default_schemas_dir())["actions"][name]
    make_schema = getattr(schema, name, None)
    if make_schema is not None:
        assert sorted(source["parameters"]) == sorted(make_schema())
    function = getattr(action, name)
    assert bool(source["read"]) == bool(getattr(function, "side_effect_free", False))


@pytest.mark.usefixtures("with_plugins")
def test_served_description_names_this_portal(app):
    response = app.get(tk.url_for("territorio_developers.openapi_json"))
    document = response.json
    validate(document)
    assert document["servers"][0]["url"] == tk.config["ckan.site_url"].rstrip("/")
    assert "get" in document["paths"]["/api/3/action/territorio_readings"]
    assert "get" not in document["paths"]["/api/3/action/territorio_validation_run"]
    assert "/api/territorio/stream/{id}" in document["paths"]
