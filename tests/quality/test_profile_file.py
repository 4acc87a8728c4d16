"""schemas/quality.yaml: the MQA profile as published, the portal's on top, bad files refused."""
from __future__ import annotations

from pathlib import Path

import pytest
from quality_helpers import QUALITY_FILE, environment, facts, perfect_package

from ckanext.territorio.quality import engine
from ckanext.territorio.quality.profile import QualityFileError, load_quality

MQA_DIMENSIONS = {
    "findability": 100,
    "accessibility": 100,
    "interoperability": 110,
    "reusability": 75,
    "contextuality": 20,
}


def test_the_mqa_profile_has_the_methodologys_indicators_points_and_bands():
    quality = load_quality(QUALITY_FILE)
    mqa = quality.profiles["mqa"]

    assert len(mqa.points) == 23
    assert mqa.max_points == 405
    per_dimension: dict[str, float] = {}
    for indicator_id, points in mqa.points.items():
        dimension = quality.indicators[indicator_id].dimension
        per_dimension[dimension] = per_dimension.get(dimension, 0) + points
    assert per_dimension == MQA_DIMENSIONS
    assert [(b.rating, b.minimum) for b in mqa.bands] == [
        ("excellent", 351), ("good", 221), ("sufficient", 121), ("bad", 0)
    ]
    assert quality.methodology.url.startswith("https://data.europa.eu/mqa/methodology")
    assert quality.methodology.date == "2026-11-25"


def test_the_portal_profile_is_every_mqa_indicator_plus_the_data_dimension():
    quality = load_quality(QUALITY_FILE)
    portal, mqa = quality.profiles["territorio"], quality.profiles["mqa"]

    assert quality.default_profile == "territorio"
    assert {k: v for k, v in portal.points.items() if k in mqa.points} == dict(mqa.points)
    extra = {quality.indicators[i].dimension for i in portal.points if i not in mqa.points}
    assert extra == {"datos"}
    assert portal.scale == 405 and portal.bands == mqa.bands
    # every indicator has both languages for its label and its fix
    for indicator in quality.indicators.values():
        assert indicator.label.es and indicator.label.en and indicator.fix.es and indicator.fix.en


@pytest.mark.parametrize(
    ("points", "rating"),
    [(0, "bad"), (120, "bad"), (120.5, "bad"), (121, "sufficient"), (220, "sufficient"),
     (221, "good"), (350, "good"), (350.9, "good"), (351, "excellent"), (405, "excellent")],
)
def test_mqa_rating_band_edges(points: float, rating: str):
    mqa = load_quality(QUALITY_FILE).profiles["mqa"]

    assert mqa.rating(points, 405) == rating


@pytest.mark.parametrize(
    ("points", "rating"),
    # a dataset whose maximum is 810 (twice the MQA's): every MQA edge doubled
    [(241.9, "bad"), (242, "sufficient"), (441.9, "sufficient"), (442, "good"),
     (701.9, "good"), (702, "excellent"), (810, "excellent")],
)
def test_portal_bands_are_the_mqa_bands_as_shares_of_the_maximum(points: float, rating: str):
    portal = load_quality(QUALITY_FILE).profiles["territorio"]

    assert portal.rating(points, 810) == rating


def _copy(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    text = QUALITY_FILE.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "quality.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(path: Path, text: str) -> int:
    content = path.read_text(encoding="utf-8")
    return content[: content.index(text)].count("\n") + 1


def test_changing_a_weight_in_the_file_changes_the_score(tmp_path: Path):
    package = perfect_package()
    package["tags"] = []
    before = engine.score(facts(package), environment(), "mqa")

    heavier = _copy(tmp_path, ("      mqa.keyword: 30\n", "      mqa.keyword: 60\n"))
    after = engine.score(facts(package), environment(heavier), "mqa")

    assert (before.main.points, before.main.max_points) == (375.0, 405.0)
    assert (after.main.points, after.main.max_points) == (375.0, 435.0)
    assert (after.fixes[0]["indicator"], after.fixes[0]["gain"]) == ("mqa.keyword", 60.0)
    assert (before.fixes[0]["indicator"], before.fixes[0]["gain"]) == ("mqa.keyword", 30.0)


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        ("  - id: mqa.rights\n", "  - id: mqa.derechos\n", "mqa.derechos", "indicador desconocido 'mqa.derechos'"),
        ("      mqa.byte_size: 5\n", "      mqa.byte_size: cinco\n", "cinco", "se esperaba un número"),
        ("      mqa.byte_size: 5\n", "      mqa.tamano: 5\n", "mqa.tamano", "indicador no definido"),
        ("      good: 221\n", "      good: 400\n", "400", "la banda 'good' debe empezar por debajo de 'excellent'"),
        ("    dimension: contextuality\n    calculado_en: distribucion\n    propiedad: dct:rights",
         "    dimension: contexto\n    calculado_en: distribucion\n    propiedad: dct:rights",
         "contexto", "dimensión desconocida 'contexto'"),
        ("perfil_por_defecto: territorio", "perfil_por_defecto: otro", "otro", "perfil por defecto desconocido"),
        ("    parametros: {gracia: 1.5, holgura_horas: 1}\n    detalle:\n      es: \"Última actualización",
         "    parametros: {gracia: -2, holgura_horas: 1}\n    detalle:\n      es: \"Última actualización",
         "-2", "no negativo"),
        ("    calculado_en: dataset\n    propiedad: dcat:keyword",
         "    calculado_en: catalogo\n    propiedad: dcat:keyword", "catalogo", "calculado_en inválido 'catalogo' (se admiten: dataset,"),
    ],
)
def test_a_bad_file_is_refused_with_its_line(tmp_path: Path, old: str, new: str, at: str, message: str):
    path = _copy(tmp_path, (old, new))

    with pytest.raises(QualityFileError) as caught:
        load_quality(path)

    # the line of `at` inside the replaced text
    assert caught.value.line == _line_of(path, new) + new[: new.index(at)].count("\n")
    assert message in caught.value.message
    assert "quality.yaml" in str(caught.value)


def test_a_file_without_the_mqa_profile_is_refused(tmp_path: Path):
    path = _copy(tmp_path, ("  - id: mqa\n    titulo", "  - id: mqa_viejo\n    titulo"),
                 ("    incluye: mqa\n", "    incluye: mqa_viejo\n"),
                 ("    bandas: {proporcionales_a: mqa}", "    bandas: {proporcionales_a: mqa_viejo}"))

    with pytest.raises(QualityFileError) as caught:
        load_quality(path)

    assert "falta el perfil 'mqa'" in caught.value.message
    assert caught.value.line == _line_of(path, "  - id: mqa_viejo")  # the list of profiles
