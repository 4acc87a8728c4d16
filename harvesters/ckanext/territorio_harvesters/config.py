"""Typed getters for the ``ckanext.territorio.harvest.*`` options.

They are declared with the portal's other options (ckanext-territorio's
config_declaration.yaml: the harvesters run inside that portal); only this module reads them.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.territorio import config as territorio_config

PREFIX = "ckanext.territorio.harvest."


def _int(name: str) -> int:
    return tk.config[PREFIX + name]


def allow_networks() -> list[str]:
    """Non-public networks sources may be read from (the operator's allow-list)."""
    return territorio_config.harvest_allow_networks()


def timeout() -> int:
    """Seconds to wait for a response to start arriving (each must finish within 5×)."""
    return _int("timeout")


def run_deadline() -> int:
    """Seconds one harvest job may take from the start of its gather (0: no limit)."""
    return _int("run_deadline")


def max_response_bytes() -> int:
    """Largest single response a harvester reads."""
    return _int("max_response_mb") * 1024 * 1024


def max_run_megabytes() -> int:
    """MiB one source may send in one run."""
    return _int("max_run_mb")


def max_pages() -> int:
    """Requests one source may get in one run."""
    return _int("max_pages")


def retries() -> int:
    """Retries of a request that failed to connect or got 429/5xx."""
    return _int("retries")


def backoff_seconds() -> float:
    """First wait between retries (doubling each retry)."""
    return _int("backoff_ms") / 1000.0


def max_retry_after() -> int:
    """Longest ``Retry-After`` a harvester sleeps."""
    return _int("max_retry_after")


def withdraw_max_share() -> float:
    """Largest share of a source's datasets one catalogue run may withdraw (0-1)."""
    return _int("withdraw_max_percent") / 100.0


def batch_rows() -> int:
    """Readings written to the DataStore per COPY."""
    return _int("batch_rows")


def stale_after() -> int:
    """Seconds without a heartbeat before an item goes back to its queue."""
    return _int("stale_after")


def scheduler_interval() -> int:
    """Seconds between two ticks of the harvest scheduler."""
    return _int("scheduler_interval")


STREAM = "ckanext.territorio.stream."


def stream_flush_seconds() -> float:
    """Longest wait before received readings are written, committed and acknowledged."""
    return max(10, min(1000, int(tk.config[STREAM + "flush_ms"]))) / 1000


def stream_batch_messages() -> int:
    """Messages that make a batch, written at once."""
    return max(1, int(tk.config[STREAM + "batch_messages"]))


def stream_inbox_bytes() -> int:
    """Payload bytes of received messages held before the consumer stops reading (backpressure)."""
    return max(64, int(tk.config[STREAM + "inbox_kb"])) * 1024


def stream_refresh_seconds() -> float:
    """Seconds between two reads of the mqtt sources."""
    return float(max(1, int(tk.config[STREAM + "refresh_seconds"])))


def stream_session_expiry() -> int:
    """Seconds the broker keeps a source's persistent session."""
    return max(60, int(tk.config[STREAM + "session_expiry"]))
