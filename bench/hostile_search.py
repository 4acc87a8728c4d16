"""Hostile search load check: the slowest `q` the caps allow, and status_show beside it.

    .venv/bin/python bench/hostile_search.py --ini .run/test.ini --serve --datasets 10000
    .venv/bin/python bench/hostile_search.py                     # the `make up` portal

Seeds territorial datasets as bench/search.py does (CKAN's actions, then the real
`ckan search-index rebuild`), then, over HTTP against gunicorn (`--serve` starts one
on a free port with 3 sync workers, as deploy/supervisord.conf.in does), times a few
expensive query shapes at the caps (64 terms, 2,000 characters) with the result cache
emptied before each, picks the slowest, and runs four clients sending variants of it
(a different word each time, so the cache never answers) while a fifth times
`status_show`. Prints the figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import random
import string
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import urllib3

sys.path.insert(0, str(Path(__file__).resolve().parent))
import portal_server  # noqa: E402
import search as search_bench  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TERMS = 64
WORDS = [
    "datos", "aire", "agua", "calidad", "temuco", "santiago", "region", "comuna", "sensor",
    "transporte", "residuos", "salud", "educacion", "municipal", "presupuesto", "energia",
]


def shapes(rng: random.Random) -> dict[str, dict[str, str]]:
    """Query shapes at the caps, each with a random word so the cache cannot answer."""
    nonce = "".join(rng.choice(string.ascii_lowercase) for _ in range(6))
    words = [WORDS[i % len(WORDS)] + ("" if i % 3 else "s") for i in range(TERMS - 1)] + [nonce]
    letters = [string.ascii_lowercase[i % 26] for i in range(TERMS - 1)]
    return {
        "64 palabras (dismax, mm)": {"q": " ".join(words)},
        "64 palabras con OR": {"q": " OR ".join(words)},
        "64 prefijos de una letra": {"q": " OR ".join([f"{c}*" for c in letters] + [nonce + "*"])},
        "64 comodines en name": {"q": " OR ".join([f"name:*{c}*" for c in letters] + [f"name:*{nonce}*"])},
        "64 prefijos en res_name": {"q": " OR ".join([f"res_name:{c}*" for c in letters] + [f"res_name:{nonce}*"])},
        "rangos de fecha hasta 2 000 caracteres": {"q": _ranges(nonce)},
    }


def _ranges(nonce: str) -> str:
    """As many date ranges on a jsonb field as fit in 2,000 characters."""
    parts = [f"name:{nonce}"]
    for i in range(TERMS - 1):
        candidate = f"temporal_start_date:[NOW-{i + 1}DAYS TO NOW]"
        if len(" OR ".join([*parts, candidate])) > 2000:
            break
        parts.append(candidate)
    return " OR ".join(parts)


def serve(ini: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """gunicorn with 3 sync workers on a free port, as the deployment runs it."""
    return portal_server.serve(ini, log, ["--workers", "3"], wait=90)


def request(http: urllib3.PoolManager, url: str, action: str, params: dict[str, str]) -> tuple[float, int, Any]:
    """Seconds, status and JSON body of one call to the action API."""
    started = time.perf_counter()
    # POST: a GET of thousands of words is past gunicorn's 4 KiB request line
    response = http.request("POST", f"{url}/api/3/action/{action}", body=json.dumps(params),
                            headers={"Content-Type": "application/json"})
    elapsed = time.perf_counter() - started
    return elapsed, response.status, json.loads(response.data)


def slowest_shape(http: urllib3.PoolManager, url: str, rng: random.Random) -> tuple[str, list[tuple[str, float, int]]]:
    """Each shape twice with an empty result cache; the slowest by its best time."""
    timings = []
    for name in shapes(rng):
        best = float("inf")
        status = 0
        for _ in range(2):
            search_bench.clear_result_cache()
            elapsed, status, _ = request(http, url, "package_search", shapes(rng)[name])
            best = min(best, elapsed)
        timings.append((name, best, status))
    return max(timings, key=lambda t: t[1])[0], timings


def under_attack(http: urllib3.PoolManager, url: str, shape: str, seconds: float, clients: int) -> dict[str, Any]:
    """``clients`` threads send the shape's variants while status_show is timed."""
    stop = threading.Event()
    hostile: list[tuple[float, int]] = []

    def attacker(seed: int) -> None:
        rng = random.Random(seed)
        while not stop.is_set():
            elapsed, status, _ = request(http, url, "package_search", shapes(rng)[shape])
            hostile.append((elapsed, status))

    status_times: list[float] = []
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        for seed in range(clients):
            pool.submit(attacker, seed)
        time.sleep(1.0)  # every worker busy first
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            elapsed, _, _ = request(http, url, "status_show", {})
            status_times.append(elapsed)
            time.sleep(0.25)
        stop.set()
    ordered = sorted(status_times)
    return {
        "status_show_p50_ms": ordered[len(ordered) // 2] * 1000,
        "status_show_max_ms": ordered[-1] * 1000,
        "status_show_samples": len(ordered),
        "hostile_p50_ms": sorted(h[0] for h in hostile)[len(hostile) // 2] * 1000,
        "hostile_requests": len(hostile),
        "hostile_statuses": sorted({h[1] for h in hostile}),
    }


def main() -> int:
    """Seed, serve, time the shapes, then status_show under four hostile clients."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ini", type=Path, default=ROOT / ".run" / "ckan.ini")
    parser.add_argument("--url", default="http://127.0.0.1:5000")
    parser.add_argument("--serve", action="store_true", help="start gunicorn on --ini (free port)")
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--organizations", type=int, default=60)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--skip-rebuild", action="store_true")
    args = parser.parse_args()
    os.environ["CKAN_INI"] = str(args.ini)

    app = search_bench._ckan_app(args.ini)
    with app._wsgi_app.test_request_context():  # type: ignore[attr-defined]
        print(f"==> Sembrando {args.datasets} conjuntos de datos")
        search_bench.seed(args.datasets, args.organizations)
        if not args.skip_rebuild:
            total, seconds = search_bench.rebuild(args.ini)
            print(f"  search-index rebuild: {total} conjuntos en {seconds:.1f} s")
        server = None
        url = args.url
        if args.serve:
            server, url = serve(args.ini, ROOT / ".run" / "log" / "hostile_search.log")
        try:
            http = urllib3.PoolManager(maxsize=args.clients + 2, timeout=urllib3.Timeout(total=60))
            rng = random.Random(20261202)
            request(http, url, "package_search", {"q": "calentamiento"})
            elapsed, status, _ = request(http, url, "package_search", {"q": " ".join(["palabra"] * 4000)})
            print(f"==> q de 4 000 palabras: HTTP {status} en {elapsed * 1000:.0f} ms")
            elapsed, status, _ = request(http, url, "status_show", {})
            print(f"==> status_show en reposo: {elapsed * 1000:.0f} ms")
            print(f"==> Formas de consulta en los topes ({TERMS} términos, 2 000 caracteres), caché vacía")
            shape, timings = slowest_shape(http, url, rng)
            for name, best, status in timings:
                print(f"  {name:<28} HTTP {status}  {best * 1000:7.0f} ms")
            print(f"==> status_show con {args.clients} clientes enviando «{shape}» ({args.seconds:.0f} s)")
            figures = under_attack(http, url, shape, args.seconds, args.clients)
            for key, value in figures.items():
                print(f"  {key} = {value:.0f}" if isinstance(value, float) else f"  {key} = {value}")
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
