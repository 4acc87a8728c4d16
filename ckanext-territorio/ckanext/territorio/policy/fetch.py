"""Downloading a linked resource from a hostile server: bounded in size and time, public only.

Every address a name resolves to must be public (or allow-listed): no requests to loopback,
private, link-local or cloud-metadata addresses. The connection goes to the address that was
checked (the Host header and TLS name stay the original), so a second DNS answer cannot point
the request elsewhere. Redirects are followed by hand, each one checked the same way.
"""
from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.util import Retry, Timeout

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_REDIRECTS = 3
CHUNK = 256 * 1024
USER_AGENT = "ckanext-territorio-policy/1 (+validación de datos abiertos)"


class FetchError(Exception):
    """The file could not be fetched; the message is shown to the publisher (Spanish)."""


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int
    timeout: float  # seconds for the whole download
    allow: tuple[Network, ...] = ()


def parse_networks(values: Sequence[str]) -> tuple[Network, ...]:
    """Allow-listed networks from text ("127.0.0.1", "10.0.0.0/8"); bad entries raise ValueError."""
    return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in values if v.strip())


def _allowed(address: str, allow: Sequence[Network]) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if any(ip in network for network in allow):
        return True
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int, allow: Sequence[Network]) -> str:
    """The first address of `host`, after checking that every address it has is allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"no se puede resolver el nombre '{host}' ({exc})") from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise FetchError(f"el nombre '{host}' no tiene direcciones")
    for address in addresses:
        if not _allowed(address, allow):
            raise FetchError(f"la dirección {address} de '{host}' no es pública")
    return addresses[0]


def _pool(scheme: str, host: str, address: str, port: int, timeout: Timeout) -> urllib3.HTTPConnectionPool:
    retries = Retry(total=2, connect=2, read=1, redirect=False, backoff_factor=0.5, raise_on_status=False)
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=retries,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
        )
    return urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=retries)


def fetch(url: str, target: IO[bytes], limits: FetchLimits) -> int:
    """Stream `url` into `target`; the number of bytes written. Raises FetchError."""
    deadline = time.monotonic() + limits.timeout
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(current)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"solo se admiten direcciones http(s), no '{current[:100]}'")
        if parts.username or parts.password:
            raise FetchError("la dirección no puede llevar usuario ni contraseña")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = resolve(parts.hostname, port, limits.allow)
        remaining = max(1.0, deadline - time.monotonic())
        timeout = Timeout(connect=min(10.0, remaining), read=min(30.0, remaining))
        pool = _pool(parts.scheme, parts.hostname, address, port, timeout)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        host_header = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
        try:
            response = pool.urlopen(
                "GET",
                path,
                headers={"Host": host_header, "User-Agent": USER_AGENT, "Accept": "*/*"},
                redirect=False,
                preload_content=False,
                assert_same_host=False,
            )
        except urllib3.exceptions.HTTPError as exc:
            raise FetchError(f"no se pudo conectar con '{parts.hostname}' ({exc})") from None
        try:
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(f"redirección sin destino ({response.status})")
                current = urljoin(current, location)
                continue
            if response.status != 200:
                raise FetchError(f"el servidor respondió {response.status}")
            return _copy(response, target, limits, deadline)
        finally:
            response.release_conn()
            pool.close()
    raise FetchError(f"demasiadas redirecciones (más de {MAX_REDIRECTS})")


def _copy(
    response: urllib3.BaseHTTPResponse, target: IO[bytes], limits: FetchLimits, deadline: float
) -> int:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError(
            f"el archivo declara {int(declared)} bytes, más que el máximo ({limits.max_bytes})"
        )
    written = 0
    try:
        for chunk in response.stream(CHUNK, decode_content=True):
            written += len(chunk)
            if written > limits.max_bytes:
                raise FetchError(f"el archivo supera el tamaño máximo ({limits.max_bytes} bytes)")
            if time.monotonic() > deadline:
                raise FetchError(f"la descarga superó el tiempo máximo ({limits.timeout:.0f} s)")
            target.write(chunk)
    except urllib3.exceptions.HTTPError as exc:
        raise FetchError(f"la descarga se interrumpió ({exc})") from None
    return written


def fetch_to_path(url: str, path: Path, limits: FetchLimits) -> int:
    with path.open("wb") as target:
        return fetch(url, target, limits)
