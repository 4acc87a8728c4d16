"""The policy-auditor role: reads every organization's reports, writes nothing."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action, call_auth
from factories import TerritorialDataset, territorial_schemas

from ckanext.territorio import auditors

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_queues"),
]


@pytest.fixture
def private_dataset() -> dict:
    """A private dataset of an organization the auditor does not belong to."""
    return TerritorialDataset(private=True, tag_string="aire")


def test_a_sysadmin_grants_and_withdraws_the_role(sysadmin):
    user = ckan_factories.User()
    context = {"user": sysadmin["name"]}

    granted = call_action("territorio_auditor_update", context=dict(context), user=user["name"], auditor=True)

    assert granted == {"user": user["name"], "auditor": True}
    model.Session.expire_all()
    assert model.User.get(user["name"]).plugin_extras == {"territorio": {"auditor": True}}
    assert [u.name for u in auditors.auditors()] == [user["name"]]

    call_action("territorio_auditor_update", context=dict(context), user=user["id"], auditor=False)

    model.Session.expire_all()
    assert not auditors.flag_of(model.User.get(user["name"]))
    assert auditors.auditors() == []


def test_the_role_keeps_other_plugin_extras(sysadmin):
    user = ckan_factories.User(plugin_extras={"otro": {"x": 1}})

    call_action("territorio_auditor_update", context={"user": sysadmin["name"]}, user=user["name"], auditor=True)

    model.Session.expire_all()
    assert model.User.get(user["name"]).plugin_extras == {"otro": {"x": 1}, "territorio": {"auditor": True}}


def test_only_sysadmins_manage_auditors(auditor):
    org_admin = ckan_factories.User()
    ckan_factories.Organization(users=[{"name": org_admin["name"], "capacity": "admin"}])

    for user in (org_admin, auditor):
        with pytest.raises(tk.NotAuthorized):
            call_auth("territorio_auditor_manage", {"user": user["name"]})
        with pytest.raises(tk.NotAuthorized):
            call_action(
                "territorio_auditor_update", context={"user": user["name"], "ignore_auth": False},
                user=user["name"], auditor=True,
            )


def test_bad_auditor_parameters(sysadmin):
    context = {"user": sysadmin["name"]}
    with pytest.raises(tk.ValidationError) as caught:
        call_action("territorio_auditor_update", context=dict(context), user="")
    assert set(caught.value.error_dict) == {"user", "auditor"}
    with pytest.raises(tk.ObjectNotFound):
        call_action("territorio_auditor_update", context=dict(context), user="nadie", auditor=True)


def test_an_auditor_reads_the_quality_and_reports_of_private_datasets(auditor, private_dataset):
    stranger = ckan_factories.User()
    package_id = private_dataset["id"]

    assert call_auth("territorio_quality_show", {"user": auditor["name"]}, id=package_id)
    assert call_auth("territorio_validation_show", {"user": auditor["name"]}, package_id=package_id)
    assert call_auth("territorio_quality_dashboard", {"user": auditor["name"]})
    assert call_auth("territorio_quality_summary", {"user": auditor["name"]}, include_private=True)
    for user in (stranger["name"], ""):
        for auth, params in (
            ("territorio_quality_show", {"id": package_id}),
            ("territorio_validation_show", {"package_id": package_id}),
            ("territorio_quality_dashboard", {}),
            ("territorio_quality_summary", {"include_private": True}),
        ):
            with pytest.raises(tk.NotAuthorized):
                call_auth(auth, {"user": user}, **params)

    shown = call_action(
        "territorio_quality_show", context={"user": auditor["name"], "ignore_auth": False}, id=package_id
    )
    assert shown["private"] is True and shown["points"] > 0
    report = call_action(
        "territorio_validation_show", context={"user": auditor["name"], "ignore_auth": False},
        package_id=package_id,
    )
    assert report["package_id"] == package_id and report["metadata"]["kind"] == "metadata"


@pytest.mark.parametrize(
    ("auth", "params"),
    [
        ("package_update", lambda d: {"id": d["id"]}),
        ("package_patch", lambda d: {"id": d["id"]}),
        ("package_delete", lambda d: {"id": d["id"]}),
        ("package_create", lambda d: {"owner_org": d["owner_org"], "name": "otro"}),
        ("resource_create", lambda d: {"package_id": d["id"], "url": "http://x.example/a.csv"}),
        ("resource_update", lambda d: {"id": d["resources"][0]["id"]}),
        ("organization_update", lambda d: {"id": d["owner_org"]}),
        ("organization_member_create", lambda d: {"id": d["owner_org"]}),
        ("territorio_validation_accept", lambda d: {"resource_id": d["resources"][0]["id"]}),
        ("territorio_validation_run", lambda d: {"resource_id": d["resources"][0]["id"]}),
        ("territorio_auditor_manage", lambda d: {}),
    ],
)
def test_an_auditor_writes_nothing(auditor, private_dataset, auth: str, params):
    with pytest.raises(tk.NotAuthorized):
        call_auth(auth, {"user": auditor["name"]}, **params(private_dataset))


def test_an_auditor_update_through_the_api_is_refused(app, auditor, private_dataset):
    token = call_action("api_token_create", context={"user": auditor["name"]}, user=auditor["name"], name="t")["token"]

    response = app.post(
        "/api/3/action/package_patch",
        json={"id": private_dataset["id"], "title": "Cambiado"},
        headers={"Authorization": token},
        status=403,
    )

    assert response.json["success"] is False
    assert call_action("package_show", id=private_dataset["id"])["title"] == "Calidad del aire en Temuco"


def test_the_template_helper_knows_auditors_and_sysadmins(app, auditor, sysadmin):
    from flask_login import login_user, logout_user

    plain = ckan_factories.User()
    expected = {auditor["name"]: True, sysadmin["name"]: True, plain["name"]: False}
    with app.flask_app.test_request_context():
        assert tk.h.territorio_is_auditor() is False  # anonymous
        for name, value in expected.items():
            login_user(model.User.get(name))
            assert tk.h.territorio_is_auditor() is value, name
            logout_user()
