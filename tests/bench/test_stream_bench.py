"""bench/stream.py's messages are what the stream consumer's ``json`` format accepts.

The benchmark itself is not a test (the lead runs it, see its docstring); this only checks
that its generated readings parse, one per series per second with unique keys, that its
1000-reading messages fit the format's limits, and that the seed's COPY lines have the
observations table's columns.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

from ckanext.territorio.timeseries import layout
from ckanext.territorio.vocab.harvest_mapping import mapping
from ckanext.territorio_harvesters.stream.messages import MAX_ITEMS, MAX_PAYLOAD, parse

ROOT = Path(__file__).resolve().parents[2]
HM = mapping(ROOT / "schemas")
spec = importlib.util.spec_from_file_location("bench_stream", ROOT / "bench" / "stream.py")
assert spec is not None and spec.loader is not None
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)
BASE = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)


def test_a_full_message_parses_with_unique_keys_and_fits_the_limits():
    items = list(bench.generated(MAX_ITEMS * 3, 500, BASE))
    payload = ("[" + ",".join(items[:MAX_ITEMS]) + "]").encode()
    assert len(payload) <= MAX_PAYLOAD
    message = parse("json", "bench/lote", payload, HM)
    assert len(message.readings) == MAX_ITEMS
    assert {r.variable for r in message.readings} == {"pm25", "pm10"}
    assert {r.unit for r in message.readings} == {"µg/m³"}
    keys = {(r.station_id, r.variable, r.observed_at) for r in parse("json", "t", f"[{','.join(items[:1000])}]".encode(), HM).readings}
    keys |= {(r.station_id, r.variable, r.observed_at) for r in parse("json", "t", f"[{','.join(items[1000:2000])}]".encode(), HM).readings}
    assert len(keys) == 2000  # every series once per second: the second round is one second later
    assert min(k[2] for k in keys) == BASE and max(k[2] for k in keys) == BASE + dt.timedelta(seconds=1)


def test_a_single_reading_with_station_details_parses():
    text = bench.reading("bench-0001", "pm25", 1.0, bench.utc(BASE), name="Estación 1", lat=-38.2, lon=-72.9)
    message = parse("json", "t", text.encode(), HM)
    assert message.stations["bench-0001"].name == "Estación 1"
    assert json.loads(text)["observed_at"] == "2026-12-01T10:00:00Z"


def test_the_seed_writes_every_column_of_the_table():
    assert [name for name, _type, _label in layout.COLUMNS] == [
        "station_id", "variable", "value", "unit", "observed_at", "extras",
    ]
