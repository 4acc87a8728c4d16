"""Scores after create/update/delete, stored with history; reports and link checks read back."""
from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import ckan.plugins as p
import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas
from quality_helpers import QUALITY_FILE

from ckanext.territorio.model.quality import LinkCheck, QualityHistory, QualityScore
from ckanext.territorio.model.validation import ValidationReport
from ckanext.territorio.quality import service
from ckanext.territorio.quality.profile import QualityFileError

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_queues"),
]


def stored(package_id: str) -> QualityScore:
    model.Session.expire_all()
    row = model.Session.get(QualityScore, package_id)
    assert row is not None
    return row


def history(package_id: str) -> list[QualityHistory]:
    return (
        model.Session.query(QualityHistory)
        .filter(QualityHistory.package_id == package_id)
        .order_by(QualityHistory.id)
        .all()
    )


def indicator(row: QualityScore, indicator_id: str) -> dict:
    """A stored indicator result (its state "ok" is implied when absent)."""
    return {"state": "ok", **next(i for i in row.indicators if i["id"] == indicator_id)}


def test_a_new_dataset_is_scored_in_the_request():
    dataset = TerritorialDataset(tag_string="aire,temuco")

    row = stored(dataset["id"])

    assert (row.name, row.organization, row.profile, row.profile_version) == (
        dataset["name"], dataset["organization"]["name"], "territorio", "2026.1"
    )
    assert (row.regions, row.comunas, row.dimensions_keys) == (["CL-AR"], ["09101"], ["medio-ambiente"])
    assert indicator(row, "mqa.keyword")["points"] == 30
    # not checked yet, not validated yet
    assert indicator(row, "mqa.access_url")["points"] == 0
    assert indicator(row, "mqa.dcat_ap")["state"] == "pending"
    # the policy's listener ran first: its content check of the CSV is queued
    assert indicator(row, "datos.validation")["state"] == "pending"
    # findability 100, interoperability 70, reusability 75, contextuality 10
    assert row.mqa_points == 255.0 and row.mqa_rating == "good"
    # a resource created just now, declared hourly: fresh
    assert row.fresh is True
    assert len(history(dataset["id"])) == 1


@pytest.fixture
def admin() -> dict:
    from ckan.tests import factories as ckan_factories

    return {"user": ckan_factories.Sysadmin()["name"]}


def test_the_score_listens_to_the_policy_not_to_the_save():
    from ckanext.territorio import signals
    from ckanext.territorio.implementations import policy, quality

    saved = list(tk.signals.action_succeeded.receivers_for("package_update"))
    checked = list(signals.DATASET_CHECKED.receivers_for("any-dataset-id"))

    # the save reaches the policy only; the policy's signal reaches the score
    assert policy.on_dataset_saved in saved and quality.on_dataset_checked not in saved
    assert checked == [quality.on_dataset_checked]


def test_a_save_made_by_the_policy_itself_is_still_scored(admin):
    from ckanext.territorio.policy import service as policy_service

    dataset = TerritorialDataset()
    first = stored(dataset["id"]).points
    context = {**admin, policy_service.INTERNAL: True}

    call_action("package_patch", context=context, id=dataset["id"], tag_string="aire")

    assert stored(dataset["id"]).points == first + 30


def test_an_update_that_changes_the_score_appends_history_and_one_that_does_not_does_not(admin):
    dataset = TerritorialDataset()
    first = stored(dataset["id"]).points

    call_action("package_patch", context=dict(admin), id=dataset["id"], tag_string="aire")
    assert stored(dataset["id"]).points == first + 30
    assert [h.points for h in history(dataset["id"])] == [first, first + 30]

    call_action("package_patch", context=dict(admin), id=dataset["id"], notes="Otra descripción de las mediciones.")
    assert stored(dataset["id"]).points == first + 30
    assert len(history(dataset["id"])) == 2


