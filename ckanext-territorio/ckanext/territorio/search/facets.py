"""Hit count and facet counts of a search, from each document's compact ``facet_ids``.

Every exact value a document carries (``fields``) is numbered once in
``territorio_search_facet_value``; the document keeps the numbers in a
``bigint[]``, with 0 first so that counting the zeros counts the hits. A
number is ``field_no << 32 | n``: the requested facets are picked out of the
array with a shift, before anything is grouped, and the grouping is on
integers. Counts are computed from the matching documents themselves under the
search's own conditions (permission labels, filters, drafts), so they are exact
whatever was created, changed or deleted; a numbered value nobody carries any
more is never counted. Fields left unnumbered (identifiers, ``*_id`` but
``license_id``, and the single-valued fields nobody facets on, which would only
lengthen every array) are counted from the ``fields`` jsonb, as before.
"""
from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from ckan import model
from sqlalchemy.dialects.postgresql import JSONB

from . import memo, params
from .model import SearchDoc, SearchFacetField, SearchFacetValue

log = logging.getLogger(__name__)

TABLE: sa.Table = SearchDoc.__table__  # type: ignore[assignment]
VALUES: sa.Table = SearchFacetValue.__table__  # type: ignore[assignment]
FIELDS: sa.Table = SearchFacetField.__table__  # type: ignore[assignment]
# Position of the hit count among the summary statement's rows.
HITS = -1
# The number every document carries: its count is the hit count.
HIT = 0
_SHIFT = 32
_NO_LIMIT = 2**31 - 1
_SEQUENCE = "territorio_search_facet_value_seq"
# Compiled ts_stat inner queries, by statement shape (values are not part of the key).
_COMPILED: dict[Any, Any] = {}
_COMPILED_MAX = 500
# Summary statements counted by ts_stat, by facet requests: the query text
# ts_stat runs is their one parameter, bound when they are executed.
_SHAPES: memo.Memo[Any] = memo.Memo(128)
_TS_STAT_QUERY = "territorio_ts_stat_query"


# Same list in migration territorio_search a7c2e4f6b8d0 (existing rows numbered there).
UNNUMBERED = frozenset({
    "state", "capacity", "dataset_type", "entity_type", "type", "private", "isopen",
    "num_tags", "num_resources", "site_id",
})


def numbered(field: str) -> bool:
    """Whether ``field``'s values get numbers (identifiers are never facets)."""
    return field not in UNNUMBERED and not (field.endswith("_id") and field != "license_id")


def assign(rows: list[dict[str, Any]]) -> None:
    """Set each row's ``facet_ids`` from its ``fields``, numbering new values.

    Runs in the writer's transaction, so new numbers commit or roll back with
    the documents that use them. Inserts go in sorted order, so two writers
    numbering the same new values wait for each other instead of deadlocking.
    """
    pairs = sorted({
        (field, value)
        for row in rows
        for field, values in row["fields"].items()
        if numbered(field)
        for value in values
    })
    if not pairs:
        for row in rows:
            row["facet_ids"] = [HIT]
        return
    names = sorted({field for field, _ in pairs})
    session = model.Session
    session.execute(
        sa.text(
            "INSERT INTO territorio_search_facet_field (field) "
            "SELECT f FROM unnest(CAST(:names AS text[])) AS f ORDER BY f "
            "ON CONFLICT (field) DO NOTHING"
        ),
        {"names": names},
    )
    wanted = {"fields": [p[0] for p in pairs], "values": [p[1] for p in pairs]}
    session.execute(
        sa.text(
            "INSERT INTO territorio_search_facet_value (id, field, value) "
            f"SELECT (ff.field_no::bigint << {_SHIFT}) | nextval('{_SEQUENCE}'), w.field, w.value "
            "FROM unnest(CAST(:fields AS text[]), CAST(:values AS text[])) AS w(field, value) "
            "JOIN territorio_search_facet_field ff ON ff.field = w.field "
            "WHERE NOT EXISTS (SELECT 1 FROM territorio_search_facet_value v "
            "                  WHERE v.field = w.field AND v.value = w.value) "
            "ORDER BY w.field, w.value "
            "ON CONFLICT (field, value) DO NOTHING"
        ),
        wanted,
    )
    found = session.execute(
        sa.text(
            "SELECT v.field, v.value, v.id FROM territorio_search_facet_value v "
            "JOIN unnest(CAST(:fields AS text[]), CAST(:values AS text[])) AS w(field, value) "
            "ON v.field = w.field AND v.value = w.value"
        ),
        wanted,
    )
    ids = {(field, value): number for field, value, number in found}
    for row in rows:
        row["facet_ids"] = [HIT] + sorted({
            ids[(field, value)]
            for field, values in row["fields"].items()
            if numbered(field)
            for value in values
        })


