"""The Spanish analyser shared by index and queries."""
from __future__ import annotations

import pytest

from ckanext.territorio.search import analysis


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("contaminación", "contaminacion"),
        ("contaminaciones", "contaminación"),
        ("bicicletas", "bicicleta"),
        ("Ñuble", "nuble"),
        ("atmosféricas", "atmosferica"),
        ("luces", "luz"),
    ],
)
def test_variants_share_one_term(left, right):
    assert analysis.analyze(left) == analysis.analyze(right)


def test_stop_words_are_dropped_and_content_words_kept():
    assert analysis.analyze("calidad del aire en la región") == ["calidad", "aire", "region"]


def test_estado_is_not_a_stop_word():
    assert analysis.analyze("estado de avance") == ["estad", "avanc"]


def test_tokens_fold_case_and_accents_without_stemming():
    assert analysis.tokens("Concepción, BIOBÍO 2024") == ["concepcion", "biobio", "2024"]
