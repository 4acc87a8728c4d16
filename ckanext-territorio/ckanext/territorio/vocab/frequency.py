"""The update frequencies (EU frequency authority table) in schemas/vocab/frecuencias.yaml."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import msgspec

from ..datafiles import FileCache, read
from .loader import default_schemas_dir
from .model import AuthorityCode, Bilingual, LocalizedText, Text, UriBase

FREQUENCIES_FILE = "frecuencias.yaml"
# ISO 8601 durations of whole units (PT1H, P1D, P2W, P1M, P1Y, PT33H36M)
DURATION = re.compile(
    r"P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?)?"
)
# calendar units as their mean Gregorian length (400-year cycle)
_DAYS_PER_YEAR = 365.2425


@dataclass(frozen=True, slots=True)
class Frequency:
    """One EU frequency: its code, Spanish and English names and expected period."""

    code: str
    label: LocalizedText
    # expected time between two updates; None for frequencies without a fixed period
    period: dt.timedelta | None = None


@dataclass(frozen=True, slots=True)
class FrequencyTable:
    """The codes, in form order, and the authority's URI for each one."""

    uri_base: str
    frequencies: tuple[Frequency, ...]
    by_code: Mapping[str, Frequency] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # frozen dataclass: the index is derived once here, never reassigned
        object.__setattr__(self, "by_code", MappingProxyType({f.code: f for f in self.frequencies}))

    def uri(self, code: str) -> str:
        """The EU authority URI of a frequency code."""
        return self.uri_base + code

    def code_of(self, value: str) -> str | None:
        """The code for `value` given as a code (any case) or as the authority's URI."""
        text = value.strip()
        if text.startswith(self.uri_base):
            text = text[len(self.uri_base) :]
        text = text.upper()
        return text if text in self.by_code else None


class _Entry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    codigo: AuthorityCode
    etiqueta: Bilingual
    periodo: Text | None = None


class _File(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    uri_base: UriBase
    frecuencias: list[_Entry]


def load_frequencies(schemas_dir: str | Path | None = None) -> FrequencyTable:
    """Read and check frecuencias.yaml; the first problem raises VocabError."""
    root_dir = Path(schemas_dir) if schemas_dir is not None else default_schemas_dir()
    doc = read(root_dir / "vocab" / FREQUENCIES_FILE, _File)
    frequencies: list[Frequency] = []
    lines: dict[str, int] = {}
    for i, entry in enumerate(doc.value.frecuencias):
        doc.unique(
            lines, entry.codigo, f"código duplicado '{entry.codigo}'", "frecuencias", i, "codigo"
        )
        period = parse_duration(entry.periodo) if entry.periodo is not None else None
        if entry.periodo is not None and period is None:
            raise doc.error(
                f"periodo inválido '{entry.periodo}' (duración ISO 8601, p. ej. PT1H, P1D, P1M)",
                "frecuencias",
                i,
                "periodo",
            )
        frequencies.append(Frequency(code=entry.codigo, label=entry.etiqueta, period=period))
    return FrequencyTable(uri_base=doc.value.uri_base, frequencies=tuple(frequencies))


def parse_duration(text: str) -> dt.timedelta | None:
    """An ISO 8601 duration of whole units as a timedelta (months and years at their mean length)."""
    match = DURATION.fullmatch(text.strip())
    if match is None:
        return None
    part = {k: int(v or 0) for k, v in match.groupdict().items()}
    days = (
        part["years"] * _DAYS_PER_YEAR
        + part["months"] * _DAYS_PER_YEAR / 12
        + part["weeks"] * 7
        + part["days"]
    )
    period = dt.timedelta(days=days, hours=part["hours"], minutes=part["minutes"])
    return period if period > dt.timedelta(0) else None


_cache: FileCache[Path, FrequencyTable] = FileCache(
    load_frequencies, lambda root: [root / "vocab" / FREQUENCIES_FILE]
)


def frequencies(schemas_dir: str | Path | None = None) -> FrequencyTable:
    """The table loaded from `schemas_dir` (default: the repository's schemas/), reloaded on edit."""
    root = Path(schemas_dir) if schemas_dir is not None else default_schemas_dir()
    return _cache(root.resolve())


def clear_cache() -> None:
    """Forget loaded tables, so the next call reads the file again."""
    _cache.clear()
