"""Background jobs of the data-use policy (queue ``territorio``, run by ``ckan jobs worker``)."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from .. import config, current, signals
from . import checks, publication, shacl
from . import service as policy_service
from . import store as policy_store

log = logging.getLogger(__name__)

QUEUE = "territorio"


def _start(report_id: str) -> Any:
    report = policy_store.get(report_id)
    if report is None or report.status != "pending":
        return None
    report.status = "running"
    report.started = dt.datetime.now(dt.UTC)
    model.Session.commit()
    return report


def _fail(report: Any, reason: str | None = None) -> None:
    """Close the report as failed, with why when the check never ran."""
    report.status = "failed"
    if reason is None:
        report.finished = dt.datetime.now(dt.UTC)
    else:
        report.stats = {"reason": reason}
    model.Session.commit()


def territorio_validate_resource(report_id: str) -> None:
    """Run the content rules on a resource's file and store the report."""
    report = _start(report_id)
    if report is None:
        return
    policy = current.policy()
    try:
        resource = tk.get_action("resource_show")(
            policy_service.site_context(), {"id": report.resource_id}
        )
    except tk.ObjectNotFound:
        _fail(report, "resource deleted")
        return
    if policy_store.fingerprint(resource, policy.version) != report.fingerprint:
        # the file changed while this job waited: a newer report is queued for it
        _fail(report, "superseded")
        return
    try:
        result = policy_service.check_resource(resource, policy)
    except Exception:
        log.exception("Validación del recurso %s falló", report.resource_id)
        _fail(report)
        raise
    policy_store.finish(
        report,
        result.findings,
        {"rows": result.rows, "bytes": result.bytes, "kind": result.kind},
    )
    model.Session.commit()
    enforce(report.package_id)


def territorio_validate_dcat(report_id: str) -> None:
    """Validate the dataset's DCAT RDF against the DCAT-AP SHACL shapes."""
    report = _start(report_id)
    if report is None:
        return
    policy = current.policy()
    try:
        dataset = tk.get_action("package_show")(
            policy_service.site_context(), {"id": report.package_id}
        )
    except tk.ObjectNotFound:
        _fail(report, "dataset deleted")
        return
    graph = policy_service.dcat_graph(dataset)
    findings = shacl.validate(graph, policy)
    policy_store.finish(
        report, findings, {"triples": len(graph), "shapes": shacl.shapes_path(policy).name}
    )
    model.Session.commit()
    enforce(report.package_id)
    signals.DCAT_VALIDATED.send(report.package_id)


def enforce(package_id: str) -> None:
    """After a report: keep error findings off public datasets; publish held ones that pass."""
    policy = current.policy()
    context = policy_service.site_context()
    try:
        dataset = tk.get_action("package_show")(context, {"id": package_id})
    except tk.ObjectNotFound:
        return
    resources = dataset.get("resources") or []
    blocks = policy_service.publication_blocks(
        resources, dataset.get("personal_data"), policy, package_id
    )
    rule = policy.rule(publication.RULE)
    if not dataset.get("private") and blocks and rule.params["si_ya_es_publico"] == "make_private":
        log.warning(
            "Conjunto %s vuelto privado por la política: %s", package_id, blocks[0].text("es")
        )
        tk.get_action("package_patch")(
            policy_service.site_context(), {"id": package_id, "private": True}
        )
        return
    hold = policy_store.held(package_id)
    if hold is None or blocks or policy_service.has_unchecked_resources(resources, policy):
        return
    if policy_service.metadata_findings(dataset, policy).errors():
        return
    policy_store.release(package_id)
    model.Session.commit()
    tk.get_action("package_patch")(
        policy_service.site_context(), {"id": package_id, "private": False}
    )


def checked(package_id: str, context: Mapping[str, Any], inline: bool = False) -> None:
    """A saved dataset's after-save work: its metadata report, its content and DCAT-AP checks
    queued (``inline``: run here, by a job), then ``DATASET_CHECKED`` (the quality score
    listens). Never raises: the dataset is already committed, and a report is never worth
    failing the publisher's save."""
    if not context.get(policy_service.INTERNAL):  # not the policy's own changes
        try:
            queued = policy_service.dataset_saved(package_id)
        except Exception:
            log.exception("No se pudieron registrar las validaciones del conjunto %s", package_id)
            model.Session.rollback()
            queued = None
        if queued is not None and inline:
            run_now(queued)
        elif queued is not None:
            try:
                enqueue(queued)
            except Exception:
                # the reports stay "pending"; territorio_validation_run queues them again
                log.exception("No se pudieron encolar las validaciones del conjunto %s", package_id)
    signals.DATASET_CHECKED.send(package_id, context=context)


def territorio_dataset_checks(package_id: str) -> None:
    """The deferred after-save work of a saved dataset (``policy.defer_checks``), then done.

    Runs once for several saves that came before it; a save during the run leaves the row
    pending for the job that save queued.
    """
    asked = checks.started(package_id)
    if asked is None:
        return
    # the content, DCAT-AP and link checks run in this job: each job of CKAN's worker pays a
    # fork and a full load_environment (1.5–3 s on a busy 2-core machine)
    checked(package_id, {checks.INLINE: True}, inline=True)
    checks.finished(package_id, asked)
    model.Session.commit()
    if policy_store.held(package_id) is not None:
        enforce(package_id)  # a hold whose files need no content check is lifted here


def enqueue_checks(package_id: str, files: int = 1) -> None:
    """Queue the deferred after-save work of a saved dataset with ``files`` tabular files."""
    tk.enqueue_job(
        territorio_dataset_checks,
        [package_id],
        title=f"territorio: validaciones del conjunto {package_id}",
        queue=QUEUE,
        rq_kwargs={"timeout": (config.policy_timeout() + 120) * (max(1, files) + 1)},
    )


def queued_checks() -> set[str]:
    """Datasets whose deferred checks' job is in the ``territorio`` queue or running now."""
    from ckan.lib import jobs as ckan_jobs
    from rq.job import Job

    queue = ckan_jobs.get_queue(QUEUE)
    ids = [*queue.get_job_ids(), *queue.started_job_registry.get_job_ids()]
    name = f"{__name__}.{territorio_dataset_checks.__name__}"
    found = Job.fetch_many(ids, connection=queue.connection) if ids else []
    return {str(job.args[0]) for job in found if job is not None and job.func_name == name and job.args}


def package_files(package_id: str) -> int:
    """How many active resources the dataset has (the job's timeout grows with them)."""
    return int(
        model.Session.query(model.Resource)
        .filter(model.Resource.package_id == package_id, model.Resource.state == "active")
        .count()
    )


def run_now(jobs: Iterable[tuple[str, str]]) -> None:
    """Run the content and DCAT-AP checks ``service.dataset_saved`` asked for, one by one."""
    functions = {"content": territorio_validate_resource, "dcat": territorio_validate_dcat}
    for kind, report_id in jobs:
        try:
            functions[kind](report_id)
        except Exception:
            # the report is closed as failed; the next check goes on
            log.exception("Validación %s %s falló", kind, report_id)
            model.Session.rollback()


def enqueue(jobs: Iterable[tuple[str, str]]) -> None:
    """Queue the content and DCAT-AP checks ``service.dataset_saved`` asked for."""
    functions = {"content": territorio_validate_resource, "dcat": territorio_validate_dcat}
    for kind, report_id in jobs:
        tk.enqueue_job(
            functions[kind],
            [report_id],
            title=f"territorio: validación {kind} {report_id}",
            queue=QUEUE,
            rq_kwargs={"timeout": config.policy_timeout() + 120},
        )
