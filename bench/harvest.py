"""Harvest benchmark: 1,000,000 SensorThings observations into the DataStore, end to end.

    .venv/bin/python bench/harvest.py --ckan-ini /path/to/ckan.ini
    .venv/bin/python bench/harvest.py --ckan-ini … --stations 20 --readings 5000   # quick

A local server (its own process) exposes an OGC SensorThings API 1.1 service with
``--stations`` Things of one PM2.5 Datastream each and ``--readings`` hourly Observations
per Datastream (200 × 5,000 = 1,000,000 by default), paged with ``$top`` and
``@iot.nextLink``. The benchmark creates a ``sensorthings`` harvest source through the
action API, starts the real ``ckan harvester gather-consumer`` and ``fetch-consumer`` as
subprocesses, creates a job and ticks the scheduler (``ckan territorio-harvest tick``'s
code) until the job is Finished. It prints:

- end-to-end rows/s: rows in the observations table / seconds from ``harvest_job_create``
  to the job's Finished status (gather, dataset creation and every page included);
- the peak resident memory (VmHWM) of each consumer;
- the time of an immediate re-run (nothing new: one small page per Datastream);
- the rows/s of a raw ``COPY`` of the same rows into a table of the same layout, unique
  index and trigger (the physical limit), and the end-to-end share of it.

It uses the database of the given ini (it creates an organisation ``bench-harvest`` and a
new source each time); point it at a test database, not at production.
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.server
import io
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = (
    "territorio_search territorio activity scheming_datasets spatial_metadata spatial_query harvest datastore "
    "territorio_sensorthings"
)
START = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)


# --- the SensorThings server (separate process) ------------------------------------------


def serve(port_queue: Any, stations: int, readings: int) -> None:
    stamps = [(START + dt.timedelta(hours=i)).strftime("%Y-%m-%dT%H:%M:%SZ") for i in range(readings)]
    values = [f"{5 + (i * 37) % 600 / 10:.1f}" for i in range(997)]

    def things(query: dict[str, str], base: str) -> bytes:
        top = int(query.get("$top", 100))
        skip = int(query.get("$skip", 0))
        value = [
            {
                "@iot.id": n,
                "name": f"Estación {n:03d}",
                "Locations": [{"encodingType": "application/geo+json",
                               "location": {"type": "Point", "coordinates": [-72.6 - n / 1000, -38.7 - n / 1000]}}],
                "Datastreams": [{"@iot.id": n, "name": f"PM2.5 {n}",
                                 "unitOfMeasurement": {"name": "microgram per cubic meter", "symbol": "µg/m³"},
                                 "ObservedProperty": {"name": "PM2.5"}}],
            }
            for n in range(skip + 1, min(stations, skip + top) + 1)
        ]
        body: dict[str, Any] = {"value": value}
        if skip + top < stations:
            body["@iot.nextLink"] = f"{base}/v1.1/Things?$top={top}&$skip={skip + top}&$expand={quote(query.get('$expand', ''))}"
        return json.dumps(body).encode()

    def observations(ds: int, query: dict[str, str], base: str) -> bytes:
        top = int(query.get("$top", 100))
        skip = int(query.get("$skip", 0))
        first = 0
        condition = query.get("$filter", "")
        if condition.startswith("phenomenonTime gt "):
            since = condition[len("phenomenonTime gt "):].replace(".000", "")
            moment = dt.datetime.fromisoformat(since.replace("Z", "+00:00"))
            first = max(0, int((moment - START).total_seconds() // 3600) + 1)
        begin = first + skip
        end = min(readings, begin + top)
        offset = ds * 13
        rows = ",".join(
            f'{{"phenomenonTime":"{stamps[i]}","result":{values[(i + offset) % 997]}}}' for i in range(begin, end)
        )
        link = ""
        if end < readings:
            link = (f',"@iot.nextLink":"{base}/v1.1/Datastreams({ds})/Observations?$top={top}&$skip={skip + top}'
                    f'&$filter={quote(condition)}&$orderby=phenomenonTime%20asc"')
        return f'{{"value":[{rows}]{link}}}'.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body in separate writes: no 40 ms stalls

        def log_message(self, format: str, *args: object) -> None:
            return None

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if parts.path == "/v1.1/Things":
                body = things(query, base)
            elif parts.path.startswith("/v1.1/Datastreams(") and parts.path.endswith("/Observations"):
                body = observations(int(parts.path.split("(")[1].split(")")[0]), query, base)
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_queue.put(server.server_address[1])
    server.serve_forever()


# --- CKAN side ------------------------------------------------------------------------------


def bench_ini(base: Path, folder: Path) -> Path:
    ini = folder / "bench-harvest.ini"
    ini.write_text(
        "[app:main]\n"
        f"use = config:{base.resolve()}\n"
        f"ckan.plugins = {PLUGINS}\n"
        "ckanext.territorio.harvest.allow_networks = 127.0.0.1\n"
        "ckan.datastore.sqlsearch.enabled = true\n"
        f"ckan.storage_path = {folder / 'storage'}\n"
    )
    return ini


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_finished(job_id: str, timeout: float) -> float:
    import ckan.plugins.toolkit as tk
    from ckan import model

    from ckanext.territorio_harvesters import scheduler

    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        scheduler.tick()
        status = tk.get_action("harvest_job_show")({"ignore_auth": True}, {"id": job_id})["status"]
        model.Session.remove()
        if status == "Finished":
            return time.perf_counter()
        time.sleep(0.25)
    raise SystemExit(f"el trabajo {job_id} no terminó en {timeout:.0f} s")


def raw_copy(resource_id: str) -> tuple[int, float]:
    """COPY the table's rows into a fresh table of the same layout; (rows, seconds of COPY)."""
    from ckanext.datastore.backend.postgres import get_write_engine

    columns = '"station_id", "variable", "value", "unit", "observed_at", "extras", "_full_text"'
    connection = get_write_engine().raw_connection()
    try:
        cursor = connection.cursor()
        buffer = io.StringIO()
        cursor.copy_expert(f'COPY (SELECT {columns} FROM "{resource_id}") TO STDOUT', buffer)
        rows = buffer.getvalue().count("\n")
        cursor.execute('DROP TABLE IF EXISTS "bench_raw_copy"')
        cursor.execute(f'CREATE TABLE "bench_raw_copy" (LIKE "{resource_id}" INCLUDING ALL)')
        cursor.execute(
            'CREATE TRIGGER zfulltext BEFORE INSERT OR UPDATE ON "bench_raw_copy" '
            "FOR EACH ROW EXECUTE PROCEDURE populate_full_text_trigger()"
        )
        connection.commit()
        buffer.seek(0)
        started = time.perf_counter()
        cursor.copy_expert(f'COPY "bench_raw_copy" ({columns}) FROM STDIN', buffer)
        connection.commit()
        seconds = time.perf_counter() - started
        cursor.execute('DROP TABLE "bench_raw_copy"')
        connection.commit()
        return rows, seconds
    finally:
        connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ckan-ini", type=Path, required=True, help="ini de CKAN (base de pruebas)")
    parser.add_argument("--stations", type=int, default=200)
    parser.add_argument("--readings", type=int, default=5000)
    parser.add_argument("--page-size", type=int, default=5000)
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()

    ports: Any = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(ports, args.stations, args.readings), daemon=True)
    server.start()
    port = ports.get(timeout=30)
    url = f"http://127.0.0.1:{port}/v1.1"
    folder = Path(tempfile.mkdtemp(prefix="bench-harvest-"))
    ini = bench_ini(args.ckan_ini, folder)

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(str(ini)))
    import ckan.plugins.toolkit as tk
    from ckan import model

    from ckanext.territorio_harvesters import store

    consumers: dict[str, subprocess.Popen[bytes]] = {}
    with app._wsgi_app.test_request_context():
        site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        context = {"user": site, "ignore_auth": True}
        try:
            org = tk.get_action("organization_show")(dict(context), {"id": "bench-harvest"})
        except tk.ObjectNotFound:
            org = tk.get_action("organization_create")(dict(context), {"name": "bench-harvest", "title": "Bench"})
        name = f"bench-sta-{int(time.time())}"
        source = tk.get_action("harvest_source_create")(dict(context), {
            "name": name, "title": "Bench SensorThings", "url": url, "source_type": "sensorthings",
            "owner_org": org["id"], "frequency": "MANUAL",
            "config": json.dumps({"region": ["CL-AR"], "start": START.isoformat(), "page_size": args.page_size}),
        })
        model.Session.remove()

        env = dict(os.environ, CKAN_REDIS_URL=f"{tk.config['ckan.redis.url']}?socket_timeout=3600")
        ckan = str(Path(sys.executable).with_name("ckan"))
        for kind in ("gather", "fetch"):
            with open(folder / f"{kind}.log", "wb") as log:  # the child keeps its own descriptor
                consumers[kind] = subprocess.Popen(
                    [ckan, "-c", str(ini), "harvester", f"{kind}-consumer"], env=env,
                    stdout=subprocess.DEVNULL, stderr=log,
                )
        time.sleep(3)
        try:
            total = args.stations * args.readings
            print(f"Fuente: {args.stations} estaciones × {args.readings} lecturas = {total:,} filas "
                  f"(páginas de {args.page_size})")
            started = time.perf_counter()
            job = tk.get_action("harvest_job_create")(dict(context), {"source_id": source["id"], "run": True})
            model.Session.remove()
            first = wait_finished(job["id"], args.timeout) - started
            dataset = tk.get_action("package_search")(
                dict(context), {"fq": f'harvest_source_id:"{source["id"]}"', "include_private": True}
            )["results"][0]
            resource_id = next(r["id"] for r in dataset["resources"] if r.get("url_type") == "datastore")
            with store.ObservationTable(resource_id) as table:
                rows = table.count()
            print(f"Primera ejecución: {rows:,} filas en {first:.1f} s → {rows / first:,.0f} filas/s de extremo a extremo")

            started = time.perf_counter()
            job = tk.get_action("harvest_job_create")(dict(context), {"source_id": source["id"], "run": True})
            model.Session.remove()
            rerun = wait_finished(job["id"], args.timeout) - started
            with store.ObservationTable(resource_id) as table:
                after = table.count()
            print(f"Reejecución inmediata: {rerun:.1f} s ({rerun / first:.0%} de la primera), "
                  f"{after - rows} filas nuevas")

            for kind, process in consumers.items():
                print(f"Memoria máxima del consumidor {kind}: {peak_mb(process.pid):.0f} MB")

            copied, seconds = raw_copy(resource_id)
            print(f"COPY directo de las mismas {copied:,} filas a una tabla igual: {seconds:.1f} s → "
                  f"{copied / seconds:,.0f} filas/s")
            print(f"Extremo a extremo / COPY directo: {(rows / first) / (copied / seconds):.0%}")
        finally:
            for process in consumers.values():
                process.kill()
                process.wait(timeout=10)
            server.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
