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
from typing import Annotated, Literal

import msgspec

from ..datafiles import FileCache, read
from ..policy import document
from ..policy.document import Policy
from ..vocab.model import Text

RANGES_FILE = "sensor_ranges.yaml"
ANY_VALUE = "cualquiera"

Bound = Annotated[
    tuple[float, float | None],
    msgspec.Meta(description="[mínimo, máximo], máximo ~ para no poner tope"),
]


class Source(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Where a range comes from."""

    citation: Text = msgspec.field(name="cita")
    url: Text


class _Variable(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    rango: Annotated[dict[Text, Bound], msgspec.Meta(min_length=1)]
    fuente: Text
    admite_negativos: bool = False
    repeticion_admitida: list[float] | Literal["cualquiera"] | None = None


class _Fraction(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    parte: Text
    total: Text


class _RangesFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    fuentes: dict[Text, Source]
    notaciones: dict[Text, Text]
    variables: dict[Text, _Variable]
    fracciones: list[_Fraction] = []


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
    """Plausible value ranges per sensor variable, checked against the policy's variables."""

    path: Path
    sources: Mapping[str, Source]
    notations: Mapping[str, str]  # printed unit ("µg/m³") -> UCUM code ("ug/m3")
    variables: Mapping[str, VariableRanges]  # by the policy's variable name
    fractions: tuple[tuple[str, str], ...]  # (part, total): the part can never exceed the total

    def ucum(self, unit: str) -> str:
        """The UCUM code of a unit as written by a harvester or publisher (itself if unknown)."""
        text = unit.strip()
        return self.notations.get(text, text)


def load_ranges(path: Path, policy: Policy) -> SensorRanges:
    """Read and check the file against ``policy``'s variables; the first problem raises VocabError."""
    doc = read(path, _RangesFile)
    top = doc.value
    policy_units = {unit for variable in policy.variables for unit in variable.units}
    for notation, code in top.notaciones.items():
        message = f"'{code}' no es una unidad UCUM del vocabulario de la política"
        doc.check(code in policy_units, message, "notaciones", notation)
    by_name = {variable.name: variable for variable in policy.variables}
    unknown = "'{}' no es una variable del vocabulario de la política"
    variables: dict[str, VariableRanges] = {}
    for name, entry in top.variables.items():
        at = ("variables", name)
        known = by_name.get(name)
        doc.check(known, unknown.format(name), *at)
        assert known is not None
        for unit, (low, high) in entry.rango.items():
            units = ", ".join(known.units)
            message = f"la unidad '{unit}' no es de esta variable en la política ({units})"
            doc.check(unit in known.units, message, *at, "rango", unit)
            message = (
                f"el máximo {high:g} es menor que el mínimo {low:g}" if high is not None else ""
            )
            doc.check(high is None or high >= low, message, *at, "rango", unit, 1)
        message = f"fuente desconocida '{entry.fuente}'"
        doc.check(entry.fuente in top.fuentes, message, *at, "fuente")
        repeat = entry.repeticion_admitida
        variables[name] = VariableRanges(
            name=name,
            bounds=MappingProxyType(dict(entry.rango)),
            negatives=entry.admite_negativos,
            any_repeat=repeat == ANY_VALUE,
            repeatable=tuple(repeat) if isinstance(repeat, list) else (),
            source=entry.fuente,
        )
    for i, fraction in enumerate(top.fracciones):
        for key in ("parte", "total"):
            value = getattr(fraction, key)
            doc.check(value in by_name, unknown.format(value), "fracciones", i, key)
    return SensorRanges(
        path=path.resolve(),
        sources=MappingProxyType(dict(top.fuentes)),
        notations=MappingProxyType(dict(top.notaciones)),
        variables=MappingProxyType(variables),
        fractions=tuple((f.parte, f.total) for f in top.fracciones),
    )


# keyed by both files: a policy is itself reloaded when its file changes
_cache: FileCache[tuple[Path, Path], SensorRanges] = FileCache(
    lambda key: load_ranges(key[0], document.policy(key[1])), lambda key: key
)


def ranges(schemas_dir: Path, policy: Policy) -> SensorRanges:
    """The file in ``schemas_dir`` checked against ``policy`` (reloaded when either file changes)."""
    return _cache(((schemas_dir / RANGES_FILE).resolve(), policy.path))


def clear_cache() -> None:
    """Forget loaded ranges, so the next call reads the file again."""
    _cache.clear()
