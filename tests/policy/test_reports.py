"""Content rules as background jobs: reports per resource, the publication gate, review, harvest."""
from __future__ import annotations

import uuid

import ckan.plugins.toolkit as tk
import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action, call_auth
from factories import TerritorialDataset, territorial_schemas
from policy_files import DATA

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.ckan_config("ckanext.territorio.policy.fetch_allow", "127.0.0.1"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_queues"),
]


@pytest.fixture
def publisher():
    """An organization with an admin (the reviewer) and an editor (the publisher)."""
    admin = ckan_factories.User()
    editor = ckan_factories.User()
    org = ckan_factories.Organization(
        users=[{"name": admin["name"], "capacity": "admin"}, {"name": editor["name"], "capacity": "editor"}]
    )
    return {"org": org, "admin": admin, "editor": editor}


def dataset_with_upload(create_with_upload, publisher, filename: str, **fields):
    dataset = TerritorialDataset(owner_org=publisher["org"]["id"], resources=[], **fields)
    resource = create_with_upload(
        (DATA / filename).read_bytes(),
        filename,
        context={"user": publisher["editor"]["name"]},
        package_id=dataset["id"],
        format="CSV",
        name=filename,
        unit="ug/m3",
    )
    return dataset, resource


def report(resource_id: str) -> dict:
    return call_action("territorio_validation_show", resource_id=resource_id)


def test_a_clean_upload_gets_a_passing_report(create_with_upload, publisher, run_jobs):
    dataset, resource = dataset_with_upload(create_with_upload, publisher, "sensor_limpio.csv")
    assert report(resource["id"])["status"] == "pending"

    run_jobs()

    shown = report(resource["id"])
    assert (shown["status"], shown["passed"], shown["error_count"]) == ("done", True, 0)
    assert shown["policy_version"] == "2026.2"
    assert shown["stats"]["rows"] == 5
    assert shown["started"] and shown["finished"]
    assert {r["rule"] for r in shown["rules"]} >= {"tabular.encoding", "sensor.timestamp", "personal.rut"}
    assert call_action("package_show", id=dataset["id"])["private"] is False


def test_ruts_in_a_public_dataset_make_it_private(create_with_upload, publisher, run_jobs):
    dataset, resource = dataset_with_upload(create_with_upload, publisher, "beneficiarios_rut.csv")

    run_jobs()

    shown = report(resource["id"])
    rut = next(r for r in shown["rules"] if r["rule"] == "personal.rut")
    assert (rut["level"], rut["passed"], rut["count"]) == ("error", False, 3)
    assert rut["findings"][0] == {
        "row": 2,
        "column": "rut",
        "message": {
            "es": "Fila 2, columna 'rut': RUT válido (12.***.***-5)",
            "en": "Row 2, column 'rut': valid RUT (12.***.***-5)",
        },
    }
    assert call_action("package_show", id=dataset["id"])["private"] is True


def test_a_dataset_cannot_go_public_while_an_error_finding_stands(create_with_upload, publisher, run_jobs):
    dataset, resource = dataset_with_upload(
        create_with_upload, publisher, "coordenadas_africa.csv", private=True
    )
    run_jobs()

    with pytest.raises(tk.ValidationError) as excinfo:
        call_action("package_patch", {"user": publisher["editor"]["name"]}, id=dataset["id"], private=False)

    assert excinfo.value.error_dict["private"] == [
        "No se puede publicar: regla sensor.coordinates en el recurso 'coordenadas_africa.csv' "
        "(fila 3): Fila 3: la posición (0.0, 0.0) está fuera de Chile"
    ]
    assert call_action("package_show", id=dataset["id"])["private"] is True


def test_a_new_clean_file_lifts_the_block(create_with_upload, publisher, run_jobs):
    dataset, resource = dataset_with_upload(
        create_with_upload, publisher, "coordenadas_africa.csv", private=True
    )
    run_jobs()
    create_with_upload(
        (DATA / "sensor_limpio.csv").read_bytes(),
        "sensor_limpio.csv",
        context={"user": publisher["editor"]["name"]},
        action="resource_update",
        id=resource["id"],
        format="CSV",
        unit="ug/m3",
    )
    run_jobs()

    assert report(resource["id"])["passed"] is True
    assert call_action("package_patch", {"user": publisher["editor"]["name"]}, id=dataset["id"], private=False)["private"] is False


