"""The harvesters' view of the outbound client (``net.client``): one run, its caps, its wording.

Timeouts, the per-response deadline, retries with ``Retry-After``, redirects, the byte cap
per response and the address guard are the shared client's; this adapter adds what belongs
to a harvest run: caps of pages and bytes per run (``RunLimit``), query strings built from
parameters, status errors worded for the harvest pages, and typed JSON pages.
"""
from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from ckanext.territorio.net import client as net
from ckanext.territorio.net.deadline import Deadline
from ckanext.territorio.net.decode import decode_json, parse_xml
from ckanext.territorio.net.errors import RetryAfterTooLong, TimedOut

from .errors import HTTPStatusError, RunDeadlineExceeded, RunLimit
from .run_deadline import RunDeadline

__all__ = ["Client", "Limits", "Response", "RetryAfterTooLong", "Usage", "decode_json", "parse_xml"]

T = TypeVar("T")
MiB = net.MiB
USER_AGENT = "ckanext-territorio-harvester/1 (+portal Territorio Inteligente)"
ALLOW_OPTION = "ckanext.territorio.harvest.allow_networks"
Response = net.Response


@dataclass(frozen=True)
class Limits(net.Limits):
    """Bounds for one harvest run against one source: the client's, and caps per run."""

    read_timeout: float = 60.0
    response_deadline: float = 300.0
    retries: int = 4
    backoff: float = 1.0
    allow_option: str = ALLOW_OPTION
    max_run_bytes: int = 2048 * MiB
    max_pages: int = 20000


@dataclass
class Usage:
    """What a run has used so far."""

    pages: int = 0
    bytes: int = 0
    retries: int = 0
    started: float = field(default_factory=time.monotonic)


class Client(net.Closing):
    """GET-only client for one run; counts pages and bytes against ``limits``, and cuts every
    request at the run's deadline (``run``) when it comes before the response's own."""

    def __init__(
        self, limits: Limits, headers: Mapping[str, str] | None = None, *, run: RunDeadline | None = None
    ) -> None:
        self.limits = limits
        self.run = run
        self.usage = Usage()
        base = {"Accept": "application/json, */*;q=0.5"}
        base.update(headers or {})
        self._client = net.Client(limits, base, user_agent=USER_AGENT)

    def close(self) -> None:
        """Close the run's connections."""
        self._client.close()

    @staticmethod
    def build_url(url: str, params: Mapping[str, Any] | None = None) -> str:
        """``url`` with ``params`` (None values left out) appended to its query string."""
        if not params:
            return url
        query = urlencode(
            {k: v for k, v in params.items() if v is not None}, quote_via=quote, safe="$,:()'"
        )
        return f"{url}{'&' if '?' in url else '?'}{query}"

    def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        ok_statuses: frozenset[int] = frozenset({200, 206}),
    ) -> net.Response:
        """GET ``url``; the whole body, or a SourceError subclass."""
        full_url = self.build_url(url, params)
        if self.usage.pages >= self.limits.max_pages:
            raise RunLimit(
                f"se alcanzó el máximo de {self.limits.max_pages} páginas por ejecución; "
                "el resto se cosechará en la próxima",
                net.shown(full_url),
            )
        self.usage.pages += 1
        response = self._get_within_run(full_url, headers)
        self.usage.retries += response.retries
        self.usage.bytes += len(response.body)
        if self.usage.bytes > self.limits.max_run_bytes:
            raise RunLimit(
                f"se alcanzó el máximo de {self.limits.max_run_bytes / MiB:.0f} MB por ejecución; "
                "el resto se cosechará en la próxima",
                net.shown(full_url),
            )
        if response.status not in ok_statuses:
            raise HTTPStatusError(
                f"la fuente respondió {response.status}{_status_hint(response.status)}",
                net.shown(full_url),
                status=response.status,
            )
        return response

    def _get_within_run(self, url: str, headers: Mapping[str, str] | None) -> net.Response:
        """One GET, its deadline the response's own or what is left of the run, if less."""
        if self.run is None:
            return self._client.get(url, headers)
        remaining = self.run.remaining()
        if remaining <= 0:
            raise RunDeadlineExceeded(self.run.message(), net.shown(url))
        # the shorter of the two: a trickling server is cut when the run's time is up
        deadline = Deadline(remaining) if remaining < self.limits.response_deadline else None
        try:
            return self._client.get(url, headers, deadline=deadline)
        except (TimedOut, RetryAfterTooLong) as exc:
            if self.run.passed() or (deadline is not None and deadline.expired):
                raise RunDeadlineExceeded(self.run.message(), net.shown(url)) from exc
            raise

    def get_json(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        type: type[T],
        ok_statuses: frozenset[int] = frozenset({200, 206}),
    ) -> tuple[T, net.Response]:
        """GET ``url`` and decode its JSON body into ``type`` (msgspec)."""
        response = self.get(url, params, headers, ok_statuses=ok_statuses)
        return decode_json(response.body, type, net.shown(response.url)), response


def _status_hint(status: int) -> str:
    if status == 429:
        return " (demasiadas solicitudes; se agotaron los reintentos)"
    if status in (401, 403):
        return " (acceso denegado: revise la clave api_key de la configuración)"
    if status == 404:
        return " (no encontrado)"
    if status >= 500:
        return " (error del servidor remoto; se agotaron los reintentos)"
    return ""
