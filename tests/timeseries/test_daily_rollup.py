"""Daily means from the rollup (_territorio_daily) answer exactly what the raw rows answer."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from ckan.tests.helpers import call_action
from factories import territorial_schemas
from timeseries_helpers import HOUR, UTC, hourly, load, observations

from ckanext.territorio.timeseries import daily, maintenance, readings, rollup
from ckanext.territorio.timeseries import params as ts_params

SANTIAGO = ZoneInfo("America/Santiago")
# 7 to 10 September 2024: Chile's clocks went forward at 24:00 on the 7th (a 23-hour day)
START = dt.datetime(2024, 9, 6, 15, 0, tzinfo=UTC)
STATIONS = ("padre-las-casas", "temuco-1", "temuco-2")

pytestmark = [*territorial_schemas, pytest.mark.usefixtures("with_plugins", "clean_db")]


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def sample_rows():
    rows = []
    for n, station in enumerate(STATIONS):
        rows += hourly(station, "pm25", "µg/m³", START, 96, lambda i, n=n: 5.0 + n + i % 9)
        rows += hourly(station, "pm10", "µg/m³", START, 96, lambda i: 30.0 + i % 11)
    return rows


def every_page(**params):
    records, cursor = [], None
    while True:
        result = call_action("territorio_readings", **params, **({"cursor": cursor} if cursor else {}))
        records += result["records"]
        cursor = result["next"]
        if cursor is None:
            return records


def from_raw(monkeypatch, **params):
    """The same request answered by the raw path (the rollup out of the way)."""
    with monkeypatch.context() as patch:
        patch.setattr(daily, "spans", lambda *_args: None)
        return every_page(**params)


def same(got, expected):
    assert [{**r, "value": pytest.approx(r["value"])} for r in expected] == got
    return got


def rollup_rows(resource_id, summary=rollup.TABLE):
    with readings.read_engine().connect() as connection:
        return connection.execute(
            sa.text(f"SELECT station_id, variable, bucket, n, rows FROM {summary} "
                    "WHERE resource_id = :r ORDER BY 1, 2, 3"), {"r": resource_id}
        ).fetchall()


def write(resource_id, sql, **params):
    from ckanext.datastore.backend.postgres import get_write_engine

    with get_write_engine().begin() as connection:
        connection.execute(sa.text(sql.format(table=f'"{resource_id}"')), params)


class TestSameAnswers:
    @pytest.mark.parametrize("bounds", [
        ("2024-09-06T12:00:00Z", "2024-09-10T14:59:59Z"),  # partial first and last days
        ("2024-09-07", "2024-09-09T23:59:59.999999"),  # whole civil days only, across the DST change
        ("2024-09-07", "2024-09-09"),  # ends at midnight: the last day holds one instant
        ("2024-09-07T10:00:00", "2024-09-07T18:00:00"),  # inside one day: no whole day at all
    ])
    def test_every_range_answers_as_the_raw_rows_do(self, sensor_dataset, monkeypatch, bounds):
        dataset = sensor_dataset(sample_rows())
        params = {"id": dataset["id"], "aggregate": "day", "from": bounds[0], "to": bounds[1]}
        got = same(every_page(**params), from_raw(monkeypatch, **params))
        assert got and sum(r["count"] for r in got) == sum(
            r["count"] for r in from_raw(monkeypatch, **{**params, "aggregate": "hour"})
        )

    def test_filters_and_small_pages_cover_every_day_once(self, sensor_dataset, monkeypatch):
        dataset = sensor_dataset(sample_rows())
        params = {"id": dataset["id"], "aggregate": "day", "variable": "pm25",
                  "station": ["temuco-1", "temuco-2"], "from": "2024-09-06T20:00:00Z", "to": "2024-09-10T12:00:00Z"}
        paged = same(every_page(**params, limit=3), from_raw(monkeypatch, **params, limit=1000))
        assert len(paged) == 2 * 5 and {r["station"] for r in paged} == {"temuco-1", "temuco-2"}
        counts = [r["count"] for r in paged if r["station"] == "temuco-1"]
        assert counts == [8, 24, 23, 24, 10]  # from 16:00 on the 6th to 09:00 on the 10th; the 8th has 23 hours

    def test_the_statement_reads_the_rollup_for_whole_days(self, sensor_dataset):
        dataset = sensor_dataset(sample_rows())
        resource_id = observations(dataset)
        query = ts_params.readings_query(
            {"aggregate": "day", "variable": "pm25", "from": "2024-09-07", "to": "2024-09-09T23:59:59"},
            dt.datetime(2024, 9, 20, tzinfo=UTC),
        )
        with readings.read_engine().connect() as connection:
            bounds = daily.spans(connection, resource_id, query)
            sql, params = daily.statement(resource_id, query, bounds)
            plan = "\n".join(r[0] for r in connection.execute(sa.text("EXPLAIN " + sql), params))
        assert [iso(d) for d in (bounds.first_day, bounds.after_days)] == [
            "2024-09-07T04:00:00Z", "2024-09-09T03:00:00Z"]  # the 9th is not whole
        # the 9th's whole hours come from the hourly sums: only 23:00:00-23:59:59 is read raw
        assert [iso(d) for d in (bounds.first_hour, bounds.after_hours)] == [
            "2024-09-07T04:00:00Z", "2024-09-10T02:00:00Z"]
        assert rollup.TABLE in plan and rollup.HOURLY in plan


def ten_minutely(station, variable, start, count, offset=0):
    step = dt.timedelta(minutes=10)
    return [(station, variable, 3.0 + (i * 7 + offset) % 13 + 0.5 * (i % 2), "µg/m³", start + i * step)
            for i in range(count)]


class TestRaggedEdges:
    """Readings every ten minutes, ranges that start and end inside an hour: whole hours come
    from the hourly sums, the rest from the raw rows, and the answers are the raw path's."""

    @pytest.mark.parametrize("aggregate", ["hour", "day"])
    @pytest.mark.parametrize("bounds", [
        ("2024-09-06T15:25:00Z", "2024-09-09T07:42:10Z"),  # ragged minutes, whole hours and days
        ("2024-09-07T10:05:00", "2024-09-07T18:55:00"),  # inside one day: hours and minutes only
        ("2024-09-07T10:05:00", "2024-09-08T02:15:00"),  # two partial days, no whole one
        ("2024-09-07T10:05:00", "2024-09-07T10:45:00"),  # inside one hour: the raw path
    ])
    def test_answers_as_the_raw_rows_do(self, sensor_dataset, monkeypatch, aggregate, bounds):
        rows = [*ten_minutely("temuco-1", "pm25", START, 420), *ten_minutely("temuco-2", "pm25", START, 420, 5),
                *ten_minutely("temuco-1", "pm10", START, 420, 3)]
        dataset = sensor_dataset(rows)
        params = {"id": dataset["id"], "aggregate": aggregate, "from": bounds[0], "to": bounds[1]}
        raw = from_raw(monkeypatch, **params)
        got = same(every_page(**params), raw)
        assert got
        paged = same(every_page(**params, limit=2), raw)
        assert len(paged) == len(raw)
        only = same(every_page(**params, station="temuco-2"), [r for r in raw if r["station"] == "temuco-2"])
        assert only

    def test_revisions_and_deletions_keep_the_hours_exact(self, sensor_dataset, monkeypatch):
        dataset = sensor_dataset([*ten_minutely("temuco-1", "pm25", START, 300),
                                  *ten_minutely("temuco-2", "pm25", START, 300, 4)])
        resource_id = observations(dataset)
        load(resource_id, [(s, v, (x * 2 if i % 5 == 0 else x), u, t) for i, (s, v, x, u, t)
                           in enumerate(ten_minutely("temuco-1", "pm25", START, 330))])
        write(resource_id, "DELETE FROM {table} WHERE station_id = 'temuco-2' AND observed_at < :t",
              t=START + 7 * HOUR + dt.timedelta(minutes=20))
        write(resource_id, "UPDATE {table} SET value = value + 100 WHERE station_id = 'temuco-2' "
                           "AND observed_at >= :a AND observed_at < :b",
              a=START + 20 * HOUR, b=START + 21 * HOUR + dt.timedelta(minutes=30))
        for aggregate in ("hour", "day"):
            params = {"id": dataset["id"], "aggregate": aggregate,
                      "from": "2024-09-06T15:35:00Z", "to": "2024-09-08T20:05:00Z"}
            got = same(every_page(**params), from_raw(monkeypatch, **params))
            assert max(r["max"] for r in got) >= 100


