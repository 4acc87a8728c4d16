"""Translate Lucene/Solr query syntax (parsed by luqum) into SQL conditions.

Semantics follow CKAN's Solr schema: analysed text fields match on stemmed
lexemes (``search_vector`` for unfielded terms, ``field_vector`` for fielded
ones), every other field is an exact string held in the ``fields`` jsonb (or a
real column for the hot ones), ``*_date`` fields and ``metadata_*`` are dates.
"""
from __future__ import annotations

import dataclasses
import math
import re
from typing import Any, Union

import sqlalchemy as sa
from ckan.lib.search.common import SearchQueryError
from luqum import tree
from luqum.exceptions import ParseError
from luqum.parser import parser
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSQUERY

from . import analysis, datemath, document, fields, localparams
from .fields import Kind

Clause = Union[sa.ColumnElement[bool], None]

_NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")
_ESCAPE_RE = re.compile(r"\\(.)")
_UNSUPPORTED = {
    tree.Fuzzy: "la búsqueda difusa (~)",
    tree.Proximity: "la búsqueda por proximidad (\"...\"~N)",
    tree.Regex: "las expresiones regulares (/.../)",
}


def unescape(text: str) -> str:
    """Drop Lucene's backslash escapes (``a\\:b`` -> ``a:b``)."""
    return _ESCAPE_RE.sub(r"\1", text)


@dataclasses.dataclass
class Translation:
    """The SQL condition of a query and the text it ranks by."""

    where: Clause
    rank_terms: list[str]


@dataclasses.dataclass(frozen=True)
class _Leaf:
    field: str
    value: str
    phrase: bool


def parse(query: str) -> tree.Item:
    """Parse Lucene syntax, or say in Spanish what is wrong with it."""
    try:
        return parser.parse(query)
    except (ParseError, TypeError, ValueError) as error:
        raise SearchQueryError(
            f"Consulta no válida: {query!r} ({error}). "
            "Revise paréntesis, comillas y operadores (AND, OR, NOT)."
        ) from error


_MM_PART = re.compile(r"(?:(\d{1,6})<)?(-?\d{1,6}%?)")


def check_min_should_match(spec: str) -> list[tuple[int | None, str]]:
    """Solr's ``mm`` as (bound, rule) pairs, or a SearchQueryError saying why not."""
    parts = []
    for part in spec.split():
        matched = _MM_PART.fullmatch(part)
        if matched is None or (matched.group(2).endswith("%") and abs(int(matched.group(2)[:-1])) > 100):
            raise SearchQueryError(
                f"Valor de 'mm' no válido: {spec[:80]!r}; use p. ej. 2, -1, 75% o 2<-1 5<80%."
            )
        bound = matched.group(1)
        parts.append((None if bound is None else int(bound), matched.group(2)))
    return parts


def min_should_match(spec: str | None, optional: int) -> int:
    """Solr's ``mm``: how many of ``optional`` clauses must match."""
    if not spec or optional == 0:
        return optional
    chosen = None
    for bound, rule in check_min_should_match(spec):
        if bound is not None:
            if optional > bound:
                chosen = rule
        else:
            chosen = rule if chosen is None else chosen
    if chosen is None:
        return optional
    if chosen.endswith("%"):
        pct = int(chosen[:-1])
        count = math.floor(optional * abs(pct) / 100)
        needed = count if pct >= 0 else optional - count
    else:
        number = int(chosen)
        needed = number if number >= 0 else optional + number
    return max(1, min(optional, needed))


