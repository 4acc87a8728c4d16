"""schemas/policy.yaml: the data-use policy as data, checked on load (file and line on error)."""
from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from ..vocab.loader import default_schemas_dir
from ..vocab.model import LocalizedText
from ..vocab.source import Node, VocabError, read_document

POLICY_FILE = "policy.yaml"

Level = Literal["error", "warning", "off"]
LEVELS: tuple[Level, ...] = ("error", "warning", "off")

PolicyError = VocabError

_RULE_ID = re.compile(r"[a-z]+(?:\.[a-z_]+)+")
_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-_]*")


# --- parameter readers: each turns a YAML node into a typed value or raises with its line ----


def _texts(node: Node) -> tuple[str, ...]:
    return tuple(item.text() for item in node.sequence(allow_empty=True))


def _text_map(node: Node) -> Mapping[str, str]:
    if node.is_null():
        return MappingProxyType({})
    keys = [str(k.value) for k, _ in getattr(node.node, "value", [])]
    fields = node.mapping(keys)
    return MappingProxyType({key: value.text() for key, value in fields.items()})


def _optional_text(node: Node) -> str:
    return "" if node.is_null() else node.text()


def _date(node: Node) -> dt.date:
    return node.date()


Reader = Callable[[Node], Any]


@dataclass(frozen=True)
class RuleSpec:
    """What the engine expects of one rule: its parameters (with readers) and message keys."""

    params: Mapping[str, Reader]
    messages: tuple[str, ...]
    optional: Mapping[str, Any] = field(default_factory=dict)


_TYPES = {"tipos": (lambda n: _texts(n))}
_DATASET_ONLY = {"tipos": ("dataset",)}

# Every rule the engine knows: the file must define each one exactly once.
SPECS: dict[str, RuleSpec] = {
    "metadata.required": RuleSpec(
        {"dataset": _texts, "iniciativa": _texts}, ("missing",)
    ),
    "metadata.license": RuleSpec(
        {"abiertas": _text_map, "por_defecto": _optional_text, **_TYPES},
        ("not_open",),
        _DATASET_ONLY,
    ),
    "metadata.access_rights": RuleSpec(
        {
            "valores": _text_map,
            "por_defecto": _text_map,
            "publico": _texts,
            "personales": _texts,
            **_TYPES,
        },
        ("unknown", "public", "personal"),
        _DATASET_ONLY,
    ),
    "metadata.contact_email": RuleSpec(
        {"campo": Node.text, **_TYPES}, ("missing", "invalid"), _DATASET_ONLY
    ),
    "metadata.temporal": RuleSpec(
        {
            "inicio": Node.text,
            "fin": Node.text,
            "desde": _date,
            "dias_futuro": Node.integer,
            **_TYPES,
        },
        ("end_without_start", "reversed", "too_early", "too_late", "invalid"),
        _DATASET_ONLY,
    ),
    "metadata.frequency": RuleSpec({"campo": Node.text, **_TYPES}, ("missing",), _DATASET_ONLY),
    "formats.open_format": RuleSpec(
        {"abiertos": _texts, **_TYPES}, ("closed_only",), _DATASET_ONLY
    ),
    "personal.declared": RuleSpec({**_TYPES}, ("public",), _DATASET_ONLY),
    "publication.findings": RuleSpec(
        {
            "aceptables": _texts,
            "si_ya_es_publico": Node.text,
            "retener_cosechados": Node.boolean,
            **_TYPES,
        },
        ("blocked",),
        _DATASET_ONLY,
    ),
    "content.fetch": RuleSpec({"formatos_tabulares": _texts}, ("unreadable",)),
    "tabular.encoding": RuleSpec({}, ("invalid",)),
    "tabular.header": RuleSpec({}, ("missing", "blank", "duplicate", "empty")),
    "tabular.columns": RuleSpec({}, ("ragged",)),
    "tabular.types": RuleSpec({"filas": Node.integer, "muestra": Node.integer}, ("type",)),
    "tabular.table_schema": RuleSpec({"filas": Node.integer}, ("invalid_schema", "violation")),
    "sensor.timestamp": RuleSpec({"columnas": _texts}, ("invalid",)),
    "sensor.coordinates": RuleSpec(
        {
            "latitud": _texts,
            "longitud": _texts,
            "oeste": Node.number,
            "este": Node.number,
            "sur": Node.number,
            "norte": Node.number,
        },
        ("outside", "invalid"),
    ),
    "sensor.variables": RuleSpec({"auxiliares": _texts}, ("unknown", "resource")),
    "sensor.units": RuleSpec({}, ("missing", "invalid")),
    "personal.rut": RuleSpec(
        {"proporcion_columna": Node.number, "columnas": _texts}, ("found",)
    ),
    "personal.email": RuleSpec({}, ("found",)),
    "personal.phone": RuleSpec(
        {"proporcion_columna": Node.number, "columnas": _texts}, ("found",)
    ),
    "personal.column_names": RuleSpec({"nombres": _texts}, ("found",)),
    "dcat.shacl": RuleSpec({"formas": Node.text, "ignorar": _texts}, ("violation",)),
}


