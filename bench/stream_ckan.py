"""The CKAN side of bench/stream.py: its ini, gunicorn, action calls, row counts, RSS and the COPY seed."""
from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import portal_server  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = (
    "territorio_search territorio activity scheming_datasets spatial_metadata spatial_query harvest datastore "
    "territorio_mqtt"
)
VARIABLES = ("pm25", "pm10")


def station_name(n: int) -> str:
    """The id of the bench's station number ``n``."""
    return f"bench-{n:04d}"


# --- CKAN side ------------------------------------------------------------------------------


def bench_ini(base: Path, folder: Path) -> Path:
    ini = folder / "bench-stream.ini"
    ini.write_text(
        "[app:main]\n"
        f"use = config:{base.resolve()}\n"
        f"ckan.plugins = {PLUGINS}\n"
        "ckanext.territorio.harvest.allow_networks = 127.0.0.1\n"
        f"ckan.storage_path = {folder / 'storage'}\n"
        # deploy/wsgi.py reads the logging sections of the ini it serves
        "[loggers]\nkeys = root, stream\n[handlers]\nkeys = console\n[formatters]\nkeys = generic\n"
        "[logger_root]\nlevel = WARNING\nhandlers = console\n"
        "[logger_stream]\nlevel = INFO\nhandlers =\nqualname = ckanext.territorio_harvesters.stream\n"
        "[handler_console]\nclass = StreamHandler\nargs = (sys.stderr,)\nlevel = NOTSET\nformatter = generic\n"
        "[formatter_generic]\nformat = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s\n"
    )
    return ini


def serve(ini: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """gunicorn (2 workers × 4 threads, gthread as deployed) on a free port."""
    return portal_server.serve(ini, log, ["--workers", "2", "--worker-class", "gthread", "--threads", "4"])


class Caller:
    """An action call: over HTTP (POST JSON, the site user's token) or in-process."""

    def __init__(self, url: str | None, site: str, token: str | None) -> None:
        self.url, self.site, self.token = url, site, token
        if url:
            import requests

            self.http = requests.Session()
            self.http.headers.update({"Authorization": token or "", "Content-Type": "application/json"})

    def __call__(self, action: str, params: dict[str, Any]) -> dict[str, Any]:
        if self.url:
            response = self.http.post(f"{self.url}/api/3/action/{action}", data=json.dumps(params), timeout=60)
            body = response.json()
            if not body.get("success"):
                raise RuntimeError(f"{action} {params}: HTTP {response.status_code} {body.get('error')}")
            return dict(body["result"])
        import ckan.plugins.toolkit as tk
        from ckan import model

        try:
            return dict(tk.get_action(action)({"user": self.site}, dict(params)))
        finally:
            model.Session.remove()


def write_connection() -> Any:
    from ckanext.datastore.backend.postgres import get_write_engine

    return get_write_engine().raw_connection()


def count_rows(connection: Any, resource_id: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{resource_id}"')
        n = int(cursor.fetchone()[0])
    connection.rollback()
    return n


def peak_mb(pid: int) -> tuple[float, float]:
    """VmHWM and VmRSS of a process, in MB."""
    figures = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmHWM:", "VmRSS:")):
            figures[line.split(":")[0]] = int(line.split()[1]) / 1024
    return figures.get("VmHWM", float("nan")), figures.get("VmRSS", float("nan"))


def seed(resource_id: str, rows: int, stations: int, end: dt.datetime) -> tuple[dt.timedelta, float]:
    """COPY ``rows`` readings (every series, oldest first) ending before ``end``; (span, seconds)."""
    from ckanext.territorio.timeseries import layout
    from ckanext.territorio_harvesters import store

    series = stations * len(VARIABLES)
    samples = max(1, rows // series)
    step = max(dt.timedelta(minutes=10), dt.timedelta(days=35) / samples)
    step = dt.timedelta(seconds=int(step.total_seconds()))
    first = end - step * samples
    stamps = [(first + step * i).isoformat() for i in range(samples)]
    values = [f"{2 + (i * 37) % 900 / 10:.1f}" for i in range(997)]
    columns = store._COPY_COLUMNS  # the consumer's own COPY columns (with its lexemes)
    connection = write_connection()
    started = time.perf_counter()
    written = 0
    try:
        with connection.cursor() as cursor:
            for s in range(series):
                if written >= rows:
                    break
                station, variable = station_name(s % stations), VARIABLES[s // stations]
                head = f"{station}\t{variable}\t"
                tail = f"\t{store._lexemes(station, variable)}\n"
                take = min(samples, rows - written)
                buffer = io.StringIO("".join(
                    f"{head}{values[(i + s * 13) % 997]}\tµg/m³\t{stamps[i]}\t\\N{tail}" for i in range(take)
                ))
                cursor.copy_expert(f'COPY "{resource_id}" ({columns}) FROM STDIN', buffer)
                written += take
                if s % 50 == 49:
                    connection.commit()
            layout.add_to_row_count(cursor, resource_id, written)
            connection.commit()
            connection.autocommit = True
            cursor.execute(f'ANALYZE "{resource_id}"')
    finally:
        connection.close()
    return step * samples, time.perf_counter() - started
