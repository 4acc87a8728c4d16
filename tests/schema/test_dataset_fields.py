"""The dataset type's territorial fields: good values stored, bad ones rejected by field."""
from __future__ import annotations

import json
from pathlib import Path

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action
from factories import TEMUCO_EXTENT, TerritorialDataset, territorial_schemas

DATA = Path(__file__).resolve().parents[1] / "data"
TERRITORIAL_FIELDS = {
    "dimension",
    "subdimension",
    "region",
    "comuna",
    "frequency",
    "temporal_start",
    "temporal_end",
    "spatial",
    "personal_data",
    "contact_name",
    "contact_email",
}

pytestmark = [*territorial_schemas, pytest.mark.usefixtures("with_plugins", "clean_db")]


def rejected(**fields) -> dict[str, list[str]]:
    """The error dict package_create answers with; the dataset must not be stored."""
    before = model.Session.query(model.Package).count()
    with pytest.raises(tk.ValidationError) as excinfo:
        TerritorialDataset(**fields)
    model.Session.rollback()
    assert model.Session.query(model.Package).count() == before
    return excinfo.value.error_dict


class TestValidDataset:
    def test_every_field_is_stored_and_shown(self):
        dataset = call_action("package_show", id=TerritorialDataset()["id"])
        assert dataset["dimension"] == ["medio-ambiente"]
        assert dataset["subdimension"] == ["calidad-del-aire"]
        assert dataset["region"] == ["CL-AR"]
        assert dataset["comuna"] == ["09101"]
        assert dataset["frequency"] == "HOURLY"
        assert dataset["temporal_start"] == "2023-01-01"
        assert dataset["temporal_end"] == "2023-12-31"
        assert json.loads(dataset["spatial"]) == TEMUCO_EXTENT
        assert dataset["personal_data"] == "none"
        assert dataset["contact_name"] == "Unidad de Medio Ambiente, Municipalidad de Temuco"
        assert dataset["contact_email"] == "datos@temuco.example"
        resource = dataset["resources"][0]
        assert (resource["format"], resource["variable"], resource["unit"]) == (
            "CSV",
            "MP2,5",
            "µg/m³",
        )

    def test_optional_fields_may_be_left_out(self):
        dataset = TerritorialDataset(
            subdimension=[],
            comuna=[],
            frequency="",
            temporal_start="",
            temporal_end="",
            spatial="",
            contact_name="",
            contact_email="",
        )
        shown = call_action("package_show", id=dataset["id"])
        assert shown["subdimension"] == [] and shown["comuna"] == []
        assert not shown.get("frequency") and not shown.get("temporal_end")

    def test_single_values_are_accepted_as_one_element_lists(self):
        dataset = TerritorialDataset(dimension="movilidad", subdimension="congestion", region="CL-RM", comuna="13101")
        assert (dataset["dimension"], dataset["region"], dataset["comuna"]) == (
            ["movilidad"],
            ["CL-RM"],
            ["13101"],
        )

    def test_json_text_lists_are_accepted(self):
        dataset = TerritorialDataset(region='["CL-RM", "CL-BI"]', comuna='["13101", "08101"]')
        assert dataset["region"] == ["CL-RM", "CL-BI"]
        assert dataset["comuna"] == ["13101", "08101"]

    def test_repeated_values_are_stored_once(self):
        dataset = TerritorialDataset(dimension=["salud", "salud"], subdimension=[])
        assert dataset["dimension"] == ["salud"]

    def test_update_keeps_the_territorial_fields(self):
        dataset = TerritorialDataset()
        sysadmin = ckan_factories.Sysadmin()
        call_action(
            "package_patch", {"user": sysadmin["name"]}, id=dataset["id"], notes="Datos revisados"
        )
        shown = call_action("package_show", id=dataset["id"])
        assert shown["notes"] == "Datos revisados"
        assert shown["region"] == ["CL-AR"] and shown["comuna"] == ["09101"]


class TestDimension:
    def test_several_dimensions_are_accepted(self):
        dataset = TerritorialDataset(dimension=["medio-ambiente", "salud"])
        assert dataset["dimension"] == ["medio-ambiente", "salud"]

    def test_unknown_dimension_is_rejected(self):
        errors = rejected(dimension=["medio-ambiente", "transporte"])
        assert list(errors) == ["dimension"]
        assert "transporte" in errors["dimension"][0]

    def test_enabling_elements_are_not_a_dimension(self):
        assert "dimension" in rejected(dimension=["habilitantes"], subdimension=[])

    def test_at_least_one_dimension_is_required(self):
        errors = rejected(dimension=[], subdimension=[])
        assert list(errors) == ["dimension"]

    def test_dimension_must_be_text(self):
        assert "dimension" in rejected(dimension=[{"slug": "salud"}])


