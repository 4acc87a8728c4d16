"""schemas/air_quality.yaml: Chile's air-quality categories per pollutant, as data.

The stations map colours each station's latest reading by these categories (D.S. N° 12/2011
MMA for MP2,5, D.S. N° 59/1998 MINSEGPRES for MP10; the citations live in the file). It sits
beside ``sensor_ranges`` because both describe the policy's sensor variables: every variable
and unit here must exist in the policy's variable vocabulary, and a bad entry stops start-up
with the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any

import msgspec

from ..datafiles import FileCache, read
from ..policy import document
from ..policy.document import Policy
from ..vocab.model import Bilingual, Text

AIR_QUALITY_FILE = "air_quality.yaml"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class Source(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Where a set of levels comes from."""

    citation: Text = msgspec.field(name="cita")
    url: Text


class _Category(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    etiqueta: Bilingual
    color: Text


class _Index(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    unidad: Text
    promedio: Text
    niveles: Annotated[dict[Text, Annotated[int, msgspec.Meta(ge=0)]], msgspec.Meta(min_length=2)]
    fuente: Text


class _AirQualityFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    fuentes: dict[Text, Source]
    categorias: Annotated[dict[Text, _Category], msgspec.Meta(min_length=1)]
    indices: dict[Text, _Index]


@dataclass(frozen=True, slots=True)
class Category:
    """One category of the index: its id, Spanish and English names and colour."""

    id: str
    label: Bilingual
    colour: str


@dataclass(frozen=True, slots=True)
class PollutantIndex:
    """The categories of one variable: (category id, from value inclusive), lowest first."""

    variable: str
    unit: str  # UCUM code
    averaging: str
    levels: tuple[tuple[str, int], ...]
    source: str

    def category(self, value: float) -> str:
        """The category of ``value`` (rounded to a whole number, as the norms write levels)."""
        whole = round(value)
        found = self.levels[0][0]
        for category, start in self.levels:
            if whole >= start:
                found = category
        return found


@dataclass(frozen=True, slots=True)
class AirQuality:
    """Categories and the per-variable levels, checked against the policy's variables."""

    path: Path
    sources: Mapping[str, Source]
    categories: Mapping[str, Category]  # best to worst, in the file's order
    indices: Mapping[str, PollutantIndex]  # by the policy's variable name

    def as_json(self, lang: str, unit_spellings: Mapping[str, str]) -> dict[str, Any]:
        """What the map's script needs: categories in ``lang``, levels, accepted unit spellings."""
        spelled: dict[str, list[str]] = {}
        for written, code in unit_spellings.items():
            spelled.setdefault(code, []).append(written)
        return {
            "categories": [
                {"id": c.id, "label": c.label.en if lang == "en" else c.label.es, "colour": c.colour}
                for c in self.categories.values()
            ],
            "indices": {
                name: {
                    "units": sorted({index.unit, *spelled.get(index.unit, [])}),
                    "averaging": index.averaging,
                    "levels": [[category, start] for category, start in index.levels],
                    "source": self.sources[index.source].citation,
                }
                for name, index in self.indices.items()
            },
        }


def load_air_quality(path: Path, policy: Policy) -> AirQuality:
    """Read and check the file against ``policy``'s variables; the first problem raises."""
    doc = read(path, _AirQualityFile)
    top = doc.value
    order = list(top.categorias)
    categories: dict[str, Category] = {}
    for key, described in top.categorias.items():
        message = f"color '{described.color}' inválido: se espera #rrggbb"
        doc.check(_COLOUR.match(described.color), message, "categorias", key, "color")
        categories[key] = Category(id=key, label=described.etiqueta, colour=described.color)
    by_name = {variable.name: variable for variable in policy.variables}
    indices: dict[str, PollutantIndex] = {}
    for name, entry in top.indices.items():
        at = ("indices", name)
        known = by_name.get(name)
        doc.check(known, f"'{name}' no es una variable del vocabulario de la política", *at)
        assert known is not None
        units = ", ".join(known.units)
        message = f"la unidad '{entry.unidad}' no es de esta variable en la política ({units})"
        doc.check(entry.unidad in known.units, message, *at, "unidad")
        doc.check(entry.fuente in top.fuentes, f"fuente desconocida '{entry.fuente}'", *at, "fuente")
        previous: tuple[int, int] | None = None  # (position in categorias, value)
        for category, start in entry.niveles.items():
            doc.check(category in categories, f"categoría desconocida '{category}'", *at, "niveles", category)
            position = order.index(category)
            if previous is None:
                doc.check(start == 0, "el primer nivel debe empezar en 0", *at, "niveles", category)
            else:
                message = "los niveles deben seguir el orden de «categorias» y crecer"
                doc.check(position > previous[0] and start > previous[1], message, *at, "niveles", category)
            previous = (position, start)
        indices[name] = PollutantIndex(
            variable=name,
            unit=entry.unidad,
            averaging=entry.promedio,
            levels=tuple(entry.niveles.items()),
            source=entry.fuente,
        )
    return AirQuality(
        path=path.resolve(),
        sources=MappingProxyType(dict(top.fuentes)),
        categories=MappingProxyType(categories),
        indices=MappingProxyType(indices),
    )


# keyed by both files: a policy is itself reloaded when its file changes
_cache: FileCache[tuple[Path, Path], AirQuality] = FileCache(
    lambda key: load_air_quality(key[0], document.policy(key[1])), lambda key: key
)


def air_quality(schemas_dir: Path, policy: Policy) -> AirQuality:
    """The file in ``schemas_dir`` checked against ``policy`` (reloaded when either changes)."""
    return _cache(((schemas_dir / AIR_QUALITY_FILE).resolve(), policy.path))


def clear_cache() -> None:
    """Forget loaded files, so the next call reads them again."""
    _cache.clear()
