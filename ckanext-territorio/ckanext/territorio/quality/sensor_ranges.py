"""schemas/sensor_ranges.yaml: plausible values of the policy's sensor variables, as data.

Every variable and unit in the file must exist in the policy's variable vocabulary
(``policy.yaml``, section ``variables``), so the two cannot drift apart: a bad entry stops
start-up with the file and line, like the other files in ``schemas/``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ..policy.document import Policy
from ..vocab.source import Node, VocabError, read_document

RANGES_FILE = "sensor_ranges.yaml"
ANY_VALUE = "cualquiera"


@dataclass(frozen=True, slots=True)
class Source:
    citation: str
    url: str


@dataclass(frozen=True, slots=True)
class VariableRanges:
    """What a variable's readings may hold: bounds per UCUM unit, sign, values that may repeat."""

    name: str
    bounds: Mapping[str, tuple[float, float | None]]  # UCUM code -> (minimum, maximum or None)
    negatives: bool
    any_repeat: bool  # any value may stay constant for hours (a fill level)
    repeatable: tuple[float, ...]  # values that may stay constant (0 mm of rain)
    source: str


@dataclass(frozen=True, slots=True)
class SensorRanges:
    path: Path
    sources: Mapping[str, Source]
    notations: Mapping[str, str]  # printed unit ("µg/m³") -> UCUM code ("ug/m3")
    variables: Mapping[str, VariableRanges]  # by the policy's variable name
    fractions: tuple[tuple[str, str], ...]  # (part, total): the part can never exceed the total

    def ucum(self, unit: str) -> str:
        """The UCUM code of a unit as written by a harvester or publisher (itself if unknown)."""
        text = unit.strip()
        return self.notations.get(text, text)


def _bounds(node: Node, units: tuple[str, ...]) -> dict[str, tuple[float, float | None]]:
    import yaml

    if not isinstance(node.node, yaml.MappingNode):
        raise node.error("se esperaba un mapeo {unidad UCUM: [mínimo, máximo]}")
    bounds: dict[str, tuple[float, float | None]] = {}
    for key_node, value_node in node.node.value:
        key = Node(key_node, node.path)
        unit = key.text()
        if unit in bounds:
            raise key.error(f"unidad duplicada '{unit}'")
        if unit not in units:
            raise key.error(
                f"la unidad '{unit}' no es de esta variable en la política ({', '.join(units)})"
            )
        pair = Node(value_node, node.path).sequence()
        if len(pair) != 2:
            raise key.error("el rango es [mínimo, máximo] (máximo ~ para no poner tope)")
        low = pair[0].number()
        high = None if pair[1].is_null() else pair[1].number()
        if high is not None and high < low:
            raise pair[1].error(f"el máximo {high:g} es menor que el mínimo {low:g}")
        bounds[unit] = (low, high)
    if not bounds:
        raise node.error("la variable necesita al menos un rango")
    return bounds


def _repeatable(node: Node | None) -> tuple[bool, tuple[float, ...]]:
    if node is None:
        return False, ()
    import yaml

    if isinstance(node.node, yaml.ScalarNode):
        if node.text() != ANY_VALUE:
            raise node.error(f"se esperaba una lista de valores o '{ANY_VALUE}'")
        return True, ()
    return False, tuple(item.number() for item in node.sequence())


def load_ranges(path: Path, policy: Policy) -> SensorRanges:
    """Read and check the file against ``policy``'s variables; the first problem raises VocabError."""
    import yaml

    top = read_document(path).mapping(["fuentes", "notaciones", "variables"], ["fracciones"])
    sources: dict[str, Source] = {}
    if not isinstance(top["fuentes"].node, yaml.MappingNode):
        raise top["fuentes"].error("se esperaba un mapeo identificador: {cita, url}")
    for key_node, value_node in top["fuentes"].node.value:
        fields = Node(value_node, path).mapping(["cita", "url"])
        sources[str(key_node.value)] = Source(fields["cita"].text(), fields["url"].text())
    policy_units = {unit for variable in policy.variables for unit in variable.units}
    notations: dict[str, str] = {}
    if not isinstance(top["notaciones"].node, yaml.MappingNode):
        raise top["notaciones"].error("se esperaba un mapeo notación: código UCUM")
    for key_node, value_node in top["notaciones"].node.value:
        target = Node(value_node, path)
        code = target.text()
        if code not in policy_units:
            raise target.error(f"'{code}' no es una unidad UCUM del vocabulario de la política")
        notations[Node(key_node, path).text()] = code
    variables: dict[str, VariableRanges] = {}
    if not isinstance(top["variables"].node, yaml.MappingNode):
        raise top["variables"].error("se esperaba un mapeo variable: {rango, fuente}")
    by_name = {variable.name: variable for variable in policy.variables}
    for key_node, value_node in top["variables"].node.value:
        key = Node(key_node, path)
        name = key.text()
        known = by_name.get(name)
        if known is None:
            raise key.error(f"'{name}' no es una variable del vocabulario de la política")
        if name in variables:
            raise key.error(f"variable duplicada '{name}'")
        fields = Node(value_node, path).mapping(
            ["rango", "fuente"], ["admite_negativos", "repeticion_admitida"]
        )
        source = fields["fuente"].text()
        if source not in sources:
            raise fields["fuente"].error(f"fuente desconocida '{source}'")
        negatives = fields["admite_negativos"].boolean() if "admite_negativos" in fields else False
        any_repeat, repeatable = _repeatable(fields.get("repeticion_admitida"))
        variables[name] = VariableRanges(
            name=name,
            bounds=MappingProxyType(_bounds(fields["rango"], known.units)),
            negatives=negatives,
            any_repeat=any_repeat,
            repeatable=repeatable,
            source=source,
        )
    fractions: list[tuple[str, str]] = []
    for item in top["fracciones"].sequence() if "fracciones" in top else ():
        fields = item.mapping(["parte", "total"])
        pair = (fields["parte"].text(), fields["total"].text())
        for node, name in zip((fields["parte"], fields["total"]), pair, strict=True):
            if name not in by_name:
                raise node.error(f"'{name}' no es una variable del vocabulario de la política")
        fractions.append(pair)
    return SensorRanges(
        path=path.resolve(),
        sources=MappingProxyType(sources),
        notations=MappingProxyType(notations),
        variables=MappingProxyType(variables),
        fractions=tuple(fractions),
    )


# keyed by the file's edit and the policy object (policies are cached per edit of their file)
_cache: dict[tuple[Path, int, int], tuple[Policy, SensorRanges]] = {}


def ranges(schemas_dir: Path, policy: Policy) -> SensorRanges:
    """The file in ``schemas_dir`` checked against ``policy`` (reloaded when either changes)."""
    path = (schemas_dir / RANGES_FILE).resolve()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise VocabError(path, None, "no se encuentra el archivo") from None
    key = (path, mtime, id(policy))
    hit = _cache.get(key)
    if hit is None or hit[0] is not policy:
        if len(_cache) > 8:
            _cache.clear()
        hit = _cache[key] = (policy, load_ranges(path, policy))
    return hit[1]


def clear_cache() -> None:
    _cache.clear()
