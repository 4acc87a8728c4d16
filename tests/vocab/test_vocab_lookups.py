"""Code normalisation and lookups over the loaded vocabulary."""

from __future__ import annotations

import pytest

from ckanext.territorio import vocab


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("9101", "09101"),
        (9101, "09101"),
        (" 2101 ", "02101"),
        ("13101", "13101"),
        (16101, "16101"),
        ("08401", "16101"),
        ("8401", "16101"),
        (8416, "16301"),
        ("08420", "16207"),
    ],
)
def test_comuna_code_is_normalised(given: str | int, expected: str) -> None:
    assert vocab.normalise_comuna_code(given) == expected


@pytest.mark.parametrize("given", ["", "101", "123456", "09-101", "CL-RM", "9101.0"])
def test_malformed_comuna_code_is_rejected(given: str) -> None:
    with pytest.raises(ValueError, match="código de comuna inválido"):
        vocab.normalise_comuna_code(given)


@pytest.mark.parametrize("given", ["99999", "08999", "16399", "8499"])
def test_unknown_comuna_code_is_rejected(given: str) -> None:
    with pytest.raises(ValueError, match="código de comuna desconocido"):
        vocab.normalise_comuna_code(given)


def test_region_of_comuna_accepts_old_and_short_codes() -> None:
    assert vocab.region_of_comuna("08401").iso == "CL-NB"
    assert vocab.region_of_comuna("9101").iso == "CL-AR"
    assert vocab.region_of_comuna("13101").name == "Metropolitana de Santiago"
    assert vocab.comuna("8401").name == "Chillán"


def test_national_code_and_region_iso_codes_are_valid_regions() -> None:
    assert vocab.is_valid_region("CL")
    assert vocab.is_valid_region("CL-NB")
    assert vocab.is_valid_region("CL-RM")
    assert not vocab.is_valid_region("CL-XX")
    assert not vocab.is_valid_region("cl-nb")
    assert not vocab.is_valid_region("16")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("cl-nb", "CL-NB"),
        ("16", "CL-NB"),
        (9, "CL-AR"),
        ("09", "CL-AR"),
        ("XVI", "CL-NB"),
        ("rm", "CL-RM"),
        ("13", "CL-RM"),
        ("cl", "CL"),
    ],
)
def test_region_code_is_normalised(given: str | int, expected: str) -> None:
    assert vocab.normalise_region_code(given) == expected


def test_unknown_region_is_rejected() -> None:
    with pytest.raises(ValueError, match="región desconocida"):
        vocab.normalise_region_code("17")


def test_valid_comuna_requires_the_current_code() -> None:
    assert vocab.is_valid_comuna("16101")
    assert not vocab.is_valid_comuna("08401")
    assert not vocab.is_valid_comuna("9101")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ñuñoa", "13120"),
        ("nunoa", "13120"),
        ("LOS ANGELES", "08301"),
        ("La Calera", "05502"),
        ("Llay-Llay", "05703"),
        ("Trehuaco", "16207"),
        ("chillan viejo", "16103"),
        ("Aisén", "11201"),
    ],
)
def test_comuna_is_found_by_name_or_variant(name: str, expected: str) -> None:
    found = vocab.find_comuna_by_name(name)
    assert found is not None
    assert found.cut == expected


def test_comuna_name_outside_the_given_region_is_not_found() -> None:
    assert vocab.find_comuna_by_name("Chillán", region="CL-BI") is None
    found = vocab.find_comuna_by_name("Chillán", region="16")
    assert found is not None and found.cut == "16101"
    assert vocab.find_comuna_by_name("Gotham") is None


def test_framework_is_cached_until_cleared() -> None:
    first = vocab.framework()
    assert vocab.framework() is first
    vocab.clear_cache()
    assert vocab.framework() is not first
    assert vocab.framework() == first
