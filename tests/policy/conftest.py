"""Policy fixtures: editable copies of the policy, a job runner, a local HTTP server, files."""
from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from policy_files import SCHEMAS
from servers import serving_folder


@pytest.fixture
def policy_copy(tmp_path: Path) -> Callable[..., Path]:
    """A copy of schemas/policy.yaml (and its SHACL shapes) with text replaced; its path."""

    def make(*replacements: tuple[str, str]) -> Path:
        target = tmp_path / "schemas"
        if not target.exists():
            target.mkdir()
            if (SCHEMAS / "shacl").is_dir():
                shutil.copytree(SCHEMAS / "shacl", target / "shacl")
        text = (SCHEMAS / "policy.yaml").read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new, 1)
        path = target / "policy.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return make


@pytest.fixture
def run_jobs(with_test_worker, clean_queues) -> Callable[[], None]:
    """Run every queued job of the ``territorio`` queue now, in this process (RQ burst mode)."""
    from ckan.lib import jobs

    def run() -> None:
        jobs.Worker(["territorio"]).work(burst=True)

    return run


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local HTTP server for linked resources: (base URL, folder it serves)."""
    root = tmp_path / "www"
    root.mkdir()
    with serving_folder(root) as base:
        yield base, root
