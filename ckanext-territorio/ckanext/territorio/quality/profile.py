"""schemas/quality.yaml: scoring profiles as data, checked on load (file and line on error)."""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..vocab.loader import default_schemas_dir
from ..vocab.model import LocalizedText
from ..vocab.source import Node, VocabError, read_document

QUALITY_FILE = "quality.yaml"
RATINGS = ("excellent", "good", "sufficient", "bad")
ENTITIES = ("dataset", "distribucion", "dataset_o_distribucion")
DISTRIBUTION_MODES = ("proporcional", "alguna", "todas")
TEXT_KEYS = ("cumple", "no_cumple", "no_aplica", "pendiente", "distribuciones", "sin_distribuciones")

QualityFileError = VocabError

_ID = re.compile(r"[a-z]+(?:\.[a-z_]+)+")
_SLUG = re.compile(r"[a-z][a-z0-9_]*")
_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-_]*")
# a band's points are compared after rounding the total to one decimal
EPSILON = 1e-9


# --- value readers: each turns a YAML node into a typed value or raises with its line -------


def number(node: Node) -> float:
    result = node.number()
    if result < 0 or result != result:  # negative or NaN
        raise node.error(f"se esperaba un número no negativo, no '{node.text()}'")
    return result


def share(node: Node) -> float:
    value = number(node)
    if value > 1:
        raise node.error(f"se esperaba una proporción entre 0 y 1, no '{node.text()}'")
    return value


def choice(options: Collection[str]) -> Callable[[Node], str]:
    def read(node: Node) -> str:
        value = node.text()
        if value not in options:
            raise node.error(f"valor inválido '{value}' (se admiten: {', '.join(options)})")
        return value

    return read


def texts(node: Node) -> tuple[str, ...]:
    return tuple(item.text() for item in node.sequence(allow_empty=True))


def localized(node: Node) -> LocalizedText:
    fields = node.mapping(["es", "en"])
    return LocalizedText(es=fields["es"].text(), en=fields["en"].text())


def _keys(node: Node) -> list[str]:
    if node.is_null():
        return []
    return [str(k.value) for k, _ in getattr(node.node, "value", [])]


# --- the file's records ------------------------------------------------------------------


@dataclass(frozen=True)
class Methodology:
    name: str
    version: str
    date: str
    url: str
    manual: str


@dataclass(frozen=True)
class Dimension:
    id: str
    label: LocalizedText


@dataclass(frozen=True)
class Indicator:
    """One indicator the engine computes (its function is registered by id in indicators.py)."""

    id: str
    dimension: str
    entity: str
    dcat_property: str
    label: LocalizedText
    fix: LocalizedText
    detail: LocalizedText | None
    params: Mapping[str, Any]
    line: int

    @property
    def on_distributions(self) -> bool:
        return self.entity == "distribucion"


@dataclass(frozen=True)
class Band:
    rating: str
    minimum: float


@dataclass(frozen=True)
class Profile:
    """Points per indicator and the rating bands.

    ``bands`` are absolute points when ``scale`` is None; otherwise they are the bands of a
    profile whose maximum is ``scale``, applied as shares of each dataset's own maximum.
    """

    id: str
    title: LocalizedText
    distributions: str
    points: Mapping[str, float]
    bands: tuple[Band, ...]
    scale: float | None
    line: int

    @property
    def max_points(self) -> float:
        return float(sum(self.points.values()))

    def rating(self, points: float, max_points: float) -> str:
        """The band the total reaches: absolute points, or shares of ``max_points``."""
        for band in self.bands:
            if self.scale is None:
                if points + EPSILON >= band.minimum:
                    return band.rating
            elif points * self.scale + EPSILON >= band.minimum * max_points:
                return band.rating
        return self.bands[-1].rating


@dataclass(frozen=True)
class FormatLists:
    non_proprietary: frozenset[str]
    machine_readable: frozenset[str]
    use_policy_non_proprietary: bool
    use_policy_machine_readable: bool


@dataclass(frozen=True)
class QualityFile:
    version: str
    path: Path
    methodology: Methodology
    default_profile: str
    dataset_types: tuple[str, ...]
    texts: Mapping[str, LocalizedText]
    formats: FormatLists
    dimensions: tuple[Dimension, ...]
    indicators: Mapping[str, Indicator]
    profiles: Mapping[str, Profile]
    dimension_by_id: Mapping[str, Dimension] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # frozen dataclass: the lookup is derived once here
        object.__setattr__(
            self, "dimension_by_id", MappingProxyType({d.id: d for d in self.dimensions})
        )

    def profile(self, profile_id: str | None = None) -> Profile:
        return self.profiles[profile_id or self.default_profile]


