"""The framework vocabulary: dimensions, sub-dimensions, assignments and initiatives."""

from __future__ import annotations

import re

import pytest

from ckanext.territorio.vocab import Framework, framework, subdimension_dimension

SEVEN_DIMENSIONS = [
    "movilidad",
    "seguridad",
    "salud",
    "medio-ambiente",
    "fomento-productivo",
    "planificacion-urbana",
    "gobierno",
]

# The sub-dimensions DOMAIN.md's table names, by dimension.
NAMED_IN_DOMAIN = {
    "movilidad": [
        "movilidad-sostenible",
        "transporte-publico-integrado",
        "transporte-rural",
        "congestion",
        "conectividad",
        "infraestructura-vial",
        "logistica-y-carga-urbana",
        "electromovilidad",
        "bicicletas-y-ciclovias",
        "estacionamiento",
    ],
    "seguridad": ["seguridad-fisica", "seguridad-digital", "videovigilancia", "alumbrado-publico"],
    "salud": [
        "cobertura-de-especialistas",
        "acceso-a-centros-de-salud",
        "listas-de-espera",
        "telemedicina",
    ],
    "medio-ambiente": [
        "calidad-del-aire",
        "gestion-de-residuos",
        "reciclaje",
        "economia-circular",
        "energia-sostenible",
        "agua",
    ],
    "fomento-productivo": [
        "capital-humano",
        "turismo",
        "innovacion",
        "productividad",
        "emprendimiento",
        "desarrollo-portuario",
        "transformacion-digital-de-empresas",
    ],
    "planificacion-urbana": [
        "infraestructura-urbana",
        "uso-de-suelo",
        "espacios-publicos",
        "areas-verdes",
        "campamentos-y-tomas",
        "vivienda",
    ],
    "gobierno": [
        "datos-abiertos",
        "participacion-ciudadana",
        "gobierno-colaborativo",
        "transparencia",
        "gestion-de-incidencias",
    ],
}


@pytest.fixture(scope="module")
def fw() -> Framework:
    return framework()


def test_the_seven_dimensions_come_first_in_the_plans_order(fw: Framework) -> None:
    assert [d.slug for d in fw.dimensions[:7]] == SEVEN_DIMENSIONS
    assert not any(d.cross_cutting for d in fw.dimensions[:7])


def test_enabling_elements_are_a_cross_cutting_pseudo_dimension(fw: Framework) -> None:
    habilitantes = fw.dimension_by_slug["habilitantes"]
    assert habilitantes.cross_cutting
    assert [s.slug for s in habilitantes.subdimensions] == [
        "telecomunicaciones",
        "energia",
        "capital-humano-digital",
        "regulacion",
        "plataformas-de-datos",
    ]
    assert len(fw.dimensions) == 8


def test_about_fifty_subdimensions_and_enabling_elements(fw: Framework) -> None:
    assert 45 <= len(fw.subdimensions) <= 55


@pytest.mark.parametrize(("dimension", "subdimensions"), sorted(NAMED_IN_DOMAIN.items()))
def test_every_subdimension_named_in_the_domain_is_present(
    fw: Framework, dimension: str, subdimensions: list[str]
) -> None:
    present = [s.slug for s in fw.dimension_by_slug[dimension].subdimensions]
    assert set(subdimensions) <= set(present)


def test_slugs_are_lowercase_ascii_with_hyphens_and_unique(fw: Framework) -> None:
    slugs = [d.slug for d in fw.dimensions] + [s.slug for s in fw.subdimensions]
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) for slug in slugs)
    assert len(slugs) == len(set(slugs))


def test_every_label_has_spanish_and_english(fw: Framework) -> None:
    texts = [d.label for d in fw.dimensions] + [d.description for d in fw.dimensions]
    texts += [s.label for s in fw.subdimensions]
    assert all(t.es and t.en for t in texts)
    assert fw.dimension_by_slug["medio-ambiente"].label.get("en") == "Environment"
    assert fw.dimension_by_slug["medio-ambiente"].label.get("es") == "Medio Ambiente"
    assert fw.dimension_by_slug["planificacion-urbana"].label.get("es_CL") == (
        "Planificación y Desarrollo Urbano"
    )


