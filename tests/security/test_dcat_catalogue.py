"""ckanext-dcat's catalogue endpoints answer bad parameters with a 400 in Spanish (they gave
500s: ``q=(((``, ``page=999999999999999999999``, a huge ``modified_since``, an unknown
format) and good requests with the public datasets only, whoever asks."""
from __future__ import annotations

import pytest
from ckan.tests import factories as ckan_factories
from factories import TerritorialDataset, territorial_schemas
from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, RDF

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

HEADER = "El catálogo DCAT no puede responder a esta petición:"
PAGE = "page: Debe ser un número entero entre 1 y"
DATE = "modified_since: Debe ser una fecha ISO 8601"
LEAKS = ("Traceback", "LINE ", "psycopg2", "sqlalchemy", "Exception", "Internal Server Error")


def assert_refused(response, *expected: str) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code == 400, body[:500]
    assert response.mimetype == "text/plain"
    assert body.startswith(HEADER)
    for text in expected:
        assert text in body
    for leak in LEAKS:
        assert leak not in body
    return body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"page": "999999999999999999999"}, PAGE),
        ({"page": "0"}, PAGE),
        ({"page": "-1"}, PAGE),
        ({"page": "x"}, PAGE),
        ({"page": "1.5"}, PAGE),
        ({"page": str((2**31 - 1) // 100 + 2)}, PAGE),
        ({"modified_since": "9999999999999999999999"}, DATE),
        ({"modified_since": "x"}, DATE),
        ({"modified_since": "0001-01-01"}, DATE),
        ({"q": "a\x00b"}, "q: Contiene un carácter nulo (NUL)."),
        ({"profiles": "nope"}, "profiles: Perfil DCAT desconocido: «nope». Perfiles disponibles:"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(app, params, expected):
    assert_refused(app.get("/catalog.ttl", query_string=params), expected)


@pytest.mark.parametrize("query", [{"q": "((("}, {"fq": "((("}, {"q": "a AND"}])
def test_a_query_the_search_refuses_is_a_400_with_its_reason(app, query):
    TerritorialDataset()
    body = assert_refused(
        app.get("/catalog.ttl", query_string=query), "q/fq: La consulta no es válida: Consulta no válida"
    )
    assert "Revise paréntesis, comillas y operadores" in body


@pytest.mark.parametrize("path", ["/catalog.foo", "/catalog.html"])
def test_an_unknown_format_is_a_400_listing_the_formats(app, path):
    assert_refused(app.get(path), "formato: Formato", "los formatos son: ttl, xml, rdf, n3, jsonld")


def test_a_dataset_in_an_unknown_format_is_a_400(app):
    dataset = TerritorialDataset()
    assert_refused(app.get(f"/dataset/{dataset['name']}.foo"), "formato: Formato «foo» desconocido")
    assert_refused(
        app.get(f"/dataset/{dataset['name']}.ttl", query_string={"profiles": "x,euro_dcat_ap"}),
        "Perfil DCAT desconocido: «x».",
    )


def test_several_bad_parameters_are_all_named(app):
    body = assert_refused(
        app.get("/catalog.xml", query_string={"page": "0", "modified_since": "ayer"}), PAGE, DATE
    )
    assert body.count("\n- ") == 2


def test_the_api_actions_answer_a_validation_error_with_field_keys(app):
    response = app.get(
        "/api/3/action/dcat_catalog_search",
        query_string={"modified_since": "9999999999999999999999", "page": "0", "format": "ttl"},
    )
    assert response.status_code == 409
    error = response.json["error"]
    assert error["__type"] == "Validation Error"
    assert error["modified_since"][0].startswith("Debe ser una fecha ISO 8601")
    assert error["page"][0].startswith("Debe ser un número entero entre 1 y")


def titles(response) -> set[str]:
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    return {str(graph.value(ref, DCTERMS.title)) for ref in graph.subjects(RDF.type, DCAT.Dataset)}


def test_good_requests_list_the_public_datasets_only_whoever_asks(app):
    member = ckan_factories.User()
    org = ckan_factories.Organization(users=[{"name": member["name"], "capacity": "editor"}])
    TerritorialDataset(owner_org=org["id"], title="Calidad del aire pública")
    TerritorialDataset(owner_org=org["id"], title="Borrador interno", private=True)
    token = ckan_factories.APIToken(user=member["name"])["token"]

    for headers in ({}, {"Authorization": token}):
        for params in ({}, {"page": "1"}, {"modified_since": "2020-01-01"}, {"q": "aire"}):
            response = app.get("/catalog.ttl", query_string=params, headers=headers)
            assert response.status_code == 200, response.get_data(as_text=True)[:300]
            assert response.mimetype == "text/turtle"
            assert titles(response) == {"Calidad del aire pública"}
    # past the last page: an empty catalogue, not an error
    assert titles(app.get("/catalog.ttl", query_string={"page": "7"})) == set()
    xml = app.get("/catalog.xml")
    assert xml.status_code == 200 and "Calidad del aire pública" in xml.get_data(as_text=True)
    assert "Borrador interno" not in xml.get_data(as_text=True)