class TestSubdimension:
    def test_subdimension_of_a_chosen_dimension_is_accepted(self):
        dataset = TerritorialDataset(
            dimension=["medio-ambiente", "gobierno"],
            subdimension=["reciclaje", "datos-abiertos"],
        )
        assert dataset["subdimension"] == ["reciclaje", "datos-abiertos"]

    def test_enabling_elements_are_always_accepted(self):
        dataset = TerritorialDataset(subdimension=["calidad-del-aire", "plataformas-de-datos"])
        assert dataset["subdimension"] == ["calidad-del-aire", "plataformas-de-datos"]

    def test_subdimension_of_another_dimension_is_rejected(self):
        errors = rejected(dimension=["medio-ambiente"], subdimension=["telemedicina"])
        assert list(errors) == ["subdimension"]
        assert "telemedicina" in errors["subdimension"][0]
        assert "salud" in errors["subdimension"][0]

    def test_unknown_subdimension_is_rejected(self):
        assert list(rejected(subdimension=["smog"])) == ["subdimension"]


class TestRegion:
    def test_national_coverage_is_accepted(self):
        assert TerritorialDataset(region=["CL"], comuna=[])["region"] == ["CL"]

    @pytest.mark.parametrize(
        ("given", "stored"), [("cl-nb", "CL-NB"), ("16", "CL-NB"), ("XVI", "CL-NB"), ("13", "CL-RM")]
    )
    def test_region_codes_are_normalised_to_iso(self, given, stored):
        assert TerritorialDataset(region=[given], comuna=[])["region"] == [stored]

    @pytest.mark.parametrize("code", ["CL-XX", "AR", "CL-ARA", "17"])
    def test_unknown_region_is_rejected(self, code):
        errors = rejected(region=[code], comuna=[])
        assert list(errors) == ["region"]
        assert code in errors["region"][0]

    def test_at_least_one_region_is_required(self):
        assert list(rejected(region=[], comuna=[])) == ["region"]


class TestComuna:
    def test_comuna_outside_the_chosen_regions_is_rejected(self):
        errors = rejected(region=["CL-AR"], comuna=["13101"])
        assert list(errors) == ["comuna"]
        assert "13101" in errors["comuna"][0] and "CL-RM" in errors["comuna"][0]

    def test_comunas_of_each_chosen_region_are_accepted(self):
        dataset = TerritorialDataset(region=["CL-AR", "CL-RM"], comuna=["13101", "09101"])
        assert dataset["comuna"] == ["13101", "09101"]

    def test_national_coverage_accepts_any_comuna(self):
        assert TerritorialDataset(region=["CL"], comuna=["13101"])["comuna"] == ["13101"]

    @pytest.mark.parametrize("code", ["99999", "123", "temuco", "091010"])
    def test_unknown_comuna_is_rejected(self, code):
        errors = rejected(comuna=[code])
        assert list(errors) == ["comuna"]
        assert code in errors["comuna"][0]


class TestFrequency:
    @pytest.mark.parametrize(
        ("given", "stored"),
        [
            ("DAILY", "DAILY"),
            ("irreg", "IRREG"),
            ("http://publications.europa.eu/resource/authority/frequency/WEEKLY", "WEEKLY"),
        ],
    )
    def test_codes_of_the_eu_table_are_accepted(self, given, stored):
        assert TerritorialDataset(frequency=given)["frequency"] == stored

    @pytest.mark.parametrize("value", ["diaria", "EVERY_DAY", "http://purl.org/cld/freq/daily"])
    def test_frequency_outside_the_table_is_rejected(self, value):
        assert list(rejected(frequency=value)) == ["frequency"]


class TestTemporalCoverage:
    def test_datetimes_with_offset_are_accepted(self):
        dataset = TerritorialDataset(
            temporal_start="2023-05-01T08:00:00-04:00", temporal_end="2023-05-01T20:00:00-04:00"
        )
        assert dataset["temporal_start"] == "2023-05-01T08:00:00-04:00"

    def test_same_start_and_end_day_is_accepted(self):
        dataset = TerritorialDataset(temporal_start="2023-05-01", temporal_end="2023-05-01")
        assert dataset["temporal_end"] == "2023-05-01"

    @pytest.mark.parametrize("value", ["01/05/2023", "2023-13-01", "ayer", "2023-02-30"])
    def test_bad_start_date_is_rejected(self, value):
        assert list(rejected(temporal_start=value)) == ["temporal_start"]

    def test_bad_end_date_is_rejected(self):
        assert list(rejected(temporal_end="31-12-2023")) == ["temporal_end"]

    def test_end_before_start_is_rejected(self):
        errors = rejected(temporal_start="2023-06-01", temporal_end="2023-05-31")
        assert list(errors) == ["temporal_end"]
        assert "2023-06-01" in errors["temporal_end"][0]

    def test_end_before_start_is_rejected_for_datetimes(self):
        errors = rejected(
            temporal_start="2023-06-01T10:00:00+00:00", temporal_end="2023-06-01T09:00:00+00:00"
        )
        assert list(errors) == ["temporal_end"]


