"""DCAT-AP conformance of a dataset's RDF: pySHACL against the shapes shipped in schemas/shacl/."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SH

from .document import Policy
from .report import Findings

RULE = "dcat.shacl"
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")


def _axioms() -> Graph:
    """The vCard subclass axioms the shapes rely on (contact points are vcard:Kind)."""
    graph = Graph()
    for kind in (VCARD.Organization, VCARD.Individual, VCARD.Group, VCARD.Location):
        graph.add((kind, RDFS.subClassOf, VCARD.Kind))
    return graph


@functools.lru_cache(maxsize=2)
def shapes(path: Path) -> Graph:
    """The shapes graph, parsed once per file."""
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


def shapes_path(policy: Policy) -> Path:
    """The path of the SHACL shapes file the policy names."""
    return policy.resolve(policy.rule(RULE).params["formas"])


def _text(graph: Graph, node: Any, predicate: URIRef) -> str:
    value = graph.value(node, predicate)
    if value is None:
        return ""
    if isinstance(value, Literal):
        return str(value)
    return graph.namespace_manager.normalizeUri(value) if isinstance(value, URIRef) else str(value)


def validate(data: Graph, policy: Policy, findings: Findings | None = None) -> Findings:
    """Every SHACL violation of `data` as a finding (focus node, path, message)."""
    from pyshacl import validate as shacl_validate

    findings = findings if findings is not None else Findings(policy)
    if not policy.rule(RULE).enabled:
        return findings
    findings.checked(RULE)
    ignored = tuple(policy.rule(RULE).params["ignorar"])
    conforms, results, _ = shacl_validate(
        data,
        shacl_graph=shapes(shapes_path(policy)),
        ont_graph=_axioms(),
        # RDFS entailment: every node is an rdfs:Resource, as the shapes' class checks expect
        inference="rdfs",
        abort_on_first=False,
        allow_warnings=True,
    )
    if conforms:
        return findings
    for result in results.subjects(RDF.type, SH.ValidationResult):
        if results.value(result, SH.resultSeverity) != SH.Violation:
            continue
        source = str(results.value(result, SH.sourceShape) or "")
        if any(name in source for name in ignored):
            continue
        focus = _text(results, result, SH.focusNode)
        path = _text(results, result, SH.resultPath)
        message = _text(results, result, SH.resultMessage)
        findings.add(RULE, "violation", field=path or None, value=f"{focus} {path}: {message}")
    return findings
