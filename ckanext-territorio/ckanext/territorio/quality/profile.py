"""schemas/quality.yaml: scoring profiles as data, checked on load (file and line on error)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal

import msgspec

from ..datafiles import DataFileError, Document, FileCache, read
from ..vocab.loader import default_schemas_dir
from ..vocab.model import Bilingual, LocalizedText, Text
from .indicators import PARAMETERS
from .params import NonNegative
from .terms import RATINGS

QUALITY_FILE = "quality.yaml"
ENTITIES = ("dataset", "distribucion", "dataset_o_distribucion")
DISTRIBUTION_MODES = ("proporcional", "alguna", "todas")
TEXT_KEYS = (
    "cumple",
    "no_cumple",
    "no_aplica",
    "pendiente",
    "distribuciones",
    "sin_distribuciones",
)

QualityFileError = DataFileError

# a band's points are compared after rounding the total to one decimal
EPSILON = 1e-9

# --- value types: indicators.py declares each indicator's parameters with these -------------

Id = Annotated[
    str, msgspec.Meta(pattern=r"^[a-z]+(?:\.[a-z_]+)+$", description="p. ej. mqa.keyword")
]
SlugId = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*$", description="a-z, 0-9 y _")]
Version = Annotated[str, msgspec.Meta(pattern=r"^[0-9A-Za-z][0-9A-Za-z.\-_]*$")]


# --- the file's records ------------------------------------------------------------------


class Methodology(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The methodology the scores follow (its date as written, AAAA-MM-DD)."""

    name: Text = msgspec.field(name="nombre")
    version: Text
    date: Text = msgspec.field(name="fecha")
    url: Text
    manual: Text

    def __post_init__(self) -> None:
        try:
            dt.date.fromisoformat(self.date)
        except ValueError:
            raise ValueError(f"fecha inválida '{self.date}' (formato AAAA-MM-DD)") from None


