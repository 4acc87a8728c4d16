"""Content-validation benchmark: a generated 1,000,000-row sensor CSV through the policy rules.

    .venv/bin/python bench/policy.py                  # 1,000,000 rows
    .venv/bin/python bench/policy.py --rows 200000    # quicker
    .venv/bin/python bench/policy.py --keep /tmp/x.csv

Three timings over the same file, each in a fresh process so peak memory is its own:

- personal-data scan: the streaming CSV reader with the screen and the RUT / e-mail / phone /
  column-name scanner (the pass the issue's target of >= 100,000 rows/s is about);
- full pass: the same read with every structural, sensor and personal-data rule;
- full validation: the full pass plus Frictionless on the first rows (``tabular.types``).

Peak memory is the process's maximum resident set (getrusage) and the Python heap peak
(tracemalloc, which slows the run, so it is measured in a separate pass). Plain engine code,
no CKAN, database or Redis; figures are printed, nothing is asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "ckanext-territorio"))

MODES = ("personal", "full-pass", "full")


def write_csv(path: Path, rows: int) -> None:
    """Hourly readings of seven stations around Temuco, one RUT planted near the end."""
    rng = random.Random(2026)
    with path.open("w", encoding="utf-8") as out:
        out.write("timestamp,entity_id,lat,lon,pm25,pm10,no2\n")
        for i in range(rows):
            pm25 = "12.345.678-5" if i == rows - 10 else f"{rng.random() * 80:.1f}"
            out.write(
                f"2024-{1 + (i // 672) % 12:02d}-{1 + (i // 24) % 28:02d}T{i % 24:02d}:00:00-04:00,"
                f"TEM-{i % 7:02d},{-38.7 + rng.random() / 10:.5f},{-72.6 + rng.random() / 10:.5f},"
                f"{pm25},{rng.random() * 120:.1f},{rng.random() * 60:.1f}\n"
            )


def run(mode: str, path: Path, trace: bool) -> dict[str, float]:
    from ckanext.territorio.policy.content import ContentResult, ResourceFacts, _scan, check_file
    from ckanext.territorio.policy.document import load_policy
    from ckanext.territorio.policy.personal import SEPARATOR, PersonalScanner, screen
    from ckanext.territorio.policy.report import Findings
    from ckanext.territorio.policy.tabular import CsvRows, Limits

    policy = load_policy(ROOT / "schemas" / "policy.yaml")
    limits = Limits(max_bytes=4 * 1024**3)
    facts = ResourceFacts(format="CSV", unit="ug/m3")
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    findings = Findings(policy)
    if mode == "personal":
        reader = CsvRows(path, limits, screen=screen)
        iterator = iter(reader)
        _, header, _ = next(iterator)
        scanner = PersonalScanner(policy, findings, header)
        rows = 0
        for line, row, flagged in iterator:
            rows += 1  # noqa: SIM113 (the hot loop: no enumerate tuple per row)
            if flagged or (flagged is None and screen(SEPARATOR.join(row))):
                scanner.cells(line, row)
        scanner.finish()
    elif mode == "full-pass":
        result = ContentResult(findings=findings, kind="csv")
        _scan(CsvRows(path, limits, screen=screen), "csv", facts, policy, findings, result)
        rows = result.rows
    else:
        result = check_file(path, facts, policy, limits)
        findings, rows = result.findings, result.rows
    elapsed = time.perf_counter() - started
    heap_peak = tracemalloc.get_traced_memory()[1] if trace else 0
    rut = findings.results.get("personal.rut")
    return {
        "rows": rows,
        "seconds": elapsed,
        "rows_per_s": rows / elapsed if elapsed else 0.0,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "heap_peak_mb": heap_peak / 2**20,
        "ruts_found": rut.count if rut else 0,
    }


def child(mode: str, path: Path, trace: bool) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--file", str(path)] + (["--trace"] if trace else []),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the CSV here and keep it")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run(args.child, args.file, args.trace)))
        return

    folder = tempfile.TemporaryDirectory(prefix="territorio-bench-")
    path = args.keep or Path(folder.name) / "sensores.csv"
    started = time.perf_counter()
    write_csv(path, args.rows)
    size_mb = path.stat().st_size / 2**20
    print(f"{time.strftime('%Y-%m-%d %H:%M %Z')} · {platform.platform()} · "
          f"{os.cpu_count()} CPU · Python {platform.python_version()}")
    print(f"CSV: {args.rows:,} filas, {size_mb:.1f} MiB (generado en {time.perf_counter() - started:.1f} s)")
    print(f"{'pasada':<22}{'filas/s':>12}{'segundos':>10}{'RSS máx MB':>12}{'heap pico MB':>14}{'RUT':>5}")
    for mode in MODES:
        timed = child(mode, path, trace=False)
        traced = child(mode, path, trace=True)
        print(
            f"{mode:<22}{timed['rows_per_s']:>12,.0f}{timed['seconds']:>10.2f}"
            f"{timed['max_rss_mb']:>12.1f}{traced['heap_peak_mb']:>14.1f}{timed['ruts_found']:>5}"
        )
    folder.cleanup()


if __name__ == "__main__":
    main()
