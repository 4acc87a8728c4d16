"""Writing and reading scores: upsert the standing score, append history when it changes."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from ckan import model
from sqlalchemy.dialects.postgresql import insert

from ..fields import decode_list
from ..model.quality import LinkCheck, QualityHistory, QualityRun, QualityScore
from .engine import Score

SCORE_TABLE = QualityScore.__table__
HISTORY_TABLE = QualityHistory.__table__
# columns refreshed on conflict (everything but the key)
_UPDATED = [c.name for c in SCORE_TABLE.columns if c.name != "package_id"]
_COMPARED = [name for name in _UPDATED if name != "scored_at"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _organization(package: Mapping[str, Any]) -> str | None:
    org = package.get("organization")
    if isinstance(org, Mapping) and org.get("name"):
        return str(org["name"])
    return None


def _timestamp(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, str) and value:
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return None


def row(package: Mapping[str, Any], score: Score, scored_at: dt.datetime) -> dict[str, Any]:
    """The territorio_quality_score row of a scored dataset."""
    return {
        "package_id": str(package["id"]),
        "name": str(package.get("name") or package["id"]),
        "title": package.get("title"),
        "dataset_type": package.get("type"),
        "organization": _organization(package),
        "private": bool(package.get("private")),
        "regions": decode_list(package.get("region")),
        "comunas": decode_list(package.get("comuna")),
        "dimensions_keys": decode_list(package.get("dimension")),
        "profile": score.main.profile,
        "profile_version": score.version,
        "points": score.main.points,
        "max_points": score.main.max_points,
        "rating": score.main.rating,
        "mqa_points": score.mqa.points,
        "mqa_rating": score.mqa.rating,
        "fresh": score.fresh,
        "has_errors": score.has_errors,
        "personal_findings": score.personal_findings,
        "dimensions": score.dimensions,
        "indicators": [r.as_dict() for r in score.indicators],
        "fixes": score.fixes,
        "metadata_modified": _timestamp(package.get("metadata_modified")),
        "scored_at": scored_at,
    }


def standing(
    package_ids: Sequence[str], with_indicators: bool = True
) -> dict[str, tuple[float, str, str, list | None]]:
    """package id → (points, rating, profile_version, indicators) of its stored score.

    ``with_indicators=False`` leaves the indicator list out (a batch computes everything).
    """
    if not package_ids:
        return {}
    indicators = SCORE_TABLE.c.indicators if with_indicators else sa.null().label("indicators")
    rows = model.Session.execute(
        sa.select(
            SCORE_TABLE.c.package_id,
            SCORE_TABLE.c.points,
            SCORE_TABLE.c.rating,
            SCORE_TABLE.c.profile_version,
            indicators,
        ).where(SCORE_TABLE.c.package_id.in_(list(package_ids)))
    )
    return {r.package_id: (r.points, r.rating, r.profile_version, r.indicators) for r in rows}


def save(rows: Sequence[dict[str, Any]], before: Mapping[str, tuple[Any, ...]] | None = None) -> int:
    """Upsert the scores (rows equal but for the time are left); history on a change.

    A history row is added for each dataset whose points or rating changed.

    ``before`` is what :func:`standing` returned for these datasets (read it before
    scoring); it is read here when not given. Returns how many history rows were added.
    The caller commits.
    """
    if not rows:
        return 0
    if before is None:
        before = standing([r["package_id"] for r in rows])
    statement = insert(SCORE_TABLE)
    statement = statement.on_conflict_do_update(
        index_elements=[SCORE_TABLE.c.package_id],
        set_={name: statement.excluded[name] for name in _UPDATED},
        # an unchanged score is not rewritten (a daily run leaves most rows, and the table
        # small, alone): scored_at is when the stored score last changed
        where=sa.text(
            f"({', '.join(f'{SCORE_TABLE.name}.{c}' for c in _COMPARED)}) IS DISTINCT FROM "
            f"({', '.join(f'EXCLUDED.{c}' for c in _COMPARED)})"
        ),
    )
    # executemany: compiled once, sent in batches (SQLAlchemy's insertmanyvalues)
    model.Session.execute(statement, list(rows))
    changed = [
        {
            "package_id": r["package_id"],
            "scored_at": r["scored_at"],
            "points": r["points"],
            "max_points": r["max_points"],
            "rating": r["rating"],
            "mqa_points": r["mqa_points"],
            "profile_version": r["profile_version"],
        }
        for r in rows
        if r["package_id"] not in before
        or before[r["package_id"]][0] != r["points"]
        or before[r["package_id"]][1] != r["rating"]
    ]
    if changed:
        model.Session.execute(insert(HISTORY_TABLE), changed)
    return len(changed)


def delete(package_ids: Iterable[str]) -> int:
    """Drop the standing scores of datasets that left the catalogue (history stays)."""
    ids = list(package_ids)
    if not ids:
        return 0
    result = model.Session.execute(
        sa.delete(SCORE_TABLE).where(SCORE_TABLE.c.package_id.in_(ids))
    )
    return int(result.rowcount or 0)


def purge(package_id: str) -> int:
    """Everything the audit holds about a purged dataset: score, history and link checks."""
    removed = 0
    for table in (SCORE_TABLE, HISTORY_TABLE, LinkCheck.__table__):
        result = model.Session.execute(sa.delete(table).where(table.c.package_id == package_id))
        removed += int(result.rowcount or 0)
    return removed


def delete_absent(active_ids: Iterable[str]) -> int:
    """Drop every standing score whose dataset is not among ``active_ids`` (end of a batch)."""
    model.Session.execute(sa.text("CREATE TEMP TABLE IF NOT EXISTS territorio_quality_active (id text PRIMARY KEY) ON COMMIT DROP"))
    model.Session.execute(sa.text("TRUNCATE territorio_quality_active"))
    ids = [{"id": i} for i in active_ids]
    for start in range(0, len(ids), 5000):
        model.Session.execute(
            sa.text("INSERT INTO territorio_quality_active (id) VALUES (:id) ON CONFLICT DO NOTHING"),
            ids[start : start + 5000],
        )
    result = model.Session.execute(
        sa.text(
            "DELETE FROM territorio_quality_score s WHERE NOT EXISTS "
            "(SELECT 1 FROM territorio_quality_active a WHERE a.id = s.package_id)"
        )
    )
    return int(result.rowcount or 0)


def get(package_id: str) -> QualityScore | None:
    """The dataset's stored score, or None."""
    return model.Session.get(QualityScore, package_id)


def history(package_id: str, limit: int = 100) -> list[QualityHistory]:
    """The dataset's score changes, oldest first (the last ``limit``)."""
    rows = (
        model.Session.query(QualityHistory)
        .filter(QualityHistory.package_id == package_id)
        .order_by(QualityHistory.scored_at.desc(), QualityHistory.id.desc())
        .limit(limit)
        .all()
    )
    return list(reversed(rows))


def start_run(profile_version: str) -> QualityRun:
    """A new batch run row, started now and flushed for its id."""
    run = QualityRun(started=_now(), status="running", profile_version=profile_version)
    model.Session.add(run)
    model.Session.flush()
    return run


def latest_run() -> QualityRun | None:
    """The most recently started batch run, or None."""
    return model.Session.query(QualityRun).order_by(QualityRun.started.desc()).first()
