"""The harvester plugins (ckan.plugins entry points territorio_openaq, territorio_sensorthings,
territorio_ngsi_ld, territorio_sinca): a source type each, over SensorHarvester."""
from __future__ import annotations

from typing import Any

from ckanext.territorio import current
from ckanext.territorio.vocab.harvest_mapping import HarvestMapping

from .http import Client
from .ngsild import DEFAULT_TYPES, SMART_DATA_MODELS_CONTEXT, NGSILDAdapter
from .openaq import DEFAULT_PARAMETERS as OPENAQ_PARAMETERS
from .openaq import OpenAQAdapter
from .records import Adapter
from .sensor import SensorHarvester
from .sensorthings import SensorThingsAdapter
from .sinca import DEFAULT_PARAMETERS as SINCA_PARAMETERS
from .sinca import SincaAdapter


def N_(text: str) -> str:
    """A text for the catalogue (pybabel -k N_), translated where it is shown (info())."""
    return text


class OpenAQHarvester(SensorHarvester):
    """Source type ``openaq``: OpenAQ API v3 locations, sensors and measurements."""

    source_type = "openaq"
    title = "OpenAQ (API v3)"
    description = N_("Calidad del aire de OpenAQ: ubicaciones de un país o caja, sus sensores y mediciones.")

    def request_headers(self, settings: dict[str, Any]) -> dict[str, str]:
        """The OpenAQ API key as ``X-API-Key``, when configured."""
        return {"X-API-Key": settings["api_key"]} if settings.get("api_key") else {}

    def adapter(self, url: str, settings: dict[str, Any], client: Client, hm: HarvestMapping) -> Adapter:
        """An OpenAQ adapter for a country (Chile by default) or a bounding box."""
        return OpenAQAdapter(
            root=url,
            client=client,
            mapping=hm,
            iso=settings.get("iso") or (None if settings.get("bbox") else "CL"),
            bbox=settings.get("bbox"),
            parameters=tuple(settings.get("parameters") or OPENAQ_PARAMETERS),
            page_size=int(settings.get("page_size") or self.default_page_size),
        )


class SensorThingsHarvester(SensorHarvester):
    """Source type ``sensorthings``: any OGC SensorThings API 1.1 service."""

    source_type = "sensorthings"
    title = "OGC SensorThings API 1.1"
    description = N_("Cualquier servicio SensorThings 1.1: Things, Datastreams y Observations.")

    def request_headers(self, settings: dict[str, Any]) -> dict[str, str]:
        """The API key as a bearer token, when configured."""
        return {"Authorization": f"Bearer {settings['api_key']}"} if settings.get("api_key") else {}

    def adapter(self, url: str, settings: dict[str, Any], client: Client, hm: HarvestMapping) -> Adapter:
        """A SensorThings adapter with the configured Things filter and properties."""
        return SensorThingsAdapter(
            root=url,
            client=client,
            mapping=hm,
            page_size=int(settings.get("page_size") or self.default_page_size),
            things_filter=settings.get("things_filter"),
            observed_properties=tuple(settings.get("observed_properties") or ()),
        )


class NGSILDHarvester(SensorHarvester):
    """Source type ``ngsi-ld``: a FIWARE NGSI-LD context broker."""

    source_type = "ngsi-ld"
    title = "FIWARE NGSI-LD"
    description = N_("Un context broker NGSI-LD: AirQualityObserved, TrafficFlowObserved, WasteContainer.")
    default_overlap_hours = 0

    def request_headers(self, settings: dict[str, Any]) -> dict[str, str]:
        """The API key as a bearer token, when configured."""
        return {"Authorization": f"Bearer {settings['api_key']}"} if settings.get("api_key") else {}

    def adapter(self, url: str, settings: dict[str, Any], client: Client, hm: HarvestMapping) -> Adapter:
        """An NGSI-LD adapter for the configured entity types, context and tenant."""
        return NGSILDAdapter(
            root=url,
            client=client,
            mapping=hm,
            entity_types=tuple(settings.get("entity_types") or DEFAULT_TYPES),
            context=settings.get("context", SMART_DATA_MODELS_CONTEXT),
            tenant=settings.get("tenant"),
            temporal=settings.get("temporal", "auto"),
            page_size=int(settings.get("page_size") or self.default_page_size),
        )


class SincaHarvester(SensorHarvester):
    """Source type ``sinca``: the national air quality network's stations and hourly series."""

    source_type = "sinca"
    title = "SINCA (Ministerio del Medio Ambiente)"
    description = N_("Red nacional de calidad del aire: listado de estaciones y series horarias de Airviro.")
    # SINCA validates preliminary values days later: re-read the last three days
    default_overlap_hours = 72

    def adapter(self, url: str, settings: dict[str, Any], client: Client, hm: HarvestMapping) -> Adapter:
        """A SINCA adapter for the configured stations or regions (as SINCA's prefixes)."""
        fw = current.framework()
        prefixes = []
        for iso in settings.get("region") or []:
            region = fw.region_by_iso.get(iso)
            if region is not None:
                prefixes.append("RM" if region.roman == "RM" else f"R{region.roman}")
        return SincaAdapter(
            root=url,
            client=client,
            mapping=hm,
            stations=tuple(settings.get("stations") or ()),
            regions=tuple(prefixes),
            parameters=tuple(settings.get("parameters") or SINCA_PARAMETERS),
            utc_offset=settings.get("utc_offset", "-04:00"),
            export_url=settings.get("export_url"),
        )
