"""The demo catalogue: typed records read from catalogo.yaml and checked on load."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import msgspec
import msgspec.yaml

DEFAULT_CATALOG = Path(__file__).with_name("catalogo.yaml")

# CKAN's own rule for dataset and organization names.
_NAME_RE = re.compile(r"^[a-z0-9_-]{2,100}$")


class DemoCatalogError(Exception):
    """The demo catalogue file is malformed or inconsistent."""


class Resource(msgspec.Struct, forbid_unknown_fields=True):
    nombre: str
    url: str
    formato: str
    descripcion: str = ""


class Organization(msgspec.Struct, forbid_unknown_fields=True):
    nombre: str
    titulo: str
    descripcion: str
    comuna_cut: str
    region_iso: str

    def extras(self) -> dict[str, str]:
        return {"comuna_cut": self.comuna_cut, "region_iso": self.region_iso}


class Dataset(msgspec.Struct, forbid_unknown_fields=True):
    nombre: str
    organizacion: str
    titulo: str
    descripcion: str
    licencia: str
    mantenedor: str
    etiquetas: list[str]
    dimension: str
    subdimension: str
    recursos: list[Resource]
    cobertura: dict[str, Any] | None = None

    def territorial_values(self, org: Organization) -> dict[str, list[str] | str]:
        """The plan's classification and coverage, under the names the portal's
        dataset schema gives them (schemas/dataset.yaml)."""
        values: dict[str, list[str] | str] = {
            "dimension": [self.dimension],
            "subdimension": [self.subdimension],
            "region": [org.region_iso],
            "comuna": [org.comuna_cut],
        }
        if self.cobertura is not None:
            # sort_keys keeps the stored text stable, so re-runs compare equal.
            values["spatial"] = json.dumps(self.cobertura, sort_keys=True)
        return values


class DemoCatalog(msgspec.Struct, forbid_unknown_fields=True):
    organizaciones: list[Organization]
    conjuntos: list[Dataset]

    def __len__(self) -> int:
        return len(self.organizaciones) + len(self.conjuntos)

    def organization(self, name: str) -> Organization:
        return next(org for org in self.organizaciones if org.nombre == name)


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
    for kind, names in (("organización", org_names), ("conjunto", dataset_names)):
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
    if problems:
        raise DemoCatalogError(f"{path}: " + "; ".join(problems))
