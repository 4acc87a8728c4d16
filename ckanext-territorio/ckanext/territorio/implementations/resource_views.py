"""The views of sensor data: a time-series chart of an observations table and a stations map.

Two IResourceView plugins (a plugin has one ``info()``, so one plugin per view type), both on
by default for the resources the sensor harvesters and the stream create (``ckan.views.
default_views``), and a listener that gives a DataStore table its DataStore views as soon as
``datastore_create`` made it (core only does so from the DataPusher or XLoader, which the
portal's loads do not go through). Templates and assets come from the ``territorio`` plugin.

Why our own views and not the ecosystem's:
- ckanext-charts 1.13.5 draws a chart an editor configures once per view (fixed columns and
  filters), from at most ``limit`` rows read straight from the table with SQL, aggregating
  (daily only) in pandas on the server. An observations table is long (one row per station,
  variable and moment, millions of rows): the chart must follow the reader's station,
  variable and range, with the means computed by the database through the permission-checked
  ``territorio_readings`` action. It would also add pandas and plotly to the portal.
- ckanext-geoview 0.3.2's ``geojson_view`` shows the features of the file as they are. The
  stations map shows each station's latest reading (``territorio_latest``), coloured by
  Chile's air-quality categories and greyed when stale, which it cannot do.
Both views draw with maintained libraries from the npm registry (uPlot, Leaflet), copied with
their licences to assets/vendor by deploy/vendor-js.sh.
"""
from __future__ import annotations

import json
import logging
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.types import Context

from .. import config, current
from ..language import current_lang
from ..site import site_context

log = logging.getLogger(__name__)

# the columns of an observations table (ckanext.territorio_harvesters.store.FIELDS)
OBSERVATION_COLUMNS = frozenset({"station_id", "variable", "value", "unit", "observed_at"})
# the stations file the sensor harvesters upload (ckanext.territorio_harvesters.sensor.STATIONS_FILE)
STATIONS_FILE = "estaciones.geojson"
TIMESERIES_VIEW = "territorio_timeseries_view"
STATIONS_MAP_VIEW = "territorio_stations_map"
TABLE_TITLE = "Tabla"


def is_observations(resource: dict[str, Any]) -> bool:
    """Whether the resource is a DataStore table with the observation columns."""
    if not resource.get("datastore_active"):
        return False
    try:
        info = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource["id"]})
    except (tk.ObjectNotFound, KeyError):
        return False
    fields = info.get("fields") or []
    return {f.get("id") for f in fields} >= OBSERVATION_COLUMNS


def is_stations_file(resource: dict[str, Any]) -> bool:
    """Whether the resource is a sensor dataset's stations GeoJSON."""
    url = (resource.get("url") or "").split("?")[0]
    return (resource.get("format") or "").lower() == "geojson" and url.endswith(STATIONS_FILE)


def file_url(package: dict[str, Any], resource: dict[str, Any]) -> str | None:
    """The resource's file as a path on this portal for an upload (same origin for the page's
    script, whatever host the site was reached by), else its URL."""
    url = resource.get("url") or None
    if resource.get("url_type") == "upload" and url:
        return tk.h.url_for(
            "dataset_resource.download",
            id=package.get("name") or package["id"],
            resource_id=resource["id"],
            filename=url.rstrip("/").rsplit("/", 1)[-1],
        )
    return url


def _stations_url(package: dict[str, Any]) -> str | None:
    for resource in package.get("resources") or []:
        if is_stations_file(resource):
            return file_url(package, resource)
    return None


def _observations_id(package: dict[str, Any]) -> str | None:
    for resource in package.get("resources") or []:
        if resource.get("url_type") == "datastore" and resource.get("datastore_active"):
            return resource["id"]
    return None


def _variable_labels(lang: str) -> dict[str, str]:
    return {
        v.name: (v.label.en if lang == "en" else v.label.es) for v in current.policy().variables
    }


def as_json(data: dict[str, Any]) -> str:
    """The settings as JSON text safe inside <script type="application/json">."""
    # inside <script type="application/json">: "</" would end the element
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


