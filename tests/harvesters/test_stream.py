"""Push ingest from the real Mosquitto broker (127.0.0.1:1883): `ckan territorio stream run`.

The consumer runs as a subprocess on the test databases; messages are published with
paho-mqtt on a topic prefix of their own per test. Every wait polls the database with a
timeout. Formats end to end (rows in the observations table, the dataset with its tags and
stations), a source created through the API subscribed within 10 s, QoS 1 redelivery after
``kill -9`` with exact counts, dead letters on the source's page, config errors.
"""
from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
import sqlalchemy as sa
from ckan import model
from ckan.logic import ValidationError
from ckan.tests.helpers import call_action
from ckan_processes import CKAN, layered_ini, processes
from harvest_helpers import PLUGINS, datastore_sql, harvest_marks, observations_resource

from ckanext.territorio.model import stream_dead_letter
from ckanext.territorio.secrets.keys import MASK

BROKER = "mqtt://127.0.0.1:1883"
STREAM_PLUGINS = f"{PLUGINS} territorio_mqtt"

pytestmark = [*harvest_marks, pytest.mark.ckan_config("ckan.plugins", STREAM_PLUGINS)]


@pytest.fixture
def prefix() -> str:
    return f"territorio-prueba/{uuid.uuid4().hex[:12]}"


@pytest.fixture
def stream_ini(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    return layered_ini(request, tmp_path / "stream.ini", STREAM_PLUGINS, {
        "ckanext.territorio.harvest.allow_networks": "127.0.0.1",
        "ckanext.territorio.stream.flush_ms": 200,
        "ckanext.territorio.stream.batch_messages": 50,
        # a small inbox: bursts here (600 messages in the kill -9 test) meet the backpressure
        "ckanext.territorio.stream.inbox_kb": 64,
        "ckanext.territorio.stream.refresh_seconds": 1,
        "ckanext.territorio.stream.session_expiry": 300,
    })


@pytest.fixture
def consumer(stream_ini: Path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Start `ckan territorio stream run` subprocesses; every one is stopped (SIGTERM) at the end."""
    with processes(graceful=True) as running:

        def start() -> subprocess.Popen[bytes]:
            n = len(running.started)
            out, log_path = stream_ini.with_suffix(f".{n}.out"), stream_ini.with_suffix(f".{n}.log")
            with open(log_path, "wb") as log, open(out, "wb") as stdout:
                process = running.start([CKAN, "-c", str(stream_ini), "territorio", "stream", "run"],
                                        stdout=stdout, stderr=log)
            # CKAN loaded, the loop about to start
            wait_for(lambda: process.poll() is not None or "Consumidor MQTT" in out.read_text(), 60, "el consumidor")
            assert process.poll() is None, log_path.read_text()[-3000:]
            return process

        yield start


@pytest.fixture
def publisher() -> Iterator[mqtt.Client]:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"prueba-{uuid.uuid4().hex[:8]}",
                         protocol=mqtt.MQTTv5)
    client.connect("127.0.0.1", 1883)
    client.loop_start()
    try:
        yield client
    finally:
        client.disconnect()
        client.loop_stop()


def publish(client: mqtt.Client, topic: str, payload: Any) -> None:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    client.publish(topic, body, qos=1).wait_for_publish(timeout=10)


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"tiempo agotado esperando {what}")


@pytest.fixture
def mqtt_source(make_source: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    def make(fmt: str, topics: list[str], **config: Any) -> dict[str, Any]:
        settings = {"region": ["CL-AR"], "comuna": ["09101"], "format": fmt, "topics": topics, **config}
        return make_source("mqtt", BROKER, settings, name=f"mqtt-{uuid.uuid4().hex[:8]}")

    return make


def datasets_of(source_id: str) -> list[dict[str, Any]]:
    model.Session.remove()
    return call_action("package_search", fq=f'harvest_source_id:"{source_id}"', include_private=True,
                       sort="name asc")["results"]


def rows_of(source_id: str) -> list[dict[str, Any]]:
    """Every reading of the source's observations tables, oldest first."""
    rows: list[dict[str, Any]] = []
    for dataset in datasets_of(source_id):
        resource = observations_resource(dataset)
        try:
            rows += datastore_sql(f'SELECT station_id, variable, value, unit, observed_at FROM "{resource["id"]}"')
        except ValidationError:  # the table is not there yet
            continue
    return sorted(rows, key=lambda r: (r["observed_at"], r["station_id"], r["variable"]))


def counts(source_id: str) -> tuple[int, int]:
    total = distinct = 0
    for dataset in datasets_of(source_id):
        resource = observations_resource(dataset)
        try:
            row = datastore_sql(
                f'SELECT count(*) AS n, count(DISTINCT (station_id, variable, observed_at)) AS d FROM "{resource["id"]}"'
            )[0]
        except ValidationError:
            continue
        total, distinct = total + int(row["n"]), distinct + int(row["d"])
    return total, distinct


def stations_geojson(dataset: dict[str, Any]) -> dict[str, Any]:
    from ckan.lib import uploader

    resource = next(r for r in dataset["resources"] if r["format"].lower() == "geojson")
    path = uploader.get_resource_uploader(resource).get_path(resource["id"])
    return json.loads(Path(path).read_text())


START = dt.datetime(2026, 12, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=-3)))


