"""territorio_dcat_ap against the DCAT-AP 3.0.0 SHACL shapes in schemas/shacl/, and back.

The shapes want dct:format a dct:MediaTypeOrExtent resource (the EU file-type concept),
dcat:mediaType a dct:MediaType resource (the IANA IRI) and locn:geometry a locn:Geometry
resource, where ckanext-dcat writes literals; and every dcat:theme a skos:Concept with a
prefLabel, which the themes harvested datasets keep from their source were not.
"""
from __future__ import annotations

import json

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests.factories import Sysadmin
from ckan.tests.helpers import call_action
from ckanext.dcat.processors import RDFParser
from ckanext.dcat.profiles import DCAT, DCT, GSP, LOCN
from factories import TerritorialDataset, territorial_schemas
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ckanext.territorio import current
from ckanext.territorio.demo import load_catalog, territorio_demo_load
from ckanext.territorio.policy import service as policy_service
from ckanext.territorio.policy import shacl

pytestmark = [*territorial_schemas, pytest.mark.usefixtures("with_plugins", "clean_db")]

FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "https://www.iana.org/assignments/media-types/"
DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
# more decimals than ckanext-dcat's WKT keeps (4)
PRECISE_EXTENT = {"type": "Point", "coordinates": [-72.5904871, -38.7396612]}


def violations(graph: Graph) -> list[str]:
    findings = shacl.validate(graph, current.policy())
    return [f.message["en"] for f in findings.all()]


def dataset_with(**fields) -> dict:
    return call_action("package_show", id=TerritorialDataset(**fields)["id"])


def resource(fmt: str, **fields) -> dict:
    return {"url": "http://datos.temuco.example/archivo", "name": f"Archivo {fmt}", "format": fmt} | fields


def graph_of(dataset: dict) -> tuple[Graph, URIRef]:
    graph = policy_service.dcat_graph(dataset)
    return graph, next(graph.subjects(RDF.type, DCAT.Dataset))


def distribution_of(graph: Graph, dataset_ref: URIRef) -> URIRef:
    [distribution] = list(graph.objects(dataset_ref, DCAT.distribution))
    return distribution


def parse(graph: Graph) -> dict:
    parser = RDFParser(profiles=["territorio_dcat_ap"])
    parser.parse(graph.serialize(format="turtle"), _format="turtle")
    [parsed] = list(parser.datasets())
    return parsed


@pytest.mark.usefixtures("clean_index", "with_request_context")
def test_every_demo_dataset_and_initiative_conforms():
    catalog = load_catalog()
    list(territorio_demo_load(catalog))
    names = call_action("package_list")
    assert len(names) == len(catalog.conjuntos) + 75

    found = {}
    for name in names:
        dataset = call_action("package_show", id=name)
        found[name] = violations(policy_service.dcat_graph(dataset))

    assert {name: messages for name, messages in found.items() if messages} == {}


def test_the_shapes_reject_the_literals_ckanext_dcat_writes():
    graph, ref = graph_of(dataset_with())
    distribution = distribution_of(graph, ref)
    graph.set((distribution, DCT["format"], Literal("CSV")))
    graph.add((distribution, DCAT.mediaType, Literal("text/csv")))
    location = next(o for o in graph.objects(ref, DCT.spatial) if isinstance(o, BNode))
    graph.set((location, LOCN.geometry, Literal("POINT (-72.59 -38.74)", datatype=GSP.wktLiteral)))

    messages = violations(graph)

    assert any("format" in m and "MediaTypeOrExtent" in m for m in messages), messages
    assert any("mediaType" in m and "MediaType" in m for m in messages), messages
    assert any("geometry" in m and "Geometry" in m for m in messages), messages


