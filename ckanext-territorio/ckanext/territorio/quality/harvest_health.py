"""Harvest health per source, for an organization's report card (ckanext-harvest's own tables).

For each harvest source of the organization:

- ``jobs``: harvest jobs created in the last ``days`` days;
- ``errored_jobs`` / ``error_rate``: finished jobs of those that failed as a whole: the gather
  recorded an error (the source could not be read, or ckanext-harvest timed the job out) or
  every harvest object failed to import. Per-record problems of a job that otherwise
  worked are ``object_errors`` (error rows of those jobs' objects), not failed jobs;
- ``last_success``: when the latest job that did not fail finished (any age);
- ``last_job_status``: of the latest job: ``new``, ``running``, ``stuck``, ``finished`` or
  ``errored`` (None without jobs);
- ``stuck_jobs``: jobs still new or running with no activity (job or object timestamps) for
  more than ``stuck_hours``: a dead consumer or a job nobody closes;
- ``healthy``: active, nothing stuck, the latest job did not fail, at most
  ``max_error_rate`` of the window's jobs failed, and at least one success.

ckanext-harvest stores naive UTC timestamps; they come back as aware UTC datetimes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from ckan import model

UTC = dt.UTC
DEFAULT_MAX_ERROR_RATE = 0.5


@dataclass(frozen=True)
class SourceHealth:
    """One harvest source's health: last success, job errors, stuck jobs, objects in error."""

    source_id: str
    title: str
    url: str
    type: str
    last_success: dt.datetime | None
    last_job_status: str | None  # new | running | stuck | finished | errored
    jobs: int
    errored_jobs: int
    error_rate: float  # errored / finished jobs in the window, 0..1
    object_errors: int
    stuck_jobs: int  # new or running without activity for more than the stuck threshold
    healthy: bool
    active: bool = True


_HEALTH = sa.text(
    """
    WITH src AS (
        SELECT s.id, s.title, s.url, s.type, s.active
          FROM harvest_source s
          JOIN package p ON p.id = s.id
         WHERE p.owner_org = :org AND p.state <> 'deleted'
    ),
    latest AS (
        SELECT DISTINCT ON (j.source_id) j.id
          FROM harvest_job j JOIN src ON src.id = j.source_id
         ORDER BY j.source_id, j.created DESC
    ),
    job_facts AS (
        SELECT j.id, j.source_id, j.status, j.created,
               j.created >= :since AS in_window,
               EXISTS (SELECT 1 FROM harvest_gather_error g WHERE g.harvest_job_id = j.id) AS gather_failed,
               o.objects, o.failed_objects, o.object_errors,
               greatest(j.created, j.gather_started, j.gather_finished, o.last_action) AS last_action
          FROM harvest_job j
          JOIN src ON src.id = j.source_id
          CROSS JOIN LATERAL (
              SELECT count(*) AS objects,
                     count(*) FILTER (WHERE ho.state = 'ERROR' OR ho.report_status = 'errored')
                         AS failed_objects,
                     (SELECT count(*) FROM harvest_object_error he
                        JOIN harvest_object hx ON hx.id = he.harvest_object_id
                       WHERE hx.harvest_job_id = j.id) AS object_errors,
                     max(greatest(ho.gathered, ho.fetch_started, ho.fetch_finished,
                                  ho.import_started, ho.import_finished)) AS last_action
                FROM harvest_object ho
               WHERE ho.harvest_job_id = j.id
          ) AS o
         WHERE j.created >= :since OR j.status IN ('New', 'Running') OR j.id IN (SELECT id FROM latest)
    ),
    judged AS (
        SELECT *,
               status = 'Finished' AND (gather_failed OR (objects > 0 AND failed_objects = objects))
                   AS errored,
               status IN ('New', 'Running') AND last_action < :stuck_before AS stuck
          FROM job_facts
    ),
    last_success AS (
        SELECT j.source_id, max(j.finished) AS finished
          FROM harvest_job j JOIN src ON src.id = j.source_id
         WHERE j.status = 'Finished'
           AND NOT EXISTS (SELECT 1 FROM harvest_gather_error g WHERE g.harvest_job_id = j.id)
           AND (NOT EXISTS (SELECT 1 FROM harvest_object ho WHERE ho.harvest_job_id = j.id)
                OR EXISTS (SELECT 1 FROM harvest_object ho
                            WHERE ho.harvest_job_id = j.id
                              AND ho.state IS DISTINCT FROM 'ERROR'
                              AND ho.report_status IS DISTINCT FROM 'errored'))
         GROUP BY j.source_id
    ),
    window_stats AS (
        SELECT source_id,
               count(*) FILTER (WHERE in_window) AS jobs,
               count(*) FILTER (WHERE in_window AND status = 'Finished') AS finished_jobs,
               count(*) FILTER (WHERE in_window AND errored) AS errored_jobs,
               coalesce(sum(object_errors) FILTER (WHERE in_window), 0) AS object_errors,
               count(*) FILTER (WHERE stuck) AS stuck_jobs
          FROM judged GROUP BY source_id
    ),
    last_job AS (
        SELECT DISTINCT ON (source_id) source_id, status, errored, stuck
          FROM judged ORDER BY source_id, created DESC
    )
    SELECT src.id, src.title, src.url, src.type, src.active,
           ls.finished AS last_success,
           lj.status AS last_status, lj.errored AS last_errored, lj.stuck AS last_stuck,
           coalesce(w.jobs, 0) AS jobs, coalesce(w.finished_jobs, 0) AS finished_jobs,
           coalesce(w.errored_jobs, 0) AS errored_jobs, coalesce(w.object_errors, 0) AS object_errors,
           coalesce(w.stuck_jobs, 0) AS stuck_jobs
      FROM src
      LEFT JOIN last_success ls ON ls.source_id = src.id
      LEFT JOIN last_job lj ON lj.source_id = src.id
      LEFT JOIN window_stats w ON w.source_id = src.id
     ORDER BY lower(coalesce(nullif(src.title, ''), src.url)), src.id
    """
)


