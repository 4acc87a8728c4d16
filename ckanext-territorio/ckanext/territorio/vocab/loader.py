"""Loading and validating the vocabulary files in schemas/vocab/ into a Framework."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .model import (
    Assignment,
    CodeChange,
    Comuna,
    Dimension,
    Framework,
    Initiative,
    InitiativeStatus,
    LocalizedText,
    National,
    Province,
    Region,
    Subdimension,
)
from .source import Node, read_document

DIMENSIONS_FILE = "dimensiones.yaml"
REGIONS_FILE = "regiones.yaml"
COMUNAS_FILE = "comunas.yaml"
ASSIGNMENTS_FILE = "asignaciones.yaml"
INITIATIVES_FILE = "iniciativas.yaml"

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ISO_REGION = re.compile(r"CL-[A-Z]{2}")
NATIONAL_CODE = re.compile(r"[A-Z]{2}")
CUT_REGION = re.compile(r"\d{2}")
CUT_PROVINCE = re.compile(r"\d{3}")
CUT_COMUNA = re.compile(r"\d{5}")
ROMAN = re.compile(r"[IVX]+|RM")
# CKAN dataset names are at most 100 characters
MAX_SLUG_LENGTH = 100


def default_schemas_dir() -> Path:
    """The schemas installed with the package (in a checkout, a link to the repository's schemas/)."""
    return Path(__file__).resolve().parent.parent / "schemas"


def load_framework(schemas_dir: str | Path | None = None) -> Framework:
    """Read and cross-check every vocabulary file; the first problem raises VocabError."""
    vocab_dir = Path(schemas_dir if schemas_dir is not None else default_schemas_dir()) / "vocab"
    dimensions = _load_dimensions(read_document(vocab_dir / DIMENSIONS_FILE))
    regions_file = _load_regions(read_document(vocab_dir / REGIONS_FILE))
    regions = regions_file.regions
    comunas, code_changes = _load_comunas(read_document(vocab_dir / COMUNAS_FILE), regions)
    _check_regions_against_comunas(regions_file, comunas)
    assignments = _load_assignments(
        read_document(vocab_dir / ASSIGNMENTS_FILE), dimensions, regions
    )
    statuses, initiatives = _load_initiatives(
        read_document(vocab_dir / INITIATIVES_FILE), dimensions, regions, comunas
    )
    return Framework(
        dimensions=tuple(dimensions.values()),
        national=regions_file.national,
        regions=tuple(regions.values()),
        comunas=tuple(comunas.values()),
        code_changes=code_changes,
        assignments=assignments,
        initiative_statuses=tuple(statuses.values()),
        initiatives=initiatives,
    )


def _localized(node: Node, *, en_required: bool = True) -> LocalizedText:
    fields = node.mapping(["es", "en"] if en_required else ["es"], [] if en_required else ["en"])
    en = fields.get("en")
    return LocalizedText(es=fields["es"].text(), en=en.text() if en is not None else None)


def _optional(fields: dict[str, Node], key: str) -> Node | None:
    node = fields.get(key)
    return None if node is None or node.is_null() else node


def _slug(node: Node) -> str:
    value = node.text()
    if not SLUG.fullmatch(value) or len(value) > MAX_SLUG_LENGTH:
        raise node.error(
            f"slug inválido '{value}' (solo a-z, 0-9 y guiones, hasta {MAX_SLUG_LENGTH})"
        )
    return value


def _check_total(fields: dict[str, Node], key: str, actual: int, what: str) -> None:
    node = fields[key]
    expected = node.integer()
    if expected != actual:
        raise node.error(f"se esperaban {expected} {what} y el archivo define {actual}")


# --- dimensiones.yaml -------------------------------------------------------------------------


def _load_dimensions(root: Node) -> dict[str, Dimension]:
    seen: dict[str, int] = {}

    def claim(node: Node) -> str:
        slug = _slug(node)
        if slug in seen:
            raise node.error(f"slug duplicado '{slug}' (ya definido en la línea {seen[slug]})")
        seen[slug] = node.line
        return slug

    dimensions: dict[str, Dimension] = {}
    for item in root.mapping(["dimensiones"])["dimensiones"].sequence():
        fields = item.mapping(
            ["slug", "etiqueta", "descripcion", "subdimensiones"], ["transversal"]
        )
        slug = claim(fields["slug"])
        subdimensions = []
        for sub in fields["subdimensiones"].sequence():
            sub_fields = sub.mapping(["slug", "etiqueta"])
            subdimensions.append(
                Subdimension(
                    slug=claim(sub_fields["slug"]),
                    label=_localized(sub_fields["etiqueta"]),
                    dimension=slug,
                )
            )
        cross_cutting = _optional(fields, "transversal")
        dimensions[slug] = Dimension(
            slug=slug,
            label=_localized(fields["etiqueta"]),
            description=_localized(fields["descripcion"]),
            subdimensions=tuple(subdimensions),
            cross_cutting=cross_cutting.boolean() if cross_cutting is not None else False,
        )
    return dimensions


# --- regiones.yaml ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _RegionsFile:
    """regiones.yaml, with the nodes later cross-checks against comunas.yaml point at."""

    national: National
    regions: dict[str, Region]
    capital_nodes: dict[str, Node]
    province_nodes: dict[str, Node]


def _load_regions(root: Node) -> _RegionsFile:
    top = root.mapping(["total_esperado", "nacional", "regiones"])
    national_fields = top["nacional"].mapping(["codigo", "nombre"])
    national = National(
        code=national_fields["codigo"].code(NATIONAL_CODE, "código de país"),
        name=national_fields["nombre"].text(),
    )
    regions: dict[str, Region] = {}
    region_lines: dict[str, int] = {}
    capital_nodes: dict[str, Node] = {}
    province_nodes: dict[str, Node] = {}
    for item in top["regiones"].sequence():
        fields = item.mapping(
            ["iso", "cut", "romano", "nombre", "nombre_oficial", "capital", "provincias"]
        )
        iso = fields["iso"].code(ISO_REGION, "código ISO 3166-2")
        cut = fields["cut"].code(CUT_REGION, "código CUT de región")
        for value, node in ((iso, fields["iso"]), (cut, fields["cut"])):
            if value in region_lines:
                raise node.error(
                    f"región duplicada '{value}' (ya definida en la línea {region_lines[value]})"
                )
            region_lines[value] = node.line
        provinces = []
        for province_node in fields["provincias"].sequence():
            province_fields = province_node.mapping(["cut", "nombre"])
            code_node = province_fields["cut"]
            code = code_node.code(CUT_PROVINCE, "código CUT de provincia")
            if code in province_nodes:
                raise code_node.error(
                    f"provincia duplicada '{code}' "
                    f"(ya definida en la línea {province_nodes[code].line})"
                )
            if code[:2] != cut:
                raise code_node.error(
                    f"el código de provincia {code} no empieza por el de su región ({cut})"
                )
            province_nodes[code] = code_node
            provinces.append(Province(cut=code, name=province_fields["nombre"].text(), region=iso))
        capital_nodes[iso] = fields["capital"]
        regions[iso] = Region(
            iso=iso,
            cut=cut,
            roman=fields["romano"].code(ROMAN, "número romano"),
            name=fields["nombre"].text(),
            official_name=fields["nombre_oficial"].text(),
            capital=fields["capital"].code(CUT_COMUNA, "código CUT de la capital"),
            provinces=tuple(provinces),
        )
    totals = top["total_esperado"].mapping(["regiones", "provincias"])
    _check_total(totals, "regiones", len(regions), "regiones")
    _check_total(totals, "provincias", len(province_nodes), "provincias")
    return _RegionsFile(national, regions, capital_nodes, province_nodes)


# --- comunas.yaml -----------------------------------------------------------------------------


def _load_comunas(
    root: Node, regions: dict[str, Region]
) -> tuple[dict[str, Comuna], tuple[CodeChange, ...]]:
    top = root.mapping(["total_esperado", "comunas"], ["cambios_de_codigo"])
    provinces = {p.cut: p for r in regions.values() for p in r.provinces}
    comunas: dict[str, Comuna] = {}
    lines: dict[str, int] = {}
    for item in top["comunas"].sequence():
        fields = item.mapping(["cut", "nombre", "provincia", "region"], ["alias"])
        cut_node = fields["cut"]
        cut = cut_node.code(CUT_COMUNA, "código CUT")
        if cut in lines:
            raise cut_node.error(
                f"código CUT duplicado {cut} (ya definido en la línea {lines[cut]})"
            )
        region_node = fields["region"]
        iso = region_node.text()
        region = regions.get(iso)
        if region is None:
            raise region_node.error(f"región desconocida '{iso}' (no está en regiones.yaml)")
        province_node = fields["provincia"]
        province_code = province_node.text()
        province = provinces.get(province_code)
        if province is None:
            raise province_node.error(
                f"provincia desconocida '{province_code}' (no está en regiones.yaml)"
            )
        if province.region != iso:
            raise province_node.error(
                f"la provincia {province_code} ({province.name}) es de {province.region}, "
                f"no de {iso}"
            )
        if cut[:2] != region.cut:
            raise cut_node.error(
                f"el código CUT {cut} no corresponde a la región {iso} (código {region.cut})"
            )
        if cut[:3] != province_code:
            raise cut_node.error(
                f"el código CUT {cut} no corresponde a la provincia {province_code}"
            )
        alias_node = _optional(fields, "alias")
        aliases = tuple(a.text() for a in alias_node.sequence()) if alias_node else ()
        lines[cut] = cut_node.line
        comunas[cut] = Comuna(
            cut=cut,
            name=fields["nombre"].text(),
            province=province_code,
            region=iso,
            aliases=aliases,
        )
    _check_total(top, "total_esperado", len(comunas), "comunas")
    changes_node = _optional(top, "cambios_de_codigo")
    changes = _load_code_changes(changes_node, comunas) if changes_node else ()
    return comunas, changes


def _check_regions_against_comunas(regions_file: _RegionsFile, comunas: dict[str, Comuna]) -> None:
    for iso, region in regions_file.regions.items():
        capital = comunas.get(region.capital)
        if capital is None or capital.region != iso:
            raise regions_file.capital_nodes[iso].error(
                f"la capital {region.capital} no es una comuna de {iso} en comunas.yaml"
            )
    with_comunas = {c.province for c in comunas.values()}
    for code, node in regions_file.province_nodes.items():
        if code not in with_comunas:
            raise node.error(f"la provincia {code} no tiene comunas en comunas.yaml")


def _load_code_changes(node: Node, comunas: dict[str, Comuna]) -> tuple[CodeChange, ...]:
    changes: list[CodeChange] = []
    seen: dict[str, int] = {}
    for group in node.sequence():
        fields = group.mapping(["norma", "vigente_desde", "equivalencias"])
        legal_basis = fields["norma"].text()
        effective_from = fields["vigente_desde"].date()
        for pair in fields["equivalencias"].sequence():
            pair_fields = pair.mapping(["anterior", "actual"])
            old_node, new_node = pair_fields["anterior"], pair_fields["actual"]
            old = old_node.code(CUT_COMUNA, "código CUT anterior")
            new = new_node.code(CUT_COMUNA, "código CUT actual")
            if old in seen:
                raise old_node.error(
                    f"código anterior duplicado {old} (ya definido en la línea {seen[old]})"
                )
            if old in comunas:
                raise old_node.error(
                    f"el código anterior {old} es el de una comuna vigente ({comunas[old].name})"
                )
            if new not in comunas:
                raise new_node.error(f"el código actual {new} no es una comuna vigente")
            seen[old] = old_node.line
            changes.append(
                CodeChange(old=old, new=new, effective_from=effective_from, legal_basis=legal_basis)
            )
    return tuple(changes)


# --- asignaciones.yaml ------------------------------------------------------------------------


def _dimension_ref(node: Node, dimensions: dict[str, Dimension]) -> Dimension:
    slug = node.text()
    dimension = dimensions.get(slug)
    if dimension is None:
        raise node.error(f"dimensión desconocida '{slug}' (no está en dimensiones.yaml)")
    return dimension


def _subdimension_ref(node: Node, dimension: Dimension) -> str:
    slug = node.text()
    if slug not in {s.slug for s in dimension.subdimensions}:
        raise node.error(f"'{slug}' no es una subdimensión de '{dimension.slug}'")
    return slug


def _region_ref(node: Node, regions: dict[str, Region]) -> Region:
    iso = node.text()
    region = regions.get(iso)
    if region is None:
        raise node.error(f"región desconocida '{iso}' (no está en regiones.yaml)")
    return region


def _load_assignments(
    root: Node, dimensions: dict[str, Dimension], regions: dict[str, Region]
) -> tuple[Assignment, ...]:
    assignments: list[Assignment] = []
    seen: dict[tuple[str, str], int] = {}
    for item in root.mapping(["asignaciones"])["asignaciones"].sequence():
        fields = item.mapping(["region", "dimension", "fundamento"], ["subdimensiones"])
        region = _region_ref(fields["region"], regions)
        dimension = _dimension_ref(fields["dimension"], dimensions)
        key = (region.iso, dimension.slug)
        if key in seen:
            raise item.error(
                f"asignación duplicada {region.iso} / {dimension.slug} "
                f"(ya definida en la línea {seen[key]})"
            )
        seen[key] = item.line
        subs_node = _optional(fields, "subdimensiones")
        subs = (
            tuple(_subdimension_ref(s, dimension) for s in subs_node.sequence(allow_empty=True))
            if subs_node
            else ()
        )
        assignments.append(
            Assignment(
                region=region.iso,
                dimension=dimension.slug,
                subdimensions=subs,
                rationale=_localized(fields["fundamento"], en_required=False),
            )
        )
    return tuple(assignments)


# --- iniciativas.yaml -------------------------------------------------------------------------


def _load_initiatives(
    root: Node,
    dimensions: dict[str, Dimension],
    regions: dict[str, Region],
    comunas: dict[str, Comuna],
) -> tuple[dict[str, InitiativeStatus], tuple[Initiative, ...]]:
    top = root.mapping(["estados", "iniciativas"])
    statuses: dict[str, InitiativeStatus] = {}
    for item in top["estados"].sequence():
        fields = item.mapping(["slug", "etiqueta"])
        slug = _slug(fields["slug"])
        if slug in statuses:
            raise fields["slug"].error(f"estado duplicado '{slug}'")
        statuses[slug] = InitiativeStatus(slug=slug, label=_localized(fields["etiqueta"]))

    initiatives: list[Initiative] = []
    seen: dict[str, int] = {}
    for item in top["iniciativas"].sequence():
        fields = item.mapping(
            ["slug", "titulo", "region", "dimension"], ["subdimension", "comuna", "estado"]
        )
        slug_node = fields["slug"]
        slug = _slug(slug_node)
        if slug in seen:
            raise slug_node.error(f"slug duplicado '{slug}' (ya definido en la línea {seen[slug]})")
        seen[slug] = slug_node.line
        region = _region_ref(fields["region"], regions)
        dimension = _dimension_ref(fields["dimension"], dimensions)
        sub_node = _optional(fields, "subdimension")
        comuna_node = _optional(fields, "comuna")
        comuna = None
        if comuna_node is not None:
            code = comuna_node.code(CUT_COMUNA, "código CUT")
            if code not in comunas:
                raise comuna_node.error(f"comuna desconocida {code}")
            if comunas[code].region != region.iso:
                raise comuna_node.error(
                    f"la comuna {code} ({comunas[code].name}) no está en {region.iso}"
                )
            comuna = code
        status_node = _optional(fields, "estado")
        status = None
        if status_node is not None:
            status = status_node.text()
            if status not in statuses:
                raise status_node.error(
                    f"estado desconocido '{status}' (se admiten: {', '.join(statuses)})"
                )
        initiatives.append(
            Initiative(
                slug=slug,
                title=fields["titulo"].text(),
                region=region.iso,
                dimension=dimension.slug,
                subdimension=_subdimension_ref(sub_node, dimension) if sub_node else None,
                comuna=comuna,
                status=status,
            )
        )
    return statuses, tuple(initiatives)
