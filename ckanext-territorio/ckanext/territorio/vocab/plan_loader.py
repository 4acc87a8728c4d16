"""Loading schemas/plan/*.yaml into a Plan, cross-checked against the framework."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import msgspec

from ..datafiles import Document, FileCache, read
from .loader import default_schemas_dir
from .lookups import framework as load_vocab
from .model import CRITERIA, Bilingual, Framework, Text
from .plan_model import (
    Actor,
    CriterionDefinition,
    Objective,
    Plan,
    Priority,
    Recommendation,
    RecommendationGroup,
    RegionEvidence,
    Strategy,
    StrategyOption,
)

EVIDENCE_FILE = "diagnostico.yaml"
STRATEGY_FILE = "estrategia.yaml"
RECOMMENDATIONS_FILE = "recomendaciones.yaml"
FILES = (EVIDENCE_FILE, STRATEGY_FILE, RECOMMENDATIONS_FILE)

T = TypeVar("T")
NonEmpty = Annotated[list[T], msgspec.Meta(min_length=1)]


class _File(msgspec.Struct, forbid_unknown_fields=True):
    """Base of the file shapes: unknown keys refused."""


class _Evidence(_File):
    actores: NonEmpty[Actor]
    regiones: NonEmpty[RegionEvidence]


class _Strategy(_File):
    objetivos: NonEmpty[Objective]
    marco: Bilingual
    dimensiones_marco: Bilingual
    opciones: NonEmpty[StrategyOption]
    estrategia: Strategy
    fundamentos_asignacion: NonEmpty[Text]
    criterios: NonEmpty[CriterionDefinition]
    replicacion: NonEmpty[Text]
    hallazgos: NonEmpty[Text]
    advertencia: Text


class _Recommendations(_File):
    grupos: NonEmpty[RecommendationGroup]
    recomendaciones: NonEmpty[Recommendation]


def load_plan(schemas_dir: str | Path | None = None, fw: Framework | None = None) -> Plan:
    """Read and cross-check the plan's files; the first problem raises DataFileError."""
    root = Path(schemas_dir) if schemas_dir is not None else None
    fw = fw if fw is not None else load_vocab(root)
    plan_dir = (root if root is not None else default_schemas_dir()) / "plan"
    evidence = read(plan_dir / EVIDENCE_FILE, _Evidence)
    strategy = read(plan_dir / STRATEGY_FILE, _Strategy)
    recommendations = read(plan_dir / RECOMMENDATIONS_FILE, _Recommendations)
    _check_evidence(evidence, fw)
    _check_strategy(strategy)
    _check_recommendations(recommendations)
    s, r = strategy.value, recommendations.value
    return Plan(
        actors=tuple(evidence.value.actores),
        regions=tuple(evidence.value.regiones),
        objectives=tuple(s.objetivos),
        framework_text=s.marco,
        dimensions_text=s.dimensiones_marco,
        options=tuple(s.opciones),
        strategy=s.estrategia,
        assignment_grounds=tuple(s.fundamentos_asignacion),
        criteria=tuple(s.criterios),
        replication=tuple(s.replicacion),
        findings=tuple(s.hallazgos),
        caveat=s.advertencia,
        recommendation_groups=tuple(r.grupos),
        recommendations=tuple(r.recomendaciones),
    )


def _check_priorities(
    doc: Document[Any], priorities: Iterable[Priority], at: tuple[str | int, ...], fw: Framework
) -> None:
    dimensions = {d.slug for d in fw.dimensions if not d.cross_cutting}
    seen: dict[str, int] = {}
    for i, item in enumerate(priorities):
        where = (*at, "prioridades", i)
        message = f"dimensión desconocida '{item.dimension}' (no está en dimensiones.yaml)"
        doc.check(item.dimension in dimensions, message, *where, "dimension")
        doc.unique(seen, item.dimension, f"dimensión repetida '{item.dimension}'", *where)
        message = "cada prioridad lleva posicion o valor (destacada, secundaria), no ambos"
        doc.check((item.rank is None) != (item.standing is None), message, *where)


