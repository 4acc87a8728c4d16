"""Solr local parameters (``{!bool must=a should=b}``, ``{!lucene q.op=OR}text``).

CKAN checks them against ``ckan.search.solr_allowed_query_parsers`` before the
query reaches the engine; this module only splits them off the query. The
grammar is CKAN's own (``ckan.lib.search.query._parse_local_params``), with
unquoted values allowed any character but ``}`` and whitespace.
"""
from __future__ import annotations

import dataclasses

import pyparsing as pp
from ckan.lib.search.common import SearchQueryError

_KEY = pp.Word(pp.alphanums + "_.")
_VALUE = pp.QuotedString('"', esc_char="\\") | pp.QuotedString("'", esc_char="\\") | pp.Word(
    pp.printables, exclude_chars="}"
)
_PAIR = pp.Group(_KEY + pp.Suppress("=") + _VALUE)
_LOCAL_PARAMS = pp.Suppress("{!") + pp.OneOrMore(_PAIR | _KEY) + pp.Suppress("}")


@dataclasses.dataclass(frozen=True)
class LocalParams:
    """The parser a query names, its parameters (repeatable) and the query after them."""

    parser: str
    params: dict[str, list[str]]
    body: str

    def first(self, key: str, default: str | None = None) -> str | None:
        """The first value of ``key``, or ``default``."""
        values = self.params.get(key)
        return values[0] if values else default


def split(query: str) -> LocalParams | None:
    """The local parameters leading ``query``, or None when it has none."""
    text = query.strip()
    if not text.startswith("{!"):
        return None
    try:
        tokens, start, end = next(_LOCAL_PARAMS.scan_string(text, max_matches=1))
    except (StopIteration, pp.ParseBaseException) as error:
        raise SearchQueryError(f"Parámetros locales no válidos: {query[:80]!r}") from error
    if start != 0:
        raise SearchQueryError(f"Parámetros locales no válidos: {query[:80]!r}")
    parser = "lucene"
    params: dict[str, list[str]] = {}
    for position, token in enumerate(tokens.as_list()):
        if isinstance(token, str):
            if position == 0:
                parser = token
            continue
        key, value = token
        if key == "type":
            parser = value
        else:
            params.setdefault(key, []).append(value)
    return LocalParams(parser, params, text[end:].strip())
