"""Immutable records of the framework (dimensions) and the territories (regions, comunas)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Annotated, Literal

import msgspec

# a non-empty text (YAML scalars come stripped)
Text = Annotated[str, msgspec.Meta(min_length=1)]
# CKAN dataset names are at most 100 characters
MAX_SLUG_LENGTH = 100
Slug = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        max_length=MAX_SLUG_LENGTH,
        description=f"solo a-z, 0-9 y guiones, hasta {MAX_SLUG_LENGTH}",
    ),
]
# an EU authority table's code and the base of its concept URIs
AuthorityCode = Annotated[
    str, msgspec.Meta(pattern=r"^[A-Z0-9]+(?:_[A-Z0-9]+)*$", description="mayúsculas, dígitos y _")
]
UriBase = Annotated[
    str, msgspec.Meta(pattern=r"^https?://\S+/$", description="http(s)://... terminado en /")
]
CutComuna = Annotated[str, msgspec.Meta(pattern=r"^\d{5}$", description="código CUT de 5 dígitos")]


class LocalizedText(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A text in Spanish and, optionally, English (the YAML mapping {es: ..., en: ...})."""

    es: Text
    en: Text | None = None

    def get(self, lang: str = "es") -> str:
        """The text in `lang` ("en", "en_GB" ...), Spanish when there is no translation."""
        if lang.lower().startswith("en") and self.en:
            return self.en
        return self.es


class Bilingual(LocalizedText, frozen=True, forbid_unknown_fields=True):
    """A LocalizedText whose English text is required."""

    en: Text


ProvenanceKind = Literal["plan", "inferida", "sin_base"]