class Dimension(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A scoring dimension (findability ...)."""

    id: SlugId
    label: Bilingual = msgspec.field(name="etiqueta")


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
    # indicators that one fault fails together (a broken link fails three): one fix for all
    problem: str | None = None

    @property
    def on_distributions(self) -> bool:
        """Whether the indicator is computed per resource (distribution)."""
        return self.entity == "distribucion"


@dataclass(frozen=True)
class Band:
    """A rating band: the rating a total reaches from ``minimum`` points."""

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
        """The most points a dataset can get under this profile."""
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
    """Which formats count as non-proprietary and machine-readable."""

    non_proprietary: frozenset[str]
    machine_readable: frozenset[str]
    use_policy_non_proprietary: bool
    use_policy_machine_readable: bool


@dataclass(frozen=True)
class QualityFile:
    """The scoring file as loaded: indicators, dimensions, profiles, texts."""

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
        """The profile with this id, or the file's default one."""
        return self.profiles[profile_id or self.default_profile]


# --- the file's shape ------------------------------------------------------------------


class _Shape(msgspec.Struct, forbid_unknown_fields=True):
    """Base of the file's shapes: unknown keys refused."""


class _FormatSet(_Shape):
    de_la_politica: bool
    ademas: tuple[Text, ...]


class _Formats(_Shape):
    no_propietarios: _FormatSet
    legibles_por_maquina: _FormatSet


class _Indicator(_Shape):
    id: Id
    dimension: Text
    calculado_en: Literal["dataset", "distribucion", "dataset_o_distribucion"]
    propiedad: Text
    etiqueta: Bilingual
    arreglo: Bilingual
    detalle: Bilingual | None = None
    parametros: dict[str, Any] | None = None
    problema: SlugId | None = None


class _Bands(_Shape):
    excellent: NonNegative
    good: NonNegative
    sufficient: NonNegative
    bad: NonNegative


class _Proportional(_Shape):
    proporcionales_a: Text


class _Profile(_Shape):
    id: SlugId
    titulo: Bilingual
    distribuciones: Literal["proporcional", "alguna", "todas"]
    puntos: dict[str, NonNegative]
    bandas: dict[str, Any]
    incluye: Text | None = None


_Texts = msgspec.defstruct(
    "_Texts", [(k, Bilingual) for k in TEXT_KEYS], forbid_unknown_fields=True
)


def _nonempty(tp: Any) -> Any:
    return Annotated[tp, msgspec.Meta(min_length=1)]


class _QualityFile(_Shape):
    version: Version
    metodologia: Methodology
    perfil_por_defecto: Text
    tipos: _nonempty(tuple[Text, ...])  # type: ignore[valid-type]
    textos: _Texts  # type: ignore[valid-type]
    formatos: _Formats
    dimensiones: _nonempty(list[Dimension])  # type: ignore[valid-type]
    indicadores: _nonempty(list[_Indicator])  # type: ignore[valid-type]
    perfiles: _nonempty(list[_Profile])  # type: ignore[valid-type]


# --- checks across entries --------------------------------------------------------------

Specs = Mapping[str, Mapping[str, Any]]


def _indicator(
    doc: Document[_QualityFile], i: int, dimensions: Collection[str], specs: Specs
) -> Indicator:
    entry, at = doc.value.indicadores[i], ("indicadores", i)
    spec = specs.get(entry.id)
    known = ", ".join(sorted(specs))
    doc.check(
        spec is not None, f"indicador desconocido '{entry.id}' (se admiten: {known})", *at, "id"
    )
    assert spec is not None
    message = f"dimensión desconocida '{entry.dimension}' (se admiten: {', '.join(dimensions)})"
    doc.check(entry.dimension in dimensions, message, *at, "dimension")
    params: dict[str, Any] = {}
    if spec or entry.parametros:
        message = f"el indicador '{entry.id}' necesita 'parametros'"
        doc.check(entry.parametros is not None, message, *at)
        shape = msgspec.defstruct(entry.id, list(spec.items()), forbid_unknown_fields=True)
        given = doc.convert(shape, *at, "parametros")
        params = {name: getattr(given, name) for name in spec}
    return Indicator(
        entry.id, entry.dimension, entry.calculado_en, entry.propiedad, entry.etiqueta,
        entry.arreglo, entry.detalle, MappingProxyType(params), doc.line(*at), entry.problema,
    )  # fmt: skip


def _bands(doc: Document[_QualityFile], i: int) -> tuple[Band, ...]:
    at = ("perfiles", i, "bandas")
    given = doc.convert(_Bands, *at)
    bands = [Band(rating, getattr(given, rating)) for rating in RATINGS]
    for higher, lower in zip(bands, bands[1:], strict=False):
        message = f"la banda '{lower.rating}' debe empezar por debajo de '{higher.rating}'"
        doc.check(lower.minimum < higher.minimum, message, *at, lower.rating)
    doc.check(bands[-1].minimum == 0, "la banda 'bad' debe empezar en 0", *at, "bad")
    return tuple(bands)


def _profile(
    doc: Document[_QualityFile],
    i: int,
    indicators: Mapping[str, Indicator],
    earlier: Mapping[str, Profile],
) -> Profile:
    entry, at = doc.value.perfiles[i], ("perfiles", i)
    points: dict[str, float] = {}
    if entry.incluye is not None:
        base = earlier.get(entry.incluye)
        message = f"'incluye' nombra un perfil no definido antes: '{entry.incluye}'"
        doc.check(base, message, *at, "incluye")
        assert base is not None
        points.update(base.points)
    for name, value in entry.puntos.items():
        message = f"indicador no definido en 'indicadores': '{name}'"
        doc.check(name in indicators, message, *at, "puntos", name)
        points[name] = value
    doc.check(points, "el perfil no tiene indicadores", *at, "puntos")
    scale: float | None = None
    if "proporcionales_a" in entry.bandas:
        ref_id = doc.convert(_Proportional, *at, "bandas").proporcionales_a
        ref = earlier.get(ref_id)
        ref_at = (*at, "bandas", "proporcionales_a")
        doc.check(ref, f"perfil no definido antes: '{ref_id}'", *ref_at)
        assert ref is not None
        doc.check(ref.scale is None, "las bandas de referencia deben estar en puntos", *ref_at)
        bands, scale = ref.bands, ref.max_points
    else:
        bands, top = _bands(doc, i), sum(points.values())
        message = (
            f"la banda 'excellent' ({bands[0].minimum:g}) supera el máximo del perfil ({top:g})"
        )
        doc.check(bands[0].minimum <= top, message, *at, "bandas")
    return Profile(
        entry.id, entry.titulo, entry.distribuciones, MappingProxyType(points), bands, scale,
        doc.line(*at),
    )  # fmt: skip


def load_quality(path: str | Path | None = None, *, specs: Specs | None = None) -> QualityFile:
    """Read and check the scoring file; the first problem raises QualityFileError (file, line).

    ``specs`` maps each indicator id the engine knows to its parameters' types (default:
    the registry in ``indicators.py``).
    """
    if specs is None:
        specs = PARAMETERS
    quality_path = Path(path) if path is not None else default_schemas_dir() / QUALITY_FILE
    doc = read(quality_path, _QualityFile)
    top = doc.value
    dimensions: dict[str, Dimension] = {}
    for i, dim in enumerate(top.dimensiones):
        if dim.id in dimensions:
            raise doc.error(f"dimensión duplicada '{dim.id}'", "dimensiones", i, "id")
        dimensions[dim.id] = dim
    indicators: dict[str, Indicator] = {}
    for i in range(len(top.indicadores)):
        indicator = _indicator(doc, i, list(dimensions), specs)
        if indicator.id in indicators:
            raise doc.error(
                f"indicador duplicado '{indicator.id}' "
                f"(ya definido en la línea {indicators[indicator.id].line})",
                "indicadores",
                i,
            )
        indicators[indicator.id] = indicator
    profiles: dict[str, Profile] = {}
    for i in range(len(top.perfiles)):
        profile = _profile(doc, i, indicators, profiles)
        if profile.id in profiles:
            raise doc.error(f"perfil duplicado '{profile.id}'", "perfiles", i)
        profiles[profile.id] = profile
    if "mqa" not in profiles:
        raise doc.error("falta el perfil 'mqa' (la comparación con data.europa.eu)", "perfiles")
    if top.perfil_por_defecto not in profiles:
        raise doc.error(
            f"perfil por defecto desconocido '{top.perfil_por_defecto}' "
            f"(se admiten: {', '.join(profiles)})",
            "perfil_por_defecto",
        )
    formats = top.formatos
    return QualityFile(
        version=top.version,
        path=quality_path.resolve(),
        methodology=top.metodologia,
        default_profile=top.perfil_por_defecto,
        dataset_types=top.tipos,
        texts=MappingProxyType({key: getattr(top.textos, key) for key in TEXT_KEYS}),
        formats=FormatLists(
            non_proprietary=frozenset(t.upper() for t in formats.no_propietarios.ademas),
            machine_readable=frozenset(t.upper() for t in formats.legibles_por_maquina.ademas),
            use_policy_non_proprietary=formats.no_propietarios.de_la_politica,
            use_policy_machine_readable=formats.legibles_por_maquina.de_la_politica,
        ),
        dimensions=tuple(dimensions.values()),
        indicators=MappingProxyType(indicators),
        profiles=MappingProxyType(profiles),
    )


_cache: FileCache[Path, QualityFile] = FileCache(load_quality, lambda path: [path])


def quality_file(path: str | Path | None = None) -> QualityFile:
    """The scoring file in `path` (default: schemas/quality.yaml), reloaded on edit."""
    quality_path = Path(path) if path is not None else default_schemas_dir() / QUALITY_FILE
    return _cache(quality_path.resolve())


def clear_cache() -> None:
    """Forget loaded scoring files, so the next call reads the file again."""
    _cache.clear()
