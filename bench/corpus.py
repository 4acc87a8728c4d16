"""Realistic Spanish municipal datasets for the search benchmark."""
from __future__ import annotations

import random
from typing import Any

# (comuna, CUT code, ISO 3166-2 region)
COMUNAS = [
    ("Santiago", "13101", "CL-RM"), ("Temuco", "09101", "CL-AR"),
    ("Concepción", "08101", "CL-BI"), ("Chillán", "16101", "CL-NB"),
    ("Antofagasta", "02101", "CL-AN"), ("Valparaíso", "05101", "CL-VS"),
    ("Viña del Mar", "05109", "CL-VS"), ("Talcahuano", "08110", "CL-BI"),
    ("Padre Las Casas", "09112", "CL-AR"), ("Puerto Montt", "10101", "CL-LL"),
    ("Rancagua", "06101", "CL-LI"), ("Talca", "07101", "CL-ML"),
    ("Arica", "15101", "CL-AP"), ("Iquique", "01101", "CL-TA"),
    ("Copiapó", "03101", "CL-AT"), ("La Serena", "04101", "CL-CO"),
    ("Coquimbo", "04102", "CL-CO"), ("Valdivia", "14101", "CL-LR"),
    ("Osorno", "10301", "CL-LL"), ("Punta Arenas", "12101", "CL-MA"),
    ("Coyhaique", "11101", "CL-AI"), ("Los Ángeles", "08301", "CL-BI"),
    ("Calama", "02201", "CL-AN"), ("Quilpué", "05801", "CL-VS"),
    ("Maipú", "13119", "CL-RM"), ("Puente Alto", "13201", "CL-RM"),
    ("Las Condes", "13114", "CL-RM"), ("Providencia", "13123", "CL-RM"),
    ("Ñuñoa", "13120", "CL-RM"), ("La Florida", "13110", "CL-RM"),
]
# (title, tags, area, dimension)
THEMES = [
    ("Calidad del aire", ["aire", "contaminacion", "mp25", "salud"], "medio ambiente", "medio-ambiente"),
    ("Contaminación atmosférica", ["aire", "contaminacion", "emisiones"], "medio ambiente", "medio-ambiente"),
    ("Recolección de residuos", ["residuos", "reciclaje", "aseo"], "medio ambiente", "medio-ambiente"),
    ("Puntos limpios", ["reciclaje", "residuos", "economia-circular"], "medio ambiente", "medio-ambiente"),
    ("Red de ciclovías", ["bicicletas", "movilidad", "ciclovias"], "movilidad", "movilidad"),
    ("Flujo vehicular", ["transito", "movilidad", "congestion"], "movilidad", "movilidad"),
    ("Paraderos de transporte público", ["transporte", "movilidad", "buses"], "movilidad", "movilidad"),
    ("Estacionamientos", ["estacionamiento", "movilidad"], "movilidad", "movilidad"),
    ("Luminarias públicas", ["alumbrado", "seguridad", "energia"], "seguridad", "seguridad"),
    ("Cámaras de televigilancia", ["seguridad", "videovigilancia"], "seguridad", "seguridad"),
    ("Delitos de mayor connotación social", ["seguridad", "delitos"], "seguridad", "seguridad"),
    ("Listas de espera en salud", ["salud", "listas-de-espera"], "salud", "salud"),
    ("Centros de salud familiar", ["salud", "cesfam", "atencion-primaria"], "salud", "salud"),
    ("Áreas verdes", ["areas-verdes", "espacios-publicos", "urbanismo"], "urbanismo", "planificacion-urbana"),
    ("Permisos de edificación", ["urbanismo", "vivienda", "permisos"], "urbanismo", "planificacion-urbana"),
    ("Campamentos", ["vivienda", "campamentos"], "urbanismo", "planificacion-urbana"),
    ("Patentes comerciales", ["emprendimiento", "comercio", "patentes"], "economía", "fomento-productivo"),
    ("Llegadas de turistas", ["turismo", "economia"], "economía", "fomento-productivo"),
    ("Presupuesto municipal", ["transparencia", "presupuesto", "gobierno"], "gobierno", "gobierno"),
    ("Solicitudes ciudadanas", ["participacion", "gobierno", "reclamos"], "gobierno", "gobierno"),
]
FREQUENCY_CODES = ["HOURLY", "DAILY", "WEEKLY", "MONTHLY", "ANNUAL", "IRREG"]
PERIODS = ["2019", "2020", "2021", "2022", "2023", "2024", "2025", "histórico", "en tiempo real"]
SENTENCES = [
    "Datos publicados por la municipalidad con frecuencia {freq}.",
    "Incluye la ubicación georreferenciada de cada registro en la comuna de {comuna}.",
    "La información proviene de sensores instalados en el centro de la ciudad.",
    "Registros administrativos consolidados por la dirección de tránsito.",
    "Mediciones horarias validadas por la red de monitoreo de la región.",
    "Contiene las solicitudes ingresadas por vecinos y vecinas a través de la plataforma.",
    "Las cifras se actualizan tras la revisión del equipo de datos abiertos.",
    "Se excluyen los datos personales conforme a la Ley 19.628.",
    "Útil para estudios de planificación urbana y políticas públicas locales.",
    "Series de tiempo con indicadores de calidad de servicio.",
]
FREQUENCIES = ["horaria", "diaria", "semanal", "mensual", "anual"]
FORMATS = ["CSV", "CSV", "JSON", "GeoJSON", "XLSX", "PDF", "XML"]
OPEN_FORMATS = ["CSV", "CSV", "JSON", "GeoJSON"]
LICENSES = ["cc-by", "cc-by-sa", "cc-zero", "odc-by", "odc-odbl", "odc-pddl"]


