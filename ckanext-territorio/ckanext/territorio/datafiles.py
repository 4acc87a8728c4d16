"""The data files in schemas/: YAML decoded into msgspec Structs, errors with file and line.

Every scalar is read as the text written in the file ("01" keeps its zero, ``version: 2026.2``
stays "2026.2") and msgspec converts it to the field's type (``strict=False``), so a Struct's
annotations alone say what a file may hold. Any problem, from YAML syntax to a value outside
its ``msgspec.Meta`` constraint, raises :class:`DataFileError` with the file, the line (found
in PyYAML's node tree from msgspec's error path) and a Spanish message. :class:`FileCache` is
the one "reload when the file changes" cache every reader uses. No Flask or CKAN imports.
"""

from __future__ import annotations

import os
import re
import threading
import types
import typing
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import msgspec
import yaml

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
Step = str | int

_NULL_TAG = "tag:yaml.org,2002:null"
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DataFileError(Exception):
    """A data file is missing, malformed or inconsistent: its path, line and a Spanish message."""

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


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document(Generic[T]):
    """A decoded file: its typed ``value``, plus the node tree to point at lines after decoding."""

    path: Path
    root: yaml.Node
    data: Any
    value: T

    def node(self, *steps: Step) -> yaml.Node:
        """The deepest node along ``steps`` (mapping keys or list indexes) that exists."""
        node = self.root
        for step in steps:
            child = _child(node, step)
            if child is None:
                break
            node = child
        return node

    def line(self, *steps: Step) -> int:
        """The 1-based line of the value at ``steps``."""
        return int(self.node(*steps).start_mark.line) + 1

    def key_line(self, *steps: Step) -> int:
        """The 1-based line of the key ``steps[-1]`` in the mapping at ``steps[:-1]``."""
        key = _child(self.node(*steps[:-1]), steps[-1], key=True)
        return int(key.start_mark.line) + 1 if key is not None else self.line(*steps)

    def error(self, message: str, *steps: Step) -> DataFileError:
        """A DataFileError at the line of ``steps``."""
        return DataFileError(self.path, self.line(*steps), message)

    def check(self, ok: object, message: str, *steps: Step) -> None:
        """Raise DataFileError(message) at the line of ``steps`` unless ``ok``."""
        if not ok:
            raise self.error(message, *steps)

    def unique(self, seen: dict[str, int], key: str, message: str, *steps: Step) -> None:
        """Refuse a key already in ``seen`` (at the line of ``steps``), naming the first line."""
        if key in seen:
            raise self.error(f"{message} (ya definido en la línea {seen[key]})", *steps)
        seen[key] = self.line(*steps)

    def convert(self, tp: type[T] | Any, *steps: Step) -> Any:
        """The raw value at ``steps`` converted to ``tp``, errors located inside it."""
        data = self.data
        for step in steps:
            data = data[step] if data is not None else None
        try:
            return msgspec.convert(data, tp, strict=False)
        except msgspec.ValidationError as exc:
            where, message = _explain(data, tp, exc)
            raise self._located(list(steps) + where, message) from None

    def _located(self, steps: list[Step], message: str) -> DataFileError:
        if message.startswith("clave desconocida"):
            return DataFileError(self.path, self.key_line(*steps), message)
        return self.error(message, *steps)


def read(path: Path, tp: type[T]) -> Document[T]:
    """Decode the YAML file at ``path`` into ``tp``; any problem raises DataFileError."""
    try:
        content = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(path, None, "no se encuentra el archivo") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, None, f"no se puede leer el archivo ({exc})") from None
    try:
        root = yaml.compose(content, Loader=_SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise DataFileError(path, line, f"YAML inválido: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise DataFileError(path, None, f"YAML inválido: {exc}") from None
    if root is None:
        raise DataFileError(path, None, "el archivo está vacío")
    document: Document[Any] = Document(path, root, _plain(root, path), None)
    return Document(path, root, document.data, document.convert(tp))


def _plain(node: yaml.Node, path: Path) -> Any:
    """The node as dicts, lists, str and None (scalars as written); duplicate keys refused."""
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _plain(key_node, path)
            if key in result:
                line = key_node.start_mark.line + 1
                raise DataFileError(path, line, f"clave duplicada '{key}'")
            result[key] = _plain(value_node, path)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, path) for item in node.value]
    return None if node.tag == _NULL_TAG else str(node.value)


