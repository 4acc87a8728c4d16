"""Harvested catalogue datasets are published as DCAT-AP 3 that passes the SHACL shapes."""
from __future__ import annotations

import pytest
from ckan.tests.helpers import call_action
from harvest_fakes import CKANPortal, DCATCatalog
from harvest_helpers import harvest_marks
from test_catalogs import CATALOG_PLUGINS, CONFIG, entries, harvested, remote_packages

from ckanext.territorio import current
from ckanext.territorio.policy import service as policy_service
from ckanext.territorio.policy import shacl

pytestmark = [*harvest_marks, pytest.mark.ckan_config("ckan.plugins", CATALOG_PLUGINS)]


@pytest.mark.parametrize("source_type", ["ckan", "dcat_rdf", "dcat_json"])
def test_every_harvested_dataset_conforms(source_type, fake_server, make_source, run_job):
    if source_type == "ckan":
        url = CKANPortal(fake_server, remote_packages()).url
    else:
        catalog = DCATCatalog(fake_server, entries())
        url = catalog.rdf_url if source_type == "dcat_rdf" else catalog.json_url
    source = make_source(source_type, url, CONFIG)
    run_job(source)
    datasets = [call_action("package_show", id=d["id"]) for d in harvested(source).values()]
    assert len(datasets) == 5
    assert all(r["format"] == "CSV" for d in datasets for r in d["resources"])

    found = {
        d["title"]: [
            f.message["en"]
            for f in shacl.validate(policy_service.dcat_graph(d), current.policy()).all()
        ]
        for d in datasets
    }

    assert {title: messages for title, messages in found.items() if messages} == {}
    if source_type == "ckan":
        # the remote spatial extra: the geometry shape is exercised too
        assert all(d.get("spatial") for d in datasets)
