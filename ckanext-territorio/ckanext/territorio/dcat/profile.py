"""DCAT-AP 3 profile with the portal's framework and territories.

graph_from_dataset and parse_dataset are mirror images:

- dimension, subdimension → dcat:theme, concepts of the framework scheme; each dimension's
  EU data theme (schemas/vocab/temas_ue.yaml, por_dimension) is one more dcat:theme, left out
  again when read back
- region, comuna          → dct:spatial, one dct:Location concept each
- frequency               → dct:accrualPeriodicity, EU frequency authority URI
- personal_data           → dpv:hasData dpv:NonPersonalData / AnonymisedData / PersonalData
  (W3C Data Privacy Vocabulary)
- contact_name/_email, temporal_start/_end and spatial (GeoJSON) are DCAT-AP 3's own
  mapping (dcat:contactPoint as vcard, dct:temporal, dct:spatial with locn:geometry), the
  geometry a locn:Geometry node with GeoSPARQL literals (see geometry.py)
- resource format, mimetype → dct:format EU file-type concept, dcat:mediaType IANA IRI
  (see formats.py)
- type ``iniciativa``        → dct:type ``{framework}/tipo/iniciativa``, a concept of the
  portal's scheme of record types (``{framework}/tipos``, see skos.RECORD_TYPES). An initiative
  stays in the catalogue as a dcat:Dataset (DCAT-AP has no class for a project, and the
  catalogue keeps one list to page), told apart by this dct:type; plain datasets have none.
  Our own concept rather than the EU "dataset-type" table: that table types data (statistical,
  geospatial, code list...) and has no entry for a project; ours resolves to its page like the
  themes do. DCAT-AP 3 allows one dct:type, so it replaces any other.
"""
from __future__ import annotations

import json
import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckanext.dcat.profiles import DCAT, DCT, FOAF, LOCN, EuropeanDCATAP3Profile
from ckanext.dcat.utils import resource_uri
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.term import Node

from .. import config, current
from ..fields import decode_list
from ..policy import dcat_terms
from ..vocab import Framework
from . import formats, geometry
from .skos import RECORD_TYPES, SCHEME_TITLE, TERRITORIES_TITLE, add_labels
from .uris import FrameworkURIs

THEME_FIELDS = ("dimension", "subdimension")
PLACE_FIELDS = ("region", "comuna")

DPV = Namespace("https://w3id.org/dpv#")
# scheme ":" — a theme that is not one is text kept from a source
ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+$")
# the EU language authority table: the catalogue's languages (CKAN locales)
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
LANGUAGES = {"es": "SPA", "en": "ENG"}
PERSONAL_DATA = {
    "none": DPV.NonPersonalData,
    "anonymized": DPV.AnonymisedData,
    "personal": DPV.PersonalData,
}


