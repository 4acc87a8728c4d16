"""The datasets of an MQTT source, made by the sensor harvester's own gather and import.

When messages name a station or a series the source's datasets do not have yet, the
consumer runs one harvest job of the ``mqtt`` type with the catalogue seen so far: the
gather settles the station claims and makes one object per variable family, the import
creates or updates the family's dataset (stations GeoJSON, extent, framework tags) and its
observations table. So pushed readings land in datasets built exactly like harvested ones.
``routes`` then says which observations table each (station, variable) goes to.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from ckan import model
from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestSource

from ..records import Catalog, Station, Stream
from .catalogs import known_catalog, merged

log = logging.getLogger(__name__)


class SyncError(Exception):
    """The source's datasets could not be made; the messages wait in the broker."""


@dataclass
class SourceCatalog:
    """What the consumer knows of one source: its stations, and the table of each series."""

    stations: dict[str, Station] = field(default_factory=dict)
    routes: dict[tuple[str, str], str] = field(default_factory=dict)  # (station, variable) → resource id
    streams: set[tuple[str, str]] = field(default_factory=set)  # every series in its catalogue

    def is_new(self, stations: dict[str, Station], streams: dict[tuple[str, str], Stream]) -> bool:
        """Whether a message names a series or a station (or a position) not in the datasets."""
        if any(key not in self.streams for key in streams):
            return True
        for station in stations.values():
            known = self.stations.get(station.id)
            if known is None or (station.lat is not None and (known.lat, known.lon) != (station.lat, station.lon)):
                return True
        return False


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)  # ckanext-harvest stores naive UTC


class Publisher:
    """Makes and finds the datasets of MQTT sources through the ``mqtt`` harvester."""

    def __init__(self, harvester: Any) -> None:
        """``harvester``: the ``territorio_mqtt`` plugin (its gather, import and ``seen``)."""
        self.harvester = harvester

    def load(self, source_id: str) -> SourceCatalog:
        """The source's catalogue and routes as stored."""
        known = known_catalog(source_id)
        result = SourceCatalog(stations={s.id: s for s in known.stations})
        result.streams = {(s.station_id, s.variable) for s in known.streams}
        result.routes = self._routes(source_id)
        model.Session.commit()
        return result

    def _routes(self, source_id: str) -> dict[tuple[str, str], str]:
        routes: dict[tuple[str, str], str] = {}
        objects = (
            model.Session.query(HarvestObject)
            .filter(HarvestObject.harvest_source_id == source_id)
            .filter(HarvestObject.current.is_(True))
        )
        for obj in objects:
            package = model.Package.get(obj.package_id) if obj.package_id else None
            if package is None or package.state != "active":
                continue
            resource_id = self.harvester._observations_resource(package.id)
            if resource_id is None:
                continue
            for item in json.loads(obj.content or "{}").get("streams", []):
                routes[(str(item["station_id"]), str(item["variable"]))] = resource_id
        return routes

    def sync(
        self, source_id: str, stations: dict[str, Station], streams: dict[tuple[str, str], Stream]
    ) -> SourceCatalog:
        """Add what the messages named to the source's datasets (one harvest job); the new catalogue."""
        source = HarvestSource.get(source_id)
        if source is None or not source.active:
            raise SyncError("la fuente ya no existe o está inactiva")
        catalog: Catalog = merged(known_catalog(source_id), stations, {s.key: s for s in streams.values()})
        job = HarvestJob(source=source, status="Running")
        job.gather_started = _now()
        job.save()
        self.harvester.seen(source_id, catalog)
        try:
            ids = self.harvester.gather_stage(job)
            job.gather_finished = _now()
            job.save()
            if ids is None:
                raise SyncError("la preparación de los conjuntos falló (vea los errores del trabajo de cosecha)")
            failed = 0
            for object_id in ids:
                obj = HarvestObject.get(object_id)
                obj.import_started = _now()
                obj.state = "IMPORT"
                obj.save()
                outcome = self.harvester.import_stage(obj)
                obj = HarvestObject.get(object_id)
                obj.import_finished = _now()
                obj.state = "ERROR" if outcome is False else "COMPLETE"
                obj.save()
                failed += outcome is False
            if failed:
                raise SyncError(f"{failed} conjuntos no se pudieron crear o actualizar (vea el trabajo de cosecha)")
        except SyncError:
            raise
        except Exception as exc:
            log.exception("mqtt %s: sincronización de conjuntos", source_id)
            model.Session.rollback()
            raise SyncError(f"error inesperado al crear los conjuntos: {exc!r}") from exc
        finally:
            self.harvester.seen(source_id, None)
            self._finish(job.id)
        return self.load(source_id)

    @staticmethod
    def _finish(job_id: str) -> None:
        job = HarvestJob.get(job_id)
        if job is not None:
            job.status = "Finished"
            job.finished = _now()
            job.save()
        model.Session.commit()
