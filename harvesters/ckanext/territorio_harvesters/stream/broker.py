"""A source's broker address ``mqtt://host:port`` (or ``mqtts://``), checked by the address guard."""
from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from ckanext.territorio.net import errors, guard

from .. import config

SCHEMES = {"mqtt": 1883, "mqtts": 8883}
ALLOW_OPTION = "ckanext.territorio.harvest.allow_networks"


class BrokerError(ValueError):
    """The broker address is malformed or may not be dialled (Spanish message)."""


@dataclass(frozen=True)
class Broker:
    """Where a source's broker listens: the host as written, the checked address, the port."""

    host: str
    address: str
    port: int
    tls: bool


def parse(url: str) -> tuple[str, int, bool]:
    """Host, port and TLS of ``mqtt://host:port``; BrokerError otherwise."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise BrokerError("dirección inválida: se esperaba mqtt://servidor:puerto") from None
    if parts.scheme not in SCHEMES:
        raise BrokerError("se esperaba una dirección mqtt://servidor:puerto (o mqtts:// con TLS)")
    if not parts.hostname:
        raise BrokerError("falta el servidor: se esperaba mqtt://servidor:puerto")
    if parts.username or parts.password:
        raise BrokerError("no ponga usuario ni contraseña en la dirección: use 'username' y 'password' de la configuración")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise BrokerError("la dirección no lleva ruta ni parámetros: mqtt://servidor:puerto (los temas van en 'topics')")
    if port is not None and not 1 <= port <= 65535:
        raise BrokerError("puerto inválido")
    return parts.hostname, port or SCHEMES[parts.scheme], parts.scheme == "mqtts"


def resolve(url: str) -> Broker:
    """The broker of ``url`` with an address the guard allows; BrokerError otherwise."""
    host, port, tls = parse(url)
    allow = guard.parse_networks(config.allow_networks())
    try:
        infos = guard.checked_addresses(host, port, allow, ALLOW_OPTION)
    except errors.AddressRefused as exc:
        raise BrokerError(str(exc)) from None
    except (errors.Unreachable, socket.gaierror, UnicodeError):
        raise BrokerError(f"no se pudo resolver el servidor '{host}'") from None
    return Broker(host=host, address=str(infos[0][4][0]), port=port, tls=tls)
