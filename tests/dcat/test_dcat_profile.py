"""territorio_dcat_ap: the territorial fields in DCAT and back."""
from __future__ import annotations

import json

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.dcat.processors import RDFParser, RDFSerializer
from ckanext.dcat.profiles import DCAT, DCT, VCARD
from factories import TerritorialDataset, territorial_schemas
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from ckanext.territorio.dcat.profile import DPV

pytestmark = [*territorial_schemas, pytest.mark.usefixtures("with_plugins", "clean_db")]

TERRITORIAL_FIELDS = (
    "dimension",
    "subdimension",
    "region",
    "comuna",
    "frequency",
    "temporal_start",
    "temporal_end",
    "contact_name",
    "contact_email",
    "personal_data",
)
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
EU_DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme/"


def framework(path: str) -> URIRef:
    return URIRef(f"{tk.config['ckan.site_url']}/framework/{path}")


@pytest.fixture
def dataset():
    created = TerritorialDataset(
        name="residuos-sur",
        dimension=["medio-ambiente", "salud"],
        subdimension=["gestion-de-residuos", "plataformas-de-datos"],
        region=["CL-AR", "CL-BI"],
        comuna=["09101", "08101"],
        frequency="MONTHLY",
    )
    return call_action("package_show", id=created["id"])


def to_turtle(dataset: dict) -> str:
    return RDFSerializer(profiles=["territorio_dcat_ap"]).serialize_dataset(dataset, _format="turtle")


def graph_of(dataset: dict) -> tuple[Graph, URIRef]:
    graph = Graph().parse(data=to_turtle(dataset), format="turtle")
    ref = next(graph.subjects(RDF.type, DCAT.Dataset))
    return graph, ref


def parse(turtle: str) -> dict:
    parser = RDFParser(profiles=["territorio_dcat_ap"])
    parser.parse(turtle, _format="turtle")
    [parsed] = list(parser.datasets())
    return parsed


class TestGraph:
    def test_dimensions_and_subdimensions_are_themes_of_the_scheme(self, dataset):
        graph, ref = graph_of(dataset)
        assert set(graph.objects(ref, DCAT.theme)) == {
            framework("dimension/medio-ambiente"),
            framework("dimension/salud"),
            framework("subdimension/gestion-de-residuos"),
            framework("subdimension/plataformas-de-datos"),
            # each dimension's EU data theme (schemas/vocab/temas_ue.yaml)
            URIRef(EU_DATA_THEME + "ENVI"),
            URIRef(EU_DATA_THEME + "HEAL"),
        }
        concept = framework("dimension/medio-ambiente")
        scheme = URIRef(f"{tk.config['ckan.site_url']}/framework")
        assert (concept, RDF.type, SKOS.Concept) in graph
        assert (concept, SKOS.inScheme, scheme) in graph
        labels = {str(label) for label in graph.objects(concept, SKOS.prefLabel)}
        assert labels == {"Medio Ambiente", "Environment"}

    def test_regions_and_comunas_are_spatial_locations(self, dataset):
        graph, ref = graph_of(dataset)
        places = set(graph.objects(ref, DCT.spatial))
        assert {
            framework("region/CL-AR"),
            framework("region/CL-BI"),
            framework("comuna/09101"),
            framework("comuna/08101"),
        } <= places
        assert (framework("comuna/09101"), RDF.type, DCT.Location) in graph
        assert (framework("comuna/09101"), SKOS.broader, framework("region/CL-AR")) in graph
        assert str(graph.value(framework("comuna/08101"), SKOS.prefLabel)) == "Concepción"

    def test_the_geojson_extent_stays_a_location_with_geometry(self, dataset):
        graph, ref = graph_of(dataset)
        geometries = [
            place
            for place in graph.objects(ref, DCT.spatial)
            if graph.value(place, URIRef("http://www.w3.org/ns/locn#geometry")) is not None
        ]
        assert len(geometries) == 1

    def test_frequency_is_the_eu_authority_uri(self, dataset):
        graph, ref = graph_of(dataset)
        assert list(graph.objects(ref, DCT.accrualPeriodicity)) == [URIRef(EU_FREQUENCY + "MONTHLY")]

    def test_personal_data_declaration_uses_the_data_privacy_vocabulary(self, dataset):
        graph, ref = graph_of(dataset)
        assert list(graph.objects(ref, DPV.hasData)) == [DPV.NonPersonalData]

    def test_contact_is_a_vcard(self, dataset):
        graph, ref = graph_of(dataset)
        contact = graph.value(ref, DCAT.contactPoint)
        assert str(graph.value(contact, VCARD.fn)) == dataset["contact_name"]
        assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:datos@temuco.example")


class TestRoundTrip:
    def test_parsing_the_rdf_gives_back_the_territorial_fields(self, dataset):
        parsed = parse(to_turtle(dataset))
        for field in ("dimension", "subdimension", "region", "comuna"):
            assert sorted(parsed[field]) == sorted(dataset[field]), field
        for field in TERRITORIAL_FIELDS[4:]:
            assert parsed[field] == dataset[field], field
        assert json.loads(parsed["spatial"]) == json.loads(dataset["spatial"])

    def test_our_concepts_are_not_left_as_generic_theme_or_spatial_extras(self, dataset):
        extras = {e["key"] for e in parse(to_turtle(dataset))["extras"]}
        assert not extras & {"theme", "spatial_uri", "spatial_text"}

    def test_parsed_dataset_is_accepted_by_package_create(self, dataset):
        parsed = parse(to_turtle(dataset))
        parsed.update(name="residuos-sur-cosechado", owner_org=factories.Organization()["id"])
        created = call_action("package_create", {"user": factories.Sysadmin()["name"]}, **parsed)
        for field in TERRITORIAL_FIELDS:
            assert created[field] == dataset[field] or sorted(created[field]) == sorted(
                dataset[field]
            ), field

    def test_foreign_themes_are_kept(self, dataset):
        graph, ref = graph_of(dataset)
        # TRAN: no dimension of the dataset gives it (ENVI and HEAL are read as the dimensions')
        graph.add((ref, DCAT.theme, URIRef(EU_DATA_THEME + "TRAN")))
        parsed = parse(graph.serialize(format="turtle"))
        themes = {e["key"]: e["value"] for e in parsed["extras"]}["theme"]
        assert json.loads(themes) == [EU_DATA_THEME + "TRAN"]
        assert sorted(parsed["dimension"]) == ["medio-ambiente", "salud"]

    def test_concepts_of_another_portal_are_not_taken_as_ours(self, dataset):
        turtle = to_turtle(dataset).replace(tk.config["ckan.site_url"] + "/framework", "http://otro.example/framework")
        parsed = parse(turtle)
        assert "dimension" not in parsed and "region" not in parsed


class TestDefaults:
    def test_plugin_makes_it_the_default_profile(self):
        assert tk.config["ckanext.dcat.rdf.profiles"] == "territorio_dcat_ap"

    def test_dataset_endpoint_serves_the_territorial_mapping(self, app, dataset):
        response = app.get(tk.url_for("dcat.read_dataset", _id=dataset["name"], _format="ttl"))
        assert f"{tk.config['ckan.site_url']}/framework/region/CL-AR" in response.body
        assert EU_FREQUENCY + "MONTHLY" in response.body

    @pytest.mark.ckan_config("ckanext.territorio.framework_uri", "https://datos.example.cl/marco/")
    def test_base_uri_from_config(self, dataset):
        graph, ref = graph_of(dataset)
        assert URIRef("https://datos.example.cl/marco/dimension/salud") in set(
            graph.objects(ref, DCAT.theme)
        )