# --- parsing ------------------------------------------------------------------------------


def _methodology(node: Node) -> Methodology:
    fields = node.mapping(["nombre", "version", "fecha", "url", "manual"])
    fields["fecha"].date()
    return Methodology(
        name=fields["nombre"].text(),
        version=fields["version"].text(),
        date=fields["fecha"].text(),
        url=fields["url"].text(),
        manual=fields["manual"].text(),
    )


def _format_set(node: Node) -> tuple[bool, frozenset[str]]:
    fields = node.mapping(["de_la_politica", "ademas"])
    return fields["de_la_politica"].boolean(), frozenset(
        t.upper() for t in texts(fields["ademas"])
    )


def _formats(node: Node) -> FormatLists:
    fields = node.mapping(["no_propietarios", "legibles_por_maquina"])
    policy_np, non_proprietary = _format_set(fields["no_propietarios"])
    policy_mr, machine_readable = _format_set(fields["legibles_por_maquina"])
    return FormatLists(
        non_proprietary=non_proprietary,
        machine_readable=machine_readable,
        use_policy_non_proprietary=policy_np,
        use_policy_machine_readable=policy_mr,
    )


def _dimensions(node: Node) -> tuple[Dimension, ...]:
    found: dict[str, Dimension] = {}
    for item in node.sequence():
        fields = item.mapping(["id", "etiqueta"])
        dim_id = fields["id"].code(_SLUG, "identificador de dimensión")
        if dim_id in found:
            raise fields["id"].error(f"dimensión duplicada '{dim_id}'")
        found[dim_id] = Dimension(id=dim_id, label=localized(fields["etiqueta"]))
    return tuple(found.values())


def _indicator(
    item: Node, dimensions: Collection[str], specs: Mapping[str, Mapping[str, Callable[[Node], Any]]]
) -> Indicator:
    fields = item.mapping(
        ["id", "dimension", "calculado_en", "propiedad", "etiqueta", "arreglo"],
        ["detalle", "parametros"],
    )
    id_node = fields["id"]
    indicator_id = id_node.code(_ID, "identificador de indicador")
    spec = specs.get(indicator_id)
    if spec is None:
        raise id_node.error(
            f"indicador desconocido '{indicator_id}' (se admiten: {', '.join(sorted(specs))})"
        )
    dimension = fields["dimension"].text()
    if dimension not in dimensions:
        raise fields["dimension"].error(
            f"dimensión desconocida '{dimension}' (se admiten: {', '.join(dimensions)})"
        )
    entity = choice(ENTITIES)(fields["calculado_en"])
    params: dict[str, Any] = {}
    params_node = fields.get("parametros")
    if spec:
        if params_node is None:
            raise item.error(f"el indicador '{indicator_id}' necesita 'parametros'")
        given = params_node.mapping(list(spec))
        params = {name: spec[name](node) for name, node in given.items()}
    elif params_node is not None and not params_node.is_null():
        params_node.mapping([])
    detail = fields.get("detalle")
    return Indicator(
        id=indicator_id,
        dimension=dimension,
        entity=entity,
        dcat_property=fields["propiedad"].text(),
        label=localized(fields["etiqueta"]),
        fix=localized(fields["arreglo"]),
        detail=localized(detail) if detail is not None else None,
        params=MappingProxyType(params),
        line=item.line,
    )


def _bands(node: Node) -> tuple[Band, ...]:
    given = node.mapping(RATINGS)
    bands = [Band(rating, number(given[rating])) for rating in RATINGS]
    for higher, lower in zip(bands, bands[1:], strict=False):
        if lower.minimum >= higher.minimum:
            raise given[lower.rating].error(
                f"la banda '{lower.rating}' debe empezar por debajo de '{higher.rating}'"
            )
    if bands[-1].minimum != 0:
        raise given["bad"].error("la banda 'bad' debe empezar en 0")
    return tuple(bands)


