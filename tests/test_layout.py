"""The floor plan holds: no import circles (lazy imports included), small modules, engines that
know nothing of the layers above them, and a search engine that needs nothing else of ours."""
from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import ckanext.territorio
import ckanext.territorio_harvesters

PACKAGE_DIR = Path(ckanext.territorio.__file__).resolve().parent
PACKAGE = "ckanext.territorio"
HARVESTERS_DIR = Path(ckanext.territorio_harvesters.__file__).resolve().parent
HARVESTERS = "ckanext.territorio_harvesters"
# what the harvesters package may use of the extension: its documented public pieces
PUBLIC = (
    "current", "config", "net", "vocab", "periodic", "interfaces", "model.station_claim", "model.source_secret",
    "model.stream_dead_letter", "model.notify_secret", "timeseries.layout",
)
MAX_LINES = 500
# layers above the engines: the engines must never import them
UPPER = ("logic", "views", "presentation", "implementations", "plugin", "cli")
ENGINES = ("search", "vocab", "policy", "quality", "net", "coverage", "dcat", "timeseries", "citizen")
# the engines' CKAN services, stores and jobs may use CKAN; the pure parts may not use Flask
SEARCH = "search"


def module_files(root: Path, package: str) -> Iterator[tuple[str, Path]]:
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in ("migration", "schemas"):
            continue
        parts = list(relative.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join([package, *parts]), path


MODULES = dict(module_files(PACKAGE_DIR, PACKAGE)) | dict(module_files(HARVESTERS_DIR, HARVESTERS))


def imports_of(name: str, path: Path) -> set[str]:
    """Every module of the package that ``name`` imports, at the top or inside functions."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    tree = ast.parse(path.read_text())
    # imports for type checkers only never run: they cannot close a circle
    typing_only = {
        id(inner)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for statement in block.body
        for inner in ast.walk(statement)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in MODULES)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                if sub in MODULES:
                    found.add(sub)
                elif module in MODULES:
                    found.add(module)
    found.discard(name)
    return found


GRAPH = {name: imports_of(name, path) for name, path in MODULES.items()}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components of more than one module: each is an import circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in graph:
        if node not in index:
            visit(node)
    return circles


def area(name: str) -> str:
    if name == HARVESTERS or name.startswith(HARVESTERS + "."):
        return HARVESTERS
    return name.removeprefix(PACKAGE + ".").split(".")[0]


def test_there_are_no_import_circles():
    assert strongly_connected(GRAPH) == []


def test_the_circle_finder_finds_a_circle():
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_is_over_five_hundred_lines():
    long = {name: n for name, path in MODULES.items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}


@pytest.mark.parametrize("engine", ENGINES)
def test_engines_do_not_import_the_layers_above_them(engine: str):
    upward = {
        (name, target)
        for name, targets in GRAPH.items()
        if area(name) == engine
        for target in targets
        if area(target) in UPPER
    }
    assert upward == set()


def test_the_search_engine_imports_nothing_else_of_ours():
    outside = {
        (name, target)
        for name, targets in GRAPH.items()
        if area(name) == SEARCH
        for target in targets
        if area(target) != SEARCH
    }
    assert outside == set()


def test_engines_import_without_a_ckan_app_or_request():
    engines = sorted(name for name in MODULES if area(name) in ENGINES)
    script = (
        "import importlib, sys\n"
        f"for name in {engines!r}:\n"
        "    importlib.import_module(name)\n"
        "import flask\n"
        "assert not flask.has_app_context() and not flask.has_request_context()\n"
        "print(len(sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr


def test_the_extension_imports_nothing_of_its_harvesters():
    backwards = {
        (name, target)
        for name, targets in GRAPH.items()
        if area(name) != HARVESTERS
        for target in targets
        if area(target) == HARVESTERS
    }
    assert backwards == set()


def test_the_harvesters_use_only_the_extensions_public_pieces():
    private = {
        (name, target)
        for name, targets in GRAPH.items()
        if area(name) == HARVESTERS
        for target in targets
        if area(target) != HARVESTERS
        and not any(
            target.removeprefix(PACKAGE + ".") == piece
            or target.removeprefix(PACKAGE + ".").startswith(piece + ".")
            for piece in PUBLIC
        )
        and target != PACKAGE
    }
    assert private == set()


def undocumented(path: Path) -> list[str]:
    """The module, public functions, classes and methods of a file that lack a docstring."""
    tree = ast.parse(path.read_text())
    missing = [] if ast.get_docstring(tree) or not tree.body else ["(module)"]
    definitions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    for node in tree.body:
        if isinstance(node, definitions) and not node.name.startswith("_"):
            if not ast.get_docstring(node):
                missing.append(node.name)
            if isinstance(node, ast.ClassDef):
                missing += [
                    f"{node.name}.{sub.name}"
                    for sub in node.body
                    if isinstance(sub, definitions[:2])
                    and not sub.name.startswith("_")
                    and not ast.get_docstring(sub)
                ]
    return missing


def test_every_module_and_public_function_has_a_docstring():
    missing = {name: gaps for name, path in MODULES.items() if (gaps := undocumented(path))}
    assert missing == {}


def test_test_modules_have_unique_basenames():
    """pytest imports test modules by basename (no packages): two alike break collection."""
    seen: dict[str, Path] = {}
    clashes = []
    for path in sorted((Path(__file__).resolve().parent).rglob("test_*.py")):
        if path.name in seen:
            clashes.append(f"{seen[path.name]} / {path}")
        seen.setdefault(path.name, path)
    assert not clashes, clashes
