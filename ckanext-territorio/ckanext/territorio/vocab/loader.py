"""Loading the vocabulary files in schemas/vocab/ into a Framework, with cross-file checks."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
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
    Provenance,
    Province,
    Region,
    Slug,
    Subdimension,
    SubdimensionAlias,
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
CutProvince = Annotated[
    str, msgspec.Meta(pattern=r"^\d{3}$", description="CUT de provincia, 3 dígitos")
]
Roman = Annotated[str, msgspec.Meta(pattern=r"^(?:[IVX]+|RM)$", description="número romano")]


class _File(msgspec.Struct, forbid_unknown_fields=True):
    """Base of the file shapes: unknown keys refused."""


class _Sub(_File):
    slug: Slug
    etiqueta: Bilingual
    procedencia: Provenance
    alias: list[SubdimensionAlias] = []


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
    """The schemas installed with the package (in a checkout, a link to the repository's schemas/)."""
    return Path(__file__).resolve().parent.parent / "schemas"


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
    _check_assignments(assigned, (dimensions, regions))
    _check_initiatives(planned, (dimensions, regions), comunas)
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


def _total(doc: Document[Any], expected: int, actual: int, what: str, *at: str) -> None:
    message = f"se esperaban {expected} {what} y el archivo define {actual}"
    doc.check(expected == actual, message, *at)


def _dimensions(doc: Document[_Dimensions]) -> dict[str, Dimension]:
    seen: dict[str, int] = {}
    dimensions: dict[str, Dimension] = {}
    for i, dim in enumerate(doc.value.dimensiones):
        doc.unique(seen, dim.slug, f"slug duplicado '{dim.slug}'", "dimensiones", i, "slug")
        for j, sub in enumerate(dim.subdimensiones):
            at = ("dimensiones", i, "subdimensiones", j)
            doc.unique(seen, sub.slug, f"slug duplicado '{sub.slug}'", *at, "slug")
            _check_provenance(doc, sub.procedencia, at)
            for k, alias in enumerate(sub.alias):
                message = f"slug duplicado '{alias.slug}'"
                doc.unique(seen, alias.slug, message, *at, "alias", k, "slug")
        subs = tuple(
            Subdimension(s.slug, s.etiqueta, dim.slug, s.procedencia, tuple(s.alias))
            for s in dim.subdimensiones
        )
        dimensions[dim.slug] = Dimension(
            dim.slug, dim.etiqueta, dim.descripcion, subs, cross_cutting=dim.transversal
        )
    _check_alias_dimensions(doc, dimensions)
    return dimensions


def _check_provenance(
    doc: Document[_Dimensions], provenance: Provenance, at: tuple[str | int, ...]
) -> None:
    """A quote for what comes from the plan; a note for what was inferred or has no basis."""
    where = (*at, "procedencia")
    if provenance.kind == "sin_base":
        doc.check(provenance.quote is None, "sin_base no lleva cita (el plan no la nombra)", *where)
    else:
        doc.check(provenance.quote, f"falta la cita del plan (tipo {provenance.kind})", *where)
    if provenance.kind != "plan":
        doc.check(provenance.note, f"falta la nota (tipo {provenance.kind})", *where)


def _check_alias_dimensions(doc: Document[_Dimensions], dimensions: dict[str, Dimension]) -> None:
    for i, dim in enumerate(doc.value.dimensiones):
        for j, sub in enumerate(dim.subdimensiones):
            for k, alias in enumerate(sub.alias):
                at = ("dimensiones", i, "subdimensiones", j, "alias", k, "dimension")
                message = f"dimensión desconocida '{alias.dimension}' en el alias '{alias.slug}'"
                doc.check(alias.dimension in dimensions, message, *at)


def _regions(doc: Document[_Regions]) -> dict[str, Region]:
    regions: dict[str, Region] = {}
    codes: dict[str, int] = {}
    provinces: dict[str, int] = {}
    for i, reg in enumerate(doc.value.regiones):
        for key in ("iso", "cut"):
            code = getattr(reg, key)
            doc.unique(codes, code, f"código de región duplicado '{code}'", "regiones", i, key)
        for j, prov in enumerate(reg.provincias):
            at = ("regiones", i, "provincias", j, "cut")
            doc.unique(provinces, prov.cut, f"código de provincia duplicado '{prov.cut}'", *at)
            message = (
                f"el código de provincia {prov.cut} no empieza por el de su región ({reg.cut})"
            )
            doc.check(prov.cut[:2] == reg.cut, message, *at)
        own = tuple(Province(p.cut, p.nombre, reg.iso) for p in reg.provincias)
        regions[reg.iso] = Region(
            reg.iso, reg.cut, reg.romano, reg.nombre, reg.nombre_oficial, reg.capital, own
        )
    totals = doc.value.total_esperado
    _total(doc, totals.regiones, len(regions), "regiones", "total_esperado", "regiones")
    _total(doc, totals.provincias, len(provinces), "provincias", "total_esperado", "provincias")
    return regions


def _comunas(doc: Document[_Comunas], regions: dict[str, Region]) -> dict[str, Comuna]:
    provinces = {p.cut: p for r in regions.values() for p in r.provinces}
    comunas: dict[str, Comuna] = {}
    lines: dict[str, int] = {}
    for i, comuna in enumerate(doc.value.comunas):
        cut, iso, code = comuna.cut, comuna.region, comuna.province
        at = ("comunas", i)
        doc.unique(lines, cut, f"código CUT duplicado {cut}", *at, "cut")
        region, province = regions.get(iso), provinces.get(code)
        doc.check(region, f"región desconocida '{iso}' (no está en regiones.yaml)", *at, "region")
        doc.check(
            province, f"provincia desconocida '{code}' (no está en regiones.yaml)", *at, "provincia"
        )
        assert region is not None and province is not None
        message = f"la provincia {code} ({province.name}) es de {province.region}, no de {iso}"
        doc.check(province.region == iso, message, *at, "provincia")
        message = f"el código CUT {cut} no corresponde a la región {iso} (código {region.cut})"
        doc.check(cut[:2] == region.cut, message, *at, "cut")
        doc.check(
            cut[:3] == code, f"el código CUT {cut} no corresponde a la provincia {code}", *at, "cut"
        )
        comunas[cut] = comuna
    _total(doc, doc.value.total_esperado, len(comunas), "comunas", "total_esperado")
    return comunas


def _check_regions_against_comunas(doc: Document[_Regions], comunas: dict[str, Comuna]) -> None:
    with_comunas = {c.province for c in comunas.values()}
    for i, reg in enumerate(doc.value.regiones):
        capital = comunas.get(reg.capital)
        message = f"la capital {reg.capital} no es una comuna de {reg.iso} en comunas.yaml"
        doc.check(capital and capital.region == reg.iso, message, "regiones", i, "capital")
        for j, prov in enumerate(reg.provincias):
            message = f"la provincia {prov.cut} no tiene comunas en comunas.yaml"
            doc.check(prov.cut in with_comunas, message, "regiones", i, "provincias", j, "cut")


def _code_changes(doc: Document[_Comunas], comunas: dict[str, Comuna]) -> tuple[CodeChange, ...]:
    changes: list[CodeChange] = []
    seen: dict[str, int] = {}
    for i, group in enumerate(doc.value.cambios_de_codigo):
        for j, pair in enumerate(group.equivalencias):
            old, new, at = pair.anterior, pair.actual, ("cambios_de_codigo", i, "equivalencias", j)
            doc.unique(seen, old, f"código anterior duplicado {old}", *at, "anterior")
            if old in comunas:
                message = (
                    f"el código anterior {old} es el de una comuna vigente ({comunas[old].name})"
                )
                raise doc.error(message, *at, "anterior")
            doc.check(
                new in comunas, f"el código actual {new} no es una comuna vigente", *at, "actual"
            )
            changes.append(CodeChange(old, new, group.vigente_desde, group.norma))
    return tuple(changes)


def _check_refs(
    doc: Document[Any],
    at: tuple[str | int, ...],
    known: tuple[dict[str, Dimension], dict[str, Region]],
    region: str,
    dimension: str,
    subdimensions: Mapping[str, tuple[str | int, ...]],
) -> None:
    """An entry's region, dimension and sub-dimensions (slug → steps) exist."""
    dimensions, regions = known
    message = f"región desconocida '{region}' (no está en regiones.yaml)"
    doc.check(region in regions, message, *at, "region")
    found = dimensions.get(dimension)
    message = f"dimensión desconocida '{dimension}' (no está en dimensiones.yaml)"
    doc.check(found, message, *at, "dimension")
    assert found is not None
    for slug, steps in subdimensions.items():
        message = f"'{slug}' no es una subdimensión de '{dimension}'"
        doc.check(slug in {s.slug for s in found.subdimensions}, message, *at, *steps)


def _check_assignments(
    doc: Document[_Assignments], known: tuple[dict[str, Dimension], dict[str, Region]]
) -> None:
    seen: dict[str, int] = {}
    for i, item in enumerate(doc.value.asignaciones):
        subs = {s: ("subdimensiones", j) for j, s in enumerate(item.subdimensions)}
        subs.update({s: ("enfasis", j) for j, s in enumerate(item.emphasis)})
        _check_refs(doc, ("asignaciones", i), known, item.region, item.dimension, subs)
        message = "enfasis solo cabe en una asignación de la dimensión completa"
        doc.check(not (item.emphasis and item.subdimensions), message, "asignaciones", i, "enfasis")
        message = "criterio repetido"
        doc.check(len(set(item.criteria)) == len(item.criteria), message, "asignaciones", i, "criterios")
        key = f"{item.region} / {item.dimension}"
        message = f"asignación duplicada {key} (ya definida en la línea {seen.get(key)})"
        doc.check(key not in seen, message, "asignaciones", i)
        seen[key] = doc.line("asignaciones", i)


def _check_initiatives(
    doc: Document[_Initiatives],
    known: tuple[dict[str, Dimension], dict[str, Region]],
    comunas: dict[str, Comuna],
) -> None:
    statuses: dict[str, int] = {}
    for i, status in enumerate(doc.value.estados):
        doc.unique(statuses, status.slug, f"estado duplicado '{status.slug}'", "estados", i, "slug")
    seen: dict[str, int] = {}
    for i, item in enumerate(doc.value.iniciativas):
        at = ("iniciativas", i)
        doc.unique(seen, item.slug, f"slug duplicado '{item.slug}'", *at, "slug")
        subs = {item.subdimension: ("subdimension",)} if item.subdimension else {}
        _check_refs(doc, at, known, item.region, item.dimension, subs)
        if item.comuna is not None:
            comuna = comunas.get(item.comuna)
            doc.check(comuna, f"comuna desconocida {item.comuna}", *at, "comuna")
            assert comuna is not None
            message = f"la comuna {item.comuna} ({comuna.name}) no está en {item.region}"
            doc.check(comuna.region == item.region, message, *at, "comuna")
        message = f"estado desconocido '{item.status}' (se admiten: {', '.join(statuses)})"
        doc.check(item.status is None or item.status in statuses, message, *at, "estado")
