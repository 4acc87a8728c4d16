"""The EU frequency table in schemas/vocab/frecuencias.yaml (plain Python, no database)."""
from __future__ import annotations

from pathlib import Path

import pytest

from ckanext.territorio.vocab import VocabError
from ckanext.territorio.vocab.frequency import frequencies, load_frequencies

EU = "http://publications.europa.eu/resource/authority/frequency/"


def test_table_has_the_codes_the_issue_names_in_form_order():
    codes = [f.code for f in frequencies().frequencies]
    assert {"CONT", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "ANNUAL", "IRREG"} <= set(codes)
    assert codes.index("HOURLY") < codes.index("DAILY") < codes.index("MONTHLY") < codes.index("ANNUAL")
    assert len(codes) == len(set(codes))


def test_every_code_has_spanish_and_english_labels():
    assert all(f.label.es and f.label.en for f in frequencies().frequencies)
    assert frequencies().by_code["QUARTERLY"].label.get("es") == "Trimestral"


@pytest.mark.parametrize(
    ("value", "code"),
    [("DAILY", "DAILY"), ("daily", "DAILY"), (EU + "ANNUAL_2", "ANNUAL_2"), (" irreg ", "IRREG")],
)
def test_codes_and_authority_uris_are_recognised(value, code):
    assert frequencies().code_of(value) == code


@pytest.mark.parametrize("value", ["diario", EU + "NOPE", "http://purl.org/cld/freq/daily"])
def test_other_values_are_not(value):
    assert frequencies().code_of(value) is None


def test_uri_of_a_code():
    assert frequencies().uri("WEEKLY") == EU + "WEEKLY"


def write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "vocab").mkdir()
    (tmp_path / "vocab" / "frecuencias.yaml").write_text(body, encoding="utf-8")
    return tmp_path


def test_lower_case_code_is_reported_with_its_line(tmp_path):
    root = write(
        tmp_path,
        f"uri_base: {EU}\nfrecuencias:\n"
        "  - {codigo: DAILY, etiqueta: {es: Diaria, en: Daily}}\n"
        "  - {codigo: weekly, etiqueta: {es: Semanal, en: Weekly}}\n",
    )
    with pytest.raises(VocabError) as excinfo:
        load_frequencies(root)
    assert excinfo.value.line == 4 and "weekly" in excinfo.value.message


def test_missing_english_label_is_reported(tmp_path):
    root = write(tmp_path, f"uri_base: {EU}\nfrecuencias:\n  - {{codigo: DAILY, etiqueta: {{es: Diaria}}}}\n")
    with pytest.raises(VocabError) as excinfo:
        load_frequencies(root)
    assert excinfo.value.line == 3 and "en" in excinfo.value.message


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(VocabError) as excinfo:
        load_frequencies(tmp_path)
    assert excinfo.value.path.name == "frecuencias.yaml"
