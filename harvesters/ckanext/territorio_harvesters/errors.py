"""What can go wrong with a remote source: the client's errors (``net.errors``) and the run caps.

Every message is Spanish and shown on the harvest pages. ``SourceError`` is the client's
``RemoteError`` under the name the harvesters use.
"""
from __future__ import annotations

from ckanext.territorio.net.errors import (
    AddressRefused,
    BadPayload,
    HTTPStatusError,
    RetryAfterTooLong,
    TooLarge,
    Unreachable,
)
from ckanext.territorio.net.errors import RemoteError as SourceError

__all__ = [
    "AddressRefused",
    "BadPayload",
    "HTTPStatusError",
    "RetryAfterTooLong",
    "RunDeadlineExceeded",
    "RunLimit",
    "SourceError",
    "TooLarge",
    "Unreachable",
]


class RunLimit(SourceError):
    """This run reached its cap of pages or bytes; the rest waits for the next run."""


class RunDeadlineExceeded(RunLimit):
    """This run reached its wall-clock deadline (``run_deadline``); the rest waits for the next."""
