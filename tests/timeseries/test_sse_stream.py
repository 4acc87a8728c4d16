"""/api/territorio/stream/<dataset>: live readings as Server-Sent Events, heartbeats, budgets."""
from __future__ import annotations

import datetime as dt
import json
import time

import ckan.plugins.toolkit as tk
import pytest
from ckan.lib.redis import connect_to_redis
from ckan.tests import factories
from factories import territorial_schemas
from timeseries_helpers import HOUR, UTC, hourly, load, observations

START = dt.datetime(2024, 6, 1, tzinfo=UTC)
# method marks do not override class marks of the same option: only the heartbeat is set here
FAST = [pytest.mark.ckan_config("ckanext.territorio.stream.heartbeat_seconds", 1)]


class Reader:
    """Reads a streamed response chunk by chunk until what is awaited arrives (or a deadline)."""

    def __init__(self, response) -> None:
        self.response = response
        self.chunks = iter(response.response)
        self.text = ""
        self.ended = False

    def until(self, predicate, seconds: float = 20.0) -> str:
        deadline = time.monotonic() + seconds
        while not predicate(self.text):
            if time.monotonic() > deadline:
                raise AssertionError(f"no llegó lo esperado en {seconds} s; recibido: {self.text!r}")
            try:
                chunk = next(self.chunks)
            except StopIteration:
                self.ended = True
                raise AssertionError(f"el flujo terminó antes; recibido: {self.text!r}") from None
            self.text += chunk.decode("utf-8") if isinstance(chunk, bytes) else chunk
        return self.text

    def events(self) -> list[dict]:
        found = []
        for block in self.text.split("\n\n"):
            lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
            if lines.get("event") == "reading":
                found.append({"id": int(lines["id"]), **json.loads(lines["data"])})
        return found

    def close(self) -> None:
        self.response.close()


@pytest.fixture(autouse=True)
def _no_open_streams():
    redis = connect_to_redis()
    for key in redis.scan_iter("territorio:stream:slots*"):
        redis.delete(key)
    yield


def url(dataset) -> str:
    return tk.url_for("territorio_timeseries.stream", id=dataset["name"])


