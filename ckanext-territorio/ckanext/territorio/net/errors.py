"""What can go wrong talking to a remote server; every message is Spanish and shown to people."""
from __future__ import annotations


class RemoteError(Exception):
    """The remote resource could not be read as expected; ``message`` says why (Spanish)."""

    def __init__(self, message: str, url: str | None = None, status: int | None = None) -> None:
        self.message = message
        self.url = url
        self.status = status
        super().__init__(message)

    def __str__(self) -> str:
        return f"{self.message} ({self.url})" if self.url else self.message


class InvalidURL(RemoteError):
    """Not an http(s) URL with a host (or one with credentials where they are refused)."""


class AddressRefused(RemoteError):
    """The URL points at a private, loopback, link-local... address that is not allow-listed."""


class Unreachable(RemoteError):
    """Connection refused or reset, or the name does not resolve."""


class TimedOut(Unreachable):
    """The server did not answer in time (connection, a wait for data, or the whole response)."""


class DeadlineExceeded(TimedOut):
    """The response as a whole took longer than its limit (a server trickling bytes)."""


class RetryAfterTooLong(RemoteError):
    """The server asks to wait longer than allowed (``Retry-After``); try again later."""


class HTTPStatusError(RemoteError):
    """The server answered with an error status after every retry."""

    def __init__(self, message: str, url: str | None = None, status: int = 0) -> None:
        super().__init__(message, url, status)


class TooManyRedirects(RemoteError):
    """More redirects than the cap; ``url`` is where the next one pointed."""


class RedirectLoop(RemoteError):
    """A redirect points back to a URL already visited; ``url`` is that URL."""


class TooLarge(RemoteError):
    """A response is larger than the byte cap; ``declared`` is its Content-Length when it said so."""

    def __init__(self, message: str, url: str | None = None, *, limit: int, declared: int | None = None) -> None:
        super().__init__(message, url)
        self.limit = limit
        self.declared = declared


class BadPayload(RemoteError):
    """The response is not in the expected format; the message names the position."""