class TestKeptExact:
    def test_loads_revisions_and_deletions_keep_the_days_exact(self, sensor_dataset, monkeypatch):
        dataset = sensor_dataset(sample_rows())
        resource_id = observations(dataset)
        params = {"id": dataset["id"], "aggregate": "day", "from": "2024-09-06", "to": "2024-09-11"}
        before = every_page(**params)
        # a repeated, overlapping harvest revises two readings and adds a new day
        revised = [(s, v, (99.0 if (s, i) == ("temuco-1", 30) else x), u, t)
                   for i, (s, v, x, u, t) in enumerate(hourly("temuco-1", "pm25", "µg/m³", START, 120))]
        load(resource_id, revised)
        write(resource_id, "DELETE FROM {table} WHERE station_id = 'temuco-2' AND observed_at < :t",
              t=START + 10 * HOUR)
        after = same(every_page(**params), from_raw(monkeypatch, **params))
        assert after != before
        temuco = {r["observed_at"]: r for r in after if (r["station"], r["variable"]) == ("temuco-1", "pm25")}
        assert max(r["max"] for r in temuco.values()) == 99.0
        assert len(temuco) == 6

    def test_readings_without_a_value_count_as_rows_but_not_in_the_mean(self, sensor_dataset, monkeypatch):
        dataset = sensor_dataset(hourly("temuco-1", "pm25", "µg/m³", START, 30))
        write(observations(dataset), "UPDATE {table} SET value = NULL WHERE extract(hour FROM observed_at)::int % 2 = 1")
        params = {"id": dataset["id"], "aggregate": "day", "from": "2024-09-06", "to": "2024-09-09"}
        got = same(every_page(**params), from_raw(monkeypatch, **params))
        assert sum(r["count"] for r in got) == 15

    def test_truncate_empties_the_tables_days(self, sensor_dataset):
        dataset = sensor_dataset(sample_rows())
        resource_id = observations(dataset)
        assert len(rollup_rows(resource_id)) == 6 * 5
        write(resource_id, "TRUNCATE {table}")
        assert rollup_rows(resource_id) == []

    def test_the_newest_reading_per_series_follows_loads_revisions_and_deletions(self, sensor_dataset):
        dataset = sensor_dataset(sample_rows())
        resource_id = observations(dataset)

        def newest():
            return {(r["station"], r["variable"]): (r["observed_at"], r["value"])
                    for r in call_action("territorio_latest", id=dataset["id"])["records"]}

        assert newest()[("temuco-1", "pm25")] == (iso(START + 95 * HOUR), 5.0 + 1 + 95 % 9)
        load(resource_id, [("temuco-1", "pm25", 77.0, "µg/m³", START + 95 * HOUR),
                           ("temuco-2", "pm25", 1.5, "µg/m³", START + 99 * HOUR)])
        write(resource_id, "DELETE FROM {table} WHERE station_id = 'padre-las-casas' AND variable = 'pm10' "
              "AND observed_at > :t", t=START + 50 * HOUR)
        got = newest()
        assert got[("temuco-1", "pm25")] == (iso(START + 95 * HOUR), 77.0)
        assert got[("temuco-2", "pm25")] == (iso(START + 99 * HOUR), 1.5)
        assert got[("padre-las-casas", "pm10")][0] == iso(START + 50 * HOUR)
        write(resource_id, "DELETE FROM {table} WHERE station_id = 'temuco-2'")
        assert {s for s, _v in newest()} == {"padre-las-casas", "temuco-1"}

    def test_an_older_table_gets_its_days_from_the_maintenance_command(self, sensor_dataset, monkeypatch):
        dataset = sensor_dataset(sample_rows())
        resource_id = observations(dataset)
        counted, hours = rollup_rows(resource_id), rollup_rows(resource_id, rollup.HOURLY)
        assert len(hours) == 6 * 96
        for name in ("territorio_rollup_ins", "territorio_rollup_upd", "territorio_rollup_del", "territorio_rollup_trunc"):
            write(resource_id, f"DROP TRIGGER {name} ON {{table}}")
        # a table of the daily-only rollup: its trigger has the old name, and it has no hours
        write(resource_id, "CREATE OR REPLACE FUNCTION territorio_test_noop() RETURNS trigger "
                           "LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$")
        write(resource_id, "CREATE TRIGGER territorio_daily_ins AFTER INSERT ON {table} "
                           "FOR EACH STATEMENT EXECUTE FUNCTION territorio_test_noop()")
        for summary in (rollup.TABLE, rollup.HOURLY):
            write(resource_id, f"DELETE FROM {summary} WHERE resource_id = :r", r=resource_id)
        params = {"id": dataset["id"], "aggregate": "day", "from": "2024-09-06", "to": "2024-09-11"}
        raw = every_page(**params)  # no trigger: the raw path answers
        walked = call_action("territorio_latest", id=dataset["id"])["records"]
        done = {e.resource_id: e.statements for e in maintenance.ensure_all()}
        assert done[resource_id] > 0
        assert rollup_rows(resource_id) == counted
        assert rollup_rows(resource_id, rollup.HOURLY) == hours
        with readings.read_engine().connect() as connection:
            triggers = connection.execute(sa.text(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(:t) AND tgname LIKE 'territorio_%' "
                "ORDER BY 1"), {"t": f'"{resource_id}"'}).scalars().all()
        assert "territorio_daily_ins" not in triggers and "territorio_rollup_ins" in triggers
        same(every_page(**params), raw)
        kept = call_action("territorio_latest", id=dataset["id"])["records"]
        assert [{k: r[k] for k in ("station", "variable", "value", "observed_at")} for r in kept] == [
            {k: r[k] for k in ("station", "variable", "value", "observed_at")} for r in walked]


class TestBesideTheDataStore:
    def test_the_datastores_set_permissions_script_leaves_the_summaries_alone(self, sensor_dataset, monkeypatch):
        """CKAN's set-permissions script (run by every `make up`) gives each public table not
        named with a leading underscore a full-text trigger, which would break the summaries."""
        from pathlib import Path

        import ckanext.datastore

        script = (Path(ckanext.datastore.__file__).parent / "set_permissions.sql").read_text()
        migrate = script[script.index("DO $body$"):script.index("$body$;", script.index("DO $body$")) + 7]
        dataset = sensor_dataset(sample_rows())
        write(observations(dataset), migrate.replace(":", r"\:"))
        load(observations(dataset), hourly("temuco-1", "pm25", "µg/m³", START + 96 * HOUR, 5))
        params = {"id": dataset["id"], "aggregate": "day", "from": "2024-09-06", "to": "2024-09-11"}
        same(every_page(**params), from_raw(monkeypatch, **params))
