"""One-word searches ordered by relevance, read from each document's stored word scores.

``ts_rank`` of a one-lexeme query depends on the document's vector alone, so
the score of every (document, lexeme) pair is computed when the document is
written, in SQL, by the very expression a search ranks with, and kept in
``territorio_search_term`` with a (lexeme, score) index. A search for one
plain word whose first sort key is the score then reads the best matches in
index order and stops after the page, instead of ranking every match (17-26 ms
for 4,811 of 10,000 datasets, against about 1 ms): the same rows in the same
order, since the scores are the same numbers. Anything else (several words,
phrases, prefixes, fielded or weighted terms, other conditions in ``q``;
filters in ``fq`` are fine) ranks every match as before.
"""
from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from ckan import model
from sqlalchemy.sql.elements import BinaryExpression

from .lucene import Translation
from .model import SearchDoc, SearchTerm

TABLE: sa.Table = SearchDoc.__table__  # type: ignore[assignment]
TERM: sa.Table = SearchTerm.__table__  # type: ignore[assignment]
# Weights for D, C, B, A lexemes: Solr's qf boosts (title^4 name^4 tags^2 text).
RANK_WEIGHTS = "{0.1, 0.25, 0.5, 1.0}"
# ts_rank normalisation 1: divide by 1 + log(document length), like Solr's norms.
RANK_NORMALISATION = 1
# A rank term that is one plain lexeme (what search.lucene renders for a word).
_SOLE_LEXEME = re.compile(r"'([^'\\\s]+)'")
# The lexeme as a one-operand tsquery, quoted as tsquery text quotes it. The
# same expression scores existing rows in migration b3d5f7a9c1e2.
_SCORE = (
    f"ts_rank('{RANK_WEIGHTS}'::real[], d.search_vector, "
    "CAST('''' || replace(replace(u.lexeme, '\\', '\\\\'), '''', '''''') || '''' AS tsquery), "
    f"{RANK_NORMALISATION})"
)
_DELETE = sa.text(f"DELETE FROM {TERM.name} WHERE index_id = ANY(:ids)")
_INSERT = sa.text(
    f"INSERT INTO {TERM.name} (index_id, lexeme, score) "
    f"SELECT d.index_id, u.lexeme, {_SCORE} "
    f"FROM {TABLE.name} d, unnest(d.search_vector) u WHERE d.index_id = ANY(:ids)"
)


def replace(ids: list[str]) -> None:
    """Score the lexemes of the documents ``ids`` again, in the writer's transaction."""
    if not ids:
        return
    model.Session.execute(_DELETE, {"ids": ids})
    model.Session.execute(_INSERT, {"ids": ids})


def sole_lexeme(translation: Translation) -> str | None:
    """The lexeme when ``q`` is one plain, unfielded word and nothing else, or None.

    Then every match holds the lexeme, so each has its row in the table.
    """
    if len(translation.rank_terms) != 1:
        return None
    matched = _SOLE_LEXEME.fullmatch(translation.rank_terms[0])
    where = translation.where
    if matched is None or not isinstance(where, BinaryExpression):
        return None
    if where.left is not TABLE.c.search_vector or getattr(where.operator, "opstring", None) != "@@":
        return None
    value = getattr(getattr(where.right, "clause", None), "value", None)
    return matched.group(1) if value == translation.rank_terms[0] else None


def scored(lexeme: str) -> tuple[Any, sa.ColumnElement[Any]]:
    """The documents joined to their score for ``lexeme``, and that score column."""
    joined = TABLE.join(
        TERM, sa.and_(TERM.c.index_id == TABLE.c.index_id, TERM.c.lexeme == lexeme)
    )
    return joined, TERM.c.score


__all__ = ["RANK_NORMALISATION", "RANK_WEIGHTS", "replace", "scored", "sole_lexeme"]
