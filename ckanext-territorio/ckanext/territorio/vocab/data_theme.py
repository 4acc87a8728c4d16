"""The EU data themes (authority table) in schemas/vocab/temas_ue.yaml, and each dimension's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import msgspec

from ..datafiles import FileCache, read
from .loader import DIMENSIONS_FILE, default_schemas_dir
from .lookups import framework
from .model import AuthorityCode, Bilingual, Slug, UriBase

DATA_THEMES_FILE = "temas_ue.yaml"


class DataTheme(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One theme of the authority table, as written in the file."""

    code: AuthorityCode = msgspec.field(name="codigo")
    label: Bilingual = msgspec.field(name="etiqueta")


@dataclass(frozen=True, slots=True)
class DataThemeTable:
    """The themes, the authority's URI for each one, and the themes of each dimension."""

    uri_base: str
    themes: tuple[DataTheme, ...]
    by_dimension: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    by_code: Mapping[str, DataTheme] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # frozen dataclass: the index is derived once here, never reassigned
        object.__setattr__(self, "by_code", MappingProxyType({t.code: t for t in self.themes}))

    def uri(self, code: str) -> str:
        """The EU authority URI of a data theme code."""
        return self.uri_base + code

    def of_dimension(self, slug: str) -> tuple[DataTheme, ...]:
        """The EU themes a dimension maps to (none for a dimension the file leaves out)."""
        return tuple(self.by_code[code] for code in self.by_dimension.get(slug, ()))

    def by_uri(self, uri: str) -> DataTheme | None:
        """The data theme a URI names, if it is one of the table's."""
        if not uri.startswith(self.uri_base):
            return None
        return self.by_code.get(uri[len(self.uri_base) :])


class _File(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    uri_base: UriBase
    temas: list[DataTheme]
    por_dimension: dict[Slug, list[AuthorityCode]] = {}


def load_data_themes(schemas_dir: str | Path | None = None) -> DataThemeTable:
    """Read and check temas_ue.yaml; the first problem raises VocabError."""
    root_dir = Path(schemas_dir) if schemas_dir is not None else default_schemas_dir()
    doc = read(root_dir / "vocab" / DATA_THEMES_FILE, _File)
    lines: dict[str, int] = {}
    for i, theme in enumerate(doc.value.temas):
        doc.unique(lines, theme.code, f"código duplicado '{theme.code}'", "temas", i, "codigo")
    mapping = doc.value.por_dimension
    # the framework only when there is a mapping to check against it
    dimensions = {d.slug for d in framework(root_dir).dimensions} if mapping else set()
    for slug, codes in mapping.items():
        at = ("por_dimension", slug)
        doc.check(slug in dimensions, f"'{slug}' no es una dimensión de {DIMENSIONS_FILE}", *at)
        doc.check(codes, "falta el tema (al menos un código)", *at)
        for j, code in enumerate(codes):
            doc.check(code in lines, f"tema desconocido '{code}'", *at, j)
            doc.check(code not in codes[:j], f"tema repetido '{code}'", *at, j)
    return DataThemeTable(
        uri_base=doc.value.uri_base,
        themes=tuple(doc.value.temas),
        by_dimension=MappingProxyType({slug: tuple(codes) for slug, codes in mapping.items()}),
    )


_cache: FileCache[Path, DataThemeTable] = FileCache(
    load_data_themes,
    lambda root: [root / "vocab" / DATA_THEMES_FILE, root / "vocab" / DIMENSIONS_FILE],
)


def data_themes(schemas_dir: str | Path | None = None) -> DataThemeTable:
    """The table loaded from `schemas_dir` (default: the repository's schemas/), reloaded on edit."""
    root = Path(schemas_dir) if schemas_dir is not None else default_schemas_dir()
    return _cache(root.resolve())