def test_personal_findings_need_anonymised_data_and_a_reviewer(create_with_upload, publisher, run_jobs):
    dataset, resource = dataset_with_upload(
        create_with_upload, publisher, "beneficiarios_rut.csv", private=True
    )
    run_jobs()

    editor = {"user": publisher["editor"]["name"]}
    with pytest.raises(tk.NotAuthorized):
        call_auth("territorio_validation_accept", editor, resource_id=resource["id"])
    accepted = call_action(
        "territorio_validation_accept",
        {"user": publisher["admin"]["name"]},
        resource_id=resource["id"],
        note="RUT reemplazados por códigos aleatorios",
    )
    assert (accepted["accepted"], accepted["accepted_by"]) == (True, publisher["admin"]["name"])

    # accepted, but the dataset still says "none": the findings stand
    with pytest.raises(tk.ValidationError, match="personal.rut"):
        call_action("package_patch", {"user": publisher["editor"]["name"]}, id=dataset["id"], private=False)

    published = call_action("package_patch", {"user": publisher["editor"]["name"]}, id=dataset["id"], private=False, personal_data="anonymized")
    assert published["private"] is False


def test_a_linked_file_is_downloaded_and_checked(http_server, run_jobs):
    base, root = http_server
    (root / "correos.csv").write_bytes((DATA / "contactos_email.csv").read_bytes())
    dataset = TerritorialDataset(
        private=True, resources=[{"url": f"{base}/correos.csv", "format": "CSV", "name": "Contactos"}]
    )

    run_jobs()

    shown = report(dataset["resources"][0]["id"])
    email = next(r for r in shown["rules"] if r["rule"] == "personal.email")
    assert email["count"] == 2
    assert shown["stats"]["bytes"] == (DATA / "contactos_email.csv").stat().st_size


