"""schemas/policy.yaml: the data-use policy as data, checked on load (file and line on error)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal

import msgspec

from ..datafiles import DataFileError, Document, FileCache, read
from ..vocab.loader import default_schemas_dir
from ..vocab.model import Bilingual, LocalizedText, Text

POLICY_FILE = "policy.yaml"

Level = Literal["error", "warning", "off"]
LEVELS: tuple[Level, ...] = ("error", "warning", "off")

PolicyError = DataFileError

RuleId = Annotated[
    str, msgspec.Meta(pattern=r"^[a-z]+(?:\.[a-z_]+)+$", description="p. ej. metadata.license")
]
Version = Annotated[str, msgspec.Meta(pattern=r"^[0-9A-Za-z][0-9A-Za-z.\-_]*$")]
Texts = tuple[Text, ...]
Count = Annotated[int, msgspec.Meta(ge=0)]
Share = Annotated[float, msgspec.Meta(gt=0, le=1, description="entre 0 y 1")]


@dataclass(frozen=True)
class RuleSpec:
    """What the engine expects of one rule: its parameters (with their types) and message keys."""

    params: Mapping[str, Any]
    messages: tuple[str, ...]
    optional: Mapping[str, Any] = field(default_factory=dict)

    def params_type(self, rule_id: str) -> type[msgspec.Struct]:
        """A Struct of the parameters (optional ones with their default), unknown keys refused."""
        fields = [
            (n, t, self.optional[n]) if n in self.optional else (n, t)
            for n, t in self.params.items()
        ]
        fields.sort(key=len)  # required before optional
        return msgspec.defstruct(rule_id, fields, forbid_unknown_fields=True, frozen=True)

    def messages_type(self, rule_id: str) -> type[msgspec.Struct]:
        """A Struct type holding exactly this rule's message keys (each Spanish and English)."""
        return msgspec.defstruct(
            rule_id, [(key, Bilingual) for key in self.messages], forbid_unknown_fields=True
        )


_TYPES = {"tipos": Texts}
_DATASET_ONLY = {"tipos": ("dataset",)}

# Every rule the engine knows: the file must define each one exactly once.
SPECS: dict[str, RuleSpec] = {
    "metadata.required": RuleSpec({"dataset": Texts, "iniciativa": Texts}, ("missing",)),
    "metadata.license": RuleSpec(
        {"abiertas": dict[str, Text], "por_defecto": str | None, **_TYPES},
        ("not_open",),
        _DATASET_ONLY,
    ),
    "metadata.access_rights": RuleSpec(
        {
            "valores": dict[str, Text],
            "por_defecto": dict[str, Text],
            "publico": Texts,
            "personales": Texts,
            **_TYPES,
        },
        ("unknown", "public", "personal"),
        _DATASET_ONLY,
    ),
    "metadata.contact_email": RuleSpec(
        {"campo": Text, **_TYPES}, ("missing", "invalid"), _DATASET_ONLY
    ),
    "metadata.temporal": RuleSpec(
        {"inicio": Text, "fin": Text, "desde": dt.date, "dias_futuro": Count, **_TYPES},
        ("end_without_start", "reversed", "too_early", "too_late", "invalid"),
        _DATASET_ONLY,
    ),
    "metadata.frequency": RuleSpec({"campo": Text, **_TYPES}, ("missing",), _DATASET_ONLY),
    "formats.open_format": RuleSpec({"abiertos": Texts, **_TYPES}, ("closed_only",), _DATASET_ONLY),
    "personal.declared": RuleSpec({**_TYPES}, ("public",), _DATASET_ONLY),
    "publication.findings": RuleSpec(
        {
            "aceptables": Texts,
            "si_ya_es_publico": Literal["make_private", "report"],
            "retener_cosechados": bool,
            **_TYPES,
        },
        ("blocked",),
        _DATASET_ONLY,
    ),
    "content.fetch": RuleSpec({"formatos_tabulares": Texts}, ("unreadable",)),
    "tabular.encoding": RuleSpec({}, ("invalid",)),
    "tabular.header": RuleSpec({}, ("missing", "blank", "duplicate", "empty")),
    "tabular.columns": RuleSpec({}, ("ragged",)),
    "tabular.types": RuleSpec({"filas": Count, "muestra": Count}, ("type",)),
    "tabular.table_schema": RuleSpec({"filas": Count}, ("invalid_schema", "violation")),
    "sensor.timestamp": RuleSpec({"columnas": Texts}, ("invalid",)),
    "sensor.coordinates": RuleSpec(
        {
            "latitud": Texts,
            "longitud": Texts,
            "oeste": float,
            "este": float,
            "sur": float,
            "norte": float,
        },
        ("outside", "invalid"),
    ),
    "sensor.variables": RuleSpec({"auxiliares": Texts}, ("unknown", "resource")),
    "sensor.units": RuleSpec({}, ("missing", "invalid")),
    "personal.rut": RuleSpec({"proporcion_columna": Share, "columnas": Texts}, ("found",)),
    "personal.email": RuleSpec({}, ("found",)),
    "personal.phone": RuleSpec({"proporcion_columna": Share, "columnas": Texts}, ("found",)),
    "personal.column_names": RuleSpec({"nombres": Texts}, ("found",)),
    "dcat.shacl": RuleSpec({"formas": Text, "ignorar": Texts}, ("violation",)),
}


