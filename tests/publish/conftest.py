"""Publishing fixtures: the deferred checks switched on, a job runner, a publisher, linked files."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ckan.tests import factories as ckan_factories
from servers import serving_folder

DATA = Path(__file__).resolve().parents[1] / "data" / "policy"


@pytest.fixture
def run_jobs(with_test_worker, clean_queues) -> Callable[[], int]:
    """Run every queued job of the ``territorio`` queue in this process; how many ran."""
    from ckan.lib import jobs

    def run() -> int:
        queue = jobs.get_queue("territorio")
        before = queue.finished_job_registry.count + queue.failed_job_registry.count
        jobs.Worker(["territorio"]).work(burst=True)
        return queue.finished_job_registry.count + queue.failed_job_registry.count - before

    return run


@pytest.fixture
def publisher() -> dict:
    """A municipality with an editor who publishes through the API."""
    editor = ckan_factories.User()
    org = ckan_factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    return {"org": org, "editor": editor, "context": {"user": editor["name"]}}


@pytest.fixture
def linked_file(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Serve a sample of tests/data/policy over local HTTP: its URL."""
    root = tmp_path / "www"
    root.mkdir()
    with serving_folder(root) as base:

        def serve(name: str) -> str:
            (root / name).write_bytes((DATA / name).read_bytes())
            return f"{base}/{name}"

        yield serve