def test_a_deleted_dataset_leaves_the_score_table_and_keeps_its_history(admin):
    dataset = TerritorialDataset()

    call_action("package_delete", context=dict(admin), id=dataset["id"])

    model.Session.expire_all()
    assert model.Session.get(QualityScore, dataset["id"]) is None
    assert len(history(dataset["id"])) == 1
    with pytest.raises(tk.ObjectNotFound):
        call_action("territorio_quality_show", id=dataset["id"])


def test_an_initiative_is_not_scored():
    from factories import Iniciativa

    initiative = Iniciativa()

    model.Session.expire_all()
    assert model.Session.get(QualityScore, initiative["id"]) is None


def _report(package_id: str, resource_id: str | None, kind: str, **values) -> None:
    model.Session.add(
        ValidationReport(
            id=str(uuid.uuid4()),
            package_id=package_id,
            resource_id=resource_id,
            kind=kind,
            status=values.pop("status", "done"),
            policy_version="2026.1",
            created=dt.datetime.now(dt.UTC),
            **values,
        )
    )


def test_stored_reports_and_link_checks_feed_the_score():
    dataset = TerritorialDataset(tag_string="aire")
    resource = dataset["resources"][0]
    before = stored(dataset["id"]).mqa_points
    _report(
        dataset["id"], resource["id"], "content",
        passed=False, error_count=2,
        rules=[{"rule": "personal.rut", "level": "error", "passed": False, "count": 2}],
    )
    _report(dataset["id"], None, "dcat", passed=True, rules=[{"rule": "dcat.shacl", "passed": True, "count": 0}])
    model.Session.add(
        LinkCheck(resource_id=resource["id"], package_id=dataset["id"], url=resource["url"],
                  ok=True, outcome="ok", status_code=200)
    )
    model.Session.commit()

    service.rescore(dataset["id"])

    row = stored(dataset["id"])
    assert indicator(row, "mqa.access_url")["points"] == 50
    assert indicator(row, "mqa.dcat_ap")["points"] == 30
    assert indicator(row, "datos.links")["points"] == 20
    assert indicator(row, "datos.validation")["points"] == 0
    assert indicator(row, "datos.personal_data")["points"] == 0
    assert (row.has_errors, row.personal_findings) == (True, 2)
    assert row.mqa_points == before + 80
    fixes = [f["indicator"] for f in row.fixes]
    assert fixes.index("datos.validation") < fixes.index("mqa.media_type")
    shown = call_action("territorio_quality_show", id=dataset["name"])
    assert shown["has_errors"] is True and shown["personal_findings"] == 2


def test_the_show_action_returns_the_designed_shape():
    dataset = TerritorialDataset(tag_string="aire")

    shown = call_action("territorio_quality_show", id=dataset["name"])

    assert set(shown) >= {
        "package_id", "name", "title", "organization", "private", "profile", "profile_version",
        "methodology", "points", "max_points", "percent", "rating", "rating_label", "mqa",
        "dimensions", "indicators", "fixes", "fresh", "has_errors", "personal_findings",
        "scored_at", "history",
    }
    assert shown["mqa"] == {"points": 255.0, "max_points": 405.0, "rating": "good"}
    assert shown["percent"] == round(100 * shown["points"] / shown["max_points"], 1)
    assert shown["rating_label"] == "Buena"
    assert shown["dimensions"]["findability"] == {"points": 100.0, "max": 100.0, "label": "Encontrabilidad"}
    keyword = next(i for i in shown["indicators"] if i["id"] == "mqa.keyword")
    assert keyword == {
        "id": "mqa.keyword", "dimension": "findability", "label": "Palabras clave",
        "points": 30.0, "max": 30.0, "passed": True, "state": "ok", "detail": "Cumple",
    }
    # the unchecked link fails three indicators: one fix, with the gain of the three
    link_gain = sum(i["max"] - i["points"] for i in shown["indicators"]
                    if i["id"] in ("mqa.access_url", "mqa.download_url_status", "datos.links"))
    assert shown["fixes"][0] == {
        "indicator": "mqa.access_url",
        "gain": link_gain,
        "message": "Revise el enlace de los recursos 'Mediciones horarias': el portal no pudo abrirlo",
    }
    assert link_gain > 50
    assert not {"mqa.download_url_status", "datos.links"} & {f["indicator"] for f in shown["fixes"]}
    gains = [f["gain"] for f in shown["fixes"]]
    assert gains == sorted(gains, reverse=True)
    assert shown["methodology"]["url"] == "https://data.europa.eu/mqa/methodology?locale=en"
    assert [h["points"] for h in shown["history"]] == [shown["points"]]