class Translator:
    """Builds SQL conditions on the ``territorio_search_doc`` table."""

    def __init__(self, table: sa.Table, geom_field: str | None = None) -> None:
        self.table = table
        self.geom_field = geom_field

    # -- entry points -------------------------------------------------------

    def translate(
        self,
        query: str,
        default_field: str = "text",
        mm: str | None = None,
        or_default: bool = False,
    ) -> Translation:
        """The condition for ``query``; ``mm`` applies dismax's minimum match."""
        rank_terms: list[str] = []
        where = self._query(query, rank_terms, default_field, mm, or_default)
        return Translation(where, rank_terms)

    def _query(
        self,
        query: str,
        rank_terms: list[str],
        default_field: str = "text",
        mm: str | None = None,
        or_default: bool = False,
    ) -> Clause:
        query = query.strip()
        local = localparams.split(query)
        if local is not None:
            return self._local(local, rank_terms, default_field, mm, or_default)
        if query in ("", "*:*", "*", '""', "''"):
            return None
        node = parse(query)
        state = _State(default_field, rank_terms, or_default=or_default)
        if mm is not None and isinstance(node, tree.UnknownOperation):
            return self._min_match(node, state, mm)
        return self._node(node, state)

    # -- local parameters -------------------------------------------------------

    def _local(
        self,
        local: localparams.LocalParams,
        rank_terms: list[str],
        default_field: str,
        mm: str | None,
        or_default: bool,
    ) -> Clause:
        """Solr's bool, lucene/dismax/edismax, field and term query parsers."""
        for values in local.params.values():
            for value in values:
                if value.startswith("$"):
                    raise SearchQueryError(
                        f"Las referencias a parámetros ({value}) no están admitidas."
                    )
        if local.parser == "bool":
            return self._bool(local, rank_terms, default_field)
        if local.parser in ("lucene", "dismax", "edismax"):
            operator = (local.first("q.op") or ("OR" if or_default else "AND")).upper()
            return self._query(
                local.first("v") or local.body,
                rank_terms,
                default_field=local.first("df") or default_field,
                mm=local.first("mm", mm) if local.parser != "lucene" else None,
                or_default=operator == "OR",
            )
        if local.parser in ("field", "term"):
            field = local.first("f")
            if not field:
                raise SearchQueryError(f"Falta el parámetro f en {{!{local.parser}}}.")
            value = local.first("v") or local.body
            if local.parser == "term":
                return self._exact(_Leaf(field, value, True))
            state = _State(field, rank_terms)
            return self._leaf(_Leaf(field, value, True), state)
        raise SearchQueryError(
            f"El analizador de consultas {{!{local.parser}}} no está disponible en el "
            "buscador PostgreSQL."
        )

    def _bool(
        self, local: localparams.LocalParams, rank_terms: list[str], default_field: str
    ) -> Clause:
        """``{!bool}``: must and filter required, must_not excluded, should optional."""
        def clauses(key: str) -> list[Clause]:
            return [
                self._query(q, rank_terms, default_field) for q in local.params.get(key, [])
            ]

        required = clauses("must") + clauses("filter")
        excluded: list[Clause] = [
            sa.not_(c)
            for c in (self._query(q, [], default_field) for q in local.params.get("must_not", []))
            if c is not None
        ]
        should = clauses("should")
        if not required and should:
            # Lucene: with no required clause, one optional clause must match.
            required = [_combine(sa.or_, should)]
        return _combine(sa.and_, required + excluded)

    # -- tree walk ------------------------------------------------------------

    def _node(self, node: tree.Item, state: _State) -> Clause:
        for unsupported, what in _UNSUPPORTED.items():
            if isinstance(node, unsupported):
                raise SearchQueryError(
                    f"La consulta usa {what}, que este portal no admite."
                )
        if isinstance(node, tree.SearchField):
            return self._node(node.expr, state.with_field(node.name))
        if isinstance(node, (tree.Group, tree.FieldGroup)):
            return self._node(node.expr, state)
        if isinstance(node, tree.Boost):
            return self._node(node.expr, state)
        if isinstance(node, (tree.Plus, tree.Prohibit)) and isinstance(
            node.a, (tree.Plus, tree.Prohibit)
        ):
            # ``--x`` / ``+-x``: a syntax error for Solr's parser, not a double negation
            raise SearchQueryError(
                f"Consulta no válida: operador repetido en {str(node)!r}. "
                "Use un solo + o - delante de cada término."
            )
        if isinstance(node, tree.Plus):
            return self._node(node.a, state)
        if isinstance(node, (tree.Prohibit, tree.Not)):
            inner = self._node(node.a, state.negated())
            return None if inner is None else sa.not_(inner)
        if isinstance(node, tree.OrOperation):
            return _combine(sa.or_, [self._node(c, state) for c in node.children])
        if isinstance(node, (tree.AndOperation, tree.UnknownOperation)):
            return self._boolean_group(node, state)
        if isinstance(node, tree.Range):
            return self._range(state.field, node)
        if isinstance(node, tree.Phrase):
            return self._leaf(_Leaf(state.field, unescape(node.value[1:-1]), True), state)
        if isinstance(node, tree.Word):
            return self._leaf(_Leaf(state.field, unescape(node.value), False), state)
        raise SearchQueryError(f"Elemento de consulta no admitido: {node}")

    def _boolean_group(self, node: tree.BaseOperation, state: _State) -> Clause:
        """AND, and implicit operators (``q.op``, AND unless told otherwise)."""
        children = [self._node(c, state) for c in node.children]
        if isinstance(node, tree.UnknownOperation) and state.or_default:
            required = [
                clause
                for child, clause in zip(node.children, children, strict=False)
                if isinstance(child, (tree.Plus, tree.Prohibit, tree.Not))
            ]
            optional = [
                clause
                for child, clause in zip(node.children, children, strict=False)
                if not isinstance(child, (tree.Plus, tree.Prohibit, tree.Not))
            ]
            # Lucene: with required clauses present, optional ones only score.
            if any(c is not None for c in required):
                return _combine(sa.and_, required)
            return _combine(sa.or_, optional)
        return _combine(sa.and_, children)

    def _min_match(self, node: tree.UnknownOperation, state: _State, mm: str) -> Clause:
        required: list[Clause] = []
        optional: list[sa.ColumnElement[bool]] = []
        for child in node.children:
            clause = self._node(child, state)
            if clause is None:
                continue
            if isinstance(child, (tree.Plus, tree.Prohibit, tree.Not)):
                required.append(clause)
            else:
                optional.append(clause)
        needed = min_should_match(mm, len(optional))
        if optional and needed == len(optional):
            required.extend(optional)
        elif optional and needed == 1:
            required.append(sa.or_(*optional))
        elif optional:
            matched = sum(
                (sa.cast(c, sa.Integer) for c in optional[1:]),
                sa.cast(optional[0], sa.Integer),
            )
            # The OR lets PostgreSQL use the GIN index before counting.
            required.append(sa.and_(sa.or_(*optional), matched >= needed))
        return _combine(sa.and_, required)

    # -- leaves ---------------------------------------------------------------

    def _leaf(self, leaf: _Leaf, state: _State) -> Clause:
        field = leaf.field
        if field == "*" and leaf.value == "*":
            return sa.true()
        if leaf.value == "*" and not leaf.phrase:
            return self._exists(field)
        if field == self.geom_field:
            raise SearchQueryError(
                f"Filtre {field} con ext_bbox o con {{!field f={field}}}Intersects(ENVELOPE(...))."
            )
        if field == "text" or fields.kind(field) is Kind.TEXT:
            return self._text(leaf, state)
        if fields.kind(field) is Kind.DATE:
            moment = datemath.parse(leaf.value)
            return self._date_compare(field, "=", moment)
        return self._exact(leaf)

    def _text(self, leaf: _Leaf, state: _State) -> Clause:
        prefix_match = not leaf.phrase and leaf.value.endswith("*")
        body = leaf.value[:-1] if prefix_match else leaf.value
        if not leaf.phrase and ("*" in body or "?" in body):
            raise SearchQueryError(
                f"Comodín no admitido en texto: {leaf.value!r}; use solo un * final (p. ej. contam*)."
            )
        terms = analysis.tokens(body) if prefix_match else analysis.analyze(body)
        if not terms:
            return None
        weight = fields.EXCLUSIVE_WEIGHTS.get(leaf.field, "")
        unfielded = leaf.field == "text" or bool(weight)
        lexeme_prefix = "" if unfielded else document.field_key(leaf.field) + "."
        rendered = [f"'{lexeme_prefix}{t}'" for t in terms]
        if prefix_match:
            rendered[-1] += ":*"
        if weight:
            # title and notes are the only A and C lexemes of search_vector.
            rendered = [r + weight if r.endswith(":*") else f"{r}:{weight}" for r in rendered]
        tsquery = " <-> ".join(rendered)
        if not state.negative:
            plain = [f"'{t}'" for t in terms]
            if prefix_match:
                plain[-1] += ":*"
            state.rank_terms.append(" <-> ".join(plain))
        vector = self.table.c.search_vector if unfielded else self.table.c.field_vector
        return vector.op("@@")(sa.cast(sa.literal(tsquery), TSQUERY))

    def _exact(self, leaf: _Leaf) -> sa.ColumnElement[bool]:
        field, value = leaf.field, leaf.value
        wildcard = not leaf.phrase and ("*" in value or "?" in value)
        if field in fields.ARRAY_COLUMNS:
            column = self.table.c[field]
            if wildcard:
                return self._any_value_like(sa.func.unnest(column), value)
            return column.contains(sa.cast([value], ARRAY(sa.Text)))
        if field in fields.COLUMNS:
            column = self.table.c[field]
            return column.like(_like_pattern(value)) if wildcard else column == value
        if wildcard:
            return self._any_value_like(self._values(field), value)
        return self.table.c.fields.contains(sa.cast({field: [value]}, JSONB))

    def _exists(self, field: str) -> sa.ColumnElement[bool]:
        if field in fields.COLUMNS and field not in fields.ARRAY_COLUMNS:
            return self.table.c[field].isnot(None)
        if field == self.geom_field:
            return self.table.c.geom.isnot(None)
        if fields.kind(field) is Kind.TEXT or field in fields.NOT_IN_FIELDS:
            return self.table.c.doc.has_key(field)
        return self.table.c.fields.has_key(field)

    def _values(self, field: str) -> Any:
        return sa.func.jsonb_array_elements_text(self.table.c.fields[field])

    def _any_value_like(self, values: Any, pattern: str) -> sa.ColumnElement[bool]:
        value = values.column_valued("value")
        return sa.exists(sa.select(sa.literal(1)).where(value.like(_like_pattern(pattern))))

    # -- ranges and dates -----------------------------------------------------

    def _range(self, field: str, node: tree.Range) -> Clause:
        low = _bound(node.low)
        high = _bound(node.high)
        if field == "text" or fields.kind(field) is Kind.TEXT:
            raise SearchQueryError(f"No se admiten rangos sobre el campo de texto {field!r}.")
        if low is None and high is None:
            return self._exists(field)
        if fields.kind(field) is Kind.DATE:
            conditions = []
            if low is not None:
                conditions.append(
                    self._date_compare(field, ">=" if node.include_low else ">", datemath.parse(low))
                )
            if high is not None:
                conditions.append(
                    self._date_compare(field, "<=" if node.include_high else "<", datemath.parse(high))
                )
            return sa.and_(*conditions)
        numeric = all(b is None or _NUMBER_RE.match(b) for b in (low, high))
        return self._compare_values(
            field, low, high, node.include_low, node.include_high, numeric
        )

    def _compare_values(
        self,
        field: str,
        low: str | None,
        high: str | None,
        include_low: bool,
        include_high: bool,
        numeric: bool,
    ) -> sa.ColumnElement[bool]:
        if field in fields.COLUMNS and field not in fields.ARRAY_COLUMNS:
            value: Any = self.table.c[field]
            conditions = _bounds(value, low, high, include_low, include_high, numeric)
            return sa.and_(*conditions)
        element = self._values(field).column_valued("value")
        conditions = _bounds(element, low, high, include_low, include_high, numeric)
        return sa.exists(sa.select(sa.literal(1)).where(*conditions))

    def _date_compare(self, field: str, op: str, moment: Any) -> sa.ColumnElement[bool]:
        if field in fields.DATE_COLUMNS:
            return self.table.c[field].op(op)(moment)
        element = self._values(field).column_valued("value")
        as_date = sa.case(
            (element.op("~")(r"^\d{4}-\d{2}-\d{2}"), sa.cast(element, sa.DateTime(timezone=True))),
            else_=None,
        )
        return sa.exists(sa.select(sa.literal(1)).where(as_date.op(op)(moment)))


