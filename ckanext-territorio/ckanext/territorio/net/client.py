"""The one HTTP client for hostile servers (harvest sources, linked files, checked links).

Per request: connect and read timeouts, and a ``Deadline`` for the whole response (every
hop, retry, wait and body byte) enforced while the socket blocks; retries with exponential
backoff on 429 and 5xx honouring ``Retry-After`` up to a ceiling and never past the
deadline; redirects followed by hand, each hop's URL checked and its address checked when
dialled (``connection``), secrets dropped when the host changes, loops detected; a byte cap
on every body, enforced while it streams; a User-Agent.
"""
from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any, Self
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.util import Retry, Timeout

from . import connection, guard
from .deadline import Deadline, active
from .errors import (
    DeadlineExceeded,
    InvalidURL,
    RedirectLoop,
    RemoteError,
    RetryAfterTooLong,
    TimedOut,
    TooLarge,
    TooManyRedirects,
    Unreachable,
)

MiB = 1024 * 1024
CHUNK = 64 * 1024
USER_AGENT = "ckanext-territorio/1 (+portal Territorio Inteligente)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
# request headers that must not follow a redirect to another host (API keys, sessions)
SECRET_HEADERS = frozenset(
    {"x-api-key", "authorization", "apikey", "fiware-service", "cookie", "proxy-authorization"}
)


@dataclass(frozen=True)
class Limits:
    """Bounds for every request a client makes; ``response_deadline`` is seconds per response, all included."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    response_deadline: float = 60.0
    max_response_bytes: int = 16 * MiB
    retries: int = 2
    backoff: float = 0.5
    max_retry_after: float = 120.0
    max_redirects: int = 3
    allow: tuple[guard.Network, ...] = ()
    allow_option: str = ""  # the option an operator allow-lists networks in, named in refusals
    refuse_userinfo: bool = False


@dataclass
class Response:
    """A response read whole."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    retries: int = 0
    history: tuple[str, ...] = ()


def shown(url: str | None, length: int = 300) -> str | None:
    """The URL as shown in messages: without user and password, at most ``length`` characters."""
    if not url:
        return url
    parts = urlsplit(url)
    if parts.username or parts.password:
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        parts = parts._replace(netloc=netloc)
    text = parts.geturl()
    return text if len(text) <= length else text[: length - 3] + "..."


class _Retry(Retry):
    """urllib3's Retry that never waits past the deadline nor a ``Retry-After`` ceiling."""

    ceiling: float = 120.0
    deadline: Deadline | None = None

    def new(self, **kw: Any) -> _Retry:
        """urllib3 copies a Retry at every attempt; the copy keeps the ceiling and the deadline."""
        fresh = super().new(**kw)
        fresh.ceiling, fresh.deadline = self.ceiling, self.deadline
        return fresh

    def increment(self, *args: Any, **kwargs: Any) -> _Retry:
        """No retry once the deadline has passed: the deadline is the answer."""
        if self.deadline is not None and self.deadline.passed():
            raise _deadline_error(self.deadline, None)
        return super().increment(*args, **kwargs)  # type: ignore[return-value]

    def sleep_for_retry(self, response: Any) -> bool:
        """Wait out ``Retry-After`` unless it exceeds the ceiling or what is left of the deadline."""
        retry_after = self.get_retry_after(response)
        if not retry_after:
            return False
        if retry_after > self.ceiling:
            raise RetryAfterTooLong(
                f"el servidor pide esperar {retry_after:.0f} s (Retry-After), más que el máximo "
                f"de {self.ceiling:.0f} s; se reintentará más tarde"
            )
        if self.deadline is not None and retry_after > self.deadline.remaining():
            raise RetryAfterTooLong(
                f"el servidor pide esperar {retry_after:.0f} s (Retry-After), más de lo que queda "
                f"del plazo de {self.deadline.seconds:g} s; se reintentará más tarde"
            )
        time.sleep(retry_after)
        return True

    def _sleep_backoff(self) -> None:
        backoff = self.get_backoff_time()
        if self.deadline is not None:
            backoff = min(backoff, max(0.0, self.deadline.remaining()))
        if backoff > 0:
            time.sleep(backoff)


