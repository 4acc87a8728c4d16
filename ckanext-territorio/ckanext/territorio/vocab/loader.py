"""Loading the vocabulary files in schemas/vocab/ into a Framework, with cross-file checks."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Annotated, Any, TypeVar

import msgspec

from ..datafiles import Document, read
from .model import (
    Assignment,
    Bilingual,
    CodeChange,
    Comuna,
    CutComuna,
    Dimension,
    Framework,
    Initiative,
    InitiativeStatus,
    National,
    Province,
    Region,
    Slug,
    Subdimension,
    Text,
)

DIMENSIONS_FILE = "dimensiones.yaml"
REGIONS_FILE = "regiones.yaml"
COMUNAS_FILE = "comunas.yaml"
ASSIGNMENTS_FILE = "asignaciones.yaml"
INITIATIVES_FILE = "iniciativas.yaml"
FILES = (DIMENSIONS_FILE, REGIONS_FILE, COMUNAS_FILE, ASSIGNMENTS_FILE, INITIATIVES_FILE)

T = TypeVar("T")
NonEmpty = Annotated[list[T], msgspec.Meta(min_length=1)]
Count = Annotated[int, msgspec.Meta(ge=0)]


IsoRegion = Annotated[str, msgspec.Meta(pattern=r"^CL-[A-Z]{2}$", description="ISO 3166-2, CL-XX")]
CutRegion = Annotated[str, msgspec.Meta(pattern=r"^\d{2}$", description="CUT de región, 2 dígitos")]
CutProvince = Annotated[str, msgspec.Meta(pattern=r"^\d{3}$", description="CUT de provincia, 3 dígitos")]
Roman = Annotated[str, msgspec.Meta(pattern=r"^(?:[IVX]+|RM)$", description="número romano")]


class _File(msgspec.Struct, forbid_unknown_fields=True):
    """Base of the file shapes: unknown keys refused."""


class _Sub(_File):
    slug: Slug
    etiqueta: Bilingual


class _Dimension(_File):
    slug: Slug
    etiqueta: Bilingual
    descripcion: Bilingual
    subdimensiones: NonEmpty[_Sub]
    transversal: bool = False


class _Dimensions(_File):
    dimensiones: NonEmpty[_Dimension]


class _Totals(_File):
    regiones: Count
    provincias: Count


class _Province(_File):
    cut: CutProvince
    nombre: Text


class _Region(_File):
    iso: IsoRegion
    cut: CutRegion
    romano: Roman
    nombre: Text
    nombre_oficial: Text
    capital: CutComuna
    provincias: NonEmpty[_Province]


class _Regions(_File):
    total_esperado: _Totals
    nacional: National
    regiones: NonEmpty[_Region]


class _Equivalence(_File):
    anterior: CutComuna
    actual: CutComuna


class _CodeChanges(_File):
    norma: Text
    vigente_desde: dt.date
    equivalencias: NonEmpty[_Equivalence]


class _Comunas(_File):
    total_esperado: Count
    comunas: NonEmpty[Comuna]
    cambios_de_codigo: list[_CodeChanges] = []


class _Assignments(_File):
    asignaciones: NonEmpty[Assignment]


class _Initiatives(_File):
    estados: NonEmpty[InitiativeStatus]
    iniciativas: NonEmpty[Initiative]


@functools.cache
def default_schemas_dir() -> Path:
    """schemas/ at the repository root (…/ckanext-territorio/ckanext/territorio/vocab/ → root)."""
    return Path(__file__).resolve().parents[4] / "schemas"


def load_framework(schemas_dir: str | Path | None = None) -> Framework:
    """Read and cross-check every vocabulary file; the first problem raises VocabError."""
    vocab_dir = Path(schemas_dir if schemas_dir is not None else default_schemas_dir()) / "vocab"
    dims = read(vocab_dir / DIMENSIONS_FILE, _Dimensions)
    regs = read(vocab_dir / REGIONS_FILE, _Regions)
    coms = read(vocab_dir / COMUNAS_FILE, _Comunas)
    assigned = read(vocab_dir / ASSIGNMENTS_FILE, _Assignments)
    planned = read(vocab_dir / INITIATIVES_FILE, _Initiatives)
    dimensions = _dimensions(dims)
    regions = _regions(regs)
    comunas = _comunas(coms, regions)
    _check_regions_against_comunas(regs, comunas)
    _check_assignments(assigned, dimensions, regions)
    _check_initiatives(planned, dimensions, regions, comunas)
    return Framework(
        dimensions=tuple(dimensions.values()),
        national=regs.value.nacional,
        regions=tuple(regions.values()),
        comunas=tuple(comunas.values()),
        code_changes=_code_changes(coms, comunas),
        assignments=tuple(assigned.value.asignaciones),
        initiative_statuses=tuple(planned.value.estados),
        initiatives=tuple(planned.value.iniciativas),
    )


def _check_total(doc: Document[Any], expected: int, actual: int, what: str, *at: str) -> None:
    if expected != actual:
        raise doc.error(f"se esperaban {expected} {what} y el archivo define {actual}", *at)


def _dimensions(doc: Document[_Dimensions]) -> dict[str, Dimension]:
    seen: dict[str, int] = {}
    dimensions: dict[str, Dimension] = {}
    for i, dim in enumerate(doc.value.dimensiones):
        doc.unique(seen, dim.slug, f"slug duplicado '{dim.slug}'", "dimensiones", i, "slug")
        for j, sub in enumerate(dim.subdimensiones):
            doc.unique(seen, sub.slug, f"slug duplicado '{sub.slug}'", "dimensiones", i, "subdimensiones", j, "slug")
        dimensions[dim.slug] = Dimension(
            slug=dim.slug,
            label=dim.etiqueta,
            description=dim.descripcion,
            subdimensions=tuple(Subdimension(s.slug, s.etiqueta, dim.slug) for s in dim.subdimensiones),
            cross_cutting=dim.transversal,
        )
    return dimensions


def _regions(doc: Document[_Regions]) -> dict[str, Region]:
    regions: dict[str, Region] = {}
    region_lines: dict[str, int] = {}
    province_lines: dict[str, int] = {}
    for i, reg in enumerate(doc.value.regiones):
        doc.unique(region_lines, reg.iso, f"código de región duplicado '{reg.iso}'", "regiones", i, "iso")
        doc.unique(region_lines, reg.cut, f"código de región duplicado '{reg.cut}'", "regiones", i, "cut")
        for j, prov in enumerate(reg.provincias):
            at = ("regiones", i, "provincias", j, "cut")
            doc.unique(province_lines, prov.cut, f"código de provincia duplicado '{prov.cut}'", *at)
            if prov.cut[:2] != reg.cut:
                raise doc.error(
                    f"el código de provincia {prov.cut} no empieza por el de su región ({reg.cut})",
                    *at,
                )
        regions[reg.iso] = Region(
            iso=reg.iso,
            cut=reg.cut,
            roman=reg.romano,
            name=reg.nombre,
            official_name=reg.nombre_oficial,
            capital=reg.capital,
            provinces=tuple(Province(p.cut, p.nombre, reg.iso) for p in reg.provincias),
        )
    totals = doc.value.total_esperado
    _check_total(doc, totals.regiones, len(regions), "regiones", "total_esperado", "regiones")
    _check_total(
        doc, totals.provincias, len(province_lines), "provincias", "total_esperado", "provincias"
    )
    return regions


def _comunas(doc: Document[_Comunas], regions: dict[str, Region]) -> dict[str, Comuna]:
    provinces = {p.cut: p for r in regions.values() for p in r.provinces}
    comunas: dict[str, Comuna] = {}
    lines: dict[str, int] = {}
    for i, comuna in enumerate(doc.value.comunas):
        cut, iso, code = comuna.cut, comuna.region, comuna.province
        doc.unique(lines, cut, f"código CUT duplicado {cut}", "comunas", i, "cut")
        region = regions.get(iso)
        if region is None:
            raise doc.error(f"región desconocida '{iso}' (no está en regiones.yaml)", "comunas", i, "region")
        province = provinces.get(code)
        if province is None:
            raise doc.error(
                f"provincia desconocida '{code}' (no está en regiones.yaml)", "comunas", i, "provincia"
            )
        if province.region != iso:
            raise doc.error(
                f"la provincia {code} ({province.name}) es de {province.region}, no de {iso}",
                "comunas", i, "provincia",
            )
        if cut[:2] != region.cut:
            raise doc.error(
                f"el código CUT {cut} no corresponde a la región {iso} (código {region.cut})",
                "comunas", i, "cut",
            )
        if cut[:3] != code:
            raise doc.error(
                f"el código CUT {cut} no corresponde a la provincia {code}", "comunas", i, "cut"
            )
        comunas[cut] = comuna
    _check_total(doc, doc.value.total_esperado, len(comunas), "comunas", "total_esperado")
    return comunas


def _check_regions_against_comunas(doc: Document[_Regions], comunas: dict[str, Comuna]) -> None:
    with_comunas = {c.province for c in comunas.values()}
    for i, reg in enumerate(doc.value.regiones):
        capital = comunas.get(reg.capital)
        if capital is None or capital.region != reg.iso:
            raise doc.error(
                f"la capital {reg.capital} no es una comuna de {reg.iso} en comunas.yaml",
                "regiones", i, "capital",
            )
        for j, prov in enumerate(reg.provincias):
            if prov.cut not in with_comunas:
                raise doc.error(
                    f"la provincia {prov.cut} no tiene comunas en comunas.yaml",
                    "regiones", i, "provincias", j, "cut",
                )


def _code_changes(doc: Document[_Comunas], comunas: dict[str, Comuna]) -> tuple[CodeChange, ...]:
    changes: list[CodeChange] = []
    seen: dict[str, int] = {}
    for i, group in enumerate(doc.value.cambios_de_codigo):
        for j, pair in enumerate(group.equivalencias):
            at = ("cambios_de_codigo", i, "equivalencias", j)
            doc.unique(seen, pair.anterior, f"código anterior duplicado {pair.anterior}", *at, "anterior")
            if pair.anterior in comunas:
                raise doc.error(
                    f"el código anterior {pair.anterior} es el de una comuna vigente "
                    f"({comunas[pair.anterior].name})",
                    *at, "anterior",
                )
            if pair.actual not in comunas:
                raise doc.error(f"el código actual {pair.actual} no es una comuna vigente", *at, "actual")
            changes.append(CodeChange(pair.anterior, pair.actual, group.vigente_desde, group.norma))
    return tuple(changes)


def _check_refs(
    doc: Document[Any],
    at: tuple[str | int, ...],
    dimensions: dict[str, Dimension],
    regions: dict[str, Region],
    region: str,
    dimension: str,
    subdimensions: tuple[tuple[str, tuple[str | int, ...]], ...],
) -> None:
    """An entry's region, dimension and sub-dimensions (each with its own steps) exist."""
    if region not in regions:
        raise doc.error(f"región desconocida '{region}' (no está en regiones.yaml)", *at, "region")
    found = dimensions.get(dimension)
    if found is None:
        raise doc.error(
            f"dimensión desconocida '{dimension}' (no está en dimensiones.yaml)", *at, "dimension"
        )
    for slug, steps in subdimensions:
        if slug not in {s.slug for s in found.subdimensions}:
            raise doc.error(f"'{slug}' no es una subdimensión de '{dimension}'", *at, *steps)


