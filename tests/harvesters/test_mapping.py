"""schemas/harvest.yaml: loading, its errors (file and line), variables, units and rules."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ckanext.territorio.vocab import VocabError
from ckanext.territorio.vocab.harvest_mapping import load_mapping, mapping

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


@pytest.fixture
def copy(tmp_path: Path):
    def make(old: str, new: str) -> Path:
        target = tmp_path / "schemas"
        shutil.copytree(SCHEMAS, target)
        path = target / "harvest.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return target

    return make


def test_the_repository_file_loads():
    hm = mapping(SCHEMAS)
    assert {"aire", "transito", "residuos"} <= set(hm.families)
    assert hm.families["aire"].dimension == ("medio-ambiente", "salud")


@pytest.mark.parametrize(
    ("remote", "variable"),
    [("PM2.5", "pm25"), ("MP 2,5", "pm25"), ("pm10", "pm10"), ("0003", "no2"), ("0008", "o3"),
     ("fillingLevel", "nivel_llenado"), ("intensity", "intensidad"), ("LAeq", "ruido_laeq")],
)
def test_remote_names_and_codes_find_their_variable(remote, variable):
    found = mapping(SCHEMAS).variable(remote)
    assert found is not None and found.name == variable


def test_unit_codes_become_readable_units():
    hm = mapping(SCHEMAS)
    assert hm.unit("GQ") == "µg/m³" and hm.unit("ug/m3") == "µg/m³" and hm.unit("ppb") == "ppb"


def test_rules_match_words_and_dcat_themes():
    hm = mapping(SCHEMAS)
    assert hm.classify(["Puntos limpios y reciclaje"]) == (
        ["medio-ambiente"], ["gestion-de-residuos", "reciclaje"]
    )
    assert hm.classify([], ["http://publications.europa.eu/resource/authority/data-theme/TRAN"])[0] == ["movilidad"]
    assert hm.classify(["Registro de mascotas"]) == ([], [])


def test_an_unknown_dimension_names_file_and_line(copy):
    root = copy("dimension: [movilidad]\n    subdimension: [congestion]\n    etiquetas: [tránsito",
                "dimension: [transporte]\n    subdimension: [congestion]\n    etiquetas: [tránsito")
    with pytest.raises(VocabError, match=r"harvest\.yaml, línea \d+: dimensión desconocida 'transporte'"):
        load_mapping(root)


def test_an_alias_of_two_variables_is_refused(copy):
    root = copy("alias: [PM10, mp10", "alias: [PM10, no2")
    with pytest.raises(VocabError, match=r"línea 66: 'no2' ya es un nombre de 'pm10' \(línea 64\)"):
        load_mapping(root)


def test_a_subdimension_of_another_dimension_is_refused(copy):
    root = copy("subdimension: [congestion]\n    etiquetas: [tránsito", "subdimension: [turismo]\n    etiquetas: [tránsito")
    with pytest.raises(VocabError, match="no es de las dimensiones movilidad"):
        load_mapping(root)
