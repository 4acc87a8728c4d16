"""Municipal catalogues: source types ckan, dcat_rdf and dcat_json with the mapping step."""
from __future__ import annotations

import json

import pytest
from ckan.tests.helpers import call_action
from harvest_fakes import CatalogEntry, CKANPortal, DCATCatalog, ckan_package
from harvest_helpers import harvest_marks

CATALOG_PLUGINS = (
    "territorio_search territorio activity scheming_datasets spatial_metadata spatial_query harvest datastore dcat "
    "territorio_ckan_harvester territorio_dcat_rdf_harvester territorio_dcat_json_harvester"
)
ENVI = "http://publications.europa.eu/resource/authority/data-theme/ENVI"
CONFIG = {"region": ["CL-BI"], "comuna": ["08101"]}

pytestmark = [*harvest_marks, pytest.mark.ckan_config("ckan.plugins", CATALOG_PLUGINS)]


def harvested(source):
    result = call_action(
        "package_search", fq=f'harvest_source_id:"{source["id"]}"', include_private=True, rows=100
    )
    return {d["title"]: d for d in result["results"]}


def remote_packages():
    return [
        ckan_package("a1", "Puntos limpios de Concepción", ["reciclaje", "residuos"]),
        ckan_package("b2", "Ciclovías comunales", ["bicicletas", "transporte"]),
        ckan_package("c3", "Presupuesto municipal 2024", ["presupuesto"]),
        ckan_package("d4", "Plazas y parques", ["áreas verdes"]),
        ckan_package("e5", "Luminarias LED", ["alumbrado público"]),
    ]


class TestCKANSource:
    def test_remote_datasets_get_the_framework_from_rules_and_source_defaults(self, fake_server, make_source, run_job):
        portal = CKANPortal(fake_server, remote_packages())
        source = make_source("ckan", portal.url, CONFIG)
        result = run_job(source)
        assert result["job"]["stats"]["added"] == 5, (result["report"], [(o["errors"], o["report_status"]) for o in result["results"].values()])
        datasets = harvested(source)
        recycling = datasets["Puntos limpios de Concepción"]
        assert recycling["dimension"] == ["medio-ambiente"]
        assert recycling["subdimension"] == ["gestion-de-residuos", "reciclaje"]
        assert recycling["region"] == ["CL-BI"] and recycling["comuna"] == ["08101"]
        assert datasets["Ciclovías comunales"]["dimension"] == ["movilidad"]
        assert datasets["Presupuesto municipal 2024"]["subdimension"] == ["transparencia"]
        # the remote spatial extra became the spatial field; other extras stay extras
        assert json.loads(recycling["spatial"])["type"] == "Point"
        assert {e["key"]: e["value"] for e in recycling.get("extras", [])}.get("fuente") == "Dirección de Medio Ambiente"

    def test_a_reharvest_updates_and_never_duplicates(self, fake_server, make_source, run_job):
        portal = CKANPortal(fake_server, remote_packages())
        source = make_source("ckan", portal.url, CONFIG)
        run_job(source)
        before = harvested(source)
        portal.packages[0] = ckan_package("a1", "Puntos limpios de Concepción (2024)", ["reciclaje"],
                                          modified="2024-06-01T10:00:00.000000")
        result = run_job(source)
        stats = result["job"]["stats"]
        assert stats["updated"] == 1 and stats["not modified"] == 4 and stats["added"] == 0
        after = harvested(source)
        assert len(after) == 5
        renamed = after["Puntos limpios de Concepción (2024)"]
        assert renamed["id"] == before["Puntos limpios de Concepción"]["id"]
        assert renamed["resources"][0]["id"] == before["Puntos limpios de Concepción"]["resources"][0]["id"]

    def test_a_dataset_deleted_at_the_source_is_withdrawn(self, fake_server, make_source, run_job):
        portal = CKANPortal(fake_server, remote_packages())
        source = make_source("ckan", portal.url, CONFIG)
        run_job(source)
        gone = harvested(source)["Luminarias LED"]
        portal.packages = [p for p in portal.packages if p["id"] != "e5"]
        result = run_job(source)
        assert result["job"]["stats"]["deleted"] == 1
        assert call_action("package_show", id=gone["id"])["state"] == "deleted"
        assert len(harvested(source)) == 4
        # and a later run does not withdraw it again
        assert run_job(source)["job"]["stats"]["deleted"] == 0

    def test_withdraw_private_keeps_the_dataset_hidden(self, fake_server, make_source, run_job):
        portal = CKANPortal(fake_server, remote_packages())
        source = make_source("ckan", portal.url, dict(CONFIG, withdraw="private"))
        run_job(source)
        gone = harvested(source)["Luminarias LED"]
        portal.packages = portal.packages[:4]
        run_job(source)
        shown = call_action("package_show", id=gone["id"])
        assert shown["state"] == "active" and shown["private"] is True

    def test_a_run_that_would_withdraw_too_much_withdraws_nothing(self, fake_server, make_source, run_job, sysadmin):
        portal = CKANPortal(fake_server, remote_packages())
        source = make_source("ckan", portal.url, CONFIG)
        run_job(source)
        portal.packages = portal.packages[:2]  # 3 of 5 gone: 60% > 20%
        result = run_job(source)
        assert result["job"]["stats"]["deleted"] == 0
        (error,) = result["report"]["gather_errors"]
        assert "retiraría 3 de 5" in error["message"] and "withdraw_max_share" in error["message"]
        assert all(d["state"] == "active" for d in harvested(source).values())
        assert len(harvested(source)) == 5
        call_action(
            "harvest_source_update",
            context={"user": sysadmin["name"]},
            id=source["id"], name=source["name"], title=source["title"], url=source["url"],
            source_type="ckan", owner_org=source["owner_org"],
            config=json.dumps(dict(CONFIG, withdraw_max_share=1)),
        )
        assert run_job(source)["job"]["stats"]["deleted"] == 3

    def test_an_empty_source_withdraws_nothing(self, fake_server, make_source, run_job):
        portal = CKANPortal(fake_server, remote_packages())
        source = make_source("ckan", portal.url, CONFIG)
        run_job(source)
        portal.packages = []
        result = run_job(source)
        assert result["job"]["stats"]["deleted"] == 0
        assert len(harvested(source)) == 5

    def test_no_dimension_at_all_is_an_object_error_that_says_what_to_do(self, fake_server, make_source, run_job):
        portal = CKANPortal(fake_server, [ckan_package("z9", "Registro de mascotas", ["mascotas"])])
        result = run_job(make_source("ckan", portal.url, CONFIG))
        (obj,) = result["results"].values()
        assert "agregue 'dimension'" in obj["errors"][0].message

    def test_a_source_default_dimension_covers_what_no_rule_matches(self, fake_server, make_source, run_job):
        portal = CKANPortal(fake_server, [ckan_package("z9", "Registro de mascotas", ["mascotas"])])
        source = make_source("ckan", portal.url, dict(CONFIG, dimension=["gobierno"]))
        run_job(source)
        assert harvested(source)["Registro de mascotas"]["dimension"] == ["gobierno"]


