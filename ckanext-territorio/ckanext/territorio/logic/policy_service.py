"""CKAN side of the data-use policy: which policy, which reports stand, where files come from.

The rules themselves live in ``policy/`` (plain Python); this module reads CKAN's objects and
configuration for them and stores what they find.
"""
from __future__ import annotations

import contextlib
import json
import logging
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import uploader

from .. import config
from ..policy import content, document, fetch, metadata, publication
from ..policy.report import Findings
from ..policy.tabular import Limits
from . import policy_store

log = logging.getLogger(__name__)

QUEUE = "territorio"
POLICY_FILE = "ckanext.territorio.policy.file"
MAX_SIZE = "ckanext.territorio.policy.max_size_mb"
TIMEOUT = "ckanext.territorio.policy.timeout"
# a declared Table Schema is small; anything larger is not one
MAX_SCHEMA_BYTES = 1024 * 1024
# context flag for the policy's own updates (making a dataset private, publishing a held one)
INTERNAL = "territorio_policy_internal"


# --- configuration ---------------------------------------------------------------------------


def policy_path() -> Path:
    value = tk.config.get(POLICY_FILE) or ""
    return Path(value) if value else config.schemas_dir() / document.POLICY_FILE


def current() -> document.Policy:
    """The policy the portal runs with (reloaded when its file changes)."""
    return document.policy(policy_path())


def max_bytes() -> int:
    return int(tk.config[MAX_SIZE]) * 1024 * 1024


def timeout() -> int:
    return int(tk.config[TIMEOUT])


def fetch_limits() -> fetch.FetchLimits:
    """Bounds of a content download: size and time from the policy options, the allow-list."""
    return fetch.FetchLimits(
        max_bytes=max_bytes(), timeout=float(timeout()), allow=fetch.parse_networks(config.policy_fetch_allow())
    )


# --- standing reports and publication ---------------------------------------------------------


def _is_tabular(resource: Mapping[str, Any], policy: document.Policy) -> bool:
    facts = content.ResourceFacts(format=str(resource.get("format") or ""), url=str(resource.get("url") or ""))
    return content.tabular_kind(facts, policy) is not None


def standing(resources: Sequence[Mapping[str, Any]]) -> list[publication.StandingReport]:
    """The latest content report of each resource that has one."""
    by_id = {str(r["id"]): r for r in resources if isinstance(r, Mapping) and r.get("id")}
    reports = policy_store.latest_for_resources(by_id)
    return [
        publication.StandingReport(
            resource_id=resource_id,
            resource_name=str(by_id[resource_id].get("name") or resource_id),
            status=report.status,
            rules=report.rules or [],
            accepted=report.accepted_at is not None,
        )
        for resource_id, report in reports.items()
    ]


def standing_dcat(package_id: str, policy: document.Policy) -> list[publication.StandingReport]:
    """The dataset's finished DCAT-AP report under the current policy, if it has one.

    A report from an older policy version, or one still running, does not block: the job
    queued by the save that brought the dataset here will judge it.
    """
    report = policy_store.latest_dataset(package_id, "dcat")
    if report is None or report.status != "done" or report.policy_version != policy.version:
        return []
    return [
        publication.StandingReport(
            resource_id="",
            resource_name=tk._("metadatos DCAT-AP"),
            status=report.status,
            rules=report.rules or [],
        )
    ]


def publication_blocks(
    resources: Sequence[Mapping[str, Any]],
    personal_data: Any,
    policy: document.Policy,
    package_id: str | None = None,
) -> list[publication.Block]:
    reports = standing(resources)
    if package_id:
        reports += standing_dcat(package_id, policy)
    return publication.blocks(reports, metadata.text_of(personal_data), policy)


def has_unchecked_resources(
    resources: Sequence[Mapping[str, Any]], policy: document.Policy
) -> bool:
    """Whether a tabular resource lacks a finished report for its current file."""
    tabular = [r for r in resources if isinstance(r, Mapping) and _is_tabular(r, policy)]
    if any(not r.get("id") for r in tabular):
        return True
    reports = policy_store.latest_for_resources(str(r["id"]) for r in tabular)
    for resource in tabular:
        report = reports.get(str(resource["id"]))
        if (
            report is None
            or report.status not in ("done", "failed")
            or report.fingerprint != policy_store.fingerprint(resource, policy.version)
        ):
            return True
    return False


def metadata_findings(dataset: Mapping[str, Any], policy: document.Policy) -> Findings:
    return metadata.check_metadata(dataset, policy)


# --- after a dataset is saved -----------------------------------------------------------------


def site_context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"ignore_auth": True, "user": site_user["name"], INTERNAL: True}


def applies_to(dataset: Mapping[str, Any], policy: document.Policy) -> bool:
    return str(dataset.get("type") or "dataset") in policy.rule("metadata.required").params


