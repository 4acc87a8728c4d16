"""A location's geometry as DCAT-AP 3 wants it: a ``locn:Geometry`` resource, and back.

DCAT-AP 3.0.0 gives ``locn:geometry`` the range ``locn:Geometry`` (its SHACL shapes want a
blank node or IRI of that class), where DCAT-AP 2 took a literal. DCAT 3 names GeoSPARQL's
representation for it, so the geometry is a node typed ``locn:Geometry`` and ``gsp:Geometry``
whose serialisations carry the typed literals::

    dct:spatial [ a dct:Location ;
        locn:geometry [ a locn:Geometry, gsp:Geometry ;
            gsp:asWKT "POLYGON ((...))"^^gsp:wktLiteral ;
            gsp:asGeoJSON "{...}"^^gsp:geoJSONLiteral ] ] .

Reading accepts that node and the older literal forms (WKT, GeoJSON typed with GeoSPARQL's or
IANA's datatype, or untyped), GeoJSON first, as ckanext-dcat does.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from ckanext.dcat.profiles import GSP, LOCN
from ckanext.dcat.profiles.base import GEOJSON_IMT
from geomet import InvalidGeoJSONException, wkt
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

GEOJSON_TYPES = (GSP.geoJSONLiteral, URIRef(GEOJSON_IMT), None)


def geojson_text(value: Any) -> str | None:
    """CKAN's ``spatial`` (GeoJSON text or object) as compact GeoJSON; None when it is not."""
    if isinstance(value, dict):
        return json.dumps(value)
    try:
        loaded = json.loads(str(value))
    except (TypeError, ValueError):
        return None
    return json.dumps(loaded) if isinstance(loaded, dict) else None


def add_geometry(graph: Graph, location: Node, literals: Iterable[Literal], value: Any) -> None:
    """`location` locn:geometry a node with the literals (as ckanext-dcat typed them)."""
    as_wkt = [lit for lit in literals if lit.datatype == GSP.wktLiteral]
    geojson = geojson_text(value)
    if not as_wkt and geojson is None:
        return
    geometry = BNode()
    graph.add((location, LOCN.geometry, geometry))
    graph.add((geometry, RDF.type, LOCN.Geometry))
    graph.add((geometry, RDF.type, GSP.Geometry))
    for literal in as_wkt:
        graph.add((geometry, GSP.asWKT, literal))
    if geojson is not None:
        # the CKAN value itself: reading it back gives the same GeoJSON, not a rounded WKT
        graph.add((geometry, GSP.asGeoJSON, Literal(geojson, datatype=GSP.geoJSONLiteral)))


def _literals(graph: Graph, location: Node, predicate: URIRef) -> Iterator[Literal]:
    for value in graph.objects(location, predicate):
        if isinstance(value, Literal):
            yield value
            continue
        for serialisation in (GSP.asGeoJSON, GSP.asWKT):
            for literal in graph.objects(value, serialisation):
                if isinstance(literal, Literal):
                    yield literal


def parse_geometry(graph: Graph, location: Node, predicate: URIRef) -> str | None:
    """The location's geometry as GeoJSON text (GeoJSON preferred over WKT), or None."""
    from_wkt = None
    for literal in _literals(graph, location, predicate):
        if literal.datatype == GSP.wktLiteral:
            if from_wkt is None:
                try:
                    from_wkt = json.dumps(wkt.loads(str(literal)))
                except (TypeError, ValueError, InvalidGeoJSONException):
                    pass
        elif literal.datatype in GEOJSON_TYPES and geojson_text(str(literal)) is not None:
            return str(literal)
    return from_wkt
