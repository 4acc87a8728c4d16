"""The DCAT output's licence and access rights as EU vocabulary IRIs, still DCAT-AP conformant."""
from __future__ import annotations

import pytest
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas
from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF

from ckanext.territorio import current
from ckanext.territorio.policy import dcat_terms, shacl
from ckanext.territorio.policy import service as policy_service
from ckanext.territorio.policy.dcat_terms import DCAT

pytestmark = [*territorial_schemas, pytest.mark.usefixtures("with_plugins", "clean_db")]

EU = "http://publications.europa.eu/resource/authority/"


def test_licence_and_access_rights_become_eu_iris():
    dataset = call_action("package_show", id=TerritorialDataset(license_id="odc-odbl")["id"])
    graph = policy_service.dcat_graph(dataset)
    dataset_ref = next(graph.subjects(RDF.type, DCAT.Dataset))

    dcat_terms.apply(graph, dataset_ref, dataset, current.policy())

    distribution = next(graph.objects(dataset_ref, DCAT.distribution))
    assert list(graph.objects(distribution, DCTERMS.license)) == [URIRef(EU + "licence/ODC_BL")]
    assert list(graph.objects(dataset_ref, DCTERMS.accessRights)) == [
        URIRef(EU + "access-right/PUBLIC")
    ]
    findings = shacl.validate(graph, current.policy())
    messages = [f.message["en"] for f in findings.all()]
    assert not [m for m in messages if "license" in m or "accessRights" in m]
