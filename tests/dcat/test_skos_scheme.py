"""The framework's SKOS concept schemes served as RDF at /framework.<format>."""
from __future__ import annotations

import json

import ckan.plugins.toolkit as tk
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

pytestmark = pytest.mark.usefixtures("with_plugins")


def base() -> str:
    return tk.config["ckan.site_url"] + "/framework"


def concept(path: str) -> URIRef:
    return URIRef(f"{base()}/{path}")


@pytest.fixture
def scheme(app) -> Graph:
    response = app.get("/framework.ttl")
    assert response.headers["Content-Type"].startswith("text/turtle")
    return Graph().parse(data=response.body, format="turtle")


def members(graph: Graph, kind: str) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, SKOS.Concept) if str(s).startswith(f"{base()}/{kind}/")}


def test_framework_scheme_has_the_seven_dimensions_and_the_enabling_elements(scheme):
    top = set(scheme.objects(URIRef(base()), SKOS.hasTopConcept))
    assert len(top) == 8
    assert concept("dimension/medio-ambiente") in top and concept("dimension/habilitantes") in top
    assert len(members(scheme, "dimension")) == 8


def test_subdimensions_hang_from_their_dimension(scheme):
    reciclaje = concept("subdimension/reciclaje")
    assert scheme.value(reciclaje, SKOS.broader) == concept("dimension/medio-ambiente")
    assert {str(label) for label in scheme.objects(reciclaje, SKOS.prefLabel)} == {"Reciclaje", "Recycling"}


def test_territories_scheme_has_the_country_16_regions_and_346_comunas(scheme):
    assert len(members(scheme, "region")) == 17
    assert len(members(scheme, "comuna")) == 346
    territories = URIRef(f"{base()}/territorios")
    assert set(scheme.objects(territories, SKOS.hasTopConcept)) == {concept("region/CL")}


def test_comunas_hang_from_their_region(scheme):
    chillan = concept("comuna/16101")
    assert str(scheme.value(chillan, SKOS.prefLabel)) == "Chillán"
    assert scheme.value(chillan, SKOS.broader) == concept("region/CL-NB")
    assert (chillan, RDF.type, DCTERMS.Location) in scheme


def test_json_ld_and_rdf_xml_are_served_too(app):
    jsonld = app.get("/framework.jsonld")
    assert jsonld.headers["Content-Type"].startswith("application/ld+json")
    assert len(Graph().parse(data=jsonld.body, format="json-ld")) > 1000
    assert json.loads(jsonld.body)
    rdfxml = app.get("/framework.rdf")
    assert rdfxml.headers["Content-Type"].startswith("application/rdf+xml")


def test_unknown_format_is_not_found(app):
    app.get("/framework.docx", status=404)


@pytest.mark.usefixtures("clean_db")
def test_catalog_declares_the_schemes_as_theme_taxonomies(app):
    response = app.get(tk.url_for("dcat.read_catalog", _format="ttl"))
    graph = Graph().parse(data=response.body, format="turtle")
    catalog = next(graph.subjects(RDF.type, URIRef("http://www.w3.org/ns/dcat#Catalog")))
    taxonomies = set(graph.objects(catalog, URIRef("http://www.w3.org/ns/dcat#themeTaxonomy")))
    assert taxonomies == {URIRef(base()), URIRef(f"{base()}/territorios")}
