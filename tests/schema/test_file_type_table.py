"""The EU file-type table in schemas/vocab/formatos.yaml (plain Python, no database)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ckanext.territorio.vocab import VocabError
from ckanext.territorio.vocab.file_type import file_types, load_file_types

EU = "http://publications.europa.eu/resource/authority/file-type/"
DEMO_CATALOG = Path(__file__).parents[2] / "ckanext-territorio/ckanext/territorio/demo/catalogo.yaml"


@pytest.mark.parametrize(
    ("value", "code", "ckan_format"),
    [
        ("CSV", "CSV", "CSV"),
        ("csv", "CSV", "CSV"),
        ("GeoJSON", "GEOJSON", "GeoJSON"),
        (" jsonld ", "JSON_LD", "JSON-LD"),
        ("WMS", "WMS_SRVC", "WMS"),
        ("RDF", "RDF_XML", "RDF"),
        (EU + "ZIP", "ZIP", "ZIP"),
    ],
)
def test_ckan_names_aliases_and_authority_uris_are_recognised(value, code, ckan_format):
    file_type = file_types().lookup(value)
    assert file_type is not None
    assert (file_type.code, file_type.format) == (code, ckan_format)


@pytest.mark.parametrize("value", ["GTFS-RT", "API", EU + "NOPE", "text/csv", ""])
def test_formats_the_authority_lacks_are_not(value):
    assert file_types().lookup(value) is None


def test_the_demo_formats_and_the_common_open_formats_have_an_eu_entry():
    import yaml

    demo = yaml.safe_load(DEMO_CATALOG.read_text(encoding="utf-8"))
    used = {r["formato"] for ds in demo["conjuntos"] for r in ds.get("recursos", [])}
    assert used == {"CSV", "GeoJSON", "JSON", "ZIP"}
    assert all(file_types().lookup(name) is not None for name in used)
    for name in ("TSV", "XLSX", "PARQUET", "GPKG", "KML", "GML", "SHP", "ODS", "NETCDF", "GTFS"):
        assert file_types().lookup(name) is not None, name


def test_uri_of_a_code():
    assert file_types().uri("GEOJSON") == EU + "GEOJSON"


def write(tmp_path: Path, entries: list[str]) -> Path:
    (tmp_path / "vocab").mkdir()
    body = f"uri_base: {EU}\nformatos:\n" + "".join(f"  - {entry}\n" for entry in entries)
    (tmp_path / "vocab" / "formatos.yaml").write_text(body, encoding="utf-8")
    return tmp_path


def test_lower_case_code_is_reported_with_its_line(tmp_path):
    root = write(tmp_path, ["{codigo: CSV, formato: CSV}", "{codigo: json, formato: JSON}"])
    with pytest.raises(VocabError) as excinfo:
        load_file_types(root)
    assert excinfo.value.line == 4 and "json" in excinfo.value.message


def test_a_name_claimed_twice_is_reported_with_its_line(tmp_path):
    root = write(
        tmp_path,
        ["{codigo: JSON_LD, formato: JSON-LD, alias: [JSONLD]}", "{codigo: JSON, formato: jsonld}"],
    )
    with pytest.raises(VocabError) as excinfo:
        load_file_types(root)
    assert excinfo.value.line == 4
    assert excinfo.value.message == "formato duplicado 'jsonld' (ya definido en la línea 3)"


def test_unknown_key_is_reported(tmp_path):
    root = write(tmp_path, [json.dumps({"codigo": "CSV", "formato": "CSV", "mime": "text/csv"})])
    with pytest.raises(VocabError) as excinfo:
        load_file_types(root)
    assert excinfo.value.line == 3 and "mime" in excinfo.value.message


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(VocabError) as excinfo:
        load_file_types(tmp_path)
    assert excinfo.value.path.name == "formatos.yaml"
