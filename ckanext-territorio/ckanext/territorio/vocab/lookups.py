"""Cached access to the loaded framework and lookups by code, slug and name."""

from __future__ import annotations

from pathlib import Path

from ..datafiles import FileCache
from .loader import FILES, default_schemas_dir, load_framework
from .model import Comuna, Dimension, Framework, Region, name_key

_cache: FileCache[Path, Framework] = FileCache(
    load_framework, lambda root: [root / "vocab" / name for name in FILES]
)


def framework(schemas_dir: str | Path | None = None) -> Framework:
    """The framework loaded from `schemas_dir` (default: the repository's schemas/), reloaded
    when one of its files changes."""
    root = Path(schemas_dir) if schemas_dir is not None else default_schemas_dir()
    return _cache(root.resolve())


def clear_cache() -> None:
    """Forget loaded frameworks, so the next framework() call reads the files again."""
    _cache.clear()


def _fw(fw: Framework | None) -> Framework:
    return fw if fw is not None else framework()


def normalise_comuna_code(code: str | int, *, fw: Framework | None = None) -> str:
    """The current 5-digit CUT code for `code`.

    Accepts codes without the leading zero ("9101", 9101) and codes replaced since
    ("08401", Chillán before Ñuble became a region, gives "16101"). Raises ValueError for
    malformed or unknown codes.
    """
    fw = _fw(fw)
    text = str(code).strip()
    if not text.isdigit() or len(text) not in (4, 5):
        raise ValueError(f"código de comuna inválido: '{code}' (se esperan 4 o 5 dígitos)")
    text = text.zfill(5)
    change = fw.code_change_by_old.get(text)
    if change is not None:
        text = change.new
    if text not in fw.comuna_by_cut:
        raise ValueError(f"código de comuna desconocido: '{code}'")
    return text


def comuna(code: str | int, *, fw: Framework | None = None) -> Comuna:
    """The comuna with CUT `code` (normalised as in normalise_comuna_code)."""
    fw = _fw(fw)
    return fw.comuna_by_cut[normalise_comuna_code(code, fw=fw)]


def region_of_comuna(code: str | int, *, fw: Framework | None = None) -> Region:
    """The region a comuna (CUT code) belongs to."""
    fw = _fw(fw)
    return fw.region_by_iso[comuna(code, fw=fw).region]


def find_comuna_by_name(
    name: str, *, region: str | None = None, fw: Framework | None = None
) -> Comuna | None:
    """The comuna called `name` (accents, case and known variants ignored), or None.

    Raises ValueError when the name matches comunas in several regions and `region` does not
    settle it.
    """
    fw = _fw(fw)
    matches = fw.comunas_by_name_key.get(name_key(name), ())
    if region is not None:
        iso = normalise_region_code(region, fw=fw)
        matches = tuple(c for c in matches if c.region == iso)
    if len(matches) > 1:
        codes = ", ".join(c.cut for c in matches)
        raise ValueError(f"el nombre '{name}' corresponde a varias comunas ({codes})")
    return matches[0] if matches else None


def normalise_region_code(value: str | int, *, fw: Framework | None = None) -> str:
    """The ISO 3166-2 code for a region given as ISO ("cl-nb"), CUT ("16", 9) or roman
    numeral ("XVI", "RM"); the national code ("CL") is returned as is. Raises ValueError."""
    fw = _fw(fw)
    text = str(value).strip().upper()
    if text == fw.national.code:
        return text
    if text in fw.region_by_iso:
        return text
    if text.isdigit() and len(text) <= 2 and text.zfill(2) in fw.region_by_cut:
        return fw.region_by_cut[text.zfill(2)].iso
    for region in fw.regions:
        if text == region.roman:
            return region.iso
    raise ValueError(f"región desconocida: '{value}'")


def is_valid_region(code: str, *, fw: Framework | None = None) -> bool:
    """Whether `code` is a region's ISO 3166-2 code or the national code ("CL")."""
    fw = _fw(fw)
    return code == fw.national.code or code in fw.region_by_iso


def is_valid_comuna(code: str, *, fw: Framework | None = None) -> bool:
    """Whether `code` is, exactly as given, the current CUT code of a comuna."""
    return code in _fw(fw).comuna_by_cut


def dimension(slug: str, *, fw: Framework | None = None) -> Dimension:
    """The dimension with this slug (ValueError with a Spanish message if unknown)."""
    fw = _fw(fw)
    try:
        return fw.dimension_by_slug[slug]
    except KeyError:
        raise ValueError(f"dimensión desconocida: '{slug}'") from None


def subdimension_dimension(slug: str, *, fw: Framework | None = None) -> Dimension:
    """The dimension that sub-dimension `slug` belongs to. Raises ValueError."""
    fw = _fw(fw)
    sub = fw.subdimension_by_slug.get(slug)
    if sub is None:
        raise ValueError(f"subdimensión desconocida: '{slug}'")
    return fw.dimension_by_slug[sub.dimension]


def canonical_subdimension(slug: str, *, fw: Framework | None = None) -> str:
    """The slug in force for ``slug`` (a former slug gives its successor); unknown ones as they are."""
    sub = _fw(fw).subdimension_by_slug.get(slug)
    return sub.slug if sub is not None else slug
