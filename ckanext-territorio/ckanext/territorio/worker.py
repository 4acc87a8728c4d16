"""A jobs worker that runs each job in its own process, without a fork and a ``load_environment``
per job (``ckan territorio jobs worker``).

Why: CKAN 2.12's ``ckan.lib.jobs.Worker`` is rq's forking worker whose work horse calls
``load_environment`` (every plugin loaded again, ``update_config`` run again) after each fork:
2–3 s a job on a busy 2-core machine, more than the deferred checks of a dataset themselves.

What is kept from CKAN's worker (this class subclasses it): its queues and log lines, the
exception of a failed job logged and the job moved to the failed registry without stopping the
worker (rq's ``perform_job`` catches everything), and the database session removed and the
engine disposed after every job (CKAN's ``perform_job``). The job's timeout is rq's own
``death_penalty_class`` (SIGALRM in the process), the same mechanism a forked work horse uses
first; what is lost is the parent's back-stop, which kills a horse still running 60 s past its
timeout (a job stuck inside C code that never returns to Python). The runtime-editable config
(``config_option_update``) is read before each job, as gunicorn does before each request.
``IForkObserver.before_fork`` is not called, there being no fork: the DataStore's engines stay
pooled between jobs, as they do between gunicorn's requests.
``max_jobs`` lets the supervisor restart the process now and then, so nothing a job leaks
accumulates for ever.
"""
from __future__ import annotations

import logging
from typing import Any

from ckan.lib import jobs
from ckan.model import meta
from rq.defaults import DEFAULT_WORKER_TTL
from rq.job import Job
from rq.queue import Queue
from rq.worker import WorkerStatus

log = logging.getLogger(__name__)

__all__ = ["InProcessWorker"]


class InProcessWorker(jobs.Worker):
    """CKAN's worker with rq's ``SimpleWorker`` semantics: jobs run in this process, one by one."""

    def execute_job(self, job: Job, queue: Queue, *args: Any, **kwargs: Any) -> None:
        """Run the job here (no fork), with a clean session before and after it."""
        from ckan.lib import app_globals

        meta.Session.remove()  # nothing of the previous job (or of start-up) leaks into this one
        try:
            app_globals.app_globals._check_uptodate()
        except Exception:
            log.exception("No se pudo leer la configuración editable antes del trabajo %s", job.id)
            meta.Session.remove()
        title = (job.meta or {}).get("title")
        label = f"{job.id} ({title})" if title else job.id
        origin = jobs.remove_queue_name_prefix(job.origin)
        log.info('Worker %s starts job %s from queue "%s"', self.key, label, origin)
        self.prepare_execution(job)
        self.perform_job(job, queue)  # CKAN's: the session removed, the engine disposed after
        self.set_state(WorkerStatus.IDLE)
        log.info('Worker %s has finished job %s from queue "%s"', self.key, label, origin)

    def get_heartbeat_ttl(self, job: Job) -> int:
        """No parent beats while the job runs: the worker's key must outlive the job's timeout."""
        if job.timeout == -1:
            return DEFAULT_WORKER_TTL
        return int(job.timeout or DEFAULT_WORKER_TTL) + 60