def summary(requests: list[params.FacetRequest], where: sa.ColumnElement[bool]) -> Any:
    """One statement, one pass over the matches: the hit count and every facet."""
    statement, parameters = summary_parts(requests, where)
    return statement.params(parameters) if parameters else statement


def summary_parts(
    requests: list[params.FacetRequest], where: sa.ColumnElement[bool]
) -> tuple[Any, dict[str, Any]]:
    """``summary``'s statement and the values to run it with.

    Counted by ``ts_stat``, the statement depends on the facet requests only
    (the matches are its parameter), so it is built once per request shape and
    searches asking the same facets share it, SQLAlchemy's cache key included.
    """
    if not requests:
        return sa.select(sa.literal(HITS), sa.null(), sa.func.count()).select_from(TABLE).where(where), {}
    if all(numbered(r.field) for r in requests):
        inner = _matching_vectors(where)
        if inner is None:
            return _numbered(requests, _counted_by_unnest(requests, where)), {}
        shape = _SHAPES.get(tuple(requests), lambda: _numbered(requests, _counted_by_ts_stat()))
        return shape, {_TS_STAT_QUERY: inner}
    return _from_jsonb(requests, where), {}


def _matching_vectors(where: sa.ColumnElement[bool]) -> str | None:
    """The SQL text selecting the matches' ``facet_vector``, for ``ts_stat``.

    ``ts_stat`` takes its query as text and cannot take parameters, so the
    values are interpolated by psycopg2's own ``mogrify``: the very quoting
    psycopg2 applies to every statement it sends (it binds client-side), so
    this opens nothing the other statements do not. None when the condition
    cannot be rendered (the caller then counts with ``unnest``).
    """
    try:
        session = model.Session
        statement = sa.select(TABLE.c.facet_vector).where(where)
        compiled, extracted = _compiled(statement, session.get_bind().dialect)
        processors = compiled._bind_processors
        values = {}
        for key, value in compiled.construct_params(extracted_parameters=extracted).items():
            process = processors.get(key)
            values[key] = process(value) if callable(process) else value
        cursor = session.connection().connection.cursor()
        try:
            text = cursor.mogrify(compiled.string, values)
        finally:
            cursor.close()
    except Exception:  # noqa: BLE001 - any failure falls back to the unnest count
        log.warning("ts_stat no aplicable; facetas contadas con unnest", exc_info=True)
        return None
    return text.decode() if isinstance(text, bytes) else str(text)


def _compiled(statement: Any, dialect: Any) -> tuple[Any, Any]:
    """``statement`` compiled once per shape (SQLAlchemy's cache key), with this one's values."""
    cache_key = statement._generate_cache_key()
    if cache_key is None:
        return statement.compile(dialect=dialect), None
    compiled = _COMPILED.get(cache_key.key)
    if compiled is None:
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.clear()
        # Compiled with its cache key, so that construct_params can line up
        # another statement's values (its bindparams) with this one's.
        compiled = _COMPILED[cache_key.key] = statement.compile(dialect=dialect, cache_key=cache_key)
    return compiled, cache_key.bindparams


def _counted_by_ts_stat() -> Any:
    """Counts by ``ts_stat`` over the query text bound as ``_TS_STAT_QUERY``."""
    # ts_stat counts, in C, the documents holding each lexeme: each number
    # is one lexeme of facet_vector, so ndoc is the facet count.
    query = sa.bindparam(_TS_STAT_QUERY, type_=sa.Text)
    stat = sa.func.ts_stat(query).table_valued("word", "ndoc").alias("stat")
    return sa.select(
        sa.cast(stat.c.word, sa.BigInteger).label("id"), stat.c.ndoc.label("n")
    ).cte("counted")


