"""The framework's SKOS carries each sub-dimension's provenance (skos:scopeNote) and its former
slugs (skos:historyNote, skos:hiddenLabel)."""
from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from ckanext.territorio.dcat.skos import framework_graph
from ckanext.territorio.dcat.uris import FrameworkURIs
from ckanext.territorio.vocab import load_framework

BASE = "https://datos.example/marco"


def _notes(graph, slug: str, predicate) -> dict[str, str]:
    concept = URIRef(f"{BASE}/subdimension/{slug}")
    return {o.language: str(o) for o in graph.objects(concept, predicate)}


def test_scope_notes_say_where_each_subdimension_comes_from() -> None:
    graph = framework_graph(load_framework(), FrameworkURIs(BASE))
    plan = _notes(graph, "economia-circular", SKOS.scopeNote)
    assert plan["es"].startswith("Procedencia: el plan. «Incluyendo especialmente")
    assert plan["en"].startswith("Provenance: the plan.")
    assert _notes(graph, "reciclaje", SKOS.scopeNote)["es"].startswith("Procedencia: inferida")
    assert _notes(graph, "telemedicina", SKOS.scopeNote)["es"].startswith(
        "Procedencia: sin base en el plan.")
    modern = URIRef(f"{BASE}/subdimension/modernizacion")
    assert (modern, SKOS.hiddenLabel, Literal("modernizacion-del-estado")) in graph
    assert "gobierno" in _notes(graph, "modernizacion", SKOS.historyNote)["es"]
    assert (modern, SKOS.broader, URIRef(f"{BASE}/dimension/fomento-productivo")) in graph
