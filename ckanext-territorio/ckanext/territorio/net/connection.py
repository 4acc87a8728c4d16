"""urllib3 connections that dial only checked addresses and report their sockets to the deadline.

urllib3 resolves and connects in ``_new_conn``; these classes resolve with ``guard``
(every answer checked), connect to the checked address only, and hand every socket they
open or reuse to the active ``Deadline``. Failures stay urllib3 errors so that its retries
still apply; a refused address is ``AddressRefused`` and is never retried.
"""
from __future__ import annotations

import socket
from collections.abc import Sequence
from typing import Any

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.timeout import _DEFAULT_TIMEOUT

from . import deadline, guard


def _connect(conn: HTTPConnection, allow: Sequence[guard.Network], option: str) -> socket.socket:
    """urllib3's connect, dialling only checked addresses."""
    try:
        infos = guard.checked_addresses(conn._dns_host, conn.port, allow, option)
    except (socket.gaierror, UnicodeError) as exc:
        raise NameResolutionError(conn.host, conn, exc) from exc  # type: ignore[arg-type]
    current = deadline.active()
    last_error: OSError | None = None
    for family, socktype, proto, _name, sockaddr in infos:
        sock = socket.socket(family, socktype, proto)
        try:
            for option_value in conn.socket_options or ():
                sock.setsockopt(*option_value)
            if conn.timeout is not _DEFAULT_TIMEOUT:
                sock.settimeout(conn.timeout)
            if current is not None:
                current.watch(sock)
            sock.connect(sockaddr)
            return sock
        except TimeoutError as exc:
            sock.close()
            raise ConnectTimeoutError(conn, f"tiempo de espera agotado con '{conn.host}'") from exc
        except OSError as exc:
            last_error = exc
            sock.close()
    raise NewConnectionError(conn, f"no se pudo conectar con '{conn.host}' ({last_error})")


class _Guarded:
    """Mixin: checked dialling, sockets watched by the active deadline."""

    allow: tuple[guard.Network, ...] = ()
    option: str = ""
    sock: socket.socket | None

    def _new_conn(self) -> socket.socket:
        return _connect(self, self.allow, self.option)  # type: ignore[arg-type]

    def request(self, *args: Any, **kwargs: Any) -> None:
        """urllib3's request, the reused socket handed to the active deadline first."""
        current = deadline.active()
        if current is not None and self.sock is not None:  # a kept-alive connection, reused
            current.watch(self.sock)
        super().request(*args, **kwargs)  # type: ignore[misc]


class GuardedHTTPConnection(_Guarded, HTTPConnection):
    """Plain HTTP, checked."""


class GuardedHTTPSConnection(_Guarded, HTTPSConnection):
    """HTTPS, checked; the TLS name stays the URL's host."""


def pool_classes(allow: Sequence[guard.Network], option: str = "") -> dict[str, type[HTTPConnectionPool]]:
    """Connection pool classes for a PoolManager whose connections check every address."""
    attrs = {"allow": tuple(allow), "option": option}
    http_conn = type("TerritorioHTTPConnection", (GuardedHTTPConnection,), attrs)
    https_conn = type("TerritorioHTTPSConnection", (GuardedHTTPSConnection,), attrs)
    return {
        "http": type("TerritorioHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
        "https": type("TerritorioHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
    }
