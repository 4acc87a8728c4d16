"""Refusing private, loopback and link-local addresses unless the operator allow-lists them.

The check runs when a connection is opened, on the address actually dialled, so redirects
and a second DNS answer (rebinding) are covered as well as the first URL.
"""
from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Sequence
from typing import Any

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.timeout import _DEFAULT_TIMEOUT

from .errors import AddressRefused, Unreachable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """Networks from text ("127.0.0.1", "10.0.0.0/8", "::1"); a bad entry raises ValueError."""
    return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in values if v.strip())


def is_allowed(address: str, allow: Sequence[Network]) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in network for network in allow):
        return True
    return ip.is_global and not ip.is_multicast


def checked_addresses(host: str, port: int, allow: Sequence[Network]) -> list[tuple[Any, ...]]:
    """getaddrinfo results for ``host``, refusing the host if any of its addresses is not allowed."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not infos:
        raise Unreachable(f"el nombre '{host}' no tiene direcciones")
    for info in infos:
        address = str(info[4][0])
        if not is_allowed(address, allow):
            raise AddressRefused(
                f"la dirección {address} de '{host}' no es pública (privada, local o de enlace); "
                "un operador puede autorizarla en ckanext.territorio.harvest.allow_networks"
            )
    return list(infos)


def _connect(conn: HTTPConnection, allow: Sequence[Network]) -> socket.socket:
    """urllib3's connect, dialling only checked addresses (failures stay retryable for urllib3)."""
    try:
        infos = checked_addresses(conn._dns_host, conn.port, allow)
    except (socket.gaierror, UnicodeError) as exc:
        raise NameResolutionError(conn.host, conn, exc) from exc  # type: ignore[arg-type]
    last_error: OSError | None = None
    for family, socktype, proto, _name, sockaddr in infos:
        sock = socket.socket(family, socktype, proto)
        try:
            for option in conn.socket_options or ():
                sock.setsockopt(*option)
            if conn.timeout is not _DEFAULT_TIMEOUT:
                sock.settimeout(conn.timeout)
            sock.connect(sockaddr)
            return sock
        except TimeoutError as exc:
            sock.close()
            raise ConnectTimeoutError(conn, f"tiempo de espera agotado con '{conn.host}'") from exc
        except OSError as exc:
            last_error = exc
            sock.close()
    raise NewConnectionError(conn, f"no se pudo conectar con '{conn.host}' ({last_error})")


class GuardedHTTPConnection(HTTPConnection):
    allow: tuple[Network, ...] = ()

    def _new_conn(self) -> socket.socket:
        return _connect(self, self.allow)


class GuardedHTTPSConnection(HTTPSConnection):
    allow: tuple[Network, ...] = ()

    def _new_conn(self) -> socket.socket:
        return _connect(self, self.allow)


def pool_classes(allow: Sequence[Network]) -> dict[str, type[HTTPConnectionPool]]:
    """Connection pool classes for a PoolManager whose connections check every address."""
    allowed = tuple(allow)
    http_conn = type("TerritorioHTTPConnection", (GuardedHTTPConnection,), {"allow": allowed})
    https_conn = type("TerritorioHTTPSConnection", (GuardedHTTPSConnection,), {"allow": allowed})
    return {
        "http": type("TerritorioHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
        "https": type("TerritorioHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
    }
