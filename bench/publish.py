"""Publishing benchmark: package_create over HTTP, its deferred checks, and `ckanapi load`.

    .venv/bin/python bench/publish.py --ini .run/ckan.ini               # 100 creates, 5,000 loaded
    .venv/bin/python bench/publish.py --ini .run/bench.ini --creates 500 --load 0
    .venv/bin/python bench/publish.py --worker-after                    # worker only after the loop
    .venv/bin/python bench/publish.py --inline --load 0                 # checks in the request, to compare
    .venv/bin/python bench/publish.py --creates 20 --load 0 --worker-after --ckan-worker  # CKAN's worker

Serves the portal with gunicorn on a free port (2 gthread workers, as on a 2-core machine) on
a copy of ``--ini`` that lets the content checks read a local file server (every CSV resource
links to a clean PM2.5 file there), creates an editor of ten benchmark municipalities with an
API token, then:

1. ``package_create`` of realistic territorial datasets (bench/corpus.py: Spanish titles and
   notes, dimension, region, comuna, frequency, tags, 1–3 resources with CSV among them), one
   client over keep-alive HTTP; datasets/s, latency p50/p95, and what each answer said in
   ``territorio_checks``;
2. a real ``ckan territorio jobs worker default territorio``, as deployed (``--ckan-worker``:
   CKAN's forking ``ckan jobs worker``), started with the loop, or after it with
   ``--worker-after``, and the time until every created dataset's deferred checks finished
   (no pending row, no queued or running report), and how many were then public;
3. ``ckanapi load datasets`` (ckanapi pinned in deploy/constraints.txt) of ``--load`` datasets
   from a JSON-lines file against the same portal: datasets/s and total time (the worker is
   stopped first unless ``--worker-during-load``: the load's checks wait in the queue).

Figures are printed, nothing is asserted. The datasets stay (names ``bench-pub-*`` and
``bench-load-*``); run it on a database meant for benchmarks.
"""
from __future__ import annotations

import argparse
import http.server
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import urllib3

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402
import portal_server  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
EDITOR = "bench-municipio"
ORGANIZATIONS = 10
# a clean hourly PM2.5 file of Temuco: what a municipality's CSV looks like to the checks
SAMPLE = ROOT / "tests" / "data" / "policy" / "sensor_limpio.csv"


def _ckan_app(ini: Path) -> Any:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    return make_app(load_config(str(ini)))


def prepare() -> tuple[str, list[dict[str, Any]]]:
    """The benchmark's municipalities and their editor; an API token of the editor."""
    import ckan.plugins.toolkit as tk

    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    context = {"user": site, "ignore_auth": True}
    try:
        tk.get_action("user_show")(dict(context), {"id": EDITOR})
    except tk.ObjectNotFound:
        tk.get_action("user_create")(
            dict(context),
            {"name": EDITOR, "email": "datos@municipio.example", "password": "Bench-" + os.urandom(8).hex()},
        )
    orgs = []
    for name, title in corpus.organization_names(ORGANIZATIONS):
        try:
            org = tk.get_action("organization_show")(dict(context), {"id": name})
        except tk.ObjectNotFound:
            org = tk.get_action("organization_create")(dict(context), {"name": name, "title": title})
        tk.get_action("organization_member_create")(
            dict(context), {"id": org["id"], "username": EDITOR, "role": "editor"}
        )
        orgs.append(org)
    token = tk.get_action("api_token_create")(dict(context), {"user": EDITOR, "name": "bench-publish"})
    return token["token"], orgs


def payloads(
    prefix: str, count: int, orgs: list[dict[str, Any]], seed: int, files: str
) -> list[dict[str, Any]]:
    """``count`` corpus datasets named ``prefix-NNNNNN``; their CSV files served at ``files``."""
    rng = random.Random(seed)
    out = []
    for index in range(count):
        dataset = corpus.dataset(index, rng, orgs)
        dataset["name"] = f"{prefix}-{index:06d}"
        for resource in dataset["resources"]:
            if resource["format"] == "CSV":  # a real file for the content checks to read
                resource["url"] = f"{files}/{prefix}/{index}/{SAMPLE.name}"
                resource["unit"] = "ug/m3"
        out.append(dataset)
    return out