class _Defaults(dict[str, Any]):
    """format_map values: a placeholder a message names but the caller lacks renders empty."""

    def __missing__(self, key: str) -> str:
        return ""


@dataclass(frozen=True)
class Rule:
    """One rule of the policy: its level, texts and checked parameters."""

    id: str
    level: Level
    title: LocalizedText
    messages: Mapping[str, LocalizedText]
    params: Mapping[str, Any]
    line: int

    @property
    def enabled(self) -> bool:
        """Whether the rule runs at all (its level is not ``off``)."""
        return self.level != "off"

    def applies_to(self, dataset_type: str | None) -> bool:
        """Whether the rule applies to this dataset type (its ``tipos``; all types without one)."""
        types = self.params.get("tipos")
        return types is None or (dataset_type or "dataset") in types

    def message(self, key: str, lang: str = "es", **values: Any) -> str:
        """The rule's message ``key`` in ``lang``, with ``values`` filled in."""
        template = self.messages[key].get(lang)
        try:
            return template.format_map(_Defaults(values))
        except (ValueError, IndexError, AttributeError):
            # a malformed placeholder is the file's fault; show the text rather than fail
            return template


class Variable(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A time-series variable (FIWARE Smart Data Models name) and its UCUM units."""

    name: Text = msgspec.field(name="nombre")
    label: Bilingual = msgspec.field(name="etiqueta")
    units: Annotated[Texts, msgspec.Meta(min_length=1)] = msgspec.field(name="unidades")
    aliases: Texts = msgspec.field(default=(), name="alias")


@dataclass(frozen=True)
class Policy:
    """The data-use policy as loaded: its version, rules and the sensor variables."""

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
        """The rule with this id (a KeyError names a rule the policy does not have)."""
        return self.rules[rule_id]

    def level(self, rule_id: str) -> Level:
        """The level a rule runs at (error, warning or off)."""
        return self.rules[rule_id].level

    def variable(self, name: str) -> Variable | None:
        """The sensor variable with this name or alias (any case), if the policy knows it."""
        return self.variable_by_name.get(name.strip().lower())

    def resolve(self, relative: str) -> Path:
        """A path named in the policy file, relative to the file's folder."""
        return (self.path.parent / relative).resolve()


class _RuleEntry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: RuleId
    nivel: Level
    titulo: Bilingual
    mensajes: dict[str, Any]
    parametros: dict[str, Any] | None = None


class _PolicyFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    version: Version
    reglas: Annotated[list[_RuleEntry], msgspec.Meta(min_length=1)]
    variables: Annotated[list[Variable], msgspec.Meta(min_length=1)]


def _rule(doc: Document[_PolicyFile], i: int) -> Rule:
    entry = doc.value.reglas[i]
    spec = SPECS.get(entry.id)
    if spec is None:
        known = ", ".join(sorted(SPECS))
        raise doc.error(f"regla desconocida '{entry.id}' (se admiten: {known})", "reglas", i, "id")
    params_type = spec.params_type(entry.id)
    if entry.parametros is None:
        if len(spec.params) > len(spec.optional):
            raise doc.error(f"la regla '{entry.id}' necesita 'parametros'", "reglas", i)
        given = msgspec.convert({}, params_type)
    else:
        given = doc.convert(params_type, "reglas", i, "parametros")
    messages = doc.convert(spec.messages_type(entry.id), "reglas", i, "mensajes")
    return Rule(
        id=entry.id,
        level=entry.nivel,
        title=entry.titulo,
        messages=MappingProxyType({key: getattr(messages, key) for key in spec.messages}),
        params=MappingProxyType({name: getattr(given, name) for name in spec.params}),
        line=doc.line("reglas", i),
    )


def _check_rule(rule: Rule, doc: Document[_PolicyFile], i: int) -> None:
    """Cross-checks inside one rule's parameters."""
    problem = ""
    if rule.id == "metadata.license":
        default = rule.params["por_defecto"]
        if default and default not in rule.params["abiertas"]:
            problem = f"la licencia por defecto '{default}' no está entre las abiertas"
    elif rule.id == "metadata.access_rights":
        values = rule.params["valores"]
        for key in ("publico", "personales", "por_defecto"):
            named = rule.params[key]
            unknown = [
                v for v in (named.values() if key == "por_defecto" else named) if v not in values
            ]
            if unknown:
                problem = f"'{key}' nombra derechos de acceso desconocidos: {unknown}"
                break
    elif rule.id == "publication.findings":
        unknown = [r for r in rule.params["aceptables"] if r not in SPECS]
        if unknown:
            problem = f"'aceptables' nombra reglas desconocidas: {unknown}"
    if problem:
        raise doc.error(problem, "reglas", i)


def _check_variables(doc: Document[_PolicyFile]) -> None:
    seen: dict[str, int] = {}
    for i, variable in enumerate(doc.value.variables):
        for value in (variable.name, *variable.aliases):
            doc.unique(
                seen,
                value.lower(),
                f"variable o alias duplicado '{value}'",
                "variables",
                i,
                "nombre",
            )


def load_policy(path: str | Path | None = None) -> Policy:
    """Read and check the policy file; the first problem raises PolicyError (file, line)."""
    policy_path = Path(path) if path is not None else default_schemas_dir() / POLICY_FILE
    doc = read(policy_path, _PolicyFile)
    rules: dict[str, Rule] = {}
    for i in range(len(doc.value.reglas)):
        rule = _rule(doc, i)
        if rule.id in rules:
            raise doc.error(
                f"regla duplicada '{rule.id}' (ya definida en la línea {rules[rule.id].line})",
                "reglas",
                i,
            )
        _check_rule(rule, doc, i)
        rules[rule.id] = rule
    missing = [rule_id for rule_id in SPECS if rule_id not in rules]
    if missing:
        raise doc.error(f"falta la regla '{missing[0]}'", "reglas")
    _check_variables(doc)
    return Policy(
        version=doc.value.version,
        path=policy_path.resolve(),
        rules=MappingProxyType(rules),
        variables=tuple(doc.value.variables),
    )


_cache: FileCache[Path, Policy] = FileCache(load_policy, lambda path: [path])


def policy(path: str | Path | None = None) -> Policy:
    """The policy in `path` (default: the repository's schemas/policy.yaml), reloaded on edit."""
    policy_path = Path(path) if path is not None else default_schemas_dir() / POLICY_FILE
    return _cache(policy_path.resolve())


def clear_cache() -> None:
    """Forget loaded policies, so the next policy() call reads the file again."""
    _cache.clear()
