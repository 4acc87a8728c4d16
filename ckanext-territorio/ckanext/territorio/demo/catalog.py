"""The demo catalogue: typed records read from catalogo.yaml and checked on load."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import msgspec
import msgspec.yaml

from ..vocab import Framework, Initiative

DEFAULT_CATALOG = Path(__file__).with_name("catalogo.yaml")

# CKAN's own rule for dataset and organization names.
_NAME_RE = re.compile(r"^[a-z0-9_-]{2,100}$")

OrganizationKind = Literal["municipalidad", "gobierno-regional"]
MUNICIPALITY: OrganizationKind = "municipalidad"
REGIONAL_GOVERNMENT: OrganizationKind = "gobierno-regional"


class DemoCatalogError(Exception):
    """The demo catalogue file is malformed or inconsistent."""


class Resource(msgspec.Struct, forbid_unknown_fields=True):
    """A demo dataset's resource, as the demo catalogue file gives it."""

    nombre: str
    url: str
    formato: str
    descripcion: str = ""
    variable: str | None = None
    unidad: str | None = None


class Organization(msgspec.Struct, forbid_unknown_fields=True):
    """A demo organization: a municipality or a regional body, with its territory."""

    nombre: str
    titulo: str
    descripcion: str
    tipo: OrganizationKind
    comuna_cut: str
    region_iso: str

    def extras(self) -> dict[str, str]:
        """The organization's extras: its comuna, region and kind."""
        return {"comuna_cut": self.comuna_cut, "region_iso": self.region_iso, "tipo": self.tipo}


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


class Dataset(msgspec.Struct, forbid_unknown_fields=True):
    """A demo dataset with its territorial classification and resources."""

    nombre: str
    organizacion: str
    titulo: str
    descripcion: str
    licencia: str
    mantenedor: str
    etiquetas: list[str]
    dimension: str | list[str]
    subdimension: str | list[str]
    recursos: list[Resource]
    regiones: list[str] | None = None
    comunas: list[str] | None = None
    frecuencia: str | None = None
    correo: str | None = None
    desde: str | None = None
    hasta: str | None = None
    cobertura: dict[str, Any] | None = None

    def territorial_values(self, org: Organization) -> dict[str, list[str] | str]:
        """The plan's classification and coverage, under the names the portal's
        dataset schema gives them (schemas/dataset.yaml).

        Without their own regions and comunas, a municipality's datasets cover its comuna
        and a regional government's the whole region.
        """
        if self.comunas is not None:
            comunas = self.comunas
        else:
            comunas = [org.comuna_cut] if org.tipo == MUNICIPALITY else []
        values: dict[str, list[str] | str] = {
            "dimension": _as_list(self.dimension),
            "subdimension": _as_list(self.subdimension),
            "region": self.regiones or [org.region_iso],
            "comuna": comunas,
        }
        optional = {
            "frequency": self.frecuencia,
            "temporal_start": self.desde,
            "temporal_end": self.hasta,
        }
        values.update({key: value for key, value in optional.items() if value})
        if self.cobertura is not None:
            # sort_keys keeps the stored text stable, so re-runs compare equal.
            values["spatial"] = json.dumps(self.cobertura, sort_keys=True)
        return values


class InitiativeDetail(msgspec.Struct, forbid_unknown_fields=True):
    """What the demo adds to one of the plan's initiatives (schemas/vocab/iniciativas.yaml)."""

    slug: str
    descripcion: str | None = None
    conjuntos: list[str] = msgspec.field(default_factory=list)
    socios: list[str] = msgspec.field(default_factory=list)
    organizacion: str | None = None


@dataclass(frozen=True)
class DemoInitiative:
    """One `iniciativa` record to load: the plan's data plus the demo's details."""

    name: str
    title: str
    description: str
    organization: str
    dimension: str
    region: str
    subdimension: str | None
    comuna: str | None
    status: str | None
    partners: tuple[str, ...]
    datasets: tuple[str, ...]


