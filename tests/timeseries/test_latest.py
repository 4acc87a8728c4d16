"""territorio_latest: the newest reading per station and variable, by dataset, territory or bbox."""
from __future__ import annotations

import datetime as dt

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action
from factories import territorial_schemas
from timeseries_helpers import HOUR, UTC, hourly, observations

from ckanext.territorio.model.station_claim import StationClaim

NOW = dt.datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
SANTIAGO_EXTENT = '{"type": "Point", "coordinates": [-70.65, -33.44]}'


def claim(station: str, name: str, lon: float, lat: float, variable: str = "pm25") -> None:
    model.Session.add(StationClaim(source_id="fuente-prueba", station_id=station, variable=variable,
                                   source_type="sinca", name=name, lon=lon, lat=lat))
    model.Session.commit()


def temuco_rows():
    return (
        hourly("temuco-1", "pm25", "µg/m³", NOW - 10 * HOUR, 10, lambda i: 10.0 + i)
        + hourly("temuco-1", "pm10", "µg/m³", NOW - 30 * HOUR, 5, lambda i: 40.0 + i)
        + hourly("temuco-2", "pm25", "µg/m³", NOW - 3 * HOUR, 2, lambda i: 70.0 + i)
    )


@pytest.fixture
def two_regions(sensor_dataset):
    """A dataset in Temuco (La Araucanía) and one in Santiago (Metropolitana), with stations."""
    claim("temuco-1", "Las Encinas", -72.60, -38.73)
    claim("temuco-2", "Padre Las Casas", -72.58, -38.76)
    claim("santiago-1", "Parque O'Higgins", -70.66, -33.46)
    temuco = sensor_dataset(temuco_rows())
    santiago = sensor_dataset(hourly("santiago-1", "pm25", "µg/m³", NOW - 2 * HOUR, 2),
                              region=["CL-RM"], comuna=["13101"], spatial=SANTIAGO_EXTENT)
    return temuco, santiago


def summary(records):
    return [(r["station"], r["variable"], r["value"], r["observed_at"]) for r in records]