class _Defaults(dict[str, Any]):
    """format_map values: a placeholder a message names but the caller lacks renders empty."""

    def __missing__(self, key: str) -> str:
        return ""


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    title: LocalizedText
    messages: Mapping[str, LocalizedText]
    params: Mapping[str, Any]
    line: int

    @property
    def enabled(self) -> bool:
        return self.level != "off"

    def applies_to(self, dataset_type: str | None) -> bool:
        types = self.params.get("tipos")
        return types is None or (dataset_type or "dataset") in types

    def message(self, key: str, lang: str = "es", **values: Any) -> str:
        template = self.messages[key].get(lang)
        try:
            return template.format_map(_Defaults(values))
        except (ValueError, IndexError, AttributeError):
            # a malformed placeholder is the file's fault; show the text rather than fail
            return template


@dataclass(frozen=True)
class Variable:
    """A time-series variable (FIWARE Smart Data Models name) and its UCUM units."""

    name: str
    label: LocalizedText
    units: tuple[str, ...]
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Policy:
    version: str
    path: Path
    rules: Mapping[str, Rule]
    variables: tuple[Variable, ...]
    variable_by_name: Mapping[str, Variable] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # frozen dataclass: the lookup (names and aliases, case-insensitive) is derived once
        index: dict[str, Variable] = {}
        for variable in self.variables:
            for name in (variable.name, *variable.aliases):
                index[name.lower()] = variable
        object.__setattr__(self, "variable_by_name", MappingProxyType(index))

    def rule(self, rule_id: str) -> Rule:
        return self.rules[rule_id]

    def level(self, rule_id: str) -> Level:
        return self.rules[rule_id].level

    def variable(self, name: str) -> Variable | None:
        return self.variable_by_name.get(name.strip().lower())

    def resolve(self, relative: str) -> Path:
        """A path named in the policy file, relative to the file's folder."""
        return (self.path.parent / relative).resolve()


def _localized(node: Node) -> LocalizedText:
    fields = node.mapping(["es", "en"])
    return LocalizedText(es=fields["es"].text(), en=fields["en"].text())


def _rule(item: Node) -> Rule:
    fields = item.mapping(["id", "nivel", "titulo", "mensajes"], ["parametros"])
    id_node = fields["id"]
    rule_id = id_node.code(_RULE_ID, "identificador de regla")
    spec = SPECS.get(rule_id)
    if spec is None:
        raise id_node.error(
            f"regla desconocida '{rule_id}' (se admiten: {', '.join(sorted(SPECS))})"
        )
    level_node = fields["nivel"]
    level = level_node.text()
    if level not in LEVELS:
        raise level_node.error(f"nivel '{level}' inválido (se admiten: {', '.join(LEVELS)})")
    messages_node = fields["mensajes"]
    message_fields = messages_node.mapping(spec.messages)
    params: dict[str, Any] = dict(spec.optional)
    params_node = fields.get("parametros")
    if spec.params:
        if params_node is None:
            raise item.error(f"la regla '{rule_id}' necesita 'parametros'")
        optional = set(spec.optional)
        required = [name for name in spec.params if name not in optional]
        given = params_node.mapping(required, optional)
        for name, node in given.items():
            params[name] = spec.params[name](node)
    elif params_node is not None and not params_node.is_null():
        params_node.mapping([])
    return Rule(
        id=rule_id,
        level=level,  # type: ignore[arg-type]
        title=_localized(fields["titulo"]),
        messages=MappingProxyType(
            {key: _localized(node) for key, node in message_fields.items()}
        ),
        params=MappingProxyType(params),
        line=item.line,
    )


