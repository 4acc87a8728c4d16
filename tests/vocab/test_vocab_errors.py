"""A broken vocabulary file stops loading with a Spanish message naming the file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ckanext.territorio.vocab import (
    VocabError,
    default_schemas_dir,
    load_framework,
    subdimension_dimension,
)


@pytest.fixture
def schemas(tmp_path: Path) -> Path:
    """A writable copy of the repository's schemas/vocab/ under tmp_path/schemas."""
    shutil.copytree(default_schemas_dir() / "vocab", tmp_path / "schemas" / "vocab")
    return tmp_path / "schemas"


def _edit(schemas: Path, name: str, old: str, new: str) -> int:
    """Replace the single line containing `old`; returns its 1-based line number."""
    path = schemas / "vocab" / name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if old in line]
    assert len(hits) == 1, f"{old!r} occurs {len(hits)} times in {name}"
    lines[hits[0]] = lines[hits[0]].replace(old, new)
    path.write_text("".join(lines), encoding="utf-8")
    return hits[0] + 1


def _load_error(schemas: Path) -> VocabError:
    with pytest.raises(VocabError) as info:
        load_framework(schemas)
    return info.value


def test_the_copied_files_load(schemas: Path) -> None:
    assert len(load_framework(schemas).comunas) == 346


def test_duplicate_comuna_code_names_file_and_line(schemas: Path) -> None:
    line = _edit(schemas, "comunas.yaml", 'cut: "16102"', 'cut: "16101"')
    error = _load_error(schemas)
    assert f"comunas.yaml, línea {line}: código CUT duplicado 16101" in str(error)
    assert (error.path.name, error.line) == ("comunas.yaml", line)


def test_comuna_in_unknown_region_names_file_and_line(schemas: Path) -> None:
    line = _edit(
        schemas,
        "comunas.yaml",
        '"San Nicolás", provincia: "163", region: CL-NB',
        '"San Nicolás", provincia: "163", region: CL-XX',
    )
    error = _load_error(schemas)
    assert f"comunas.yaml, línea {line}: región desconocida 'CL-XX'" in str(error)


def test_comuna_code_outside_its_region_is_rejected(schemas: Path) -> None:
    line = _edit(schemas, "comunas.yaml", 'cut: "16305"', 'cut: "08399"')
    error = _load_error(schemas)
    assert f"comunas.yaml, línea {line}:" in str(error)
    assert "el código CUT 08399 no corresponde a la región CL-NB (código 16)" in str(error)


def test_comuna_in_province_of_another_region_is_rejected(schemas: Path) -> None:
    line = _edit(
        schemas,
        "comunas.yaml",
        'cut: "09101", nombre: "Temuco", provincia: "091"',
        'cut: "09101", nombre: "Temuco", provincia: "081"',
    )
    error = _load_error(schemas)
    assert f"comunas.yaml, línea {line}: la provincia 081 (Concepción) es de CL-BI" in str(error)


def test_bad_yaml_names_file_and_line(schemas: Path) -> None:
    line = _edit(
        schemas,
        "comunas.yaml",
        '{cut: "13101", nombre: "Santiago",',
        '{cut: "13101" nombre: "Santiago",',
    )
    error = _load_error(schemas)
    assert f"comunas.yaml, línea {line}: YAML inválido" in str(error)


def test_unclosed_bracket_in_dimensions_names_its_line(schemas: Path) -> None:
    line = _edit(
        schemas,
        "dimensiones.yaml",
        "etiqueta: {es: Turismo, en: Tourism}",
        "etiqueta: {es: Turismo, en: Tourism",
    )
    error = _load_error(schemas)
    assert "dimensiones.yaml, línea" in str(error)
    assert "YAML inválido" in str(error)
    assert error.line is not None and line <= error.line <= line + 1


