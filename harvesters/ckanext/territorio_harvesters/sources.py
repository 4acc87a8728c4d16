"""A source's run bounds and its guarded HTTP client, from the portal's options and the
source's own config (``timeout``, ``max_megabytes``, ``max_pages``)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from ckanext.territorio.net import guard

from . import config, run_deadline
from .http import Client, Limits
from .records import UTC


def limits(settings: dict[str, Any]) -> Limits:
    """Run bounds from the portal's options, overridden by the source's config."""
    read_timeout = float(settings.get("timeout") or config.timeout())
    return Limits(
        connect_timeout=min(10.0, read_timeout),
        read_timeout=read_timeout,
        response_deadline=read_timeout * 5,
        max_response_bytes=config.max_response_bytes(),
        max_run_bytes=int(settings.get("max_megabytes") or config.max_run_megabytes()) * 1024 * 1024,
        max_pages=int(settings.get("max_pages") or config.max_pages()),
        retries=config.retries(),
        backoff=config.backoff_seconds(),
        max_retry_after=float(config.max_retry_after()),
        allow=guard.parse_networks(config.allow_networks()),
    )


def client_for(settings: dict[str, Any], headers: dict[str, str] | None = None) -> Client:
    """A guarded HTTP client with the run bounds of the source's settings, cut at the
    deadline of the job whose stage is running (``run_deadline.applied``)."""
    return Client(limits(settings), headers, run=run_deadline.active())


def first_start(settings: dict[str, Any]) -> dt.datetime:
    """Where a series' first run starts: the config's ``start``, else ``backfill_days`` ago."""
    if settings.get("start"):
        return dt.datetime.fromisoformat(settings["start"])
    days = int(settings.get("backfill_days", 7))
    now = dt.datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return now - dt.timedelta(days=days)

