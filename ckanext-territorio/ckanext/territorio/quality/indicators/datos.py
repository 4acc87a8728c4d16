"""The portal's own indicators on the data: validation, personal data, freshness, links and
sensor series."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..facts import Environment, Facts
from ..params import NonNegative, Share
from .registry import (
    NOT_APPLICABLE,
    OK,
    Outcome,
    as_datetime,
    duration,
    indicator,
    resource_name,
)

if TYPE_CHECKING:
    from ..profile import Indicator


# --- Datos: content ---------------------------------------------------------------------------


def _resource_names(facts: Facts) -> dict[str, str]:
    return {str(r.get("id")): resource_name(r) for r in facts.resources}


@indicator("datos.validation")
def validation(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether the dataset's tabular files and metadata passed validation, with the error count."""
    names = _resource_names(facts)
    reports = [r for rid, r in facts.content_reports.items() if rid in names]
    finished = [r for r in reports if r.finished]
    failing = tuple(names[r.resource_id] for r in finished if not r.ok)
    if facts.metadata_errors:
        failing = (*failing, "metadatos") if failing else ("metadatos",)
    if not finished and not facts.metadata_errors:
        if reports:
            return Outcome.pending(valor={"es": "validación en curso", "en": "validation running"})
        return Outcome.not_applicable(valor={"es": "sin archivos tabulares", "en": "no tabular files"})
    errors = sum(r.error_count for r in finished if not r.ok) + facts.metadata_errors
    return Outcome(
        share=0.0 if failing else 1.0,
        failing=failing,
        values={
            "valor": {
                "es": f"{errors} errores de validación" if failing else "sin errores",
                "en": f"{errors} validation errors" if failing else "no errors",
            }
        },
    )


@indicator("datos.personal_data")
def personal_data(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether the content scans found personal data in the dataset's files, with the count."""
    names = _resource_names(facts)
    finished = [
        r for rid, r in facts.content_reports.items() if rid in names and r.status == "done"
    ]
    if not finished:
        return Outcome.not_applicable(valor=0)
    found = sum(r.personal_findings for r in finished)
    failing = tuple(names[r.resource_id] for r in finished if r.personal_findings)
    return Outcome(share=0.0 if found else 1.0, failing=failing, values={"valor": found})


def last_update(facts: Facts) -> dt.datetime | None:
    """When the data last changed per the catalogue: the newest resource change.

    A resource's file change (last_modified), its record (metadata_modified) or its
    creation; the dataset's own metadata_modified only when it has no resources, so that
    editing a description does not make old data look fresh.
    """
    stamps = [
        as_datetime(r.get(name))
        for r in facts.resources
        for name in ("last_modified", "metadata_modified", "created")
    ]
    found = [s for s in stamps if s is not None]
    if found:
        return max(found)
    return as_datetime(facts.package.get("metadata_modified"))


_FRESHNESS = {"gracia": NonNegative, "holgura_horas": NonNegative}


def _timeliness(
    last: dt.datetime | None, facts: Facts, ind: Indicator, env: Environment
) -> Outcome:
    frequency = facts.package.get("frequency")
    period = env.period_hours(frequency)
    if period is None:
        return Outcome.not_applicable()
    values: dict[str, Any] = {
        "intervalo": duration(period),
        "frecuencia": env.frequency_label(frequency),
        "edad": "—",
    }
    if last is None:
        return Outcome(share=0.0, values=values)
    age_hours = max(0.0, (facts.now - last).total_seconds() / 3600)
    values["edad"] = duration(age_hours)
    values["horas"] = round(age_hours, 1)
    limit = period * ind.params["gracia"] + ind.params["holgura_horas"]
    return Outcome(share=1.0 if age_hours <= limit else 0.0, values=values)


@indicator("datos.freshness", **_FRESHNESS)
def freshness(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether the dataset was updated within its declared frequency."""
    return _timeliness(last_update(facts), facts, ind, env)


@indicator("datos.links")
def links(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """How many checked resource links answer (not applicable before any check)."""
    checked = [
        r for r in facts.resources
        if (check := facts.links.get(str(r.get("id")))) is not None and check.url == r.get("url")
    ]
    if not checked:
        return Outcome.not_applicable()
    failing = tuple(resource_name(r) for r in checked if not facts.links[str(r.get("id"))].ok)
    return Outcome(met=len(checked) - len(failing), total=len(checked), failing=failing)


# --- Datos: sensor series ---------------------------------------------------------------------


def _sensor(facts: Facts, ind: Indicator, compute: Callable[[Any], Outcome]) -> Outcome:
    """A sensor indicator: computed from SensorFacts, or the stored result when not computed."""
    if not facts.sensor_computed:
        stored = facts.stored.get(ind.id)
        if not stored or stored.get("state") == NOT_APPLICABLE:
            return Outcome.not_applicable()
        share = stored.get("share")
        if share is None:
            share = 1.0 if stored.get("passed") else 0.0
        return Outcome(
            state=str(stored.get("state") or OK),
            share=share,
            values=dict(stored.get("values") or {}),
        )
    if facts.sensor is None:
        return Outcome.not_applicable()
    return compute(facts.sensor)


def _at_most(attribute: str) -> Callable[[Facts, Indicator, Environment], Outcome]:
    def check(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
        def compute(sensor: Any) -> Outcome:
            if not getattr(sensor, "readings", 0):
                return Outcome.not_applicable()
            value = int(getattr(sensor, attribute) or 0)
            values: dict[str, Any] = {"valor": value}
            if attribute == "gaps":
                longest = getattr(sensor, "longest_gap_hours", None)
                values["horas"] = round(longest, 1) if longest is not None else "—"
            return Outcome(share=1.0 if value <= ind.params["maximo"] else 0.0, values=values)

        return _sensor(facts, ind, compute)

    return check


for _id, _attribute in (
    ("sensor.gaps", "gaps"),
    ("sensor.flatlines", "flatline_streams"),
    ("sensor.implausible", "implausible"),
    ("sensor.units", "unit_inconsistent"),
):
    indicator(_id, maximo=NonNegative)(_at_most(_attribute))


@indicator("sensor.completeness", minimo=Share)
def completeness(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """A sensor dataset's share of expected readings: full points from the minimum up."""
    def compute(sensor: Any) -> Outcome:
        value = sensor.completeness
        if value is None:
            return Outcome.not_applicable()
        value = max(0.0, min(1.0, float(value)))
        # full points from the minimum up, proportional below it
        share = 1.0 if value >= ind.params["minimo"] else value
        return Outcome(share=share, values={"valor": round(value * 100, 1)})

    return _sensor(facts, ind, compute)


@indicator("sensor.frequency", **_FRESHNESS)
def declared_frequency(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether a sensor dataset's last reading is within its declared frequency."""
    def compute(sensor: Any) -> Outcome:
        last = sensor.last_reading
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=dt.UTC)
        return _timeliness(last, facts, ind, env)

    return _sensor(facts, ind, compute)