def test_missing_comuna_breaks_the_expected_total(schemas: Path) -> None:
    _edit(
        schemas,
        "comunas.yaml",
        '  - {cut: "12402", nombre: "Torres del Paine", provincia: "124", region: CL-MA}\n',
        "",
    )
    total_line = _edit(schemas, "comunas.yaml", "total_esperado: 346", "total_esperado: 346")
    error = _load_error(schemas)
    assert (
        f"comunas.yaml, línea {total_line}: se esperaban 346 comunas y el archivo define 345"
        in str(error)
    )


def test_unknown_key_is_reported_where_it_is(schemas: Path) -> None:
    line = (
        _edit(
            schemas,
            "dimensiones.yaml",
            "  - slug: salud\n",
            "  - slug: salud\n    subdimension: []\n",
        )
        + 1
    )
    error = _load_error(schemas)
    assert f"dimensiones.yaml, línea {line}: clave desconocida 'subdimension'" in str(error)


def test_duplicate_subdimension_slug_across_dimensions(schemas: Path) -> None:
    line = _edit(
        schemas,
        "dimensiones.yaml",
        "- slug: energia\n",
        "- slug: turismo\n",
    )
    error = _load_error(schemas)
    assert f"dimensiones.yaml, línea {line}: slug duplicado 'turismo'" in str(error)


def test_bad_slug_is_rejected(schemas: Path) -> None:
    line = _edit(schemas, "dimensiones.yaml", "- slug: reciclaje\n", "- slug: Reciclaje_Urbano\n")
    error = _load_error(schemas)
    assert f"dimensiones.yaml, línea {line}: slug inválido 'Reciclaje_Urbano'" in str(error)


def test_assignment_of_a_subdimension_from_another_dimension(schemas: Path) -> None:
    line = _edit(
        schemas,
        "asignaciones.yaml",
        "subdimensiones: [seguridad-digital]",
        "subdimensiones: [turismo]",
    )
    error = _load_error(schemas)
    assert (
        f"asignaciones.yaml, línea {line}: 'turismo' no es una subdimensión de 'seguridad'"
        in str(error)
    )


def test_initiative_comuna_outside_its_region(schemas: Path) -> None:
    line = _edit(
        schemas,
        "iniciativas.yaml",
        'region: CL-RM, comuna: "13201"',
        'region: CL-RM, comuna: "16101"',
    )
    error = _load_error(schemas)
    assert f"iniciativas.yaml, línea {line}: la comuna 16101 (Chillán) no está en CL-RM" in str(
        error
    )


def test_old_code_that_is_still_in_use_is_rejected(schemas: Path) -> None:
    line = _edit(
        schemas,
        "comunas.yaml",
        '{anterior: "08401", actual: "16101"}',
        '{anterior: "08101", actual: "16101"}',
    )
    error = _load_error(schemas)
    assert (
        f"comunas.yaml, línea {line}: el código anterior 08101 es el de una comuna vigente"
        in str(error)
    )


def test_region_capital_must_be_one_of_its_comunas(schemas: Path) -> None:
    line = _edit(schemas, "regiones.yaml", 'capital: "16101"', 'capital: "08101"')
    error = _load_error(schemas)
    assert f"regiones.yaml, línea {line}: la capital 08101 no es una comuna de CL-NB" in str(error)


def test_missing_file_is_named(schemas: Path) -> None:
    (schemas / "vocab" / "asignaciones.yaml").unlink()
    error = _load_error(schemas)
    assert "asignaciones.yaml: no se encuentra el archivo" in str(error)


def test_adding_a_subdimension_needs_only_the_data_file(schemas: Path) -> None:
    _edit(
        schemas,
        "dimensiones.yaml",
        "      - slug: telemedicina\n",
        "      - slug: salud-mental\n"
        "        etiqueta: {es: Salud mental, en: Mental health}\n"
        "        procedencia: {tipo: inferida, cita: Salud, nota: Ejemplo de una prueba.}\n"
        "      - slug: telemedicina\n",
    )
    fw = load_framework(schemas)
    assert subdimension_dimension("salud-mental", fw=fw).slug == "salud"
    assert fw.subdimension_by_slug["salud-mental"].label.get("en") == "Mental health"
