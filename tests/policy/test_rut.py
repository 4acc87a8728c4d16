"""The RUT detector: módulo 11, the formats people write, and no crash on any input."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ckanext.territorio.policy import rut
from ckanext.territorio.policy.document import load_policy
from ckanext.territorio.policy.personal import PersonalScanner, screen
from ckanext.territorio.policy.report import Findings

POLICY = load_policy(Path(__file__).resolve().parents[2] / "schemas" / "policy.yaml")


@pytest.mark.parametrize(
    ("body", "digit"),
    [(12345678, "5"), (11111111, "1"), (7654321, "6"), (10000013, "K"), (6000005, "0")],
)
def test_check_digit_is_modulo_11(body, digit):
    assert rut.check_digit(body) == digit


@pytest.mark.parametrize("text", ["12.345.678-5", "12345678-5", "123456785", " 7.654.321-6 ", "10.000.013-k"])
def test_valid_ruts_in_every_written_form(text):
    assert rut.is_valid_rut(text)


@pytest.mark.parametrize("text", ["12.345.678-4", "12345678-0", "123456784", "1.234-5", "", "abc"])
def test_wrong_check_digits_and_non_ruts_are_not_ruts(text):
    assert not rut.is_valid_rut(text)


def test_formatted_ruts_are_found_inside_text_and_masked():
    found = list(rut.find_formatted("Beneficiario RUT 12.345.678-5, aval 12.345.678-4."))

    assert [m.masked for m in found] == ["12.***.***-5"]


def test_dates_decimals_and_long_numbers_are_not_taken_for_ruts():
    text = "2024-05-01 3.141.592,65 1234567890-1 0.12345678-5"

    assert list(rut.find_formatted(text)) == []


def scan(rows: list[list[str]], header: list[str]) -> Findings:
    findings = Findings(POLICY)
    scanner = PersonalScanner(POLICY, findings, header)
    for number, row in enumerate(rows, start=2):
        scanner.row(number, row)
    scanner.finish()
    return findings


def test_bare_ruts_count_in_a_rut_column():
    findings = scan([["1", "123456785"], ["2", "111111111"]], ["folio", "run"])

    result = findings.results["personal.rut"]
    assert result.count == 2
    assert [(f.row, f.column) for f in result.findings] == [(2, "run"), (3, "run")]


def test_random_nine_digit_ids_are_not_ruts():
    rows = [[str(100000000 + i * 7919)] for i in range(200)]

    findings = scan(rows, ["id_medidor"])

    assert findings.results["personal.rut"].count == 0


def test_a_column_of_valid_bare_ruts_is_flagged_whatever_its_name():
    rows = [[f"{body}{rut.check_digit(body)}"] for body in range(10_000_000, 10_000_050)]

    findings = scan(rows, ["codigo"])

    assert findings.results["personal.rut"].count == 50


@given(st.text())
def test_rut_functions_never_raise(text):
    rut.is_valid_rut(text)
    list(rut.find_formatted(text))
    rut.bare_cell(text)
    screen(text)


@given(st.lists(st.lists(st.text(max_size=30), max_size=6), max_size=20), st.lists(st.text(max_size=15), max_size=6))
def test_the_personal_scanner_never_raises(rows, header):
    findings = scan(rows, header)

    for result in findings.results.values():
        assert result.count >= len(result.findings)


@given(st.integers(min_value=rut.MIN_BODY, max_value=rut.MAX_BODY))
def test_every_computed_rut_is_valid_and_found(body):
    digit = rut.check_digit(body)
    dotted = f"{body:,}".replace(",", ".") + f"-{digit}"

    assert rut.is_valid_rut(dotted)
    assert rut.is_valid_rut(f"{body}-{digit}")
    assert [m.start for m in rut.find_formatted(f"RUT {dotted}")] == [4]
    assert screen(f"x,{body}-{digit},y")