class Provenance(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Where a sub-dimension comes from: the plan's words, an inference from them, or nothing.

    ``quote`` is verbatim text of the plan (its wording of the sub-dimension, or the need,
    initiative or recommendation it was inferred from); ``note`` says what was inferred from
    where, or why a sub-dimension without basis is kept.
    """

    kind: ProvenanceKind = msgspec.field(name="tipo")
    quote: Text | None = msgspec.field(default=None, name="cita")
    note: Text | None = msgspec.field(default=None, name="nota")


class SubdimensionAlias(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A former slug of a sub-dimension and the dimension it was under then."""

    slug: Slug
    dimension: Slug


@dataclass(frozen=True, slots=True)
class Subdimension:
    """A sub-dimension of the framework, under its dimension, with its provenance."""

    slug: str
    label: LocalizedText
    dimension: str
    provenance: Provenance = Provenance("plan")
    aliases: tuple[SubdimensionAlias, ...] = ()


@dataclass(frozen=True, slots=True)
class Dimension:
    """One of the framework's dimensions and its sub-dimensions."""

    slug: str
    label: LocalizedText
    description: LocalizedText
    subdimensions: tuple[Subdimension, ...]
    cross_cutting: bool = False


@dataclass(frozen=True, slots=True)
class Province:
    """A province: its CUT code, name and region."""

    cut: str
    name: str
    region: str


@dataclass(frozen=True, slots=True)
class Region:
    """A region of Chile: ISO, CUT and roman codes, names, capital and provinces."""

    iso: str
    cut: str
    roman: str
    name: str
    official_name: str
    capital: str
    provinces: tuple[Province, ...]


class National(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The whole country, for data without a specific region."""

    code: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$", description="dos letras")] = (
        msgspec.field(name="codigo")
    )
    name: Text = msgspec.field(name="nombre")


class Comuna(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A comuna as written in comunas.yaml (its province and region checked after decoding)."""

    cut: CutComuna
    name: Text = msgspec.field(name="nombre")
    province: Text = msgspec.field(name="provincia")
    region: Text
    aliases: tuple[Text, ...] = msgspec.field(default=(), name="alias")


@dataclass(frozen=True, slots=True)
class CodeChange:
    """A CUT code that went out of use on `effective_from` and the code that replaced it."""

    old: str
    new: str
    effective_from: dt.date
    legal_basis: str


# the four criteria of the plan's assignment table ("Estrategia propuesta para cada territorio")
Criterion = Literal["necesidades", "activos", "focos", "avances"]
CRITERIA: tuple[Criterion, ...] = ("necesidades", "activos", "focos", "avances")


class SharedLead(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The plan names the region as one of possibly several leads ("o una de las encargadas")."""

    quote: Text = msgspec.field(name="cita")


class Assignment(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A region's lead role in a dimension (or some of its sub-dimensions) under the plan.

    ``subdimensions`` narrows the lead to those sub-dimensions; ``emphasis`` names the ones the
    plan stresses inside a whole-dimension lead. ``criteria`` are the table's marks behind it.
    """

    region: Text
    dimension: Text
    rationale: LocalizedText = msgspec.field(name="fundamento")
    criteria: tuple[Criterion, ...] = msgspec.field(name="criterios")
    quote: Text = msgspec.field(name="cita")
    subdimensions: tuple[Text, ...] = msgspec.field(default=(), name="subdimensiones")
    emphasis: tuple[Text, ...] = msgspec.field(default=(), name="enfasis")
    shared: SharedLead | None = msgspec.field(default=None, name="compartida")


class InitiativeStatus(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A stage an initiative can be in (iniciativas.yaml, section estados)."""

    slug: Slug
    label: Bilingual = msgspec.field(name="etiqueta")


class Initiative(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One of the plan's initiatives (its references checked after decoding)."""

    slug: Slug
    title: Text = msgspec.field(name="titulo")
    region: Text
    dimension: Text
    subdimension: Text | None = None
    comuna: CutComuna | None = None
    status: Text | None = msgspec.field(default=None, name="estado")


def name_key(name: str) -> str:
    """Comparison key for place names: no accents, case, hyphens or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = re.sub(r"[-'’`´.]", " ", plain.casefold())
    return " ".join(plain.split())


def _frozen(mapping: dict[str, object]) -> Mapping[str, object]:
    return MappingProxyType(mapping)


@dataclass(frozen=True, slots=True)
class Framework:
    """Everything loaded from schemas/vocab/, with indexes by code and slug."""

    dimensions: tuple[Dimension, ...]
    national: National
    regions: tuple[Region, ...]
    comunas: tuple[Comuna, ...]
    code_changes: tuple[CodeChange, ...]
    assignments: tuple[Assignment, ...]
    initiative_statuses: tuple[InitiativeStatus, ...]
    initiatives: tuple[Initiative, ...]

    dimension_by_slug: Mapping[str, Dimension] = field(init=False, repr=False, compare=False)
    subdimension_by_slug: Mapping[str, Subdimension] = field(init=False, repr=False, compare=False)
    region_by_iso: Mapping[str, Region] = field(init=False, repr=False, compare=False)
    region_by_cut: Mapping[str, Region] = field(init=False, repr=False, compare=False)
    province_by_cut: Mapping[str, Province] = field(init=False, repr=False, compare=False)
    comuna_by_cut: Mapping[str, Comuna] = field(init=False, repr=False, compare=False)
    code_change_by_old: Mapping[str, CodeChange] = field(init=False, repr=False, compare=False)
    comunas_by_name_key: Mapping[str, tuple[Comuna, ...]] = field(
        init=False, repr=False, compare=False
    )
    # a former slug → (the sub-dimension now, the dimension it was under)
    subdimension_alias: Mapping[str, SubdimensionAlias] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        by_name: dict[str, list[Comuna]] = {}
        for comuna in self.comunas:
            for key in {name_key(n) for n in (comuna.name, *comuna.aliases)}:
                by_name.setdefault(key, []).append(comuna)
        indexes: dict[str, dict[str, object]] = {
            "dimension_by_slug": {d.slug: d for d in self.dimensions},
            # former slugs too, so stored datasets keep their label (see canonical_subdimension)
            "subdimension_by_slug": {
                **{a.slug: s for s in self.subdimensions for a in s.aliases},
                **{s.slug: s for s in self.subdimensions},
            },
            "subdimension_alias": {a.slug: a for s in self.subdimensions for a in s.aliases},
            "region_by_iso": {r.iso: r for r in self.regions},
            "region_by_cut": {r.cut: r for r in self.regions},
            "province_by_cut": {p.cut: p for r in self.regions for p in r.provinces},
            "comuna_by_cut": {c.cut: c for c in self.comunas},
            "code_change_by_old": {c.old: c for c in self.code_changes},
            "comunas_by_name_key": {k: tuple(v) for k, v in by_name.items()},
        }
        for name, index in indexes.items():
            # frozen dataclass: the indexes are derived once here, never reassigned
            object.__setattr__(self, name, _frozen(index))

    @property
    def subdimensions(self) -> tuple[Subdimension, ...]:
        """Every sub-dimension, dimension by dimension, in the plan's order."""
        return tuple(s for d in self.dimensions for s in d.subdimensions)
