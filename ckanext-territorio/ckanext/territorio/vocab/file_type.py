"""The file formats (EU file-type authority table) in schemas/vocab/formatos.yaml."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import msgspec

from ..datafiles import FileCache, read
from .loader import default_schemas_dir
from .model import AuthorityCode, Text, UriBase

FILE_TYPES_FILE = "formatos.yaml"


@dataclass(frozen=True, slots=True)
class FileType:
    """One EU file type: its authority code, the CKAN format name and its aliases."""

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
        object.__setattr__(self, "by_code", MappingProxyType({t.code: t for t in self.file_types}))

    def uri(self, code: str) -> str:
        """The EU authority URI of a file-type code."""
        return self.uri_base + code

    def lookup(self, value: str) -> FileType | None:
        """The entry for a CKAN format name or alias (any case) or the authority's URI."""
        text = value.strip()
        if text.startswith(self.uri_base):
            return self.by_code.get(text[len(self.uri_base) :])
        return self.by_name.get(text.casefold())


class _Entry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    codigo: AuthorityCode
    formato: Text
    alias: list[Text] = []


class _File(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    uri_base: UriBase
    formatos: list[_Entry]


def load_file_types(schemas_dir: str | Path | None = None) -> FileTypeTable:
    """Read and check formatos.yaml; the first problem raises VocabError."""
    root_dir = Path(schemas_dir) if schemas_dir is not None else default_schemas_dir()
    doc = read(root_dir / "vocab" / FILE_TYPES_FILE, _File)
    file_types: list[FileType] = []
    code_lines: dict[str, int] = {}
    name_lines: dict[str, int] = {}
    for i, entry in enumerate(doc.value.formatos):
        at = ("formatos", i)
        doc.unique(code_lines, entry.codigo, f"código duplicado '{entry.codigo}'", *at, "codigo")
        names = [
            (entry.formato, ("formato",)),
            *((a, ("alias", j)) for j, a in enumerate(entry.alias)),
        ]
        for name, steps in names:
            doc.unique(name_lines, name.casefold(), f"formato duplicado '{name}'", *at, *steps)
        file_types.append(FileType(entry.codigo, entry.formato, tuple(entry.alias)))
    return FileTypeTable(uri_base=doc.value.uri_base, file_types=tuple(file_types))


_cache: FileCache[Path, FileTypeTable] = FileCache(
    load_file_types, lambda root: [root / "vocab" / FILE_TYPES_FILE]
)


def file_types(schemas_dir: str | Path | None = None) -> FileTypeTable:
    """The table loaded from `schemas_dir` (default: the repository's schemas/), reloaded on edit."""
    root = Path(schemas_dir) if schemas_dir is not None else default_schemas_dir()
    return _cache(root.resolve())