def flat(station: str, variable: str, value: float, minute: int, **extra: Any) -> dict[str, Any]:
    moment = (START + dt.timedelta(minutes=minute)).isoformat()
    return {"station": station, "variable": variable, "value": value, "unit": "µg/m³", "observed_at": moment, **extra}


class TestConfig:
    def test_a_good_source_keeps_its_password_apart(self, mqtt_source, prefix):
        source = mqtt_source("json", [f"{prefix}/#"], username="portal", password="clave-mqtt-9d1e")
        shown = json.loads(source["config"])
        assert shown["password"] == MASK and shown["username"] == "portal"
        from ckanext.territorio.model.source_secret import secrets_of

        assert secrets_of(source["id"]) == {"password": "clave-mqtt-9d1e"}

    @pytest.mark.parametrize(
        ("url", "config", "key", "text"),
        [
            ("http://127.0.0.1:1883", {}, "url", "mqtt://"),
            ("mqtt://10.20.30.40:1883", {}, "url", "no es pública"),
            ("mqtt://usuario:clave@127.0.0.1:1883", {}, "url", "username"),
            ("mqtt://127.0.0.1:1883/temas", {}, "url", "ruta"),
            (BROKER, {"topics": None}, "config.topics", "falta"),
            (BROKER, {"topics": ["a/#/b"]}, "config.topics", "'#' solo el último"),
            (BROKER, {"topics": ["a/b+"]}, "config.topics", "'+' ocupa un nivel"),
            (BROKER, {"format": "xml"}, "config.format", "sensorthings, ngsi-ld, json"),
            (BROKER, {"qos": 2}, "config.qos", "clave desconocida"),
            (BROKER, {"datastreams": {"7": {"station": "s", "variable": "nada"}}}, "config.datastreams",
             "variable desconocida"),
        ],
    )
    def test_bad_sources_are_refused_with_the_field(self, make_source, url, config, key, text):
        settings = {"region": ["CL-AR"], "format": "json", "topics": ["x/#"], **config}
        settings = {k: v for k, v in settings.items() if v is not None}
        with pytest.raises(ValidationError) as caught:
            make_source("mqtt", url, settings, name="mqtt-mala")
        errors = caught.value.error_dict
        assert key in errors, errors
        assert text in " ".join(errors[key])
        assert not model.Session.execute(sa.text("SELECT 1 FROM package WHERE name = 'mqtt-mala'")).first()


