"""The territorial fields in package_search: facets, fq filters and free text by name."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

FIELDS = ["dimension", "subdimension", "region", "comuna", "frequency"]


def search(**params):
    return call_action("package_search", **params)


def names(result) -> set[str]:
    return {d["name"] for d in result["results"]}


def facet(result, field: str) -> dict[str, int]:
    return {i["name"]: i["count"] for i in result["search_facets"][field]["items"]}


def display_names(result, field: str) -> dict[str, str]:
    return {i["name"]: i["display_name"] for i in result["search_facets"][field]["items"]}


@pytest.fixture
def catalog(with_plugins, clean_db, clean_index):
    """Three datasets across dimensions, regions and comunas."""
    TerritorialDataset(
        name="aire-temuco",
        title="Calidad del aire",
        dimension=["medio-ambiente"],
        subdimension=["calidad-del-aire"],
        region=["CL-AR"],
        comuna=["09101"],
        frequency="HOURLY",
    )
    TerritorialDataset(
        name="buses-santiago",
        title="Frecuencia de buses",
        dimension=["movilidad"],
        subdimension=["transporte-publico-integrado"],
        region=["CL-RM"],
        comuna=["13101"],
        frequency="DAILY",
    )
    TerritorialDataset(
        name="residuos-sur",
        title="Residuos y atenciones",
        notes="Toneladas recolectadas por comuna y atenciones de salud asociadas.",
        dimension=["medio-ambiente", "salud"],
        subdimension=["gestion-de-residuos", "plataformas-de-datos"],
        region=["CL-AR", "CL-BI"],
        comuna=["9101", "08101"],
        frequency="MONTHLY",
    )


@pytest.mark.usefixtures("catalog")
class TestFacets:
    def test_counts_per_dimension(self):
        result = search(**{"facet.field": FIELDS})
        assert facet(result, "dimension") == {"medio-ambiente": 2, "movilidad": 1, "salud": 1}

    def test_counts_per_subdimension_region_comuna_and_frequency(self):
        result = search(**{"facet.field": FIELDS})
        assert facet(result, "subdimension") == {
            "calidad-del-aire": 1,
            "transporte-publico-integrado": 1,
            "gestion-de-residuos": 1,
            "plataformas-de-datos": 1,
        }
        assert facet(result, "region") == {"CL-AR": 2, "CL-RM": 1, "CL-BI": 1}
        assert facet(result, "comuna") == {"09101": 2, "13101": 1, "08101": 1}
        assert facet(result, "frequency") == {"HOURLY": 1, "DAILY": 1, "MONTHLY": 1}

    def test_facet_items_carry_the_spanish_names(self):
        result = search(**{"facet.field": FIELDS})
        assert display_names(result, "dimension")["medio-ambiente"] == "Medio Ambiente"
        assert display_names(result, "region") == {
            "CL-AR": "La Araucanía",
            "CL-RM": "Metropolitana de Santiago",
            "CL-BI": "Biobío",
        }
        assert display_names(result, "comuna")["09101"] == "Temuco"
        assert display_names(result, "frequency")["HOURLY"] == "Cada hora"

    def test_search_page_lists_the_framework_facets_by_name(self, app):
        page = app.get(tk.url_for("dataset.search")).body
        for title in ("Dimensiones", "Regiones", "Comunas", "Frecuencia de actualización"):
            assert title in page
        assert "Medio Ambiente" in page and "La Araucanía" in page

    def test_search_page_with_the_dimension_facet_applied(self, app):
        page = app.get(tk.url_for("dataset.search", dimension="salud")).body
        assert "residuos-sur" in page
        assert "aire-temuco" not in page and "buses-santiago" not in page


@pytest.mark.usefixtures("catalog")
class TestFilters:
    def test_dimension_and_region_together(self):
        result = search(fq="dimension:medio-ambiente region:CL-AR")
        assert names(result) == {"aire-temuco", "residuos-sur"}

    def test_dimension_and_region_must_both_match(self):
        assert names(search(fq="dimension:movilidad region:CL-AR")) == set()

    @pytest.mark.parametrize(
        ("fq", "expected"),
        [
            ("dimension:salud", {"residuos-sur"}),
            ("subdimension:calidad-del-aire", {"aire-temuco"}),
            ("subdimension:plataformas-de-datos", {"residuos-sur"}),
            ("region:CL-BI", {"residuos-sur"}),
            ('region:"CL-RM"', {"buses-santiago"}),
            ("comuna:09101", {"aire-temuco", "residuos-sur"}),
            ("comuna:08101", {"residuos-sur"}),
            ("frequency:DAILY", {"buses-santiago"}),
        ],
    )
    def test_fq_on_each_field(self, fq, expected):
        assert names(search(fq=fq)) == expected

    def test_filter_by_one_of_several_regions(self):
        assert names(search(fq="region:(CL-RM OR CL-BI)")) == {"buses-santiago", "residuos-sur"}


@pytest.mark.usefixtures("catalog")
class TestFreeTextByName:
    def test_region_name_finds_its_datasets(self):
        assert names(search(q="araucania")) == {"aire-temuco", "residuos-sur"}

    def test_comuna_name_finds_its_datasets(self):
        assert names(search(q="concepcion")) == {"residuos-sur"}

    def test_dimension_name_finds_its_datasets(self):
        assert names(search(q="movilidad")) == {"buses-santiago"}

    def test_english_dimension_name_finds_its_datasets(self):
        assert names(search(q="mobility")) == {"buses-santiago"}

    def test_search_results_keep_the_lists(self):
        result = search(q="name:residuos-sur")
        assert result["results"][0]["comuna"] == ["09101", "08101"]
