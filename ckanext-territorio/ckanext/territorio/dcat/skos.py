"""The framework, the territories and the portal's record types as SKOS concept schemes."""
from __future__ import annotations

from typing import NamedTuple

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from ..vocab import Dimension, Framework, LocalizedText, Provenance
from ..vocab.data_theme import DataThemeTable
from .uris import FrameworkURIs

SCHEME_TITLE = LocalizedText(
    es="Marco del Plan Territorio Inteligente: dimensiones y subdimensiones",
    en="Smart Territory plan framework: dimensions and sub-dimensions",
)
TERRITORIES_TITLE = LocalizedText(
    es="Territorios de Chile: país, regiones y comunas",
    en="Territories of Chile: country, regions and comunas",
)

TYPES_TITLE = LocalizedText(
    es="Tipos de registro del portal Territorio Inteligente",
    en="Record types of the Smart Territory portal",
)
# the dataset type (CKAN ``type``) of the initiatives
INITIATIVE = "iniciativa"


class RecordType(NamedTuple):
    """A record type of the portal that is not a plain dataset: its label and definition."""

    label: LocalizedText
    definition: LocalizedText


# CKAN dataset type → its concept; the catalogue gives these records this dct:type
RECORD_TYPES = {
    INITIATIVE: RecordType(
        LocalizedText(es="Iniciativa de territorio inteligente", en="Smart territory initiative"),
        LocalizedText(
            es=(
                "Un proyecto, programa o servicio de territorio inteligente de una región o "
                "comuna (su estado, quién lo lidera, sus dimensiones del plan), no un conjunto "
                "de datos: no tiene distribuciones; los conjuntos que produce o usa se publican "
                "aparte."
            ),
            en=(
                "A smart territory project, programme or service of a region or comuna (its "
                "status, who leads it, its plan dimensions), not a dataset: it has no "
                "distributions; the datasets it produces or uses are published on their own."
            ),
        ),
    ),
}


def labels(text: LocalizedText) -> list[Literal]:
    """A text as language-tagged literals (Spanish always, English when there is one)."""
    out = [Literal(text.es, lang="es")]
    if text.en:
        out.append(Literal(text.en, lang="en"))
    return out


def add_labels(graph: Graph, subject: URIRef, predicate: URIRef, text: LocalizedText) -> None:
    """Add the text as one literal per language to ``subject``."""
    for literal in labels(text):
        graph.add((subject, predicate, literal))


def provenance_note(provenance: Provenance) -> LocalizedText:
    """The sub-dimension's provenance as a scope note: plan (the plan's words), inferred, no basis."""
    quote = f" «{provenance.quote}»" if provenance.quote else ""
    note = f" {provenance.note}" if provenance.note else ""
    if provenance.kind == "plan":
        return LocalizedText(es=f"Procedencia: el plan.{quote}", en=f"Provenance: the plan.{quote}")
    if provenance.kind == "inferida":
        return LocalizedText(
            es=f"Procedencia: inferida del plan.{quote}{note}",
            en=f"Provenance: inferred from the plan.{quote}",
        )
    return LocalizedText(
        es=f"Procedencia: sin base en el plan.{note}",
        en="Provenance: no basis in the plan; kept for data already tagged with it.",
    )


def framework_graph(
    fw: Framework, uris: FrameworkURIs, data_themes: DataThemeTable | None = None
) -> Graph:
    """The concept schemes, every concept with its labels, notation and hierarchy; with the
    EU data-theme table, each dimension's EU themes as skos:closeMatch."""
    graph = Graph()
    graph.bind("skos", SKOS)
    graph.bind("dct", DCTERMS)
    _add_framework(graph, fw, uris)
    _add_territories(graph, fw, uris)
    add_record_types(graph, uris)
    if data_themes is not None:
        _add_data_themes(graph, fw, uris, data_themes)
    return graph


def _add_data_themes(
    graph: Graph, fw: Framework, uris: FrameworkURIs, table: DataThemeTable
) -> None:
    # closeMatch, not exactMatch: a dimension of the plan and an EU theme overlap, they
    # are not the same concept (movilidad is wider than TRAN's transport)
    for dimension in fw.dimensions:
        for theme in table.of_dimension(dimension.slug):
            eu = URIRef(table.uri(theme.code))
            graph.add((URIRef(uris.dimension(dimension.slug)), SKOS.closeMatch, eu))
            graph.add((eu, RDF.type, SKOS.Concept))
            add_labels(graph, eu, SKOS.prefLabel, theme.label)


def concept_graph(scheme_graph: Graph, subject: URIRef) -> Graph | None:
    """What ``scheme_graph`` says of one concept (or scheme), with the labels and types of the
    resources it names; None when it says nothing of it."""
    graph = Graph()
    for prefix, namespace in scheme_graph.namespaces():
        graph.bind(prefix, namespace)
    for triple in scheme_graph.triples((subject, None, None)):
        graph.add(triple)
    if not len(graph):
        return None
    for related in set(graph.objects(subject, None)):
        if not isinstance(related, URIRef):
            continue
        for predicate in (RDF.type, SKOS.prefLabel, DCTERMS.title):
            for value in scheme_graph.objects(related, predicate):
                graph.add((related, predicate, value))
    return graph