def status_label(status: str | None) -> str:
    """A ``last_job_status`` for people, in the interface's language."""
    import ckan.plugins.toolkit as tk

    labels = {
        "new": tk._("En cola"),
        "running": tk._("En curso"),
        "stuck": tk._("Detenida"),
        "finished": tk._("Terminada"),
        "errored": tk._("Con error"),
    }
    return labels.get(status or "", tk._("Sin cosechas"))


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _naive_utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _status(status: str | None, errored: bool | None, stuck: bool | None) -> str | None:
    if status is None:
        return None
    if stuck:
        return "stuck"
    if status == "Finished":
        return "errored" if errored else "finished"
    return "running" if status == "Running" else "new"


def for_organization(
    org_id_or_name: str,
    *,
    days: int | None = None,
    stuck_hours: float | None = None,
    max_error_rate: float = DEFAULT_MAX_ERROR_RATE,
    now: dt.datetime | None = None,
) -> list[SourceHealth]:
    """The health of each harvest source of an organization, sorted by title; [] if unknown.

    ``days`` (default ``ckanext.territorio.quality.harvest_days``) is the window of jobs
    counted; ``stuck_hours`` (default ``ckanext.territorio.quality.harvest_stuck_hours``) the
    inactivity after which a new or running job is stuck.
    """
    from .. import config

    organization = model.Group.get(org_id_or_name)
    if organization is None or not organization.is_organization:
        return []
    now = now or dt.datetime.now(UTC)
    days = config.quality_harvest_days() if days is None else days
    stuck_hours = config.quality_harvest_stuck_hours() if stuck_hours is None else stuck_hours
    rows = model.Session.execute(
        _HEALTH,
        {
            "org": organization.id,
            "since": _naive_utc(now - dt.timedelta(days=days)),
            "stuck_before": _naive_utc(now - dt.timedelta(hours=stuck_hours)),
        },
    )
    health: list[SourceHealth] = []
    for row in rows:
        finished = int(row.finished_jobs)
        errored = int(row.errored_jobs)
        error_rate = errored / finished if finished else 0.0
        last_status = _status(row.last_status, row.last_errored, row.last_stuck)
        last_success = _aware(row.last_success)
        stuck = int(row.stuck_jobs)
        health.append(
            SourceHealth(
                source_id=row.id,
                title=row.title or row.url,
                url=row.url,
                type=row.type,
                last_success=last_success,
                last_job_status=last_status,
                jobs=int(row.jobs),
                errored_jobs=errored,
                error_rate=error_rate,
                object_errors=int(row.object_errors),
                stuck_jobs=stuck,
                healthy=bool(row.active)
                and stuck == 0
                and last_status != "errored"
                and error_rate <= max_error_rate
                and last_success is not None,
                active=bool(row.active),
            )
        )
    return health
