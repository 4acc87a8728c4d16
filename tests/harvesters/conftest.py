"""Harvester fixtures: fake sources on 127.0.0.1 (allow-listed), sources, jobs and the DataStore."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from harvest_fakes import FakeServer


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    server = FakeServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def organization() -> dict[str, Any]:
    return factories.Organization(name="municipalidad-de-temuco", title="Municipalidad de Temuco")


@pytest.fixture
def sysadmin() -> dict[str, Any]:
    return factories.Sysadmin()


@pytest.fixture
def make_source(organization: dict[str, Any], sysadmin: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """harvest_source_create through the action API, as an operator would."""

    def make(source_type: str, url: str, config: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
        settings = {"region": ["CL-AR"], "comuna": ["09101"]} if config is None else config
        return call_action(
            "harvest_source_create",
            context={"user": sysadmin["name"]},
            name=extra.pop("name", f"fuente-{source_type}".replace("_", "-")),
            title=extra.pop("title", f"Fuente {source_type}"),
            url=url,
            source_type=source_type,
            owner_org=organization["id"],
            config=json.dumps(settings),
            **extra,
        )

    return make


@pytest.fixture
def run_job() -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A whole job through ckanext-harvest's stages (queue.gather_stage, fetch_and_import_stages)."""
    from ckanext.harvest.model import HarvestSource
    from ckanext.harvest.queue import get_harvester
    from ckanext.harvest.tests.factories import HarvestJobObj
    from ckanext.harvest.tests.lib import run_harvest_job

    def run(source: dict[str, Any]) -> dict[str, Any]:
        source_obj = HarvestSource.get(source["id"])
        job = HarvestJobObj(source=source_obj, run=False)
        results = run_harvest_job(job, get_harvester(source["source_type"]))
        report = call_action("harvest_job_report", id=job.id)
        shown = call_action("harvest_job_show", id=job.id)
        return {"job": shown, "results": results, "report": report}

    return run
