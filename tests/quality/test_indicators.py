"""Every indicator earns its points on a crafted dataset and loses them when its field goes.

Plain engine calls (no database): the dataset dicts are what package_show returns, the
reports and link checks what the bulk reads build.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from quality_helpers import NOW, URL, environment, facts, indicator, ok_links, perfect_package

from ckanext.territorio.quality import engine
from ckanext.territorio.quality.facts import ContentReport, DcatReport, LinkState
from ckanext.territorio.quality.sensor import SensorFacts

ENV = environment()
MQA_POINTS = ENV.quality.profiles["mqa"].points


def score(f, profile: str = "mqa") -> engine.Score:
    return engine.score(f, ENV, profile)


def test_the_perfect_dataset_earns_all_405_mqa_points():
    result = score(facts())

    assert (result.main.points, result.main.max_points, result.main.rating) == (405.0, 405.0, "excellent")
    assert all(r.passed for r in result.indicators)
    assert result.fixes == []


def _res(package: dict[str, Any]) -> dict[str, Any]:
    return package["resources"][0]


def _without(*names: str) -> Callable[[dict[str, Any]], None]:
    def change(package: dict[str, Any]) -> None:
        for name in names:
            package.pop(name, None)

    return change


def _resource_without(*names: str) -> Callable[[dict[str, Any]], None]:
    def change(package: dict[str, Any]) -> None:
        for name in names:
            _res(package).pop(name, None)

    return change


def _set(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda package: package.update(values)


def _resource_set(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda package: _res(package).update(values)


# indicator → how a dataset loses it (its facts otherwise those of the perfect dataset)
LOSING: dict[str, Callable[[dict[str, Any]], None]] = {
    "mqa.keyword": _set(tags=[]),
    "mqa.theme": _set(dimension=[], subdimension=[]),
    "mqa.spatial": _set(region=[], comuna=[]),
    "mqa.temporal": _without("temporal_start", "temporal_end"),
    "mqa.download_url": _resource_without("download_url"),
    "mqa.format": _resource_set(format="", mimetype="text/csv"),
    "mqa.media_type": _resource_without("mimetype"),
    "mqa.format_vocabulary": _resource_set(format="FORMATO-PROPIO", mimetype=None),
    "mqa.non_proprietary": _resource_set(format="XLSX", mimetype=None),
    "mqa.machine_readable": _resource_set(format="PDF", mimetype=None),
    "mqa.license": _set(license_id="other-closed"),
    "mqa.license_vocabulary": _set(license_id="other-closed"),
    "mqa.access_rights": _without("access_rights"),
    "mqa.access_rights_vocabulary": _set(access_rights="ABIERTO"),
    "mqa.contact_point": _without("contact_name", "contact_email"),
    "mqa.publisher": _without("owner_org", "organization"),
    "mqa.rights": _resource_without("rights"),
    "mqa.byte_size": _resource_without("size"),
}


@pytest.mark.parametrize("indicator_id", sorted(LOSING))
def test_a_metadata_indicator_loses_exactly_its_points(indicator_id: str):
    package = perfect_package()
    LOSING[indicator_id](package)

    result = score(facts(package, links=ok_links(package)))

    lost = indicator(result, indicator_id)
    assert (lost.points, lost.max, lost.passed) == (0.0, MQA_POINTS[indicator_id], False)
    # the other indicators that changed are the ones that share the field (licence, format)
    assert lost.fix is not None
    assert any(f["indicator"] == indicator_id for f in result.fixes)


def test_each_metadata_loss_costs_only_that_indicator_when_fields_are_independent():
    independent = (
        "mqa.keyword", "mqa.theme", "mqa.spatial", "mqa.temporal", "mqa.contact_point", "mqa.rights", "mqa.byte_size", "mqa.media_type",
    )
    for indicator_id in independent:
        package = perfect_package()
        LOSING[indicator_id](package)
        result = score(facts(package))
        assert result.main.points == 405 - MQA_POINTS[indicator_id], indicator_id
    # no access rights at all: neither the property nor its vocabulary
    package = perfect_package()
    LOSING["mqa.access_rights"](package)
    assert score(facts(package)).main.points == 405 - 10 - 5


def test_issue_and_modification_dates_come_from_the_dataset_or_a_resource():
    package = perfect_package()
    for name in ("metadata_created", "metadata_modified"):
        package.pop(name)
    _res(package).update(created=None, metadata_modified=None)

    result = score(facts(package))

    assert indicator(result, "mqa.issued").points == 0
    assert indicator(result, "mqa.modified").points == 0
    _res(package)["created"] = "2026-01-01T00:00:00"
    assert indicator(score(facts(package)), "mqa.issued").points == 5


def test_the_access_url_earns_points_only_when_its_check_answered_2xx_or_3xx():
    package = perfect_package()
    broken = {"res-1": LinkState(url=URL, ok=False, outcome="http_error", status_code=404)}

    assert indicator(score(facts(package)), "mqa.access_url").points == 50
    assert indicator(score(facts(package, links=broken)), "mqa.access_url").points == 0
    # not checked yet: no points (the file says sin_verificar: negar)...
    unchecked = score(facts(package, links={}))
    assert indicator(unchecked, "mqa.access_url").points == 0
    assert indicator(unchecked, "mqa.download_url_status").points == 0
    # ...unless the portal itself serves the file
    _res(package)["url_type"] = "upload"
    _res(package)["download_url"] = None
    assert indicator(score(facts(package, links={})), "mqa.access_url").points == 50


def test_a_check_of_an_older_url_does_not_count():
    package = perfect_package()
    stale = {"res-1": LinkState(url="http://old.example/a.csv", ok=True, outcome="ok", status_code=200)}

    assert indicator(score(facts(package, links=stale)), "mqa.access_url").points == 0


def test_download_url_accessibility_needs_a_download_url_that_answers():
    package = perfect_package()
    _res(package)["download_url"] = "http://datos.temuco.example/descarga.csv"

    # the only check is of the access URL
    assert indicator(score(facts(package)), "mqa.download_url_status").points == 0
    checked = {"res-1": LinkState(url=_res(package)["download_url"], ok=True, outcome="ok", status_code=200)}
    _res(package)["url"] = _res(package)["download_url"]
    assert indicator(score(facts(package, links=checked)), "mqa.download_url_status").points == 30


def test_dcat_ap_compliance_is_the_shacl_report():
    assert indicator(score(facts()), "mqa.dcat_ap").points == 30
    violations = DcatReport(status="done", violations=3, error_count=0)
    failed = indicator(score(facts(dcat=violations)), "mqa.dcat_ap")
    assert (failed.points, failed.detail["es"]) == (0.0, "3 infracciones SHACL")
    pending = indicator(score(facts(dcat=None)), "mqa.dcat_ap")
    assert (pending.points, pending.state, pending.fix) == (0.0, "pending", None)


def test_distribution_indicators_are_proportional_to_the_resources_that_meet_them():
    package = perfect_package()
    second = dict(_res(package), id="res-2", name="Resumen", format="PDF", mimetype=None)
    package["resources"].append(second)

    result = score(facts(package, links=ok_links(package)))

    machine = indicator(result, "mqa.machine_readable")
    assert (machine.points, machine.max, machine.met, machine.total) == (10.0, 20.0, 1, 2)
    assert machine.detail["es"] == "1 de 2 recursos"
    fix = next(f for f in result.fixes if f["indicator"] == "mqa.machine_readable")
    assert fix["gain"] == 10.0
    assert "'Resumen'" in machine.fix["es"]
    assert engine.stored_fix(fix, ENV.quality) == machine.fix


def test_a_dataset_without_resources_earns_no_distribution_points():
    package = perfect_package()
    package["resources"] = []

    result = score(facts(package, links={}))

    distribution_ids = [i for i, ind in ENV.quality.indicators.items() if ind.on_distributions and i in MQA_POINTS]
    assert all(indicator(result, i).points == 0 for i in distribution_ids)
    assert indicator(result, "mqa.format").detail["es"] == "El conjunto no tiene recursos"
    assert result.main.points == 405 - sum(MQA_POINTS[i] for i in distribution_ids)


# --- the portal's content indicators --------------------------------------------------------


def territorio(f) -> engine.Score:
    return engine.score(f, ENV, "territorio")


def report(status="done", passed=True, errors=0, accepted=False, personal=0) -> ContentReport:
    return ContentReport("res-1", status, passed, errors, accepted, personal)


def test_validation_passes_with_clean_reports_and_fails_with_standing_errors():
    clean = territorio(facts(content_reports={"res-1": report()}))
    assert indicator(clean, "datos.validation").points == 25

    failing = territorio(facts(content_reports={"res-1": report(passed=False, errors=4)}))
    result = indicator(failing, "datos.validation")
    assert (result.points, result.max, result.detail["es"]) == (0.0, 25.0, "4 errores de validación")
    assert failing.has_errors is True
    assert "'Mediciones horarias'" in result.fix["es"]

    accepted = territorio(facts(content_reports={"res-1": report(passed=False, errors=4, accepted=True)}))
    assert indicator(accepted, "datos.validation").points == 25


def test_validation_does_not_apply_without_reports_and_waits_while_running():
    none = territorio(facts())
    assert indicator(none, "datos.validation").state == "na"
    # of the "datos" indicators only freshness and links apply
    assert none.main.max_points == 405 + 25 + 20

    running = indicator(territorio(facts(content_reports={"res-1": report(status="running")})), "datos.validation")
    assert (running.state, running.points, running.max) == ("pending", 0.0, 25.0)


def test_metadata_errors_count_as_validation_errors():
    result = territorio(facts(metadata_errors=2))
    assert indicator(result, "datos.validation").points == 0
    assert result.has_errors is True


def test_personal_data_findings_cost_the_personal_data_points():
    clean = territorio(facts(content_reports={"res-1": report()}))
    assert indicator(clean, "datos.personal_data").points == 20
    assert clean.personal_findings == 0

    found = territorio(facts(content_reports={"res-1": report(passed=False, errors=3, personal=3)}))
    result = indicator(found, "datos.personal_data")
    assert (result.points, result.detail["es"]) == (0.0, "3 hallazgos de datos personales")
    assert found.personal_findings == 3


def _modified(package: dict[str, Any], hours: float) -> None:
    stamp = (NOW - dt.timedelta(hours=hours)).replace(tzinfo=None).isoformat()
    _res(package).update(created=stamp, metadata_modified=stamp, last_modified=stamp)


def test_freshness_allows_the_declared_interval_times_the_grace_factor():
    # DAILY: 24 h × 1.5 + 1 h of slack = 37 h
    package = perfect_package()
    _modified(package, 36.9)
    fresh = territorio(facts(package))
    assert indicator(fresh, "datos.freshness").points == 25
    assert fresh.fresh is True

    _modified(package, 37.1)
    stale = territorio(facts(package))
    result = indicator(stale, "datos.freshness")
    assert (result.points, result.passed) == (0.0, False)
    assert stale.fresh is False
    assert result.detail["es"] == "Última actualización hace 37,1 h; se espera cada 24 h"


def test_freshness_does_not_apply_to_irregular_datasets():
    package = perfect_package()
    package["frequency"] = "IRREG"

    result = territorio(facts(package))

    assert indicator(result, "datos.freshness").state == "na"
    assert result.fresh is None


def test_broken_links_cost_their_share_of_the_links_points():
    package = perfect_package()
    package["resources"].append(dict(_res(package), id="res-2", name="Resumen", url="http://x.example/b.csv"))
    links = ok_links(package)
    links["res-2"] = LinkState(url="http://x.example/b.csv", ok=False, outcome="timeout", status_code=None)

    result = indicator(territorio(facts(package, links=links)), "datos.links")

    assert (result.points, result.max, result.met, result.total) == (10.0, 20.0, 1, 2)
    assert indicator(territorio(facts(package, links={})), "datos.links").state == "na"


# --- sensor series ---------------------------------------------------------------------------


def sensor(**values: Any) -> SensorFacts:
    base: dict[str, Any] = {
        "streams": 2,
        "readings": 1440,
        "expected_readings": 1440,
        "completeness": 1.0,
        "gaps": 0,
        "longest_gap_hours": None,
        "flatline_streams": 0,
        "implausible": 0,
        "unit_inconsistent": 0,
        "last_reading": NOW - dt.timedelta(minutes=30),
        "expected_interval_hours": 1.0,
    }
    base.update(values)
    return SensorFacts(**base)


def hourly() -> dict[str, Any]:
    package = perfect_package()
    package["frequency"] = "HOURLY"
    _modified(package, 0.5)
    return package


SENSOR_POINTS = {
    "sensor.completeness": 15,
    "sensor.gaps": 10,
    "sensor.flatlines": 10,
    "sensor.implausible": 10,
    "sensor.units": 5,
    "sensor.frequency": 10,
}


def test_a_clean_sensor_series_earns_every_sensor_point():
    result = territorio(facts(hourly(), sensor=sensor()))

    for indicator_id, points in SENSOR_POINTS.items():
        assert indicator(result, indicator_id).points == points, indicator_id
    assert result.main.max_points == 405 + 25 + 20 + sum(SENSOR_POINTS.values())


@pytest.mark.parametrize(
    ("indicator_id", "values", "detail"),
    [
        ("sensor.gaps", {"gaps": 3, "longest_gap_hours": 7.5}, "3 huecos (el mayor de 7.5 h)"),
        ("sensor.flatlines", {"flatline_streams": 1}, "1 series con valores planos"),
        ("sensor.implausible", {"implausible": 12}, "12 lecturas imposibles"),
        ("sensor.units", {"unit_inconsistent": 1}, "1 variables con unidades incoherentes"),
    ],
)
def test_a_sensor_problem_loses_its_indicator(indicator_id: str, values: dict, detail: str):
    result = territorio(facts(hourly(), sensor=sensor(**values)))

    lost = indicator(result, indicator_id)
    assert (lost.points, lost.max, lost.detail["es"]) == (0.0, SENSOR_POINTS[indicator_id], detail)
    others = [i for i in SENSOR_POINTS if i != indicator_id]
    assert all(indicator(result, i).passed for i in others)


def test_completeness_is_full_from_the_minimum_and_proportional_below():
    assert indicator(territorio(facts(hourly(), sensor=sensor(completeness=0.92))), "sensor.completeness").points == 15
    partial = indicator(territorio(facts(hourly(), sensor=sensor(completeness=0.6))), "sensor.completeness")
    assert (partial.points, partial.passed, partial.detail["es"]) == (9.0, False, "60 % de las lecturas esperadas")


def test_an_hourly_series_whose_last_reading_is_three_days_old_is_stale():
    package = hourly()
    stopped = sensor(last_reading=NOW - dt.timedelta(days=3))

    result = territorio(facts(package, sensor=stopped))

    frequency = indicator(result, "sensor.frequency")
    assert (frequency.points, frequency.passed) == (0.0, False)
    assert frequency.detail["es"] == "Última lectura hace 3 días; se espera cada 1 h"
    # the catalogue says it was touched recently, the data itself says it stopped
    assert indicator(result, "datos.freshness").passed is True
    assert result.fresh is False


def test_sensor_indicators_do_not_apply_to_datasets_without_a_series():
    result = territorio(facts(hourly(), sensor=None))

    assert all(indicator(result, i).state == "na" for i in SENSOR_POINTS)


def test_a_save_reuses_the_stored_sensor_results_instead_of_reading_the_series():
    computed = territorio(facts(hourly(), sensor=sensor(gaps=2, longest_gap_hours=5.0)))
    stored = {r.id: r.as_dict() for r in computed.indicators}

    reused = territorio(facts(hourly(), sensor=None, sensor_computed=False, stored=stored))

    assert indicator(reused, "sensor.gaps").points == 0
    assert indicator(reused, "sensor.completeness").points == 15
    assert reused.main.points == computed.main.points