def iso(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestLatest:
    pytestmark = territorial_schemas

    def test_a_datasets_newest_reading_per_series_with_its_age(self, two_regions):
        temuco, _santiago = two_regions
        records = call_action("territorio_latest", id=temuco["name"])["records"]
        assert summary(records) == [
            ("temuco-1", "pm10", 44.0, iso(NOW - 26 * HOUR)),
            ("temuco-1", "pm25", 19.0, iso(NOW - HOUR)),
            ("temuco-2", "pm25", 71.0, iso(NOW - 2 * HOUR)),
        ]
        ages = [r["age_seconds"] for r in records]
        now = dt.datetime.now(UTC)
        for record, hours in zip(records, (26, 1, 2), strict=True):
            assert hours * 3600 <= record["age_seconds"] <= (now - NOW).total_seconds() + hours * 3600 + 5
        assert ages[0] > ages[2] > ages[1]
        assert records[1]["name"] == "Las Encinas" and (records[1]["lon"], records[1]["lat"]) == (-72.60, -38.73)
        assert {r["dataset"] for r in records} == {temuco["name"]}
        assert {r["resource_id"] for r in records} == {observations(temuco)}

    def test_station_and_variable_filters(self, two_regions):
        temuco, _santiago = two_regions
        records = call_action("territorio_latest", id=temuco["id"], station="temuco-1", variable="pm25")["records"]
        assert summary(records) == [("temuco-1", "pm25", 19.0, iso(NOW - HOUR))]

    def test_a_region_gives_its_datasets_stations(self, two_regions):
        temuco, santiago = two_regions
        araucania = call_action("territorio_latest", region="CL-AR")["records"]
        assert {r["dataset"] for r in araucania} == {temuco["name"]}
        metropolitana = call_action("territorio_latest", region="13")["records"]  # the CUT number
        assert summary(metropolitana) == [("santiago-1", "pm25", 10.0 + 1 + 0.25, iso(NOW - HOUR))]
        both = call_action("territorio_latest", region=["CL-AR", "CL-RM"])["records"]
        assert len(both) == 4

    def test_a_comuna_gives_its_datasets_stations(self, two_regions):
        _temuco, santiago = two_regions
        records = call_action("territorio_latest", comuna="13101")["records"]
        assert {r["dataset"] for r in records} == {santiago["name"]}

    def test_a_bbox_keeps_the_stations_inside_it(self, two_regions):
        records = call_action("territorio_latest", bbox="-72.59,-38.80,-72.50,-38.70")["records"]
        assert summary(records) == [("temuco-2", "pm25", 71.0, iso(NOW - 2 * HOUR))]

    def test_geojson_is_a_feature_collection_of_stations_with_their_latest_values(self, two_regions):
        temuco, _santiago = two_regions
        collection = call_action("territorio_latest", id=temuco["id"], format="geojson")
        assert collection["type"] == "FeatureCollection"
        features = {f["id"]: f for f in collection["features"]}
        assert set(features) == {"temuco-1", "temuco-2"}
        encinas = features["temuco-1"]
        assert encinas["type"] == "Feature"
        assert encinas["geometry"] == {"type": "Point", "coordinates": [-72.60, -38.73]}
        assert encinas["properties"]["name"] == "Las Encinas"
        assert [(v["variable"], v["value"]) for v in encinas["properties"]["latest"]] == [("pm10", 44.0), ("pm25", 19.0)]
        assert all(v["age_seconds"] >= 3600 for v in encinas["properties"]["latest"])

    def test_a_station_without_a_known_place_has_no_geometry(self, sensor_dataset):
        dataset = sensor_dataset(hourly("sin-lugar", "pm25", "µg/m³", NOW - 2 * HOUR, 1))
        collection = call_action("territorio_latest", id=dataset["id"], format="geojson")
        (feature,) = collection["features"]
        assert feature["geometry"] is None and feature["properties"]["name"] is None

    def test_private_datasets_count_only_for_who_may_see_them(self, sensor_dataset):
        member = factories.User()
        org = factories.Organization(users=[{"name": member["name"], "capacity": "member"}])
        claim("temuco-1", "Las Encinas", -72.60, -38.73)
        private = sensor_dataset(temuco_rows(), private=True, owner_org=org["id"])
        anonymous = {"user": "", "ignore_auth": False}
        assert call_action("territorio_latest", context=anonymous, region="CL-AR")["records"] == []
        assert call_action("territorio_latest", context=dict(anonymous), bbox="-73,-39,-72,-38")["records"] == []
        with pytest.raises(tk.NotAuthorized):
            call_action("territorio_latest", context=dict(anonymous), id=private["id"])
        as_member = {"user": member["name"], "ignore_auth": False}
        assert len(call_action("territorio_latest", context=as_member, region="CL-AR")["records"]) == 3
        assert len(call_action("territorio_latest", context=dict(as_member), id=private["id"])["records"]) == 3

    @pytest.mark.parametrize(
        ("params", "key"),
        [
            ({}, "id"),
            ({"region": "CL-ZZ"}, "region"),
            ({"comuna": "99999"}, "comuna"),
            ({"bbox": "-73,-39,-72"}, "bbox"),
            ({"bbox": "-72,-39,-73,-38"}, "bbox"),
            ({"bbox": "-200,-39,-72,-38"}, "bbox"),
            ({"bbox": "a,b,c,d"}, "bbox"),
            ({"region": "CL-AR", "format": "kml"}, "format"),
            ({"region": "CL-AR", "station": [f"s{i}" for i in range(201)]}, "station"),
        ],
    )
    def test_bad_parameters_are_field_errors(self, params, key):
        with pytest.raises(tk.ValidationError) as excinfo:
            call_action("territorio_latest", **params)
        assert key in excinfo.value.error_dict

    def test_over_http_geojson_and_errors(self, app, two_regions):
        temuco, _santiago = two_regions
        ok = app.get("/api/3/action/territorio_latest", query_string={"id": temuco["name"], "format": "geojson"})
        assert ok.status_code == 200 and len(ok.json["result"]["features"]) == 2
        bad = app.get("/api/3/action/territorio_latest", query_string={"bbox": "1,2,3"})
        assert bad.status_code == 409 and "bbox" in bad.json["error"]

    def test_over_http_the_records_are_the_actions(self, app, two_regions):
        # the API's records are encoded by msgspec, not by CKAN: the same values either way
        temuco, _santiago = two_regions
        sent = app.get("/api/3/action/territorio_latest", query_string={"id": temuco["name"]}).json["result"]
        expected = call_action("territorio_latest", id=temuco["name"])["records"]
        assert len(expected) >= 2
        for record in [*sent["records"], *expected]:
            record.pop("age_seconds")  # a second may pass between the two calls
        assert sent["records"] == expected