def open_stream(app, dataset, **kwargs) -> Reader:
    response = app.get(url(dataset), buffered=False, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("text/event-stream")
    reader = Reader(response)
    reader.until(lambda text: ": conectado" in text)
    return reader


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestStream:
    pytestmark = [*territorial_schemas, *FAST]

    def test_a_reading_committed_after_connecting_arrives_as_an_event(self, app, sensor_dataset):
        dataset = sensor_dataset(hourly("temuco-1", "pm25", "µg/m³", START, 3))
        reader = open_stream(app, dataset)
        try:
            load(observations(dataset), [("temuco-1", "pm25", 42.5, "µg/m³", START + 10 * HOUR),
                                         ("temuco-2", "pm10", 7.0, "µg/m³", START + 10 * HOUR)])
            reader.until(lambda text: text.count("event: reading") >= 2)
            events = reader.events()
            assert [(e["station"], e["variable"], e["value"], e["unit"], e["observed_at"]) for e in events] == [
                ("temuco-1", "pm25", 42.5, "µg/m³", "2024-06-01T10:00:00Z"),
                ("temuco-2", "pm10", 7.0, "µg/m³", "2024-06-01T10:00:00Z"),
            ]
            assert events[0]["id"] < events[1]["id"]
            # readings of other datasets do not show up; a later load does, once
            other = sensor_dataset([])
            load(observations(other), [("otra", "pm25", 1.0, "µg/m³", START)])
            load(observations(dataset), [("temuco-1", "pm25", 43.0, "µg/m³", START + 11 * HOUR)])
            reader.until(lambda text: text.count("event: reading") >= 3)
            assert [e["value"] for e in reader.events()] == [42.5, 7.0, 43.0]
        finally:
            reader.close()

    def test_heartbeats_keep_an_idle_stream_alive(self, app, sensor_dataset):
        reader = open_stream(app, sensor_dataset([]))
        try:
            reader.until(lambda text: text.count(": latido") >= 2, seconds=10)
            assert "event: reading" not in reader.text
            assert reader.text.startswith("retry: 3000\n")
        finally:
            reader.close()

    @pytest.mark.ckan_config("ckanext.territorio.stream.max_seconds", 2)
    def test_a_stream_ends_after_its_maximum_duration(self, app, sensor_dataset):
        reader = open_stream(app, sensor_dataset([]))
        with pytest.raises(AssertionError, match="terminó antes"):
            reader.until(lambda text: False, seconds=15)
        assert ": fin de la conexión" in reader.text
        assert connect_to_redis().get("territorio:stream:slots:127.0.0.1") in (b"0", None)

    def test_last_event_id_catches_up_what_was_missed(self, app, sensor_dataset):
        dataset = sensor_dataset(hourly("temuco-1", "pm25", "µg/m³", START, 5))
        first = open_stream(app, dataset, headers={"Last-Event-ID": "0"})
        try:
            first.until(lambda text: text.count("event: reading") >= 5)
            events = first.events()
            assert [e["observed_at"] for e in events] == [f"2024-06-01T0{h}:00:00Z" for h in range(5)]
        finally:
            first.close()
        resumed = open_stream(app, dataset, headers={"Last-Event-ID": str(events[2]["id"])})
        try:
            resumed.until(lambda text: text.count("event: reading") >= 2)
            assert [e["id"] for e in resumed.events()] == [events[3]["id"], events[4]["id"]]
        finally:
            resumed.close()

    @pytest.mark.ckan_config("ckanext.territorio.stream.per_client", 1)
    def test_one_client_beyond_its_budget_gets_429_in_spanish(self, app, sensor_dataset):
        dataset = sensor_dataset([])
        first = open_stream(app, dataset)
        refused = app.get(url(dataset))
        assert refused.status_code == 429
        assert refused.json["error"]["message"].startswith("Demasiadas conexiones en vivo")
        assert refused.headers["Retry-After"] == "30"
        first.close()  # closing gives the slot back
        again = open_stream(app, dataset)
        again.close()

    @pytest.mark.ckan_config("ckanext.territorio.stream.max_total", 1)
    def test_the_portal_wide_budget_holds_across_clients(self, app, sensor_dataset):
        dataset = sensor_dataset([])
        first = open_stream(app, dataset)
        try:
            other = app.get(url(dataset), environ_overrides={"REMOTE_ADDR": "10.0.0.9"})
            assert other.status_code == 429
        finally:
            first.close()

    def test_private_datasets_stream_only_to_who_may_see_them(self, app, sensor_dataset):
        member = factories.User()
        org = factories.Organization(users=[{"name": member["name"], "capacity": "member"}])
        dataset = sensor_dataset([], private=True, owner_org=org["id"])
        refused = app.get(url({"name": dataset["id"]}))
        assert refused.status_code == 403
        outsider = factories.APIToken(user=factories.User()["name"])["token"]
        assert app.get(url({"name": dataset["id"]}), headers={"Authorization": outsider}).status_code == 403
        token = factories.APIToken(user=member["name"])["token"]
        reader = open_stream(app, {"name": dataset["id"]}, headers={"Authorization": token})
        reader.close()

    def test_unknown_datasets_and_bad_event_ids_are_refused(self, app, sensor_dataset):
        assert app.get("/api/territorio/stream/no-existe").status_code == 404
        dataset = sensor_dataset([])
        bad = app.get(url(dataset), headers={"Last-Event-ID": "ayer"})
        assert bad.status_code == 409 and "last_event_id" in bad.json["error"]
        assert connect_to_redis().get("territorio:stream:slots:127.0.0.1") in (b"0", None)
