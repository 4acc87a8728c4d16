"""The harvester of sensor networks: one dataset per source and variable family, readings in
one DataStore table per dataset.

Stages (ckanext-harvest):
- gather: read the source's catalogue (stations and series) once; one harvest object per
  variable family, guid ``<family>``, content = stations + series (JSON, sorted) and its
  SHA-256 in the ``content_hash`` extra. A source that cannot be read, or lists nothing,
  creates no objects and withdraws nothing.
- fetch: nothing to fetch separately (readings are streamed during import).
- import: create or update the dataset when the content hash changed (stations GeoJSON
  resource and spatial extent included), make sure the observations table exists, then
  for every series read the pages newer than its watermark (the latest stored reading,
  minus ``overlap_hours``) and load them with COPY in batches. The harvest object records
  rows inserted and revised (extras) and every series that failed (object errors with
  the position). Stations and series that disappear from the source withdraw nothing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any, ClassVar

import ckan.plugins as p
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from ckanext.harvest.harvesters.base import HarvesterBase
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra
from werkzeug.datastructures import FileStorage

from ckanext.territorio import current
from ckanext.territorio.vocab.harvest_mapping import Family, HarvestMapping

from . import claims, config, pipeline, source_config, sources, stations, store
from .cli import HarvestCommands
from .errors import RunDeadlineExceeded, SourceError
from .http import Client
from .liveness import Heartbeat, gather_kept_alive, import_kept_alive
from .objects import job_guids, object_extra
from .records import Adapter, Catalog, Station, Stream
from .sources import client_for

log = logging.getLogger(__name__)

STATIONS_FILE = "estaciones.geojson"
DATASTORE_URL = "_datastore_only_resource"
MAX_OBJECT_ERRORS = 25


@dataclass
class LoadOutcome:
    """What an import's load did: readings inserted, revised, skipped; series, errors, cap."""

    inserted: int = 0
    revised: int = 0
    duplicates: int = 0
    skipped: int = 0
    series: int = 0
    errors: list[str] = field(default_factory=list)
    stopped: str | None = None  # the run cap that stopped the load, if any


