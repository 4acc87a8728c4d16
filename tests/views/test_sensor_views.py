"""The views of sensor data: which resources get them by default, what their pages carry, and
the air-quality categories file they colour the map with."""
from __future__ import annotations

import io
import json
from pathlib import Path

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas
from views_html import soup_of
from werkzeug.datastructures import FileStorage

from ckanext.territorio import current
from ckanext.territorio.datafiles import DataFileError
from ckanext.territorio.policy.document import policy
from ckanext.territorio.quality.air_quality import load_air_quality
from ckanext.territorio_harvesters import store

REPO = Path(__file__).resolve().parents[2]
VIEWS = "territorio_timeseries_view datatables_view territorio_stations_map"
PLUGINS = f"territorio_search territorio activity scheming_datasets spatial_metadata spatial_query harvest datastore {VIEWS}"
STATIONS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature", "id": "est-1",
            "geometry": {"type": "Point", "coordinates": [-72.59, -38.74]},
            "properties": {"id": "est-1", "nombre": "Las Encinas", "variables": ["pm25"]},
        }
    ],
}

with_views = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("ckan.views.default_views", VIEWS),
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "with_request_context"),
]


def sensor_dataset() -> dict:
    """A sensor dataset as the harvesters make it: readings table and stations file."""
    sysadmin = factories.Sysadmin()
    context = {"user": sysadmin["name"]}
    dataset = TerritorialDataset(
        resources=[{"name": "Mediciones", "url": "_datastore_only_resource", "url_type": "datastore", "format": "CSV"}]
    )
    readings = dataset["resources"][0]
    store.ensure_table(readings["id"], context)
    upload = FileStorage(io.BytesIO(json.dumps(STATIONS).encode()), "estaciones.geojson", content_type="application/geo+json")
    call_action("resource_create", context=dict(context), package_id=dataset["id"], name="Estaciones", format="GeoJSON", upload=upload)
    return call_action("package_show", id=dataset["id"])


def view_types(resource_id: str) -> list[str]:
    return [v["view_type"] for v in call_action("resource_view_list", id=resource_id)]