def test_subdimension_resolves_to_its_dimension(fw: Framework) -> None:
    assert subdimension_dimension("turismo").slug == "fomento-productivo"
    assert subdimension_dimension("seguridad-digital").slug == "seguridad"
    assert subdimension_dimension("telecomunicaciones").slug == "habilitantes"


def test_unknown_subdimension_is_rejected() -> None:
    with pytest.raises(ValueError, match="subdimensión desconocida"):
        subdimension_dimension("teletransporte")


def test_assignments_follow_the_plan(fw: Framework) -> None:
    assigned = {(a.region, a.dimension, a.subdimensions) for a in fw.assignments}
    assert assigned == {
        ("CL-RM", "seguridad", ("seguridad-fisica",)),
        ("CL-RM", "movilidad", ("movilidad-sostenible", "transporte-publico-integrado")),
        ("CL-AR", "movilidad", ()),
        ("CL-BI", "medio-ambiente", ()),  # the whole dimension, "incluyendo especialmente" two
        ("CL-BI", "fomento-productivo", ("capital-humano",)),
        ("CL-NB", "fomento-productivo", ("turismo",)),
        ("CL-NB", "salud", ("cobertura-de-especialistas",)),
        ("CL-AN", "planificacion-urbana", ()),
        (
            "CL-VS",
            "fomento-productivo",
            ("capital-humano", "turismo", "innovacion", "productividad"),
        ),
        ("CL-VS", "seguridad", ("seguridad-digital",)),
    }
    assert all(a.rationale.es for a in fw.assignments)


@pytest.mark.parametrize(
    ("title", "region", "dimension", "comuna"),
    [
        ("Sensorización del tránsito en el centro de Temuco", "CL-AR", "movilidad", "09101"),
        ("Sensores de medición ambiental", "CL-AR", "medio-ambiente", None),
        ("App de gestión de residuos", "CL-AR", "medio-ambiente", None),
        ("Reciclaje a la puerta de la casa", "CL-RM", "medio-ambiente", None),
        ("Telegestión de luminarias", "CL-RM", "medio-ambiente", None),
        ("Bicicletas compartidas", "CL-RM", "movilidad", None),
        ("Piloto SmarDrop en Puente Alto", "CL-RM", "medio-ambiente", "13201"),
        ("Puntos limpios", "CL-BI", "medio-ambiente", None),
        ("Plataforma dinámica de datos y códigos abiertos", "CL-BI", "gobierno", None),
        ("Pabellón a punto", "CL-NB", "salud", None),
        ("Cyberdoc", "CL-AN", "salud", None),
    ],
)
def test_initiatives_named_in_the_plan_are_recorded(
    fw: Framework, title: str, region: str, dimension: str, comuna: str | None
) -> None:
    matches = [i for i in fw.initiatives if i.title == title]
    assert len(matches) == 1
    assert (matches[0].region, matches[0].dimension, matches[0].comuna) == (
        region,
        dimension,
        comuna,
    )


def test_concepcion_real_time_public_transport_initiative(fw: Framework) -> None:
    initiative = next(i for i in fw.initiatives if i.slug == "bi-transporte-publico-tiempo-real")
    assert "tiempo real del transporte público" in initiative.title
    assert initiative.subdimension == "transporte-publico-integrado"


def test_initiatives_cover_the_studied_regions_with_stated_statuses_only(fw: Framework) -> None:
    regions = {i.region for i in fw.initiatives}
    assert regions == {"CL-RM", "CL-AR", "CL-BI", "CL-NB", "CL-AN"}
    assert len(fw.initiatives) == 75
    assert {i.status for i in fw.initiatives} == {None, "piloto"}
    assert len({i.slug for i in fw.initiatives}) == len(fw.initiatives)
