"""One small function per indicator, registered by id; the file gives points and texts.

Each function returns an :class:`Outcome`: for dataset indicators the share of the points
earned (0..1), for distribution indicators how many resources meet it (the profile decides
how that becomes points), or "not applicable" / "pending". What each MQA indicator looks at
is what the portal's DCAT profile publishes (see the header of ``schemas/quality.yaml``).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from ..fields import decode_list
from ..policy import metadata as policy_metadata
from . import profile
from .facts import Environment, Facts, LinkState
from .profile import Indicator

OK, NOT_APPLICABLE, PENDING = "ok", "na", "pending"
# IANA media types (RFC 6838 top-level types), also as the IANA registry URI
MEDIA_TYPE = re.compile(
    r"(?:https?://www\.iana\.org/assignments/media-types/)?"
    r"(?:application|audio|font|example|image|message|model|multipart|text|video)/[\w.+\-]+",
    re.IGNORECASE,
)
CONTACT_FIELDS = (
    "contact_uri", "contact_name", "contact_email", "maintainer", "maintainer_email",
    "author", "author_email",
)


@dataclass(frozen=True)
class Outcome:
    """What an indicator found.

    ``share`` is the part of the points earned for dataset indicators; distribution
    indicators give ``met``/``total`` resources instead (``share`` None) and the names of
    those that fail. ``values`` fill the detail and fix texts of the file.
    """

    state: str = OK
    share: float | None = None
    met: int | None = None
    total: int | None = None
    failing: tuple[str, ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, passed: bool, **values: Any) -> Outcome:
        """A dataset indicator's outcome: all its points if ``passed``, none otherwise."""
        return cls(share=1.0 if passed else 0.0, values=values)

    @classmethod
    def not_applicable(cls, **values: Any) -> Outcome:
        """An outcome that does not count: the indicator does not apply to this dataset."""
        return cls(state=NOT_APPLICABLE, values=values)

    @classmethod
    def pending(cls, **values: Any) -> Outcome:
        """An outcome still waiting on a check (no points yet, not a failure)."""
        return cls(state=PENDING, share=0.0, values=values)


Function = Callable[[Facts, Indicator, Environment], Outcome]
# a parameter's type (msgspec decodes and checks the file's value against it)
ParamType = Any

REGISTRY: dict[str, Function] = {}
PARAMETERS: dict[str, Mapping[str, ParamType]] = {}


def indicator(indicator_id: str, **params: ParamType) -> Callable[[Function], Function]:
    """Register an indicator function and the parameters its entry in the file must give."""

    def register(function: Function) -> Function:
        REGISTRY[indicator_id] = function
        PARAMETERS[indicator_id] = MappingProxyType(params)
        return function

    return register


# --- helpers ----------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return policy_metadata.is_blank(value)


def _name(resource: Mapping[str, Any]) -> str:
    return str(resource.get("name") or resource.get("url") or resource.get("id") or "?")


def per_resource(facts: Facts, test: Callable[[Mapping[str, Any]], bool]) -> Outcome:
    """A distribution indicator: how many of the dataset's resources pass ``test``."""
    resources = facts.resources
    failing = tuple(_name(r) for r in resources if not test(r))
    return Outcome(met=len(resources) - len(failing), total=len(resources), failing=failing)


