"""Quality benchmark: batch scoring of N datasets, then territorio_quality_summary latency.

    .venv/bin/python bench/quality.py                        # 50,000 datasets, .run/ckan.ini
    .venv/bin/python bench/quality.py --ini /tmp/x/test.ini --datasets 10000 --real 1000

Seeds ``--real`` of the search benchmark's realistic territorial datasets through CKAN's
own actions (``bench/corpus.py``, indexing deferred, then the stock ``ckan search-index
rebuild``), and reaches ``--datasets`` by cloning them in SQL (package rows and their index
documents, with new ids and names): the batch reads exactly those rows, so each clone costs
the scoring what a real dataset does, and 50,000 datasets take minutes instead of an hour
of package_create. No links are checked (the benchmark excludes the network). It then
times the real batch run (``ckan territorio quality run``: bulk reads of the index,
reports and link checks, one upsert per chunk, the run row at the end) twice: the first
writes every score, the second rewrites them unchanged. Finally it calls the
``territorio_quality_summary`` action in-process over every grouping with a mix of filters
and prints p50/p95. Figures are printed, nothing is asserted.
Targets: >= 500 datasets/s on 2 cores; summary p95 <= 200 ms at 50,000 datasets.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import search  # noqa: E402  (the search benchmark's seeding)

ROOT = Path(__file__).resolve().parents[1]
GROUPINGS = ("organization", "region", "comuna", "dimension")
REGIONS = ["CL-RM", "CL-AR", "CL-BI", "CL-VS", "CL-AN", "CL-NB"]
DIMENSIONS = ["medio-ambiente", "movilidad", "seguridad", "salud", "gobierno"]
RATINGS = ["excellent", "good", "sufficient", "bad"]


def _columns(table: str) -> list[str]:
    import sqlalchemy as sa
    from ckan import model

    rows = model.Session.execute(
        sa.text(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = :t AND table_schema = current_schema() ORDER BY ordinal_position"
        ),
        {"t": table},
    )
    return [r[0] for r in rows]


def clone(target: int) -> int:
    """Copy the real bench datasets (package row + index document) until ``target`` exist."""
    import sqlalchemy as sa
    from ckan import model

    session = model.Session
    real = session.execute(
        sa.text("SELECT count(*) FROM package WHERE name ~ '^bench-[0-9]+$' AND state = 'active'")
    ).scalar_one()
    count_all = sa.text(
        "SELECT count(*) FROM package WHERE name ~ '^(q?bench-)' AND state = 'active'"
    )
    present = session.execute(count_all).scalar_one()
    if present >= target or not real:
        return 0
    new_id = "md5(p.id || ':' || :k)::uuid::text"
    # not "bench-..." so that the search benchmark's seeding does not count the clones
    new_name = "'qbench-c' || :k || '-' || substr(p.name, 7)"
    package_columns = _columns("package")
    package_select = ", ".join(
        new_id if c == "id" else new_name if c == "name" else f"p.{c}" for c in package_columns
    )
    doc_columns = _columns("territorio_search_doc")
    replaced = {
        "index_id": "md5(d.index_id || ':' || :k)",
        "id": new_id,
        "name": new_name,
        "validated_data_dict": f"replace(replace(d.validated_data_dict, p.id, {new_id}), p.name, {new_name})",
        "data_dict": f"replace(replace(d.data_dict, p.id, {new_id}), p.name, {new_name})",
    }
    doc_select = ", ".join(replaced.get(c, f"d.{c}") for c in doc_columns)
    copies = 0
    k = 1
    while present < target:
        limit = min(real, target - present)
        source = (
            "FROM package p WHERE p.name ~ '^bench-[0-9]+$' AND p.state = 'active' "
            "ORDER BY p.name LIMIT :limit"
        )
        session.execute(
            sa.text(
                f"INSERT INTO package ({', '.join(package_columns)}) SELECT {package_select} {source} "
                "ON CONFLICT DO NOTHING"
            ),
            {"k": str(k), "limit": limit},
        )
        session.execute(
            sa.text(
                f"INSERT INTO territorio_search_doc ({', '.join(doc_columns)}) "
                f"SELECT {doc_select} FROM territorio_search_doc d JOIN ("
                f"SELECT p.id, p.name {source}) p ON p.id = d.id ON CONFLICT DO NOTHING"
            ),
            {"k": str(k), "limit": limit},
        )
        # the clones' word scores (search.terms), which one-word searches read
        session.execute(
            sa.text(
                "INSERT INTO territorio_search_term (index_id, lexeme, score) "
                "SELECT md5(t.index_id || ':' || :k), t.lexeme, t.score FROM territorio_search_term t "
                "JOIN territorio_search_doc d ON d.index_id = t.index_id JOIN ("
                f"SELECT p.id, p.name {source}) p ON p.id = d.id ON CONFLICT DO NOTHING"
            ),
            {"k": str(k), "limit": limit},
        )
        session.commit()
        present = session.execute(count_all).scalar_one()
        copies += limit
        k += 1
    session.execute(sa.text("ANALYZE package"))
    session.execute(sa.text("ANALYZE territorio_search_doc, territorio_search_term"))
    session.commit()
    return copies


def _vacuum() -> None:
    """VACUUM ANALYZE the score table (outside a transaction), as autovacuum would."""
    import sqlalchemy as sa
    from ckan import model

    engine = model.Session.get_bind()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE territorio_quality_score"))


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def summary_mix(rng: random.Random, organizations: list[str], count: int) -> list[dict[str, Any]]:
    """Calls as the dashboard and the scoreboard make them: a grouping plus 0–2 filters."""
    calls = []
    for n in range(count):
        params: dict[str, Any] = {"group_by": GROUPINGS[n % len(GROUPINGS)]}
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            kind = rng.choice(("region", "dimension", "organization", "rating"))
            params[kind] = {
                "region": lambda: rng.choice(REGIONS),
                "dimension": lambda: rng.choice(DIMENSIONS),
                "organization": lambda: rng.choice(organizations),
                "rating": lambda: rng.choice(RATINGS),
            }[kind]()
        if rng.random() < 0.3:
            params["worst"] = 10
        if rng.random() < 0.2:
            params["include_private"] = True
        calls.append(params)
    return calls


def time_summary(calls: list[dict[str, Any]], user: str) -> dict[str, list[float]]:
    import ckan.plugins.toolkit as tk
    from ckan import model

    action = tk.get_action("territorio_quality_summary")
    timings: dict[str, list[float]] = {g: [] for g in GROUPINGS}
    for params in calls:
        started = time.perf_counter()
        action({"user": user}, dict(params))
        timings[params["group_by"]].append((time.perf_counter() - started) * 1000)
        model.Session.remove()
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ini", type=Path, default=ROOT / ".run" / "ckan.ini")
    parser.add_argument("--datasets", type=int, default=50_000)
    parser.add_argument("--real", type=int, default=2_000,
                        help="datasets created with package_create; the rest are clones")
    parser.add_argument("--organizations", type=int, default=60)
    parser.add_argument("--calls", type=int, default=400, help="summary calls to time")
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--runs", type=int, default=2, help="batch runs to time")
    args = parser.parse_args()
    os.environ["CKAN_INI"] = str(args.ini)

    app = search._ckan_app(args.ini)
    with app._wsgi_app.test_request_context():  # type: ignore[attr-defined]
        import ckan.plugins.toolkit as tk
        from ckan import model

        from ckanext.territorio.quality import batch
        from ckanext.territorio.search import config as search_config

        if not search_config.engine_active():
            print("El benchmark lee el índice de PostgreSQL: search_backend debe ser postgres")
            return 1
        # seeding does not queue link checks (the benchmark excludes the network)
        tk.config["ckanext.territorio.quality.check_links"] = False
        import sqlalchemy as sa

        real = min(args.real, args.datasets)
        print(f"==> Sembrando {real} conjuntos de datos (acciones de CKAN, índice diferido)")
        orgs = search.seed(real, args.organizations)
        docs = model.Session.execute(
            sa.text("SELECT count(*) FROM territorio_search_doc WHERE name ~ '^bench-[0-9]+$'")
        ).scalar_one()
        if docs < real:
            print("==> ckan search-index rebuild")
            indexed, seconds = search.rebuild(args.ini)
            print(f"  {indexed} conjuntos en {seconds:.1f} s")
        copies = clone(args.datasets)
        print(f"==> {copies} copias en SQL hasta {args.datasets} conjuntos")
        total = batch.count(("dataset",))
        print(f"  {total} conjuntos activos")

        # the first run writes every score (the bench datasets' old scores are dropped), the
        # next ones find them unchanged (a daily run's usual case)
        model.Session.execute(sa.text(
            "DELETE FROM territorio_quality_history WHERE package_id IN "
            "(SELECT package_id FROM territorio_quality_score WHERE name ~ '^q?bench-')"
        ))
        model.Session.execute(sa.text("DELETE FROM territorio_quality_score WHERE name ~ '^q?bench-'"))
        model.Session.commit()
        _vacuum()
        for attempt in range(1, args.runs + 1):
            done = 0

            def progress(n: int) -> None:
                nonlocal done
                done += n
                print(f"\r  puntuados {done:>6}/{total}", end="", flush=True)

            print(f"==> Corrida {attempt} de puntaje de todo el catálogo (chunk {args.chunk})")
            result = batch.run(chunk=args.chunk, progress=progress)
            print()
            ratings = ", ".join(f"{r} {result.ratings[r]}" for r in RATINGS)
            print(
                f"  {result.datasets} conjuntos en {result.seconds:.1f} s: "
                f"{result.per_second:.0f} conjuntos/s ({ratings}; {result.history} en el historial)"
            )
            model.Session.remove()

        _vacuum()
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        calls = summary_mix(random.Random(11), [o["name"] for o in orgs], args.calls)
        time_summary(calls[:20], site_user)  # warm the connection pool and the caches
        print(f"==> {len(calls)} llamadas territorio_quality_summary (en proceso, sin caché)")
        timings = time_summary(calls, site_user)
        everything = [t for values in timings.values() for t in values]
        for grouping, values in timings.items():
            print(
                f"  {grouping:<13} n={len(values):<4} p50={_percentile(values, 50):6.1f} ms  "
                f"p95={_percentile(values, 95):6.1f} ms  max={max(values):6.1f} ms"
            )
        print(
            f"  todas         n={len(everything):<4} p50={_percentile(everything, 50):6.1f} ms  "
            f"p95={_percentile(everything, 95):6.1f} ms  media={statistics.mean(everything):6.1f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