def add_record_types(graph: Graph, uris: FrameworkURIs) -> None:
    """The scheme of record types and its concepts (one per entry of RECORD_TYPES)."""
    scheme = URIRef(uris.types_scheme)
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    add_labels(graph, scheme, DCTERMS.title, TYPES_TITLE)
    add_labels(graph, scheme, SKOS.prefLabel, TYPES_TITLE)
    for slug, record_type in RECORD_TYPES.items():
        concept = URIRef(uris.record_type(slug))
        graph.add((scheme, SKOS.hasTopConcept, concept))
        graph.add((concept, RDF.type, SKOS.Concept))
        graph.add((concept, SKOS.inScheme, scheme))
        graph.add((concept, SKOS.topConceptOf, scheme))
        graph.add((concept, SKOS.notation, Literal(slug)))
        add_labels(graph, concept, SKOS.prefLabel, record_type.label)
        add_labels(graph, concept, SKOS.definition, record_type.definition)


def _add_framework(graph: Graph, fw: Framework, uris: FrameworkURIs) -> None:
    scheme = URIRef(uris.scheme)
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    add_labels(graph, scheme, DCTERMS.title, SCHEME_TITLE)
    add_labels(graph, scheme, SKOS.prefLabel, SCHEME_TITLE)
    for dimension in fw.dimensions:
        _add_dimension(graph, scheme, dimension, uris)


def _add_dimension(
    graph: Graph, scheme: URIRef, dimension: Dimension, uris: FrameworkURIs
) -> None:
    concept = URIRef(uris.dimension(dimension.slug))
    graph.add((scheme, SKOS.hasTopConcept, concept))
    graph.add((concept, RDF.type, SKOS.Concept))
    graph.add((concept, SKOS.inScheme, scheme))
    graph.add((concept, SKOS.topConceptOf, scheme))
    graph.add((concept, SKOS.notation, Literal(dimension.slug)))
    add_labels(graph, concept, SKOS.prefLabel, dimension.label)
    add_labels(graph, concept, SKOS.definition, dimension.description)
    for sub in dimension.subdimensions:
        narrower = URIRef(uris.subdimension(sub.slug))
        graph.add((concept, SKOS.narrower, narrower))
        graph.add((narrower, RDF.type, SKOS.Concept))
        graph.add((narrower, SKOS.inScheme, scheme))
        graph.add((narrower, SKOS.broader, concept))
        graph.add((narrower, SKOS.notation, Literal(sub.slug)))
        add_labels(graph, narrower, SKOS.prefLabel, sub.label)
        add_labels(graph, narrower, SKOS.scopeNote, provenance_note(sub.provenance))
        for alias in sub.aliases:
            note = LocalizedText(
                es=f"Antes «{alias.slug}», en la dimensión {alias.dimension}.",
                en=f"Formerly «{alias.slug}», under the dimension {alias.dimension}.",
            )
            add_labels(graph, narrower, SKOS.historyNote, note)
            graph.add((narrower, SKOS.hiddenLabel, Literal(alias.slug)))


def _add_territories(graph: Graph, fw: Framework, uris: FrameworkURIs) -> None:
    scheme = URIRef(uris.territories_scheme)
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    add_labels(graph, scheme, DCTERMS.title, TERRITORIES_TITLE)
    add_labels(graph, scheme, SKOS.prefLabel, TERRITORIES_TITLE)
    country = _place(graph, scheme, uris.region(fw.national.code), fw.national.name,
                     fw.national.code)
    graph.add((scheme, SKOS.hasTopConcept, country))
    graph.add((country, SKOS.topConceptOf, scheme))
    for region in fw.regions:
        concept = _place(graph, scheme, uris.region(region.iso), region.name, region.iso)
        graph.add((concept, SKOS.altLabel, Literal(region.official_name, lang="es")))
        graph.add((concept, SKOS.broader, country))
        graph.add((country, SKOS.narrower, concept))
    for comuna in fw.comunas:
        concept = _place(graph, scheme, uris.comuna(comuna.cut), comuna.name, comuna.cut)
        region_concept = URIRef(uris.region(comuna.region))
        graph.add((concept, SKOS.broader, region_concept))
        graph.add((region_concept, SKOS.narrower, concept))


def _place(graph: Graph, scheme: URIRef, uri: str, name: str, notation: str) -> URIRef:
    concept = URIRef(uri)
    graph.add((concept, RDF.type, SKOS.Concept))
    graph.add((concept, RDF.type, DCTERMS.Location))
    graph.add((concept, SKOS.inScheme, scheme))
    graph.add((concept, SKOS.prefLabel, Literal(name, lang="es")))
    graph.add((concept, SKOS.notation, Literal(notation)))
    return concept
