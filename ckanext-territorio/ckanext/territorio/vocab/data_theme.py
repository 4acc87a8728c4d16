"""The EU data themes (authority table) in schemas/vocab/temas_ue.yaml."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from .loader import default_schemas_dir
from .model import LocalizedText
from .source import Node, read_document

DATA_THEMES_FILE = "temas_ue.yaml"

CODE = re.compile(r"[A-Z0-9]+(?:_[A-Z0-9]+)*")
URI_BASE = re.compile(r"https?://\S+/")


@dataclass(frozen=True, slots=True)
class DataTheme:
    code: str
    label: LocalizedText


@dataclass(frozen=True, slots=True)
class DataThemeTable:
    """The themes and the authority's URI for each one."""

    uri_base: str
    themes: tuple[DataTheme, ...]
    by_code: Mapping[str, DataTheme] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # frozen dataclass: the index is derived once here, never reassigned
        object.__setattr__(self, "by_code", MappingProxyType({t.code: t for t in self.themes}))

    def uri(self, code: str) -> str:
        return self.uri_base + code

    def by_uri(self, uri: str) -> DataTheme | None:
        if not uri.startswith(self.uri_base):
            return None
        return self.by_code.get(uri[len(self.uri_base):])


def load_data_themes(schemas_dir: str | Path | None = None) -> DataThemeTable:
    """Read and check temas_ue.yaml; the first problem raises VocabError."""
    root_dir = Path(schemas_dir) if schemas_dir is not None else default_schemas_dir()
    top = read_document(root_dir / "vocab" / DATA_THEMES_FILE).mapping(["uri_base", "temas"])
    uri_base = top["uri_base"].code(URI_BASE, "URI base (http(s)://... terminado en /)")
    themes: list[DataTheme] = []
    lines: dict[str, int] = {}
    for item in top["temas"].sequence():
        fields = item.mapping(["codigo", "etiqueta"])
        code_node = fields["codigo"]
        code = code_node.code(CODE, "código de tema")
        if code in lines:
            raise code_node.error(
                f"código duplicado '{code}' (ya definido en la línea {lines[code]})"
            )
        lines[code] = code_node.line
        themes.append(DataTheme(code=code, label=_label(fields["etiqueta"])))
    return DataThemeTable(uri_base=uri_base, themes=tuple(themes))


def _label(node: Node) -> LocalizedText:
    fields = node.mapping(["es", "en"])
    return LocalizedText(es=fields["es"].text(), en=fields["en"].text())


@functools.lru_cache(maxsize=4)
def _load_cached(root: Path) -> DataThemeTable:
    return load_data_themes(root)


def data_themes(schemas_dir: str | Path | None = None) -> DataThemeTable:
    """The table loaded from `schemas_dir` (default: the repository's schemas/), cached."""
    root = Path(schemas_dir) if schemas_dir is not None else default_schemas_dir()
    return _load_cached(root.resolve())
