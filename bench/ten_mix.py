"""bench/search.py --ten-mix: issue 16's ten-query mix against our portal alone, cache off.

Serves a copy of the ini with ``cache_ttl = 0`` under gunicorn (``--workers``
sync processes), runs ``corpus.ten_query_mix`` ``--rounds`` times with one
client over HTTP, then times the SQL each query generates straight on the
table: documents and hit count + facets separately, the minimum of ``--sql-runs``
runs each (the minimum is what a loaded, shared machine can still compare).
Prints p50/p95, per-query figures and the load average; asserts nothing.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402
import portal_server  # noqa: E402
import side_by_side  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def recorded_searches(mix: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The connection.search keyword arguments CKAN's package_search sends for ``mix``."""
    import ckan.lib.search.common as common
    import ckan.lib.search.query as query
    import ckan.plugins.toolkit as tk

    recorded: list[dict[str, Any]] = []
    connection = common.make_connection()
    original = connection.search

    def record(q: str | None = None, **kwargs: Any) -> Any:
        recorded.append(dict(kwargs, q=q if q is not None else kwargs.get("q")))
        return original(q, **kwargs)

    connection.search = record  # type: ignore[method-assign]
    make = query.make_connection
    query.make_connection = lambda *a, **k: connection  # type: ignore[assignment]
    try:
        for params in mix:
            tk.get_action("package_search")({"ignore_auth": False, "user": ""}, dict(params))
    finally:
        query.make_connection = make  # type: ignore[assignment]
    return recorded


def time_sql(mix: list[dict[str, Any]], runs: int) -> list[tuple[float, float]]:
    """(documents, summary) minimum milliseconds of each query's SQL, uncached."""
    import ckan.lib.search.common as common
    from ckan import model

    connection = common.make_connection()
    plans = [connection.plan(**kwargs) for kwargs in recorded_searches(mix)]
    figures = []
    with model.meta.engine.connect() as raw:
        for plan in plans:
            best = [float("inf"), float("inf")]
            for _ in range(runs):
                values = getattr(plan, "summary_params", None) or None  # older plans bind their values
                statements = ((plan.documents, None), (plan.summary, values))
                for slot, (statement, values) in enumerate(statements):
                    if statement is None:
                        best[slot] = 0.0
                        continue
                    started = time.perf_counter()
                    raw.execute(statement, values).all()
                    best[slot] = min(best[slot], (time.perf_counter() - started) * 1000)
            figures.append((best[0], best[1]))
    return figures


def run(ini: Path, rounds: int, workers: int, orgs: list[str], sql_runs: int, http: bool = True) -> int:
    """Serve ours uncached, drive the mix over HTTP, then time its SQL; print everything."""
    workdir = ROOT / ".run" / "bench"
    workdir.mkdir(parents=True, exist_ok=True)
    mix = corpus.ten_query_mix(orgs[7 % len(orgs)])
    figures: dict[int, Any] = {}
    if http:
        server, url = portal_server.serve(
            side_by_side.uncached_ini(ini, workdir), workdir / "ten-mix.log", ["--workers", str(workers)]
        )
        try:
            load = _load()
            figures = {1: side_by_side.drive(url, mix, rounds, 1)}
            f = figures[1]
            print(f"  HTTP, 1 cliente, {rounds} rondas: p50 {f['p50_ms']:.1f} ms  p95 {f['p95_ms']:.1f} ms"
                  f"  {f['rps']:.1f} req/s  (carga media antes {load}, después {_load()})")
        finally:
            server.terminate()
            server.wait(30)
    load = _load()
    sql = time_sql(mix, sql_runs)
    print(f"==> SQL directo, mínimo de {sql_runs} (carga media antes {load}, después {_load()})")
    for i, params in enumerate(mix):
        shown = {k: v for k, v in params.items() if k not in ("facet.field", "rows")}
        documents, summary = sql[i]
        over_http = f"HTTP p50 {figures[1]['per_query_ms'][i]:5.1f} ms, {figures[1]['hits'][i]:>5} · " if http else ""
        print(f"  {i + 1:>2}. {over_http}SQL documentos {documents:5.1f} + resumen {summary:5.1f} ms  {shown}")
    return 0