@pytest.mark.usefixtures("clean_index")
class TestDefaultViews:
    pytestmark = with_views

    def test_observations_table_gets_the_chart_then_the_table(self):
        dataset = sensor_dataset()
        readings, stations = dataset["resources"]
        assert view_types(readings["id"]) == ["territorio_timeseries_view", "datatables_view"]
        assert view_types(stations["id"]) == ["territorio_stations_map"]

    def test_other_datastore_table_gets_only_the_table(self):
        dataset = TerritorialDataset(resources=[{"url": "http://datos.temuco.example/a.csv", "format": "CSV"}])
        resource_id = dataset["resources"][0]["id"]
        assert view_types(resource_id) == []
        call_action(
            "datastore_create",
            context={"user": factories.Sysadmin()["name"]},
            resource_id=resource_id,
            force=True,
            fields=[{"id": "comuna", "type": "text"}, {"id": "total", "type": "int"}],
            records=[{"comuna": "Temuco", "total": 3}],
        )
        assert view_types(resource_id) == ["datatables_view"]

    def test_other_geojson_gets_no_stations_map(self):
        dataset = TerritorialDataset(
            resources=[{"url": "http://datos.temuco.example/ciclovias.geojson", "format": "GeoJSON"}]
        )
        assert view_types(dataset["resources"][0]["id"]) == []

    def test_chart_page_carries_its_settings_and_pickers(self, app):
        dataset = sensor_dataset()
        readings = dataset["resources"][0]
        page = app.get(tk.url_for("dataset_resource.read", id=dataset["name"], resource_id=readings["id"]))
        soup = soup_of(page.body)
        view = soup.select_one("[data-module=territorio-timeseries]")
        settings = json.loads(view.select_one("script.territorio-view-config").string)
        assert settings["resource_id"] == readings["id"]
        assert settings["dataset"] == dataset["name"]
        stations = dataset["resources"][1]
        assert settings["stations_url"] == f"/dataset/{dataset['name']}/resource/{stations['id']}/download/estaciones.geojson"
        assert settings["variables"]["pm25"] == "Material particulado fino MP2,5"
        assert settings["timezone"] == tk.config["ckan.display_timezone"]
        labels = [label.get_text(strip=True) for label in view.select("label")]
        assert labels == ["Estación", "Variable"]
        assert [b.get_text(strip=True) for b in view.select("[data-preset]")] == ["24 h", "7 días", "30 días"]
        assert "Todavía no existen vistas" not in page.body
        # the libraries come from the portal itself, never from a CDN
        scripts = [s.get("src", "") for s in soup.select("script[src]")]
        assert any("timeseries" in s for s in scripts)
        assert all(s.startswith("/") for s in scripts), scripts

    def test_map_page_carries_the_categories_and_stale_hours(self, app):
        dataset = sensor_dataset()
        stations = dataset["resources"][1]
        page = app.get(tk.url_for("dataset_resource.read", id=dataset["name"], resource_id=stations["id"]))
        view = soup_of(page.body).select_one("[data-module=territorio-stations-map]")
        settings = json.loads(view.select_one("script.territorio-view-config").string)
        assert settings["stations_url"] == f"/dataset/{dataset['name']}/resource/{stations['id']}/download/estaciones.geojson"
        assert settings["stale_hours"] == 3
        pm25 = settings["air_quality"]["indices"]["pm25"]
        assert pm25["levels"] == [["bueno", 0], ["regular", 51], ["alerta", 80], ["preemergencia", 110], ["emergencia", 170]]
        assert {"ug/m3", "µg/m³"} <= set(pm25["units"])
        assert "Decreto Supremo N° 12 de 2011 del Ministerio del Medio Ambiente" in pm25["source"]
        assert [c["label"] for c in settings["air_quality"]["categories"]] == [
            "Bueno", "Regular", "Alerta", "Preemergencia", "Emergencia"
        ]

    def test_sensor_dataset_page_embeds_the_stations_map(self, app):
        dataset = sensor_dataset()
        other = TerritorialDataset()
        soup = soup_of(app.get(tk.url_for("dataset.read", id=dataset["name"])).body)
        block = soup.select_one(".territorio-dataset-map")
        assert block.select_one("h2").get_text(strip=True) == "Mapa de estaciones"
        settings = json.loads(block.select_one("[data-module=territorio-stations-map] script.territorio-view-config").string)
        assert settings["dataset"] == dataset["name"]
        assert settings["observations_id"] == dataset["resources"][0]["id"]
        assert soup_of(app.get(tk.url_for("dataset.read", id=other["name"])).body).select_one(".territorio-dataset-map") is None

    @pytest.mark.ckan_config("ckanext.territorio.views.stale_hours", "6")
    @pytest.mark.ckan_config("ckanext.territorio.views.tiles_url", "")
    def test_map_settings_follow_the_config(self, app):
        dataset = sensor_dataset()
        stations = dataset["resources"][1]
        page = app.get(tk.url_for("dataset_resource.read", id=dataset["name"], resource_id=stations["id"]))
        view = soup_of(page.body).select_one("[data-module=territorio-stations-map]")
        settings = json.loads(view.select_one("script.territorio-view-config").string)
        assert (settings["stale_hours"], settings["tiles_url"]) == (6, "")


# --- the categories file (plain Python) -------------------------------------------------------


def test_pm25_and_pm10_categories_follow_the_norms():
    air = current.air_quality()
    pm25, pm10 = air.indices["pm25"], air.indices["pm10"]
    assert [pm25.category(v) for v in (0, 50, 50.4, 51, 79, 80, 109, 110, 169, 170, 900)] == [
        "bueno", "bueno", "bueno", "regular", "regular", "alerta", "alerta",
        "preemergencia", "preemergencia", "emergencia", "emergencia",
    ]
    assert [pm10.category(v) for v in (149, 150, 194, 195, 239, 240, 329, 330)] == [
        "bueno", "regular", "regular", "alerta", "alerta", "preemergencia", "preemergencia", "emergencia",
    ]
    assert "Decreto Supremo N° 12 de 2011" in air.sources[pm25.source].citation
    assert "Decreto Supremo N° 59 de 1998" in air.sources[pm10.source].citation


def test_levels_out_of_order_are_refused_with_file_and_line(tmp_path):
    text = (REPO / "schemas" / "air_quality.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "air_quality.yaml"
    bad.write_text(text.replace("alerta: 80,", "alerta: 40,"), encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_air_quality(bad, policy(REPO / "schemas" / "policy.yaml"))
    line = next(i for i, row in enumerate(bad.read_text().splitlines(), 1) if "alerta: 40" in row)
    assert caught.value.line == line
    assert "crecer" in caught.value.message


def test_a_variable_outside_the_policy_is_refused(tmp_path):
    text = (REPO / "schemas" / "air_quality.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "air_quality.yaml"
    bad.write_text(text.replace("  pm10:\n    unidad", "  pm99:\n    unidad"), encoding="utf-8")
    with pytest.raises(DataFileError, match="'pm99' no es una variable"):
        load_air_quality(bad, policy(REPO / "schemas" / "policy.yaml"))
