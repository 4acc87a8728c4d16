"""Stream benchmark: MQTT push ingest end to end, publish→visible latency, time-series queries.

    .venv/bin/python bench/stream.py --ini .run/test.ini --serve                       # full
    .venv/bin/python bench/stream.py --ini .run/test.ini --serve --readings 50000 \\
        --single 10000 --latency-seconds 20 --rows 500000 --queries 30                 # small

It uses the database of the given ini (an organisation ``bench-stream`` and a new ``mqtt``
source each run, topic prefix ``bench-stream/<nonce>``, deleted at the end unless
``--keep-source``; its dataset and table stay); point it at a test database.
The real Mosquitto (``--broker``, 127.0.0.1:1883) and the real consumer
(``ckan -c INI territorio stream run`` as a subprocess, the ini's flush_ms/batch_messages)
are used. Readings come from ``--stations`` stations (500) × 2 variables (pm25, pm10).

1. Warm-up: one reading per series, so the consumer creates the dataset and its table
   (not timed).
2. Throughput: ``--readings`` readings (1,000,000) in ``json`` messages of ``--per-message``
   readings (1000, the format's maximum), QoS 1, as fast as the broker takes them; readings/s
   from the first publish to the moment ``count(*)`` of the observations table (polled in
   PostgreSQL every 0.2 s) holds them all. ``--single N`` repeats it with N messages of one
   reading each.
3. Latency: ``--rate`` readings/s (2000) for ``--latency-seconds``, in messages of
   ``--latency-batch`` readings every 1/(rate/batch) s; meanwhile a probe reading is published
   and ``territorio_readings`` (station, variable, from = to = its moment) is polled every
   10 ms until it answers it; p50/p95 of publish→visible.
4. The consumer's peak RSS (VmHWM of /proc/<pid>/status), then the consumer is stopped.
5. Seed: the same table grows by ``--rows`` rows (10,000,000) with COPY (every series every
   10 min, or sparser so that the span is at least 35 days), then ANALYZE.
6. ``territorio_readings`` one station × one week raw (random station each time), one region
   (the source's dataset: every station) × 30 days of daily means of pm25 (every page), and
   ``territorio_latest`` of the dataset (500 stations × 2 variables): p50/p95 over ``--queries``.
   ``--query-dataset NAME --end ISO`` runs only this phase, on a dataset an earlier run seeded.

Actions are called over HTTP (``--serve`` starts gunicorn on a free port, gthread like the
deployment; or ``--url``) with a token of the site user, or in-process (``--in-process``).
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stream_ckan import (  # noqa: E402
    VARIABLES,
    Caller,
    bench_ini,
    count_rows,
    peak_mb,
    seed,
    serve,
    station_name,
    write_connection,
)

ROOT = Path(__file__).resolve().parents[1]
PROBE = "bench-sonda"
# QoS 1 messages awaiting their PUBACK at most (paho numbers them 1..65535)
OUTSTANDING = 30_000
TARGETS = {"throughput": 30_000, "latency_p95": 1.0, "rss": 200, "readings_p95": 0.050, "latest_p95": 0.050}


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def quantiles(values: list[float]) -> tuple[float, float]:
    """p50 and p95 (inclusive method) of the values."""
    if len(values) < 2:
        return (values[0], values[0]) if values else (float("nan"), float("nan"))
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94]


def verdict(ok: bool) -> str:
    return "cumple" if ok else "NO cumple"


# --- publishing -----------------------------------------------------------------------------


class Publisher:
    """A paho-mqtt 2.2 client publishing QoS 1 json messages; PUBACKs counted."""

    def __init__(self, host: str, port: int, prefix: str) -> None:
        self.prefix = prefix
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{uuid.uuid4().hex[:8]}",
                                  protocol=mqtt.MQTTv5)
        self.client.max_inflight_messages_set(1000)
        self.client.max_queued_messages_set(0)
        self.client.connect(host, port)
        self.client.loop_start()

    def publish(self, station: str, payload: str) -> mqtt.MQTTMessageInfo:
        info = self.client.publish(f"{self.prefix}/{station}", payload.encode(), qos=1)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            raise RuntimeError(f"publish: {mqtt.error_string(info.rc)}")
        return info

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def reading(station: str, variable: str, value: float, moment: str, **extra: Any) -> str:
    text = (f'{{"station":"{station}","variable":"{variable}","value":{value},'
            f'"unit":"µg/m³","observed_at":"{moment}"')
    for key, item in extra.items():
        text += f',"{key}":{json.dumps(item)}'
    return text + "}"


def generated(total: int, stations: int, base: dt.datetime) -> Any:
    """``total`` flat readings as JSON texts: series n % series, one second apart per round."""
    series = stations * len(VARIABLES)
    stamps: dict[int, str] = {}
    for n in range(total):
        second = n // series
        moment = stamps.get(second)
        if moment is None:
            stamps.clear()
            moment = stamps[second] = utc(base + dt.timedelta(seconds=second))
        s = n % series
        yield reading(station_name(s % stations), VARIABLES[s // stations], 5 + (n * 37) % 600 / 10, moment)


def wait_rows(connection: Any, resource_id: str, expected: int, stall: float) -> tuple[int, float]:
    """Poll count(*) until ``expected``; (rows, perf_counter of the poll that saw them or the last rise)."""
    last_rows, last_change = -1, time.perf_counter()
    while True:
        rows = count_rows(connection, resource_id)
        now = time.perf_counter()
        if rows != last_rows:
            last_rows, last_change = rows, now
        if rows >= expected or now - last_change > stall:
            return rows, last_change
        time.sleep(0.2)


def throughput(pub: Publisher, connection: Any, resource_id: str, total: int, per_message: int, stations: int,
               base: dt.datetime, stall: float) -> None:
    before = count_rows(connection, resource_id)
    items = generated(total, stations, base)
    started = time.perf_counter()
    infos: collections.deque[mqtt.MQTTMessageInfo] = collections.deque()
    sent = messages = 0
    while sent < total:
        chunk = [next(items) for _ in range(min(per_message, total - sent))]
        sent += len(chunk)
        payload = chunk[0] if per_message == 1 else "[" + ",".join(chunk) + "]"
        if len(infos) >= OUTSTANDING:
            # message ids are 16-bit: paho refuses an id still awaiting its PUBACK
            infos.popleft().wait_for_publish(timeout=600)
        infos.append(pub.publish("lote", payload))
        messages += 1
    for info in infos:
        info.wait_for_publish(timeout=600)
    accepted = time.perf_counter() - started
    rows, seen = wait_rows(connection, resource_id, before + total, stall)
    rows -= before
    seconds = seen - started
    rate = rows / seconds if seconds > 0 else float("nan")
    print(f"  {messages:,} mensajes de {per_message} lectura(s): el broker los aceptó (PUBACK) en {accepted:.1f} s "
          f"→ {total / accepted:,.0f} lecturas/s")
    print(f"  {rows:,} de {total:,} filas confirmadas en {seconds:.1f} s → {rate:,.0f} lecturas/s de extremo a extremo "
          f"(objetivo ≥ {TARGETS['throughput']:,}: {verdict(rate >= TARGETS['throughput'])})")
    if rows < total:
        print(f"  ATENCIÓN: faltan {total - rows:,} lecturas tras {stall:.0f} s sin cambios (perdidas o atascadas)")


def latency(pub: Publisher, call: Caller, dataset: str, rate: int, batch: int, seconds: float, stations: int,
            base: dt.datetime, probe_base: dt.datetime) -> int:
    """Steady load in a thread, probes in this one; prints p50/p95; readings sent (probes too)."""
    stop = threading.Event()
    sent = [0]

    def load() -> None:
        items = generated(10**9, stations, base)
        period = batch / rate
        next_at = time.perf_counter()
        while not stop.is_set():
            pub.publish("carga", "[" + ",".join(next(items) for _ in range(batch)) + "]")
            sent[0] += batch
            next_at += period
            pause = next_at - time.perf_counter()
            if pause > 0:
                time.sleep(pause)

    worker = threading.Thread(target=load, daemon=True)
    began = time.perf_counter()
    worker.start()
    delays: list[float] = []
    misses = 0
    end = time.perf_counter() + seconds
    k = 0
    try:
        while time.perf_counter() < end:
            moment = utc(probe_base + dt.timedelta(seconds=k))
            k += 1
            started = time.perf_counter()
            pub.publish(PROBE, reading(PROBE, "pm25", 10.0, moment))
            params = {"id": dataset, "station": PROBE, "variable": "pm25", "from": moment, "to": moment}
            while True:
                if call("territorio_readings", params)["records"]:
                    delays.append(time.perf_counter() - started)
                    break
                if time.perf_counter() - started > 30:
                    misses += 1
                    break
                time.sleep(0.01)
            time.sleep(random.uniform(0.05, 0.25))  # probes at random phases of the flush cycle
    finally:
        stop.set()
        worker.join(timeout=10)
    achieved = sent[0] / (time.perf_counter() - began)
    p50, p95 = quantiles(delays)
    print(f"  carga {achieved:,.0f} lecturas/s en mensajes de {batch}; {len(delays)} sondas"
          f"{f', {misses} sin aparecer en 30 s' if misses else ''}")
    print(f"  publicación→visible en territorio_readings: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
          f"(objetivo p95 ≤ {TARGETS['latency_p95'] * 1000:.0f} ms: {verdict(p95 <= TARGETS['latency_p95'])})")
    return sent[0] + k


# --- seed and queries -------------------------------------------------------------------------


def timed(call: Caller, action: str, make: Callable[[], dict[str, Any]], n: int) -> tuple[list[float], dict[str, Any]]:
    """Seconds of ``n`` calls (every page followed), after one warm-up; and the last answer."""
    times: list[float] = []
    last: dict[str, Any] = {}
    call(action, make())
    for _ in range(n):
        params = make()
        started = time.perf_counter()
        last = call(action, params)
        pages = 1
        records = len(last.get("records", []))
        while last.get("next"):
            last = call(action, {**params, "cursor": last["next"]})
            pages += 1
            records += len(last["records"])
        times.append(time.perf_counter() - started)
        last = {"pages": pages, "records": records}
    return times, last


def queries(call: Caller, dataset: str, stations: int, end: dt.datetime, n: int, label: str) -> None:
    rng = random.Random(20261202)
    week = {"from": utc(end - dt.timedelta(days=7)), "to": utc(end - dt.timedelta(seconds=1))}
    month = {"from": utc(end - dt.timedelta(days=30)), "to": utc(end - dt.timedelta(seconds=1))}
    shapes: list[tuple[str, str, Callable[[], dict[str, Any]], str]] = [
        ("territorio_readings", "una estación × una semana, crudo (2 variables)",
         lambda: {"id": dataset, "station": station_name(rng.randrange(stations)), **week, "limit": 10000},
         "readings_p95"),
        ("territorio_readings", "la región (todas las estaciones) × 30 días, medias diarias de pm25",
         lambda: {"id": dataset, "variable": "pm25", "aggregate": "day", **month, "limit": 10000}, "readings_p95"),
        ("territorio_latest", f"{stations} estaciones (id del conjunto)", lambda: {"id": dataset}, "latest_p95"),
    ]
    print(f"==> Consultas sobre {label} ({n} veces cada una, tras una de calentamiento)")
    for action, what, make, target in shapes:
        times, last = timed(call, action, make, n)
        p50, p95 = quantiles(times)
        print(f"  {action} {what}: p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms; {last['records']:,} registros "
              f"en {last['pages']} página(s) (objetivo p95 ≤ {TARGETS[target] * 1000:.0f} ms: "
              f"{verdict(p95 <= TARGETS[target])})")


# --- main -------------------------------------------------------------------------------------


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise SystemExit(f"tiempo agotado esperando {what}")


def main() -> int:
    """Run the phases and print the figures beside the targets."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ini", type=Path, default=ROOT / ".run" / "ckan.ini", help="ini de CKAN (base de pruebas)")
    parser.add_argument("--broker", default="127.0.0.1:1883")
    parser.add_argument("--stations", type=int, default=500)
    parser.add_argument("--readings", type=int, default=1_000_000)
    parser.add_argument("--per-message", type=int, default=1000)
    parser.add_argument("--single", type=int, default=100_000, help="lecturas de a una por mensaje (0: no)")
    parser.add_argument("--rate", type=int, default=2000)
    parser.add_argument("--latency-batch", type=int, default=20)
    parser.add_argument("--latency-seconds", type=float, default=60)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--stall", type=float, default=60, help="segundos sin filas nuevas para rendirse")
    parser.add_argument("--serve", action="store_true", help="arranca gunicorn sobre el ini (puerto libre)")
    parser.add_argument("--url", help="un portal ya en marcha con el mismo ini")
    parser.add_argument("--in-process", action="store_true", help="acciones dentro de este proceso, sin HTTP")
    parser.add_argument("--keep-source", action="store_true", help="no borra la fuente mqtt al terminar")
    parser.add_argument("--query-dataset", help="solo las consultas, sobre este conjunto ya sembrado (con --end)")
    parser.add_argument("--end", help="fin de la siembra de ese conjunto (ISO 8601), para --query-dataset")
    args = parser.parse_args()
    host, port = args.broker.rsplit(":", 1)

    folder = Path(tempfile.mkdtemp(prefix="bench-stream-"))
    ini = bench_ini(args.ini, folder)
    os.environ["CKAN_INI"] = str(ini)
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(str(ini)))
    import ckan.plugins.toolkit as tk
    from ckan import model

    from ckanext.territorio.timeseries import readings as readings_engine

    processes: list[subprocess.Popen[bytes]] = []
    with app._wsgi_app.test_request_context():
        site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        context = {"user": site, "ignore_auth": True}
        try:
            org = tk.get_action("organization_show")(dict(context), {"id": "bench-stream"})
        except tk.ObjectNotFound:
            org = tk.get_action("organization_create")(dict(context), {"name": "bench-stream", "title": "Bench"})
        nonce = uuid.uuid4().hex[:10]
        prefix = f"bench-stream/{nonce}"
        source = tk.get_action("harvest_source_create")(dict(context), {
            "name": f"bench-mqtt-{nonce}", "title": "Bench MQTT", "url": f"mqtt://{args.broker}",
            "source_type": "mqtt", "owner_org": org["id"], "frequency": "MANUAL",
            "config": json.dumps({"region": ["CL-AR"], "format": "json", "topics": [f"{prefix}/#"]}),
        })
        model.Session.remove()
        token = None
        url = args.url
        try:
            if args.serve:
                server, url = serve(ini, folder / "gunicorn.log")
                processes.append(server)
            if args.in_process:
                url = None
            elif url:
                token = tk.get_action("api_token_create")(dict(context), {"user": site, "name": f"bench-{nonce}"})["token"]
            call = Caller(url, site, token)
            print(f"==> Acciones {'por HTTP en ' + url if url else 'dentro del proceso (sin HTTP)'}; "
                  f"fuente {source['name']}, temas {prefix}/#, {args.stations} estaciones × {len(VARIABLES)} variables")
            if args.query_dataset:
                # only the queries, on a table an earlier run seeded (its seed's end: --end)
                connection = write_connection()
                table = readings_engine.observations_resource(
                    tk.get_action("package_show")(dict(context), {"id": args.query_dataset}))
                total = count_rows(connection, table)
                connection.close()
                end = dt.datetime.fromisoformat(args.end.replace("Z", "+00:00"))
                queries(call, args.query_dataset, args.stations, end, args.queries, f"{total:,} filas")
                return 0
            out = folder / "stream.out"
            with open(folder / "stream.log", "wb") as log, open(out, "wb") as stdout:
                consumer = subprocess.Popen([str(Path(sys.executable).with_name("ckan")), "-c", str(ini),
                                             "territorio", "stream", "run"], stdout=stdout, stderr=log)
            processes.append(consumer)
            wait_for(lambda: consumer.poll() is not None or "Consumidor MQTT" in out.read_text(), 120, "el consumidor")
            if consumer.poll() is not None:
                raise SystemExit(f"el consumidor terminó; vea {folder / 'stream.log'}")
            print(f"  {out.read_text().strip()} (pid {consumer.pid}; flush_ms "
                  f"{tk.config.get('ckanext.territorio.stream.flush_ms')}, batch_messages "
                  f"{tk.config.get('ckanext.territorio.stream.batch_messages')})")

            now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
            pub = Publisher(host, int(port), prefix)
            warm = now - dt.timedelta(hours=10)
            warm_messages = []
            for variable in VARIABLES:
                items = [reading(station_name(n), variable, 1.0, utc(warm), name=f"Estación {n}",
                                 lat=round(-38.2 - (n % 25) * 0.06, 4), lon=round(-72.9 + (n // 25) * 0.05, 4))
                         for n in range(args.stations)]
                if variable == "pm25":
                    items.append(reading(PROBE, "pm25", 1.0, utc(warm), name="Sonda", lat=-38.74, lon=-72.6))
                warm_messages.append("[" + ",".join(items) + "]")
            warm_rows = len(VARIABLES) * args.stations + 1

            def dataset_found() -> Any:
                for package in tk.get_action("package_search")(dict(context), {
                        "fq": f'harvest_source_id:"{source["id"]}"', "include_private": True})["results"]:
                    table = readings_engine.observations_resource(package)
                    if table is not None:
                        return package, table
                return None

            # the consumer subscribes a moment after it starts: publish the (idempotent) warm-up
            # readings again every 5 s until they are all in the table
            started = time.perf_counter()
            connection = write_connection()
            found = None
            while True:
                for text in warm_messages:
                    pub.publish("inicio", text).wait_for_publish(timeout=60)
                deadline = time.perf_counter() + 5
                while time.perf_counter() < deadline:
                    found = found or dataset_found()
                    if found is not None and count_rows(connection, found[1]) >= warm_rows:
                        break
                    time.sleep(0.2)
                if found is not None and count_rows(connection, found[1]) >= warm_rows:
                    break
                if time.perf_counter() - started > 180:
                    raise SystemExit(f"las lecturas de inicio no llegaron en 180 s; vea {folder / 'stream.log'}")
            package, resource_id = found
            print(f"==> Inicio: conjunto {package['name']} y su tabla {resource_id} creados por el consumidor en "
                  f"{time.perf_counter() - started:.1f} s ({warm_rows} series)")

            print(f"==> Rendimiento: {args.readings:,} lecturas, {args.per_message} por mensaje, QoS 1")
            throughput(pub, connection, resource_id, args.readings, args.per_message, args.stations,
                       now - dt.timedelta(hours=9), args.stall)
            if args.single:
                print(f"==> Rendimiento: {args.single:,} lecturas, 1 por mensaje, QoS 1")
                throughput(pub, connection, resource_id, args.single, 1, args.stations,
                           now - dt.timedelta(hours=8), args.stall)

            print(f"==> Latencia a {args.rate:,} lecturas/s durante {args.latency_seconds:.0f} s")
            before = count_rows(connection, resource_id)
            sent = latency(pub, call, package["name"], args.rate, args.latency_batch, args.latency_seconds,
                           args.stations, now - dt.timedelta(hours=7), now - dt.timedelta(hours=6))
            rows, _ = wait_rows(connection, resource_id, before + sent, args.stall)
            if rows - before < sent:
                print(f"  ATENCIÓN: {sent - (rows - before):,} de {sent:,} lecturas de la fase de latencia no llegaron")
            peak, rss = peak_mb(consumer.pid)
            print(f"==> Memoria del consumidor: pico (VmHWM) {peak:.0f} MB, ahora {rss:.0f} MB "
                  f"(objetivo < {TARGETS['rss']} MB: {verdict(peak < TARGETS['rss'])})")
            pub.close()
            consumer.send_signal(signal.SIGTERM)
            consumer.wait(timeout=60)

            end = now - dt.timedelta(days=1)
            print(f"==> Siembra: {args.rows:,} filas con COPY en la misma tabla")
            span, seconds = seed(resource_id, args.rows, args.stations, end)
            total = count_rows(connection, resource_id)
            connection.close()
            print(f"  {seconds:.1f} s ({args.rows / seconds:,.0f} filas/s, con ANALYZE); {span.days} días por serie; "
                  f"la tabla tiene {total:,} filas")
            queries(call, package["name"], args.stations, end, args.queries, f"{total:,} filas")
        finally:
            for process in reversed(processes):
                if process.poll() is None:
                    process.terminate()
                    try:
                        process.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        process.kill()
            if not args.keep_source:
                # a later consumer on this database would otherwise connect to this source too
                tk.get_action("harvest_source_delete")(dict(context), {"id": source["id"]})
                model.Session.remove()
            print(f"(registros en {folder})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