def dataset_saved(package_id: str) -> list[tuple[str, str]]:
    """Record the metadata report, queue what must be checked; the jobs to enqueue.

    Runs after the action committed. Content is checked again only for resources whose file
    (or the policy) changed since their last report.
    """
    policy = current()
    try:
        dataset = tk.get_action("package_show")(site_context(), {"id": package_id})
    except tk.ObjectNotFound:
        return []
    if not applies_to(dataset, policy) or dataset.get("state") == "deleted":
        return []
    findings = metadata_findings(dataset, policy)
    last = policy_store.latest_dataset(package_id, "metadata")
    if last is None or last.rules != findings.as_list() or last.policy_version != policy.version:
        policy_store.record(package_id, "metadata", findings)
    jobs: list[tuple[str, str]] = []
    resources = dataset.get("resources") or []
    latest = policy_store.latest_for_resources(str(r["id"]) for r in resources)
    for resource in resources:
        if not _is_tabular(resource, policy):
            continue
        fp = policy_store.fingerprint(resource, policy.version)
        report = latest.get(resource["id"])
        if report is not None and report.fingerprint == fp:
            continue
        pending = policy_store.create_pending(package_id, resource["id"], "content", policy.version, fp)
        jobs.append(("content", pending.id))
    if policy.rule("dcat.shacl").enabled:
        dcat = policy_store.latest_dataset(package_id, "dcat")
        if dcat is None or dcat.status not in ("pending", "running"):
            pending = policy_store.create_pending(package_id, None, "dcat", policy.version, None)
            jobs.append(("dcat", pending.id))
    model.Session.commit()
    return jobs


def enqueue(jobs: Iterable[tuple[str, str]]) -> None:
    from . import policy_jobs

    functions = {
        "content": policy_jobs.territorio_validate_resource,
        "dcat": policy_jobs.territorio_validate_dcat,
    }
    for kind, report_id in jobs:
        tk.enqueue_job(
            functions[kind],
            [report_id],
            title=f"territorio: validación {kind} {report_id}",
            queue=QUEUE,
            rq_kwargs={"timeout": timeout() + 120},
        )


# --- reading a resource's file ----------------------------------------------------------------


@contextlib.contextmanager
def local_file(resource: Mapping[str, Any]) -> Iterator[Path]:
    """A local path with the resource's file: the upload itself, or a bounded download."""
    limits = fetch_limits()
    with tempfile.TemporaryDirectory(prefix="territorio-policy-") as folder:
        target = Path(folder) / "data"
        if resource.get("url_type") == "upload":
            yield _uploaded(resource, target, limits)
        else:
            fetch.fetch_to_path(str(resource.get("url") or ""), target, limits)
            yield target


def _uploaded(resource: Mapping[str, Any], target: Path, limits: fetch.FetchLimits) -> Path:
    upload = uploader.get_resource_uploader(dict(resource))
    if isinstance(upload, uploader.ResourceUpload):
        path = Path(upload.get_path(str(resource["id"])))
        if not path.is_file():
            raise fetch.FetchError("el archivo subido no está en el almacenamiento")
        if path.stat().st_size > limits.max_bytes:
            raise fetch.FetchError(f"el archivo supera el tamaño máximo ({limits.max_bytes} bytes)")
        return path
    # file-keeper storages (ckan.files.*): stream a copy, bounded like a download
    from ckan.lib import files

    storage = upload.storage  # type: ignore[attr-defined]
    location = upload.get_path(str(resource["id"]))
    written = 0
    with target.open("wb") as out:
        for chunk in storage.stream(files.FileData(location)):
            written += len(chunk)
            if written > limits.max_bytes:
                raise fetch.FetchError(f"el archivo supera el tamaño máximo ({limits.max_bytes} bytes)")
            out.write(chunk)
    return target


def table_schema(resource: Mapping[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """The Table Schema a resource declares (JSON object, JSON text or URL), or why it is unusable."""
    value = resource.get("schema")
    if value in (None, "", {}):
        return None, None
    if isinstance(value, dict):
        return value, None
    text = str(value).strip()
    if text.startswith(("http://", "https://")):
        limits = fetch_limits()
        small = fetch.FetchLimits(max_bytes=MAX_SCHEMA_BYTES, timeout=min(30.0, limits.timeout), allow=limits.allow)
        with tempfile.SpooledTemporaryFile(max_size=MAX_SCHEMA_BYTES) as buffer:
            try:
                fetch.fetch(text, buffer, small)
            except fetch.FetchError as exc:
                return None, str(exc)
            buffer.seek(0)
            text = buffer.read().decode("utf-8", "replace")
    try:
        loaded = json.loads(text)
    except ValueError as exc:
        return None, f"no es JSON ({exc})"
    if not isinstance(loaded, dict):
        return None, "se espera un objeto JSON con 'fields'"
    return loaded, None


def resource_facts(resource: Mapping[str, Any]) -> content.ResourceFacts:
    schema, problem = table_schema(resource)
    return content.ResourceFacts(
        name=str(resource.get("name") or resource.get("id") or ""),
        format=str(resource.get("format") or ""),
        url=str(resource.get("url") or ""),
        variable=(str(resource["variable"]) if resource.get("variable") else None),
        unit=(str(resource["unit"]) if resource.get("unit") else None),
        table_schema=schema,
        table_schema_problem=problem,
    )


def check_resource(resource: Mapping[str, Any], policy: document.Policy) -> content.ContentResult:
    """Every content rule on the resource's file (downloaded or uploaded)."""
    deadline = time.monotonic() + timeout()
    try:
        facts = resource_facts(resource)
        with local_file(resource) as path:
            return content.check_file(
                path, facts, policy, Limits(max_bytes=max_bytes(), deadline=deadline)
            )
    except fetch.FetchError as exc:
        findings = Findings(policy)
        findings.checked("content.fetch")
        findings.add("content.fetch", "unreadable", value=str(exc))
        return content.ContentResult(findings=findings, kind=None)


def dcat_graph(dataset: dict[str, Any]) -> Any:
    """The dataset's DCAT RDF as ckanext-dcat publishes it (the configured profiles)."""
    from ckanext.dcat.processors import RDFSerializer

    serializer = RDFSerializer()
    serializer.graph_from_dataset(dataset)
    return serializer.g
