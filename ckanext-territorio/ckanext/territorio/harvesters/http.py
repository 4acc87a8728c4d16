"""The one HTTP client every harvester uses against remote sources, which are hostile.

Timeouts on every request and a deadline per response; retries with backoff on 429 and
5xx that honour ``Retry-After`` (up to a ceiling); a byte cap per response and caps of
pages and bytes per run; only public addresses unless allow-listed (``guard``); JSON
decoded with msgspec (errors name the byte or the JSON path); XML without DTDs or
entities (defusedxml).
"""
from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote, urlencode, urlsplit

import msgspec
import urllib3
from defusedxml import ElementTree as SafeET
from urllib3.util import Retry, Timeout

from . import guard
from .errors import (
    AddressRefused,
    BadPayload,
    HTTPStatusError,
    RunLimit,
    SourceError,
    TooLarge,
    Unreachable,
)

T = TypeVar("T")
MiB = 1024 * 1024
CHUNK = 256 * 1024
USER_AGENT = "ckanext-territorio-harvester/1 (+portal Territorio Inteligente)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# headers that must not follow a redirect to another host (API keys)
SECRET_HEADERS = frozenset({"x-api-key", "authorization", "apikey", "fiware-service"})


@dataclass(frozen=True)
class Limits:
    """Bounds for one harvest run against one source."""

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    response_deadline: float = 300.0
    max_response_bytes: int = 16 * MiB
    max_run_bytes: int = 2048 * MiB
    max_pages: int = 20000
    retries: int = 4
    backoff: float = 1.0
    max_retry_after: float = 120.0
    allow: tuple[guard.Network, ...] = ()


@dataclass
class Response:
    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes


class RetryAfterTooLong(SourceError):
    """The source asks to wait longer than the ceiling; the next run tries again."""


class _Retry(Retry):
    """urllib3's Retry, refusing to sleep past a ceiling on ``Retry-After``."""

    ceiling: float = 120.0

    def sleep_for_retry(self, response: Any) -> bool:
        retry_after = self.get_retry_after(response)
        if retry_after and retry_after > self.ceiling:
            raise RetryAfterTooLong(
                f"la fuente pide esperar {retry_after:.0f} s (Retry-After), más que el máximo "
                f"de {self.ceiling:.0f} s; se reintentará en la próxima ejecución"
            )
        return super().sleep_for_retry(response)


@dataclass
class Usage:
    pages: int = 0
    bytes: int = 0
    retries: int = 0
    started: float = field(default_factory=time.monotonic)


