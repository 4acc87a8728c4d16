"""Content negotiation between a page's HTML and its RDF: one rule for every page that has both.

The client gets RDF only when its Accept header prefers an RDF media type to text/html; a
browser (``text/html, ..., */*;q=0.8``), a missing header or ``*/*`` get the page.
"""
from __future__ import annotations

from flask import Response, request

# extension → (rdflib serializer, media type)
FORMATS = {
    "ttl": ("turtle", "text/turtle"),
    "rdf": ("pretty-xml", "application/rdf+xml"),
    "jsonld": ("json-ld", "application/ld+json"),
    "nt": ("nt", "application/n-triples"),
}
HTML = "text/html"
_BY_MEDIA_TYPE = {media_type: ext for ext, (_, media_type) in FORMATS.items()}


def rdf_format() -> str | None:
    """The extension of the RDF syntax the request asks for by its Accept header, or None."""
    offered = [HTML, *_BY_MEDIA_TYPE]
    best = request.accept_mimetypes.best_match(offered) if request.accept_mimetypes else None
    return _BY_MEDIA_TYPE.get(best or HTML)


def vary_on_accept(response: Response) -> Response:
    """The response depends on the Accept header: caches must keep one copy per value."""
    response.vary.add("Accept")
    return response
