"""The framework's SKOS concept schemes as RDF (/framework.ttl, .rdf, .jsonld)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from .. import current
from ..dcat.skos import framework_graph
from ..dcat.uris import FrameworkURIs

# extension → (rdflib serializer, media type)
FORMATS = {
    "ttl": ("turtle", "text/turtle"),
    "rdf": ("pretty-xml", "application/rdf+xml"),
    "jsonld": ("json-ld", "application/ld+json"),
    "nt": ("nt", "application/n-triples"),
}

framework = Blueprint("territorio_framework", __name__)


@framework.route("/framework.<fmt>")
def concept_scheme(fmt: str) -> Response:
    """Dimensions, sub-dimensions, regions and comunas as SKOS, in the requested syntax."""
    if fmt not in FORMATS:
        return tk.abort(404, tk._("Formato no disponible: {fmt}").format(fmt=fmt))
    serializer, media_type = FORMATS[fmt]
    graph = framework_graph(current.framework(), FrameworkURIs())
    body = graph.serialize(format=serializer)
    return Response(body, mimetype=media_type)