class Client:
    """GET-only client for one run; counts pages and bytes against ``limits``."""

    def __init__(self, limits: Limits, headers: Mapping[str, str] | None = None) -> None:
        self.limits = limits
        self.usage = Usage()
        self.headers = {"User-Agent": USER_AGENT, "Accept": "application/json, */*;q=0.5"}
        self.headers.update(headers or {})
        self._manager = urllib3.PoolManager(num_pools=8, maxsize=2, block=False)
        self._manager.pool_classes_by_scheme = guard.pool_classes(limits.allow)  # type: ignore[assignment]
        retry = _Retry(
            total=limits.retries,
            connect=limits.retries,
            read=limits.retries,
            status=limits.retries,
            redirect=3,
            backoff_factor=limits.backoff,
            backoff_max=max(limits.backoff * 16, limits.backoff),
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET", "HEAD"}),
            respect_retry_after_header=True,
            raise_on_status=False,
            remove_headers_on_redirect=Retry.DEFAULT_REMOVE_HEADERS_ON_REDIRECT | SECRET_HEADERS,
        )
        retry.ceiling = limits.max_retry_after
        self._retry = retry

    def close(self) -> None:
        self._manager.clear()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def build_url(url: str, params: Mapping[str, Any] | None = None) -> str:
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
    ) -> Response:
        """GET ``url``; the whole body, or a SourceError subclass."""
        full_url = self.build_url(url, params)
        parts = urlsplit(full_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SourceError("solo se admiten direcciones http(s)", _shown(full_url))
        if self.usage.pages >= self.limits.max_pages:
            raise RunLimit(
                f"se alcanzó el máximo de {self.limits.max_pages} páginas por ejecución; "
                "el resto se cosechará en la próxima",
                _shown(full_url),
            )
        self.usage.pages += 1
        request_headers = dict(self.headers)
        request_headers.update(headers or {})
        try:
            response = self._manager.request(
                "GET",
                full_url,
                headers=request_headers,
                retries=self._retry,
                timeout=Timeout(connect=self.limits.connect_timeout, read=self.limits.read_timeout),
                preload_content=False,
            )
        except (AddressRefused, SourceError):
            raise
        except urllib3.exceptions.MaxRetryError as exc:
            reason = exc.reason
            if isinstance(reason, SourceError):
                raise reason from None
            raise Unreachable(f"la fuente no responde ({_reason(reason)})", _shown(full_url)) from None
        except urllib3.exceptions.HTTPError as exc:
            raise Unreachable(f"la fuente no responde ({_reason(exc)})", _shown(full_url)) from None
        try:
            if response.retries is not None and response.retries.history:
                self.usage.retries += len(response.retries.history)
            body = self._read(response, full_url)
        finally:
            response.release_conn()
        if response.status not in ok_statuses:
            raise HTTPStatusError(
                f"la fuente respondió {response.status}{_status_hint(response.status)}",
                _shown(full_url),
                status=response.status,
            )
        return Response(
            url=response.geturl() or full_url,
            status=response.status,
            headers={k.lower(): v for k, v in response.headers.items()},
            body=body,
        )

    def _read(self, response: Any, url: str) -> bytes:
        cap = self.limits.max_response_bytes
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise TooLarge(
                f"la respuesta declara {int(declared) / MiB:.1f} MB, más que el máximo de "
                f"{cap / MiB:.0f} MB por respuesta",
                _shown(url),
            )
        deadline = time.monotonic() + self.limits.response_deadline
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                chunk = response.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    raise TooLarge(
                        f"la respuesta supera el máximo de {cap / MiB:.0f} MB por respuesta",
                        _shown(url),
                    )
                if time.monotonic() > deadline:
                    raise Unreachable(
                        f"la respuesta tardó más de {self.limits.response_deadline:.0f} s",
                        _shown(url),
                    )
                chunks.append(chunk)
        except urllib3.exceptions.HTTPError as exc:
            raise Unreachable(f"la respuesta se cortó ({_reason(exc)})", _shown(url)) from None
        self.usage.bytes += size
        if self.usage.bytes > self.limits.max_run_bytes:
            raise RunLimit(
                f"se alcanzó el máximo de {self.limits.max_run_bytes / MiB:.0f} MB por ejecución; "
                "el resto se cosechará en la próxima",
                _shown(url),
            )
        return b"".join(chunks)

    def get_json(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        type: type[T],
        ok_statuses: frozenset[int] = frozenset({200, 206}),
    ) -> tuple[T, Response]:
        response = self.get(url, params, headers, ok_statuses=ok_statuses)
        return decode_json(response.body, type, response.url), response


def decode_json(body: bytes, type: type[T], url: str | None = None) -> T:
    """msgspec decoding; errors name the byte offset or the JSON path of the bad value."""
    try:
        return msgspec.json.decode(body, type=type)
    except msgspec.ValidationError as exc:
        raise BadPayload(f"contenido inesperado: {exc}", _shown(url)) from None
    except msgspec.DecodeError as exc:
        detail = str(exc)
        if "truncated" in detail:
            detail = f"JSON truncado: terminó en el byte {len(body)} sin cerrarse"
        else:
            detail = f"JSON inválido: {detail}"
        raise BadPayload(detail, _shown(url)) from None


def parse_xml(body: bytes, url: str | None = None) -> Any:
    """An ElementTree root, refusing DTDs and entity declarations (defusedxml)."""
    try:
        return SafeET.fromstring(body, forbid_dtd=True)
    except SafeET.ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        raise BadPayload(f"XML inválido en la línea {line}, columna {column}", _shown(url)) from None
    except Exception as exc:  # defusedxml's DTDForbidden, EntitiesForbidden...
        raise BadPayload(f"XML rechazado: {type(exc).__name__}", _shown(url)) from None


def _shown(url: str | None) -> str | None:
    """The URL without its query string's secrets (api keys in the query are not shown)."""
    if not url:
        return url
    parts = urlsplit(url)
    if parts.username or parts.password:
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        parts = parts._replace(netloc=netloc)
    text = parts.geturl()
    return text if len(text) <= 300 else text[:297] + "..."


def _reason(exc: BaseException | None) -> str:
    text = str(exc) if exc is not None else "sin detalle"
    if "timed out" in text.lower():
        return "tiempo de espera agotado"
    if "refused" in text.lower():
        return "conexión rechazada"
    return text[:200]


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
