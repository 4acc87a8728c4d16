"""schemas/policy.yaml: the rules as data, checked on load with file and line."""
from __future__ import annotations

from pathlib import Path

import pytest

from ckanext.territorio.policy.document import SPECS, PolicyError, load_policy, policy

REPO_POLICY = Path(__file__).resolve().parents[2] / "schemas" / "policy.yaml"


def test_the_shipped_policy_defines_every_rule_once():
    loaded = load_policy(REPO_POLICY)

    assert set(loaded.rules) == set(SPECS)
    assert loaded.version == "2026.2"
    assert loaded.level("personal.rut") == "error"
    assert loaded.level("dcat.shacl") == "error"
    assert loaded.rule("metadata.license").params["abiertas"]["cc-by"] == (
        "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
    )


def test_messages_come_in_spanish_and_english():
    rule = load_policy(REPO_POLICY).rule("metadata.license")

    assert rule.message("not_open", "es", value="other-closed", allowed="cc-by") == (
        "La licencia 'other-closed' no es abierta; use una de: cc-by"
    )
    assert rule.message("not_open", "en", value="other-closed", allowed="cc-by") == (
        "Licence 'other-closed' is not open; use one of: cc-by"
    )


def test_variables_are_found_by_name_alias_and_case():
    loaded = load_policy(REPO_POLICY)

    assert loaded.variable("MP2,5").name == "pm25"
    assert loaded.variable("AVERAGEVEHICLESPEED").name == "averageVehicleSpeed"
    assert loaded.variable("ozono").units == ("ug/m3", "[ppb]")
    assert loaded.variable("caudal") is None


def line_of(path: Path, text: str) -> int:
    """1-based line where `text` starts in the file."""
    content = path.read_text(encoding="utf-8")
    return content[: content.index(text)].count("\n") + 1


@pytest.mark.parametrize(
    ("old", "new", "anchor", "message"),
    [
        (
            "    nivel: error\n    titulo: {es: Licencia abierta",
            "    nivel: bloqueante\n    titulo: {es: Licencia abierta",
            "    nivel: bloqueante",
            "nivel inválido 'bloqueante' (se admiten: error, warning, off)",
        ),
        (
            "  - id: metadata.frequency",
            "  - id: metadata.frecuencia",
            "metadata.frecuencia",
            "regla desconocida 'metadata.frecuencia'",
        ),
        (
            "  - id: metadata.license\n",
            "  - id: metadata.license\n",
            "  - id: metadata.license",
            None,
        ),
        (
            "      proporcion_columna: 0.5\n      columnas: [rut,",
            "      proporcion_columna: dos\n      columnas: [rut,",
            "dos\n      columnas: [rut,",
            "se esperaba un número, no 'dos'",
        ),
    ],
)
def test_a_bad_policy_names_file_and_line(policy_copy, old, new, anchor, message):
    path = policy_copy((old, new))
    if message is None:
        # the licence rule's own cross-check: a default licence outside the open list
        path.write_text(
            path.read_text(encoding="utf-8").replace(
                "      por_defecto: cc-by\n", "      por_defecto: other-closed\n"
            ),
            encoding="utf-8",
        )
        message = "la licencia por defecto 'other-closed' no está entre las abiertas"

    with pytest.raises(PolicyError) as excinfo:
        load_policy(path)

    assert excinfo.value.path == path
    assert excinfo.value.line == line_of(path, anchor)
    assert message in str(excinfo.value)
    assert f"línea {excinfo.value.line}: " in str(excinfo.value)


def test_a_missing_rule_is_reported(policy_copy):
    path = policy_copy(("  - id: dcat.shacl", "  - id: personal.email"))
    text = path.read_text(encoding="utf-8")
    # the renamed rule: the last one, before the variables
    start = text.rindex("  - id: personal.email\n")
    end = text.index("# Variables de las series")
    path.write_text(text[:start] + text[end:], encoding="utf-8")

    with pytest.raises(PolicyError, match="falta la regla 'dcat.shacl'"):
        load_policy(path)


def test_the_cached_policy_follows_edits_of_the_file(policy_copy):
    path = policy_copy()
    assert policy(path).level("metadata.frequency") == "warning"

    text = path.read_text(encoding="utf-8").replace(
        "    nivel: warning\n    titulo: {es: Frecuencia", "    nivel: error\n    titulo: {es: Frecuencia"
    )
    path.write_text(text, encoding="utf-8")

    assert policy(path).level("metadata.frequency") == "error"
