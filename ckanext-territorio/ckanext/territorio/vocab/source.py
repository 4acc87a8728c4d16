"""Reading vocabulary YAML files as node trees, so every error can name its file and line."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import yaml

_NULL_TAG = "tag:yaml.org,2002:null"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class VocabError(Exception):
    """A vocabulary file is missing, malformed or inconsistent."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.line is not None:
            where = f"{where}, línea {self.line}"
        return f"{where}: {self.message}"


def display_path(path: Path) -> str:
    """The path relative to the working directory when it lies below it, else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


@dataclass(frozen=True)
class Node:
    """A YAML node plus the file it came from."""

    node: yaml.Node
    path: Path

    @property
    def line(self) -> int:
        return int(self.node.start_mark.line) + 1

    def error(self, message: str) -> VocabError:
        return VocabError(self.path, self.line, message)

    def is_null(self) -> bool:
        return isinstance(self.node, yaml.ScalarNode) and self.node.tag == _NULL_TAG

    def mapping(self, required: Collection[str], optional: Collection[str] = ()) -> dict[str, Node]:
        """The mapping's values by key; rejects duplicate, unknown and missing keys."""
        if not isinstance(self.node, yaml.MappingNode):
            raise self.error("se esperaba un mapeo (clave: valor)")
        allowed = set(required) | set(optional)
        result: dict[str, Node] = {}
        for key_node, value_node in self.node.value:
            key = Node(key_node, self.path)
            if not isinstance(key_node, yaml.ScalarNode):
                raise key.error("las claves deben ser texto")
            name = str(key_node.value)
            if name in result:
                raise key.error(f"clave duplicada '{name}'")
            if name not in allowed:
                raise key.error(
                    f"clave desconocida '{name}' (se admiten: {', '.join(sorted(allowed))})"
                )
            result[name] = Node(value_node, self.path)
        missing = [name for name in required if name not in result]
        if missing:
            raise self.error(f"falta la clave '{missing[0]}'")
        return result

    def sequence(self, *, allow_empty: bool = False) -> list[Node]:
        if not isinstance(self.node, yaml.SequenceNode):
            raise self.error("se esperaba una lista")
        items = [Node(item, self.path) for item in self.node.value]
        if not items and not allow_empty:
            raise self.error("la lista está vacía")
        return items

    def text(self) -> str:
        """A non-empty scalar as written (so "01" keeps its leading zero)."""
        if not isinstance(self.node, yaml.ScalarNode) or self.is_null():
            raise self.error("se esperaba un texto")
        value = str(self.node.value).strip()
        if not value:
            raise self.error("el texto está vacío")
        return value

    def code(self, pattern: re.Pattern[str], what: str) -> str:
        value = self.text()
        if not pattern.fullmatch(value):
            raise self.error(f"{what} inválido '{value}'")
        return value

    def boolean(self) -> bool:
        if not isinstance(self.node, yaml.ScalarNode) or self.node.tag != _BOOL_TAG:
            raise self.error("se esperaba true o false")
        return str(self.node.value).lower() in {"true", "yes", "on"}

    def date(self) -> dt.date:
        value = self.text()
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise self.error(f"fecha inválida '{value}' (formato AAAA-MM-DD)") from None

    def number(self) -> float:
        value = self.text()
        try:
            return float(value)
        except ValueError:
            raise self.error(f"se esperaba un número, no '{value}'") from None

    def integer(self) -> int:
        value = self.text()
        if not value.isdigit():
            raise self.error(f"se esperaba un número entero, no '{value}'")
        return int(value)


def read_document(path: Path) -> Node:
    """The root node of a YAML file; unreadable or malformed files raise VocabError."""
    try:
        content = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise VocabError(path, None, "no se encuentra el archivo") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise VocabError(path, None, f"no se puede leer el archivo ({exc})") from None
    try:
        root = yaml.compose(content, Loader=_SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise VocabError(path, line, f"YAML inválido: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise VocabError(path, None, f"YAML inválido: {exc}") from None
    if root is None:
        raise VocabError(path, None, "el archivo está vacío")
    return Node(root, path)
