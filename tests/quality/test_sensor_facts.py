"""Sensor facts on crafted observations tables, written by the harvesters' own DataStore loader."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas

from ckanext.territorio.policy.document import policy
from ckanext.territorio.quality import sensor, sensor_ranges
from ckanext.territorio.vocab import VocabError, default_schemas_dir
from ckanext.territorio.vocab.frequency import frequencies, load_frequencies
from ckanext.territorio_harvesters import store
from ckanext.territorio_harvesters.records import Reading

UTC = dt.UTC
NOW = dt.datetime(2025, 6, 10, 12, 0, tzinfo=UTC)
HOUR = dt.timedelta(hours=1)

Row = tuple[str, str, float, str, dt.datetime]


def hourly(station: str, variable: str, unit: str, hours: int, value: Callable[[int], float] | None = None,
           end: dt.datetime = NOW, skip: Iterable[int] = ()) -> list[Row]:
    """``hours`` hourly readings ending one hour before ``end`` (index 0 is the oldest)."""
    skipped = set(skip)
    start = end - hours * HOUR
    pick = value or (lambda i: 10.0 + (i % 7))  # varies, never a flat-line
    return [(station, variable, pick(i), unit, start + i * HOUR) for i in range(hours) if i not in skipped]


@pytest.fixture
def sensor_dataset() -> Callable[..., dict[str, Any]]:
    """A dataset with an observations resource whose table holds ``rows``."""

    def make(rows: list[Row], frequency: str = "HOURLY") -> dict[str, Any]:
        dataset = TerritorialDataset(
            frequency=frequency,
            resources=[
                {
                    "url": "_datastore_only_resource",
                    "url_type": "datastore",
                    "name": "Mediciones",
                    "format": "CSV",
                }
            ],
        )
        resource_id = dataset["resources"][0]["id"]
        store.ensure_table(resource_id, {"ignore_auth": True, "user": factories.Sysadmin()["name"]})
        with store.ObservationTable(resource_id) as table:
            table.load([Reading(*row) for row in rows], overlap=False)
        return call_action("package_show", id=dataset["id"])

    return make


@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.ckan_config("ckanext.territorio.quality.sensor_days", 0)
class TestSensorFacts:
    pytestmark = territorial_schemas

    def test_complete_hourly_series_is_complete(self, sensor_dataset):
        rows = hourly("temuco-1", "pm25", "µg/m³", 48) + hourly("temuco-1", "pm10", "µg/m³", 48, lambda i: 40.0 + i % 5)
        facts = sensor.sensor_facts(sensor_dataset(rows), NOW)
        assert facts is not None
        assert (facts.streams, facts.readings, facts.expected_readings) == (2, 96, 96)
        assert facts.completeness == 1.0
        assert (facts.gaps, facts.longest_gap_hours) == (0, None)
        assert (facts.flatline_streams, facts.implausible, facts.unit_inconsistent) == (0, 0, 0)
        assert facts.last_reading == NOW - HOUR
        assert facts.expected_interval_hours == 1.0

    def test_holes_are_counted_as_gaps_and_lower_completeness(self, sensor_dataset):
        # 48 expected readings; hours 10-13 missing (a 5-hour step) and hour 30 (a 2-hour step,
        # not longer than twice the interval, so not a gap)
        rows = hourly("temuco-1", "pm25", "µg/m³", 48, skip=[10, 11, 12, 13, 30])
        facts = sensor.sensor_facts(sensor_dataset(rows), NOW)
        assert facts is not None
        assert (facts.readings, facts.expected_readings) == (43, 48)
        assert facts.completeness == pytest.approx(43 / 48)
        assert facts.gaps == 1
        assert facts.longest_gap_hours == pytest.approx(5.0)

    def test_identical_consecutive_values_make_a_flatline(self, sensor_dataset):
        stuck = hourly("temuco-1", "pm25", "µg/m³", 24, lambda i: 37.0 if 5 <= i < 12 else 10.0 + i % 7)
        short = hourly("temuco-2", "pm25", "µg/m³", 24, lambda i: 37.0 if 5 <= i < 10 else 10.0 + i % 7)
        facts = sensor.sensor_facts(sensor_dataset(stuck + short), NOW)
        assert facts is not None
        # 7 equal readings reach six hours' worth at HOURLY; 5 do not
        assert facts.flatline_streams == 1
        assert sensor.flatline_readings(HOUR) == 6
        assert sensor.flatline_readings(dt.timedelta(minutes=15)) == 24

    def test_a_value_the_variable_may_hold_for_hours_is_not_a_flatline(self, sensor_dataset):
        dry = hourly("temuco-1", "precipitation", "mm", 24, lambda i: 0.0)
        calm = hourly("temuco-1", "velocidad_viento", "m/s", 24, lambda i: 0.0)
        facts = sensor.sensor_facts(sensor_dataset(dry + calm), NOW)
        assert facts is not None
        assert facts.flatline_streams == 0
        # the same run of a non-zero wind speed is a stuck anemometer
        stuck = hourly("temuco-1", "velocidad_viento", "m/s", 24, lambda i: 3.2)
        assert sensor.sensor_facts(sensor_dataset(stuck), NOW).flatline_streams == 1

    def test_negative_pm25_is_implausible(self, sensor_dataset):
        rows = hourly("temuco-1", "pm25", "µg/m³", 24, lambda i: -3.0 if i == 7 else 10.0 + i % 7)
        facts = sensor.sensor_facts(sensor_dataset(rows), NOW)
        assert facts is not None and facts.implausible == 1

    def test_negative_temperature_is_plausible(self, sensor_dataset):
        rows = hourly("putre", "temperatura", "°C", 24, lambda i: -12.5 + i % 3)
        facts = sensor.sensor_facts(sensor_dataset(rows), NOW)
        assert facts is not None and (facts.implausible, facts.unit_inconsistent) == (0, 0)

    def test_pm10_below_pm25_at_the_same_station_and_time_is_implausible(self, sensor_dataset):
        pm25 = hourly("temuco-1", "pm25", "µg/m³", 24, lambda i: 30.0 + i % 3)
        pm10 = hourly("temuco-1", "pm10", "µg/m³", 24, lambda i: 20.0 if i in (3, 4) else 60.0 + i % 3)
        # another station's PM10 is not compared with this one's PM2.5
        other = hourly("temuco-2", "pm10", "µg/m³", 24, lambda i: 5.0 + i % 2)
        facts = sensor.sensor_facts(sensor_dataset(pm25 + pm10 + other), NOW)
        assert facts is not None and facts.implausible == 2

    def test_values_beyond_the_instrument_range_are_implausible(self, sensor_dataset):
        pm25 = hourly("temuco-1", "pm25", "µg/m³", 24, lambda i: 5000.0 if i == 2 else 10.0 + i % 7)
        humidity = hourly("temuco-1", "humedad_relativa", "%", 24, lambda i: 150.0 if i in (1, 2) else 60.0 + i % 7)
        facts = sensor.sensor_facts(sensor_dataset(pm25 + humidity), NOW)
        assert facts is not None and facts.implausible == 3

    def test_a_variable_in_two_units_or_a_unit_not_its_own_is_inconsistent(self, sensor_dataset):
        pm25 = hourly("temuco-1", "pm25", "µg/m³", 12) + hourly("temuco-2", "pm25", "mg/m³", 12)
        co = hourly("temuco-1", "co", "dB(A)", 12)  # the policy admits mg/m3, [ppm] or [ppb] for CO
        noise = hourly("temuco-1", "ruido_laeq", "dB(A)", 12, lambda i: 55.0 + i % 4)
        facts = sensor.sensor_facts(sensor_dataset(pm25 + co + noise), NOW)
        assert facts is not None and facts.unit_inconsistent == 2

    def test_hourly_dataset_whose_last_reading_is_three_days_old(self, sensor_dataset):
        rows = hourly("temuco-1", "pm25", "µg/m³", 24, end=NOW - dt.timedelta(days=3) + HOUR)
        dataset = sensor_dataset(rows, frequency="HOURLY")
        facts = sensor.sensor_facts(dataset, NOW)
        assert facts is not None
        assert facts.last_reading == NOW - dt.timedelta(days=3)
        assert facts.expected_interval_hours == 1.0
        assert (NOW - facts.last_reading) / HOUR == 72  # 72 expected intervals without a reading
        # a window of the last day holds no reading, and still knows the last one
        recent = sensor.sensor_facts(dataset, NOW, days=1)
        assert recent is not None
        assert (recent.streams, recent.readings, recent.completeness) == (0, 0, None)
        assert recent.last_reading == NOW - dt.timedelta(days=3)

    def test_window_of_the_last_days_reads_only_those(self, sensor_dataset):
        rows = hourly("temuco-1", "pm25", "µg/m³", 72, skip=[5, 6, 7, 8])  # the hole is 3 days old
        dataset = sensor_dataset(rows)
        assert sensor.sensor_facts(dataset, NOW).gaps == 1
        recent = sensor.sensor_facts(dataset, NOW, days=1)
        assert recent is not None
        assert (recent.readings, recent.gaps, recent.completeness) == (24, 0, 1.0)

    def test_daily_dataset_expects_one_reading_a_day(self, sensor_dataset):
        day = dt.timedelta(days=1)
        rows = [("temuco-1", "pm25", 10.0 + i, "µg/m³", NOW - (10 - i) * day) for i in range(10) if i != 4]
        facts = sensor.sensor_facts(sensor_dataset(rows, frequency="DAILY"), NOW)
        assert facts is not None
        assert (facts.readings, facts.expected_readings, facts.gaps) == (9, 10, 0)
        assert facts.expected_interval_hours == 24.0

    def test_irregular_dataset_has_no_expected_readings(self, sensor_dataset):
        facts = sensor.sensor_facts(sensor_dataset(hourly("temuco-1", "pm25", "µg/m³", 12, skip=[4, 5, 6]), "IRREG"), NOW)
        assert facts is not None
        assert (facts.expected_readings, facts.completeness, facts.gaps, facts.expected_interval_hours) == (
            None, None, 0, None,
        )
        assert facts.readings == 9

    def test_dataset_without_observations_table_has_no_facts(self, sensor_dataset):
        assert sensor.sensor_facts(TerritorialDataset(), NOW) is None
        # a DataStore table of another layout is not an observations table
        dataset = TerritorialDataset(resources=[{"url": "http://datos.temuco.example/a.csv", "format": "CSV"}])
        resource_id = dataset["resources"][0]["id"]
        call_action(
            "datastore_create",
            context={"user": factories.Sysadmin()["name"]},
            resource_id=resource_id,
            force=True,
            fields=[{"id": "comuna", "type": "text"}, {"id": "total", "type": "int"}],
            records=[{"comuna": "Temuco", "total": 3}],
        )
        assert sensor.sensor_facts(call_action("package_show", id=dataset["id"]), NOW) is None


# --- the data files (plain Python) ------------------------------------------------------------


def test_frequency_periods_come_from_the_vocabulary():
    table = frequencies()
    assert table.by_code["HOURLY"].period == HOUR
    assert table.by_code["15MIN"].period == dt.timedelta(minutes=15)
    assert table.by_code["WEEKLY_3"].period == dt.timedelta(hours=56)
    assert table.by_code["MONTHLY"].period == dt.timedelta(days=365.2425 / 12)
    assert table.by_code["IRREG"].period is None
    assert sensor.expected_interval("http://publications.europa.eu/resource/authority/frequency/DAILY") == dt.timedelta(days=1)
    assert sensor.expected_interval("hourly") == HOUR
    assert sensor.expected_interval("sometimes") is None


def test_a_bad_period_is_reported_with_its_line(tmp_path: Path):
    (tmp_path / "vocab").mkdir()
    (tmp_path / "vocab" / "frecuencias.yaml").write_text(
        "uri_base: http://publications.europa.eu/resource/authority/frequency/\nfrecuencias:\n"
        "  - {codigo: DAILY, periodo: P1D, etiqueta: {es: Diaria, en: Daily}}\n"
        "  - {codigo: HOURLY, periodo: 1h, etiqueta: {es: Cada hora, en: Hourly}}\n",
        encoding="utf-8",
    )
    with pytest.raises(VocabError) as excinfo:
        load_frequencies(tmp_path)
    assert excinfo.value.line == 4 and "1h" in excinfo.value.message


def test_ranges_file_matches_the_policy_vocabulary():
    ranges = sensor_ranges.ranges(default_schemas_dir(), policy())
    assert ranges.variables["pm25"].bounds["ug/m3"] == (0.0, 1000.0)
    assert ranges.variables["temperature"].negatives is True
    assert ranges.variables["fillingLevel"].any_repeat is True
    assert ranges.ucum("µg/m³") == "ug/m3" and ranges.ucum("Cel") == "Cel"
    assert ("pm25", "pm10") in ranges.fractions
    assert all(v.source in ranges.sources for v in ranges.variables.values())


RANGES_HEAD = (
    "fuentes:\n  x: {cita: una fuente, url: 'https://example.org'}\n"
    "notaciones:\n  µg/m³: ug/m3\n"
    "variables:\n"
)


@pytest.mark.parametrize(
    ("entry", "line", "words"),
    [
        ("  pm99: {rango: {ug/m3: [0, 1]}, fuente: x}\n", 6, "pm99"),
        ("  pm25: {rango: {Cel: [0, 1]}, fuente: x}\n", 6, "Cel"),
        ("  pm25: {rango: {ug/m3: [10, 1]}, fuente: x}\n", 6, "menor que el mínimo"),
        ("  pm25: {rango: {ug/m3: [0, mucho]}, fuente: x}\n", 6, "mucho"),
        ("  pm25:\n    rango: {ug/m3: [0, 1]}\n    fuente: y\n", 8, "y"),
    ],
)
def test_a_bad_range_entry_is_reported_with_its_line(tmp_path: Path, entry: str, line: int, words: str):
    path = tmp_path / sensor_ranges.RANGES_FILE
    path.write_text(RANGES_HEAD + entry, encoding="utf-8")
    with pytest.raises(VocabError) as excinfo:
        sensor_ranges.load_ranges(path, policy())
    assert excinfo.value.line == line and words in excinfo.value.message