def entries():
    return [
        CatalogEntry("pl-1", "Puntos limpios", ["reciclaje"], [ENVI]),
        CatalogEntry("tr-2", "Conteos de tránsito", ["tránsito", "congestión"]),
        CatalogEntry("aq-3", "Calidad del aire histórica", ["aire"], [ENVI]),
        CatalogEntry("sa-4", "Atenciones en CESFAM", ["salud"]),
        CatalogEntry("pa-5", "Parques urbanos", ["parques"]),
    ]


@pytest.mark.parametrize("source_type", ["dcat_rdf", "dcat_json"])
class TestDCATSources:
    def url(self, catalog, source_type):
        return catalog.rdf_url if source_type == "dcat_rdf" else catalog.json_url

    def test_catalog_datasets_are_mapped_to_the_framework(self, source_type, fake_server, make_source, run_job):
        catalog = DCATCatalog(fake_server, entries())
        source = make_source(source_type, self.url(catalog, source_type), CONFIG)
        result = run_job(source)
        assert result["job"]["stats"]["added"] == 5, result["report"]
        datasets = harvested(source)
        assert datasets["Puntos limpios"]["dimension"] == ["medio-ambiente"]
        assert "reciclaje" in datasets["Puntos limpios"]["subdimension"]
        assert datasets["Conteos de tránsito"]["dimension"] == ["movilidad"]
        assert datasets["Atenciones en CESFAM"]["dimension"] == ["salud"]
        assert datasets["Parques urbanos"]["subdimension"] == ["areas-verdes"]
        assert all(d["region"] == ["CL-BI"] for d in datasets.values())

    def test_reharvest_updates_and_a_removed_dataset_is_withdrawn(self, source_type, fake_server, make_source, run_job):
        catalog = DCATCatalog(fake_server, entries())
        source = make_source(source_type, self.url(catalog, source_type), CONFIG)
        run_job(source)
        ids = {t: d["id"] for t, d in harvested(source).items()}
        catalog.entries[0] = CatalogEntry("pl-1", "Puntos limpios 2024", ["reciclaje"], [ENVI], modified="2024-06-01")
        catalog.entries.pop()  # 1 of 5 withdrawn: 20%, not more than the default share
        result = run_job(source)
        stats = result["job"]["stats"]
        assert stats["deleted"] == 1 and stats["added"] == 0, (stats, result["report"])
        datasets = harvested(source)
        assert len(datasets) == 4
        assert datasets["Puntos limpios 2024"]["id"] == ids["Puntos limpios"]
        assert call_action("package_show", id=ids["Parques urbanos"])["state"] == "deleted"

    def test_an_emptied_catalog_withdraws_nothing(self, source_type, fake_server, make_source, run_job):
        catalog = DCATCatalog(fake_server, entries())
        source = make_source(source_type, self.url(catalog, source_type), CONFIG)
        run_job(source)
        catalog.entries = []
        result = run_job(source)
        assert result["job"]["stats"].get("deleted", 0) == 0
        assert len(harvested(source)) == 5
