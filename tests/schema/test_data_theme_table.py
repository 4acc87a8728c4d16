"""The EU data-theme table in schemas/vocab/temas_ue.yaml (plain Python, no database)."""
from __future__ import annotations

from pathlib import Path

import pytest

from ckanext.territorio.vocab import VocabError
from ckanext.territorio.vocab.data_theme import data_themes, load_data_themes

EU = "http://publications.europa.eu/resource/authority/data-theme/"


def test_the_table_has_the_authoritys_fourteen_themes_with_both_labels():
    table = data_themes()
    assert len(table.themes) == 14
    assert table.by_code["ENVI"].label.get("es") == "Medio ambiente"
    assert table.by_code["ENVI"].label.get("en") == "Environment"
    assert all(t.label.es and t.label.en for t in table.themes)


@pytest.mark.parametrize(
    ("uri", "code"), [(EU + "TRAN", "TRAN"), (EU + "NOPE", None), ("http://otro.example/TRAN", None)]
)
def test_themes_are_found_by_their_authority_uri(uri, code):
    found = data_themes().by_uri(uri)
    assert (found.code if found else None) == code


def test_a_duplicate_code_is_reported_with_its_line(tmp_path: Path):
    (tmp_path / "vocab").mkdir()
    (tmp_path / "vocab" / "temas_ue.yaml").write_text(
        f"uri_base: {EU}\ntemas:\n"
        "  - {codigo: ENVI, etiqueta: {es: Medio ambiente, en: Environment}}\n"
        "  - {codigo: ENVI, etiqueta: {es: Ambiente, en: Environment}}\n",
        encoding="utf-8",
    )
    with pytest.raises(VocabError) as excinfo:
        load_data_themes(tmp_path)
    assert excinfo.value.line == 4
    assert excinfo.value.message == "código duplicado 'ENVI' (ya definido en la línea 3)"


def test_every_dimension_of_the_framework_has_an_eu_theme():
    from ckanext.territorio.vocab import framework

    table = data_themes()
    assert {d.slug for d in framework().dimensions} == set(table.by_dimension)
    assert [t.code for t in table.of_dimension("movilidad")] == ["TRAN"]
    assert table.of_dimension("no-existe") == ()


def _themes_file(tmp_path: Path, mapping: str) -> Path:
    import shutil

    from ckanext.territorio.vocab import default_schemas_dir

    root = tmp_path / "schemas"
    shutil.copytree(default_schemas_dir() / "vocab", root / "vocab")
    path = root / "vocab" / "temas_ue.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("\npor_dimension:") + 1] + mapping, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("por_dimension:\n  turismo: [ECON]\n", "'turismo' no es una dimensión de dimensiones.yaml"),
        ("por_dimension:\n  salud: [SALU]\n", "tema desconocido 'SALU'"),
        ("por_dimension:\n  salud: [HEAL, HEAL]\n", "tema repetido 'HEAL'"),
        ("por_dimension:\n  salud: []\n", "falta el tema (al menos un código)"),
    ],
)
def test_a_bad_dimension_mapping_is_reported_with_its_line(tmp_path: Path, mapping, message):
    root = _themes_file(tmp_path, mapping)

    with pytest.raises(VocabError) as excinfo:
        load_data_themes(root)

    text = (root / "vocab" / "temas_ue.yaml").read_text(encoding="utf-8")
    assert excinfo.value.message == message
    assert excinfo.value.line == text.count("\n")