@dataclasses.dataclass(frozen=True)
class _State:
    field: str
    rank_terms: list[str]
    negative: bool = False
    or_default: bool = False

    def with_field(self, field: str) -> _State:
        """The same state, on ``field``."""
        return dataclasses.replace(self, field=field)

    def negated(self) -> _State:
        """The same state, inside a negation (its terms do not rank)."""
        return dataclasses.replace(self, negative=not self.negative)


def _combine(op: Any, clauses: list[Clause]) -> Clause:
    kept = [c for c in clauses if c is not None]
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else op(*kept)


def _bound(node: tree.Item) -> str | None:
    value = node.value if isinstance(node, tree.Term) else str(node)
    if isinstance(node, tree.Phrase):
        value = value[1:-1]
    value = unescape(value)
    return None if value == "*" else value


def _bounds(
    value: Any,
    low: str | None,
    high: str | None,
    include_low: bool,
    include_high: bool,
    numeric: bool,
) -> list[sa.ColumnElement[bool]]:
    if numeric:
        value = sa.case(
            (value.op("~")(_NUMBER_RE.pattern), sa.cast(value, sa.Numeric)), else_=None
        )
    conditions = []
    if low is not None:
        bound: Any = float(low) if numeric else low
        conditions.append(value >= bound if include_low else value > bound)
    if high is not None:
        bound = float(high) if numeric else high
        conditions.append(value <= bound if include_high else value < bound)
    return conditions


def _like_pattern(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%").replace("?", "_")
