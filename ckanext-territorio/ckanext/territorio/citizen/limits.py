"""Per-user and per-address rate limits of the citizen channel, counted from its tables."""
from __future__ import annotations

import datetime
import hashlib
import hmac
from collections.abc import Callable

from . import store

WINDOW = datetime.timedelta(hours=1)


def address_hash(address: str | None, secret: str) -> str | None:
    """The keyed SHA-256 of a remote address (the address itself is never stored)."""
    if not address:
        return None
    return hmac.new(secret.encode("utf-8"), address.encode("utf-8"), hashlib.sha256).hexdigest()


def _identity(text: str) -> str:
    return text


def refusal(
    user_id: str,
    address: str | None,
    *,
    per_user: int,
    per_address: int,
    translate: Callable[[str], str] = _identity,
) -> str | None:
    """Why one more writing is refused now (None: it is accepted)."""
    since = store.now() - WINDOW
    if store.writings_since(since, user_id=user_id) >= per_user:
        return translate(
            "Ha enviado demasiados textos en la última hora (máximo {max}); intente más tarde"
        ).format(max=per_user)
    if address and store.writings_since(since, address_hash=address) >= per_address:
        return translate(
            "Se han enviado demasiados textos desde su dirección en la última hora (máximo {max}); "
            "intente más tarde"
        ).format(max=per_address)
    return None
