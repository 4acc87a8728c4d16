"""Content rules on real files: one streaming pass plus Frictionless, bounded in memory."""
from __future__ import annotations

import json
import random
import time
import tracemalloc
from pathlib import Path

import openpyxl
from policy_files import DATA, SCHEMAS

from ckanext.territorio.policy.content import ResourceFacts, check_file
from ckanext.territorio.policy.document import load_policy
from ckanext.territorio.policy.tabular import Limits

POLICY = load_policy(SCHEMAS / "policy.yaml")
LIMITS = Limits(max_bytes=2 * 1024**3)


def run(path: Path, policy=POLICY, limits=LIMITS, **facts):
    facts.setdefault("format", "CSV")
    return check_file(path, ResourceFacts(**facts), policy, limits)


def counts(result) -> dict[str, int]:
    return {rule: r.count for rule, r in result.findings.results.items() if r.count}


def first(result, rule: str):
    return result.findings.results[rule].findings[0]


def test_a_clean_sensor_csv_passes_every_rule():
    result = run(DATA / "sensor_limpio.csv", unit="ug/m3")

    assert counts(result) == {}
    assert result.rows == 5
    assert {"tabular.types", "sensor.timestamp", "sensor.coordinates", "personal.rut"} <= set(
        result.findings.results
    )


def test_a_latin1_file_is_not_utf8_and_says_where():
    result = run(DATA / "comunas_latin1.csv")

    assert counts(result) == {"tabular.encoding": 1}
    finding = first(result, "tabular.encoding")
    assert finding.row == 1
    assert "no está en UTF-8" in finding.message["es"]
    assert "not UTF-8" in finding.message["en"]


def test_ragged_rows_are_reported_with_their_row():
    result = run(DATA / "filas_irregulares.csv", unit="ug/m3")

    assert counts(result)["tabular.columns"] == 2
    rows = [(f.row, f.message["es"]) for f in result.findings.results["tabular.columns"].findings]
    assert rows == [
        (3, "La fila 3 tiene 4 columnas y el encabezado 5"),
        (4, "La fila 4 tiene 6 columnas y el encabezado 5"),
    ]


def test_timestamps_without_offset_or_in_local_format_are_rejected():
    result = run(DATA / "horas_malas.csv", unit="ug/m3")

    findings = result.findings.results["sensor.timestamp"].findings
    assert [(f.row, f.column) for f in findings] == [(3, "timestamp"), (4, "timestamp")]
    assert "'01/05/2024 02:00' no es una fecha y hora ISO 8601" in findings[1].message["es"]


def test_coordinates_in_the_sea_off_africa_are_outside_chile():
    result = run(DATA / "coordenadas_africa.csv", unit="ug/m3")

    findings = result.findings.results["sensor.coordinates"].findings
    assert [f.row for f in findings] == [3, 4, 5]
    assert findings[1].message["en"] == "Row 4: position (-33.9249, 18.4241) is outside Chile"


def test_valid_ruts_are_flagged_and_invalid_check_digits_are_not():
    result = run(DATA / "beneficiarios_rut.csv")

    findings = result.findings.results["personal.rut"].findings
    assert [(f.row, f.column) for f in findings] == [(2, "rut"), (3, "rut"), (5, "rut")]
    assert [f.message["es"].split("(")[1] for f in findings] == [
        "12.***.***-5)",
        "11.***.***-1)",
        "7.***.***-6)",
    ]
    assert result.findings.results["personal.column_names"].count == 1


def test_emails_are_flagged_and_masked():
    result = run(DATA / "contactos_email.csv")

    findings = result.findings.results["personal.email"].findings
    assert [(f.row, f.column) for f in findings] == [(2, "observacion"), (4, "observacion")]
    assert "v***@gmail.com" in findings[0].message["es"]
    assert "vecina.temuco" not in json.dumps(result.findings.as_list())


def test_chilean_phone_numbers_are_flagged(tmp_path):
    path = tmp_path / "telefonos.csv"
    path.write_text(
        "vecino,telefono,nota\n1,912345678,\n2,+56 9 8765 4321,\n3,,llamar al +56 2 2123 4567\n4,,sin datos\n",
        encoding="utf-8",
    )

    result = run(path)

    findings = result.findings.results["personal.phone"].findings
    assert sorted((f.row, f.column) for f in findings) == [(2, "telefono"), (3, "telefono"), (4, "nota")]


