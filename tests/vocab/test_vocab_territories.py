"""Regions, provinces and comunas against the official CUT codification (2018, with Ñuble)."""

from __future__ import annotations

from collections import Counter

import pytest

from ckanext.territorio.vocab import Framework, framework

REGIONS = {
    # ISO 3166-2: (CUT, capital)
    "CL-AP": ("15", "15101"),
    "CL-TA": ("01", "01101"),
    "CL-AN": ("02", "02101"),
    "CL-AT": ("03", "03101"),
    "CL-CO": ("04", "04101"),
    "CL-VS": ("05", "05101"),
    "CL-RM": ("13", "13101"),
    "CL-LI": ("06", "06101"),
    "CL-ML": ("07", "07101"),
    "CL-NB": ("16", "16101"),
    "CL-BI": ("08", "08101"),
    "CL-AR": ("09", "09101"),
    "CL-LR": ("14", "14101"),
    "CL-LL": ("10", "10101"),
    "CL-AI": ("11", "11101"),
    "CL-MA": ("12", "12101"),
}

# Comunas per region in the official codification.
COMUNAS_PER_REGION = {
    "CL-AP": 4,
    "CL-TA": 7,
    "CL-AN": 9,
    "CL-AT": 9,
    "CL-CO": 15,
    "CL-VS": 38,
    "CL-RM": 52,
    "CL-LI": 33,
    "CL-ML": 30,
    "CL-NB": 21,
    "CL-BI": 33,
    "CL-AR": 32,
    "CL-LR": 12,
    "CL-LL": 30,
    "CL-AI": 10,
    "CL-MA": 11,
}

# Spot checks against the public source (Observatorio Logístico, "Maestro Códigos Únicos
# Territoriales - Actualizado al 2018"; Censo 2024 comuna dictionary): (CUT, name, region).
SPOT_CHECKS = [
    ("15101", "Arica", "CL-AP"),
    ("15202", "General Lagos", "CL-AP"),
    ("01101", "Iquique", "CL-TA"),
    ("01107", "Alto Hospicio", "CL-TA"),
    ("02101", "Antofagasta", "CL-AN"),
    ("02201", "Calama", "CL-AN"),
    ("03101", "Copiapó", "CL-AT"),
    ("04101", "La Serena", "CL-CO"),
    ("05101", "Valparaíso", "CL-VS"),
    ("05109", "Viña del Mar", "CL-VS"),
    ("05201", "Isla de Pascua", "CL-VS"),
    ("06101", "Rancagua", "CL-LI"),
    ("07101", "Talca", "CL-ML"),
    ("08101", "Concepción", "CL-BI"),
    ("08112", "Hualpén", "CL-BI"),
    ("08301", "Los Ángeles", "CL-BI"),
    ("08314", "Alto Biobío", "CL-BI"),
    ("09101", "Temuco", "CL-AR"),
    ("09121", "Cholchol", "CL-AR"),
    ("10101", "Puerto Montt", "CL-LL"),
    ("11101", "Coyhaique", "CL-AI"),
    ("12101", "Punta Arenas", "CL-MA"),
    ("12202", "Antártica", "CL-MA"),
    ("13101", "Santiago", "CL-RM"),
    ("13114", "Las Condes", "CL-RM"),
    ("13120", "Ñuñoa", "CL-RM"),
    ("13201", "Puente Alto", "CL-RM"),
    ("14101", "Valdivia", "CL-LR"),
    ("16101", "Chillán", "CL-NB"),
    ("16103", "Chillán Viejo", "CL-NB"),
    ("16109", "Yungay", "CL-NB"),
    ("16202", "Cobquecura", "CL-NB"),
    ("16207", "Treguaco", "CL-NB"),
    ("16301", "San Carlos", "CL-NB"),
    ("16305", "San Nicolás", "CL-NB"),
]


@pytest.fixture(scope="module")
def fw() -> Framework:
    return framework()


def test_exactly_sixteen_regions_with_iso_cut_and_capital(fw: Framework) -> None:
    found = {r.iso: (r.cut, r.capital) for r in fw.regions}
    assert found == REGIONS


def test_region_names_from_the_law(fw: Framework) -> None:
    assert fw.region_by_cut["16"].official_name == "Región de Ñuble"
    assert fw.region_by_cut["13"].official_name == "Región Metropolitana de Santiago"
    assert fw.region_by_cut["09"].official_name == "Región de La Araucanía"
    assert fw.region_by_iso["CL-LI"].official_name == (
        "Región del Libertador General Bernardo O'Higgins"
    )


def test_exactly_346_comunas_with_unique_codes(fw: Framework) -> None:
    codes = [c.cut for c in fw.comunas]
    assert len(codes) == 346
    assert len(set(codes)) == 346


def test_comunas_per_region_match_the_codification(fw: Framework) -> None:
    assert Counter(c.region for c in fw.comunas) == COMUNAS_PER_REGION


def test_every_comuna_code_starts_with_its_region_and_province(fw: Framework) -> None:
    for comuna in fw.comunas:
        assert comuna.cut[:2] == fw.region_by_iso[comuna.region].cut, comuna
        assert comuna.cut[:3] == comuna.province, comuna
        assert fw.province_by_cut[comuna.province].region == comuna.region, comuna


def test_fifty_six_provinces_each_with_comunas(fw: Framework) -> None:
    assert len(fw.province_by_cut) == 56
    assert {c.province for c in fw.comunas} == set(fw.province_by_cut)
    assert [p.name for p in fw.region_by_iso["CL-NB"].provinces] == [
        "Diguillín",
        "Itata",
        "Punilla",
    ]


@pytest.mark.parametrize(("cut", "name", "region"), SPOT_CHECKS)
def test_comuna_matches_the_public_source(fw: Framework, cut: str, name: str, region: str) -> None:
    comuna = fw.comuna_by_cut[cut]
    assert (comuna.name, comuna.region) == (name, region)


def test_no_two_comunas_share_a_name_or_alias(fw: Framework) -> None:
    assert all(len(matches) == 1 for matches in fw.comunas_by_name_key.values())


def test_nubles_pre_2018_codes_map_to_its_21_comunas(fw: Framework) -> None:
    changes = {c.old: c.new for c in fw.code_changes}
    assert len(changes) == 21
    assert all(old.startswith("084") for old in changes)
    assert sorted(changes.values()) == sorted(c.cut for c in fw.comunas if c.region == "CL-NB")
    assert changes["08401"] == "16101"
    assert changes["08416"] == "16301"
    assert all(str(c.effective_from) == "2018-09-06" for c in fw.code_changes)


def test_national_coverage_code(fw: Framework) -> None:
    assert (fw.national.code, fw.national.name) == ("CL", "Chile")