class _Files(http.server.BaseHTTPRequestHandler):
    """Every path answers the sample CSV (the content checks download it)."""

    body = b""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Type", "text/csv; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def do_HEAD(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "text/csv; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return None


def serve_files() -> tuple[http.server.ThreadingHTTPServer, str]:
    """A local HTTP server for the datasets' CSV files; its base URL."""
    _Files.body = SAMPLE.read_bytes()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def bench_ini(ini: Path, inline: bool) -> Path:
    """The portal's ini with the content checks allowed to read the local file server
    (``inline``: the after-save checks in the request, as before deferral, for comparison)."""
    target = ini.with_name(f"{ini.stem}-publish.ini")
    target.write_text(ini.read_text(encoding="utf-8"), encoding="utf-8")
    target.chmod(0o600)
    subprocess.run(
        [str(VENV_BIN / "ckan"), "config-tool", str(target), "ckanext.territorio.policy.fetch_allow=127.0.0.1",
         f"ckanext.territorio.policy.defer_checks={'false' if inline else 'true'}"],
        check=True, stdout=subprocess.DEVNULL,
    )
    return target


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct))] if ordered else 0.0


def drive_creates(url: str, token: str, datasets: list[dict[str, Any]]) -> dict[str, Any]:
    """package_create of each dataset, one client; rate, latency and the answers' checks."""
    http = urllib3.PoolManager(maxsize=1, headers={"Authorization": token, "Content-Type": "application/json"})
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    ids = []
    started = time.perf_counter()
    for dataset in datasets:
        t0 = time.perf_counter()
        response = http.request("POST", f"{url}/api/3/action/package_create", body=json.dumps(dataset).encode())
        latencies.append(time.perf_counter() - t0)
        answer = json.loads(response.data)
        if not answer.get("success"):
            raise SystemExit(f"package_create falló ({response.status}): {json.dumps(answer)[:500]}")
        result = answer["result"]
        ids.append(result["id"])
        checks = result.get("territorio_checks") or {}
        key = f"{checks.get('status', 'sin territorio_checks')}/{checks.get('publicacion', '-')}"
        statuses[key] = statuses.get(key, 0) + 1
    elapsed = time.perf_counter() - started
    return {
        "ids": ids,
        "elapsed": elapsed,
        "rate": len(datasets) / elapsed,
        "p50": _percentile(latencies, 0.5) * 1000,
        "p95": _percentile(latencies, 0.95) * 1000,
        "answers": statuses,
    }


def still_waiting(ids: list[str]) -> int:
    """How many of the datasets still wait for a deferred check (row or report)."""
    import sqlalchemy as sa
    from ckan import model

    model.Session.remove()
    rows = model.Session.execute(
        sa.text(
            "SELECT count(DISTINCT package_id) FROM ("
            " SELECT package_id FROM territorio_dataset_checks"
            "  WHERE status = 'pending' AND package_id = ANY(:ids)"
            " UNION ALL SELECT package_id FROM territorio_validation_report"
            "  WHERE status IN ('pending', 'running') AND package_id = ANY(:ids)) AS waiting"
        ),
        {"ids": ids},
    ).scalar()
    return int(rows or 0)


def public_count(ids: list[str]) -> int:
    """How many of the datasets are public now."""
    import sqlalchemy as sa
    from ckan import model

    model.Session.remove()
    return int(
        model.Session.execute(
            sa.text("SELECT count(*) FROM package WHERE NOT private AND id = ANY(:ids)"), {"ids": ids}
        ).scalar()
        or 0
    )


def wait_for_checks(ids: list[str], timeout: float) -> float | None:
    """Seconds until none of the datasets waits for a check (None: timed out)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if still_waiting(ids) == 0:
            return time.perf_counter() - started
        time.sleep(0.5)  # the worker runs in its own process: polling its results is the event
    return None


def start_worker(ini: Path, log: Path, forking: bool = False) -> subprocess.Popen[bytes]:
    """A real jobs worker on the portal's queues, as deploy/supervisord.conf.in runs it
    (``forking``: CKAN's own ``ckan jobs worker``, a fork and a load_environment per job)."""
    command = ["jobs", "worker"] if forking else ["territorio", "jobs", "worker"]
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(VENV_BIN / "ckan"), "-c", str(ini), *command, "default", "territorio"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )


def ckanapi_load(url: str, token: str, datasets: list[dict[str, Any]], processes: int, log: Path) -> dict[str, Any]:
    """``ckanapi load datasets`` of the datasets from a JSON-lines file; rate and outcomes."""
    with tempfile.TemporaryDirectory(prefix="territorio-load-") as folder:
        source = Path(folder) / "datasets.jsonl"
        results = Path(folder) / "results.jsonl"
        source.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in datasets), encoding="utf-8")
        env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
        started = time.perf_counter()
        with log.open("ab") as out:
            done = subprocess.run(
                [str(VENV_BIN / "ckanapi"), "load", "datasets", "-I", str(source), "-r", url, "-a", token,
                 "-p", str(processes), "-l", str(results), "-q"],
                env=env, stdout=out, stderr=subprocess.STDOUT, check=False,
            )
        elapsed = time.perf_counter() - started
        outcomes: dict[str, int] = {}
        for line in results.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            # [timestamp, line number, action, error, data]
            key = f"{record[2]}:{record[3] or 'ok'}"
            outcomes[key] = outcomes.get(key, 0) + 1
    return {"elapsed": elapsed, "rate": len(datasets) / elapsed, "outcomes": outcomes, "rc": done.returncode}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ini", type=Path, default=ROOT / ".run" / "ckan.ini")
    parser.add_argument("--creates", type=int, default=100)
    parser.add_argument("--load", type=int, default=5000)
    parser.add_argument("--processes", type=int, default=2, help="ckanapi load -p")
    parser.add_argument("--worker-after", action="store_true", help="start the jobs worker after the loop")
    parser.add_argument("--checks-timeout", type=float, default=1800)
    parser.add_argument("--worker-during-load", action="store_true", help="keep the worker during ckanapi load")
    parser.add_argument("--inline", action="store_true", help="defer_checks=false: the checks in the request")
    parser.add_argument("--ckan-worker", action="store_true",
                        help="CKAN's forking `ckan jobs worker` instead of `ckan territorio jobs worker`")
    args = parser.parse_args()
    ini = bench_ini(args.ini.resolve(), args.inline)
    logs = ROOT / ".run" / "log"
    logs.mkdir(parents=True, exist_ok=True)
    files, files_url = serve_files()

    app = _ckan_app(ini)
    run = time.strftime("%Y%m%d%H%M%S")
    with app._wsgi_app.test_request_context():
        token, orgs = prepare()
        creates = payloads(f"bench-pub-{run}", args.creates, orgs, int(run), files_url)
        loads = payloads(f"bench-load-{run}", args.load, orgs, int(run) + 1, files_url)

    print(f"Máquina: {platform.node()} · {os.cpu_count()} núcleos · Python {platform.python_version()}")
    print(f"Carga media al empezar: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    server, url = portal_server.serve(
        ini, logs / "bench-publish-gunicorn.log", ["--workers", "2", "--worker-class", "gthread", "--threads", "4"]
    )
    worker = None
    try:
        if not args.worker_after:
            worker = start_worker(ini, logs / "bench-publish-worker.log", args.ckan_worker)
        if creates:
            figures = drive_creates(url, token, creates)
            print(
                f"package_create por HTTP, 1 cliente: {len(creates)} conjuntos en {figures['elapsed']:.1f} s"
                f" = {figures['rate']:.1f} conjuntos/s; latencia p50 {figures['p50']:.0f} ms, p95 {figures['p95']:.0f} ms"
            )
            print(f"  respuestas (territorio_checks status/publicacion): {figures['answers']}")
            print(f"  carga media tras el bucle: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            if worker is None:
                worker = start_worker(ini, logs / "bench-publish-worker.log", args.ckan_worker)
            with app._wsgi_app.test_request_context():
                waited = wait_for_checks(figures["ids"], args.checks_timeout)
                public = public_count(figures["ids"])
            if waited is None:
                print(f"  validaciones diferidas: sin terminar tras {args.checks_timeout:.0f} s")
            else:
                print(
                    f"  validaciones diferidas terminadas {waited:.1f} s después del último package_create"
                    f" ({figures['elapsed'] + waited:.1f} s desde el primero); públicos después: {public}"
                    f" de {len(creates)}"
                )
        if loads and worker is not None and not args.worker_during_load:
            worker.terminate()  # the load alone: its checks wait in the queue for the worker
            worker.wait(timeout=60)
            worker = None
        if loads:
            load = ckanapi_load(url, token, loads, args.processes, logs / "bench-publish-ckanapi.log")
            print(
                f"ckanapi load datasets -p {args.processes}: {len(loads)} conjuntos en {load['elapsed']:.1f} s"
                f" = {load['rate']:.1f} conjuntos/s; resultados {load['outcomes']} (código {load['rc']})"
            )
            print(f"  carga media tras la carga: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        files.shutdown()
        for process in (worker, server):
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
