"""Metadata rules inside package_create / package_update: 409 with the field and the rule."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas

pytestmark = [*territorial_schemas, pytest.mark.usefixtures("with_plugins", "clean_db")]

# Every metadata rule at level error (the shipped policy keeps contact and frequency at warning).
STRICT = (
    ("    nivel: warning\n    titulo: {es: Correo de contacto", "    nivel: error\n    titulo: {es: Correo de contacto"),
    ("    nivel: warning\n    titulo: {es: Frecuencia", "    nivel: error\n    titulo: {es: Frecuencia"),
)


@pytest.fixture
def strict_policy(policy_copy, ckan_config, monkeypatch):
    path = policy_copy(*STRICT)
    monkeypatch.setitem(ckan_config, "ckanext.territorio.policy.file", str(path))
    return path


def rejected(**fields) -> dict[str, list[str]]:
    """The error dict of package_create; nothing is stored."""
    before = model.Session.query(model.Package).count()
    with pytest.raises(tk.ValidationError) as excinfo:
        TerritorialDataset(**fields)
    model.Session.rollback()
    assert model.Session.query(model.Package).count() == before
    return excinfo.value.error_dict


class TestEachMetadataRuleRejectsWithItsKey:
    pytestmark = pytest.mark.ckan_config("ckan.locale_default", "es")

    def test_a_closed_licence_is_refused(self):
        errors = rejected(license_id="other-closed")

        assert errors == {
            "license_id": [
                "La licencia 'other-closed' no es abierta; use una de: cc-by, cc-by-sa, "
                "cc-zero, odc-by, odc-odbl, odc-pddl [metadata.license]"
            ]
        }

    def test_a_required_field_left_empty_is_refused(self):
        errors = rejected(notes="")

        assert errors == {
            "notes": ["El campo es obligatorio según la política de datos del portal [metadata.required]"]
        }

    def test_a_public_dataset_cannot_declare_restricted_access(self):
        errors = rejected(access_rights="RESTRICTED")

        assert list(errors) == ["access_rights"]
        assert "Un conjunto público debe tener derechos de acceso PUBLIC" in errors["access_rights"][0]

    def test_an_unknown_access_right_is_refused(self):
        errors = rejected(access_rights="ABIERTO")

        assert "Derecho de acceso desconocido 'ABIERTO'" in errors["access_rights"][0]

    def test_a_dataset_declared_personal_can_never_be_public(self):
        errors = rejected(personal_data="personal")

        assert errors["private"] == [
            "Un conjunto que declara datos personales no puede ser público (Ley 19.628) "
            "[personal.declared]"
        ]

    def test_temporal_coverage_must_be_coherent(self):
        errors = rejected(temporal_start="1700-01-01", temporal_end="1701-01-01")

        assert errors == {
            "temporal_start": ["La fecha 1700-01-01 es anterior a 1800-01-01 [metadata.temporal]"],
            "temporal_end": ["La fecha 1701-01-01 es anterior a 1800-01-01 [metadata.temporal]"],
        }

    def test_an_end_without_a_start_is_refused(self):
        errors = rejected(temporal_start="")

        assert errors == {
            "temporal_start": [
                "Indique también la fecha de inicio de la cobertura temporal [metadata.temporal]"
            ]
        }

    def test_pdf_and_xls_only_datasets_are_refused(self):
        errors = rejected(
            resources=[
                {"url": "http://datos.temuco.example/informe.pdf", "format": "PDF"},
                {"url": "http://datos.temuco.example/tabla.xls", "format": "XLS"},
            ]
        )

        assert errors == {
            "resources": [
                {},
                {
                    "format": [
                        "Ningún recurso está en un formato abierto y legible por máquina (PDF, XLS); "
                        "agregue uno en CSV, TSV, JSON, GEOJSON, JSON-LD, JSONLD, XML, RDF… "
                        "[formats.open_format]"
                    ]
                },
            ]
        }

    @pytest.mark.usefixtures("strict_policy")
    def test_a_contact_email_is_required_under_a_strict_policy(self):
        errors = rejected(contact_email="")

        assert errors == {
            "contact_email": [
                "Indique un correo de contacto para consultas sobre los datos [metadata.contact_email]"
            ]
        }

    @pytest.mark.usefixtures("strict_policy")
    def test_an_update_frequency_is_required_under_a_strict_policy(self):
        errors = rejected(frequency="")

        assert list(errors) == ["frequency"]


class TestDefaultsAndLevels:
    def test_a_missing_licence_gets_the_policy_default(self):
        dataset = TerritorialDataset()

        assert dataset["license_id"] == "cc-by"

    def test_access_rights_follow_the_personal_data_declaration(self):
        public = TerritorialDataset(personal_data="anonymized")
        private = TerritorialDataset(personal_data="personal", private=True)

        assert public["access_rights"] == "PUBLIC"
        assert private["access_rights"] == "NON_PUBLIC"

    def test_access_rights_are_accepted_as_eu_iris(self):
        dataset = TerritorialDataset(
            access_rights="http://publications.europa.eu/resource/authority/access-right/PUBLIC"
        )

        assert dataset["access_rights"] == "PUBLIC"

    def test_warnings_do_not_block_and_are_reported(self):
        dataset = TerritorialDataset(contact_email="", frequency="")

        report = call_action("territorio_validation_show", package_id=dataset["id"])["metadata"]
        assert report["passed"] is True
        assert report["warning_count"] == 2
        warned = {r["rule"]: r["findings"][0]["field"] for r in report["rules"] if r["count"]}
        assert warned == {"metadata.contact_email": "contact_email", "metadata.frequency": "frequency"}

    def test_changing_a_level_in_the_policy_file_changes_the_behaviour(
        self, policy_copy, ckan_config, monkeypatch
    ):
        TerritorialDataset(frequency="")  # the shipped policy: a warning

        path = policy_copy(STRICT[1])
        monkeypatch.setitem(ckan_config, "ckanext.territorio.policy.file", str(path))
        assert "frequency" in rejected(frequency="")

        path.write_text(
            path.read_text(encoding="utf-8").replace(
                "  - id: metadata.license\n    nivel: error", "  - id: metadata.license\n    nivel: off"
            ),
            encoding="utf-8",
        )
        assert TerritorialDataset(license_id="other-closed", frequency="DAILY")["license_id"] == (
            "other-closed"
        )

    def test_a_private_dataset_with_personal_data_is_accepted(self):
        dataset = TerritorialDataset(personal_data="personal", private=True)

        assert dataset["private"] is True


class TestLanguages:
    @pytest.mark.ckan_config("ckan.locale_default", "es")
    def test_the_api_answers_in_spanish_and_in_english_under_en(self, app):
        user = ckan_factories.Sysadmin()
        token = ckan_factories.APIToken(user=user["name"])["token"]
        org = ckan_factories.Organization()
        payload = dict(
            name="aire-temuco",
            title="Aire",
            notes="x",
            owner_org=org["id"],
            dimension=["medio-ambiente"],
            region=["CL-AR"],
            personal_data="none",
            license_id="other-closed",
        )

        spanish = app.post(
            "/api/3/action/package_create",
            json=payload,
            headers={"Authorization": token},
            status=409,
        ).json
        english = app.post(
            "/en/api/3/action/package_create",
            json=payload,
            headers={"Authorization": token},
            status=409,
        ).json

        assert spanish["success"] is False
        assert spanish["error"]["license_id"][0].startswith("La licencia 'other-closed' no es abierta")
        assert english["error"]["license_id"][0].startswith("Licence 'other-closed' is not open")