class Opened:
    """A response whose body is still on the wire (inside ``Client.open``); read it once."""

    def __init__(self, raw: Any, url: str, history: tuple[str, ...], deadline: Deadline, max_bytes: int) -> None:
        self._raw = raw
        self._deadline = deadline
        self._max_bytes = max_bytes
        self.url = url
        self.history = history
        self.status: int = raw.status
        self.headers: dict[str, str] = {k.lower(): v for k, v in raw.headers.items()}
        self.retries = len(raw.retries.history) if raw.retries is not None else 0
        self.complete = False

    def chunks(self, max_bytes: int | None = None) -> Iterator[bytes]:
        """The body piece by piece; TooLarge past the cap, DeadlineExceeded past the deadline."""
        cap = self._max_bytes if max_bytes is None else max_bytes
        declared = self.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise TooLarge(
                f"la respuesta declara {_size(int(declared))}, más que el máximo de {_size(cap)}",
                shown(self.url), limit=cap, declared=int(declared),
            )
        size = 0
        while True:
            try:
                chunk = self._raw.read(CHUNK)
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                if self._deadline.passed():
                    raise _deadline_error(self._deadline, self.url) from None
                raise Unreachable(f"la respuesta se cortó ({_reason(exc)})", shown(self.url)) from None
            if self._deadline.expired:  # the watchdog shut the socket: this EOF is not the end
                raise _deadline_error(self._deadline, self.url)
            if not chunk:
                self.complete = True
                return
            size += len(chunk)
            if size > cap:
                raise TooLarge(f"la respuesta supera el máximo de {_size(cap)}", shown(self.url), limit=cap)
            if self._deadline.passed():
                raise _deadline_error(self._deadline, self.url)
            yield chunk

    def read(self, max_bytes: int | None = None) -> bytes:
        """The whole body, bounded in size and time."""
        return b"".join(self.chunks(max_bytes))

    def copy_to(self, target: IO[bytes], max_bytes: int | None = None) -> int:
        """Stream the body into ``target``; the number of bytes written."""
        written = 0
        for chunk in self.chunks(max_bytes):
            target.write(chunk)
            written += len(chunk)
        return written

    def peek(self, size: int) -> bytes:
        """At most ``size`` bytes of the body (the rest is not wanted; the connection is dropped)."""
        try:
            return bytes(self._raw.read(size))
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            if self._deadline.passed():
                raise _deadline_error(self._deadline, self.url) from None
            raise Unreachable(f"la respuesta se cortó ({_reason(exc)})", shown(self.url)) from None

    def _finish(self) -> None:
        if not self.complete:  # an unread body must not go back to the pool
            self._raw.close()
        self._raw.release_conn()