class TestFormat:
    def test_a_known_format_is_the_eu_file_type_concept(self):
        graph, ref = graph_of(dataset_with(resources=[resource("CSV")]))

        concept = URIRef(FILE_TYPE + "CSV")
        assert list(graph.objects(distribution_of(graph, ref), DCT["format"])) == [concept]
        assert (concept, RDF.type, DCT.MediaTypeOrExtent) in graph
        assert violations(graph) == []

    def test_a_format_without_eu_entry_is_a_labelled_media_type_or_extent(self):
        graph, ref = graph_of(dataset_with(resources=[resource("GTFS-RT")]))

        [node] = list(graph.objects(distribution_of(graph, ref), DCT["format"]))
        assert isinstance(node, BNode)
        assert (node, RDF.type, DCT.MediaTypeOrExtent) in graph
        assert list(graph.objects(node, RDFS.label)) == [Literal("GTFS-RT")]
        assert violations(graph) == []

    @pytest.mark.parametrize("fmt", ["CSV", "GeoJSON", "JSON", "ZIP", "XLSX", "GTFS-RT"])
    def test_the_ckan_format_comes_back(self, fmt):
        # with a CSV: the policy wants one open format per dataset
        graph, _ = graph_of(dataset_with(resources=[resource(fmt), resource("CSV", name="Datos")]))

        parsed = {r["name"]: r["format"] for r in parse(graph)["resources"]}

        assert parsed == {f"Archivo {fmt}": fmt, "Datos": "CSV"}

    def test_another_catalogues_file_type_concept_becomes_the_ckan_name(self):
        graph, ref = graph_of(dataset_with(resources=[resource("CSV")]))
        graph.set((distribution_of(graph, ref), DCT["format"], URIRef(FILE_TYPE + "GEOJSON")))

        [parsed] = parse(graph)["resources"]

        assert parsed["format"] == "GeoJSON"


class TestMediaType:
    def test_a_mimetype_is_the_iana_iri(self):
        graph, ref = graph_of(dataset_with(resources=[resource("CSV", mimetype="text/csv")]))

        media_type = URIRef(IANA + "text/csv")
        assert list(graph.objects(distribution_of(graph, ref), DCAT.mediaType)) == [media_type]
        assert (media_type, RDF.type, DCT.MediaType) in graph
        assert violations(graph) == []

    def test_the_mimetype_and_format_come_back(self):
        dataset = dataset_with(resources=[resource("GeoJSON", mimetype="application/geo+json")])
        graph, _ = graph_of(dataset)

        [parsed] = parse(graph)["resources"]

        assert (parsed["format"], parsed["mimetype"]) == ("GeoJSON", "application/geo+json")

    def test_a_media_type_given_as_format_comes_back_as_the_ckan_name(self):
        graph, ref = graph_of(dataset_with(resources=[resource("CSV")]))
        distribution = distribution_of(graph, ref)
        graph.remove((distribution, DCT["format"], None))
        graph.add((distribution, DCAT.mediaType, URIRef(IANA + "text/csv")))

        [parsed] = parse(graph)["resources"]

        assert (parsed["format"], parsed["mimetype"]) == ("CSV", "text/csv")


class TestGeometry:
    def test_the_geometry_is_a_locn_geometry_with_typed_literals(self):
        graph, ref = graph_of(dataset_with(spatial=json.dumps(PRECISE_EXTENT)))

        [geometry] = [
            g for place in graph.objects(ref, DCT.spatial) for g in graph.objects(place, LOCN.geometry)
        ]
        assert isinstance(geometry, BNode)
        assert {LOCN.Geometry, GSP.Geometry} <= set(graph.objects(geometry, RDF.type))
        [as_wkt] = list(graph.objects(geometry, GSP.asWKT))
        [as_geojson] = list(graph.objects(geometry, GSP.asGeoJSON))
        assert as_wkt.datatype == GSP.wktLiteral and str(as_wkt) == "POINT (-72.5905 -38.7397)"
        assert as_geojson.datatype == GSP.geoJSONLiteral
        assert json.loads(as_geojson) == PRECISE_EXTENT
        assert violations(graph) == []

    def test_the_same_geojson_comes_back(self):
        graph, _ = graph_of(dataset_with(spatial=json.dumps(PRECISE_EXTENT)))

        assert json.loads(parse(graph)["spatial"]) == PRECISE_EXTENT

    def test_a_wkt_literal_from_a_dcat_ap_2_catalogue_is_still_read(self):
        graph, ref = graph_of(dataset_with())
        location = next(o for o in graph.objects(ref, DCT.spatial) if isinstance(o, BNode))
        for geometry in list(graph.objects(location, LOCN.geometry)):
            graph.remove((geometry, None, None))
        graph.set((location, LOCN.geometry, Literal("POINT (-72.59 -38.74)", datatype=GSP.wktLiteral)))

        assert json.loads(parse(graph)["spatial"]) == {"type": "Point", "coordinates": [-72.59, -38.74]}