class SensorHarvester(HarvestCommands, HarvesterBase):
    """Base of the sensor harvester plugins; subclasses name the type and build the adapter."""

    p.implements(p.IConfigurable, inherit=True)

    source_type: ClassVar[str] = ""
    title: ClassVar[str] = ""
    description: ClassVar[str] = ""
    default_overlap_hours: ClassVar[int] = 2
    default_page_size: ClassVar[int] = 1000

    # --- what a subclass provides ---------------------------------------------------------

    def adapter(self, url: str, settings: dict[str, Any], client: Client, hm: HarvestMapping) -> Adapter:
        """The adapter that reads this source type's catalogue and readings."""
        raise NotImplementedError

    def request_headers(self, settings: dict[str, Any]) -> dict[str, str]:
        """The HTTP headers the source needs (none by default)."""
        return {}

    # --- IConfigurable ---------------------------------------------------------------------

    def configure(self, config: Any) -> None:
        """Load the harvest mapping at start-up, so a bad file stops CKAN."""
        current.harvest_mapping()  # a bad schemas/harvest.yaml stops start-up with its file and line

    # --- IHarvester ------------------------------------------------------------------------

    def info(self) -> dict[str, str]:
        """The source type's name, title and description for the harvest source form."""
        return {
            "name": self.source_type,
            "title": self.title,
            "description": tk._(self.description),  # marked N_ in plugins.py
            "form_config_interface": "Text",
        }

    def schema(self) -> dict[str, Any]:
        """The navl schema of this source type's config: the sensor keys and its own."""
        return {**source_config.sensor_schema(), **source_config.SENSOR_SCHEMAS[self.source_type]}

    def settings(self, config_text: str | None, source_id: str | None = None) -> dict[str, Any]:
        """The source's validated config and stored secrets (ValueError with every problem)."""
        return source_config.with_secrets(source_config.parse(config_text, self.schema()), source_id)

    def validate_config(self, config: str | None) -> str:
        """Check the source's config and return it (``{}`` when empty)."""
        self.settings(config)  # ValueError with every problem, shown on the source form
        return config or "{}"

    @gather_kept_alive
    def gather_stage(self, harvest_job: Any) -> list[str] | None:
        """Read the source's catalogue and save one harvest object per family of series."""
        try:
            settings = self.settings(harvest_job.source.config, harvest_job.source.id)
            with client_for(settings, self.request_headers(settings)) as client:
                catalog = self.adapter(harvest_job.source.url, settings, client, current.harvest_mapping()).catalog()
        except ValueError as exc:
            self._save_gather_error(f"Configuración inválida: {exc}", harvest_job)
            return None
        except SourceError as exc:
            self._save_gather_error(
                f"No se pudo leer el catálogo de la fuente: {exc}. No se retiró nada.", harvest_job
            )
            return None
        except Exception as exc:  # a consumer must never die on a source
            log.exception("gather %s", harvest_job.id)
            self._save_gather_error(f"Error inesperado al leer la fuente: {exc!r}", harvest_job)
            return None
        if not catalog.streams:
            self._save_gather_error(
                "La fuente no publicó estaciones con series reconocibles; no se retiró nada."
                + (f" Notas: {'; '.join(catalog.notes[:5])}" if catalog.notes else ""),
                harvest_job,
            )
            return None
        try:
            return self._objects_for(harvest_job, catalog, settings)
        except Exception as exc:
            log.exception("gather %s", harvest_job.id)
            model.Session.rollback()
            self._save_gather_error(f"Error inesperado al preparar los objetos: {exc!r}", harvest_job)
            return None

    def _objects_for(self, harvest_job: Any, catalog: Catalog, settings: dict[str, Any]) -> list[str]:
        source = harvest_job.source
        settlement = claims.settle(
            model.Session,
            source.id,
            self.source_type,
            catalog.stations,
            catalog.streams,
            float(settings.get("match_meters", stations.DEFAULT_MATCH_METERS)),
        )
        streams, notes = settlement.kept, settlement.notes
        all_stations = stations.with_same_as(catalog.stations, settlement.same_as)
        by_family: dict[str, list[Stream]] = {}
        for stream in streams:
            by_family.setdefault(stream.family, []).append(stream)
        existing = {
            obj.guid: obj
            for obj in model.Session.query(HarvestObject).filter(HarvestObject.harvest_job_id == harvest_job.id)
        }
        ids: list[str] = []
        config_digest = hashlib.sha256((source.config or "").encode()).hexdigest()
        for family, family_streams in sorted(by_family.items()):
            station_ids = {s.station_id for s in family_streams}
            content = {
                "family": family,
                "source_type": self.source_type,
                "source_url": source.url,
                "config": config_digest,
                "stations": sorted(
                    (s.as_dict() for s in all_stations if s.id in station_ids), key=lambda s: s["id"]
                ),
                "streams": sorted((s.as_dict() for s in family_streams), key=lambda s: s["key"]),
                "notes": sorted(catalog.notes + notes)[:200],
            }
            text = json.dumps(content, sort_keys=True, ensure_ascii=False)
            digest = hashlib.sha256(text.encode()).hexdigest()
            obj = existing.get(family)  # a gather repeated after a crash reuses its objects
            if obj is None:
                obj = HarvestObject(
                    guid=family,
                    job=harvest_job,
                    content=text,
                    extras=[HarvestObjectExtra(key="content_hash", value=digest)],
                )
                obj.save()
            ids.append(obj.id)
        return ids

    def fetch_stage(self, harvest_object: Any) -> bool:
        """Nothing to fetch: the catalogue came with the gather and readings come in the import."""
        return True

    @import_kept_alive
    def import_stage(self, harvest_object: Any) -> bool | str:
        """Create or update the family's dataset and load its series' new readings."""
        try:
            return self._import(harvest_object)
        except Exception as exc:  # never a crashed consumer
            log.exception("import %s", harvest_object.id)
            model.Session.rollback()
            self._save_object_error(f"Error inesperado: {exc!r}", harvest_object, "Import")
            return False

    # --- import ----------------------------------------------------------------------------

    def _import(self, obj: Any) -> bool | str:
        heartbeat = Heartbeat.fetch(obj.id)
        heartbeat.beat(force=True)
        content = json.loads(obj.content or "{}")
        hm = current.harvest_mapping()
        family = hm.families.get(content.get("family", ""))
        if family is None:
            self._save_object_error(f"Familia desconocida: {content.get('family')!r}", obj, "Import")
            return False
        settings = self.settings(obj.source.config, obj.source.id)
        previous = (
            model.Session.query(HarvestObject)
            .filter(HarvestObject.harvest_source_id == obj.harvest_source_id)
            .filter(HarvestObject.guid == obj.guid)
            .filter(HarvestObject.current == sa.true())
            .filter(HarvestObject.id != obj.id)
            .first()
        )
        package_id = obj.package_id or (previous.package_id if previous else None)
        package = model.Package.get(package_id) if package_id else None
        if package is not None and package.state == "deleted":
            self._save_object_error(
                "El conjunto de datos de esta fuente fue eliminado en el portal; la cosecha no lo "
                "recrea (restáurelo o borre la fuente).",
                obj,
                "Import",
            )
            return False
        # a source of higher precedence may have taken some series over since the gather
        stream_list, same_as = claims.confirm(
            model.Session, obj.harvest_source_id, [Stream.from_dict(s) for s in content.get("streams", [])]
        )
        station_list = stations.with_same_as([Station.from_dict(s) for s in content.get("stations", [])], same_as)
        if not stream_list and package is None:
            log.info("%s %s: otra fuente publica todas sus series; no se crea el conjunto", self.source_type, obj.guid)
            return "unchanged"
        changed = True
        if package is None:
            package_id = self._create_dataset(obj, previous, family, settings, station_list, stream_list)
        else:
            changed = previous is None or object_extra(previous, "content_hash") != object_extra(obj, "content_hash")
            if changed:
                self._update_dataset(package.id, family, settings, obj, station_list, stream_list)
            self._make_current(obj, previous, package.id)
        heartbeat.beat()
        resource_id = self._observations_resource(package_id)
        if resource_id is None:
            self._save_object_error("El conjunto no tiene el recurso de mediciones", obj, "Import")
            return False
        store.ensure_table(resource_id, self._context())
        outcome = self._load(obj, settings, stream_list, resource_id, heartbeat)
        self._record(obj, outcome)
        if outcome.errors and not (outcome.inserted or outcome.revised):
            return False
        return True if (changed or outcome.inserted or outcome.revised) else "unchanged"

    def _context(self) -> dict[str, Any]:
        return {"user": self._get_user_name(), "ignore_auth": True, "model": model, "session": model.Session}

    @staticmethod
    def _link(obj: Any, previous: Any, package_id: str) -> None:
        """The object becomes the dataset's current one (``previous`` no longer is)."""
        if previous is not None:
            previous.current = False
            previous.add()
        obj.package_id = package_id
        obj.current = True
        obj.add()

    def _make_current(self, obj: Any, previous: Any, package_id: str) -> None:
        self._link(obj, previous, package_id)
        model.Session.commit()

    def _dataset_fields(
        self, obj: Any, family: Family, settings: dict[str, Any], station_list: list[Station], stream_list: list[Stream]
    ) -> dict[str, Any]:
        source = obj.source
        fw = current.framework()
        regions = settings["region"]
        dims = settings.get("dimension") or list(family.dimension)
        subs = settings.get("subdimension") or [
            s for s in family.subdimension if fw.subdimension_by_slug[s].dimension in dims
        ]
        title = settings.get("title") or f"{family.title.es} — {source.title or source.url}"
        if settings.get("title") and len({f for f in job_guids(obj)}) > 1:
            title = f"{settings['title']} — {family.title.es}"
        variables = sorted({s.variable for s in stream_list})
        units = {s.variable: s.unit for s in stream_list}
        extent = stations.extent(station_list)
        notes = settings.get("notes") or (
            f"{family.description.es}\n\nCosechado automáticamente de {source.url} "
            f"({self.title}): {len(station_list)} estaciones, variables {', '.join(variables)}. "
            "Las mediciones están en el recurso «Mediciones» (DataStore, API y descarga CSV), una "
            "fila por estación, variable y momento (observed_at, con zona horaria)."
        )
        tags = list(dict.fromkeys([*family.tags, *variables, *(settings.get("tags") or [])]))
        fields: dict[str, Any] = {
            "title": title[:200],
            "notes": notes,
            "dimension": dims,
            "subdimension": subs,
            "region": regions,
            "comuna": settings.get("comuna") or [],
            "frequency": settings.get("frequency") or family.frequency,
            "personal_data": "none",
            "tags": [{"name": t[:100]} for t in tags],
            "url": source.url,
        }
        if extent is not None:
            fields["spatial"] = json.dumps(extent)
        for key in ("license_id", "contact_name", "contact_email"):
            if settings.get(key):
                fields[key] = settings[key]
        fields["_resources"] = {
            "observations": {
                "name": "Mediciones",
                "description": (
                    "Una fila por estación, variable y momento: station_id, variable, value, unit, "
                    "observed_at (timestamptz, fin del periodo promediado) y extras de la fuente."
                ),
                "format": "CSV",
                "variable": ", ".join(variables),
                "unit": "; ".join(f"{v}={units[v]}" for v in variables),
            },
            "stations": {
                "name": "Estaciones",
                "description": "Estaciones de medición (GeoJSON, WGS 84) con las variables de cada una.",
                "format": "GeoJSON",
            },
        }
        return fields

    def _stations_upload(self, station_list: list[Station], stream_list: list[Stream]) -> FileStorage:
        payload = json.dumps(stations.feature_collection(station_list, stream_list), ensure_ascii=False)
        return FileStorage(
            stream=io.BytesIO(payload.encode("utf-8")),
            filename=STATIONS_FILE,
            content_type="application/geo+json",
        )

    def _create_dataset(
        self, obj: Any, previous: Any, family: Family, settings: dict[str, Any],
        station_list: list[Station], stream_list: list[Stream],
    ) -> str:
        fields = self._dataset_fields(obj, family, settings, station_list, stream_list)
        resources = fields.pop("_resources")
        source_package = model.Package.get(obj.harvest_source_id)
        package_id = str(uuid.uuid4())
        package = dict(fields)
        package.update(
            {
                "id": package_id,
                "name": self._gen_new_name(fields["title"]),
                "owner_org": source_package.owner_org if source_package else None,
                "resources": [
                    dict(resources["observations"], url=DATASTORE_URL, url_type="datastore"),
                ],
            }
        )
        # link first, as ckanext-harvest does: the policy recognises harvested datasets by it
        self._link(obj, previous, package_id)
        model.Session.execute(sa.text("SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED"))
        model.Session.flush()
        context = self._context()
        tk.get_action("package_create")(dict(context), package)
        tk.get_action("resource_create")(
            dict(context),
            dict(resources["stations"], package_id=package_id, upload=self._stations_upload(station_list, stream_list)),
        )
        model.Session.commit()
        return package_id

    def _update_dataset(
        self, package_id: str, family: Family, settings: dict[str, Any], obj: Any,
        station_list: list[Station], stream_list: list[Stream],
    ) -> None:
        context = self._context()
        current = tk.get_action("package_show")(dict(context, for_update=True), {"id": package_id})
        fields = self._dataset_fields(obj, family, settings, station_list, stream_list)
        resources = fields.pop("_resources")
        current.update(fields)
        updated_resources = []
        for resource in current.get("resources", []):
            if resource.get("url_type") == "datastore":
                resource.update(resources["observations"])
                resource["url"] = DATASTORE_URL
            elif resource.get("url_type") == "upload" and resource.get("format", "").lower() == "geojson":
                resource.update(resources["stations"])
                resource["upload"] = self._stations_upload(station_list, stream_list)
            updated_resources.append(resource)
        current["resources"] = updated_resources
        tk.get_action("package_update")(dict(context), current)

    def _observations_resource(self, package_id: str | None) -> str | None:
        if not package_id:
            return None
        row = (
            model.Session.query(model.Resource.id)
            .filter(model.Resource.package_id == package_id)
            .filter(model.Resource.state == "active")
            .filter(model.Resource.url_type == "datastore")
            .order_by(model.Resource.position)
            .first()
        )
        return row[0] if row else None

    # --- readings --------------------------------------------------------------------------

    def _load(
        self, obj: Any, settings: dict[str, Any], stream_list: list[Stream], resource_id: str, heartbeat: Heartbeat
    ) -> LoadOutcome:
        outcome = LoadOutcome()
        overlap = dt.timedelta(hours=int(settings.get("overlap_hours", self.default_overlap_hours)))
        first_start = sources.first_start(settings)
        batch_rows = config.batch_rows()
        hm = current.harvest_mapping()
        table_rows = store.ObservationTable(resource_id, commit_rows=batch_rows)
        with client_for(settings, self.request_headers(settings)) as client, table_rows as table:
            adapter = self.adapter(obj.source.url, settings, client, hm)
            plan = [(s, table.watermark(s.station_id, s.variable)) for s in stream_list]
            outcome.series = len(plan)
            failed: set[str] = set()
            reader = pipeline.Background(
                lambda cancelled: pipeline.read_series(adapter, plan, overlap, first_start, batch_rows, cancelled)
            )
            try:
                for item in reader:
                    heartbeat.beat()
                    if isinstance(item, pipeline.Stopped):
                        outcome.stopped = str(item.error)
                        if isinstance(item.error, RunDeadlineExceeded):  # what was read stays loaded
                            outcome.errors.append(f"La carga de lecturas se detuvo: {item.error}")
                        break
                    if isinstance(item, pipeline.StreamFailed):
                        outcome.errors.append(_series_error(item.stream, item.error))
                        continue
                    if isinstance(item, pipeline.Batch) and item.stream.key not in failed:
                        self._write(table, item, outcome, failed)
            finally:
                reader.close()
        return outcome

    def _write(self, table: store.ObservationTable, batch: pipeline.Batch, outcome: LoadOutcome, failed: set[str]) -> None:
        outcome.skipped += batch.skipped
        for message in batch.rejected:
            if len(outcome.errors) < MAX_OBJECT_ERRORS:
                outcome.errors.append(f"Serie {batch.stream.key}: valor rechazado en {message}")
        try:
            for text, count, is_old in ((batch.old_text, batch.old_count, True), (batch.fresh_text, batch.fresh_count, False)):
                result = table.load_encoded(text, count, overlap=is_old)
                outcome.inserted += result.inserted
                outcome.revised += result.revised
                outcome.duplicates += result.duplicates
        except store.LoadError as exc:
            # later batches of this series are skipped: loading them would move the watermark
            # past the rows that failed, and the next run would never read those again
            failed.add(batch.stream.key)
            outcome.errors.append(_series_error(batch.stream, exc))

    def _record(self, obj: Any, outcome: LoadOutcome) -> None:
        for key, value in (
            ("rows_inserted", outcome.inserted),
            ("rows_revised", outcome.revised),
            ("rows_rejected", outcome.skipped),
            ("series", outcome.series),
        ):
            obj.extras.append(HarvestObjectExtra(key=key, value=str(value)))
        if outcome.stopped:
            obj.extras.append(HarvestObjectExtra(key="stopped", value=outcome.stopped))
        obj.add()
        model.Session.commit()
        for message in outcome.errors[:MAX_OBJECT_ERRORS]:
            self._save_object_error(message, obj, "Import")
        if len(outcome.errors) > MAX_OBJECT_ERRORS:
            self._save_object_error(f"… y {len(outcome.errors) - MAX_OBJECT_ERRORS} errores más", obj, "Import")
        log.info(
            "%s %s: %d filas nuevas, %d revisadas, %d series, %d errores",
            self.source_type, obj.guid, outcome.inserted, outcome.revised, outcome.series, len(outcome.errors),
        )


def _series_error(stream: Stream, error: Exception) -> str:
    return f"Serie {stream.key} ({stream.station_id}, {stream.variable}): {error}"
