"""Which addresses may be dialled: public ones, and the networks an operator allow-lists.

Refused unless allow-listed: loopback, private, shared (CGNAT), link-local, unique-local,
multicast, reserved and unspecified addresses, and the same addresses spelt inside IPv6
(IPv4-mapped ``::ffff:a.b.c.d``, IPv4-compatible ``::a.b.c.d``, 6to4 ``2002::/16`` and NAT64
``64:ff9b::/96``, ``64:ff9b:1::/48``). Cloud metadata addresses are refused even inside an
allow-listed range: only naming the address itself opens it. The check runs on every address
a name resolves to (any refused address refuses the host, so a second DNS answer cannot pick
the bad one) and ``connection`` dials only checked addresses, on every hop.
"""
from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Sequence
from typing import Any

from .errors import AddressRefused, Unreachable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# instance metadata services: AWS (and its IPv6 spelling), ECS, Alibaba, Oracle; GCP and Azure
# answer on 169.254.169.254 too
METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "169.254.170.23", "fd00:ec2::254", "100.100.100.200", "192.0.0.192")
)
SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
SHARED = ipaddress.ip_network("100.64.0.0/10")


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """Networks from text ("127.0.0.1", "10.0.0.0/8", "::1"); a bad entry raises ValueError."""
    return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in values if v.strip())


def embedded_ipv4(ip: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address spells (mapped, compatible, 6to4, NAT64), if any."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in network for network in NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if int(ip) >> 32 == 0 and int(ip) > 1:  # IPv4-compatible ::a.b.c.d (deprecated)
        return ipaddress.IPv4Address(int(ip))
    return None


def _kind(ip: Address) -> str | None:
    """Why ``ip`` is not public (Spanish), or None when it is."""
    if ip in METADATA:
        return "metadatos de la nube"
    if ip.is_unspecified:
        return "no especificada"
    if ip.is_loopback:
        return "de bucle local"
    if ip.is_link_local:
        return "de enlace local"
    if ip.is_multicast:
        return "de multidifusión"
    if isinstance(ip, ipaddress.IPv6Address) and ip in UNIQUE_LOCAL:
        return "local única"
    if isinstance(ip, ipaddress.IPv4Address) and ip in SHARED:
        return "compartida (CGNAT)"
    if ip.is_reserved:
        return "reservada"
    if ip.is_private or not ip.is_global:
        return "privada"
    return None


def refusal(address: str, allow: Sequence[Network] = ()) -> str | None:
    """Why ``address`` may not be dialled (Spanish), or None when it may."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    inner = embedded_ipv4(ip)
    spellings = [ip] if inner is None else [ip, inner]
    if any(a in METADATA for a in spellings):
        named = any(n.num_addresses == 1 and n.network_address in spellings for n in allow)
        return None if named else "metadatos de la nube"
    if any(a in network for a in spellings for network in allow if a.version == network.version):
        return None
    if inner is not None:
        found = _kind(inner)
        if found:
            return f"{found}, escrita como IPv6"
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None and int(ip) >> 32 == 0:
            return "IPv4 compatible obsoleta"
        return None  # a public IPv4 address spelt in IPv6
    return _kind(ip)


def is_allowed(address: str, allow: Sequence[Network] = ()) -> bool:
    """Whether ``address`` may be dialled: public, or inside an allow-listed network."""
    return refusal(address, allow) is None


def checked_addresses(
    host: str, port: int, allow: Sequence[Network] = (), option: str = ""
) -> list[tuple[Any, ...]]:
    """getaddrinfo results for ``host``, refusing it if any of its addresses may not be dialled.

    ``option`` is the configuration option an operator would allow-list the address in,
    named in the message. Raises AddressRefused, Unreachable (no address) or socket.gaierror.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not infos:
        raise Unreachable(f"el nombre '{host}' no tiene direcciones")
    for info in infos:
        address = str(info[4][0])
        why = refusal(address, allow)
        if why is not None:
            hint = f"; un operador puede autorizarla en {option}" if option else ""
            raise AddressRefused(f"la dirección {address} de '{host}' no es pública ({why}){hint}")
    return list(infos)