def test_variables_and_units_are_checked_against_the_vocabulary(tmp_path):
    path = tmp_path / "aire.csv"
    path.write_text(
        "timestamp,lat,lon,pm25,humo\n2024-05-01T00:00:00-04:00,-38.7,-72.6,12,3\n", encoding="utf-8"
    )

    result = run(path, unit="µg/m³")

    variables = result.findings.results["sensor.variables"].findings
    assert [f.column for f in variables] == ["humo"]
    units = result.findings.results["sensor.units"].findings
    assert units[0].message["es"] == (
        "La unidad 'µg/m³' de 'pm25' no es un código UCUM admitido para esa variable (ug/m3)"
    )


def test_a_declared_table_schema_is_enforced():
    schema = json.loads((DATA / "aforo_esquema.json").read_text(encoding="utf-8"))

    result = run(DATA / "aforo_esquema.csv", table_schema=schema)

    findings = result.findings.results["tabular.table_schema"].findings
    assert {(f.row, f.column) for f in findings} == {(3, "conteo"), (4, "fecha"), (4, "conteo")}
    assert "tabular.types" not in result.findings.results


def test_an_invalid_table_schema_is_reported():
    result = run(DATA / "aforo_esquema.csv", table_schema={"fields": [{"name": "x", "type": "sabor"}]})

    finding = first(result, "tabular.table_schema")
    assert finding.field == "schema"
    assert "no es válido" in finding.message["es"]


def test_types_are_inferred_and_checked_by_frictionless(tmp_path):
    path = tmp_path / "conteos.csv"
    lines = ["estacion,conteo"] + [f"E-{i},{i}" for i in range(50)] + ["E-50,muchos"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = run(path)

    finding = first(result, "tabular.types")
    assert (finding.row, finding.column) == (52, "conteo")
    assert "'muchos' no es del tipo integer" in finding.message["es"]


def test_xlsx_workbooks_are_read_row_by_row(tmp_path):
    path = tmp_path / "beneficiarios.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["folio", "rut", "correo"])
    sheet.append([1, "12.345.678-5", "ana@example.cl"])
    sheet.append([2, "12.345.678-4", ""])
    workbook.save(path)

    result = run(path, format="XLSX")

    assert result.kind == "xlsx"
    # "rut" and "correo" are named like personal identifiers
    assert counts(result) == {"personal.rut": 1, "personal.email": 1, "personal.column_names": 2}


def test_a_file_over_the_size_limit_stops_with_a_finding():
    result = run(DATA / "sensor_limpio.csv", limits=Limits(max_bytes=100), unit="ug/m3")

    finding = first(result, "content.fetch")
    assert "supera el tamaño máximo (100 bytes)" in finding.message["es"]


def test_a_file_that_takes_too_long_stops_with_a_finding(tmp_path):
    path = tmp_path / "largo.csv"
    path.write_text("a,b\n" + "1,2\n" * 70_000, encoding="utf-8")

    result = run(path, limits=Limits(max_bytes=10**9, deadline=time.monotonic() - 1))

    assert "se agotó el tiempo máximo tras 65536 filas" in first(result, "content.fetch").message["es"]


def test_non_tabular_formats_are_not_content_checked():
    result = run(DATA / "sensor_limpio.csv", format="PDF")

    assert result.kind is None
    assert counts(result) == {}


def write_sensor_csv(path: Path, rows: int, *, plant_rut_at: int | None = None) -> None:
    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as out:
        out.write("timestamp,entity_id,lat,lon,pm25,pm10\n")
        for i in range(rows):
            pm25 = "12.345.678-5" if i == plant_rut_at else f"{rng.random() * 80:.1f}"
            out.write(
                f"2024-05-{1 + (i // 24) % 28:02d}T{i % 24:02d}:00:00-04:00,TEM-{i % 7:02d},"
                f"{-38.7 + rng.random() / 10:.5f},{-72.6 + rng.random() / 10:.5f},{pm25},"
                f"{rng.random() * 120:.1f}\n"
            )


def test_a_million_row_csv_is_validated_in_bounded_memory(tmp_path):
    path = tmp_path / "sensores_1m.csv"
    write_sensor_csv(path, 1_000_000, plant_rut_at=999_000)
    size = path.stat().st_size

    tracemalloc.start()
    try:
        result = run(path, unit="ug/m3")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result.rows == 1_000_000
    assert result.bytes == size
    rut_findings = result.findings.results["personal.rut"].findings
    assert [(f.row, f.column) for f in rut_findings] == [(999_002, "pm25")]
    # the file is ~63 MB; the scan keeps a few blocks and the first findings, nothing more
    assert peak < 64 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"
