"""JSON-LD and RDF payloads made safe for rdflib: remote ``@context`` (and ``@import``) documents
fetched through the source's guarded client and inlined, byte-order marks honoured.

rdflib's JSON-LD parser fetches remote contexts with its own HTTP client, past the address guard,
the deadlines and the size caps; after inlining it has nothing left to fetch.
"""
from __future__ import annotations

import codecs
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

import msgspec

from .errors import BadPayload

# a context that pulls in contexts that pull in contexts... stops here
MAX_CONTEXTS = 8
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

Fetch = Callable[[str], bytes]


def decode_text(body: bytes) -> str:
    """The body as text: the encoding its byte-order mark names (without the mark), else UTF-8."""
    for bom, encoding in BOMS:
        if body.startswith(bom):
            return body.decode(encoding, errors="replace").lstrip("\ufeff")
    return body.decode("utf-8", errors="replace")


def is_markup(text: str) -> bool:
    """Whether the text is XML (RDF/XML, whatever whitespace or mark precedes it)."""
    return text.lstrip("\ufeff \t\r\n").startswith("<")


def looks_like_json(text: str) -> bool:
    """Whether the text is a JSON document (JSON-LD) rather than Turtle or XML."""
    return text.lstrip("\ufeff \t\r\n")[:1] in ("{", "[")


class _Inliner:
    def __init__(self, base: str, fetch: Fetch) -> None:
        self.base = base
        self.fetch = fetch
        self.fetched = 0

    def remote(self, reference: str) -> Any:
        """The context a remote reference points to, fetched and itself inlined (bounded count)."""
        self.fetched += 1
        if self.fetched > MAX_CONTEXTS:
            raise BadPayload(f"el JSON-LD pide más de {MAX_CONTEXTS} contextos remotos", self.base)
        url = urljoin(self.base, reference)
        try:
            document = msgspec.json.decode(self.fetch(url))
        except msgspec.DecodeError:
            raise BadPayload(f"el contexto JSON-LD remoto {url} no es JSON", url) from None
        context = document.get("@context") if isinstance(document, dict) else None
        if not isinstance(context, (dict, list, str)):
            raise BadPayload(f"el documento {url} no trae un @context", url)
        return self.context(context)

    def context(self, value: Any) -> Any:
        """A context with every remote reference replaced by what it points to."""
        if isinstance(value, str):
            return self.remote(value)
        if isinstance(value, list):
            return [self.context(item) for item in value]
        if isinstance(value, dict):
            local = {key: self.node(item) for key, item in value.items() if key != "@import"}
            if isinstance(value.get("@import"), str):
                imported = self.remote(value["@import"])
                merged = imported if isinstance(imported, dict) else {}
                return {**merged, **local}  # the local definitions win (JSON-LD 1.1 @import)
            return local
        return value

    def node(self, value: Any) -> Any:
        """A document node with its (scoped) contexts inlined."""
        if isinstance(value, list):
            return [self.node(item) for item in value]
        if isinstance(value, dict):
            return {
                key: self.context(item) if key == "@context" else self.node(item)
                for key, item in value.items()
            }
        return value


def inline_contexts(text: str, base: str, fetch: Fetch) -> str:
    """The JSON-LD document with every remote context fetched by ``fetch`` and inlined."""
    try:
        document = msgspec.json.decode(text)
    except msgspec.DecodeError as exc:
        raise BadPayload(f"JSON-LD inválido: {exc}", base) from None
    return msgspec.json.encode(_Inliner(base, fetch).node(document)).decode("utf-8")
