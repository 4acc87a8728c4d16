"""The `iniciativa` type: a smart-territory initiative linked to the datasets it uses."""
from __future__ import annotations

import ckan.lib.plugins as lib_plugins
import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action
from factories import Iniciativa, TerritorialDataset, territorial_schemas

from ckanext.territorio import current

TERRITORIAL_FIELDS = {"dimension", "subdimension", "region", "comuna", "status", "datasets"}

pytestmark = [*territorial_schemas, pytest.mark.usefixtures("with_plugins", "clean_db")]


def test_initiative_is_created_with_links_to_datasets_by_name():
    aire = TerritorialDataset(name="aire-temuco")
    transito = TerritorialDataset(name="transito-temuco", dimension=["movilidad"], subdimension=[])
    initiative = Iniciativa(datasets=["aire-temuco", transito["id"]], status="en-operacion")
    shown = call_action("package_show", id=initiative["id"])
    assert shown["type"] == "iniciativa"
    assert shown["datasets"] == [aire["id"], transito["id"]]
    assert shown["status"] == "en-operacion"
    assert shown["partners"] == ["Universidad de La Frontera"]
    assert (shown["dimension"], shown["region"], shown["comuna"]) == (
        ["movilidad"],
        ["CL-AR"],
        ["09101"],
    )


def test_link_to_a_missing_dataset_is_rejected():
    with pytest.raises(tk.ValidationError) as excinfo:
        Iniciativa(datasets=["no-existe"])
    assert list(excinfo.value.error_dict) == ["datasets"]
    assert "no-existe" in excinfo.value.error_dict["datasets"][0]


def test_link_to_another_initiative_is_rejected():
    Iniciativa(name="bicicletas-compartidas")
    with pytest.raises(tk.ValidationError) as excinfo:
        Iniciativa(datasets=["bicicletas-compartidas"])
    assert list(excinfo.value.error_dict) == ["datasets"]


def test_link_to_a_private_dataset_the_user_cannot_see_is_rejected_as_missing():
    other_org = factories.Organization()
    TerritorialDataset(name="datos-internos", private=True, owner_org=other_org["id"])
    editor = factories.User()
    own_org = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    with pytest.raises(tk.ValidationError) as excinfo:
        Iniciativa(
            context={"user": editor["name"], "ignore_auth": False},
            owner_org=own_org["id"],
            datasets=["datos-internos"],
        )
    assert "datos-internos" in excinfo.value.error_dict["datasets"][0]


def test_unknown_status_is_rejected():
    with pytest.raises(tk.ValidationError) as excinfo:
        Iniciativa(status="en-pausa")
    assert list(excinfo.value.error_dict) == ["status"]


def test_initiative_uses_the_dataset_checks_for_the_territory():
    with pytest.raises(tk.ValidationError) as excinfo:
        Iniciativa(region=["CL-RM"], comuna=["09101"])
    assert list(excinfo.value.error_dict) == ["comuna"]


def test_initiatives_are_searchable_by_type_and_status(clean_index):
    Iniciativa(status="piloto")
    Iniciativa(status="planificada", dimension=["gobierno"], subdimension=[])
    TerritorialDataset()
    result = call_action(
        "package_search",
        fq="+dataset_type:iniciativa",
        **{"facet.field": ["status", "dimension"]},
    )
    assert result["count"] == 2
    statuses = {i["name"]: i["count"] for i in result["search_facets"]["status"]["items"]}
    assert statuses == {"piloto": 1, "planificada": 1}


def test_every_seed_initiative_is_a_valid_record():
    """The plan's 75 initiatives (schemas/vocab/iniciativas.yaml) pass the territorial checks.

    Only the framework and territory fields are judged here: descriptions and the data-use
    policy are the demo load's business.
    """
    org = factories.Organization()
    plugin = lib_plugins.lookup_package_plugin("iniciativa")
    fw = current.framework()
    problems = {}
    for seed in fw.initiatives:
        data = {
            "type": "iniciativa",
            "name": seed.slug,
            "title": seed.title,
            "notes": seed.title,
            "owner_org": org["id"],
            "dimension": [seed.dimension],
            "subdimension": [seed.subdimension] if seed.subdimension else [],
            "region": [seed.region],
            "comuna": [seed.comuna] if seed.comuna else [],
            "status": seed.status or "",
        }
        context = {"model": model, "session": model.Session, "user": "", "ignore_auth": True}
        _, errors = lib_plugins.plugin_validate(
            plugin, context, data, plugin.create_package_schema(), "package_create"
        )
        territorial = {k: v for k, v in errors.items() if k in TERRITORIAL_FIELDS}
        if territorial:
            problems[seed.slug] = territorial
    assert len(fw.initiatives) == 75
    assert problems == {}
