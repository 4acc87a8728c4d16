"""A pysolr-compatible connection whose index is a PostgreSQL table.

CKAN core only calls ``add``, ``delete``, ``commit`` and ``search`` on the
object ``make_connection()`` returns, so this class is all it takes for
``package_search``, the dataset pages and ``ckan search-index`` to run on
PostgreSQL. Writes go through CKAN's own session: the index row commits or
rolls back together with the dataset that produced it.
"""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from ckan import model
from ckan.lib.search.common import SearchQueryError, solr_datetime_decoder
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.dialects.postgresql import insert as pg_insert

from . import cache, config, document, execution, facets, fields, limits, memo, params, terms
from .lucene import Translation, Translator
from .model import SearchDoc

log = logging.getLogger(__name__)

TABLE: sa.Table = SearchDoc.__table__  # type: ignore[assignment]
_RANK_WEIGHTS = terms.RANK_WEIGHTS
_RANK_NORMALISATION = terms.RANK_NORMALISATION
# Documents written per INSERT when CKAN defers commits (index rebuilds).
_BATCH = 250
_pending: list[dict[str, Any]] = []
# Bulk writes after which ``commit()`` refreshes the table's statistics.
_ANALYZE_AFTER = 1000
_written_since_analyze = [0]
# Session.info flag: this transaction wrote to the index (bump the cache after commit).
_WRITTEN = "territorio_search_written"
# Session.info flag: the session is committing (CKAN indexes datasets in before_commit).
_COMMITTING = "territorio_search_committing"
# Session.info flag: this transaction flushed ORM changes (a dataset write).
_ORM_CHANGES = "territorio_search_orm_changes"
_DOC_COLUMNS = ("id", "name", "data_dict", "validated_data_dict", "index_id", "site_id")
# Translations of q and fq texts, by text and options (see search.memo).
_TRANSLATIONS: memo.Memo[Translation] = memo.Memo(512)


@dataclasses.dataclass
class SearchPlan:
    """Statements for one search, and how to read their rows."""

    documents: Any
    summary: Any
    facet_fields: list[str]
    wanted: list[str]
    everything: bool
    start: int
    # values of the summary statement's bound parameters (its shape is shared)
    summary_params: dict[str, Any] = dataclasses.field(default_factory=dict)


class Results:
    """The subset of ``pysolr.Results`` CKAN reads."""

    def __init__(self, docs: list[dict[str, Any]], hits: int, facets: dict[str, Any]):
        self.docs = docs
        self.hits = hits
        self.facets = facets
        self.raw_response: dict[str, Any] = {}
        self.highlighting: dict[str, Any] = {}
        self.debug: dict[str, Any] = {}
        self.grouped: dict[str, Any] = {}
        self.spellcheck: dict[str, Any] = {}
        self.stats: dict[str, Any] = {}
        self.qtime = None
        self.nextCursorMark = None

    def __len__(self) -> int:
        return len(self.docs)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.docs)


