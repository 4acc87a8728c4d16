"""Initiatives in the DCAT catalogue: a dcat:Dataset with the portal's dct:type, told apart."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests.helpers import call_action
from ckanext.dcat.processors import RDFParser, RDFSerializer
from factories import Iniciativa, TerritorialDataset, territorial_schemas
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, SKOS

from ckanext.territorio import current
from ckanext.territorio.demo import load_catalog, territorio_demo_load
from ckanext.territorio.policy import shacl

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

INITIATIVES = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?title WHERE { ?d a dcat:Dataset ; dct:type ?type ; dct:title ?title . }
"""
PLAIN_DATASETS = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?title WHERE {
  ?d a dcat:Dataset ; dct:title ?title .
  FILTER NOT EXISTS { ?d dct:type ?type }
}
"""


def initiative_type() -> URIRef:
    return URIRef(f"{tk.config['ckan.site_url']}/framework/tipo/iniciativa")


def catalogue(app, **params) -> Graph:
    response = app.get("/catalog.ttl", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return Graph().parse(data=response.get_data(as_text=True), format="turtle")


def titles(graph: Graph, query: str, **bindings) -> set[str]:
    return {str(row[0]) for row in graph.query(query, initBindings=bindings)}


def test_initiatives_are_told_apart_from_datasets_in_the_catalogue(app):
    TerritorialDataset(title="Calidad del aire en Temuco")
    TerritorialDataset(title="Residuos domiciliarios")
    Iniciativa(title="Sensorización del tránsito")
    Iniciativa(title="Bicicletas compartidas")

    graph = catalogue(app)

    assert titles(graph, INITIATIVES, type=initiative_type()) == {
        "Sensorización del tránsito",
        "Bicicletas compartidas",
    }
    assert titles(graph, PLAIN_DATASETS) == {"Calidad del aire en Temuco", "Residuos domiciliarios"}


def test_the_initiative_type_is_a_labelled_concept_of_the_portals_record_types(app):
    Iniciativa()

    graph = catalogue(app)

    concept = initiative_type()
    assert (concept, SKOS.inScheme, URIRef(f"{tk.config['ckan.site_url']}/framework/tipos")) in graph
    labels = {(str(label), label.language) for label in graph.objects(concept, SKOS.prefLabel)}
    assert labels == {
        ("Iniciativa de territorio inteligente", "es"),
        ("Smart territory initiative", "en"),
    }


def test_an_initiative_comes_back_as_an_initiative():
    initiative = call_action("package_show", id=Iniciativa()["id"])
    turtle = RDFSerializer(profiles=["territorio_dcat_ap"]).serialize_dataset(initiative, _format="turtle")

    parser = RDFParser(profiles=["territorio_dcat_ap"])
    parser.parse(turtle, _format="turtle")
    [parsed] = list(parser.datasets())

    assert parsed["type"] == "iniciativa"
    assert "dcat_type" not in parsed
    assert "dcat_type" not in {extra["key"] for extra in parsed.get("extras", [])}


def test_a_plain_dataset_has_no_dct_type(app):
    TerritorialDataset()

    graph = catalogue(app)

    [ref] = list(graph.objects(None, DCAT.dataset))
    assert list(graph.objects(ref, DCTERMS.type)) == []


@pytest.mark.usefixtures("with_request_context")
def test_the_demo_catalogue_with_its_initiatives_is_shacl_valid(app):
    catalog = load_catalog()
    list(territorio_demo_load(catalog))

    graph = catalogue(app)

    datasets = set(graph.objects(None, DCAT.dataset))
    initiatives = titles(graph, INITIATIVES, type=initiative_type())
    assert len(datasets) == 100 and 0 < len(initiatives) < 100
    findings = shacl.validate(graph, current.policy())
    messages = [f.message["en"] for f in findings.all()]
    assert messages == [], "\n".join(messages)