class Closing:
    """``with`` support for a client: ``close()`` on the way out."""

    def close(self) -> None:
        """Release what the client holds."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Client(Closing):
    """Requests under ``limits``; one urllib3 pool manager, closed with ``close()``."""

    def __init__(self, limits: Limits, headers: Mapping[str, str] | None = None, user_agent: str = USER_AGENT) -> None:
        self.limits = limits
        self.headers = {"User-Agent": user_agent, "Accept": "*/*"}
        self.headers.update(headers or {})
        self._manager = urllib3.PoolManager(num_pools=8, maxsize=2, block=False)
        self._manager.pool_classes_by_scheme = connection.pool_classes(  # type: ignore[assignment]
            limits.allow, limits.allow_option
        )

    def close(self) -> None:
        """Close every pooled connection."""
        self._manager.clear()

    @contextlib.contextmanager
    def open(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None = None,
        *,
        deadline: Deadline | None = None,
    ) -> Iterator[Opened]:
        """The response to ``method url`` after redirects, body unread, all within the deadline.

        ``deadline`` shares one limit across several requests (a link check's HEAD and GET);
        by default each call gets ``limits.response_deadline`` seconds. Raises a RemoteError subclass.
        """
        with contextlib.ExitStack() as stack:
            limit = deadline or Deadline(self.limits.response_deadline)
            if active() is not limit:
                stack.enter_context(limit)
            raw, final, history = self._follow(method, url, headers, limit)
            opened = Opened(raw, final, history, limit, self.limits.max_response_bytes)
            try:
                yield opened
            finally:
                opened._finish()

    def get(self, url: str, headers: Mapping[str, str] | None = None, *, deadline: Deadline | None = None) -> Response:
        """GET ``url`` with its whole body read (bounded by ``limits``); see ``open``."""
        with self.open("GET", url, headers, deadline=deadline) as opened:
            body = opened.read()
            return Response(opened.url, opened.status, opened.headers, body, opened.retries, opened.history)

    def _check_url(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidURL(f"solo se admiten direcciones http(s), no '{shown(url, 100)}'", shown(url))
        if self.limits.refuse_userinfo and (parts.username or parts.password):
            raise InvalidURL("la dirección no puede llevar usuario ni contraseña", shown(url))

    def _follow(
        self, method: str, url: str, headers: Mapping[str, str] | None, limit: Deadline
    ) -> tuple[Any, str, tuple[str, ...]]:
        """Redirects by hand: every hop's URL checked, loops and the cap detected."""
        current = url
        seen = {current}
        history: list[str] = []
        hop_headers = dict(self.headers)
        hop_headers.update(headers or {})
        status = 0
        for _hop in range(self.limits.max_redirects + 1):
            self._check_url(current)
            raw = self._send(method, current, hop_headers, limit)
            status = raw.status
            location = raw.headers.get("Location")
            if status not in REDIRECTS or not location:
                return raw, current, tuple(history)
            raw.close()
            raw.release_conn()
            target = urljoin(current, location.strip())
            if target in seen:
                raise RedirectLoop(f"las redirecciones vuelven a {shown(target, 200)}", shown(target), status)
            if _origin(target) != _origin(current):
                hop_headers = {k: v for k, v in hop_headers.items() if k.lower() not in SECRET_HEADERS}
            seen.add(target)
            history.append(current)
            current = target
        raise TooManyRedirects(f"más de {self.limits.max_redirects} redirecciones seguidas", shown(current), status)

    def _send(self, method: str, url: str, headers: Mapping[str, str], limit: Deadline) -> Any:
        """One hop, with urllib3's retries bounded by the deadline."""
        remaining = limit.remaining()
        if remaining <= 0:
            raise _deadline_error(limit, url)
        limits = self.limits
        retry = _Retry(
            total=limits.retries,
            connect=limits.retries,
            read=limits.retries,
            status=limits.retries,
            redirect=False,
            backoff_factor=limits.backoff,
            backoff_max=max(limits.backoff * 16, limits.backoff),
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET", "HEAD"}),
            respect_retry_after_header=True,
            raise_on_status=False,
            raise_on_redirect=False,
        )
        retry.ceiling, retry.deadline = limits.max_retry_after, limit
        try:
            return self._manager.urlopen(
                method,
                url,
                headers=dict(headers),
                retries=retry,
                redirect=False,
                timeout=Timeout(connect=min(limits.connect_timeout, remaining), read=min(limits.read_timeout, remaining)),
                preload_content=False,
            )
        except RemoteError as exc:
            if exc.url is None:
                exc.url = shown(url)
            raise
        except (urllib3.exceptions.LocationValueError, urllib3.exceptions.LocationParseError, ValueError) as exc:
            raise InvalidURL(f"dirección inválida ({exc})", shown(url)) from None
        except urllib3.exceptions.HTTPError as exc:
            raise _failure(exc, url, limit) from None


def _failure(exc: urllib3.exceptions.HTTPError, url: str, limit: Deadline) -> RemoteError:
    """A urllib3 error as one of ours."""
    if limit.passed():
        return _deadline_error(limit, url)
    reason: BaseException | None = exc.reason if isinstance(exc, urllib3.exceptions.MaxRetryError) else exc
    if isinstance(reason, RemoteError):
        return reason
    host = urlsplit(url).hostname
    if isinstance(reason, urllib3.exceptions.NameResolutionError):
        return Unreachable(f"no se puede resolver el nombre '{host}' (el nombre no existe)", shown(url))
    if isinstance(reason, urllib3.exceptions.NewConnectionError):  # a ConnectTimeoutError subclass
        return Unreachable(f"no se pudo conectar con '{host}' ({_reason(reason)})", shown(url))
    if isinstance(reason, (urllib3.exceptions.TimeoutError, TimeoutError)):
        return TimedOut(f"'{host}' no respondió a tiempo", shown(url))
    return Unreachable(f"el servidor no responde ({_reason(reason)})", shown(url))


def _deadline_error(limit: Deadline, url: str | None) -> DeadlineExceeded:
    return DeadlineExceeded(f"la respuesta tardó más de {limit.seconds:g} s", shown(url))


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port


def _size(count: int) -> str:
    """Bytes for people: "5000 bytes", "16 MB"."""
    return f"{count} bytes" if count < MiB else f"{count / MiB:.0f} MB"


def _reason(exc: BaseException | None) -> str:
    text = str(exc) if exc is not None else "sin detalle"
    lowered = text.lower()
    if "timed out" in lowered:
        return "tiempo de espera agotado"
    if "refused" in lowered:
        return "conexión rechazada"
    if "certificate" in lowered or "ssl" in lowered:
        return "certificado TLS inválido"
    return text[:200]