def _check_rule(rule: Rule, node: Node) -> None:
    """Cross-checks inside one rule's parameters."""
    if rule.id == "metadata.license":
        default = rule.params["por_defecto"]
        if default and default not in rule.params["abiertas"]:
            raise node.error(f"la licencia por defecto '{default}' no está entre las abiertas")
    elif rule.id == "metadata.access_rights":
        values = rule.params["valores"]
        for key in ("publico", "personales"):
            unknown = [v for v in rule.params[key] if v not in values]
            if unknown:
                raise node.error(f"'{key}' nombra derechos de acceso desconocidos: {unknown}")
        unknown = [v for v in rule.params["por_defecto"].values() if v not in values]
        if unknown:
            raise node.error(f"'por_defecto' nombra derechos de acceso desconocidos: {unknown}")
    elif rule.id == "publication.findings":
        action = rule.params["si_ya_es_publico"]
        if action not in ("make_private", "report"):
            raise node.error(
                f"'si_ya_es_publico' inválido '{action}' (se admiten: make_private, report)"
            )
        unknown = [r for r in rule.params["aceptables"] if r not in SPECS]
        if unknown:
            raise node.error(f"'aceptables' nombra reglas desconocidas: {unknown}")
    elif rule.id in ("personal.rut", "personal.phone"):
        share = rule.params["proporcion_columna"]
        if not 0 < share <= 1:
            raise node.error("'proporcion_columna' debe estar entre 0 y 1")


def _variables(node: Node) -> tuple[Variable, ...]:
    variables: list[Variable] = []
    seen: dict[str, int] = {}
    for item in node.sequence():
        fields = item.mapping(["nombre", "etiqueta", "unidades"], ["alias"])
        name_node = fields["nombre"]
        name = name_node.text()
        aliases_node = fields.get("alias")
        aliases = _texts(aliases_node) if aliases_node is not None else ()
        for value in (name, *aliases):
            key = value.lower()
            if key in seen:
                raise name_node.error(
                    f"variable o alias duplicado '{value}' (ya definido en la línea {seen[key]})"
                )
            seen[key] = name_node.line
        units = _texts(fields["unidades"])
        if not units:
            raise fields["unidades"].error("la variable necesita al menos una unidad")
        variables.append(
            Variable(name=name, label=_localized(fields["etiqueta"]), units=units, aliases=aliases)
        )
    return tuple(variables)


def load_policy(path: str | Path | None = None) -> Policy:
    """Read and check the policy file; the first problem raises PolicyError (file, line)."""
    policy_path = Path(path) if path is not None else default_schemas_dir() / POLICY_FILE
    root = read_document(policy_path)
    top = root.mapping(["version", "reglas", "variables"])
    version = top["version"].code(_VERSION, "versión")
    rules: dict[str, Rule] = {}
    for item in top["reglas"].sequence():
        rule = _rule(item)
        if rule.id in rules:
            raise item.error(
                f"regla duplicada '{rule.id}' (ya definida en la línea {rules[rule.id].line})"
            )
        _check_rule(rule, item)
        rules[rule.id] = rule
    missing = [rule_id for rule_id in SPECS if rule_id not in rules]
    if missing:
        raise top["reglas"].error(f"falta la regla '{missing[0]}'")
    return Policy(
        version=version,
        path=policy_path.resolve(),
        rules=MappingProxyType(rules),
        variables=_variables(top["variables"]),
    )


@functools.lru_cache(maxsize=8)
def _load_cached(path: Path, mtime_ns: int) -> Policy:
    return load_policy(path)


def policy(path: str | Path | None = None) -> Policy:
    """The policy in `path` (default: the repository's schemas/policy.yaml), cached per edit."""
    policy_path = (Path(path) if path is not None else default_schemas_dir() / POLICY_FILE)
    policy_path = policy_path.resolve()
    try:
        mtime = policy_path.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return _load_cached(policy_path, mtime)


def clear_cache() -> None:
    _load_cached.cache_clear()
