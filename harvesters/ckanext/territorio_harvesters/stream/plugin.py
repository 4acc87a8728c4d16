"""The ``territorio_mqtt`` plugin: harvest source type ``mqtt``, consumed by ``ckan territorio stream run``.

A source is created like any other (``harvest_source_create`` with ``source_type: "mqtt"``
and ``url: "mqtt://host:port"``); its JSON config takes ``topics`` (MQTT topic filters),
``format`` (``sensorthings``, ``ngsi-ld`` or ``json``, see ``messages``), ``username`` and
``password`` (a secret: stored apart, write-only) and the territorial defaults of every
sensor source (``region`` required). The stream consumer subscribes to it; a harvest job of
this type only rebuilds the datasets from the stations and series already seen.
"""
from __future__ import annotations

from typing import Any, ClassVar

import ckan.plugins as p
import ckan.plugins.toolkit as tk
import click
from ckan.types import Action, Context, DataDict

from ckanext.territorio.interfaces import ITerritorioCommands
from ckanext.territorio.vocab.harvest_mapping import HarvestMapping

from .. import source_config
from ..http import Client
from ..records import Catalog, Station, Stream
from ..sensor import SensorHarvester
from . import broker
from .catalogs import SOURCE_TYPE, SeenAdapter, known_catalog


def model_package(package_id: str) -> Any:
    """The core Package row of an id (the harvest source's dataset), or None."""
    from ckan import model

    return model.Package.get(package_id)


def _checked(data_dict: DataDict) -> None:
    """ValidationError (409) with field keys for a bad broker address or config."""
    problems: dict[str, list[str]] = {}
    try:
        broker.resolve(str(data_dict.get("url") or ""))
    except broker.BrokerError as exc:
        problems["url"] = [str(exc)]
    try:
        source_config.parse(data_dict.get("config"), MQTTHarvester.mqtt_schema())
    except source_config.ConfigError as exc:
        problems["config"] = [str(exc)]
        problems.update({f"config.{key}": messages for key, messages in exc.fields.items()})
    if problems:
        raise tk.ValidationError(problems)


def _is_mqtt(data_dict: DataDict) -> bool:
    if data_dict.get("source_type"):
        return data_dict.get("source_type") == SOURCE_TYPE
    from ckanext.harvest.model import HarvestSource

    source = HarvestSource.get(str(data_dict.get("id") or ""))
    return source is not None and source.type == SOURCE_TYPE


@tk.chained_action
def harvest_source_create(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """ckanext-harvest's harvest_source_create; an ``mqtt`` source's broker and config checked first."""
    tk.check_access("harvest_source_create", context, data_dict)
    if _is_mqtt(data_dict):
        _checked(data_dict)
    return up_func(context, data_dict)


@tk.chained_action
def harvest_source_update(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """ckanext-harvest's harvest_source_update; an ``mqtt`` source's broker and config checked first."""
    tk.check_access("harvest_source_update", context, data_dict)
    if _is_mqtt(data_dict):
        _checked(data_dict)
    return up_func(context, data_dict)


class MQTTHarvester(SensorHarvester):
    """Source type ``mqtt``: readings pushed to an MQTT broker, consumed continuously."""

    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)
    p.implements(ITerritorioCommands)

    source_type: ClassVar[str] = SOURCE_TYPE
    title: ClassVar[str] = "MQTT (ingesta en continuo)"
    description: ClassVar[str] = (
        "Mediciones publicadas en un broker MQTT (SensorThings MQTT, entidades NGSI-LD o JSON simple), "
        "leídas en continuo por `ckan territorio stream run`."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen: dict[str, Catalog] = {}

    @staticmethod
    def mqtt_schema() -> dict[str, Any]:
        """The navl schema of an mqtt source's config."""
        return {**source_config.sensor_schema(), **source_config.SENSOR_SCHEMAS[SOURCE_TYPE]}

    def schema(self) -> dict[str, Any]:
        """The navl schema of this source type's config."""
        return self.mqtt_schema()

    def settings(self, config_text: str | None, source_id: str | None = None) -> dict[str, Any]:
        """The validated config and secrets, with the source id for ``adapter``."""
        return {**super().settings(config_text, source_id), "_source_id": source_id}

    def adapter(self, url: str, settings: dict[str, Any], client: Client, hm: HarvestMapping) -> SeenAdapter:  # type: ignore[override]
        """The catalogue seen so far: the stored one, plus what the consumer just saw."""
        source_id = settings.get("_source_id")
        if source_id and source_id in self._seen:
            return SeenAdapter(self._seen[source_id])
        return SeenAdapter(known_catalog(source_id) if source_id else Catalog())

    def seen(self, source_id: str, catalog: Catalog | None) -> None:
        """Set (or clear, with None) the catalogue the next gather of ``source_id`` uses."""
        if catalog is None:
            self._seen.pop(source_id, None)
        else:
            self._seen[source_id] = catalog

    def _dataset_fields(self, obj: Any, family: Any, settings: dict[str, Any], station_list: list[Station],
                        stream_list: list[Stream]) -> dict[str, Any]:
        """The sensor dataset's fields; its ``url`` is the source's page (a broker is no web page)."""
        fields = super()._dataset_fields(obj, family, settings, station_list, stream_list)
        source_package = obj.source and model_package(obj.source.id)
        site = str(tk.config.get("ckan.site_url") or "").rstrip("/")
        fields["url"] = f"{site}/harvest/{source_package.name if source_package else obj.source.id}"
        return fields

    # IActions

    def get_actions(self) -> dict[str, Action]:
        """harvest_source_create and _update, chained: mqtt addresses and configs checked."""
        from .notify import territorio_ngsild_notify_secret

        return {
            "harvest_source_create": harvest_source_create,
            "harvest_source_update": harvest_source_update,
            "territorio_ngsild_notify_secret": territorio_ngsild_notify_secret,
        }

    # IAuthFunctions

    def get_auth_functions(self) -> dict[str, Any]:
        """Who may create an NGSI-LD source's notification secret (its editors)."""
        from .notify import territorio_ngsild_notify_secret_auth

        return {"territorio_ngsild_notify_secret": territorio_ngsild_notify_secret_auth}

    # IBlueprint

    def get_blueprint(self) -> Any:
        """``POST /api/territorio/ngsi-ld/notify/<source>`` (NGSI-LD notifications)."""
        from .notify_view import blueprint

        return blueprint

    # ITerritorioCommands

    def territorio_commands(self) -> list[click.Command]:
        """``ckan territorio stream ...``."""
        from .cli import stream

        return [stream]
