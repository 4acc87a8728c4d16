"""schemas/harvest.yaml: variable families, variable and unit names, and the catalogue rules.

Loaded and checked once per file version; a bad file raises VocabError naming file and line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import msgspec

from ..datafiles import DataFileError, Document, FileCache, Step, read
from ..vocab import Framework, framework
from ..vocab.frequency import FREQUENCIES_FILE, frequencies
from ..vocab.loader import FILES
from ..vocab.model import LocalizedText, Text

MAPPING_FILE = "harvest.yaml"
Slug = Annotated[
    str, msgspec.Meta(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", description="a-z, 0-9, - y _")
]
Texts = tuple[Text, ...]
_MEMO_SIZE = 4096


def name_key(value: str) -> str:
    """Lower case, no accents, no spaces, dots, commas, dashes or underscores: 'MP 2,5' → 'mp25'."""
    text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[\s.,\-_/()]+", "", text.lower())


@dataclass(frozen=True)
class Family:
    """A family of sensor variables and the dataset it makes (title, framework, tags)."""

    slug: str
    title: LocalizedText
    description: LocalizedText
    dimension: tuple[str, ...]
    subdimension: tuple[str, ...]
    tags: tuple[str, ...]
    frequency: str


@dataclass(frozen=True)
class Variable:
    """A variable as the portal names it, with the spellings and units sources use."""

    name: str
    family: str
    unit: str
    aliases: tuple[str, ...]


class _Family(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    titulo: LocalizedText
    descripcion: LocalizedText
    dimension: Annotated[Texts, msgspec.Meta(min_length=1)]
    frecuencia: Text
    subdimension: Texts = ()
    etiquetas: Texts = ()


class _Variable(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    familia: Text
    unidad: Text
    alias: Texts = ()


class _Rule(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    dimension: Annotated[Texts, msgspec.Meta(min_length=1)]
    palabras: Texts | None = None
    temas: Texts | None = None
    subdimension: Texts = ()


class _MappingFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    familias: dict[Slug, _Family]
    variables: dict[Slug, _Variable]
    unidades: dict[Text, Text]
    reglas: list[_Rule]


@dataclass(frozen=True)
class Rule:
    """A keyword or theme rule: remote words or DCAT themes mapped to the framework."""

    words: tuple[str, ...]
    themes: tuple[str, ...]
    dimension: tuple[str, ...]
    subdimension: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class HarvestMapping:
    """The harvest mapping as loaded: families, variables and rules."""

    families: Mapping[str, Family]
    variables: Mapping[str, Variable]
    units: Mapping[str, str]
    rules: tuple[Rule, ...]
    _by_alias: dict[str, Variable] = field(default_factory=dict, repr=False, compare=False)
    # name as sent → variable (or None): name_key is slow and streams repeat a few names
    _by_name: dict[str, Variable | None] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for variable in self.variables.values():
            for alias in (variable.name, *variable.aliases):
                self._by_alias.setdefault(name_key(alias), variable)

    def variable(self, *names: str | None) -> Variable | None:
        """The first of ``names`` (a remote name, code or description) that is a known variable."""
        memo = self._by_name
        for name in names:
            if name:
                try:
                    found = memo[name]
                except KeyError:
                    if len(memo) >= _MEMO_SIZE:
                        memo.clear()  # bounded: remote names are not trusted to repeat
                    found = memo[name] = self._by_alias.get(name_key(name))
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
    """Read harvest.yaml and check it against the framework and the frequency table."""
    fw = framework(schemas_dir)
    codes = frequencies(schemas_dir).by_code
    doc = read(schemas_dir / MAPPING_FILE, _MappingFile)
    top = doc.value
    families: dict[str, Family] = {}
    for slug, fam in top.familias.items():
        at: tuple[Step, ...] = ("familias", slug)
        dims, subs = _framework_refs(doc, at, fam.dimension, fam.subdimension, fw)
        if fam.frecuencia not in codes:
            raise doc.error(f"frecuencia desconocida '{fam.frecuencia}'", *at, "frecuencia")
        families[slug] = Family(
            slug, fam.titulo, fam.descripcion, dims, subs, fam.etiquetas, fam.frecuencia
        )
    variables: dict[str, Variable] = {}
    seen: dict[str, tuple[str, int]] = {}
    for name, var in top.variables.items():
        if var.familia not in families:
            raise doc.error(f"familia desconocida '{var.familia}'", "variables", name, "familia")
        lines = [doc.key_line("variables", name)]
        lines += [doc.line("variables", name, "alias", j) for j in range(len(var.alias))]
        for line, alias in zip(lines, (name, *var.alias), strict=True):
            owner, first = seen.setdefault(name_key(alias), (name, line))
            if owner != name:
                raise DataFileError(
                    doc.path, line, f"'{alias}' ya es un nombre de '{owner}' (línea {first})"
                )
        variables[name] = Variable(name, var.familia, var.unidad, var.alias)
    rules: list[Rule] = []
    for i, rule in enumerate(top.reglas):
        if rule.palabras is None and rule.temas is None:
            raise doc.error("una regla necesita 'palabras' o 'temas'", "reglas", i)
        dims, subs = _framework_refs(doc, ("reglas", i), rule.dimension, rule.subdimension, fw)
        rules.append(Rule(rule.palabras or (), rule.temas or (), dims, subs, doc.line("reglas", i)))
    units = {**top.unidades, **{k.lower(): v for k, v in top.unidades.items()}}
    return HarvestMapping(families, variables, units, tuple(rules))


def _framework_refs(
    doc: Document[_MappingFile],
    at: tuple[Step, ...],
    dims: tuple[str, ...],
    subs: tuple[str, ...],
    fw: Framework,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The entry's dimensions and sub-dimensions, each checked against the framework."""
    for j, slug in enumerate(dims):
        if slug not in fw.dimension_by_slug:
            raise doc.error(f"dimensión desconocida '{slug}'", *at, "dimension", j)
    for j, slug in enumerate(subs):
        sub = fw.subdimension_by_slug.get(slug)
        if sub is None:
            raise doc.error(f"subdimensión desconocida '{slug}'", *at, "subdimension", j)
        if sub.dimension not in dims and not fw.dimension_by_slug[sub.dimension].cross_cutting:
            raise doc.error(
                f"la subdimensión '{slug}' no es de las dimensiones {', '.join(dims)}",
                *at,
                "subdimension",
                j,
            )
    return dims, subs


def _files(schemas_dir: Path) -> list[Path]:
    """What a mapping is built from: harvest.yaml, the framework and the frequency table."""
    vocab = schemas_dir / "vocab"
    return [schemas_dir / MAPPING_FILE, vocab / FREQUENCIES_FILE, *(vocab / name for name in FILES)]


_cache: FileCache[Path, HarvestMapping] = FileCache(load_mapping, _files)


def mapping(schemas_dir: Path) -> HarvestMapping:
    """The mapping in ``schemas_dir`` (reloaded when one of its files changes)."""
    return _cache(schemas_dir.resolve())