class TerritorioTimeseriesView(p.SingletonPlugin):
    """Chart of an observations table: station and variable pickers, 24 h / 7 days / 30 days."""

    p.implements(p.IResourceView, inherit=True)

    def info(self) -> dict[str, Any]:
        """The view type: needs the DataStore, drawn in the page (not in an iframe)."""
        return {
            "name": TIMESERIES_VIEW,
            "title": tk._("Gráfico de series de tiempo"),
            "default_title": tk._("Gráfico"),
            "icon": "chart-line",
            "iframed": False,
            "requires_datastore": True,
            "preview_enabled": False,
            "filterable": False,
        }

    def can_view(self, data_dict: dict[str, Any]) -> bool:
        """Observations tables only (station_id, variable, value, unit, observed_at)."""
        return is_observations(data_dict["resource"])

    def setup_template_variables(self, context: Context, data_dict: dict[str, Any]) -> dict[str, Any]:
        """The chart's settings for its script, as JSON."""
        lang = current_lang()
        resource, package = data_dict["resource"], data_dict["package"]
        settings = {
            "resource_id": resource["id"],
            "dataset": package.get("name") or package["id"],
            "stations_url": _stations_url(package),
            "variables": _variable_labels(lang),
            "timezone": tk.config.get("ckan.display_timezone") or "UTC",
            "lang": lang,
        }
        return {"territorio_view_settings": as_json(settings)}

    def view_template(self, context: Context, data_dict: dict[str, Any]) -> str:
        """The chart's template."""
        return "territorio/views/timeseries.html"


class TerritorioStationsMapView(p.SingletonPlugin):
    """Map of a sensor dataset's stations: latest value, air-quality colour, grey when stale."""

    p.implements(p.IResourceView, inherit=True)

    def info(self) -> dict[str, Any]:
        """The view type: drawn in the page, from the stations file and the latest readings."""
        return {
            "name": STATIONS_MAP_VIEW,
            "title": tk._("Mapa de estaciones"),
            "default_title": tk._("Mapa de estaciones"),
            "icon": "map-marker",
            "iframed": False,
            "requires_datastore": False,
            "preview_enabled": False,
            "filterable": False,
        }

    def can_view(self, data_dict: dict[str, Any]) -> bool:
        """The stations GeoJSON of a sensor dataset."""
        return is_stations_file(data_dict["resource"])

    def setup_template_variables(self, context: Context, data_dict: dict[str, Any]) -> dict[str, Any]:
        """The map's settings for its script, as JSON."""
        return {"territorio_view_settings": as_json(map_settings(data_dict["package"], data_dict["resource"]))}

    def view_template(self, context: Context, data_dict: dict[str, Any]) -> str:
        """The map's template."""
        return "territorio/views/stations_map.html"


def map_settings(package: dict[str, Any], resource: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the stations map's script needs for ``package`` (also embedded on the dataset page)."""
    lang = current_lang()
    ranges = current.sensor_ranges()
    return {
        "dataset": package.get("name") or package["id"],
        "stations_url": file_url(package, resource) if resource else _stations_url(package),
        "observations_id": _observations_id(package),
        "variables": _variable_labels(lang),
        "air_quality": current.air_quality().as_json(lang, ranges.notations),
        "stale_hours": config.views_stale_hours(),
        "tiles_url": config.views_tiles_url(),
        "tiles_attribution": config.views_tiles_attribution(),
        "timezone": tk.config.get("ckan.display_timezone") or "UTC",
        "lang": lang,
    }


def on_datastore_created(sender: str, **kwargs: Any) -> None:
    """After ``datastore_create``, the table's DataStore default views (table, chart)."""
    result = kwargs.get("result") or {}
    resource_id = result.get("resource_id") if isinstance(result, dict) else None
    if not resource_id:
        return
    try:
        context = site_context()
        resource = tk.get_action("resource_show")(dict(context), {"id": resource_id})
        if not resource.get("datastore_active"):
            return
        package = tk.get_action("package_show")(dict(context), {"id": resource["package_id"]})
        created = tk.get_action("resource_create_default_resource_views")(
            dict(context),
            {"resource": resource, "package": package, "create_datastore_views": True},
        )
        for view in created:
            # outside a request core's title stays English; the portal speaks Spanish first
            if view["view_type"] == "datatables_view" and view.get("title") == "Table":
                tk.get_action("resource_view_update")(dict(context), dict(view, title=TABLE_TITLE))
    except Exception:
        # a missing preview must never undo or fail a load: `ckan views create` adds it later
        log.exception("No se pudieron crear las vistas del recurso %s", resource_id)


class TerritorioDefaultViews(p.SingletonPlugin):
    """DataStore default views for every table ``datastore_create`` makes."""

    p.implements(p.ISignal, inherit=True)

    def get_signal_subscriptions(self) -> dict[Any, list[Any]]:
        """Listen to ``datastore_create``."""
        return {tk.signals.action_succeeded: [{"receiver": on_datastore_created, "sender": "datastore_create"}]}
