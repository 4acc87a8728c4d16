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
