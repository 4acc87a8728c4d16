"""Search benchmark: seed N datasets, rebuild the index, drive package_search over HTTP.

    .venv/bin/python bench/search.py                 # 10,000 datasets
    .venv/bin/python bench/search.py --large         # 50,000 datasets
    .venv/bin/python bench/search.py --queries 500 --concurrency 4
    .venv/bin/python bench/search.py --side-by-side --pgsearch-repo PATH [--ini INI]
    .venv/bin/python bench/search.py --ten-mix [--ini INI] [--no-http]   # ours alone, cache off

``--ten-mix`` (bench/ten_mix.py) serves our portal alone with the result cache
off, runs issue 16's ten-query mix over HTTP with one client, then times each
query's SQL directly (minimum of ``--sql-runs``), per query.

``--side-by-side`` (bench/side_by_side.py) seeds the same corpus into a stock
CKAN with GSA's ckanext-pgsearch, installed into its own virtualenv under
``--peer-dir`` (outside the repository), serves each portal in turn and runs
issue 16's ten-query mix against both, ours with the result cache off. PATH is
a git directory of ckanext-pgsearch (``git clone --mirror
https://github.com/GSA/ckanext-pgsearch``, or the copy the `fetch` tool leaves
under /work/.mirror/GSA+ckanext-pgsearch/repo).

Runs against the portal `make up` serves (gunicorn on 127.0.0.1:5000, config
`.run/ckan.ini`). Seeding goes through CKAN's own actions (indexing deferred),
the index is then built by the real `ckan search-index rebuild`, timed. The
query mix (free text, fq filters, five facet fields, sorts, paging) is sent over
HTTP, then the SQL the backend generates for the same mix is timed directly
against the search table; figures are printed, nothing is asserted.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import urllib3

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BATCH = 200


def _ckan_app(ini: Path) -> Any:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    return make_app(load_config(str(ini)))


def seed(target: int, organizations: int) -> list[dict[str, Any]]:
    """Create bench organizations and datasets up to ``target`` (idempotent)."""
    import ckan.plugins.toolkit as tk
    from ckan import model

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    context = {"user": site_user, "ignore_auth": True}
    orgs = []
    for name, title in corpus.organization_names(organizations):
        try:
            orgs.append(tk.get_action("organization_show")(dict(context), {"id": name}))
        except tk.ObjectNotFound:
            orgs.append(tk.get_action("organization_create")(dict(context), {"name": name, "title": title}))
    existing = model.Session.query(model.Package).filter(model.Package.name.like("bench-%")).count()
    rng = random.Random(20261124 + existing)
    started = time.perf_counter()
    for index in range(existing, target):
        create_context = dict(context, defer_commit=True, return_id_only=True)
        tk.get_action("package_create")(create_context, corpus.dataset(index, rng, orgs))
        if (index + 1) % BATCH == 0 or index + 1 == target:
            model.repo.commit()
            rate = (index + 1 - existing) / (time.perf_counter() - started)
            print(f"\r  sembrados {index + 1:>6}/{target} ({rate:.0f}/s)", end="", flush=True)
    if target > existing:
        print()
    return orgs


def rebuild(ini: Path) -> tuple[int, float]:
    """Time `ckan search-index rebuild` (the stock CLI)."""
    from ckan import model

    total = model.Session.query(model.Package).filter(model.Package.state == "active").count()
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "ckan"), "-c", str(ini), "search-index", "rebuild", "-q"],
        check=True,
    )
    return total, time.perf_counter() - started


def indexed(target: int) -> bool:
    """Whether the index already holds ``target`` datasets (a rerun skips the rebuild)."""
    import sqlalchemy as sa
    from ckan import model

    count = model.Session.execute(sa.text("SELECT count(*) FROM territorio_search_doc")).scalar()
    return int(count or 0) >= target


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def clear_result_cache() -> int:
    """Drop cached search results so the first pass is cold."""
    from ckan.lib.redis import connect_to_redis

    redis = connect_to_redis()
    keys = list(redis.scan_iter("territorio:search:*"))
    if keys:
        redis.delete(*keys)
    return len(keys)


def drive_http(base_url: str, mix: list[dict[str, Any]], concurrency: int) -> dict[str, dict[str, float]]:
    """Latency over the mix twice (cold result cache, then warm) and throughput."""
    http = urllib3.PoolManager(maxsize=concurrency, timeout=urllib3.Timeout(total=30))
    url = base_url.rstrip("/") + "/api/3/action/package_search"

    def one(params: dict[str, Any]) -> float:
        started = time.perf_counter()
        response = http.request("GET", url, fields={k: str(v) for k, v in params.items()})
        elapsed = time.perf_counter() - started
        body = json.loads(response.data)
        if response.status != 200 or not body.get("success"):
            raise RuntimeError(f"{params} -> {response.status} {response.data[:200]!r}")
        return elapsed

    for params in mix[:10]:  # warm-up: gunicorn workers, PostgreSQL buffers
        one(dict(params, q="calentamiento"))
    figures = {}
    for label in ("fría", "tibia"):
        latencies = [one(p) for p in mix]
        figures[label] = {
            "p50_ms": _percentile(latencies, 50) * 1000,
            "p95_ms": _percentile(latencies, 95) * 1000,
            "rps_1": len(latencies) / sum(latencies),
        }
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, mix))
    figures["tibia"][f"rps_{concurrency}"] = len(mix) / (time.perf_counter() - started)
    return figures


def drive_sql(mix: list[dict[str, Any]]) -> tuple[dict[str, float], list[str]]:
    """Time the SQL the backend generates for the same mix, straight on the table."""
    import ckan.lib.search.common as common
    from ckan import model
    from ten_mix import recorded_searches

    recorded = recorded_searches(mix)
    connection = common.make_connection()

    engine = model.meta.engine
    latencies = []
    plans = [connection.plan(**kwargs) for kwargs in recorded]
    with engine.connect() as raw:
        for plan in plans[:20]:
            raw.execute(plan.documents).all()
        for plan in plans:  # uncached: documents, then hit count + facets
            started = time.perf_counter()
            raw.execute(plan.documents).all()
            raw.execute(plan.summary, plan.summary_params or None).all()
            latencies.append(time.perf_counter() - started)
        explains = []
        for word in ("datos", "bicicletas"):
            broad = connection.plan(**dict(recorded[0], q=word, start=0))
            for label, statement, values in (("documentos", broad.documents, {}),
                                             ("resumen", broad.summary, broad.summary_params)):
                compiled = statement.compile(engine)
                rows = raw.exec_driver_sql(
                    "EXPLAIN " + str(compiled), {**compiled.params, **values}
                ).scalars().all()
                scans = sorted({r.strip().split("  (")[0].lstrip("-> ") for r in rows if "Scan" in r})
                explains.append(f"q={word} {label}: " + "; ".join(scans))
            matched = connection.search(q=word, rows=0, defType="dismax", mm="2<-1 5<80%").hits
            explains.append(f"q={word} coincide con {matched} conjuntos")
    return (
        {
            "p50_ms": _percentile(latencies, 50) * 1000,
            "p95_ms": _percentile(latencies, 95) * 1000,
        },
        explains,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ini", type=Path, default=ROOT / ".run" / "ckan.ini")
    parser.add_argument("--url", default="http://127.0.0.1:5000")
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--large", action="store_true", help="50,000 datasets")
    parser.add_argument("--organizations", type=int, default=60)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--skip-rebuild", action="store_true")
    parser.add_argument("--side-by-side", action="store_true",
                        help="against stock CKAN + ckanext-pgsearch (see above)")
    parser.add_argument("--pgsearch-repo", type=Path,
                        help="git directory of GSA/ckanext-pgsearch (for --side-by-side)")
    parser.add_argument("--peer-dir", type=Path, default=Path("/var/tmp/territorio-bench/pgsearch"),
                        help="where the peer's virtualenv, clone and ini go")
    parser.add_argument("--rounds", type=int, default=20, help="passes over the ten-query mix")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per portal")
    parser.add_argument("--ten-mix", action="store_true", help="ours alone, cache off (see above)")
    parser.add_argument("--no-http", action="store_true", help="with --ten-mix: the SQL timings only")
    parser.add_argument("--sql-runs", type=int, default=15, help="with --ten-mix: runs per statement")
    args = parser.parse_args()
    if args.side_by_side and args.pgsearch_repo is None:
        parser.error("--side-by-side necesita --pgsearch-repo (un repositorio git de "
                     "GSA/ckanext-pgsearch; vea la ayuda)")
    target = 50_000 if args.large else args.datasets

    app = _ckan_app(args.ini)
    with app._wsgi_app.test_request_context():  # type: ignore[attr-defined]
        print(f"==> Sembrando {target} conjuntos de datos (acciones de CKAN, índice diferido)")
        orgs = seed(target, args.organizations)
        if not args.skip_rebuild and not ((args.side_by_side or args.ten_mix) and indexed(target)):
            print("==> ckan search-index rebuild")
            total, seconds = rebuild(args.ini)
            print(f"  {total} conjuntos en {seconds:.1f} s: {total / seconds:.0f} conjuntos/s")
        if args.ten_mix:
            import ten_mix

            return ten_mix.run(args.ini, args.rounds, args.workers, [o["name"] for o in orgs],
                               args.sql_runs, http=not args.no_http)
        if args.side_by_side:
            import side_by_side

            return side_by_side.run(
                args.ini, target, args.organizations, args.pgsearch_repo, args.peer_dir,
                args.rounds, args.workers, [o["name"] for o in orgs],
            )
        rng = random.Random(7)
        mix = corpus.query_mix(rng, [o["name"] for o in orgs], args.queries)
        print(f"==> {len(mix)} consultas package_search por HTTP ({args.url})")
        print(f"  caché de resultados vaciada ({clear_result_cache()} entradas)")
        http = drive_http(args.url, mix, args.concurrency)
        for label, figures in http.items():
            print(f"  caché {label}: " + "  ".join(f"{k}={v:.1f}" for k, v in figures.items()))
        print("==> La misma mezcla como SQL directo sobre territorio_search_doc (sin caché)")
        sql, explains = drive_sql(mix)
        print("  " + "  ".join(f"{k}={v:.1f}" for k, v in sql.items()))
        print(f"  razón HTTP (caché fría) / SQL, p50: {http['fría']['p50_ms'] / sql['p50_ms']:.2f}")
        for line in explains:
            print("  EXPLAIN " + line)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("CKAN_INI", str(ROOT / ".run" / "ckan.ini"))
    raise SystemExit(main())