def _profile(
    item: Node, indicators: Mapping[str, Indicator], earlier: Mapping[str, Profile]
) -> Profile:
    fields = item.mapping(["id", "titulo", "distribuciones", "puntos", "bandas"], ["incluye"])
    profile_id = fields["id"].code(_SLUG, "identificador de perfil")
    points: dict[str, float] = {}
    base: Profile | None = None
    include = fields.get("incluye")
    if include is not None:
        base_id = include.text()
        base = earlier.get(base_id)
        if base is None:
            raise include.error(f"'incluye' nombra un perfil no definido antes: '{base_id}'")
        points.update(base.points)
    points_node = fields["puntos"]
    for name, node in points_node.mapping(_keys(points_node)).items():
        if name not in indicators:
            raise node.error(f"indicador no definido en 'indicadores': '{name}'")
        points[name] = number(node)
    if not points:
        raise points_node.error("el perfil no tiene indicadores")
    bands_node = fields["bandas"]
    scale: float | None = None
    if "proporcionales_a" in _keys(bands_node):
        ref_node = bands_node.mapping(["proporcionales_a"])["proporcionales_a"]
        ref = earlier.get(ref_node.text())
        if ref is None:
            raise ref_node.error(f"perfil no definido antes: '{ref_node.text()}'")
        if ref.scale is not None:
            raise ref_node.error("las bandas de referencia deben estar en puntos")
        bands, scale = ref.bands, ref.max_points
    else:
        bands = _bands(bands_node)
        top = bands[0].minimum
        if top > sum(points.values()):
            raise bands_node.error(
                f"la banda 'excellent' ({top:g}) supera el máximo del perfil ({sum(points.values()):g})"
            )
    return Profile(
        id=profile_id,
        title=localized(fields["titulo"]),
        distributions=choice(DISTRIBUTION_MODES)(fields["distribuciones"]),
        points=MappingProxyType(points),
        bands=bands,
        scale=scale,
        line=item.line,
    )


def load_quality(
    path: str | Path | None = None,
    *,
    specs: Mapping[str, Mapping[str, Callable[[Node], Any]]] | None = None,
) -> QualityFile:
    """Read and check the scoring file; the first problem raises QualityFileError (file, line).

    ``specs`` maps each indicator id the engine knows to its parameter readers (default:
    the registry in ``indicators.py``).
    """
    if specs is None:
        from .indicators import PARAMETERS

        specs = PARAMETERS
    quality_path = Path(path) if path is not None else default_schemas_dir() / QUALITY_FILE
    root = read_document(quality_path)
    top = root.mapping(
        [
            "version",
            "metodologia",
            "perfil_por_defecto",
            "tipos",
            "textos",
            "formatos",
            "dimensiones",
            "indicadores",
            "perfiles",
        ]
    )
    version = top["version"].code(_VERSION, "versión")
    text_nodes = top["textos"].mapping(TEXT_KEYS)
    dimensions = _dimensions(top["dimensiones"])
    dimension_ids = [d.id for d in dimensions]
    indicators: dict[str, Indicator] = {}
    for item in top["indicadores"].sequence():
        indicator = _indicator(item, dimension_ids, specs)
        if indicator.id in indicators:
            raise item.error(
                f"indicador duplicado '{indicator.id}' "
                f"(ya definido en la línea {indicators[indicator.id].line})"
            )
        indicators[indicator.id] = indicator
    profiles: dict[str, Profile] = {}
    for item in top["perfiles"].sequence():
        profile = _profile(item, indicators, profiles)
        if profile.id in profiles:
            raise item.error(f"perfil duplicado '{profile.id}'")
        profiles[profile.id] = profile
    if "mqa" not in profiles:
        raise top["perfiles"].error("falta el perfil 'mqa' (la comparación con data.europa.eu)")
    default_node = top["perfil_por_defecto"]
    default = default_node.text()
    if default not in profiles:
        raise default_node.error(
            f"perfil por defecto desconocido '{default}' (se admiten: {', '.join(profiles)})"
        )
    dataset_types = texts(top["tipos"])
    if not dataset_types:
        raise top["tipos"].error("indique al menos un tipo de conjunto")
    return QualityFile(
        version=version,
        path=quality_path.resolve(),
        methodology=_methodology(top["metodologia"]),
        default_profile=default,
        dataset_types=dataset_types,
        texts=MappingProxyType({key: localized(node) for key, node in text_nodes.items()}),
        formats=_formats(top["formatos"]),
        dimensions=dimensions,
        indicators=MappingProxyType(indicators),
        profiles=MappingProxyType(profiles),
    )


@functools.lru_cache(maxsize=8)
def _load_cached(path: Path, mtime_ns: int) -> QualityFile:
    return load_quality(path)


def quality_file(path: str | Path | None = None) -> QualityFile:
    """The scoring file in `path` (default: schemas/quality.yaml), cached per edit."""
    quality_path = Path(path) if path is not None else default_schemas_dir() / QUALITY_FILE
    quality_path = quality_path.resolve()
    try:
        mtime = quality_path.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return _load_cached(quality_path, mtime)


def clear_cache() -> None:
    _load_cached.cache_clear()
