"""Every concept IRI the DCAT catalogue uses resolves: an HTML page for browsers, RDF (Turtle,
RDF/XML, JSON-LD) by the Accept header or an extension, from the portal's SKOS schemes."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from factories import Iniciativa, TerritorialDataset, territorial_schemas
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SKOS

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False),
    pytest.mark.usefixtures("with_plugins"),
]

EU_DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
# media type asked for → rdflib parser
SYNTAXES = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld"}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def site() -> str:
    return tk.config["ckan.site_url"].rstrip("/")


def local(iri: str) -> str:
    assert iri.startswith(site() + "/framework"), iri
    return iri[len(site()) :]


def fetch_rdf(app, path: str, media_type: str) -> Graph:
    response = app.get(path, headers={"Accept": media_type})
    assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
    assert response.mimetype == media_type
    assert "Accept" in response.headers.get("Vary", "")
    return Graph().parse(data=response.get_data(as_text=True), format=SYNTAXES[media_type])


def visible_text(response) -> str:
    import re

    body = response.get_data(as_text=True)
    body = body[body.index("<main") :] if "<main" in body else body
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_every_concept_iri_of_the_catalogue_answers_200_with_rdf_when_asked(app):
    TerritorialDataset(
        dimension=["medio-ambiente", "salud"],
        subdimension=["gestion-de-residuos", "plataformas-de-datos"],
        region=["CL-AR", "CL-BI"],
        comuna=["09101", "08101"],
    )
    Iniciativa()
    catalogue = Graph().parse(data=app.get("/catalog.ttl").get_data(as_text=True), format="turtle")
    ours: set[URIRef] = set()
    eu_themes: set[URIRef] = set()
    for predicate in (DCAT.theme, DCTERMS.type, DCTERMS.spatial, DCAT.themeTaxonomy):
        for iri in catalogue.objects(None, predicate):
            if not isinstance(iri, URIRef):
                continue
            (eu_themes if str(iri).startswith(EU_DATA_THEME) else ours).add(iri)
    # 2 dimensions, 2 + 1 sub-dimensions, the initiative's type, 2 regions, 2 comunas, 2 schemes
    assert len(ours) >= 12 and {URIRef(EU_DATA_THEME + "ENVI"), URIRef(EU_DATA_THEME + "HEAL")} <= eu_themes

    for iri in sorted(ours):
        for media_type in SYNTAXES:
            graph = fetch_rdf(app, local(str(iri)), media_type)
            kinds = set(graph.objects(iri, RDF.type))
            assert kinds & {SKOS.Concept, SKOS.ConceptScheme}, (iri, media_type)
            assert graph.value(iri, SKOS.prefLabel) is not None, (iri, media_type)
        page = app.get(local(str(iri)), headers={"Accept": BROWSER})
        assert page.status_code == 200 and page.mimetype == "text/html", iri
        assert str(iri) in page.get_data(as_text=True)


def test_each_dimension_names_its_eu_data_theme_as_a_close_match(app):
    scheme = Graph().parse(data=app.get("/framework.ttl").get_data(as_text=True), format="turtle")

    matches = {
        str(s).rsplit("/", 1)[1]: str(o).rsplit("/", 1)[1]
        for s, o in scheme.subject_objects(SKOS.closeMatch)
    }
    assert matches == {
        "movilidad": "TRAN",
        "seguridad": "JUST",
        "salud": "HEAL",
        "medio-ambiente": "ENVI",
        "fomento-productivo": "ECON",
        "planificacion-urbana": "REGI",
        "gobierno": "GOVE",
        "habilitantes": "TECH",
    }
    labels = {str(v) for v in scheme.objects(URIRef(EU_DATA_THEME + "TRAN"), SKOS.prefLabel)}
    assert labels == {"Transporte", "Transport"}


@pytest.mark.parametrize(("ext", "syntax"), [("ttl", "turtle"), ("rdf", "xml"), ("jsonld", "json-ld")])
def test_an_extension_gives_the_concepts_rdf_whatever_the_accept_header(app, ext, syntax):
    response = app.get(f"/framework/comuna/09101.{ext}", headers={"Accept": BROWSER})

    graph = Graph().parse(data=response.get_data(as_text=True), format=syntax)
    temuco = URIRef(f"{site()}/framework/comuna/09101")
    assert str(graph.value(temuco, SKOS.prefLabel)) == "Temuco"
    assert graph.value(temuco, SKOS.broader) == URIRef(f"{site()}/framework/region/CL-AR")
    # the region it names comes with its label
    assert str(graph.value(URIRef(f"{site()}/framework/region/CL-AR"), SKOS.prefLabel)) == "La Araucanía"


@pytest.mark.parametrize("headers", [{}, {"Accept": BROWSER}, {"Accept": "*/*"}])
def test_a_browser_gets_the_concept_page(app, headers):
    response = app.get("/framework/dimension/medio-ambiente", headers=headers)

    assert response.mimetype == "text/html"
    text = visible_text(response)
    for expected in (
        "Dimensión del plan",
        "Medio Ambiente",
        f"{site()}/framework/dimension/medio-ambiente",
        "Tema de datos de la Unión Europea Medio ambiente",
        "Conceptos más específicos",
        "Reciclaje",
        "Página de la dimensión",
        "Conjuntos de datos",
        "Datos enlazados (RDF)",
    ):
        assert expected in text, expected
    body = response.get_data(as_text=True)
    assert 'href="/framework/subdimension/reciclaje"' in body
    assert f'href="{EU_DATA_THEME}ENVI"' in body
    assert '<link rel="alternate" type="text/turtle" href="/framework/dimension/medio-ambiente.ttl"' in body


def test_the_concept_page_speaks_english_on_the_english_site(app):
    text = visible_text(app.get("/en/framework/subdimension/reciclaje"))

    for expected in ("Sub-dimension of the plan", "Recycling", "Broader concept", "Environment"):
        assert expected in text, expected
    assert "Subdimensión del plan" not in text


def test_a_comuna_page_leads_to_its_region_and_the_portals_searches(app):
    response = app.get("/framework/comuna/09101")

    text = visible_text(response)
    assert "Comuna Temuco" in text and "Concepto más amplio La Araucanía" in text
    body = response.get_data(as_text=True)
    assert 'href="/framework/region/CL-AR"' in body
    assert 'href="/dataset/?comuna=09101"' in body


def test_the_schemes_resolve_too(app):
    text = visible_text(app.get("/framework/territorios"))
    assert "Esquema de conceptos" in text and "Territorios de Chile" in text and "Chile" in text

    graph = fetch_rdf(app, "/framework/tipos", "text/turtle")
    tipos = URIRef(f"{site()}/framework/tipos")
    assert set(graph.objects(tipos, SKOS.hasTopConcept)) == {URIRef(f"{site()}/framework/tipo/iniciativa")}


def test_an_unknown_concept_is_a_404_page(app):
    response = app.get("/framework/dimension/turismo", headers={"Accept": "text/turtle"}, status=404)

    assert "El marco no tiene el concepto" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
