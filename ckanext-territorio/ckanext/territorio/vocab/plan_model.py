"""The plan's evidence and strategy as records: schemas/plan/*.yaml decoded (see plan_loader)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Annotated, Literal

import msgspec

from .model import Bilingual, Criterion, LocalizedText, Slug, Text

Rank = Annotated[int, msgspec.Meta(ge=1, le=7, description="puesto de 1 a 7")]
Standing = Literal["destacada", "secundaria"]
RecommendationStatus = Literal["implementada", "parcial", "pendiente"]
STATUSES: tuple[RecommendationStatus, ...] = ("implementada", "parcial", "pendiente")


class _Record(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Base of the plan's records: unknown keys refused."""


class Priority(_Record, frozen=True):
    """Where an actor or a region puts a dimension: a rank the plan gives, or a standing."""

    dimension: Slug
    quote: Text = msgspec.field(name="cita")
    rank: Rank | None = msgspec.field(default=None, name="posicion")
    standing: Standing | None = msgspec.field(default=None, name="valor")
    figure: Text | None = msgspec.field(default=None, name="cifra")


class Actor(_Record, frozen=True):
    """A group whose priorities the plan reports nationally (citizens, experts, reference cities)."""

    slug: Slug
    label: Bilingual = msgspec.field(name="etiqueta")
    priorities: tuple[Priority, ...] = msgspec.field(name="prioridades")
    note: Bilingual | None = msgspec.field(default=None, name="nota")


class Gap(_Record, frozen=True):
    """An enabling element the region lacks (a cross-cutting sub-dimension), in the plan's words."""

    subdimension: Slug
    quote: Text = msgspec.field(name="cita")


class StrategicDocument(_Record, frozen=True):
    """A regional strategy or plan the seed cites (ERD, Plan Impulso, PLADECO ...)."""

    name: Text = msgspec.field(name="nombre")
    quote: Text = msgspec.field(name="cita")
    lines: tuple[Text, ...] = msgspec.field(default=(), name="lineamientos")
    note: Bilingual | None = msgspec.field(default=None, name="nota")


class KeyFigure(_Record, frozen=True):
    """A figure the plan cites for a region, with its source sentence."""

    label: Bilingual = msgspec.field(name="etiqueta")
    value: Text | LocalizedText = msgspec.field(name="valor")
    quote: Text = msgspec.field(name="cita")

    def value_text(self, lang: str = "es") -> str:
        """The value as written, in ``lang`` when it is a bilingual text."""
        return self.value if isinstance(self.value, str) else self.value.get(lang)


class RegionEvidence(_Record, frozen=True):
    """What the plan found in one studied region."""

    region: Text
    city: Text = msgspec.field(name="ciudad")
    summary: Text = msgspec.field(name="resumen")
    priorities: tuple[Priority, ...] = msgspec.field(name="prioridades")
    needs: tuple[Text, ...] = msgspec.field(name="necesidades")
    strengths: tuple[Text, ...] = msgspec.field(name="fortalezas")
    gaps: tuple[Gap, ...] = msgspec.field(name="brechas")
    documents: tuple[StrategicDocument, ...] = msgspec.field(name="documentos")
    figures: tuple[KeyFigure, ...] = msgspec.field(name="cifras")
    notes: tuple[Text, ...] = msgspec.field(default=(), name="notas")


class Objective(_Record, frozen=True):
    """One of the framework's three objectives."""

    slug: Slug
    label: Bilingual = msgspec.field(name="etiqueta")


class StrategyOption(_Record, frozen=True):
    """One of the three strategies the plan weighed, with its pros and cons (quotes)."""

    slug: Slug
    label: Bilingual = msgspec.field(name="etiqueta")
    description: Bilingual = msgspec.field(name="descripcion")
    pros: tuple[Text, ...]
    cons: tuple[Text, ...] = msgspec.field(name="contras")


class Strategy(_Record, frozen=True):
    """The strategy the plan proposes; ``option`` is the portal's reading, said in ``option_note``."""

    title: Text = msgspec.field(name="titulo")
    objective: Text = msgspec.field(name="objetivo")
    attributes: tuple[Text, ...] = msgspec.field(name="atributos")
    option: Slug = msgspec.field(name="opcion")
    option_note: Bilingual = msgspec.field(name="nota_opcion")


class CriterionDefinition(_Record, frozen=True):
    """One of the four criteria behind the lead assignments."""

    slug: Criterion
    label: Bilingual = msgspec.field(name="etiqueta")
    description: Text = msgspec.field(name="descripcion")


class RecommendationGroup(_Record, frozen=True):
    """Where in the plan a group of recommendations comes from."""

    slug: Slug
    label: Bilingual = msgspec.field(name="etiqueta")


class Link(_Record, frozen=True):
    """A page (``pagina: /ruta``) or an API action (``accion: nombre``) of the portal."""

    label: Bilingual = msgspec.field(name="etiqueta")
    page: Annotated[
        str, msgspec.Meta(pattern=r"^/[^\s]*$", description="una ruta que empieza por /")
    ] | None = msgspec.field(default=None, name="pagina")
    action: Annotated[
        str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*$", description="nombre de acción")
    ] | None = msgspec.field(default=None, name="accion")


class Recommendation(_Record, frozen=True):
    """A recommendation of the plan, what the portal does for it and how far (status)."""

    slug: Slug
    group: Slug = msgspec.field(name="grupo")
    text: Text = msgspec.field(name="texto")
    status: RecommendationStatus = msgspec.field(name="estado")
    links: tuple[Link, ...] = msgspec.field(default=(), name="enlaces")
    note: Bilingual | None = msgspec.field(default=None, name="nota")


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything loaded from schemas/plan/, checked against the framework."""

    actors: tuple[Actor, ...]
    regions: tuple[RegionEvidence, ...]
    objectives: tuple[Objective, ...]
    framework_text: Bilingual
    dimensions_text: Bilingual
    options: tuple[StrategyOption, ...]
    strategy: Strategy
    assignment_grounds: tuple[str, ...]
    criteria: tuple[CriterionDefinition, ...]
    replication: tuple[str, ...]
    findings: tuple[str, ...]
    caveat: str
    recommendation_groups: tuple[RecommendationGroup, ...]
    recommendations: tuple[Recommendation, ...]

    region_by_iso: Mapping[str, RegionEvidence] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # frozen dataclass: the index is derived once here, never reassigned
        index = MappingProxyType({r.region: r for r in self.regions})
        object.__setattr__(self, "region_by_iso", index)

    def option(self, slug: str) -> StrategyOption:
        """The strategy option with this slug."""
        return next(o for o in self.options if o.slug == slug)

    def status_counts(self) -> dict[str, int]:
        """How many recommendations are in each status, in the order implementada, parcial, pendiente."""
        return {s: sum(1 for r in self.recommendations if r.status == s) for s in STATUSES}