class PostgresSearchConnection:
    """Solr's connection API over ``territorio_search_doc``."""

    url = "postgresql://(ckan database)/territorio_search_doc"

    def __init__(self, decode_dates: bool = True, geom_field: str | None = None):
        """``geom_field``: ckanext-spatial's extent field, None when spatial is not loaded."""
        self.decode_dates = decode_dates
        self.geom_field = geom_field
        self.translator = Translator(TABLE, geom_field)

    # -- writes ---------------------------------------------------------------

    def add(self, docs: list[dict[str, Any]], commit: bool | None = None, **_: Any) -> str:
        """Insert or replace documents in CKAN's current transaction.

        With ``commit=True`` outside a dataset's own commit (``search-index
        clear``, ``index_package`` called directly) the write is committed, as
        Solr's commit makes it durable; inside one it commits with the dataset.

        With ``commit=False`` (``search-index rebuild`` defers commits) rows are
        buffered and written in batches; the buffer is flushed before the
        session commits, before any search or delete, and every few hundred rows.
        """
        rows = [document.build_row(doc, self.geom_field) for doc in docs]
        _pending.extend(rows)
        if commit is not False or len(_pending) >= _BATCH:
            flush_pending()
        if commit is True:
            _commit_outside_dataset_commit()
        return ""

    def delete(
        self,
        id: str | list[str] | None = None,
        q: str | None = None,
        commit: bool | None = None,
        **_: Any,
    ) -> str:
        """Delete by unique key (``index_id``) or by query."""
        if id is None and q is None:
            raise ValueError('You must specify "id" or "q".')
        flush_pending()
        statement = sa.delete(TABLE)
        if id is not None:
            ids = id if isinstance(id, list) else [id]
            statement = statement.where(TABLE.c.index_id.in_(ids))
        if q is not None:
            where = self.translator.translate(q).where
            if where is not None:
                statement = statement.where(where)
        model.Session.execute(statement)
        _mark_written()
        if commit is True:
            _commit_outside_dataset_commit()
        return ""

    def commit(self, **_: Any) -> str:
        """Make pending index changes visible, as a Solr commit does."""
        flush_pending()
        model.Session.commit()
        if _written_since_analyze[0] >= _ANALYZE_AFTER:
            # After a bulk (re)index the planner's statistics are stale until
            # autovacuum comes by; refresh them now so searches plan well.
            model.Session.execute(sa.text(f"ANALYZE {TABLE.name}, {terms.TERM.name}"))
            model.Session.commit()
            _written_since_analyze[0] = 0
        return ""

    def optimize(self, **_: Any) -> str:
        """Nothing to optimise: PostgreSQL's autovacuum keeps the table."""
        return ""

    def ping(self, **_: Any) -> str:
        """Check the database answers, as pysolr's ping checks Solr."""
        model.Session.execute(sa.select(sa.literal(1)))
        return "OK"

    # -- reads ----------------------------------------------------------------

    def search(self, q: str | None = None, **kwargs: Any) -> Results:
        """Run a Solr-style search: q, fq, sort, rows, start, fl, facets."""
        plan = self.plan(q, **kwargs)
        flush_pending()
        with execution.guarded(kwargs) as budget:
            generation = self._index_generation()
            docs: list[dict[str, Any]] = []
            if plan.documents is not None:
                rows = self._cached(plan.documents, generation, budget.document_rows)
                docs = [_stored_fields(r, plan.wanted, plan.everything) for r in rows]
                if self.decode_dates:
                    # what CKAN's pysolr connection does with make_connection(decode_dates=True)
                    docs = [solr_datetime_decoder(d) for d in docs]
            hits = 0
            counts: dict[str, list[Any]] = {field: [] for field in plan.facet_fields}
            summary = self._cached(
                plan.summary, generation, budget.plain_rows, plan.summary_params
            )
            for position, value, n in summary:
                if position == facets.HITS:
                    hits = int(n)
                else:
                    counts[plan.facet_fields[position]].extend([value, n])
        return Results(docs, hits, {"facet_fields": counts})

    def plan(self, q: str | None = None, **kwargs: Any) -> SearchPlan:
        """The SQL statements a search runs (also timed raw by the benchmark)."""
        query = q if q is not None else kwargs.get("q", "*:*")
        for name, value in [("q", query), *kwargs.items()]:
            limits.check_text(name, value)
        try:
            return self._plan(query, kwargs)
        except RecursionError:
            raise SearchQueryError("La consulta está demasiado anidada.") from None

    def _plan(self, query: Any, kwargs: dict[str, Any]) -> SearchPlan:
        rows = max(0, params.int_param(kwargs, "rows", 10))
        start = max(0, params.int_param(kwargs, "start", 0))
        mm = kwargs.get("mm") if kwargs.get("defType") in ("dismax", "edismax") else None
        if mm is not None and not isinstance(mm, str):
            raise SearchQueryError("El parámetro 'mm' debe ser texto (p. ej. 2<-1 5<80%).")
        or_default = str(kwargs.get("q.op", "AND")).upper() == "OR"

        main = self._translate(str(query or "*:*"), mm=mm, or_default=or_default)
        conditions = [c for c in [main.where] if c is not None]
        for fq in params.as_list(kwargs.get("fq")):
            conditions.extend(self._filter(fq))
        where = sa.and_(sa.true(), *conditions)

        rank_query = " | ".join(f"({t})" for t in main.rank_terms)
        score: sa.ColumnElement[Any] = (
            sa.func.ts_rank(
                sa.literal(_RANK_WEIGHTS).cast(sa.ARRAY(sa.REAL)),
                TABLE.c.search_vector,
                sa.cast(sa.literal(rank_query), TSQUERY),
                _RANK_NORMALISATION,
            )
            if rank_query
            else sa.literal(0.0)
        )
        wanted = params.field_list(kwargs.get("fl"))
        everything = "*" in wanted
        columns: list[Any] = [
            TABLE.c[name] for name in _DOC_COLUMNS if everything or name in wanted
        ]
        if everything or set(wanted) - set(_DOC_COLUMNS) - {"score"}:
            columns.append(TABLE.c.doc)
        source: Any = TABLE
        lexeme = terms.sole_lexeme(main) if rank_query else None
        if lexeme is not None and _score_first(kwargs.get("sort")):
            # one word by relevance: its stored scores, read best first (search.terms)
            source, score = terms.scored(lexeme)
        columns.append(score.label("score"))
        documents = (
            sa.select(*columns)
            .select_from(source)
            .where(where)
            .order_by(*self._order_by(kwargs.get("sort"), score, bool(rank_query)))
            .limit(rows)
            .offset(start)
        )
        requests = params.facet_requests(kwargs)
        summary, summary_params = facets.summary_parts(requests, where)
        return SearchPlan(
            documents=documents if rows else None,
            summary=summary,
            facet_fields=[r.field for r in requests],
            wanted=wanted,
            everything=everything,
            start=start,
            summary_params=summary_params,
        )

    def _translate(self, text: str, mm: str | None = None, or_default: bool = False) -> Translation:
        """``text`` translated, or its translation kept from an earlier search."""
        def translated() -> Translation:
            return self.translator.translate(text, mm=mm, or_default=or_default)

        if not memo.timeless(text):
            return translated()  # NOW moves: translate again every time
        return _TRANSLATIONS.get((self.geom_field, text, mm, or_default), translated)

    def _filter(self, fq: str) -> list[sa.ColumnElement[bool]]:
        envelope = params.envelope(fq) if self.geom_field else None
        if envelope is not None:
            if envelope.field != self.geom_field:
                raise SearchQueryError(f"Campo espacial desconocido: {envelope.field!r}")
            box = sa.func.ST_MakeEnvelope(
                envelope.minx, envelope.miny, envelope.maxx, envelope.maxy, 4326
            )
            return [sa.func.ST_Intersects(TABLE.c.geom, box)]
        where = self._translate(fq).where
        return [] if where is None else [where]

    def _index_generation(self) -> str | None:
        """The index generation keying the result cache, or None when it is off.

        Off too while this transaction holds uncommitted index writes: it must
        read its own writes, which no cached result (keyed by the committed
        generation) has seen.
        """
        if config.search_cache_ttl() <= 0 or model.Session.info.get(_WRITTEN):
            return None
        return cache.generation()

    def _cached(
        self, statement: Any, generation: str | None, read: Any,
        parameters: dict[str, Any] | None = None,
    ) -> list[Any]:
        """Rows of ``statement``, from Redis while the index generation is unchanged.

        Like Solr's query result cache: keyed by the exact SQL (filters,
        permission labels, sort, page) and the index generation, so a committed
        change is visible at once; the TTL only bounds memory.
        """
        if generation is None:
            return read(statement, parameters)
        cache_key = cache.key(statement, generation, cache.database(), parameters)
        rows = cache.get(cache_key)
        if rows is None:
            rows = read(statement, parameters)
            cache.put(cache_key, rows, config.search_cache_ttl())
        return rows

    def _order_by(
        self, sort: str | None, score: sa.ColumnElement[Any], ranked: bool
    ) -> list[Any]:
        keys = params.sort_keys(sort) or [("score", True), ("metadata_modified", True)]
        order: list[Any] = []
        for field, descending in keys:
            indexed = True
            if field == "score":
                if not ranked:
                    continue  # no free text: every score is equal
                expression: Any = score
                indexed = False
            elif field == "title_string":
                expression = TABLE.c.title_sort
            elif field in fields.COLUMNS and field not in fields.ARRAY_COLUMNS:
                expression = TABLE.c[field]
            elif fields.kind(field) is fields.Kind.TEXT:
                expression = TABLE.c.doc[field].astext
                indexed = False
            else:
                expression = TABLE.c.fields[field].op("->>")(0)
                indexed = False
            if indexed:
                # PostgreSQL's default null order, so a btree scan (forwards or
                # backwards) serves the sort and LIMIT stops early.
                order.append(expression.desc() if descending else expression.asc())
            else:
                # Datasets missing the value go last, as in Solr.
                order.append(
                    expression.desc().nulls_last() if descending else expression.asc().nulls_last()
                )
        order.append(TABLE.c.index_id.asc())
        return order