class DemoCatalog(msgspec.Struct, forbid_unknown_fields=True):
    """The demo catalogue file: organizations, datasets and initiatives."""

    organizaciones: list[Organization]
    conjuntos: list[Dataset]
    iniciativas: list[InitiativeDetail] = msgspec.field(default_factory=list)

    def organization(self, name: str) -> Organization:
        """The demo organization with this name."""
        return next(org for org in self.organizaciones if org.nombre == name)

    def size(self, fw: Framework) -> int:
        """Records a load writes or checks: organizations, datasets and initiatives."""
        return len(self.organizaciones) + len(self.conjuntos) + len(fw.initiatives)

    def initiatives(self, fw: Framework) -> list[DemoInitiative]:
        """Every initiative of the plan, owned by its territory's organization.

        The capital's municipality owns those of its comuna, the regional government the
        rest; a detail's `organizacion` overrides both.
        """
        details = {detail.slug: detail for detail in self.iniciativas}
        unknown = sorted(set(details) - {i.slug for i in fw.initiatives})
        if unknown:
            raise DemoCatalogError(
                f"iniciativas que no están en el plan (iniciativas.yaml): {', '.join(unknown)}"
            )
        taken = sorted({ds.nombre for ds in self.conjuntos} & {i.slug for i in fw.initiatives})
        if taken:
            raise DemoCatalogError(
                f"conjuntos con el nombre de una iniciativa del plan: {', '.join(taken)}"
            )
        records = []
        for initiative in fw.initiatives:
            detail = details.get(initiative.slug) or InitiativeDetail(slug=initiative.slug)
            records.append(
                DemoInitiative(
                    name=initiative.slug,
                    title=initiative.title,
                    description=detail.descripcion or _description(initiative, fw),
                    organization=detail.organizacion or self._owner(initiative, fw),
                    dimension=initiative.dimension,
                    region=initiative.region,
                    subdimension=initiative.subdimension,
                    comuna=initiative.comuna,
                    status=initiative.status,
                    partners=tuple(detail.socios),
                    datasets=tuple(detail.conjuntos),
                )
            )
        return records

    def _owner(self, initiative: Initiative, fw: Framework) -> str:
        in_region: dict[str, Organization] = {
            org.tipo: org for org in self.organizaciones if org.region_iso == initiative.region
        }
        municipality = in_region.get(MUNICIPALITY)
        if municipality is not None and initiative.comuna == municipality.comuna_cut:
            return municipality.nombre
        government = in_region.get(REGIONAL_GOVERNMENT) or municipality
        if government is None:
            region = fw.region_by_iso[initiative.region].name
            raise DemoCatalogError(
                f"iniciativa {initiative.slug!r}: ninguna organización de la demostración en {region}"
            )
        return government.nombre


def _description(initiative: Initiative, fw: Framework) -> str:
    """A plain account of what the plan says about an initiative that has no description."""
    dimension = fw.dimension_by_slug[initiative.dimension].label.es
    if initiative.subdimension:
        sub = fw.subdimension_by_slug[initiative.subdimension].label.es
        dimension = f"{dimension} ({sub[0].lower() + sub[1:]})"
    region = fw.region_by_iso[initiative.region].official_name
    place = region
    if initiative.comuna:
        place = f"{fw.comuna_by_cut[initiative.comuna].name}, {region}"
    return (
        f"Iniciativa de la dimensión {dimension} en {place}, una de las iniciativas y proyectos "
        "en curso que el plan Territorio Inteligente levantó en la región."
    )


def load_catalog(path: Path = DEFAULT_CATALOG) -> DemoCatalog:
    """Reads and checks the catalogue; errors name the file and the offending entry."""
    try:
        catalog = msgspec.yaml.decode(path.read_bytes(), type=DemoCatalog)
    except (OSError, msgspec.DecodeError) as error:
        raise DemoCatalogError(f"{path}: {error}") from error
    _check(catalog, path)
    return catalog


def _check(catalog: DemoCatalog, path: Path) -> None:
    problems: list[str] = []
    org_names = [org.nombre for org in catalog.organizaciones]
    dataset_names = [ds.nombre for ds in catalog.conjuntos]
    initiative_slugs = [detail.slug for detail in catalog.iniciativas]
    for kind, names in (
        ("organización", org_names),
        ("conjunto", dataset_names),
        ("iniciativa", initiative_slugs),
    ):
        for name in names:
            if not _NAME_RE.match(name):
                problems.append(f"{kind} {name!r}: nombre no válido para CKAN")
        for name in sorted({n for n in names if names.count(n) > 1}):
            problems.append(f"{kind} {name!r}: nombre repetido")
    for ds in catalog.conjuntos:
        if ds.organizacion not in org_names:
            problems.append(f"conjunto {ds.nombre!r}: organización desconocida {ds.organizacion!r}")
        if not ds.recursos:
            problems.append(f"conjunto {ds.nombre!r}: sin recursos")
        if ds.cobertura is not None and "type" not in ds.cobertura:
            problems.append(f"conjunto {ds.nombre!r}: cobertura sin 'type' de GeoJSON")
    for detail in catalog.iniciativas:
        for name in detail.conjuntos:
            if name not in dataset_names:
                problems.append(f"iniciativa {detail.slug!r}: conjunto desconocido {name!r}")
        if detail.organizacion is not None and detail.organizacion not in org_names:
            problems.append(
                f"iniciativa {detail.slug!r}: organización desconocida {detail.organizacion!r}"
            )
    if problems:
        raise DemoCatalogError(f"{path}: " + "; ".join(problems))
