"""schemas/harvest.yaml: variable families, variable and unit names, and the catalogue rules.

Loaded and checked once per file version; a bad file raises VocabError naming file and line.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..vocab import Framework, VocabError, framework
from ..vocab.frequency import frequencies
from ..vocab.model import LocalizedText
from ..vocab.source import Node, read_document

MAPPING_FILE = "harvest.yaml"
SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")


def name_key(value: str) -> str:
    """Lower case, no accents, no spaces, dots, commas, dashes or underscores: 'MP 2,5' → 'mp25'."""
    text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[\s.,\-_/()]+", "", text.lower())


@dataclass(frozen=True)
class Family:
    slug: str
    title: LocalizedText
    description: LocalizedText
    dimension: tuple[str, ...]
    subdimension: tuple[str, ...]
    tags: tuple[str, ...]
    frequency: str


@dataclass(frozen=True)
class Variable:
    name: str
    family: str
    unit: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    words: tuple[str, ...]
    themes: tuple[str, ...]
    dimension: tuple[str, ...]
    subdimension: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class HarvestMapping:
    families: Mapping[str, Family]
    variables: Mapping[str, Variable]
    units: Mapping[str, str]
    rules: tuple[Rule, ...]
    _by_alias: dict[str, Variable] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for variable in self.variables.values():
            for alias in (variable.name, *variable.aliases):
                self._by_alias.setdefault(name_key(alias), variable)

    def variable(self, *names: str | None) -> Variable | None:
        """The first of ``names`` (a remote name, code or description) that is a known variable."""
        for name in names:
            if name:
                found = self._by_alias.get(name_key(name))
                if found is not None:
                    return found
        return None

    def unit(self, value: str | None, default: str = "") -> str:
        """A readable unit for a unit code or spelling ('GQ', 'ug/m3' → 'µg/m³')."""
        if not value:
            return default
        text = value.strip()
        return self.units.get(text) or self.units.get(text.lower()) or text

    def classify(
        self, texts: Iterable[str], themes: Iterable[str] = ()
    ) -> tuple[list[str], list[str]]:
        """Dimensions and sub-dimensions whose rules match any text (tag, title) or theme."""
        keys = {f" {_words(t)} " for t in texts if t}
        theme_keys = {t.strip().rstrip("/").upper() for t in themes if t}
        theme_keys |= {k.rsplit("/", 1)[-1] for k in theme_keys}
        dimensions: list[str] = []
        subdimensions: list[str] = []
        for rule in self.rules:
            hit = any(f" {_words(w)} " in key for w in rule.words for key in keys) or any(
                t.upper() in theme_keys for t in rule.themes
            )
            if hit:
                dimensions += [d for d in rule.dimension if d not in dimensions]
                subdimensions += [s for s in rule.subdimension if s not in subdimensions]
        return dimensions, subdimensions


def _words(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.findall(r"[a-z0-9.]+", plain.lower()))


def load_mapping(schemas_dir: Path) -> HarvestMapping:
    path = schemas_dir / MAPPING_FILE
    fw = framework(schemas_dir)
    codes = frequencies(schemas_dir).by_code
    top = read_document(path).mapping(["familias", "variables", "unidades", "reglas"])
    families: dict[str, Family] = {}
    for key, node in _items(top["familias"]):
        slug = key.code(SLUG, "slug de familia")
        fields = node.mapping(
            ["titulo", "descripcion", "dimension", "frecuencia"], ["subdimension", "etiquetas"]
        )
        dims, subs = _framework_refs(fields, fw)
        frequency = fields["frecuencia"].text()
        if frequency not in codes:
            raise fields["frecuencia"].error(f"frecuencia desconocida '{frequency}'")
        families[slug] = Family(
            slug=slug,
            title=_localized(fields["titulo"]),
            description=_localized(fields["descripcion"]),
            dimension=dims,
            subdimension=subs,
            tags=tuple(n.text() for n in _seq(fields.get("etiquetas"))),
            frequency=frequency,
        )
    variables: dict[str, Variable] = {}
    seen: dict[str, tuple[str, Node]] = {}
    for key, node in _items(top["variables"]):
        name = key.code(SLUG, "nombre de variable")
        fields = node.mapping(["familia", "unidad"], ["alias"])
        family = fields["familia"].text()
        if family not in families:
            raise fields["familia"].error(f"familia desconocida '{family}'")
        aliases = tuple(n.text() for n in _seq(fields.get("alias")))
        for alias_node, alias in zip((key, *_seq(fields.get("alias"))), (name, *aliases), strict=True):
            owner, other = seen.setdefault(name_key(alias), (name, alias_node))
            if owner != name:
                raise alias_node.error(f"'{alias}' ya es un nombre de '{owner}' (línea {other.line})")
        variables[name] = Variable(name, family, fields["unidad"].text(), aliases)
    units = {str(k.node.value): v.text() for k, v in _items(top["unidades"])}
    rules: list[Rule] = []
    for node in top["reglas"].sequence():
        fields = node.mapping(["dimension"], ["palabras", "temas", "subdimension"])
        if "palabras" not in fields and "temas" not in fields:
            raise node.error("una regla necesita 'palabras' o 'temas'")
        dims, subs = _framework_refs(fields, fw)
        rules.append(
            Rule(
                words=tuple(n.text() for n in _seq(fields.get("palabras"))),
                themes=tuple(n.text() for n in _seq(fields.get("temas"))),
                dimension=dims,
                subdimension=subs,
                line=node.line,
            )
        )
    return HarvestMapping(families, variables, {**units, **{k.lower(): v for k, v in units.items()}}, tuple(rules))


def _framework_refs(fields: Mapping[str, Node], fw: Framework) -> tuple[tuple[str, ...], tuple[str, ...]]:
    dims: list[str] = []
    for n in fields["dimension"].sequence():
        slug = n.text()
        if slug not in fw.dimension_by_slug:
            raise n.error(f"dimensión desconocida '{slug}'")
        dims.append(slug)
    subs: list[str] = []
    for n in _seq(fields.get("subdimension")):
        slug = n.text()
        sub = fw.subdimension_by_slug.get(slug)
        if sub is None:
            raise n.error(f"subdimensión desconocida '{slug}'")
        if sub.dimension not in dims and not fw.dimension_by_slug[sub.dimension].cross_cutting:
            raise n.error(f"la subdimensión '{slug}' no es de las dimensiones {', '.join(dims)}")
        subs.append(slug)
    return tuple(dims), tuple(subs)


def _items(node: Node) -> list[tuple[Node, Node]]:
    import yaml

    if not isinstance(node.node, yaml.MappingNode):
        raise node.error("se esperaba un mapeo (clave: valor)")
    items: list[tuple[Node, Node]] = []
    keys: set[str] = set()
    for key_node, value_node in node.node.value:
        key = Node(key_node, node.path)
        text = str(key_node.value)
        if text in keys:
            raise key.error(f"clave duplicada '{text}'")
        keys.add(text)
        items.append((key, Node(value_node, node.path)))
    return items


def _seq(node: Node | None) -> Sequence[Node]:
    return () if node is None else node.sequence()


def _localized(node: Node) -> LocalizedText:
    fields = node.mapping(["es"], ["en"])
    en = fields.get("en")
    return LocalizedText(es=fields["es"].text(), en=en.text() if en is not None else None)


@functools.lru_cache(maxsize=4)
def _cached(path: Path, mtime_ns: int) -> HarvestMapping:
    return load_mapping(path.parent)


def mapping(schemas_dir: Path) -> HarvestMapping:
    """The mapping in ``schemas_dir`` (reloaded when the file changes)."""
    path = schemas_dir / MAPPING_FILE
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise VocabError(path, None, "no se encuentra el archivo") from None
    return _cached(path, mtime)
