"""territorio_plan_show and the fixed facts through the API; datasets stored with a sub-dimension
slug from before the vocabulary change still validate, show their tag and count where it is now."""
from __future__ import annotations

import json

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.lib.search import rebuild
from ckan.tests import factories
from ckan.tests.helpers import call_action, call_auth
from factories import TerritorialDataset, territorial_schemas

pytestmark = pytest.mark.usefixtures("with_plugins")


def plan(**params):
    return call_action("territorio_plan_show", **params)


def framework(**params):
    return call_action("territorio_framework_show", include_comunas=False, **params)


class TestPlanShow:
    def test_anyone_may_read_it(self):
        assert call_auth("territorio_plan_show", {"user": None})

    def test_twenty_recommendations_with_status_and_links(self):
        result = plan()
        assert result["counts"]["recommendations"] == 20 == len(result["recommendations"])
        assert result["counts"]["by_status"] == {"implementada": 3, "parcial": 9, "pendiente": 8}
        open_data = next(r for r in result["recommendations"] if r["slug"] == "datos-abiertos")
        assert open_data["text"].startswith("Instalar una Plataforma de Datos Abiertos")
        assert open_data["status"] == "parcial"
        assert {"kind": "page", "target": "/dataset"} in [
            {k: link[k] for k in ("kind", "target")} for link in open_data["links"]]
        action = next(link for link in open_data["links"] if link["kind"] == "action")
        assert action["url"] == f"/api/3/action/{action['target']}"

    def test_every_linked_action_exists(self):
        for rec in plan()["recommendations"]:
            for link in rec["links"]:
                if link["kind"] == "action":
                    assert tk.get_action(link["target"]), link

    def test_priorities_by_actor(self):
        actors = {a["slug"]: a for a in plan()["actors"]}
        citizens = {p["dimension"]: p["rank"] for p in actors["ciudadania"]["priorities"]}
        assert citizens == {"medio-ambiente": 1, "movilidad": 2, "salud": 3, "seguridad": 6,
                            "gobierno": 7}
        latam = {p["dimension"]: (p["rank"], p["standing"])
                 for p in actors["referentes-latam"]["priorities"]}
        assert latam == {"gobierno": (1, None), "seguridad": (None, "destacada")}

    def test_a_region_with_its_evidence_and_criteria(self):
        result = plan(region="9")  # CUT number of La Araucanía
        (araucania,) = result["regions"]
        assert araucania["region"] == "CL-AR" and araucania["city"] == "Temuco"
        assert [g["subdimension"] for g in araucania["enabling_gaps"]] == ["energia"]
        assert [d["name"] for d in araucania["documents"]] == ["ERD", "Plan Impulso", "PLADECO"]
        (lead,) = araucania["leads"]
        assert lead["criteria"] == {"necesidades": True, "activos": True, "focos": True,
                                    "avances": True}

    def test_a_dimension_filters_the_ranks(self):
        result = plan(dimension="salud")
        bio_bio = next(r for r in result["regions"] if r["region"] == "CL-BI")
        assert bio_bio["priorities"] == [{"dimension": "salud", "rank": 2, "standing": None,
                                          "figure": "17 %", "quote": bio_bio["priorities"][0]["quote"]}]

    def test_strategy_options_and_findings(self):
        strategy = plan()["strategy"]
        assert [o["slug"] for o in strategy["options"]] == ["transversal", "intermedia", "local"]
        assert strategy["option"] == "intermedia"
        assert len(plan()["findings"]) == 11

    def test_a_region_the_plan_did_not_study_is_not_found(self):
        with pytest.raises(tk.ObjectNotFound, match="no estudió la región CL-AT"):
            plan(region="CL-AT")

    def test_a_bad_dimension_is_a_validation_error(self):
        with pytest.raises(tk.ValidationError) as caught:
            plan(dimension="teletransporte")
        assert "dimension" in caught.value.error_dict


