"""The policy's licence and access-right IRIs in a dataset's DCAT graph (EU vocabularies).

CKAN keeps its own licence ids (cc-by ...) and the access-right codes (PUBLIC ...) so API
clients that know CKAN keep working; DCAT-AP wants the EU authority IRIs. The DCAT profile
calls :func:`apply` at the end of ``graph_from_dataset``.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from .document import Policy
from .metadata import access_right_iri, license_iri

DCAT = Namespace("http://www.w3.org/ns/dcat#")


def apply(graph: Graph, dataset_ref: URIRef, dataset: Mapping[str, Any], policy: Policy) -> None:
    """Licence on every distribution and the dataset's access rights, as EU IRIs."""
    licence = license_iri(str(dataset.get("license_id") or ""), policy)
    if licence:
        document = URIRef(licence)
        for distribution in graph.objects(dataset_ref, DCAT.distribution):
            for old in list(graph.objects(distribution, DCTERMS.license)):
                graph.remove((distribution, DCTERMS.license, old))
            graph.add((distribution, DCTERMS.license, document))
        graph.add((document, RDF.type, DCTERMS.LicenseDocument))
    access = access_right_iri(dataset.get("access_rights"), policy)
    if access:
        for old in list(graph.objects(dataset_ref, DCTERMS.accessRights)):
            graph.remove((dataset_ref, DCTERMS.accessRights, old))
            if isinstance(old, BNode):
                graph.remove((old, None, None))
        statement = URIRef(access)
        graph.add((dataset_ref, DCTERMS.accessRights, statement))
        graph.add((statement, RDF.type, DCTERMS.RightsStatement))
