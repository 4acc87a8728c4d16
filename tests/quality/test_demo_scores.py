"""`ckan territorio demo load` scores the catalogue at the end, so the quality pages show numbers."""
from __future__ import annotations

import pytest
from ckan import model
from ckan.cli.cli import ckan
from ckan.tests.helpers import call_action
from factories import territorial_schemas

from ckanext.territorio.demo import load_catalog
from ckanext.territorio.model.quality import QualityRun, QualityScore

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues"),
]


def test_the_demo_load_ends_with_a_batch_scoring(cli):
    result = cli.invoke(ckan, ["territorio", "demo", "load"])

    assert result.exit_code == 0, result.output
    datasets = len(load_catalog().conjuntos)
    assert f"Calidad: {datasets} conjuntos puntuados" in result.output
    assert model.Session.query(QualityScore).count() == datasets
    run = model.Session.query(QualityRun).one()
    assert (run.status, run.datasets) == ("finished", datasets)
    by_region = call_action("territorio_quality_summary", group_by="region")
    assert {"CL-RM", "CL-AR", "CL-BI", "CL-NB", "CL-AN", "CL-VS"} <= {g["key"] for g in by_region["groups"]}
    assert all(g["mean_points"] > 0 for g in by_region["groups"])
    assert len(call_action("territorio_quality_trend")["points"]) == 1