def dcat_format(resource: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(dct:format, dcat:mediaType) as ckanext-dcat writes them for a resource.

    A format that looks like a media type ("text/csv") is published as dcat:mediaType, and
    a mimetype equal to the format is not repeated (euro_dcat_ap_base, "Format").
    """
    fmt = str(resource.get("format") or "").strip() or None
    mimetype = str(resource.get("mimetype") or "").strip() or None
    if fmt and (not mimetype or mimetype == fmt):
        if "iana.org/assignments/media-types" in fmt or (not fmt.startswith("http") and "/" in fmt):
            return None, fmt
        return fmt, None
    return fmt, mimetype


def _format_name(resource: Mapping[str, Any]) -> str:
    return policy_metadata.normalise_format(resource.get("format"), resource.get("url"))


def _link_ok(facts: Facts, resource: Mapping[str, Any], url: str, unchecked: str) -> bool:
    """Whether ``url`` answered 200–399 at its last check (an upload is served by CKAN)."""
    if not url:
        return False
    check: LinkState | None = facts.links.get(str(resource.get("id") or ""))
    if check is not None and check.url == url:
        return check.ok
    if resource.get("url_type") == "upload" and url == resource.get("url"):
        return True
    return unchecked == "otorgar"


def duration(hours: float) -> dict[str, str]:
    """A span as people read it: minutes, hours or days, in both languages."""
    if hours < 1:
        minutes = max(1, round(hours * 60))
        return {"es": f"{minutes} min", "en": f"{minutes} min"}
    if hours < 48:
        value = f"{round(hours, 1):g}"
        return {"es": f"{value.replace('.', ',')} h", "en": f"{value} h"}
    days = f"{round(hours / 24, 1):g}"
    return {"es": f"{days.replace('.', ',')} días", "en": f"{days} days"}


def _as_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        try:
            parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    # CKAN stores naive UTC timestamps
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


# --- Findability ------------------------------------------------------------------------------


@indicator("mqa.keyword")
def keyword(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether the dataset has at least one keyword (tags or ``tag_string``)."""
    tags = facts.package.get("tags") or []
    names = [t.get("name") if isinstance(t, Mapping) else t for t in tags]
    return Outcome.of(any(names) or not _blank(facts.package.get("tag_string")))


@indicator("mqa.theme")
def theme(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether the dataset is classified under a dimension or sub-dimension."""
    package = facts.package
    return Outcome.of(
        bool(decode_list(package.get("dimension")) or decode_list(package.get("subdimension")))
    )


@indicator("mqa.spatial")
def spatial(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether the dataset has a spatial coverage: region, comuna or a spatial field."""
    package = facts.package
    return Outcome.of(
        any(decode_list(package.get(name)) for name in ("region", "comuna"))
        or any(not _blank(package.get(name)) for name in ("spatial", "spatial_uri", "spatial_text"))
    )


@indicator("mqa.temporal")
def temporal(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether the dataset declares the start or end of its temporal coverage."""
    package = facts.package
    return Outcome.of(any(not _blank(package.get(n)) for n in ("temporal_start", "temporal_end")))


# --- Accessibility ----------------------------------------------------------------------------

_UNCHECKED = {"sin_verificar": Literal["negar", "otorgar"]}


@indicator("mqa.access_url", **_UNCHECKED)
def access_url(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """How many resources have an access URL that answers (or is not yet checked)."""
    unchecked = ind.params["sin_verificar"]
    return per_resource(
        facts,
        lambda r: _link_ok(facts, r, str(r.get("access_url") or r.get("url") or ""), unchecked),
    )


def _download_url(resource: Mapping[str, Any]) -> str:
    """dcat:downloadURL as dcat/profile.py publishes it: the field, or an upload's own URL."""
    if not _blank(resource.get("download_url")):
        return str(resource["download_url"])
    if resource.get("url_type") == "upload":
        return str(resource.get("url") or "")
    return ""


@indicator("mqa.download_url")
def download_url(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """How many resources have a download URL."""
    return per_resource(facts, lambda r: bool(_download_url(r)))


@indicator("mqa.download_url_status", **_UNCHECKED)
def download_url_status(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """How many resources have a download URL that answers (or is not yet checked)."""
    unchecked = ind.params["sin_verificar"]
    return per_resource(facts, lambda r: _link_ok(facts, r, _download_url(r), unchecked))


# --- Interoperability -------------------------------------------------------------------------


@indicator("mqa.format")
def format_(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """How many resources publish a dct:format."""
    return per_resource(facts, lambda r: dcat_format(r)[0] is not None)


@indicator("mqa.media_type")
def media_type(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """How many resources publish a dcat:mediaType."""
    return per_resource(facts, lambda r: dcat_format(r)[1] is not None)


@indicator("mqa.format_vocabulary")
def format_vocabulary(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """How many resources give a format from the file-type vocabulary or an IANA media type."""
    def known(resource: Mapping[str, Any]) -> bool:
        fmt, mimetype = dcat_format(resource)
        if fmt is None and mimetype is None:
            return False
        if fmt is not None and (env.file_types is None or env.file_types.lookup(fmt) is None):
            return False
        return mimetype is None or MEDIA_TYPE.fullmatch(mimetype) is not None

    return per_resource(facts, known)


@indicator("mqa.non_proprietary")
def non_proprietary(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """How many resources are in a non-proprietary format."""
    return per_resource(facts, lambda r: _format_name(r) in env.non_proprietary)


@indicator("mqa.machine_readable")
def machine_readable(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """How many resources are in a machine-readable format."""
    return per_resource(facts, lambda r: _format_name(r) in env.machine_readable)


@indicator("mqa.dcat_ap")
def dcat_ap(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether the dataset's DCAT-AP record passed SHACL validation (pending until validated)."""
    report = facts.dcat
    if report is None:
        return Outcome.pending(valor={"es": "sin validar aún", "en": "not validated yet"})
    if report.status != "done":
        return Outcome.of(False, valor={"es": "la validación falló", "en": "validation failed"})
    if report.violations:
        return Outcome.of(
            False,
            valor={
                "es": f"{report.violations} infracciones SHACL",
                "en": f"{report.violations} SHACL violations",
            },
        )
    return Outcome.of(True, valor={"es": "conforme", "en": "compliant"})


# --- Reusability ------------------------------------------------------------------------------


def _licence_iri(facts: Facts, env: Environment) -> str | None:
    return policy_metadata.license_iri(str(facts.package.get("license_id") or ""), env.policy)


@indicator("mqa.license")
def license_(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """How many distributions carry a licence (the dataset's licence IRI counts for all)."""
    # the DCAT profile writes the dataset's licence IRI on every distribution
    iri = _licence_iri(facts, env)
    return per_resource(facts, lambda r: bool(iri) or not _blank(r.get("license")))


@indicator("mqa.license_vocabulary")
def license_vocabulary(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """How many distributions carry a licence from the policy's open licences."""
    iri = _licence_iri(facts, env)
    licences = env.policy.rule("metadata.license").params["abiertas"].values()
    outcome = per_resource(facts, lambda r: bool(iri) or str(r.get("license") or "") in licences)
    return Outcome(
        met=outcome.met,
        total=outcome.total,
        failing=outcome.failing,
        values={"valor": str(facts.package.get("license_id") or "—")},
    )


@indicator("mqa.access_rights")
def access_rights(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether the dataset declares its access rights."""
    return Outcome.of(not _blank(facts.package.get("access_rights")))


@indicator("mqa.access_rights_vocabulary")
def access_rights_vocabulary(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether the dataset's access rights are a code of the policy's vocabulary."""
    code = policy_metadata.access_right_code(facts.package.get("access_rights"), env.policy)
    return Outcome.of(code is not None)


@indicator("mqa.contact_point")
def contact_point(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether the dataset gives a contact point (URI, name, e-mail, maintainer or author)."""
    return Outcome.of(any(not _blank(facts.package.get(n)) for n in CONTACT_FIELDS))


@indicator("mqa.publisher")
def publisher(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether the dataset has a publisher: its organization or a publisher URI or name."""
    package = facts.package
    return Outcome.of(
        not _blank(package.get("owner_org"))
        or any(not _blank(package.get(n)) for n in ("publisher_uri", "publisher_name"))
    )


# --- Contextuality ----------------------------------------------------------------------------


@indicator("mqa.rights")
def rights(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """How many resources state their rights."""
    return per_resource(facts, lambda r: not _blank(r.get("rights")))


@indicator("mqa.byte_size")
def byte_size(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """How many resources state their size in bytes."""
    return per_resource(facts, lambda r: not _blank(r.get("size")))


@indicator("mqa.issued")
def issued(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether the dataset or one of its resources has an issue date."""
    package = facts.package
    return Outcome.of(
        any(not _blank(package.get(n)) for n in ("issued", "metadata_created"))
        or any(not _blank(r.get("issued") or r.get("created")) for r in facts.resources)
    )


@indicator("mqa.modified")
def modified(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether the dataset or one of its resources has a modification date."""
    package = facts.package
    return Outcome.of(
        any(not _blank(package.get(n)) for n in ("modified", "metadata_modified"))
        or any(not _blank(r.get("modified") or r.get("metadata_modified")) for r in facts.resources)
    )


# --- Datos: content ---------------------------------------------------------------------------


def _resource_names(facts: Facts) -> dict[str, str]:
    return {str(r.get("id")): _name(r) for r in facts.resources}


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
        _as_datetime(r.get(name))
        for r in facts.resources
        for name in ("last_modified", "metadata_modified", "created")
    ]
    found = [s for s in stamps if s is not None]
    if found:
        return max(found)
    return _as_datetime(facts.package.get("metadata_modified"))


_FRESHNESS = {"gracia": profile.NonNegative, "holgura_horas": profile.NonNegative}


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
    failing = tuple(_name(r) for r in checked if not facts.links[str(r.get("id"))].ok)
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
    indicator(_id, maximo=profile.NonNegative)(_at_most(_attribute))


@indicator("sensor.completeness", minimo=profile.Share)
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
            last = last.replace(tzinfo=dt.timezone.utc)
        return _timeliness(last, facts, ind, env)

    return _sensor(facts, ind, compute)
