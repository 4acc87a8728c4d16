"""Purging a dataset removes what our tables hold about it (reports, hold, score, history,
link checks), and deleting one does not."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas

from ckanext.territorio.model.quality import LinkCheck, QualityHistory, QualityScore
from ckanext.territorio.model.validation import PublicationHold, ValidationReport
from ckanext.territorio.policy import store as policy_store

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_queues"),
]

TABLES = (ValidationReport, PublicationHold, QualityScore, QualityHistory, LinkCheck)


def rows_about(package_id: str) -> dict[str, int]:
    return {
        table.__tablename__: model.Session.execute(
            sa.select(sa.func.count()).select_from(table.__table__).where(
                table.__table__.c.package_id == package_id
            )
        ).scalar_one()
        for table in TABLES
    }


def a_dataset_with_everything() -> dict:
    dataset = TerritorialDataset()
    policy_store.hold(dataset["id"], "harvest")
    model.Session.add(
        LinkCheck(
            package_id=dataset["id"],
            resource_id=dataset["resources"][0]["id"],
            url=dataset["resources"][0]["url"],
            ok=True,
            outcome="ok",
            checked_at=dt.datetime.now(dt.UTC),
        )
    )
    model.Session.commit()
    return dataset


def test_purging_by_name_removes_every_row_about_the_dataset():
    dataset = a_dataset_with_everything()
    other = TerritorialDataset()
    before = rows_about(dataset["id"])
    assert all(before.values()), before  # the dataset really had a row in each table

    call_action("dataset_purge", context={"user": ckan_factories.Sysadmin()["name"]}, id=dataset["name"])

    assert rows_about(dataset["id"]) == dict.fromkeys(before, 0)
    assert rows_about(other["id"])["territorio_quality_score"] == 1  # others untouched


def test_deleting_keeps_the_reports_and_history():
    dataset = a_dataset_with_everything()

    call_action("package_delete", context={"user": ckan_factories.Sysadmin()["name"]}, id=dataset["id"])

    kept = rows_about(dataset["id"])
    assert kept["territorio_validation_report"] > 0 and kept["territorio_quality_history"] > 0
    assert kept["territorio_quality_score"] == 0  # the standing score leaves with the dataset