class TerritorioDCATAPProfile(EuropeanDCATAP3Profile):
    """``territorio_dcat_ap``: euro_dcat_ap_3 (with its scheming support) plus our fields."""

    # --- CKAN → RDF ---------------------------------------------------------------------

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        """Add the framework's themes, places, frequency, personal data and formats to the graph."""
        super().graph_from_dataset(dataset_dict, dataset_ref)
        fw = current.framework()
        uris = FrameworkURIs()
        self._graph_record_type(dataset_dict, dataset_ref, uris)
        self._graph_themes(dataset_dict, dataset_ref, fw, uris)
        self._graph_places(dataset_dict, dataset_ref, fw, uris)
        self._graph_frequency(dataset_dict, dataset_ref)
        self._graph_personal_data(dataset_dict, dataset_ref)
        formats.graph_formats(self.g, dataset_ref, current.file_type_table())
        self._graph_upload_downloads(dataset_dict)
        # Licence and access rights as EU authority IRIs, from the data-use policy.
        dcat_terms.apply(self.g, dataset_ref, dataset_dict, current.policy())

    def _graph_record_type(
        self, dataset_dict: dict[str, Any], dataset_ref: URIRef, uris: FrameworkURIs
    ) -> None:
        """An initiative (or another record type of ours) gets its concept as dct:type."""
        slug = str(dataset_dict.get("type") or "")
        record_type = RECORD_TYPES.get(slug)
        if record_type is None:
            return
        self.g.remove((dataset_ref, DCT.type, None))
        concept = self._concept(dataset_ref, DCT.type, uris.record_type(slug), URIRef(uris.types_scheme))
        add_labels(self.g, concept, SKOS.prefLabel, record_type.label)

    def _graph_upload_downloads(self, dataset_dict: dict[str, Any]) -> None:
        """A file uploaded to the portal is itself the download: its URL is dcat:downloadURL too."""
        for resource in dataset_dict.get("resources") or []:
            url = resource.get("url")
            if resource.get("url_type") != "upload" or resource.get("download_url") or not url:
                continue
            distribution = URIRef(resource_uri(resource))
            self.g.add((distribution, DCAT.downloadURL, URIRef(url)))

    def graph_from_catalog(self, catalog_dict: dict[str, Any], catalog_ref: URIRef) -> None:
        """The catalogue record as DCAT-AP 3 wants it, and the concept schemes as taxonomies."""
        super().graph_from_catalog(catalog_dict, catalog_ref)
        self._graph_catalog_record(catalog_ref)
        uris = FrameworkURIs()
        for uri, title in (
            (uris.scheme, SCHEME_TITLE),
            (uris.territories_scheme, TERRITORIES_TITLE),
        ):
            scheme = URIRef(uri)
            self.g.add((catalog_ref, DCAT.themeTaxonomy, scheme))
            self.g.add((scheme, RDF.type, SKOS.ConceptScheme))
            add_labels(self.g, scheme, DCT.title, title)

    def _graph_catalog_record(self, catalog_ref: URIRef) -> None:
        """Languages as EU authority concepts, the homepage a foaf:Document, a publisher.

        ckanext-dcat writes ``ckan.locale_default`` as a literal and no publisher; the
        DCAT-AP 3 shapes want dct:LinguisticSystem resources and one foaf:Agent.
        """
        locales = [str(lang) for lang in self.g.objects(catalog_ref, DCT.language)]
        offered = str(tk.config.get("ckan.locales_offered") or "").split()
        self.g.remove((catalog_ref, DCT.language, None))
        for locale in dict.fromkeys(locales + offered):
            code = LANGUAGES.get(locale.split("_")[0].lower())
            if code is None:
                continue
            language = URIRef(EU_LANGUAGE + code)
            self.g.add((catalog_ref, DCT.language, language))
            self.g.add((language, RDF.type, DCT.LinguisticSystem))
        for homepage in self.g.objects(catalog_ref, FOAF.homepage):
            self.g.add((homepage, RDF.type, FOAF.Document))
        if self.g.value(catalog_ref, DCT.publisher) is None:
            self._add_agent_to_graph(
                catalog_ref, DCT.publisher, {"name": config.dcat_publisher_name()}
            )

    def _add_spatial_value_to_graph(self, spatial_ref: Node, predicate: URIRef, value: Any) -> None:
        if predicate != LOCN.geometry:
            # dcat:bbox and dcat:centroid stay literals in DCAT-AP 3
            super()._add_spatial_value_to_graph(spatial_ref, predicate, value)
            return
        # ckanext-dcat checks the value and writes its typed literals (as its
        # output_spatial_format says) on a scratch subject; they move into the geometry node
        scratch = BNode()
        super()._add_spatial_value_to_graph(scratch, predicate, value)
        literals = [o for o in self.g.objects(scratch, predicate) if isinstance(o, Literal)]
        self.g.remove((scratch, None, None))
        geometry.add_geometry(self.g, spatial_ref, literals, value)

    def _values(self, dataset_dict: dict[str, Any], field: str) -> list[str]:
        return decode_list(self._get_dataset_value(dataset_dict, field))

    def _graph_themes(
        self, dataset_dict: dict[str, Any], dataset_ref: URIRef, fw: Framework, uris: FrameworkURIs
    ) -> None:
        self._graph_other_themes(dataset_ref)
        scheme = URIRef(uris.scheme)
        for slug in self._values(dataset_dict, "dimension"):
            dimension = fw.dimension_by_slug.get(slug)
            if dimension is None:
                continue
            concept = self._concept(dataset_ref, DCAT.theme, uris.dimension(slug), scheme)
            add_labels(self.g, concept, SKOS.prefLabel, dimension.label)
            self._graph_data_themes(dataset_ref, slug)
        for slug in self._values(dataset_dict, "subdimension"):
            sub = fw.subdimension_by_slug.get(slug)
            if sub is None:
                continue
            # a former slug is exported as the concept in force
            concept = self._concept(dataset_ref, DCAT.theme, uris.subdimension(sub.slug), scheme)
            add_labels(self.g, concept, SKOS.prefLabel, sub.label)
            self.g.add((concept, SKOS.broader, URIRef(uris.dimension(sub.dimension))))

    def _graph_data_themes(self, dataset_ref: URIRef, dimension: str) -> None:
        """The dimension's EU data themes, labelled concepts of the authority table."""
        table = current.data_theme_table()
        scheme = URIRef(table.uri_base.rstrip("/"))
        for theme in table.of_dimension(dimension):
            concept = self._concept(dataset_ref, DCAT.theme, table.uri(theme.code), scheme)
            add_labels(self.g, concept, SKOS.prefLabel, theme.label)

    def _graph_other_themes(self, dataset_ref: URIRef) -> None:
        """Themes kept from a harvested source (the ``theme`` extra) as skos:Concept, as DCAT-AP 3 wants."""
        for theme in list(self.g.objects(dataset_ref, DCAT.theme)):
            if not isinstance(theme, URIRef):
                continue
            if ABSOLUTE_IRI.match(str(theme)):
                self.g.add((theme, RDF.type, SKOS.Concept))
                data_theme = current.data_theme_table().by_uri(str(theme))
                if data_theme is not None:
                    # the EU data themes' own labels (the shapes want a prefLabel)
                    add_labels(self.g, theme, SKOS.prefLabel, data_theme.label)
                continue
            # a source's theme given as text: a concept labelled with it
            self.g.remove((dataset_ref, DCAT.theme, theme))
            concept = BNode()
            self.g.add((dataset_ref, DCAT.theme, concept))
            self.g.add((concept, RDF.type, SKOS.Concept))
            self.g.add((concept, SKOS.prefLabel, Literal(str(theme))))

    def _graph_places(
        self, dataset_dict: dict[str, Any], dataset_ref: URIRef, fw: Framework, uris: FrameworkURIs
    ) -> None:
        scheme = URIRef(uris.territories_scheme)
        for code in self._values(dataset_dict, "region"):
            region = fw.region_by_iso.get(code)
            if region is None and code != fw.national.code:
                continue
            place = self._concept(dataset_ref, DCT.spatial, uris.region(code), scheme)
            self.g.add((place, RDF.type, DCT.Location))
            name = region.name if region else fw.national.name
            self.g.add((place, SKOS.prefLabel, Literal(name, lang="es")))
        for cut in self._values(dataset_dict, "comuna"):
            comuna = fw.comuna_by_cut.get(cut)
            if comuna is None:
                continue
            place = self._concept(dataset_ref, DCT.spatial, uris.comuna(cut), scheme)
            self.g.add((place, RDF.type, DCT.Location))
            self.g.add((place, SKOS.prefLabel, Literal(comuna.name, lang="es")))
            self.g.add((place, SKOS.broader, URIRef(uris.region(comuna.region))))

    def _concept(self, subject: URIRef, predicate: URIRef, uri: str, scheme: URIRef) -> URIRef:
        concept = URIRef(uri)
        self.g.add((subject, predicate, concept))
        self.g.add((concept, RDF.type, SKOS.Concept))
        self.g.add((concept, SKOS.inScheme, scheme))
        return concept

    def _graph_frequency(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        value = self._get_dataset_value(dataset_dict, "frequency")
        table = current.frequency_table()
        code = table.code_of(str(value)) if value else None
        if code is None:
            return
        # DCAT-AP wants the authority's concept, not the bare code the base profile wrote
        self.g.remove((dataset_ref, DCT.accrualPeriodicity, None))
        frequency = URIRef(table.uri(code))
        self.g.add((dataset_ref, DCT.accrualPeriodicity, frequency))
        self.g.add((frequency, RDF.type, DCT.Frequency))

    def _graph_personal_data(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        concept = PERSONAL_DATA.get(str(self._get_dataset_value(dataset_dict, "personal_data")))
        if concept is not None:
            self.g.bind("dpv", DPV)
            self.g.add((dataset_ref, DPV.hasData, concept))

    # --- RDF → CKAN ---------------------------------------------------------------------

    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> dict[str, Any]:
        """Read the framework's themes, places, frequency, personal data and formats back."""
        dataset_dict = super().parse_dataset(dataset_dict, dataset_ref)
        fw = current.framework()
        uris = FrameworkURIs()
        self._parse_record_type(dataset_dict, dataset_ref, uris)
        self._parse_themes(dataset_dict, dataset_ref, fw, uris)
        self._parse_places(dataset_dict, dataset_ref, fw, uris)
        self._parse_frequency(dataset_dict)
        self._parse_personal_data(dataset_dict, dataset_ref)
        self._parse_formats(dataset_dict, dataset_ref)
        if not self._schema_field("contact"):
            # the scheming profile adds it; our schemas keep contact_name/contact_email
            dataset_dict.pop("contact", None)
        return dataset_dict

    def _parse_record_type(
        self, dataset_dict: dict[str, Any], dataset_ref: URIRef, uris: FrameworkURIs
    ) -> None:
        """Our record-type concept as dct:type is the CKAN type back (not a ``dcat_type``)."""
        value = self.g.value(dataset_ref, DCT.type)
        concept = uris.parse(str(value)) if isinstance(value, URIRef) else None
        if concept is None or concept.kind != "tipo" or concept.value not in RECORD_TYPES:
            return
        dataset_dict["type"] = concept.value
        dataset_dict.pop("dcat_type", None)
        self._replace_extra(dataset_dict, "dcat_type", None)

    def _parse_geodata(self, spatial: Node, datatype: URIRef, cur_value: str | None) -> str | None:
        # ckanext-dcat's own reads literals only (a geometry node would raise)
        found = geometry.parse_geometry(self.g, spatial, datatype)
        return found if found is not None else cur_value

    def _parse_formats(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        """CKAN format and mimetype back from the file-type concept and IANA IRI."""
        table = current.file_type_table()
        by_ref = {str(r.get("distribution_ref")): r for r in dataset_dict.get("resources", [])}
        for distribution in self._distributions(dataset_ref):
            resource = by_ref.get(str(distribution))
            if resource is None:
                continue
            mimetype = formats.parse_media_type(self.g, distribution)
            if mimetype:
                resource["mimetype"] = mimetype
            value = formats.parse_format(self.g, distribution, table)
            if value is None:
                # no dct:format: ckanext-dcat took the media type's IANA IRI as the format
                stored = str(resource.get("format") or "")
                text = formats.media_type_text(stored)
                if text == stored:
                    continue
                value = text
            if formats.MEDIA_TYPE.fullmatch(value):
                # the CKAN name of a media type (text/csv → CSV), as ckanext-dcat does
                value = tk.h.unified_resource_format(value)
            resource["format"] = value

    def _parse_themes(
        self, dataset_dict: dict[str, Any], dataset_ref: URIRef, fw: Framework, uris: FrameworkURIs
    ) -> None:
        found: dict[str, set[str]] = {field: set() for field in THEME_FIELDS}
        others: list[str] = []
        for theme in self.g.objects(dataset_ref, DCAT.theme):
            concept = uris.parse(str(theme)) if isinstance(theme, URIRef) else None
            if concept is not None and concept.kind in found:
                found[concept.kind].add(concept.value)
            elif isinstance(theme, BNode):
                others += [str(label) for label in self.g.objects(theme, SKOS.prefLabel)]
            else:
                others.append(str(theme))
        # the EU themes the dimensions give were written by graph_from_dataset, not by the source
        table = current.data_theme_table()
        implied = {table.uri(t.code) for d in found["dimension"] for t in table.of_dimension(d)}
        others = [theme for theme in others if theme not in implied]
        self._replace_extra(dataset_dict, "theme", json.dumps(sorted(others)) if others else None)
        order = {
            "dimension": [d.slug for d in fw.dimensions],
            "subdimension": [s.slug for s in fw.subdimensions],
        }
        for field in THEME_FIELDS:
            self._set_list(dataset_dict, field, _in_order(found[field], order[field]))

    def _parse_places(
        self, dataset_dict: dict[str, Any], dataset_ref: URIRef, fw: Framework, uris: FrameworkURIs
    ) -> None:
        found: dict[str, set[str]] = {field: set() for field in PLACE_FIELDS}
        other_uri = other_text = None
        for place in self.g.objects(dataset_ref, DCT.spatial):
            concept = uris.parse(str(place)) if isinstance(place, URIRef) else None
            if concept is not None and concept.kind in found:
                found[concept.kind].add(concept.value)
                continue
            if isinstance(place, URIRef):
                other_uri = str(place)
            elif isinstance(place, Literal):
                other_text = str(place)
            for label in self.g.objects(place, SKOS.prefLabel):
                other_text = str(label)
        # the base profile read our territories as the dataset's single spatial_uri/_text
        self._replace_extra(dataset_dict, "spatial_uri", other_uri)
        self._replace_extra(dataset_dict, "spatial_text", other_text)
        region_order = [fw.national.code] + [r.iso for r in fw.regions]
        self._set_list(dataset_dict, "region", _in_order(found["region"], region_order))
        self._set_list(dataset_dict, "comuna", sorted(found["comuna"]))

    def _parse_frequency(self, dataset_dict: dict[str, Any]) -> None:
        value = self._get_dataset_value(dataset_dict, "frequency")
        code = current.frequency_table().code_of(str(value)) if value else None
        if code is None:
            return
        self._set_value(dataset_dict, "frequency", code)

    def _parse_personal_data(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        values = {concept: value for value, concept in PERSONAL_DATA.items()}
        found = [values[o] for o in self.g.objects(dataset_ref, DPV.hasData) if o in values]
        if not found:
            return
        # the most protective reading when a source declares several
        value = next(v for v in ("personal", "anonymized", "none") if v in found)
        self._set_value(dataset_dict, "personal_data", value)

    def _set_value(self, dataset_dict: dict[str, Any], field: str, value: str) -> None:
        if self._schema_field(field):
            dataset_dict[field] = value
        else:
            self._replace_extra(dataset_dict, field, value)

    def _set_list(self, dataset_dict: dict[str, Any], field: str, values: list[str]) -> None:
        if not values:
            return
        if self._schema_field(field):
            dataset_dict[field] = values
        else:
            self._replace_extra(dataset_dict, field, json.dumps(values))

    @staticmethod
    def _replace_extra(dataset_dict: dict[str, Any], key: str, value: str | None) -> None:
        extras = [e for e in dataset_dict.get("extras", []) if e["key"] != key]
        if value is not None:
            extras.append({"key": key, "value": value})
        dataset_dict["extras"] = extras


def _in_order(values: set[str], order: list[str]) -> list[str]:
    """`values` in vocabulary order; unknown ones (kept for the validators to reject) last."""
    known = [v for v in order if v in values]
    return known + sorted(values - set(known))