def test_a_link_to_a_private_address_is_not_followed(http_server, run_jobs, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.territorio.policy.fetch_allow", "")
    base, root = http_server
    (root / "datos.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    dataset = TerritorialDataset(resources=[{"url": f"{base}/datos.csv", "format": "CSV"}])

    run_jobs()

    fetch = next(r for r in report(dataset["resources"][0]["id"])["rules"] if r["rule"] == "content.fetch")
    assert fetch["findings"][0]["message"]["es"] == (
        "No se pudo leer el archivo: la dirección 127.0.0.1 de '127.0.0.1' no es pública (de bucle local); "
        "un operador puede autorizarla en ckanext.territorio.policy.fetch_allow"
    )
    # content.fetch is a warning in the shipped policy: an unreadable link does not unpublish
    assert call_action("package_show", id=dataset["id"])["private"] is False


def test_reports_of_private_datasets_are_not_public(create_with_upload, publisher, run_jobs):
    _, resource = dataset_with_upload(create_with_upload, publisher, "sensor_limpio.csv", private=True)

    with pytest.raises(tk.NotAuthorized):
        call_auth("territorio_validation_show", {"user": ""}, resource_id=resource["id"])
    assert call_auth(
        "territorio_validation_show", {"user": publisher["editor"]["name"]}, resource_id=resource["id"]
    )


def test_the_resource_page_shows_the_report_in_spanish(app, create_with_upload, publisher, run_jobs):
    dataset, resource = dataset_with_upload(
        create_with_upload, publisher, "horas_malas.csv", private=True
    )
    run_jobs()

    page = app.get(
        tk.url_for("resource.read", id=dataset["name"], resource_id=resource["id"]),
        headers={"Authorization": ckan_factories.APIToken(user=publisher["editor"]["name"])["token"]},
    )

    assert "No cumple la política de datos" in page.body
    assert "Marcas de tiempo ISO 8601 con desfase" in page.body
    assert "Fila 3: &#39;2024-05-01 01:00:00&#39; no es una fecha y hora ISO 8601" in page.body


def test_the_dataset_report_includes_dcat_ap_conformance(run_jobs):
    # format, media type and geometry are the DCAT-AP 3 shapes ckanext-dcat alone fails
    dataset = TerritorialDataset(
        resources=[
            {
                "url": "http://datos.temuco.example/zonas.geojson",
                "name": "Zonas",
                "format": "GeoJSON",
                "mimetype": "application/geo+json",
            }
        ]
    )

    run_jobs()

    dcat = call_action("territorio_validation_show", package_id=dataset["id"])["dcat"]
    assert dcat["status"] == "done"
    assert dcat["stats"]["shapes"] == "dcat-ap-3.0.0-SHACL.ttl"
    # an error in the shipped policy: the portal's own DCAT conforms
    assert [(r["rule"], r["level"], r["passed"]) for r in dcat["rules"]] == [("dcat.shacl", "error", True)]
    assert dcat["error_count"] == 0


def test_a_standing_dcat_error_blocks_publication(publisher):
    from rdflib import Graph

    from ckanext.territorio import current
    from ckanext.territorio.policy import shacl
    from ckanext.territorio.policy import store as policy_store

    dataset = TerritorialDataset(owner_org=publisher["org"]["id"], private=True, resources=[])
    # a dataset node without title or description: what a broken mapping would publish
    broken = Graph().parse(
        data=f"<http://datos.example/d/{dataset['id']}> a <http://www.w3.org/ns/dcat#Dataset> .",
        format="turtle",
    )
    findings = shacl.validate(broken, current.policy())
    assert findings.as_list()[0]["count"] >= 2
    policy_store.record(dataset["id"], "dcat", findings)
    model.Session.commit()

    with pytest.raises(tk.ValidationError) as excinfo:
        call_action("package_patch", {"user": publisher["editor"]["name"]}, id=dataset["id"], private=False)

    [message] = excinfo.value.error_dict["private"][:1]
    assert message.startswith("No se puede publicar: regla dcat.shacl en el recurso 'metadatos DCAT-AP'")
    assert call_action("package_show", id=dataset["id"])["private"] is True


def harvest_import(dataset: dict) -> dict:
    """package_create the way ckanext-harvest's import stage does it (object linked first)."""
    from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestSource

    source = HarvestSource(url=f"http://municipio.example/{uuid.uuid4()}", type="ckan")
    source.save()
    job = HarvestJob(source=source)
    job.save()
    dataset = {**dataset, "id": str(uuid.uuid4())}
    harvest_object = HarvestObject(guid=dataset["id"], job=job, source=source, package_id=dataset["id"])
    harvest_object.current = True
    harvest_object.add()
    model.Session.execute(sa.text("SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED"))
    model.Session.flush()
    site_user = call_action("get_site_user")["name"]
    return call_action("package_create", {"user": site_user, "ignore_auth": True}, **dataset)


def harvested_payload(**fields) -> dict:
    org = ckan_factories.Organization()
    payload = dict(
        name=f"cosechado-{uuid.uuid4().hex[:8]}",
        title="Calidad del aire (cosechado)",
        notes="Cosechado del portal municipal",
        owner_org=org["id"],
        dimension=["medio-ambiente"],
        region=["CL-AR"],
        personal_data="none",
        private=False,
    )
    payload.update(fields)
    return payload


def test_a_harvested_dataset_is_kept_private_until_its_files_pass(http_server, run_jobs):
    base, root = http_server
    (root / "aire.csv").write_bytes((DATA / "sensor_limpio.csv").read_bytes())

    created = harvest_import(
        harvested_payload(resources=[{"url": f"{base}/aire.csv", "format": "CSV", "unit": "ug/m3"}])
    )
    assert created["private"] is True

    run_jobs()

    assert call_action("package_show", id=created["id"])["private"] is False


def test_a_failing_harvested_dataset_stays_private_with_its_report(http_server, run_jobs):
    base, root = http_server
    (root / "ruts.csv").write_bytes((DATA / "beneficiarios_rut.csv").read_bytes())

    created = harvest_import(
        harvested_payload(
            license_id="other-closed", resources=[{"url": f"{base}/ruts.csv", "format": "CSV"}]
        )
    )
    run_jobs()

    shown = call_action("package_show", id=created["id"])
    assert shown["private"] is True
    reports = call_action("territorio_validation_show", package_id=created["id"])
    assert reports["metadata"]["passed"] is False
    license_rule = next(r for r in reports["metadata"]["rules"] if r["rule"] == "metadata.license")
    assert license_rule["findings"][0]["field"] == "license_id"
    resource_report = reports["resources"][shown["resources"][0]["id"]]
    assert (resource_report["status"], resource_report["error_count"]) == ("done", 3)
