"""Caps on what one search may ask of PostgreSQL, and text PostgreSQL cannot take.

Every term of a query becomes a condition evaluated per dataset, so an
anonymous ``q`` of thousands of words kept a worker and a core busy for
seconds. User queries (``q``, ``fq``) are capped in length, terms and nesting
before anything is translated; text with NUL or lone surrogates (which
PostgreSQL, psycopg2 and Redis keys refuse) is refused for every parameter.
All refusals are ``SearchQueryError``: HTTP 400 in the API, the 400 page in
the dataset search views.
"""
from __future__ import annotations

from typing import Any

from ckan.lib.search.common import SearchQueryError
from luqum import tree

from . import config, localparams, lucene

# Local parameters whose values are queries themselves.
_CLAUSES = ("must", "should", "must_not", "filter", "v")
# Nodes that nest their operand one level deeper.
_WRAPPERS = (tree.Group, tree.FieldGroup, tree.SearchField, tree.Boost, tree.Not, tree.Prohibit, tree.Plus)


def check_text(name: str, value: Any) -> None:
    """Refuse NUL characters and lone surrogates in a text parameter (or list of them)."""
    items = value if isinstance(value, (list, tuple)) else [value]
    for item in items:
        if not isinstance(item, str):
            continue
        if "\x00" in item:
            raise SearchQueryError(f"El parámetro {name!r} contiene un carácter nulo (NUL).")
        try:
            item.encode("utf-8")
        except UnicodeEncodeError as error:
            raise SearchQueryError(
                f"El parámetro {name!r} contiene caracteres Unicode no válidos (sustitutos sueltos)."
            ) from error


def check_query(name: str, query: str) -> None:
    """Refuse a user query longer, with more terms or more deeply nested than the caps."""
    check_text(name, query)
    limit = config.max_query_length()
    if len(query) > limit:
        raise SearchQueryError(
            f"La consulta {name!r} tiene {len(query)} caracteres; el máximo es {limit}."
        )
    try:
        terms, depth = _measure_text(query.strip())
    except SearchQueryError:
        # a syntax error is the engine's (or Solr's, or CKAN's local-parameter check)
        # to report: cap the words only
        terms, depth = len(query.split()), 0
    max_terms, max_depth = config.max_query_terms(), config.max_query_depth()
    if terms > max_terms:
        raise SearchQueryError(
            f"La consulta {name!r} tiene {terms} términos; el máximo es {max_terms}. "
            "Acótela con menos palabras o con filtros."
        )
    if depth > max_depth:
        raise SearchQueryError(
            f"La consulta {name!r} anida {depth} niveles (paréntesis, NOT, + o -); "
            f"el máximo es {max_depth}."
        )


def _measure_text(text: str) -> tuple[int, int]:
    """Terms and depth of a query, local parameters (``{!bool should=...}``) included."""
    terms = 0
    deepest = 0
    stack = [(text, 0)]
    while stack:
        piece, depth = stack.pop()
        local = localparams.split(piece)
        if local is not None:
            values = [v for key, vs in local.params.items() if key in _CLAUSES for v in vs]
            stack.extend((v.strip(), depth + 1) for v in [local.body, *values] if v.strip())
            continue
        if piece in ("", "*:*", "*"):
            continue
        more, inner = measure(lucene.parse(piece))
        terms += more
        deepest = max(deepest, depth + inner)
    return terms, deepest


def measure(node: tree.Item) -> tuple[int, int]:
    """Terms (words, words of phrases, ranges) and nesting depth of a parsed query.

    Walked with an explicit stack: the trees it must refuse are deeper than
    Python's recursion limit.
    """
    terms = 0
    deepest = 0
    stack: list[tuple[tree.Item, int]] = [(node, 0)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, tree.Phrase):
            terms += max(1, len(item.value.split()))
        elif isinstance(item, (tree.Word, tree.Range, tree.Term)):
            terms += 1
        else:
            inner = depth + 1 if isinstance(item, _WRAPPERS) else depth
            stack.extend((child, inner) for child in item.children)
    return terms, deepest