class TestFixedFactsInTheFramework:
    def test_bio_bio_leads_the_whole_environment_dimension(self):
        (lead,) = framework(region="CL-BI", dimension="medio-ambiente")["assignments"]
        assert lead["whole_dimension"] is True and lead["subdimensions"] == []
        assert lead["emphasis"] == ["economia-circular", "gestion-de-residuos"]
        assert lead["criteria"] == {"necesidades": True, "activos": True, "focos": True,
                                    "avances": False}

    def test_shared_leads_are_flagged(self):
        shared = {(a["region"], a["dimension"]) for a in framework()["assignments"] if a["shared"]}
        assert shared == {("CL-NB", "fomento-productivo"), ("CL-AN", "planificacion-urbana"),
                          ("CL-VS", "fomento-productivo")}

    def test_provenance_flags(self):
        subs = {s["slug"]: s for d in framework()["dimensions"] for s in d["subdimensions"]}
        assert subs["telemedicina"]["provenance"]["kind"] == "sin_base"
        assert subs["transparencia"]["provenance"]["kind"] == "sin_base"
        assert subs["economia-circular"]["provenance"] == {
            "kind": "plan", "note": None,
            "quote": "Incluyendo especialmente las sub-dimensiones de Economía Circular y "
                     "Gestión de Residuos"}
        assert subs["reciclaje"]["provenance"]["kind"] == "inferida"
        fp = next(d for d in framework()["dimensions"] if d["slug"] == "fomento-productivo")
        slugs = [s["slug"] for s in fp["subdimensions"]]
        assert {"modernizacion", "inclusion"} <= set(slugs)
        assert subs["modernizacion"]["aliases"] == [
            {"slug": "modernizacion-del-estado", "dimension": "gobierno"}]


def _store_as_before(name: str) -> None:
    """Write the dataset's fields as a dataset saved before the change holds them."""
    pkg = model.Package.get(name)
    pkg.extras = {**pkg.extras, "dimension": json.dumps(["gobierno"]),
                  "subdimension": json.dumps(["modernizacion-del-estado"])}
    model.Session.commit()
    rebuild(pkg.id)


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.ckan_config("ckan.locale_default", "es")
class TestDatasetsStoredBeforeTheChange:
    pytestmark = territorial_schemas

    def test_still_validate_and_move_to_the_subdimensions_dimension(self):
        dataset = TerritorialDataset(name="tramites-en-linea", dimension=["gobierno"],
                                     subdimension=["gobierno-colaborativo"])
        _store_as_before(dataset["name"])

        stored = call_action("package_show", id=dataset["name"])
        assert stored["subdimension"] == ["modernizacion-del-estado"]
        user = factories.Sysadmin()
        context = {"user": user["name"]}
        # resubmitting what the API returns is accepted (CKAN sees no change and keeps it)
        call_action("package_update", context=dict(context), **stored)
        # the next real edit stores the slug in force, under the dimension it is in now
        updated = call_action("package_update", context=dict(context),
                              **{**stored, "title": "Trámites en línea"})
        assert updated["subdimension"] == ["modernizacion"]
        assert updated["dimension"] == ["gobierno", "fomento-productivo"]

    def test_index_and_facets_count_them_where_the_subdimension_is_now(self):
        dataset = TerritorialDataset(name="tramites-en-linea", dimension=["gobierno"],
                                     subdimension=["gobierno-colaborativo"])
        _store_as_before(dataset["name"])

        found = call_action("package_search", fq="subdimension:modernizacion",
                            **{"facet.field": '["dimension"]'})
        assert [d["name"] for d in found["results"]] == ["tramites-en-linea"]
        assert "fomento-productivo" in found["facets"]["dimension"]

    def test_the_dataset_page_shows_the_tag_by_its_current_name(self, app):
        dataset = TerritorialDataset(name="tramites-en-linea", dimension=["gobierno"],
                                     subdimension=["gobierno-colaborativo"])
        _store_as_before(dataset["name"])

        page = app.get(tk.url_for("dataset.read", id=dataset["name"])).body
        assert "Modernización" in page