def _child(node: yaml.Node, step: Step, *, key: bool = False) -> yaml.Node | None:
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        return node.value[step]  # type: ignore[no-any-return]
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if str(key_node.value) == str(step):
                return key_node if key else value_node  # type: ignore[no-any-return]
    return None


# --- msgspec's errors, in Spanish and at their place ------------------------------------------

_AT = re.compile(r"^(?P<message>.*?)(?: - at `(?P<key>key` in `)?(?P<path>\$[^`]*)`)?$", re.S)
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")
_TYPES = {
    "str": "un texto",
    "int": "un número entero",
    "float": "un número",
    "bool": "true o false",
    "array": "una lista",
    "object": "un mapeo (clave: valor)",
    "null": "un valor vacío",
}
_BOUNDS = {">=": "mayor o igual que", "<=": "menor o igual que", ">": "mayor que", "<": "menor que"}


def _explain(
    data: Any, tp: Any, exc: msgspec.ValidationError, field: str = "valor"
) -> tuple[list[Step], str]:
    """Where in ``data`` msgspec's error lies (steps) and what it means, in Spanish."""
    match = _AT.match(str(exc))
    assert match is not None
    raw = match["message"]
    steps: list[Step] = []
    for name, index in _STEP.findall(match["path"] or ""):
        steps.append(name if name else (index if index == "..." else int(index)))
    if "..." in steps:
        # msgspec does not name a dict's key: convert entries one by one to find the culprit
        cut = steps.index("...")
        parent, parent_tp = _walk(data, tp, steps[:cut])
        value_tp = _unwrap(parent_tp)
        key_tp, value_tp = typing.get_args(value_tp) or (Any, Any)
        for key, value in (parent or {}).items():
            try:
                msgspec.convert(value, value_tp, strict=False)
            except msgspec.ValidationError as inner:
                where, message = _explain(value, value_tp, inner, str(key))
                return [*steps[:cut], key, *where], message
        return steps[:cut], raw
    if match["key"]:
        parent, parent_tp = _walk(data, tp, steps)
        key_tp = (typing.get_args(_unwrap(parent_tp)) or (Any,))[0]
        for key in parent or {}:
            try:
                msgspec.convert(key, key_tp, strict=False)
            except msgspec.ValidationError as inner:
                return [*steps, key], _spanish(_AT.match(str(inner))["message"], str(key), key_tp)  # type: ignore[index]
        return steps, raw
    value, value_tp = _walk(data, tp, steps)
    if raw.startswith("Object contains unknown field"):
        name = raw.split("`")[1]
        allowed = ", ".join(sorted(f.encode_name for f in _struct_fields(value_tp)))
        return [*steps, name], f"clave desconocida '{name}' (se admiten: {allowed})"
    field = str(steps[-1]) if steps and isinstance(steps[-1], str) else field
    return steps, _spanish(raw, value, value_tp, field)