def _check_assignments(
    doc: Document[_Assignments], dimensions: dict[str, Dimension], regions: dict[str, Region]
) -> None:
    seen: dict[str, int] = {}
    for i, item in enumerate(doc.value.asignaciones):
        at = ("asignaciones", i)
        subs = tuple((s, ("subdimensiones", j)) for j, s in enumerate(item.subdimensions))
        _check_refs(doc, at, dimensions, regions, item.region, item.dimension, subs)
        key = f"{item.region} / {item.dimension}"
        if key in seen:
            raise doc.error(f"asignación duplicada {key} (ya definida en la línea {seen[key]})", *at)
        seen[key] = doc.line(*at)


def _check_initiatives(
    doc: Document[_Initiatives],
    dimensions: dict[str, Dimension],
    regions: dict[str, Region],
    comunas: dict[str, Comuna],
) -> None:
    statuses: dict[str, int] = {}
    for i, status in enumerate(doc.value.estados):
        doc.unique(statuses, status.slug, f"estado duplicado '{status.slug}'", "estados", i, "slug")
    seen: dict[str, int] = {}
    for i, item in enumerate(doc.value.iniciativas):
        at = ("iniciativas", i)
        doc.unique(seen, item.slug, f"slug duplicado '{item.slug}'", *at, "slug")
        subs = ((item.subdimension, ("subdimension",)),) if item.subdimension else ()
        _check_refs(doc, at, dimensions, regions, item.region, item.dimension, subs)
        if item.comuna is not None:
            comuna = comunas.get(item.comuna)
            if comuna is None:
                raise doc.error(f"comuna desconocida {item.comuna}", *at, "comuna")
            if comuna.region != item.region:
                raise doc.error(
                    f"la comuna {item.comuna} ({comuna.name}) no está en {item.region}", *at, "comuna"
                )
        if item.status is not None and item.status not in statuses:
            raise doc.error(
                f"estado desconocido '{item.status}' (se admiten: {', '.join(statuses)})",
                *at, "estado",
            )
