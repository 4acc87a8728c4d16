"""territorio_framework_show: the framework and the territories through the action API."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests.helpers import call_action, call_auth

SEVEN = [
    "movilidad",
    "seguridad",
    "salud",
    "medio-ambiente",
    "fomento-productivo",
    "planificacion-urbana",
    "gobierno",
]

pytestmark = pytest.mark.usefixtures("with_plugins")


def show(**params):
    return call_action("territorio_framework_show", **params)


class TestWholeFramework:
    def test_seven_dimensions_in_the_plans_order(self):
        result = show()
        assert [d["slug"] for d in result["dimensions"]] == SEVEN
        assert result["counts"]["dimensions"] == 7

    def test_sixteen_regions_and_346_comunas(self):
        result = show()
        assert len(result["regions"]) == 16 == result["counts"]["regions"]
        comunas = [c for r in result["regions"] for c in r["comunas"]]
        assert len(comunas) == 346 == result["counts"]["comunas"]
        assert len({c["cut"] for c in comunas}) == 346

    def test_dimensions_carry_spanish_and_english_labels(self):
        dimension = show()["dimensions"][3]
        assert dimension["label"] == {"es": "Medio Ambiente", "en": "Environment"}
        sub = next(s for s in dimension["subdimensions"] if s["slug"] == "reciclaje")
        assert sub["label"] == {"es": "Reciclaje", "en": "Recycling"}

    def test_enabling_elements_are_listed_apart(self):
        enabling = show()["enabling_elements"]
        assert enabling["slug"] == "habilitantes"
        assert [s["slug"] for s in enabling["subdimensions"]] == [
            "telecomunicaciones",
            "energia",
            "capital-humano-digital",
            "regulacion",
            "plataformas-de-datos",
        ]

    def test_comunas_use_the_codes_in_force(self):
        regions = {r["iso"]: r for r in show()["regions"]}
        nuble = {c["cut"]: c["name"] for c in regions["CL-NB"]["comunas"]}
        assert nuble["16101"] == "Chillán"
        assert regions["CL-AR"]["capital"] == "09101"

    def test_lead_assignments_of_the_plan(self):
        assignments = show()["assignments"]
        assert {(a["region"], a["dimension"]) for a in assignments} >= {
            ("CL-AR", "movilidad"),
            ("CL-BI", "medio-ambiente"),
            ("CL-AN", "planificacion-urbana"),
        }
        biobio = next(a for a in assignments if a["dimension"] == "medio-ambiente")
        # the whole dimension, "incluyendo especialmente" these two (the seed)
        assert biobio["subdimensions"] == [] and biobio["whole_dimension"] is True
        assert biobio["emphasis"] == ["economia-circular", "gestion-de-residuos"]
        assert biobio["rationale"]["es"]

    def test_national_code_and_frequencies(self):
        result = show()
        assert result["national"]["code"] == "CL"
        codes = [f["code"] for f in result["frequencies"]]
        assert {"CONT", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "ANNUAL", "IRREG"} <= set(codes)
        daily = next(f for f in result["frequencies"] if f["code"] == "DAILY")
        assert daily["uri"] == "http://publications.europa.eu/resource/authority/frequency/DAILY"
        assert daily["label"] == {"es": "Diaria", "en": "Daily"}

    def test_concepts_carry_the_dcat_uris(self):
        result = show()
        base = tk.config["ckan.site_url"] + "/framework"
        assert result["scheme"] == base
        assert result["dimensions"][0]["uri"] == f"{base}/dimension/movilidad"
        araucania = next(r for r in result["regions"] if r["iso"] == "CL-AR")
        assert araucania["uri"] == f"{base}/region/CL-AR"
        assert araucania["comunas"][0]["uri"].startswith(f"{base}/comuna/09")


class TestFilters:
    def test_one_region_with_its_comunas_and_assignments(self):
        result = show(region="CL-AR")
        assert [r["iso"] for r in result["regions"]] == ["CL-AR"]
        assert len(result["regions"][0]["comunas"]) == 32 == result["counts"]["comunas"]
        assert [(a["region"], a["dimension"]) for a in result["assignments"]] == [
            ("CL-AR", "movilidad")
        ]

    @pytest.mark.parametrize("code", ["9", "IX", "cl-ar"])
    def test_region_by_cut_number_or_roman_numeral(self, code):
        assert [r["iso"] for r in show(region=code)["regions"]] == ["CL-AR"]

    def test_without_comunas(self):
        result = show(include_comunas=False)
        assert all("comunas" not in r for r in result["regions"])
        assert result["counts"]["comunas"] == 346

    def test_one_dimension(self):
        result = show(dimension="salud")
        assert [d["slug"] for d in result["dimensions"]] == ["salud"]
        assert result["enabling_elements"] is None
        assert [a["region"] for a in result["assignments"]] == ["CL-NB"]

    @pytest.mark.parametrize("code", ["CL-XX", "CL", "17"])
    def test_unknown_region_is_a_validation_error(self, code):
        with pytest.raises(tk.ValidationError) as excinfo:
            show(region=code)
        assert list(excinfo.value.error_dict) == ["region"]

    def test_unknown_dimension_is_a_validation_error(self):
        with pytest.raises(tk.ValidationError) as excinfo:
            show(dimension="transporte")
        assert list(excinfo.value.error_dict) == ["dimension"]


class TestPublicApi:
    def test_anonymous_users_may_read_it(self):
        assert call_auth("territorio_framework_show", context={"user": ""}) is True

    def test_served_by_get_without_credentials(self, app):
        response = app.get(
            tk.url_for("api.action", ver=3, logic_function="territorio_framework_show"),
            query_string={"region": "CL-NB", "include_comunas": "true"},
        )
        result = response.json["result"]
        assert [r["name"] for r in result["regions"]] == ["Ñuble"]
        subdimensions = sum(len(d["subdimensions"]) for d in result["dimensions"])
        assert result["counts"] == {
            "dimensions": 7,
            "subdimensions": subdimensions,
            "regions": 1,
            "comunas": 21,
        }

    def test_documented_for_help_show(self):
        help_text = call_action("help_show", name="territorio_framework_show")
        assert ":param region:" in help_text and ":param include_comunas:" in help_text
