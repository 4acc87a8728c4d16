"""The demo load behind `make up`: six municipalities, a dozen datasets, idempotent."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from ckan.cli.cli import ckan
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.territorio.demo import (
    Change,
    DemoCatalogError,
    load_catalog,
    territorio_demo_load,
)

CAPITAL_CUTS = {"13101", "09101", "08101", "16101", "02101", "05101"}


def run_load() -> Counter[tuple[str, Change]]:
    return Counter((o.kind, o.change) for o in territorio_demo_load(load_catalog()))


def dataset_count() -> int:
    return call_action("package_search", rows=0)["count"]


def test_catalog_covers_the_six_capital_municipalities():
    catalog = load_catalog()

    assert {org.comuna_cut for org in catalog.organizaciones} == CAPITAL_CUTS
    assert 10 <= len(catalog.conjuntos) <= 15
    assert {ds.organizacion for ds in catalog.conjuntos} == {
        org.nombre for org in catalog.organizaciones
    }


def test_catalog_with_unknown_organization_is_rejected(tmp_path: Path):
    broken = tmp_path / "catalogo.yaml"
    broken.write_text(
        "organizaciones: []\n"
        "conjuntos:\n"
        "  - {nombre: aire, organizacion: nadie, titulo: Aire, descripcion: x,\n"
        "     licencia: cc-by, mantenedor: x, etiquetas: [aire], dimension: medio-ambiente,\n"
        "     subdimension: calidad-del-aire,\n"
        "     recursos: [{nombre: a, url: 'https://a.example/a.csv', formato: CSV}]}\n",
        encoding="utf-8",
    )

    with pytest.raises(DemoCatalogError, match="organización desconocida 'nadie'"):
        load_catalog(broken)


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "with_request_context")
class TestDemoLoad:
    def test_creates_the_organizations_and_datasets(self):
        catalog = load_catalog()

        counts = run_load()

        assert counts[("organization", Change.CREATED)] == 6
        assert counts[("dataset", Change.CREATED)] == len(catalog.conjuntos)
        orgs = call_action("organization_list", all_fields=True, include_extras=True)
        assert {o["title"] for o in orgs} >= {
            "Municipalidad de Santiago",
            "Municipalidad de Temuco",
            "Municipalidad de Concepción",
            "Municipalidad de Chillán",
            "Municipalidad de Antofagasta",
            "Municipalidad de Valparaíso",
        }
        assert {e["value"] for o in orgs for e in o["extras"] if e["key"] == "comuna_cut"} == CAPITAL_CUTS
        assert dataset_count() == len(catalog.conjuntos)

    def test_running_twice_changes_nothing(self):
        catalog = load_catalog()
        run_load()
        modified = call_action("package_show", id="chillan-turismo")["metadata_modified"]

        counts = run_load()

        assert counts[("organization", Change.UNCHANGED)] == 6
        assert counts[("dataset", Change.UNCHANGED)] == len(catalog.conjuntos)
        assert len(call_action("organization_list")) == 6
        assert dataset_count() == len(catalog.conjuntos)
        assert call_action("package_show", id="chillan-turismo")["metadata_modified"] == modified

    def test_edited_dataset_is_restored_keeping_resource_ids(self):
        run_load()
        before = call_action("package_show", id="chillan-turismo")
        editor = factories.Sysadmin()
        call_action(
            "package_patch",
            context={"user": editor["name"]},
            id="chillan-turismo",
            title="Editado a mano",
            tags=[],
        )

        counts = run_load()

        after = call_action("package_show", id="chillan-turismo")
        assert counts[("dataset", Change.UPDATED)] == 1
        assert after["title"] == "Llegadas de turistas y ocupación de alojamientos"
        assert {t["name"] for t in after["tags"]} == {"turismo", "alojamientos", "fomento productivo"}
        assert [r["id"] for r in after["resources"]] == [r["id"] for r in before["resources"]]

    def test_datasets_are_searchable_with_facets(self):
        run_load()

        result = call_action(
            "package_search",
            q="reciclaje",
            **{"facet.field": '["organization", "res_format"]'},
        )

        assert {d["name"] for d in result["results"]} >= {
            "santiago-reciclaje-a-la-puerta",
            "concepcion-puntos-limpios",
        }
        formats = {i["name"] for i in result["search_facets"]["res_format"]["items"]}
        assert {"CSV", "GeoJSON"} <= formats

    def test_some_datasets_carry_a_geojson_extent(self):
        run_load()

        dataset = call_action("package_show", id="santiago-ciclovias")

        # A schema field with the portal's dataset schema, an extra with CKAN's default one.
        extras = {e["key"]: e["value"] for e in dataset.get("extras") or []}
        spatial = json.loads(dataset.get("spatial") or extras["spatial"])
        assert spatial["type"] == "Polygon"

    def test_cli_command_loads_and_reports(self, cli):
        result = cli.invoke(ckan, ["territorio", "demo", "load"])

        assert result.exit_code == 0, result.output
        assert "Organizaciones: 6 creados" in result.output
        assert dataset_count() == len(load_catalog().conjuntos)