class TestFormats:
    def test_json_source_created_through_the_api_is_subscribed_within_10_s(
        self, consumer, publisher, mqtt_source, prefix
    ):
        consumer()
        source = mqtt_source("json", [f"{prefix}/+/medicion"])
        created = time.monotonic()
        sent = 0

        def arrived() -> bool:
            nonlocal sent
            if not rows_of(source["id"]):
                publish(publisher, f"{prefix}/temuco-1/medicion",
                        flat("temuco-1", "PM2.5", 10 + sent, sent, lat=-38.73, lon=-72.6, name="Las Encinas"))
                sent += 1
                time.sleep(0.2)
                return False
            return True

        wait_for(arrived, 30, "la primera medición")
        assert time.monotonic() - created < 10
        publish(publisher, f"{prefix}/temuco-2/medicion", [flat("temuco-2", "pm10", 33.5, 59), flat("temuco-2", "mp25", 8, 59)])
        publish(publisher, f"{prefix}/otro/tema", flat("temuco-2", "pm10", 1, 1))  # not subscribed
        wait_for(lambda: len([r for r in rows_of(source["id"]) if r["station_id"] == "temuco-2"]) == 2, 20,
                 "las mediciones de temuco-2")
        rows = rows_of(source["id"])
        assert {(r["station_id"], r["variable"]) for r in rows} == {("temuco-1", "pm25"), ("temuco-2", "pm10"),
                                                                     ("temuco-2", "pm25")}
        assert {r["unit"] for r in rows} == {"µg/m³"}
        dataset = wait_for(lambda: next(iter(d for d in datasets_of(source["id"])
                                             if len(stations_geojson(d)["features"]) == 2), None), 20, "el GeoJSON")
        tags = {t["name"] for t in dataset["tags"]}
        assert {"calidad del aire", "pm25", "pm10"} <= tags
        assert dataset["region"] == ["CL-AR"]
        features = {f["properties"]["id"]: f for f in stations_geojson(dataset)["features"]}
        assert features["temuco-1"]["geometry"]["coordinates"] == [-72.6, -38.73]
        assert features["temuco-1"]["properties"]["nombre"] == "Las Encinas"

    def test_sensorthings_observations(self, consumer, publisher, mqtt_source, prefix):
        source = mqtt_source(
            "sensorthings", [f"{prefix}/v1.1/+/Observations"],
            datastreams={"7": {"station": "sta:3", "variable": "NO2", "name": "Padre Las Casas",
                               "lat": -38.77, "lon": -72.59}},
        )
        consumer()
        observation = {"phenomenonTime": "2026-12-01T13:00:00Z", "result": 21.5}
        inline = {"phenomenonTime": "2026-12-01T12:00:00Z/2026-12-01T13:00:00Z", "result": "4,5",
                  "Datastream": {"@iot.id": 8, "name": "O3 Las Encinas", "unitOfMeasurement": {"symbol": "ppb"},
                                 "ObservedProperty": {"name": "ozone"},
                                 "Thing": {"@iot.id": 4, "name": "Las Encinas", "Locations": [
                                     {"location": {"type": "Point", "coordinates": [-72.61, -38.74]}}]}}}
        published = 0

        def arrived() -> bool:
            nonlocal published
            if len(rows_of(source["id"])) < 2:
                publish(publisher, f"{prefix}/v1.1/Datastreams(7)/Observations", observation)
                publish(publisher, f"{prefix}/v1.1/Datastreams(8)/Observations", inline)
                published += 1
                time.sleep(0.3)
                return False
            return True

        wait_for(arrived, 30, "las observaciones SensorThings")
        rows = rows_of(source["id"])
        assert [(r["station_id"], r["variable"], r["value"], r["unit"]) for r in rows] == [
            ("sta:3", "no2", 21.5, "ppb"), ("sta:4", "o3", 4.5, "ppb")]
        assert counts(source["id"]) == (2, 2)  # the repeated publications are duplicates
        (dataset,) = datasets_of(source["id"])
        assert {"no2", "o3"} <= {t["name"] for t in dataset["tags"]}

    def test_ngsi_ld_entities_normalized_and_key_values(self, consumer, publisher, mqtt_source, prefix):
        source = mqtt_source("ngsi-ld", [f"{prefix}/#"])
        consumer()
        air = {"id": "urn:ngsi-ld:AirQualityObserved:temuco-1", "type": "AirQualityObserved",
               "dateObserved": {"type": "Property", "value": {"@type": "DateTime", "@value": "2026-12-01T13:00:00Z"}},
               "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [-72.6, -38.73]}},
               "pm25": {"type": "Property", "value": 17.0, "unitCode": "GQ"},
               "pm10": {"type": "Property", "value": 30, "unitCode": "GQ", "observedAt": "2026-12-01T13:05:00Z"}}
        traffic = {"id": "urn:ngsi-ld:TrafficFlowObserved:av-alemania", "type": "TrafficFlowObserved",
                   "dateObserved": "2026-12-01T13:00:00-03:00", "intensity": 420,
                   "location": {"type": "Point", "coordinates": [-72.61, -38.735]}}
        notification = {"id": "urn:ngsi-ld:Notification:1", "type": "Notification", "data": [air, traffic]}

        def arrived() -> bool:
            if len(rows_of(source["id"])) < 3:
                publish(publisher, f"{prefix}/notificaciones", notification)
                time.sleep(0.3)
                return False
            return True

        wait_for(arrived, 30, "las entidades NGSI-LD")
        rows = rows_of(source["id"])
        assert {(r["station_id"], r["variable"], r["value"]) for r in rows} == {
            ("urn:ngsi-ld:AirQualityObserved:temuco-1", "pm25", 17.0),
            ("urn:ngsi-ld:AirQualityObserved:temuco-1", "pm10", 30.0),
            ("urn:ngsi-ld:TrafficFlowObserved:av-alemania", "intensidad", 420.0)}
        families = {json.dumps(sorted(t["name"] for t in d["tags"])) for d in datasets_of(source["id"])}
        assert len(families) == 2  # one dataset per family: air quality, traffic