def _score_first(sort: str | None) -> bool:
    """Whether results are ordered by descending score first (CKAN's default)."""
    keys = params.sort_keys(sort) or [("score", True)]
    return keys[0] == ("score", True)


def flush_pending(*_: Any) -> None:
    """Write buffered documents (also runs before CKAN's session commits)."""
    if not _pending:
        return
    # Last write wins when a batch holds the same document twice.
    rows = list({row["index_id"]: row for row in _pending}.values())
    _pending.clear()
    facets.assign(rows)
    statement = pg_insert(TABLE).values([_row_values(row) for row in rows])
    updated: dict[str, Any] = {
        column.name: statement.excluded[column.name]
        for column in TABLE.columns
        if column.name != "index_id"
    }
    updated["indexed_at"] = sa.func.now()
    statement = statement.on_conflict_do_update(
        index_elements=[TABLE.c.index_id], set_=updated
    )
    model.Session.execute(statement)
    terms.replace([row["index_id"] for row in rows])
    _mark_written()
    _written_since_analyze[0] += len(rows)


def _mark_written() -> None:
    model.Session.info[_WRITTEN] = True


def _commit_outside_dataset_commit() -> None:
    """Commit an index write CKAN asked to commit, when it stands alone.

    Index writes made with a dataset change (package_update's nested
    transaction, package_delete, dataset_purge, a commit in progress) commit or
    roll back with it. One that is all its transaction holds (the CLI's
    ``search-index clear``, a direct ``index_package``) is committed now, as
    Solr's commit would; otherwise removing the session would lose it.
    """
    session = model.Session()  # the scoped session's current Session
    if (
        session.info.get(_COMMITTING)
        or session.info.get(_ORM_CHANGES)
        or session.new or session.dirty or session.deleted
        or session.in_nested_transaction()
    ):
        return  # part of a dataset's transaction: it commits or rolls back with it
    flush_pending()
    session.commit()