def _check_evidence(doc: Document[_Evidence], fw: Framework) -> None:
    slugs: dict[str, int] = {}
    for i, actor in enumerate(doc.value.actores):
        doc.unique(slugs, actor.slug, f"actor duplicado '{actor.slug}'", "actores", i, "slug")
        _check_priorities(doc, actor.priorities, ("actores", i), fw)
    regions: dict[str, int] = {}
    enabling = {s.slug for d in fw.dimensions if d.cross_cutting for s in d.subdimensions}
    for i, item in enumerate(doc.value.regiones):
        at = ("regiones", i)
        message = f"región desconocida '{item.region}' (no está en regiones.yaml)"
        doc.check(item.region in fw.region_by_iso, message, *at, "region")
        doc.unique(regions, item.region, f"región repetida '{item.region}'", *at, "region")
        _check_priorities(doc, item.priorities, at, fw)
        for j, gap in enumerate(item.gaps):
            message = f"'{gap.subdimension}' no es un elemento habilitante (dimensiones.yaml)"
            doc.check(gap.subdimension in enabling, message, *at, "brechas", j, "subdimension")
    leading = sorted({a.region for a in fw.assignments})
    missing = [iso for iso in leading if iso not in regions]
    message = f"faltan las regiones con asignación {', '.join(missing)} (asignaciones.yaml)"
    doc.check(not missing, message, "regiones")


def _check_strategy(doc: Document[_Strategy]) -> None:
    value = doc.value
    sections: dict[str, list[str]] = {
        "objetivos": [o.slug for o in value.objetivos],
        "opciones": [o.slug for o in value.opciones],
    }
    for section, slugs in sections.items():
        seen: dict[str, int] = {}
        for i, slug in enumerate(slugs):
            doc.unique(seen, slug, f"slug duplicado '{slug}'", section, i, "slug")
    criteria = tuple(c.slug for c in value.criterios)
    message = f"los criterios deben ser {', '.join(CRITERIA)}, en ese orden"
    doc.check(criteria == CRITERIA, message, "criterios")
    options = [o.slug for o in value.opciones]
    message = f"opción desconocida '{value.estrategia.option}' (se admiten: {', '.join(options)})"
    doc.check(value.estrategia.option in options, message, "estrategia", "opcion")


def _check_recommendations(doc: Document[_Recommendations]) -> None:
    groups: dict[str, int] = {}
    for i, group in enumerate(doc.value.grupos):
        doc.unique(groups, group.slug, f"grupo duplicado '{group.slug}'", "grupos", i, "slug")
    seen: dict[str, int] = {}
    for i, item in enumerate(doc.value.recomendaciones):
        at = ("recomendaciones", i)
        doc.unique(seen, item.slug, f"slug duplicado '{item.slug}'", *at, "slug")
        message = f"grupo desconocido '{item.group}' (se admiten: {', '.join(groups)})"
        doc.check(item.group in groups, message, *at, "grupo")
        if item.status == "pendiente":
            doc.check(not item.links, "una recomendación pendiente no lleva enlaces", *at, "enlaces")
        else:
            message = f"una recomendación {item.status} necesita al menos un enlace"
            doc.check(item.links, message, *at, "estado")
        for j, link in enumerate(item.links):
            message = "cada enlace lleva pagina o accion, no ambas"
            doc.check((link.page is None) != (link.action is None), message, *at, "enlaces", j)


_cache: FileCache[Path, Plan] = FileCache(
    lambda root: load_plan(root),
    lambda root: [root / "plan" / name for name in FILES]
    + [root / "vocab" / name for name in ("dimensiones.yaml", "regiones.yaml")],
)


def plan(schemas_dir: str | Path | None = None) -> Plan:
    """The plan loaded from ``schemas_dir`` (default: the repository's schemas/), reloaded when
    one of its files changes."""
    root = Path(schemas_dir) if schemas_dir is not None else default_schemas_dir()
    return _cache(root.resolve())


def clear_plan_cache() -> None:
    """Forget loaded plans, so the next plan() call reads the files again."""
    _cache.clear()