class TestHarvestedThemes:
    """Themes a harvested dataset keeps from its source (the ``theme`` extra)."""

    def test_an_eu_data_theme_is_a_labelled_concept(self):
        # REGI: not the theme of the dataset's dimension (medio-ambiente gives ENVI)
        dataset = dataset_with(extras=[{"key": "theme", "value": json.dumps([DATA_THEME + "REGI"])}])
        graph, ref = graph_of(dataset)

        regi = URIRef(DATA_THEME + "REGI")
        assert regi in set(graph.objects(ref, DCAT.theme))
        assert (regi, RDF.type, SKOS.Concept) in graph
        assert set(graph.objects(regi, SKOS.prefLabel)) == {
            Literal("Regiones y ciudades", lang="es"),
            Literal("Regions and cities", lang="en"),
        }
        assert violations(graph) == []
        assert json.loads({e["key"]: e["value"] for e in parse(graph)["extras"]}["theme"]) == [
            DATA_THEME + "REGI"
        ]

    def test_a_theme_given_as_text_is_a_concept_with_that_label(self):
        dataset = dataset_with(extras=[{"key": "theme", "value": json.dumps(["Residuos"])}])
        graph, ref = graph_of(dataset)

        [concept] = [t for t in graph.objects(ref, DCAT.theme) if isinstance(t, BNode)]
        assert list(graph.objects(concept, SKOS.prefLabel)) == [Literal("Residuos")]
        assert violations(graph) == []
        assert json.loads({e["key"]: e["value"] for e in parse(graph)["extras"]}["theme"]) == ["Residuos"]


def test_the_dataset_endpoint_serves_the_conformant_graph(app):
    dataset = dataset_with(resources=[resource("CSV", mimetype="text/csv")])

    response = app.get(tk.url_for("dcat.read_dataset", _id=dataset["name"], _format="ttl"))

    assert f"<{FILE_TYPE}CSV>" in response.body
    assert "gsp:asWKT" in response.body
    assert violations(Graph().parse(data=response.body, format="turtle")) == []


def test_an_uploaded_file_is_its_own_download_url_and_a_link_is_not(create_with_upload):
    dataset = TerritorialDataset(resources=[resource("JSON")])
    upload = create_with_upload(
        b"fecha,valor\n2024-05-01,12\n",
        "mp25.csv",
        context={"user": Sysadmin()["name"]},
        package_id=dataset["id"],
        format="CSV",
    )
    shown = call_action("package_show", id=dataset["id"])
    graph, _ = graph_of(shown)

    by_url = {
        str(url): set(graph.objects(distribution, DCAT.downloadURL))
        for distribution, url in graph.subject_objects(DCAT.accessURL)
    }
    linked = next(r for r in shown["resources"] if r["id"] != upload["id"])
    uploaded = next(r for r in shown["resources"] if r["id"] == upload["id"])
    assert by_url[uploaded["url"]] == {URIRef(uploaded["url"])}
    assert by_url[linked["url"]] == set()
    assert violations(graph) == []


class TestDimensionDataThemes:
    """Each dimension's EU data theme (schemas/vocab/temas_ue.yaml, por_dimension)."""

    def test_each_dimension_adds_its_eu_data_theme(self):
        graph, ref = graph_of(dataset_with(dimension=["medio-ambiente", "salud"]))

        themes = {str(t) for t in graph.objects(ref, DCAT.theme) if str(t).startswith(DATA_THEME)}
        assert themes == {DATA_THEME + "ENVI", DATA_THEME + "HEAL"}
        assert set(graph.objects(URIRef(DATA_THEME + "HEAL"), SKOS.prefLabel)) == {
            Literal("Salud", lang="es"),
            Literal("Health", lang="en"),
        }
        assert violations(graph) == []

    def test_the_dimensions_eu_theme_is_not_read_back_as_a_source_theme(self):
        graph, _ = graph_of(dataset_with(dimension=["medio-ambiente"]))

        parsed = parse(graph)

        assert parsed["dimension"] == ["medio-ambiente"]
        assert "theme" not in {e["key"] for e in parsed.get("extras", [])}
