"""A save whose after-commit checks never ran (the web worker died) is found and checked by the
scheduler's reconciler: metadata report, content check queued, quality score."""
from __future__ import annotations

import datetime as dt

import pytest
from ckan import model
from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas

from ckanext.territorio import reconcile
from ckanext.territorio.policy import store as policy_store
from ckanext.territorio.quality import store as quality_store

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues"),
]



def later() -> dt.datetime:
    """An hour from now, past both grace periods (taken per test: the whole suite runs longer
    than the link grace, so a time fixed when the module is collected would not be past it)."""
    return dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)


def saved_without_checks() -> str:
    """A dataset committed as a crashed request leaves it: the listeners never ran."""
    org = ckan_factories.Organization()
    context = {"user": ckan_factories.Sysadmin()["name"], "defer_commit": True}
    dataset = call_action("package_create", context=context, **TerritorialDataset.stub(owner_org=org["id"]).__dict__)
    model.Session.commit()
    return dataset["id"]


def test_a_dataset_the_listeners_missed_is_found_and_checked():
    missed = saved_without_checks()
    checked = TerritorialDataset()["id"]
    assert policy_store.latest_dataset(missed, "metadata") is None
    assert quality_store.get(missed) is None

    assert reconcile.unchecked(later()) == [missed]
    assert reconcile.run(later()) == [missed]

    assert policy_store.latest_dataset(missed, "metadata") is not None
    assert policy_store.latest_for_resources([r.id for r in model.Package.get(missed).resources])
    assert quality_store.get(missed) is not None
    assert checked not in reconcile.unchecked(later())
    assert reconcile.unchecked(later()) == []


def test_a_save_still_within_its_grace_period_is_left_to_its_own_listeners():
    missed = saved_without_checks()

    assert missed not in reconcile.unchecked(dt.datetime.now(dt.UTC))


def test_a_link_check_whose_queueing_was_lost_is_queued_again(monkeypatch):
    import ckan.plugins.toolkit as tk
    from ckan.lib import jobs

    # the module's mark turns link checks off; this test is about them
    monkeypatch.setitem(tk.config, "ckanext.territorio.quality.check_links", True)

    from ckanext.territorio.model.quality import LinkCheck

    dataset = TerritorialDataset(resources=[{"url": "http://datos.temuco.example/mp25.csv", "format": "CSV",
                                             "name": "Mediciones"}])
    jobs.get_queue("territorio").empty()  # what a crash between the score and the queueing leaves
    assert reconcile.unlinked(later()) == [dataset["id"]]
    assert reconcile.unchecked(later()) == []
    assert dataset["id"] not in reconcile.unlinked(dt.datetime.now(dt.UTC))  # within its grace

    assert reconcile.run(later()) == [dataset["id"]]
    titles = [job["title"] for job in call_action("job_list", queues=["territorio"])]
    assert titles == [f"territorio: revisión de enlaces {dataset['id']}"]
    jobs.Worker(["territorio"]).work(burst=True)
    checks = model.Session.query(LinkCheck).filter_by(package_id=dataset["id"]).all()
    assert len(checks) == 1 and checks[0].url == "http://datos.temuco.example/mp25.csv"
    assert reconcile.unlinked(later()) == []
