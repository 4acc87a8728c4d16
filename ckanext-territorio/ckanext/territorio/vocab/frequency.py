"""The update frequencies (EU frequency authority table) in schemas/vocab/frecuencias.yaml."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from .loader import default_schemas_dir
from .model import LocalizedText
from .source import Node, read_document

FREQUENCIES_FILE = "frecuencias.yaml"

CODE = re.compile(r"[A-Z0-9]+(?:_[A-Z0-9]+)*")
URI_BASE = re.compile(r"https?://\S+/")
# ISO 8601 durations of whole units (PT1H, P1D, P2W, P1M, P1Y, PT33H36M)
DURATION = re.compile(
    r"P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?)?"
)
# calendar units as their mean Gregorian length (400-year cycle)
_DAYS_PER_YEAR = 365.2425


@dataclass(frozen=True, slots=True)
class Frequency:
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
        object.__setattr__(
            self, "by_code", MappingProxyType({f.code: f for f in self.frequencies})
        )

    def uri(self, code: str) -> str:
        return self.uri_base + code

    def code_of(self, value: str) -> str | None:
        """The code for `value` given as a code (any case) or as the authority's URI."""
        text = value.strip()
        if text.startswith(self.uri_base):
            text = text[len(self.uri_base):]
        text = text.upper()
        return text if text in self.by_code else None


def load_frequencies(schemas_dir: str | Path | None = None) -> FrequencyTable:
    """Read and check frecuencias.yaml; the first problem raises VocabError."""
    root_dir = Path(schemas_dir) if schemas_dir is not None else default_schemas_dir()
    top = read_document(root_dir / "vocab" / FREQUENCIES_FILE).mapping(
        ["uri_base", "frecuencias"]
    )
    uri_base = top["uri_base"].code(URI_BASE, "URI base (http(s)://... terminado en /)")
    frequencies: list[Frequency] = []
    lines: dict[str, int] = {}
    for item in top["frecuencias"].sequence():
        fields = item.mapping(["codigo", "etiqueta"], ["periodo"])
        code_node = fields["codigo"]
        code = code_node.code(CODE, "código de frecuencia")
        if code in lines:
            raise code_node.error(
                f"código duplicado '{code}' (ya definido en la línea {lines[code]})"
            )
        lines[code] = code_node.line
        period_node = fields.get("periodo")
        period = _period(period_node) if period_node is not None else None
        frequencies.append(Frequency(code=code, label=_label(fields["etiqueta"]), period=period))
    return FrequencyTable(uri_base=uri_base, frequencies=tuple(frequencies))


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


def _period(node: Node) -> dt.timedelta:
    value = node.text()
    period = parse_duration(value)
    if period is None:
        raise node.error(f"periodo inválido '{value}' (duración ISO 8601, p. ej. PT1H, P1D, P1M)")
    return period


def _label(node: Node) -> LocalizedText:
    fields = node.mapping(["es", "en"])
    return LocalizedText(es=fields["es"].text(), en=fields["en"].text())


@functools.lru_cache(maxsize=4)
def _load_cached(root: Path) -> FrequencyTable:
    return load_frequencies(root)


def frequencies(schemas_dir: str | Path | None = None) -> FrequencyTable:
    """The table loaded from `schemas_dir` (default: the repository's schemas/), cached."""
    root = Path(schemas_dir) if schemas_dir is not None else default_schemas_dir()
    return _load_cached(root.resolve())


def clear_cache() -> None:
    _load_cached.cache_clear()
