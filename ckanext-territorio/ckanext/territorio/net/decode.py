"""Payloads from hostile servers: JSON with msgspec, XML with defusedxml."""
from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from defusedxml import ElementTree as SafeET

from .errors import BadPayload

T = TypeVar("T")


def decode_json(body: bytes, type: type[T], url: str | None = None) -> T:
    """msgspec decoding into ``type``; errors name the byte offset or the JSON path of the bad value."""
    try:
        return msgspec.json.decode(body, type=type)
    except msgspec.ValidationError as exc:
        raise BadPayload(f"contenido inesperado: {exc}", url) from None
    except msgspec.DecodeError as exc:
        detail = str(exc)
        if "truncated" in detail:
            detail = f"JSON truncado: terminó en el byte {len(body)} sin cerrarse"
        else:
            detail = f"JSON inválido: {detail}"
        raise BadPayload(detail, url) from None


def parse_xml(body: bytes, url: str | None = None) -> Any:
    """An ElementTree root, refusing DTDs and entity declarations (defusedxml)."""
    try:
        return SafeET.fromstring(body, forbid_dtd=True)
    except SafeET.ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        raise BadPayload(f"XML inválido en la línea {line}, columna {column}", url) from None
    except Exception as exc:  # defusedxml's DTDForbidden, EntitiesForbidden...
        raise BadPayload(f"XML rechazado: {type(exc).__name__}", url) from None