def test_the_show_action_speaks_english_under_en(app):
    dataset = TerritorialDataset(tag_string="aire")

    response = app.get(f"/en/api/3/action/territorio_quality_show?id={dataset['name']}")

    shown = response.json["result"]
    assert shown["rating_label"] == "Good"
    assert shown["dimensions"]["findability"]["label"] == "Findability"
    assert shown["fixes"][0]["message"].startswith("Check the link of resources 'Mediciones horarias'")


def _copy(tmp_path: Path, old: str, new: str) -> Path:
    text = QUALITY_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "quality.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_weight_changed_in_the_configured_file_changes_the_stored_score(tmp_path, ckan_config, monkeypatch):
    dataset = TerritorialDataset()
    row = stored(dataset["id"])
    assert indicator(row, "mqa.keyword")["points"] == 0
    points, max_points = row.points, row.max_points

    path = _copy(tmp_path, "      mqa.keyword: 30\n", "      mqa.keyword: 90\n")
    monkeypatch.setitem(ckan_config, "ckanext.territorio.quality.file", str(path))
    service.rescore(dataset["id"])

    after = stored(dataset["id"])
    assert after.max_points == max_points + 60
    assert after.points == points
    assert after.fixes[0]["indicator"] == "mqa.keyword" and after.fixes[0]["gain"] == 90


def test_start_up_stops_on_a_bad_scoring_file_naming_file_and_line(tmp_path, ckan_config, monkeypatch):
    path = _copy(tmp_path, "      mqa.byte_size: 5\n", "      mqa.byte_size: [5]\n")
    monkeypatch.setitem(ckan_config, "ckanext.territorio.quality.file", str(path))

    with pytest.raises(QualityFileError) as caught:
        p.get_plugin("territorio").configure(ckan_config)

    assert str(caught.value).endswith("se esperaba un número, no una lista")
    assert f"quality.yaml, línea {caught.value.line}" in str(caught.value)
    assert "[5]" in path.read_text(encoding="utf-8").splitlines()[caught.value.line - 1]


def test_start_up_stops_on_an_unknown_scoring_profile(ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.territorio.quality.profile", "oecd")

    with pytest.raises(QualityFileError) as caught:
        p.get_plugin("territorio").configure(ckan_config)

    assert "ckanext.territorio.quality.profile: perfil desconocido 'oecd'" in str(caught.value)
    assert "(se admiten: mqa, territorio)" in str(caught.value)


@pytest.fixture
def run_jobs(with_test_worker, clean_queues):
    from ckan.lib import jobs

    def run() -> None:
        jobs.Worker(["territorio"]).work(burst=True)

    return run


def test_the_score_is_completed_after_the_queued_dcat_validation(run_jobs):
    dataset = TerritorialDataset(tag_string="aire")
    assert indicator(stored(dataset["id"]), "mqa.dcat_ap")["state"] == "pending"

    run_jobs()

    dcat = indicator(stored(dataset["id"]), "mqa.dcat_ap")
    assert dcat["state"] == "ok"
    report = (
        model.Session.query(ValidationReport)
        .filter(ValidationReport.package_id == dataset["id"], ValidationReport.kind == "dcat")
        .one()
    )
    violations = sum(r["count"] for r in report.rules if r["rule"] == "dcat.shacl")
    assert dcat["points"] == (30 if violations == 0 else 0)