def _note_orm_changes(session: Any, *_: Any) -> None:
    if session.new or session.dirty or session.deleted:
        session.info[_ORM_CHANGES] = True


def _commit_started(session: Any) -> None:
    session.info[_COMMITTING] = True


def _commit_ended(session: Any, *_: Any) -> None:
    session.info.pop(_COMMITTING, None)
    session.info.pop(_ORM_CHANGES, None)


def _bump_after_commit(session: Any) -> None:
    if session.info.pop(_WRITTEN, False):
        cache.bump()


def _discard_pending(session: Any, *_: Any) -> None:
    _pending.clear()
    session.info.pop(_WRITTEN, None)
    session.info.pop(_COMMITTING, None)
    session.info.pop(_ORM_CHANGES, None)


def watch_session() -> None:
    """Flush buffered documents with, and drop them on rollback of, CKAN's session."""
    if not sa.event.contains(model.Session, "before_commit", flush_pending):
        # first of all before_commit listeners: CKAN's indexes datasets in its own
        sa.event.listen(model.Session, "before_commit", _commit_started, insert=True)
        sa.event.listen(model.Session, "before_commit", flush_pending)
        sa.event.listen(model.Session, "after_commit", _bump_after_commit)
        sa.event.listen(model.Session, "after_commit", _commit_ended)
        sa.event.listen(model.Session, "after_rollback", _discard_pending)
        sa.event.listen(model.Session, "after_flush", _note_orm_changes)


def _row_values(row: dict[str, Any]) -> dict[str, Any]:
    values = dict(row)
    values["search_vector"] = sa.cast(row["search_vector"], TSVECTOR)
    values["field_vector"] = sa.cast(row["field_vector"], TSVECTOR)
    values["facet_vector"] = sa.func.array_to_tsvector(
        sa.cast([str(n) for n in row["facet_ids"]], sa.ARRAY(sa.Text))
    )
    values["geom"] = (
        sa.func.ST_GeomFromText(row["geom"], 4326) if row["geom"] else None
    )
    return values


def _stored_fields(row: Any, wanted: list[str], everything: bool) -> dict[str, Any]:
    stored: dict[str, Any] = dict(row.get("doc") or {})
    for name in _DOC_COLUMNS:
        if name in row and row[name] is not None:
            stored[name] = row[name]
    stored["score"] = float(row.get("score") or 0.0)
    if everything:
        if "score" not in wanted:
            stored.pop("score")
        return stored
    return {name: stored[name] for name in wanted if name in stored}
