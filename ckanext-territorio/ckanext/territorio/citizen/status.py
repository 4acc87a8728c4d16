"""Statuses of a data request and the transitions between them (Spanish messages)."""
from __future__ import annotations

from collections.abc import Callable

OPEN = "abierta"
IN_PROGRESS = "en-curso"
PUBLISHED = "publicada"
REJECTED = "rechazada"

STATUSES = (OPEN, IN_PROGRESS, PUBLISHED, REJECTED)
# set by territorio_request_update; the closing ones by territorio_request_close
ACTIVE = (OPEN, IN_PROGRESS)
CLOSED = (PUBLISHED, REJECTED)

ALLOWED: dict[str, frozenset[str]] = {
    OPEN: frozenset({IN_PROGRESS, PUBLISHED, REJECTED}),
    IN_PROGRESS: frozenset({PUBLISHED, REJECTED}),
    PUBLISHED: frozenset(),
    REJECTED: frozenset(),
}

REPORT_OPEN = "abierto"
REPORT_CLOSED = "cerrado"
REPORT_STATUSES = (REPORT_OPEN, REPORT_CLOSED)

REPORT_KINDS = ("datos-erroneos", "enlace-roto", "datos-personales", "desactualizado", "otro")
URGENT_KIND = "datos-personales"


def _identity(text: str) -> str:
    return text


def refusal(
    old: str, new: str, *, sysadmin: bool, translate: Callable[[str], str] = _identity
) -> str | None:
    """Why the request may not go from ``old`` to ``new`` (None: it may; same status: no change).

    A closed request is reopened (to ``abierta`` or ``en-curso``) only by a sysadmin.
    """
    if new not in STATUSES:
        return translate("Estado desconocido: '{status}'").format(status=new)
    if old == new:
        return None
    if new in ALLOWED.get(old, frozenset()):
        return None
    if old in CLOSED and new in ACTIVE:
        if sysadmin:
            return None
        return translate("Una solicitud cerrada solo la reabre un administrador del sitio")
    return translate("No se puede pasar de '{old}' a '{new}'").format(old=old, new=new)


def is_urgent(kind: str) -> bool:
    """Whether a report of this kind is urgent (personal data exposed)."""
    return kind == URGENT_KIND
