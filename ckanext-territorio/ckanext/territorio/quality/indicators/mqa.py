"""The data.europa.eu MQA indicators: findability, accessibility, interoperability,
reusability and contextuality, as the portal's DCAT profile publishes them."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from ...fields import decode_list
from ...policy import metadata as policy_metadata
from ..facts import Environment, Facts
from .registry import (
    CONTACT_FIELDS,
    MEDIA_TYPE,
    Outcome,
    blank,
    dcat_format,
    format_name,
    indicator,
    link_ok,
    per_resource,
)

if TYPE_CHECKING:
    from ..profile import Indicator


# --- Findability ------------------------------------------------------------------------------


@indicator("mqa.keyword")
def keyword(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether the dataset has at least one keyword (tags or ``tag_string``)."""
    tags = facts.package.get("tags") or []
    names = [t.get("name") if isinstance(t, Mapping) else t for t in tags]
    return Outcome.of(any(names) or not blank(facts.package.get("tag_string")))


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
        or any(not blank(package.get(name)) for name in ("spatial", "spatial_uri", "spatial_text"))
    )


@indicator("mqa.temporal")
def temporal(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether the dataset declares the start or end of its temporal coverage."""
    package = facts.package
    return Outcome.of(any(not blank(package.get(n)) for n in ("temporal_start", "temporal_end")))


# --- Accessibility ----------------------------------------------------------------------------

_UNCHECKED = {"sin_verificar": Literal["negar", "otorgar"]}


@indicator("mqa.access_url", **_UNCHECKED)
def access_url(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """How many resources have an access URL that answers (or is not yet checked)."""
    unchecked = ind.params["sin_verificar"]
    return per_resource(
        facts,
        lambda r: link_ok(facts, r, str(r.get("access_url") or r.get("url") or ""), unchecked),
    )


def _download_url(resource: Mapping[str, Any]) -> str:
    """dcat:downloadURL as dcat/profile.py publishes it: the field, or an upload's own URL."""
    if not blank(resource.get("download_url")):
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
    return per_resource(facts, lambda r: link_ok(facts, r, _download_url(r), unchecked))


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
    return per_resource(facts, lambda r: format_name(r) in env.non_proprietary)


@indicator("mqa.machine_readable")
def machine_readable(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """How many resources are in a machine-readable format."""
    return per_resource(facts, lambda r: format_name(r) in env.machine_readable)


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
    return per_resource(facts, lambda r: bool(iri) or not blank(r.get("license")))


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
    return Outcome.of(not blank(facts.package.get("access_rights")))


@indicator("mqa.access_rights_vocabulary")
def access_rights_vocabulary(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether the dataset's access rights are a code of the policy's vocabulary."""
    code = policy_metadata.access_right_code(facts.package.get("access_rights"), env.policy)
    return Outcome.of(code is not None)


@indicator("mqa.contact_point")
def contact_point(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether the dataset gives a contact point (URI, name, e-mail, maintainer or author)."""
    return Outcome.of(any(not blank(facts.package.get(n)) for n in CONTACT_FIELDS))


@indicator("mqa.publisher")
def publisher(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether the dataset has a publisher: its organization or a publisher URI or name."""
    package = facts.package
    return Outcome.of(
        not blank(package.get("owner_org"))
        or any(not blank(package.get(n)) for n in ("publisher_uri", "publisher_name"))
    )


# --- Contextuality ----------------------------------------------------------------------------


@indicator("mqa.rights")
def rights(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """How many resources state their rights."""
    return per_resource(facts, lambda r: not blank(r.get("rights")))


@indicator("mqa.byte_size")
def byte_size(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """How many resources state their size in bytes."""
    return per_resource(facts, lambda r: not blank(r.get("size")))


@indicator("mqa.issued")
def issued(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether the dataset or one of its resources has an issue date."""
    package = facts.package
    return Outcome.of(
        any(not blank(package.get(n)) for n in ("issued", "metadata_created"))
        or any(not blank(r.get("issued") or r.get("created")) for r in facts.resources)
    )


@indicator("mqa.modified")
def modified(facts: Facts, ind: Indicator, env: Environment) -> Outcome:
    """Whether the dataset or one of its resources has a modification date."""
    package = facts.package
    return Outcome.of(
        any(not blank(package.get(n)) for n in ("modified", "metadata_modified"))
        or any(not blank(r.get("modified") or r.get("metadata_modified")) for r in facts.resources)
    )
