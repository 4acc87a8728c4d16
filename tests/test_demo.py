"""The demo load behind `make up`: the six studied regions with their regional government and
capital municipality, datasets in all seven dimensions and the plan's 75 initiatives;
idempotent."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from ckan.cli.cli import ckan
from ckan.tests import factories
from ckan.tests.helpers import call_action
from factories import territorial_schemas

from ckanext.territorio import current
from ckanext.territorio.demo import Change, DemoCatalogError, load_catalog, territorio_demo_load

CAPITAL_CUTS = {"13101", "09101", "08101", "16101", "02101", "05101"}
STUDIED_REGIONS = {"CL-RM", "CL-AR", "CL-BI", "CL-NB", "CL-AN", "CL-VS"}
SEVEN_DIMENSIONS = {
    "movilidad",
    "seguridad",
    "salud",
    "medio-ambiente",
    "fomento-productivo",
    "planificacion-urbana",
    "gobierno",
}
SEED_INITIATIVES = 75


def run_load() -> Counter[tuple[str, Change]]:
    return Counter((o.kind, o.change) for o in territorio_demo_load(load_catalog()))


def count(dataset_type: str = "dataset", **params) -> int:
    return call_action("package_search", fq=f"+dataset_type:{dataset_type}", rows=0, **params)[
        "count"
    ]


def facet(dataset_type: str, field: str) -> dict[str, int]:
    result = call_action(
        "package_search",
        fq=f"+dataset_type:{dataset_type}",
        rows=0,
        **{"facet.field": json.dumps([field]), "facet.limit": -1},
    )
    return result["facets"][field]


def test_catalog_has_a_regional_government_and_the_capital_municipality_per_studied_region():
    catalog = load_catalog()

    kinds = Counter((org.region_iso, org.tipo) for org in catalog.organizaciones)
    assert set(kinds) == {
        (region, kind)
        for region in STUDIED_REGIONS
        for kind in ("gobierno-regional", "municipalidad")
    }
    assert set(kinds.values()) == {1}
    assert {org.comuna_cut for org in catalog.organizaciones} == CAPITAL_CUTS
    assert {o.titulo for o in catalog.organizaciones if o.tipo == "gobierno-regional"} >= {
        "Gobierno Regional de La Araucanía",
        "Gobierno Regional de Ñuble",
        "Gobierno Regional de Valparaíso",
    }


def test_catalog_datasets_span_the_seven_dimensions_and_every_organization():
    catalog = load_catalog()

    dimensions = {
        slug
        for ds in catalog.conjuntos
        for slug in ([ds.dimension] if isinstance(ds.dimension, str) else ds.dimension)
    }
    assert dimensions == SEVEN_DIMENSIONS
    assert {ds.organizacion for ds in catalog.conjuntos} == {
        org.nombre for org in catalog.organizaciones
    }
    assert len(catalog.conjuntos) >= 30


def test_every_seed_initiative_gets_an_organization_of_its_region():
    catalog = load_catalog()
    fw = current.framework()
    orgs = {org.nombre: org for org in catalog.organizaciones}

    initiatives = catalog.initiatives(fw)

    assert len(initiatives) == SEED_INITIATIVES
    assert all(orgs[i.organization].region_iso == i.region for i in initiatives)
    by_name = {i.name: i for i in initiatives}
    # of the capital's comuna: the municipality; elsewhere in the region: the government
    assert by_name["ar-sensorizacion-transito-temuco"].organization == "municipalidad-de-temuco"
    assert by_name["rm-smardrop-puente-alto"].organization == "gobierno-regional-metropolitano"
    assert by_name["ar-bicyred"].organization == "gobierno-regional-de-la-araucania"
    assert all(i.description for i in initiatives)


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


def test_initiative_detail_linking_an_unknown_dataset_is_rejected(tmp_path: Path):
    broken = tmp_path / "catalogo.yaml"
    broken.write_text(
        "organizaciones: []\nconjuntos: []\n"
        "iniciativas:\n  - {slug: ar-bicyred, conjuntos: [no-existe]}\n",
        encoding="utf-8",
    )

    with pytest.raises(DemoCatalogError, match="conjunto desconocido 'no-existe'"):
        load_catalog(broken)


def test_initiative_detail_outside_the_plan_is_rejected(tmp_path: Path):
    broken = tmp_path / "catalogo.yaml"
    broken.write_text(
        "organizaciones: []\nconjuntos: []\niniciativas:\n  - {slug: inventada}\n",
        encoding="utf-8",
    )

    with pytest.raises(DemoCatalogError, match="inventada"):
        load_catalog(broken).initiatives(current.framework())


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "with_request_context")
class TestDemoLoad:
    pytestmark = territorial_schemas

    # A demo load takes long: the checks that only read the catalogue share one load.
    def test_one_load_creates_the_catalogue_as_described(self):
        catalog = load_catalog()

        counts = run_load()

        self.organizations_datasets_and_initiatives_are_created(catalog, counts)
        self.datasets_cover_the_seven_dimensions_and_the_six_regions()
        self.datasets_carry_the_territorial_fields()
        self.initiatives_are_owned_by_their_territory_and_link_the_demo_datasets()
        self.datasets_are_searchable_with_facets()
        self.some_datasets_carry_a_geojson_extent()

    @staticmethod
    def organizations_datasets_and_initiatives_are_created(catalog, counts):
        assert counts[("organization", Change.CREATED)] == 12
        assert counts[("dataset", Change.CREATED)] == len(catalog.conjuntos)
        assert counts[("initiative", Change.CREATED)] == SEED_INITIATIVES
        orgs = call_action("organization_list", all_fields=True, include_extras=True)
        assert {o["title"] for o in orgs} >= {
            "Municipalidad de Santiago",
            "Municipalidad de Temuco",
            "Municipalidad de Concepción",
            "Municipalidad de Chillán",
            "Municipalidad de Antofagasta",
            "Municipalidad de Valparaíso",
            "Gobierno Regional Metropolitano de Santiago",
            "Gobierno Regional del Biobío",
        }
        assert {e["value"] for o in orgs for e in o["extras"] if e["key"] == "comuna_cut"} == CAPITAL_CUTS
        assert count() == len(catalog.conjuntos)
        assert count("iniciativa") == SEED_INITIATIVES

    @staticmethod
    def datasets_cover_the_seven_dimensions_and_the_six_regions():
        assert set(facet("dataset", "dimension")) == SEVEN_DIMENSIONS
        regions = facet("dataset", "region")
        assert set(regions) == STUDIED_REGIONS
        assert min(regions.values()) >= 4

    @staticmethod
    def datasets_carry_the_territorial_fields():
        municipal = call_action("package_show", id="temuco-flujos-de-transito")
        regional = call_action("package_show", id="araucania-buses-rurales-gps")
        several = call_action("package_show", id="valparaiso-transferencia-portuaria")

        assert municipal["region"] == ["CL-AR"] and municipal["comuna"] == ["09101"]
        assert municipal["frequency"] == "15MIN"
        assert municipal["contact_email"] == "transito@temuco.example"
        assert municipal["temporal_start"] == "2024-03-01"
        # a regional government's dataset covers the whole region
        assert regional["region"] == ["CL-AR"] and not regional.get("comuna")
        assert several["dimension"] == ["fomento-productivo", "movilidad"]
        assert several["comuna"] == ["05101", "05601"]

    @staticmethod
    def initiatives_are_owned_by_their_territory_and_link_the_demo_datasets():
        initiative = call_action("package_show", id="ar-sensorizacion-transito-temuco")
        dataset = call_action("package_show", id="temuco-flujos-de-transito")

        assert initiative["type"] == "iniciativa"
        assert initiative["organization"]["name"] == "municipalidad-de-temuco"
        assert initiative["dimension"] == ["movilidad"]
        assert initiative["subdimension"] == ["congestion"]
        assert initiative["comuna"] == ["09101"]
        assert initiative["datasets"] == [dataset["id"]]
        assert "Sensores de conteo vehicular" in initiative["notes"]
        piloted = call_action("package_show", id="rm-smardrop-puente-alto")
        assert piloted["status"] == "piloto"
        assert piloted["organization"]["name"] == "gobierno-regional-metropolitano"

    @staticmethod
    def datasets_are_searchable_with_facets():
        result = call_action(
            "package_search",
            q="reciclaje",
            fq="+dataset_type:dataset",
            **{"facet.field": '["organization", "res_format"]'},
        )

        assert {d["name"] for d in result["results"]} >= {
            "santiago-reciclaje-a-la-puerta",
            "concepcion-puntos-limpios",
        }
        formats = {i["name"] for i in result["search_facets"]["res_format"]["items"]}
        assert {"CSV", "GeoJSON"} <= formats

    @staticmethod
    def some_datasets_carry_a_geojson_extent():
        dataset = call_action("package_show", id="santiago-ciclovias")

        # A schema field with the portal's dataset schema, an extra with CKAN's default one.
        extras = {e["key"]: e["value"] for e in dataset.get("extras") or []}
        spatial = json.loads(dataset.get("spatial") or extras["spatial"])
        assert spatial["type"] == "Polygon"

    def test_running_twice_changes_nothing(self):
        catalog = load_catalog()
        run_load()
        modified = call_action("package_show", id="chillan-turismo")["metadata_modified"]
        initiative_modified = call_action("package_show", id="nb-pabellon-a-punto")[
            "metadata_modified"
        ]

        counts = run_load()

        assert counts[("organization", Change.UNCHANGED)] == 12
        assert counts[("dataset", Change.UNCHANGED)] == len(catalog.conjuntos)
        assert counts[("initiative", Change.UNCHANGED)] == SEED_INITIATIVES
        assert len(call_action("organization_list")) == 12
        assert count() == len(catalog.conjuntos)
        assert count("iniciativa") == SEED_INITIATIVES
        assert call_action("package_show", id="chillan-turismo")["metadata_modified"] == modified
        assert (
            call_action("package_show", id="nb-pabellon-a-punto")["metadata_modified"]
            == initiative_modified
        )

    def test_edited_dataset_and_initiative_are_restored_keeping_resource_ids(self):
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
        call_action(
            "package_patch",
            context={"user": editor["name"]},
            id="ar-bicyred",
            title="Editada a mano",
            status="finalizada",
        )

        counts = run_load()

        assert counts[("dataset", Change.UPDATED)] == 1
        assert counts[("initiative", Change.UPDATED)] == 1
        after = call_action("package_show", id="chillan-turismo")
        assert after["title"] == "Llegadas de turistas y ocupación de alojamientos"
        assert {t["name"] for t in after["tags"]} == {"turismo", "alojamientos", "fomento productivo"}
        assert [r["id"] for r in after["resources"]] == [r["id"] for r in before["resources"]]
        initiative = call_action("package_show", id="ar-bicyred")
        assert initiative["title"] == "Bicyred"
        assert not initiative.get("status")

    def test_cli_command_loads_and_reports(self, cli):
        result = cli.invoke(ckan, ["territorio", "demo", "load"])

        assert result.exit_code == 0, result.output
        assert "Organizaciones: 12 creados" in result.output
        assert f"Iniciativas: {SEED_INITIATIVES} creados" in result.output
        assert count() == len(load_catalog().conjuntos)
