"""Content negotiation on record pages: /dataset/<name> and /iniciativa/<name> asked for with
an RDF media type answer the record's DCAT RDF; browsers get the page; a record the requester
may not see is a 404 in RDF as in HTML."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories as ckan_factories
from factories import Iniciativa, TerritorialDataset, territorial_schemas
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

SYNTAXES = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld"}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def record(response, syntax: str) -> tuple[Graph, URIRef]:
    graph = Graph().parse(data=response.get_data(as_text=True), format=syntax)
    [ref] = list(graph.subjects(RDF.type, DCAT.Dataset))
    return graph, ref


@pytest.mark.parametrize(("media_type", "syntax"), list(SYNTAXES.items()))
def test_a_dataset_page_asked_for_rdf_answers_the_datasets_dcat(app, media_type, syntax):
    TerritorialDataset(name="aire-temuco", title="Calidad del aire en Temuco")

    response = app.get("/dataset/aire-temuco", headers={"Accept": media_type})

    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.headers["Vary"]
    graph, ref = record(response, syntax)
    assert str(graph.value(ref, DCTERMS.title)) == "Calidad del aire en Temuco"
    assert graph.value(ref, DCAT.distribution) is not None
    # the same graph as ckanext-dcat's /dataset/<name>.ttl
    ttl = Graph().parse(data=app.get("/dataset/aire-temuco.ttl").get_data(as_text=True), format="turtle")
    assert len(graph) == len(ttl)


@pytest.mark.parametrize("headers", [{}, {"Accept": BROWSER}, {"Accept": "*/*"}])
def test_a_browser_still_gets_the_page_with_its_menu(app, headers):
    TerritorialDataset(name="aire-temuco", title="Calidad del aire en Temuco")

    response = app.get("/dataset/aire-temuco", headers=headers)

    body = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert "Calidad del aire en Temuco" in body
    # CKAN's dataset view still serves it: the main menu marks the datasets section
    assert '<li class="active"><a href="/dataset/">' in body
    assert "Accept" in response.headers["Vary"]


def test_rdf_preferred_by_quality_wins_over_html(app):
    TerritorialDataset(name="aire-temuco")

    preferred = app.get("/dataset/aire-temuco", headers={"Accept": "text/html;q=0.5, text/turtle"})
    not_preferred = app.get("/dataset/aire-temuco", headers={"Accept": "text/html, text/turtle;q=0.5"})

    assert preferred.mimetype == "text/turtle"
    assert not_preferred.mimetype == "text/html"


def test_an_initiative_page_negotiates_too_with_its_type(app):
    Iniciativa(name="temuco-transito", title="Sensorización del tránsito")

    response = app.get("/iniciativa/temuco-transito", headers={"Accept": "text/turtle"})

    graph, ref = record(response, "turtle")
    assert str(graph.value(ref, DCTERMS.title)) == "Sensorización del tránsito"
    assert graph.value(ref, DCTERMS.type) == URIRef(
        f"{tk.config['ckan.site_url']}/framework/tipo/iniciativa"
    )


def test_a_private_dataset_is_not_leaked_as_rdf(app):
    member = ckan_factories.User()
    org = ckan_factories.Organization(users=[{"name": member["name"], "capacity": "editor"}])
    TerritorialDataset(name="borrador", title="Borrador interno", owner_org=org["id"], private=True)
    token = ckan_factories.APIToken(user=member["name"])["token"]

    for media_type in SYNTAXES:
        response = app.get("/dataset/borrador", headers={"Accept": media_type})
        body = response.get_data(as_text=True)
        assert response.status_code == 404, media_type
        assert "Borrador interno" not in body
        assert body.startswith("No existe el conjunto de datos «borrador» o no tiene permiso")
    # as its page is to whoever may not see it
    assert app.get("/dataset/borrador", headers={"Accept": BROWSER}).status_code == 404

    allowed = app.get("/dataset/borrador", headers={"Accept": "text/turtle", "Authorization": token})
    graph, ref = record(allowed, "turtle")
    assert str(graph.value(ref, DCTERMS.title)) == "Borrador interno"


def test_an_unknown_dataset_is_a_404_in_rdf(app):
    response = app.get("/dataset/no-existe", headers={"Accept": "application/ld+json"})

    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert "no-existe" in response.get_data(as_text=True)
