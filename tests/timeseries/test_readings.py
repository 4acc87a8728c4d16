"""territorio_readings: ranges, filters, aggregates, pages, CSV and errors, on a real DataStore."""
from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from collections import defaultdict
from zoneinfo import ZoneInfo

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas
from timeseries_helpers import HOUR, UTC, hourly, load, observations

from ckanext.territorio.timeseries import readings

START = dt.datetime(2024, 6, 1, 0, 0, tzinfo=UTC)
SANTIAGO = ZoneInfo("America/Santiago")
STATIONS = ("padre-las-casas", "temuco-1", "temuco-2")


def pm10(i: int) -> float:
    return 30.0 + i % 11


def sample_rows():
    rows = []
    for station in STATIONS:
        rows += hourly(station, "pm25", "µg/m³", START, 72)
        rows += hourly(station, "pm10", "µg/m³", START, 72, pm10)
    return rows


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def span(start: dt.datetime, end: dt.datetime) -> dict[str, str]:
    return {"from": iso(start), "to": iso(end)}


def errors_of(excinfo) -> dict:
    return excinfo.value.error_dict


def every_page(**params):
    records, pages, cursor = [], 0, params.pop("cursor", None)
    while True:
        result = call_action("territorio_readings", **params, **({"cursor": cursor} if cursor else {}))
        records += result["records"]
        pages += 1
        cursor = result["next"]
        if cursor is None:
            return records, pages
        assert pages < 1000


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestRawReadings:
    pytestmark = territorial_schemas

    def test_a_station_and_variable_in_a_range_in_time_order(self, sensor_dataset):
        dataset = sensor_dataset(sample_rows())
        result = call_action("territorio_readings", id=dataset["name"], station="temuco-1", variable="pm25",
                             **span(START + 10 * HOUR, START + 13 * HOUR))
        assert [r["observed_at"] for r in result["records"]] == [iso(START + h * HOUR) for h in (10, 11, 12, 13)]
        assert {(r["station"], r["variable"], r["unit"]) for r in result["records"]} == {("temuco-1", "pm25", "µg/m³")}
        assert result["records"][0]["value"] == 10.0 + 10 % 7 + 0.25 * (10 % 3)
        assert result["next"] is None

    def test_the_resource_id_names_the_table_as_the_dataset_does(self, sensor_dataset):
        dataset = sensor_dataset(sample_rows())
        by_resource = call_action("territorio_readings", resource_id=observations(dataset), **span(START, START))
        by_dataset = call_action("territorio_readings", id=dataset["id"], **span(START, START))
        assert by_resource == by_dataset
        assert len(by_resource["records"]) == 6  # three stations × two variables at the first hour

    def test_station_and_variable_lists_and_comma_separated_values(self, sensor_dataset):
        dataset = sensor_dataset(sample_rows())
        as_list = call_action("territorio_readings", id=dataset["id"], station=["temuco-1", "temuco-2"],
                              variable=["pm10"], **span(START, START + HOUR))
        as_text = call_action("territorio_readings", id=dataset["id"], station="temuco-1,temuco-2",
                              variable="pm10", **span(START, START + HOUR))
        assert as_list == as_text
        assert [(r["station"], r["variable"], r["observed_at"]) for r in as_list["records"]] == [
            ("temuco-1", "pm10", iso(START)), ("temuco-1", "pm10", iso(START + HOUR)),
            ("temuco-2", "pm10", iso(START)), ("temuco-2", "pm10", iso(START + HOUR)),
        ]

    def test_from_and_to_are_inclusive_and_local_time_without_an_offset(self, sensor_dataset):
        dataset = sensor_dataset(sample_rows())
        # June: Chile is UTC-4, so 06:00 local is 10:00Z
        result = call_action("territorio_readings", id=dataset["id"], station="temuco-1", variable="pm25",
                             **{"from": "2024-06-01T06:00:00", "to": "2024-06-01T08:00:00-04:00"})
        assert [r["observed_at"] for r in result["records"]] == [iso(START + h * HOUR) for h in (10, 11, 12)]

    def test_a_date_alone_is_local_midnight(self, sensor_dataset):
        dataset = sensor_dataset(sample_rows())
        result = call_action("territorio_readings", id=dataset["id"], station="temuco-1", variable="pm25",
                             **{"from": "2024-06-02", "to": "2024-06-02T00:00:00-04:00"})
        assert [r["observed_at"] for r in result["records"]] == ["2024-06-02T04:00:00Z"]

    def test_the_default_range_is_the_last_seven_days(self, sensor_dataset):
        now = dt.datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        rows = hourly("temuco-1", "pm25", "µg/m³", now - dt.timedelta(days=10), 24) + hourly(
            "temuco-1", "pm25", "µg/m³", now - dt.timedelta(days=2), 24)
        dataset = sensor_dataset(rows)
        result = call_action("territorio_readings", id=dataset["id"])
        assert len(result["records"]) == 24
        assert min(r["observed_at"] for r in result["records"]) == iso(now - dt.timedelta(days=2))

    def test_pages_by_cursor_cover_everything_once(self, sensor_dataset):
        dataset = sensor_dataset(sample_rows())
        full = call_action("territorio_readings", id=dataset["id"], limit=10000, **span(START, START + 71 * HOUR))
        assert len(full["records"]) == 432 and full["next"] is None
        paged, pages = every_page(id=dataset["id"], limit=50, **span(START, START + 71 * HOUR))
        assert pages == 9
        assert paged == full["records"]
        keys = [(r["station"], r["variable"], r["observed_at"]) for r in paged]
        assert keys == sorted(keys) and len(set(keys)) == len(keys)

    def test_without_filters_pages_walk_the_series_and_cover_everything_once(self, sensor_dataset, monkeypatch):
        monkeypatch.setattr(readings, "SERIES_PER_PAGE", 4)  # six series: a page ends with the walk
        dataset = sensor_dataset(sample_rows())
        window = span(START + 5 * HOUR, START + 6 * HOUR)
        paged, pages = every_page(id=dataset["id"], limit=1000, **window)
        assert pages == 2
        assert [(r["station"], r["variable"]) for r in paged] == [
            (s, v) for s in STATIONS for v in ("pm10", "pm25") for _hour in range(2)
        ]
        small, pages = every_page(id=dataset["id"], limit=3, **window)
        assert small == paged and pages == 4
        daily, _pages = every_page(id=dataset["id"], limit=2, aggregate="day", **span(START, START + 71 * HOUR))
        assert len(daily) == 6 * 4 and sum(r["count"] for r in daily) == 432

    def test_readings_added_between_pages_neither_repeat_nor_hide_others(self, sensor_dataset):
        dataset = sensor_dataset(sample_rows())
        first = call_action("territorio_readings", id=dataset["id"], limit=100, **span(START, START + 71 * HOUR))
        last_seen = first["records"][-1]
        # one reading sorted before the cursor and one after it arrive meanwhile
        load(observations(dataset), [("aaa-nueva", "pm25", 1.0, "µg/m³", START + HOUR),
                                     ("zzz-nueva", "pm25", 2.0, "µg/m³", START + HOUR)])
        rest, _pages = every_page(id=dataset["id"], limit=100, cursor=first["next"],
                                  **span(START, START + 71 * HOUR))
        keys = [(r["station"], r["variable"], r["observed_at"]) for r in first["records"] + rest]
        assert len(keys) == len(set(keys)) == 432 + 1
        assert ("zzz-nueva", "pm25", iso(START + HOUR)) in keys
        assert all(k > (last_seen["station"], last_seen["variable"], last_seen["observed_at"]) for k in keys[100:])

    def test_a_cursor_of_another_query_is_refused(self, sensor_dataset):
        dataset = sensor_dataset(sample_rows())
        page = call_action("territorio_readings", id=dataset["id"], limit=10, **span(START, START + 5 * HOUR))
        with pytest.raises(tk.ValidationError) as excinfo:
            call_action("territorio_readings", id=dataset["id"], limit=10, cursor=page["next"],
                        **span(START, START + 6 * HOUR))
        assert "cursor" in errors_of(excinfo)
        with pytest.raises(tk.ValidationError) as excinfo:
            call_action("territorio_readings", id=dataset["id"], cursor="no-es-un-cursor")
        assert "cursor" in errors_of(excinfo)

    def test_csv_through_the_action(self, sensor_dataset):
        dataset = sensor_dataset(sample_rows())
        result = call_action("territorio_readings", id=dataset["id"], station="temuco-2", variable="pm10",
                             format="csv", **span(START, START + HOUR))
        rows = list(csv.DictReader(io.StringIO(result["csv"])))
        assert rows == [
            {"station": "temuco-2", "variable": "pm10", "value": "30.0", "unit": "µg/m³", "observed_at": iso(START)},
            {"station": "temuco-2", "variable": "pm10", "value": "31.0", "unit": "µg/m³",
             "observed_at": iso(START + HOUR)},
        ]
        assert result["next"] is None


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestAggregates:
    pytestmark = territorial_schemas

    def test_hourly_buckets_give_mean_min_max_and_count(self, sensor_dataset):
        quarter = dt.timedelta(minutes=15)
        values = [3.0, 5.0, 10.0, 2.0, 7.5, 7.5, 1.0]
        rows = [("temuco-1", "pm25", v, "µg/m³", START + i * quarter) for i, v in enumerate(values)]
        dataset = sensor_dataset(rows)
        result = call_action("territorio_readings", id=dataset["id"], aggregate="hour",
                             **span(START, START + 2 * HOUR))
        assert result["records"] == [
            {"station": "temuco-1", "variable": "pm25", "unit": "µg/m³", "observed_at": iso(START),
             "value": statistics.mean(values[:4]), "min": 2.0, "max": 10.0, "count": 4},
            {"station": "temuco-1", "variable": "pm25", "unit": "µg/m³", "observed_at": iso(START + HOUR),
             "value": statistics.mean(values[4:]), "min": 1.0, "max": 7.5, "count": 3},
        ]

    def test_daily_buckets_are_civil_days_in_chile(self, sensor_dataset):
        dataset = sensor_dataset(sample_rows())
        result = call_action("territorio_readings", id=dataset["id"], aggregate="day", station="temuco-1",
                             variable="pm25", **span(START, START + 71 * HOUR))
        expected = defaultdict(list)
        for station, variable, value, _unit, moment in sample_rows():
            if (station, variable) == ("temuco-1", "pm25"):
                expected[moment.astimezone(SANTIAGO).date()].append(value)
        got = [(r["observed_at"], r["count"], r["min"], r["max"], r["value"]) for r in result["records"]]
        assert got == [
            (iso(dt.datetime.combine(day, dt.time(), SANTIAGO)), len(v), min(v), max(v), pytest.approx(statistics.mean(v)))
            for day, v in sorted(expected.items())
        ]
        assert [r["count"] for r in result["records"]] == [4, 24, 24, 20]  # 00:00Z is 20:00 on May 31st

    def test_a_day_when_clocks_go_forward_has_twenty_three_hours(self, sensor_dataset):
        # Chile moved to summer time at 24:00 on 7 September 2024 (00:00 local -> 01:00)
        start = dt.datetime(2024, 9, 7, 0, 0, tzinfo=SANTIAGO)
        dataset = sensor_dataset(hourly("temuco-1", "pm25", "µg/m³", start.astimezone(UTC), 71))
        result = call_action("territorio_readings", id=dataset["id"], aggregate="day",
                             **{"from": "2024-09-07", "to": "2024-09-09T23:59:59"})
        assert [(r["observed_at"], r["count"]) for r in result["records"]] == [
            ("2024-09-07T04:00:00Z", 24), ("2024-09-08T04:00:00Z", 23), ("2024-09-09T03:00:00Z", 24)
        ]

    def test_aggregate_pages_cover_every_bucket_once(self, sensor_dataset):
        dataset = sensor_dataset(sample_rows())
        full = call_action("territorio_readings", id=dataset["id"], aggregate="hour", limit=10000,
                           **span(START, START + 71 * HOUR))
        paged, pages = every_page(id=dataset["id"], aggregate="hour", limit=37, **span(START, START + 71 * HOUR))
        assert len(full["records"]) == 432 and pages == 12
        assert paged == full["records"]
        daily, _pages = every_page(id=dataset["id"], aggregate="day", limit=5, **span(START, START + 71 * HOUR))
        assert len(daily) == 6 * 4 and sum(r["count"] for r in daily) == 432


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestParameterErrors:
    pytestmark = territorial_schemas

    @pytest.mark.parametrize(
        ("params", "key"),
        [
            ({"from": "ayer"}, "from"),
            ({"to": "2024-13-01"}, "to"),
            ({"from": "2024-06-03", "to": "2024-06-01"}, "from"),
            ({"from": "2023-01-01", "to": "2024-06-01"}, "to"),
            ({"from": "2010-01-01", "to": "2024-06-01", "aggregate": "day"}, "to"),
            ({"aggregate": "week"}, "aggregate"),
            ({"format": "xlsx"}, "format"),
            ({"limit": 0}, "limit"),
            ({"limit": "muchos"}, "limit"),
            ({"limit": 10001}, "limit"),
            ({"station": [f"s{i}" for i in range(201)]}, "station"),
            ({"variable": [f"v{i}" for i in range(51)]}, "variable"),
            ({"station": ["temuco-1", 7]}, "station"),
        ],
    )
    def test_bad_parameters_are_field_errors(self, sensor_dataset, params, key):
        dataset = sensor_dataset(sample_rows()[:3])
        with pytest.raises(tk.ValidationError) as excinfo:
            call_action("territorio_readings", id=dataset["id"], **params)
        assert key in errors_of(excinfo)
        assert all(isinstance(m, str) and m for m in errors_of(excinfo)[key])

    def test_unknown_stations_and_variables_are_named(self, sensor_dataset):
        dataset = sensor_dataset(sample_rows())
        with pytest.raises(tk.ValidationError) as excinfo:
            call_action("territorio_readings", id=dataset["id"], station=["temuco-1", "osorno-9"],
                        variable=["pm25", "ozono"])
        errors = errors_of(excinfo)
        assert "osorno-9" in errors["station"][0] and "temuco-1" not in errors["station"][0]
        assert "ozono" in errors["variable"][0]

    def test_a_table_or_dataset_must_be_named(self, sensor_dataset):
        with pytest.raises(tk.ValidationError) as excinfo:
            call_action("territorio_readings")
        assert "resource_id" in errors_of(excinfo)

    def test_an_unknown_dataset_is_not_found(self):
        with pytest.raises(tk.ObjectNotFound):
            call_action("territorio_readings", id="no-existe")

    def test_a_dataset_without_observations_is_a_field_error(self):
        dataset = TerritorialDataset()
        with pytest.raises(tk.ValidationError) as excinfo:
            call_action("territorio_readings", id=dataset["id"])
        assert "id" in errors_of(excinfo)


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestPermissions:
    pytestmark = territorial_schemas

    def private(self, sensor_dataset):
        member = factories.User()
        org = factories.Organization(users=[{"name": member["name"], "capacity": "member"}])
        dataset = sensor_dataset(sample_rows()[:5], private=True, owner_org=org["id"])
        return dataset, member

    def test_public_readings_need_no_login(self, sensor_dataset):
        dataset = sensor_dataset(sample_rows()[:5])
        context = {"user": "", "ignore_auth": False}
        result = call_action("territorio_readings", context=context, id=dataset["id"], **span(START, START + HOUR))
        assert len(result["records"]) == 2

    def test_private_readings_are_refused_to_others(self, sensor_dataset):
        dataset, _member = self.private(sensor_dataset)
        for user in ("", factories.User()["name"]):
            for key, value in (("id", dataset["id"]), ("resource_id", observations(dataset))):
                with pytest.raises(tk.NotAuthorized):
                    call_action("territorio_readings", context={"user": user, "ignore_auth": False},
                                **{key: value})

    def test_private_readings_are_given_to_members(self, sensor_dataset):
        dataset, member = self.private(sensor_dataset)
        result = call_action("territorio_readings", context={"user": member["name"], "ignore_auth": False},
                             resource_id=observations(dataset), **span(START, START + 5 * HOUR))
        assert len(result["records"]) == 5


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestOverHttp:
    pytestmark = territorial_schemas

    def test_the_action_api_reads_repeated_parameters_as_lists(self, app, sensor_dataset):
        dataset = sensor_dataset(sample_rows())
        response = app.get("/api/3/action/territorio_readings", query_string=[
            ("id", dataset["name"]), ("station", "temuco-1"), ("station", "temuco-2"), ("variable", "pm25"),
            ("from", iso(START)), ("to", iso(START))])
        assert response.status_code == 200
        assert [r["station"] for r in response.json["result"]["records"]] == ["temuco-1", "temuco-2"]

    @pytest.mark.parametrize("aggregate", ["none", "hour", "day"])
    def test_the_api_sends_what_the_action_returns_in_process(self, app, sensor_dataset, aggregate):
        # the API's records are PostgreSQL's JSON text, sent as it is: same values as in process
        odd = START + dt.timedelta(minutes=30, microseconds=250)
        rows = [*hourly("temuco-1", "pm25", "µg/m³", START, 30), ("temuco-1", "pm25", float("nan"), "µg/m³", odd),
                ("temuco-1", "pm25", 12.125, "µg/m³", odd + dt.timedelta(microseconds=1)), *sample_rows()[:5]]
        dataset = sensor_dataset(rows)
        query = {"id": dataset["name"], "aggregate": aggregate, "limit": 2 if aggregate == "day" else 7,
                 **span(START, START + 40 * HOUR)}
        expected, pages = every_page(**query)
        assert pages > 1
        records, cursor = [], None
        while True:
            answer = app.get("/api/3/action/territorio_readings",
                             query_string={**query, **({"cursor": cursor} if cursor else {})}).json["result"]
            records += answer["records"]
            cursor = answer["next"]
            if cursor is None:
                break
        assert records == expected
        if aggregate == "none":
            odd_ones = [r for r in records if r["observed_at"].startswith("2024-06-01T00:30:00.")]
            assert [(r["observed_at"], r["value"]) for r in odd_ones] == [
                ("2024-06-01T00:30:00.000250Z", None), ("2024-06-01T00:30:00.000251Z", 12.125)]
        else:
            # a NaN reading makes its bucket's mean NaN: null, as JSON has no NaN (the first day in
            # Chile holds 20:00-23:00 of May 31: four hourly readings and the two odd ones)
            first = next(r for r in records if r["station"] == "temuco-1" and r["variable"] == "pm25")
            assert first["value"] is None and first["max"] is None and first["count"] == {"hour": 3, "day": 6}[aggregate]
            assert all(isinstance(r["count"], int) for r in expected)
            assert all(isinstance(r["value"], float) for r in expected if r != first)

    def test_errors_are_409_with_spanish_field_messages(self, app, sensor_dataset):
        dataset = sensor_dataset(sample_rows())
        response = app.get("/api/3/action/territorio_readings",
                           query_string={"id": dataset["id"], "from": "2024-06-03", "to": "2024-06-01"})
        assert response.status_code == 409
        assert response.json["error"]["from"] == ["«from» debe ser anterior o igual a «to»"]

    def test_the_csv_endpoint_pages_with_a_link_header(self, app, sensor_dataset):
        dataset = sensor_dataset(sample_rows())
        url = tk.url_for("territorio_timeseries.readings_csv")
        query = {"id": dataset["id"], "station": "temuco-1", "variable": "pm25", "limit": 40, **span(START, START + 71 * HOUR)}
        lines, response, pages = [], app.get(url, query_string=query), 1
        while True:
            assert response.status_code == 200
            assert response.headers["Content-Type"].startswith("text/csv")
            body = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
            lines += body
            if "Link" not in response.headers:
                break
            following = response.headers["Link"].split(">")[0].lstrip("<")
            response = app.get(following.replace("http://test.ckan.net", "").replace(tk.config["ckan.site_url"], ""))
            pages += 1
        assert pages == 2
        assert [row["observed_at"] for row in lines] == [iso(START + h * HOUR) for h in range(72)]

    def test_the_csv_endpoint_refuses_private_data_and_bad_ranges(self, app, sensor_dataset):
        org = factories.Organization()
        private = sensor_dataset(sample_rows()[:5], private=True, owner_org=org["id"])
        url = tk.url_for("territorio_timeseries.readings_csv")
        refused = app.get(url, query_string={"id": private["id"]})
        assert refused.status_code == 403
        assert "temuco" not in refused.get_data(as_text=True)
        public = sensor_dataset(sample_rows()[:5])
        bad = app.get(url, query_string={"id": public["id"], "from": "mañana"})
        assert bad.status_code == 409 and "from" in bad.json["error"]
        assert model.Session is not None
