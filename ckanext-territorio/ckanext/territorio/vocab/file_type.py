"""The file formats (EU file-type authority table) in schemas/vocab/formatos.yaml."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from .loader import default_schemas_dir
from .source import read_document

FILE_TYPES_FILE = "formatos.yaml"

CODE = re.compile(r"[A-Z0-9]+(?:_[A-Z0-9]+)*")
URI_BASE = re.compile(r"https?://\S+/")


@dataclass(frozen=True, slots=True)
class FileType:
    code: str
    format: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FileTypeTable:
    """CKAN format names ⇄ the authority's concept URIs."""

    uri_base: str
    file_types: tuple[FileType, ...]
    by_name: Mapping[str, FileType] = field(init=False, repr=False, compare=False)
    by_code: Mapping[str, FileType] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # frozen dataclass: the indexes are derived once here, never reassigned
        names = {
            name.casefold(): file_type
            for file_type in self.file_types
            for name in (file_type.format, *file_type.aliases)
        }
        object.__setattr__(self, "by_name", MappingProxyType(names))
        object.__setattr__(
            self, "by_code", MappingProxyType({t.code: t for t in self.file_types})
        )

    def uri(self, code: str) -> str:
        return self.uri_base + code

    def lookup(self, value: str) -> FileType | None:
        """The entry for a CKAN format name or alias (any case) or the authority's URI."""
        text = value.strip()
        if text.startswith(self.uri_base):
            return self.by_code.get(text[len(self.uri_base):])
        return self.by_name.get(text.casefold())


def load_file_types(schemas_dir: str | Path | None = None) -> FileTypeTable:
    """Read and check formatos.yaml; the first problem raises VocabError."""
    root_dir = Path(schemas_dir) if schemas_dir is not None else default_schemas_dir()
    top = read_document(root_dir / "vocab" / FILE_TYPES_FILE).mapping(["uri_base", "formatos"])
    uri_base = top["uri_base"].code(URI_BASE, "URI base (http(s)://... terminado en /)")
    file_types: list[FileType] = []
    code_lines: dict[str, int] = {}
    name_lines: dict[str, int] = {}
    for item in top["formatos"].sequence():
        fields = item.mapping(["codigo", "formato"], ["alias"])
        code_node = fields["codigo"]
        code = code_node.code(CODE, "código de formato")
        if code in code_lines:
            raise code_node.error(
                f"código duplicado '{code}' (ya definido en la línea {code_lines[code]})"
            )
        code_lines[code] = code_node.line
        name_nodes = [fields["formato"]]
        if "alias" in fields:
            name_nodes += fields["alias"].sequence()
        names = []
        for node in name_nodes:
            name = node.text()
            key = name.casefold()
            if key in name_lines:
                raise node.error(
                    f"formato duplicado '{name}' (ya definido en la línea {name_lines[key]})"
                )
            name_lines[key] = node.line
            names.append(name)
        file_types.append(FileType(code=code, format=names[0], aliases=tuple(names[1:])))
    return FileTypeTable(uri_base=uri_base, file_types=tuple(file_types))


@functools.lru_cache(maxsize=4)
def _load_cached(root: Path) -> FileTypeTable:
    return load_file_types(root)


def file_types(schemas_dir: str | Path | None = None) -> FileTypeTable:
    """The table loaded from `schemas_dir` (default: the repository's schemas/), cached."""
    root = Path(schemas_dir) if schemas_dir is not None else default_schemas_dir()
    return _load_cached(root.resolve())
