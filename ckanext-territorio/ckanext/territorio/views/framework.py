"""The framework's SKOS concepts: /framework.<format> (every scheme) and one address per
concept (/framework/dimension/<slug>, /framework/region/<iso> ...), an HTML page for browsers
and RDF by the Accept header or an extension (.ttl, .rdf, .jsonld, .nt)."""
from __future__ import annotations

import threading
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from .. import current
from ..dcat.skos import concept_graph, framework_graph
from ..dcat.uris import FrameworkURIs
from ..language import current_lang
from .errors import handle_errors
from .negotiation import FORMATS, rdf_format, vary_on_accept

framework = handle_errors(Blueprint("territorio_framework", __name__))

_lock = threading.Lock()
_built: dict[str, Any] = {}


def _scheme_graph() -> Graph:
    """The schemes' graph, built again only when the framework, its EU themes or the base change."""
    fw, themes, uris = current.framework(), current.data_theme_table(), FrameworkURIs()
    key = (id(fw), id(themes), uris.base)
    with _lock:
        if _built.get("key") != key:
            _built.update(key=key, graph=framework_graph(fw, uris, themes))
        graph: Graph = _built["graph"]
    return graph


def _rdf(graph: Graph, fmt: str) -> Response:
    serializer, media_type = FORMATS[fmt]
    return vary_on_accept(Response(graph.serialize(format=serializer), mimetype=media_type))


@framework.route("/framework.<fmt>")
def concept_scheme(fmt: str) -> Response:
    """Dimensions, sub-dimensions, regions, comunas and record types as SKOS, in that syntax."""
    if fmt not in FORMATS:
        return tk.abort(404, tk._("Formato no disponible: {fmt}").format(fmt=fmt))
    return _rdf(_scheme_graph(), fmt)


@framework.route("/framework", strict_slashes=False)
@framework.route("/framework/<path:path>")
def concept(path: str = "") -> Response | str:
    """One concept or scheme: its page, or its RDF when asked for by Accept or extension."""
    stem, dot, ext = path.rpartition(".")
    fmt = ext if dot and ext in FORMATS else None
    if fmt is not None:
        path = stem
    uris = FrameworkURIs()
    subject = URIRef(f"{uris.base}/{path}" if path else uris.base)
    graph = concept_graph(_scheme_graph(), subject)
    if graph is None:
        raise tk.ObjectNotFound(
            tk._("El marco no tiene el concepto «{uri}».").format(uri=str(subject))
        )
    fmt = fmt or rdf_format()
    if fmt is not None:
        # the framework's own address stands for every scheme, as /framework.<format>
        return _rdf(graph if path else _scheme_graph(), fmt)
    page = tk.render("territorio/concept.html", {"concept": _page(graph, subject, path, uris)})
    return vary_on_accept(Response(page, mimetype="text/html"))


def _text(graph: Graph, subject: URIRef, predicate: URIRef, lang: str) -> str:
    """The literal in the page's language, else the Spanish one, else any."""
    values = [v for v in graph.objects(subject, predicate) if isinstance(v, Literal)]
    for wanted in (lang[:2], "es", None):
        for value in values:
            if wanted is None or value.language == wanted:
                return str(value)
    return ""


def _link(graph: Graph, uri: Any, lang: str, uris: FrameworkURIs) -> dict[str, str]:
    """A related resource: its label and where to read it (our concepts: this portal's page)."""
    label = _text(graph, uri, SKOS.prefLabel, lang) or _text(graph, uri, DCTERMS.title, lang)
    text = str(uri)
    url = text
    if text == uris.base:
        url = tk.url_for("territorio_framework.concept")
    elif text.startswith(uris.base + "/"):
        url = tk.url_for("territorio_framework.concept", path=text[len(uris.base) + 1 :])
    return {"uri": text, "url": url, "label": label or text}


def _portal_links(kind: str, value: str) -> list[dict[str, str]]:
    """The portal's own pages and searches for the concept."""
    if kind in ("dimension", "subdimension", "region", "comuna"):
        links = [{
            "label": tk._("Conjuntos de datos"),
            "url": tk.url_for("dataset.search", **{kind: value}),
        }, {
            "label": tk._("Iniciativas"),
            "url": tk.url_for("iniciativa.search", **{kind: value}),
        }]
        if kind == "dimension":
            links.insert(0, {"label": tk._("Página de la dimensión"),
                             "url": tk.url_for("territorio_dimension.read", slug=value)})
        if kind == "region" and value != current.framework().national.code:
            links.insert(0, {"label": tk._("Página de la región"),
                             "url": tk.url_for("territorio_region.read", iso=value)})
        return links
    if kind == "tipo":
        return [{"label": tk._("Iniciativas"), "url": tk.url_for(f"{value}.search")}]
    return []


def _kind_label(kind: str, value: str) -> str:
    if kind == "region":
        return tk._("País") if value == current.framework().national.code else tk._("Región")
    return {
        "dimension": tk._("Dimensión del plan"),
        "subdimension": tk._("Subdimensión del plan"),
        "comuna": tk._("Comuna"),
        "tipo": tk._("Tipo de registro"),
    }.get(kind, "")


def _page(graph: Graph, subject: URIRef, path: str, uris: FrameworkURIs) -> dict[str, Any]:
    """What the concept page shows, read from the same graph its RDF is."""
    lang = current_lang()
    parsed = uris.parse(str(subject))
    kind, value = (parsed.kind, parsed.value) if parsed else ("", "")
    is_scheme = (subject, RDF.type, SKOS.ConceptScheme) in graph
    kind_label = tk._("Esquema de conceptos") if is_scheme else _kind_label(kind, value)
    notes = [
        _text(graph, subject, predicate, lang)
        for predicate in (SKOS.definition, SKOS.scopeNote, SKOS.historyNote)
    ]

    def links(predicate: URIRef) -> list[dict[str, str]]:
        return sorted(
            (_link(graph, o, lang, uris) for o in graph.objects(subject, predicate)),
            key=lambda link: link["label"],
        )

    rdf_base = tk.url_for("territorio_framework.concept", path=path) if path else tk.url_for(
        "territorio_framework.concept"
    )
    return {
        "uri": str(subject),
        "label": _text(graph, subject, SKOS.prefLabel, lang) or _text(graph, subject, DCTERMS.title, lang),
        "kind": kind_label,
        "notes": [note for note in notes if note],
        "notation": _text(graph, subject, SKOS.notation, lang),
        "alt_labels": sorted(str(v) for v in graph.objects(subject, SKOS.altLabel)),
        "broader": links(SKOS.broader),
        "narrower": links(SKOS.narrower) + links(SKOS.hasTopConcept),
        "schemes": links(SKOS.inScheme),
        "eu_themes": links(SKOS.closeMatch),
        "portal": _portal_links(kind, value),
        "rdf": [
            {"ext": ext, "media_type": media_type, "url": f"{rdf_base.rstrip('/')}.{ext}"}
            for ext, (_, media_type) in FORMATS.items()
        ],
    }