def _counted_by_unnest(requests: list[params.FacetRequest], where: sa.ColumnElement[bool]) -> Any:
    """Counts by grouping the matches' unnested ``facet_ids`` (the fallback)."""
    # unnest() in the select list (one ProjectSet node), not a lateral join.
    element = sa.select(sa.func.unnest(TABLE.c.facet_ids).label("id")).where(where).subquery("element")
    number = element.c.id
    wanted_fields = sa.select(FIELDS.c.field_no).where(
        FIELDS.c.field.in_([r.field for r in requests])
    )
    return (
        sa.select(number.label("id"), sa.func.count().label("n"))
        .where(sa.or_(number == HIT, number.op(">>")(_SHIFT).in_(wanted_fields.scalar_subquery())))
        .group_by(number)
        .cte("counted")
    )


def _numbered(requests: list[params.FacetRequest], counted: Any) -> Any:
    """The hit count and each facet's rows, ranked and limited, from ``counted`` (id, n)."""
    position = sa.case(
        *((VALUES.c.field == r.field, p) for p, r in enumerate(requests)), else_=HITS
    )
    by_index = [r.field for r in requests if r.sort == "index"]
    index_order = (
        [sa.case((VALUES.c.field.in_(by_index), VALUES.c.value), else_=None).asc()]
        if by_index else []
    )
    rank = sa.func.row_number().over(
        partition_by=VALUES.c.field, order_by=[*index_order, counted.c.n.desc(), VALUES.c.value.asc()]
    )
    mincount = sa.case(
        *((VALUES.c.field == r.field, max(r.mincount, 1)) for r in requests), else_=1
    )
    ranked = (
        sa.select(position.label("position"), VALUES.c.value, counted.c.n, rank.label("rank"))
        .select_from(counted.join(VALUES, VALUES.c.id == counted.c.id))
        .where(counted.c.n >= mincount, VALUES.c.field.in_([r.field for r in requests]))
        .subquery("ranked")
    )
    limit = sa.case(
        *(
            (ranked.c.position == p, r.limit if r.limit is not None else _NO_LIMIT)
            for p, r in enumerate(requests)
        ),
        else_=_NO_LIMIT,
    )
    facets = sa.select(ranked.c.position, ranked.c.value, ranked.c.n, ranked.c.rank).where(
        ranked.c.rank <= limit
    )
    hits = sa.select(
        sa.literal(HITS).label("position"), sa.null().label("value"), counted.c.n,
        sa.literal(0).label("rank"),
    ).where(counted.c.id == HIT)
    rows = sa.union_all(hits, facets).subquery("rows")
    return sa.select(rows.c.position, rows.c.value, rows.c.n).order_by(rows.c.position, rows.c.rank)


def _from_jsonb(requests: list[params.FacetRequest], where: sa.ColumnElement[bool]) -> Any:
    """Each matching row's ``fields`` arrays unnested (deduplicated at index time)."""
    branches = [
        sa.select(
            sa.literal(HITS).label("position"),
            sa.cast(sa.literal('[""]'), JSONB).label("values"),
        )
    ] + [
        sa.select(
            sa.literal(position).label("position"),
            TABLE.c.fields[request.field].label("values"),
        ).correlate(TABLE)
        for position, request in enumerate(requests)
    ]
    pairs = sa.union_all(*branches).lateral("facet")
    elements = (
        sa.func.jsonb_array_elements_text(pairs.c["values"]).table_valued("value").lateral("element")
    )
    value = elements.c.value
    count = sa.func.count()
    by_index = [p for p, r in enumerate(requests) if r.sort == "index"]
    index_order = (
        [sa.case((pairs.c.position.in_(by_index), value), else_=None).asc()] if by_index else []
    )
    rank = sa.func.row_number().over(
        partition_by=pairs.c.position, order_by=[*index_order, count.desc(), value.asc()]
    )
    mincount = sa.case(
        *((pairs.c.position == p, max(r.mincount, 1)) for p, r in enumerate(requests)), else_=1
    )
    counted = (
        sa.select(pairs.c.position, value.label("value"), count.label("n"), rank.label("rank"))
        .select_from(TABLE.join(pairs, sa.true()).join(elements, sa.true()))
        .where(where)
        .group_by(pairs.c.position, value)
        .having(count >= mincount)
        .subquery("counted")
    )
    limit = sa.case(
        *(
            (counted.c.position == p, r.limit if r.limit is not None else _NO_LIMIT)
            for p, r in enumerate(requests)
        ),
        else_=1,
    )
    return (
        sa.select(counted.c.position, counted.c.value, counted.c.n)
        .where(counted.c.rank <= limit)
        .order_by(counted.c.position, counted.c.rank)
    )


__all__ = ["HIT", "HITS", "assign", "numbered", "summary", "summary_parts"]
