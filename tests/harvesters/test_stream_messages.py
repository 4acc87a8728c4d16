"""The MQTT message parsers as plain functions: bytes and topic in, readings or a reason out."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ckanext.territorio.vocab.harvest_mapping import mapping
from ckanext.territorio_harvesters.stream.messages import (
    MAX_PAYLOAD,
    Memo,
    MessageError,
    datastream_id,
    parse,
)

HM = mapping(Path(__file__).resolve().parents[2] / "schemas")
UTC = dt.UTC


def body(data: object) -> bytes:
    return json.dumps(data).encode()


class TestJSON:
    def test_a_flat_message_with_its_station(self):
        message = parse("json", "t", body({"station": "s1", "variable": "MP 2,5", "value": "12,5",
                                           "observed_at": "2026-12-01T10:00:00-03:00",
                                           "lat": -38.7, "lon": -72.6, "name": "Las Encinas"}), HM)
        (reading,) = message.readings
        assert (reading.station_id, reading.variable, reading.value, reading.unit) == ("s1", "pm25", 12.5, "µg/m³")
        assert reading.observed_at == dt.datetime(2026, 12, 1, 13, tzinfo=UTC)
        station = message.stations["s1"]
        assert (station.name, station.lat, station.lon) == ("Las Encinas", -38.7, -72.6)
        assert message.streams[("s1", "pm25")].family == "aire"

    @pytest.mark.parametrize(
        ("payload", "reason"),
        [
            (b"\xff", "UTF-8"),
            (b"[1,", "no es JSON válido"),
            (body({"variable": "pm25", "value": 1, "observed_at": "2026-12-01T10:00:00Z"}), "'station'"),
            (body({"station": "s", "variable": "x", "value": 1, "observed_at": "2026-12-01T10:00:00Z"}),
             "no es una variable conocida"),
            (body({"station": "s", "variable": "pm25", "value": "NaN", "observed_at": "2026-12-01T10:00:00Z"}),
             "no es un número"),
            (body({"station": "s", "variable": "pm25", "value": 1, "observed_at": "2026-12-01T10:00:00"}),
             "zona horaria"),
            (b" " * (MAX_PAYLOAD + 1), "demasiado grande"),
            (body([]), "ninguna medición"),
            (b'[{"station": "s", "variable": "pm25", "value": 1, "observed_at": "2026-12-01T10:00:00Z"}, 3]',
             r"^\[1\] se esperaba un objeto JSON"),
            (b'{"station": "s", "variable": "pm25", "value": NaN, "observed_at": "2026-12-01T10:00:00Z"}',
             "NaN o Infinity no son números JSON"),
            (b'"pm25"', "se esperaba un objeto JSON"),
        ],
    )
    def test_unreadable_messages_say_why(self, payload, reason):
        with pytest.raises(MessageError, match=reason):
            parse("json", "t", payload, HM)


    def test_the_source_text_of_a_plain_time_is_kept_for_copy(self):
        times = ["2026-12-01T10:00:00-03:00", "2026-12-01T10:00:00.25Z", "20261201T130000Z"]
        message = parse("json", "t", body([{"station": "s1", "variable": "pm25", "value": 1.0, "observed_at": t}
                                           for t in times]), HM)
        assert [r.observed_text for r in message.readings] == times[:2] + [None]  # basic format: reformatted
        assert [r.observed_at for r in message.readings] == [
            dt.datetime(2026, 12, 1, 13, tzinfo=UTC), dt.datetime(2026, 12, 1, 10, 0, 0, 250000, tzinfo=UTC),
            dt.datetime(2026, 12, 1, 13, tzinfo=UTC)]

    def test_a_memo_reuses_stations_and_series_of_earlier_messages(self):
        memo = Memo()
        item = {"station": "s1", "variable": "pm25", "value": 1.0, "observed_at": "2026-12-01T10:00:00Z"}
        first = parse("json", "t", body(item), HM, memo=memo)
        second = parse("json", "t", body({**item, "observed_at": "2026-12-01T11:00:00Z"}), HM, memo=memo)
        assert second.streams[("s1", "pm25")] is first.streams[("s1", "pm25")]
        assert second.stations["s1"] is first.stations["s1"]
        renamed = parse("json", "t", body({**item, "name": "Las Encinas"}), HM, memo=memo)
        assert renamed.stations["s1"].name == "Las Encinas"
        placed = parse("json", "t", body({**item, "lat": -38.7, "lon": -72.6}), HM, memo=memo)
        assert (placed.stations["s1"].lat, placed.stations["s1"].lon) == (-38.7, -72.6)
        assert second.stations["s1"].lat is None  # the placeless station kept by the memo is unchanged


class TestSensorThings:
    def test_the_topic_names_the_datastream(self):
        assert datastream_id("v1.1/Datastreams(7)/Observations") == "7"
        assert datastream_id("red/v1.0/Datastreams('a''b')/Observations") == "a'b"
        with pytest.raises(MessageError, match="no es v1.1"):
            datastream_id("v1.1/Things(7)")

    def test_an_interval_ends_the_observation(self):
        declared = {"7": {"station": "sta:1", "variable": "o3"}}
        message = parse("sensorthings", "v1.1/Datastreams(7)/Observations",
                        body({"phenomenonTime": "2026-12-01T10:00:00Z/2026-12-01T11:00:00Z", "result": 3}), HM, declared)
        assert message.readings[0].observed_at == dt.datetime(2026, 12, 1, 11, tzinfo=UTC)
        assert message.readings[0].unit == "ppb"

    def test_an_unknown_datastream_is_refused(self):
        with pytest.raises(MessageError, match="Datastream\\(9\\) desconocido"):
            parse("sensorthings", "v1.1/Datastreams(9)/Observations",
                  body({"phenomenonTime": "2026-12-01T10:00:00Z", "result": 3}), HM, {})


class TestNGSILD:
    def test_waste_container_key_values(self):
        entity = {"id": "urn:ngsi-ld:WasteContainer:c1", "type": "WasteContainer", "fillingLevel": 0.7,
                  "dateObserved": "2026-12-01T10:00:00Z", "location": {"type": "Point", "coordinates": [-72.6, -38.7]}}
        message = parse("ngsi-ld", "x", body(entity), HM)
        (reading,) = message.readings
        assert (reading.variable, reading.value) == ("nivel_llenado", 0.7)
        assert message.stations["urn:ngsi-ld:WasteContainer:c1"].lat == -38.7

    def test_attributes_without_time_are_noted_not_read(self):
        entity = {"id": "urn:e", "type": "AirQualityObserved", "pm10": {"type": "Property", "value": 3}}
        with pytest.raises(MessageError, match="sin observedAt"):
            parse("ngsi-ld", "x", body(entity), HM)