class TestContact:
    @pytest.mark.parametrize("email", ["datos", "datos@", "datos@@temuco.cl", "dat os@temuco.cl"])
    def test_bad_contact_email_is_rejected(self, email):
        assert list(rejected(contact_email=email)) == ["contact_email"]


class TestPersonalData:
    @pytest.mark.parametrize("value", ["none", "anonymized", "personal"])
    def test_declared_values_are_accepted(self, value):
        # private: the data-use policy keeps datasets with personal data out of public view
        dataset = TerritorialDataset(personal_data=value, private=True)
        assert dataset["personal_data"] == value

    def test_other_values_are_rejected(self):
        assert list(rejected(personal_data="some")) == ["personal_data"]

    def test_declaration_is_required(self):
        assert list(rejected(personal_data="")) == ["personal_data"]


class TestSpatial:
    def test_geojson_object_is_stored_as_text(self):
        dataset = TerritorialDataset(spatial={"type": "Point", "coordinates": [-72.59, -38.74]})
        assert json.loads(dataset["spatial"]) == {"type": "Point", "coordinates": [-72.59, -38.74]}

    @pytest.mark.parametrize(
        "value",
        [
            "{not json",
            json.dumps({"type": "Feature", "geometry": None, "properties": {}}),
            json.dumps({"type": "Point", "coordinates": [-72.59]}),
            json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}),
            json.dumps({"type": "Point", "coordinates": [-7259000, -3874000]}),
        ],
        ids=["not-json", "feature", "short-point", "self-intersecting", "projected"],
    )
    def test_bad_geojson_is_rejected(self, value):
        assert list(rejected(spatial=value)) == ["spatial"]


class TestActionApi:
    def test_historical_payload_is_stored_with_current_codes(self, app):
        sysadmin = ckan_factories.SysadminWithToken()
        payload = json.loads((DATA / "dataset_historico_chillan.json").read_text(encoding="utf-8"))
        payload["owner_org"] = ckan_factories.Organization()["id"]
        response = app.post(
            "/api/3/action/package_create",
            json=payload,
            headers={"Authorization": sysadmin["token"]},
        )
        result = response.json["result"]
        assert (result["region"], result["comuna"], result["frequency"]) == (
            ["CL-NB"],
            ["16101"],
            "MONTHLY",
        )

    def test_unknown_code_answers_409_with_the_field_and_stores_nothing(self, app):
        sysadmin = ckan_factories.SysadminWithToken()
        payload = {
            "name": "aire-temuco",
            "title": "Aire",
            "notes": "Concentraciones horarias de MP2,5.",
            "owner_org": ckan_factories.Organization()["id"],
            "dimension": ["medio-ambiente"],
            "region": ["CL-AR"],
            "comuna": ["13101"],
            "personal_data": "none",
        }
        response = app.post(
            "/api/3/action/package_create",
            json=payload,
            headers={"Authorization": sysadmin["token"]},
            status=409,
        )
        body = response.json
        assert body["success"] is False
        assert body["error"]["comuna"]
        assert not set(body["error"]) & (TERRITORIAL_FIELDS - {"comuna"})
        assert body["error"]["__type"] == "Validation Error"
        assert call_action("package_list") == []


class TestResourceDistributionFields:
    """download_url and rights: the DCAT-AP distribution fields a publisher fills in the form."""

    def test_they_are_stored_and_shown(self):
        dataset = TerritorialDataset(
            resources=[
                {
                    "url": "https://datos.temuco.example/aire",
                    "format": "CSV",
                    "download_url": "https://datos.temuco.example/aire/mp25.csv",
                    "rights": "Uso libre citando la fuente",
                }
            ]
        )
        [resource] = call_action("package_show", id=dataset["id"])["resources"]
        assert resource["download_url"] == "https://datos.temuco.example/aire/mp25.csv"
        assert resource["rights"] == "Uso libre citando la fuente"

    def test_a_download_url_that_is_not_a_web_address_is_rejected(self):
        errors = rejected(
            resources=[{"url": "https://datos.temuco.example/aire", "download_url": "javascript:alert(1)"}]
        )
        assert "download_url" in errors["resources"][0]
