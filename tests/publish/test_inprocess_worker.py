"""`ckan territorio jobs worker`: jobs run in the worker's own process, one after another, a failing
or timed-out job logged and the next one run, a clean database session for each."""
from __future__ import annotations

import logging
import os
import threading

import pytest
from ckan import model
from ckan.cli.cli import ckan
from ckan.lib import jobs

from ckanext.territorio.worker import InProcessWorker

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_queues")

QUEUE = "territorio_worker_test"
ran: list[tuple[str, int, bool]] = []  # (job, process id, saw the previous job's session)


def remember(name: str) -> None:
    """A job: note this process and whether the session still holds what the last job left."""
    ran.append((name, os.getpid(), "territorio_left_over" in model.Session.info))
    model.Session.info["territorio_left_over"] = name


def fail(name: str) -> None:
    """A job that raises."""
    ran.append((name, os.getpid(), False))
    raise RuntimeError(f"falla a propósito: {name}")


def hang() -> None:
    """A job that would wait for a minute: its one-second timeout stops it."""
    threading.Event().wait(60)


@pytest.fixture(autouse=True)
def _forget() -> None:
    ran.clear()


def status_of(job_id: str) -> str:
    return str(jobs.job_from_id(job_id).get_status().value)


def enqueue(function, *args, timeout: int = 30) -> str:
    return jobs.enqueue(function, list(args), queue=QUEUE, rq_kwargs={"timeout": timeout}).id


def test_two_jobs_run_in_the_worker_process_with_a_fresh_session_each():
    ids = [enqueue(remember, "primero"), enqueue(remember, "segundo")]

    InProcessWorker([QUEUE]).work(burst=True)

    assert ran == [("primero", os.getpid(), False), ("segundo", os.getpid(), False)]
    assert [status_of(i) for i in ids] == ["finished", "finished"]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_a_failing_job_is_logged_and_the_next_one_runs(monkeypatch):
    failed = enqueue(fail, "roto")
    after = enqueue(remember, "después")
    records = _Records()  # test.ini's logging config disables the loggers made before it ran
    logger = logging.getLogger("ckan.lib.jobs")
    monkeypatch.setattr(logger, "disabled", False)
    logger.addHandler(records)

    try:
        InProcessWorker([QUEUE]).work(burst=True)
    finally:
        logger.removeHandler(records)

    assert [name for name, _, _ in ran] == ["roto", "después"]
    assert (status_of(failed), status_of(after)) == ("failed", "finished")
    assert "falla a propósito: roto" in jobs.job_from_id(failed).exc_info
    assert any(f"Job {failed} on worker" in m and "falla a propósito" in m for m in records.messages), records.messages


def test_a_job_past_its_timeout_is_stopped_and_the_worker_goes_on():
    slow = enqueue(hang, timeout=1)
    enqueue(remember, "después")

    InProcessWorker([QUEUE]).work(burst=True)

    assert [name for name, _, _ in ran] == ["después"]
    assert "JobTimeoutException" in jobs.job_from_id(slow).exc_info


def test_the_command_runs_the_queued_jobs(cli):
    enqueue(remember, "por la línea de comandos")

    result = cli.invoke(ckan, ["territorio", "jobs", "worker", "--burst", QUEUE])

    assert result.exit_code == 0, result.output
    assert ran == [("por la línea de comandos", os.getpid(), False)]
