"""What can go wrong with a remote source; every message is Spanish and shown on the harvest pages."""
from __future__ import annotations


class SourceError(Exception):
    """The source could not be read as expected; ``message`` says why (Spanish)."""

    def __init__(self, message: str, url: str | None = None) -> None:
        self.message = message
        self.url = url
        super().__init__(message)

    def __str__(self) -> str:
        return f"{self.message} ({self.url})" if self.url else self.message


class AddressRefused(SourceError):
    """The URL points at a private, loopback or link-local address that is not allow-listed."""


class Unreachable(SourceError):
    """Connection refused, reset, timed out, or the name does not resolve."""


class HTTPStatusError(SourceError):
    """The source answered with an error status after every retry."""

    def __init__(self, message: str, url: str | None = None, status: int = 0) -> None:
        super().__init__(message, url)
        self.status = status


class TooLarge(SourceError):
    """A single response is larger than the byte cap."""


class RunLimit(SourceError):
    """This run reached its cap of pages or bytes; the rest waits for the next run."""


class BadPayload(SourceError):
    """The response is not in the expected format; the message names the position."""