def _spanish(raw: str, value: Any, tp: Any, field: str = "valor") -> str:
    """msgspec's message about ``value`` of type ``tp`` in Spanish (our own texts as they are)."""
    shown = (
        f"'{value}'"
        if isinstance(value, str)
        else _TYPES[
            "array" if isinstance(value, list) else "object" if isinstance(value, dict) else "null"
        ]
    )
    hint = _description(tp)
    if m := re.match(r"Object missing required field `(.+)`", raw):
        return f"falta la clave '{m[1]}'"
    if m := re.match(r"Expected `([^`]+)`, got `(\w+)`", raw):
        expected = " o ".join(_TYPES.get(t, t) for t in m[1].split(" | "))
        return f"se esperaba {expected}, no {shown}"
    if m := re.match(r"Expected `(int|float)` (>=|<=|>|<) (\S+)", raw):
        limit = float(m[3])
        bound = "no negativo" if (m[2], limit) == (">=", 0) else f"{_BOUNDS[m[2]]} {limit:g}"
        return f"se esperaba un número {bound}, no {shown}"
    if m := re.match(
        r"Expected `(str|array|object)` of length (>=|<=)? ?(\d+)(?:, got \d+)?$", raw
    ):
        size = {">=": "al menos ", "<=": "a lo más ", None: ""}[m[2]] + m[3]
        if (m[2], m[3]) == (">=", "1"):
            return {"str": "el texto está vacío", "array": f"{field}: la lista está vacía"}.get(
                m[1], f"{field}: el mapeo está vacío"
            )
        if m[1] == "str":
            return f"{field} inválido {shown} ({hint or f'{size} caracteres'})"
        return f"{field}: se esperaba {_TYPES[m[1]]} de {size} elementos" + (
            f" ({hint})" if hint else ""
        )
    if raw.startswith("Expected `str` matching regex"):
        return f"{field} inválido {shown}" + (f" ({hint})" if hint else "")
    if raw.startswith("Invalid enum value"):
        options = ", ".join(str(o) for o in typing.get_args(_unwrap(tp)))
        return f"{field} inválido {shown} (se admiten: {options})"
    if raw.startswith("Invalid RFC3339 encoded date"):
        return f"fecha inválida {shown} (formato AAAA-MM-DD)"
    return raw


def _unwrap(tp: Any) -> Any:
    """``tp`` without Annotated and without ``| None``."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _description(tp: Any) -> str:
    while typing.get_origin(tp) is typing.Annotated:
        for meta in typing.get_args(tp)[1:]:
            if isinstance(meta, msgspec.Meta) and meta.description:
                return meta.description
        tp = typing.get_args(tp)[0]
    inner = _unwrap(tp)
    return _description(inner) if inner is not tp else ""


def _struct_fields(tp: Any) -> Sequence[Any]:
    tp = _unwrap(tp)
    return (
        msgspec.structs.fields(tp)
        if isinstance(tp, type) and issubclass(tp, msgspec.Struct)
        else ()
    )


def _walk(data: Any, tp: Any, steps: Iterable[Step]) -> tuple[Any, Any]:
    """The raw value and the declared type at ``steps``."""
    for step in steps:
        fields = {f.encode_name: f.type for f in _struct_fields(tp)}
        inner = _unwrap(tp)
        if fields:
            tp = fields.get(str(step), Any)
        elif typing.get_origin(inner) in (list, tuple, Sequence):
            tp = typing.get_args(inner)[0] if isinstance(step, int) else Any
        elif typing.get_origin(inner) is dict:
            tp = typing.get_args(inner)[1]
        else:
            tp = Any
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            data = None
    return data, tp


# --- the reload-on-change cache ---------------------------------------------------------------


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


class FileCache(Generic[K, T]):
    """Values built from files, rebuilt when one of their files changes (mtime or size).

    ``build(key)`` makes the value and ``files(key)`` names the files it reads; a value is
    reused while every file keeps its modification time and size. Thread-safe: one build
    at a time per cache, so concurrent first requests read the files once.
    """

    def __init__(
        self, build: Callable[[K], T], files: Callable[[K], Iterable[Path]], maxsize: int = 8
    ) -> None:
        self._build = build
        self._files = files
        self._maxsize = maxsize
        self._entries: dict[K, tuple[tuple[Any, ...], T]] = {}
        self._paths: dict[K, tuple[str, ...]] = {}
        self._lock = threading.RLock()

    def __call__(self, key: K) -> T:
        """The value for ``key``, built again only if its files changed since the last build."""
        with self._lock:
            paths = self._paths.get(key)
            if paths is None:
                paths = self._paths[key] = tuple(str(path) for path in self._files(key))
            stamps = tuple(_stamp(path) for path in paths)
            hit = self._entries.get(key)
            if hit is not None and hit[0] == stamps:
                return hit[1]
            value = self._build(key)
            self._entries.pop(key, None)
            if len(self._entries) >= self._maxsize:
                oldest = next(iter(self._entries))
                self._entries.pop(oldest)
                self._paths.pop(oldest, None)
            self._entries[key] = (stamps, value)
            return value

    def clear(self) -> None:
        """Forget every value, so the next call reads the files again."""
        with self._lock:
            self._entries.clear()
