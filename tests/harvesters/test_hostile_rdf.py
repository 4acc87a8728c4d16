"""Hostile DCAT-RDF sources: a JSON-LD remote @context never reaches a forbidden host (it is
fetched through the guarded client and inlined), and RDF/XML with a DTD is refused whatever
byte-order mark precedes it."""
from __future__ import annotations

import codecs
import json

import pytest
from harvest_fakes import FakeServer, Reply
from harvest_helpers import harvest_marks

from ckanext.territorio_harvesters import jsonld

PLUGINS = (
    "territorio_search territorio activity scheming_datasets spatial_metadata spatial_query harvest datastore dcat "
    "territorio_dcat_rdf_harvester"
)
CONFIG = {"region": ["CL-BI"], "comuna": ["08101"], "dimension": ["gobierno"]}
DCAT = "http://www.w3.org/ns/dcat#"

pytestmark = [*harvest_marks, pytest.mark.ckan_config("ckan.plugins", PLUGINS)]


def catalogue(context: object) -> dict:
    return {
        "@context": context,
        "@id": "http://datos.example/catalogo",
        "@type": "dcat:Catalog",
        "dcat:dataset": [{
            "@id": "http://datos.example/d/presupuesto",
            "@type": "dcat:Dataset",
            "dct:title": "Presupuesto municipal",
            "dct:description": "Ejecución presupuestaria mensual.",
        }],
    }


CONTEXT = {"dcat": DCAT, "dct": "http://purl.org/dc/terms/"}


@pytest.fixture
def forbidden() -> FakeServer:
    """A server on 127.0.0.2: loopback, and not in the allow-list (only 127.0.0.1 is)."""
    server = FakeServer(host="127.0.0.2").start()
    server.route(r"/ctx", lambda request: Reply.json({"@context": CONTEXT}))
    yield server
    server.stop()


def errors_of(result: dict) -> str:
    return json.dumps(result["report"], ensure_ascii=False)


def test_a_remote_context_on_a_forbidden_host_is_never_fetched(fake_server, forbidden, make_source, run_job):
    fake_server.route(r"/catalogo", lambda request: Reply(
        body=json.dumps(catalogue(f"{forbidden.base}/ctx")).encode(), content_type="application/ld+json"))
    source = make_source("dcat_rdf", f"{fake_server.base}/catalogo", CONFIG)

    result = run_job(source)

    assert forbidden.log == []  # rdflib did not fetch it behind the guard's back
    assert "no es pública" in errors_of(result)
    assert result["job"]["stats"].get("added", 0) == 0


def test_a_remote_context_on_an_allowed_host_is_inlined_and_the_dataset_harvested(fake_server, make_source, run_job):
    fake_server.route(r"/ctx", lambda request: Reply.json({"@context": CONTEXT}))
    fake_server.route(r"/catalogo", lambda request: Reply(
        body=json.dumps(catalogue([f"{fake_server.base}/ctx", {"ex": "http://ex/"}])).encode(),
        content_type="application/ld+json"))
    source = make_source("dcat_rdf", f"{fake_server.base}/catalogo", CONFIG)

    result = run_job(source)

    assert result["job"]["stats"]["added"] == 1, errors_of(result)
    assert len(fake_server.requests_to(r"/ctx")) == 1  # through our client, once


@pytest.mark.parametrize("bom", [codecs.BOM_UTF8, b"", b"\n  "])
def test_rdf_xml_with_entities_is_refused_whatever_precedes_it(bom, fake_server, make_source, run_job):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "jajajajajajajaja">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        f'xmlns:dcat="{DCAT}" xmlns:dct="http://purl.org/dc/terms/">'
        '<dcat:Dataset rdf:about="http://datos.example/d/1"><dct:title>&b;</dct:title>'
        "</dcat:Dataset></rdf:RDF>"
    )
    fake_server.route(r"/catalogo", lambda request: Reply(
        body=bom + laughs.encode(), content_type="application/rdf+xml"))
    source = make_source("dcat_rdf", f"{fake_server.base}/catalogo", CONFIG)

    result = run_job(source)

    # refused before rdflib: a DTD ("rechazado"), or XML that is not well formed ("inválido")
    assert "XML rechazado" in errors_of(result) or "XML inválido" in errors_of(result)
    assert result["job"]["stats"].get("added", 0) == 0
    assert "jajaja" not in errors_of(result)


def test_decode_text_honours_every_byte_order_mark():
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF32_LE, "utf-32-le")):
        assert jsonld.decode_text(bom + "<rdf/> ñ".encode(encoding)) == "<rdf/> ñ"


def test_imports_and_scoped_contexts_are_inlined_too():
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return json.dumps({"@context": {"dct": "http://purl.org/dc/terms/"}}).encode()

    document = {"@context": {"@import": "base.jsonld", "dcat": DCAT},
                "dcat:dataset": {"@context": "scoped.jsonld", "dct:title": "x"}}

    inlined = json.loads(jsonld.inline_contexts(json.dumps(document), "http://a.example/c/", fetch))

    assert fetched == ["http://a.example/c/base.jsonld", "http://a.example/c/scoped.jsonld"]
    assert inlined["@context"] == {"dct": "http://purl.org/dc/terms/", "dcat": DCAT}
    assert inlined["dcat:dataset"]["@context"] == {"dct": "http://purl.org/dc/terms/"}


def test_a_chain_of_contexts_stops_at_the_cap():
    def fetch(url: str) -> bytes:
        return json.dumps({"@context": "next.jsonld"}).encode()

    with pytest.raises(jsonld.BadPayload, match="contextos remotos"):
        jsonld.inline_contexts('{"@context": "first.jsonld"}', "http://a.example/", fetch)
