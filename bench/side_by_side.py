"""bench/search.py --side-by-side: our engine and stock CKAN + ckanext-pgsearch, same corpus, same mix.

Both portals are served by gunicorn with the same number of sync workers (2 by
default), one after the other so that they never compete for the machine's
cores; ours with the result cache off (a copy of its ini with
``ckanext.territorio.search.cache_ttl = 0``), so every query is computed. Each
runs issue 16's ten-query mix (bench/corpus.py ``ten_query_mix``) ``--rounds``
times with one client and again with four, after one warm-up round. Prints
p50/p95/req/s per side, the peer/ours ratios and the load average; asserts nothing.
"""
from __future__ import annotations

import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import urllib3

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402
import pgsearch_peer  # noqa: E402
import portal_server  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def uncached_ini(ini: Path, workdir: Path) -> Path:
    """A copy of our ini with the result cache off (every query computed)."""
    copy = workdir / "ours-uncached.ini"
    shutil.copyfile(ini, copy)
    os.chmod(copy, 0o600)
    subprocess.run(
        [str(Path(sys.executable).with_name("ckan")), "config-tool", str(copy),
         "ckanext.territorio.search.cache_ttl = 0"],
        check=True, stdout=subprocess.DEVNULL,
    )
    return copy


def drive(url: str, mix: list[dict[str, Any]], rounds: int, clients: int) -> dict[str, Any]:
    """Latencies of ``rounds`` passes over ``mix`` with ``clients`` concurrent clients."""
    http = urllib3.PoolManager(maxsize=clients, timeout=urllib3.Timeout(total=60))
    endpoint = url.rstrip("/") + "/api/3/action/package_search"

    def one(params: dict[str, Any]) -> tuple[float, int, int]:
        started = time.perf_counter()
        response = http.request("GET", endpoint, fields={k: str(v) for k, v in params.items()})
        elapsed = time.perf_counter() - started
        body = json.loads(response.data)
        if response.status != 200 or not body.get("success"):
            raise RuntimeError(f"{params} -> {response.status} {response.data[:300]!r}")
        result = body["result"]
        return elapsed, int(result["count"]), len(result.get("search_facets") or {})

    warm = [one(p) for p in mix]
    requests = [p for _ in range(rounds) for p in mix]
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        timed = list(pool.map(one, requests))
    wall = time.perf_counter() - started
    latencies = [t[0] for t in timed]
    return {
        "p50_ms": _percentile(latencies, 50) * 1000,
        "p95_ms": _percentile(latencies, 95) * 1000,
        "rps": len(requests) / wall,
        "per_query_ms": [
            _percentile([t[0] for t in timed[i::len(mix)]], 50) * 1000 for i in range(len(mix))
        ],
        "hits": [w[1] for w in warm],
        "facets": [w[2] for w in warm],
    }


def measure(name: str, server: Any, url: str, mix: list[dict[str, Any]], rounds: int) -> dict[str, Any]:
    """One client, then four, against a served portal (stopped afterwards)."""
    try:
        figures = {}
        for clients in (1, 4):
            load = _load()
            figures[clients] = drive(url, mix, rounds, clients)
            figures[clients]["load"] = load
            f = figures[clients]
            print(f"  {name}, {clients} cliente(s): p50 {f['p50_ms']:.0f} ms  p95 {f['p95_ms']:.0f} ms"
                  f"  {f['rps']:.1f} req/s  (carga media {load})")
        return figures
    finally:
        server.terminate()
        server.wait(30)


def run(ini: Path, datasets: int, organizations: int, pgsearch_repo: Path, peer_dir: Path,
        rounds: int, workers: int, orgs: list[str]) -> int:
    """Seed the peer, serve both portals in turn, print both and the ratios."""
    from ckan.plugins import toolkit as tk

    workdir = ROOT / ".run" / "bench"
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "side-by-side.log"
    print(f"==> Par: CKAN de PyPI + ckanext-pgsearch, en {peer_dir}")
    python = pgsearch_peer.install(peer_dir, pgsearch_repo, peer_dir / "install.log")
    peer_ini = pgsearch_peer.configure(
        peer_dir, python, pgsearch_peer.database_url(tk.config["sqlalchemy.url"]),
        peer_dir / "install.log",
    )
    print(f"==> Sembrando {datasets} conjuntos en el par (acciones de CKAN de fábrica)")
    pgsearch_peer.seed(python, peer_ini, datasets, organizations)

    mix = corpus.ten_query_mix(orgs[7 % len(orgs)])
    gunicorn = ["--workers", str(workers)]
    print(f"==> Mezcla de 10 consultas × {rounds} rondas, gunicorn con {workers} procesos cada uno")
    server, url = portal_server.serve(uncached_ini(ini, workdir), log, gunicorn)
    ours = measure("nuestro (sin caché)", server, url, mix, rounds)
    server, url = pgsearch_peer.serve(python, peer_ini, workers, log)
    peer = measure("pgsearch", server, url, mix, rounds)

    print("==> Por consulta (p50 ms con 1 cliente; coincidencias y facetas devueltas)")
    for i, params in enumerate(mix):
        shown = {k: v for k, v in params.items() if k not in ("facet.field", "rows")}
        print(f"  {i + 1:>2}. nuestro {ours[1]['per_query_ms'][i]:6.0f} ms {ours[1]['hits'][i]:>6} "
              f"({ours[1]['facets'][i]} facetas) · pgsearch {peer[1]['per_query_ms'][i]:6.0f} ms "
              f"{peer[1]['hits'][i]:>6} ({peer[1]['facets'][i]} facetas)  {shown}")
    print("==> Razón pgsearch / nuestro")
    for clients in (1, 4):
        print(f"  {clients} cliente(s): p50 ×{peer[clients]['p50_ms'] / ours[clients]['p50_ms']:.1f}"
              f"  p95 ×{peer[clients]['p95_ms'] / ours[clients]['p95_ms']:.1f}"
              f"  req/s ×{ours[clients]['rps'] / peer[clients]['rps']:.1f}")
    return 0