def organization_names(count: int) -> list[tuple[str, str]]:
    """``(name, title)`` of the benchmark's municipalities."""
    out = []
    for i in range(count):
        comuna = COMUNAS[i % len(COMUNAS)][0]
        suffix = "" if i < len(COMUNAS) else f" {i // len(COMUNAS) + 1}"
        out.append((f"bench-muni-{i:02d}", f"Municipalidad de {comuna}{suffix}"))
    return out


def _place(org_title: str) -> tuple[str, str, str]:
    name = org_title.replace("Municipalidad de ", "").rstrip("0123456789 ")
    return next((c for c in COMUNAS if c[0] == name), COMUNAS[0])


def dataset(index: int, rng: random.Random, organizations: list[dict[str, Any]]) -> dict[str, Any]:
    theme, tags, area, dimension = THEMES[rng.randrange(len(THEMES))]
    org = organizations[rng.randrange(len(organizations))]
    comuna, cut, region = _place(org["title"])
    period = rng.choice(PERIODS)
    notes = " ".join(
        rng.choice(SENTENCES).format(freq=rng.choice(FREQUENCIES), comuna=comuna)
        for _ in range(rng.randint(2, 4))
    )
    extra_tags = rng.sample(["datos-abiertos", "georreferenciado", "sensores", "tiempo-real",
                             "historico", area.replace(" ", "-")], k=2)
    resources = [
        {
            "name": f"{theme} {period} ({fmt})",
            "url": f"https://datos.example.cl/{index}/{n}.{fmt.lower()}",
            "format": fmt,
            "description": f"Archivo {fmt} con {theme.lower()}.",
        }
        # The data-use policy requires at least one open, machine-readable format.
        for n, fmt in enumerate(
            [rng.choice(OPEN_FORMATS)] + rng.sample(FORMATS, k=rng.randint(0, 2))
        )
    ]
    return {
        "name": f"bench-{index:06d}",
        "title": f"{theme} en {comuna} {period}",
        "notes": notes,
        "owner_org": org["id"],
        "license_id": rng.choice(LICENSES),
        "dimension": [dimension],
        "region": [region],
        "comuna": [cut],
        "frequency": rng.choice(FREQUENCY_CODES),
        "personal_data": "none",
        "tags": [{"name": t} for t in sorted(set(tags + extra_tags))],
        "resources": resources,
    }


def query_mix(rng: random.Random, organizations: list[str], count: int) -> list[dict[str, Any]]:
    """package_search parameters: free text, filters, five facets, sorts, paging."""
    facets = '["organization", "tags", "res_format", "dimension", "region"]'
    words = ["aire", "residuos", "bicicletas", "contaminacion", "transito", "salud",
             "datos", "municipalidad", "sensores", "presupuesto", "temuco", "reciclaje",
             "calidad del aire", "listas de espera", "\"puntos limpios\"", "luminarias"]
    sorts = ["score desc, metadata_modified desc", "metadata_modified desc",
             "title_string asc", "name asc", "metadata_created desc"]
    mix = []
    for i in range(count):
        params: dict[str, Any] = {"facet.field": facets, "rows": 20}
        kind = i % 5
        if kind in (0, 1, 2):
            params["q"] = rng.choice(words)
        if kind in (1, 3):
            params["fq"] = f'organization:"{rng.choice(organizations)}"'
        if kind == 2:
            params["fq"] = f"res_format:{rng.choice(['CSV', 'JSON', 'GeoJSON'])}"
        if kind == 4:
            params["fq"] = f"dimension:{rng.choice(['movilidad', 'salud', 'medio-ambiente', 'seguridad'])}"
        params["sort"] = rng.choice(sorts)
        params["start"] = rng.choice([0, 0, 0, 20, 40, 100])
        mix.append(params)
    return mix


# Facets both engines are asked for (stock CKAN fields, so the peer gets the same request).
SIDE_BY_SIDE_FACETS = '["organization", "tags", "res_format", "license_id"]'


def ten_query_mix(organization: str) -> list[dict[str, Any]]:
    """Issue 16's fixed mix: broad free text (``registros`` matches about half the corpus,
    ``datos`` about two thirds), four facets, fq filters, sorts and paging, in stock CKAN
    fields only so that a stock CKAN answers the very same requests."""
    facets = {"facet.field": SIDE_BY_SIDE_FACETS, "rows": 20}
    return [
        dict(facets, q="registros"),
        dict(facets, q="datos", start=20),
        dict(facets, q="registros", sort="metadata_modified desc"),
        dict(facets),  # facets over everything, no text
        dict(facets, fq=f'organization:"{organization}"'),
        dict(facets, q="sensores", fq="res_format:CSV"),
        dict(facets, fq="tags:movilidad", sort="title_string asc"),
        dict(facets, q="calidad del aire"),
        dict(facets, q='"puntos limpios"', fq="license_id:cc-by"),
        dict(facets, fq="tags:salud", sort="metadata_created desc", start=40),
    ]