class TestFailures:
    def test_malformed_messages_are_dead_letters_and_the_consumer_goes_on(
        self, consumer, publisher, mqtt_source, prefix, app
    ):
        source = mqtt_source("json", [f"{prefix}/#"])
        consumer()
        wait_for(lambda: publish(publisher, f"{prefix}/a", flat("s1", "pm25", 1, 0)) or rows_of(source["id"]),
                 30, "la suscripción")
        bad = [b"\xff\xfe no es utf-8", b"{no es json", json.dumps(flat("s1", "radiacion_cosmica", 1, 2)).encode(),
               json.dumps({**flat("s1", "pm25", 1, 3), "observed_at": "2026-12-01T10:03:00"}).encode()]
        for payload in bad:
            publish(publisher, f"{prefix}/malo", payload)
        publish(publisher, f"{prefix}/a", flat("s1", "pm25", 2, 4))
        wait_for(lambda: any(r["value"] == 2 for r in rows_of(source["id"])), 20, "la medición válida posterior")

        def letters() -> stream_dead_letter.Summary | None:
            model.Session.remove()
            found = stream_dead_letter.summary(model.Session, source["id"], latest=10)
            return found if found is not None and found.malformed >= 4 else None

        summary = wait_for(letters, 20, "los mensajes descartados")
        assert summary.malformed == 4
        reasons = " | ".join(letter["reason"] for letter in summary.latest)
        for text in ("UTF-8", "no es JSON válido", "'radiacion_cosmica' no es una variable conocida", "zona horaria"):
            assert text in reasons
        page = app.get(f"/harvest/{source['name']}").get_data(as_text=True)
        assert "Mensajes mal formados" in page
        assert 'territorio-stream-malformed">4<' in page
        assert "no es una variable conocida" in page

    def test_kill_9_mid_batch_loses_nothing_and_duplicates_nothing(self, consumer, publisher, mqtt_source, prefix):
        source = mqtt_source("json", [f"{prefix}/#"])
        first = consumer()
        wait_for(lambda: publish(publisher, f"{prefix}/s", flat("s0", "pm25", 0, 0)) or rows_of(source["id"]),
                 30, "la suscripción")
        # half before the kill, half while the consumer is dead (the broker keeps them for its
        # persistent session): the kill lands mid-stream however fast the consumer is
        total = 600
        for i in range(1, total // 2 + 1):
            publisher.publish(f"{prefix}/s", json.dumps(flat(f"s{i % 20}", "pm25", float(i), i)).encode(), qos=1)
        wait_for(lambda: counts(source["id"])[0] > 1, 30, "las primeras filas")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        partial = counts(source["id"])[0]
        for i in range(total // 2 + 1, total + 1):
            publish(publisher, f"{prefix}/s", flat(f"s{i % 20}", "pm25", float(i), i))
        assert partial <= total // 2 + 1  # killed before the second half was even sent
        consumer()
        wait_for(lambda: counts(source["id"])[0] >= total + 1, 60, "todas las mediciones")
        assert counts(source["id"]) == (total + 1, total + 1)


def session_present(client_id: str) -> bool:
    """Whether the broker keeps a persistent session for ``client_id`` (connecting ends it)."""
    result: dict[str, bool] = {}
    done = threading.Event()

    def on_connect(client, userdata, flags, reason, properties):
        result["present"] = bool(flags.session_present)
        done.set()

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    client.on_connect = on_connect
    client.connect("127.0.0.1", 1883, clean_start=False)
    client.loop_start()
    try:
        assert done.wait(10)
    finally:
        client.disconnect()
        client.loop_stop()
    return result["present"]


class TestChanges:
    def test_changed_topics_and_a_deleted_source_are_picked_up_without_restart(
        self, consumer, publisher, mqtt_source, prefix, stream_ini, sysadmin
    ):
        as_admin = {"user": sysadmin["name"]}
        source = mqtt_source("json", [f"{prefix}/a/#"])
        consumer()
        wait_for(lambda: publish(publisher, f"{prefix}/a/x", flat("s1", "pm25", 1, 0)) or rows_of(source["id"]),
                 30, "la suscripción a a/#")
        config = json.loads(call_action("harvest_source_show", id=source["id"])["config"])
        call_action("harvest_source_patch", context=dict(as_admin), id=source["id"], config=json.dumps({**config, "topics": [f"{prefix}/b/#"]}))
        changed = time.monotonic()
        wait_for(lambda: publish(publisher, f"{prefix}/b/x", flat("s1", "pm25", 2, 1)) or
                 any(r["value"] == 2 for r in rows_of(source["id"])), 30, "la suscripción a b/#")
        assert time.monotonic() - changed < 10
        publish(publisher, f"{prefix}/a/x", flat("s1", "pm25", 3, 2))  # no longer subscribed
        publish(publisher, f"{prefix}/b/x", flat("s1", "pm25", 4, 3))
        wait_for(lambda: any(r["value"] == 4 for r in rows_of(source["id"])), 20, "la medición en b/#")
        assert 3 not in {r["value"] for r in rows_of(source["id"])}

        call_action("harvest_source_delete", context=dict(as_admin), id=source["id"])
        log = stream_ini.with_suffix(".0.log")
        wait_for(lambda: "fuente eliminada" in log.read_text(), 20, "la desconexión de la fuente borrada")
        assert not session_present(f"territorio-{source['id']}")
