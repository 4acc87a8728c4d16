"""A distribution's format and media type as DCAT-AP 3 resources, and back.

DCAT-AP 3 wants both as resources: ``dct:format`` a ``dct:MediaTypeOrExtent`` (the EU file-type
authority's concept: CSV → .../file-type/CSV) and ``dcat:mediaType`` a ``dct:MediaType`` (the
IANA register's IRI: text/csv → https://www.iana.org/assignments/media-types/text/csv).
ckanext-dcat writes the CKAN text as literals; :func:`graph_formats` turns them into resources
and :func:`parse_format` / :func:`parse_media_type` give the CKAN text back.

A format the EU table lacks becomes a blank ``dct:MediaTypeOrExtent`` with the CKAN name in
``rdfs:label``; a media type that is not ``type/subtype`` a blank ``dct:MediaType`` likewise.
"""
from __future__ import annotations

import re

from ckanext.dcat.profiles import DCAT
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS
from rdflib.term import Node

from ..vocab.file_type import FileTypeTable

IANA_MEDIA_TYPES = (
    "https://www.iana.org/assignments/media-types/",
    "http://www.iana.org/assignments/media-types/",
)
# RFC 6838 type/subtype, e.g. text/csv, application/vnd.geo+json
MEDIA_TYPE = re.compile(r"[A-Za-z0-9][\w!#$&^.+-]*/[A-Za-z0-9][\w!#$&^.+-]*")


def graph_formats(graph: Graph, dataset_ref: URIRef, table: FileTypeTable) -> None:
    """Every literal format and media type of the dataset's distributions as a resource."""
    for distribution in list(graph.objects(dataset_ref, DCAT.distribution)):
        for value in list(graph.objects(distribution, DCTERMS["format"])):
            resource = _format_resource(graph, value, table)
            if resource != value:
                graph.remove((distribution, DCTERMS["format"], value))
                graph.add((distribution, DCTERMS["format"], resource))
        for value in list(graph.objects(distribution, DCAT.mediaType)):
            if isinstance(value, Literal):
                graph.remove((distribution, DCAT.mediaType, value))
                graph.add((distribution, DCAT.mediaType, _media_type_resource(graph, str(value))))


def _format_resource(graph: Graph, value: Node, table: FileTypeTable) -> Node:
    if isinstance(value, BNode):
        return value
    file_type = table.lookup(str(value))
    if file_type is not None:
        concept = URIRef(table.uri(file_type.code))
        graph.add((concept, RDF.type, DCTERMS.MediaTypeOrExtent))
        return concept
    if isinstance(value, URIRef):
        # another vocabulary's IRI, typed by ckanext-dcat already
        return value
    return _labelled(graph, DCTERMS.MediaTypeOrExtent, str(value))


def _media_type_resource(graph: Graph, text: str) -> Node:
    text = text.strip()
    if not MEDIA_TYPE.fullmatch(text):
        return _labelled(graph, DCTERMS.MediaType, text)
    media_type = URIRef(IANA_MEDIA_TYPES[0] + text.lower())
    graph.add((media_type, RDF.type, DCTERMS.MediaType))
    return media_type


def _labelled(graph: Graph, kind: URIRef, text: str) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, kind))
    graph.add((node, RDFS.label, Literal(text)))
    return node


def media_type_text(value: str) -> str:
    """``text/csv`` for its IANA IRI; any other text unchanged."""
    for prefix in IANA_MEDIA_TYPES:
        if value.startswith(prefix):
            return value[len(prefix):]
    return value


def parse_media_type(graph: Graph, distribution: Node) -> str | None:
    """The CKAN mimetype of a distribution's ``dcat:mediaType``, or None when it has none."""
    value = graph.value(distribution, DCAT.mediaType)
    if value is None:
        return None
    if isinstance(value, BNode):
        label = graph.value(value, RDFS.label)
        return str(label) if label is not None else None
    return media_type_text(str(value))


def parse_format(graph: Graph, distribution: Node, table: FileTypeTable) -> str | None:
    """The CKAN format of a distribution's ``dct:format``, or None to keep ckanext-dcat's."""
    value = graph.value(distribution, DCTERMS["format"])
    if isinstance(value, BNode):
        if (value, RDF.type, DCTERMS.IMT) in graph:
            return None
        label = graph.value(value, RDFS.label)
        return str(label) if label is not None else None
    if value is None:
        return None
    file_type = table.lookup(str(value))
    if file_type is not None:
        return file_type.format
    text = media_type_text(str(value))
    return text if text != str(value) else None
