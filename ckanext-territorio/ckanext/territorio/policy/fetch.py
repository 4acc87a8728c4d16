"""Downloading a linked resource for the content checks, through the shared client (``net``).

Public addresses only unless allow-listed (``ckanext.territorio.policy.fetch_allow``), every
redirect hop and DNS answer checked; at most ``max_bytes``, and ``timeout`` seconds for the
whole download, redirects and retries included, enforced while bytes trickle in. Failures
are ``FetchError`` with a message for the publisher (Spanish).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..net import client as net
from ..net import guard
from ..net.errors import RemoteError, TooLarge

Network = guard.Network
MAX_REDIRECTS = 3
ALLOW_OPTION = "ckanext.territorio.policy.fetch_allow"
USER_AGENT = "ckanext-territorio-policy/1 (+validación de datos abiertos)"


class FetchError(RemoteError):
    """The file could not be fetched; the message is shown to the publisher (Spanish)."""


@dataclass(frozen=True)
class FetchLimits:
    """Bounds of one download: bytes, seconds for all of it, networks that may be dialled."""

    max_bytes: int
    timeout: float  # seconds for the whole download
    allow: tuple[Network, ...] = ()

    def request_limits(self) -> net.Limits:
        """The shared client's limits for this download."""
        return net.Limits(
            connect_timeout=min(10.0, self.timeout),
            read_timeout=min(30.0, self.timeout),
            response_deadline=self.timeout,
            max_response_bytes=self.max_bytes,
            retries=2,
            backoff=0.5,
            max_retry_after=min(30.0, self.timeout),
            max_redirects=MAX_REDIRECTS,
            allow=self.allow,
            allow_option=ALLOW_OPTION,
            refuse_userinfo=True,
        )


def parse_networks(values: Sequence[str]) -> tuple[Network, ...]:
    """Allow-listed networks from text ("127.0.0.1", "10.0.0.0/8"); bad entries raise ValueError."""
    return guard.parse_networks(values)


def fetch(url: str, target: IO[bytes], limits: FetchLimits) -> int:
    """Stream ``url`` into ``target``; the number of bytes written. Raises FetchError."""
    try:
        with net.Client(limits.request_limits(), user_agent=USER_AGENT) as client, client.open("GET", url) as response:
            if response.status != 200:
                raise FetchError(f"el servidor respondió {response.status}")
            return response.copy_to(target)
    except TooLarge as exc:
        if exc.declared is not None:
            raise FetchError(
                f"el archivo declara {exc.declared} bytes, más que el máximo ({exc.limit})"
            ) from None
        raise FetchError(f"el archivo supera el tamaño máximo ({exc.limit} bytes)") from None
    except FetchError:
        raise
    except RemoteError as exc:
        raise FetchError(exc.message) from None


def fetch_to_path(url: str, path: Path, limits: FetchLimits) -> int:
    """Download ``url`` into the file at ``path``; the number of bytes written."""
    with path.open("wb") as target:
        return fetch(url, target, limits)
