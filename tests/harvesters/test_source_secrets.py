"""Harvest source secrets are write-only: never shown, indexed or exported; sent when harvesting."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action
from harvest_fakes import CKANPortal, OpenAQService, ckan_package, openaq_locations
from harvest_helpers import PLUGINS, harvest_marks

from ckanext.territorio.model.source_secret import secrets_of
from ckanext.territorio.secrets.keys import MASK
from ckanext.territorio.secrets.migrate import move_plain_secrets

KEY = "clave-secreta-7f3a9c2e"
CONFIG = {"region": ["CL-AR"], "api_key": KEY, "bbox": [-73.0, -39.0, -72.0, -38.0],
          "start": "2024-06-01T00:00:00Z", "page_size": 20}

pytestmark = [*harvest_marks, pytest.mark.ckan_config("ckan.plugins", f"{PLUGINS} territorio_ckan_harvester")]


@pytest.fixture
def editor(organization):
    user = factories.User()
    call_action("organization_member_create", id=organization["id"], username=user["name"], role="editor")
    return user


@pytest.fixture
def openaq(fake_server):
    return OpenAQService(fake_server, openaq_locations(), api_key=KEY)


def answers(source, user):
    """Everything the API tells ``user`` about the harvest source, as one text."""
    context = {"user": user, "ignore_auth": False}
    shown = [
        call_action("harvest_source_show", context=dict(context), id=source["id"]),
        call_action("harvest_source_list", context=dict(context)),
        call_action("package_show", context=dict(context), id=source["id"]),
        call_action("package_search", context=dict(context), q="*:*", fq="+dataset_type:harvest",
                    include_private=True),
        call_action("package_search", context=dict(context), q=KEY, fq="+dataset_type:harvest"),
    ]
    return json.dumps(shown, ensure_ascii=False)


def sent_keys(fake_server):
    return {r.headers.get("x-api-key") for r in fake_server.requests_to("/v3/")}


def stored_configs(source_id):
    connection = model.Session.connection()
    source = connection.execute(sa.text("SELECT config FROM harvest_source WHERE id = :id"), {"id": source_id}).scalar()
    extra = connection.execute(sa.text("SELECT extras ->> 'config' FROM package WHERE id = :id"), {"id": source_id}).scalar()
    return source, extra


class TestNeverShown:
    def test_anonymous_callers_never_get_the_key(self, openaq, make_source):
        source = make_source("openaq", openaq.url, CONFIG)
        assert KEY not in answers(source, "")

    def test_editors_see_the_mask_instead_of_the_key(self, openaq, make_source, editor):
        source = make_source("openaq", openaq.url, CONFIG)
        assert KEY not in answers(source, editor["name"])
        shown = call_action("harvest_source_show", context={"user": editor["name"], "ignore_auth": False}, id=source["id"])
        assert json.loads(shown["config"])["api_key"] == MASK

    def test_the_create_answer_and_the_index_hold_the_mask(self, openaq, make_source):
        source = make_source("openaq", openaq.url, CONFIG)
        assert json.loads(source["config"])["api_key"] == MASK
        indexed = call_action("package_search", q="*:*", fq="+dataset_type:harvest")["results"][0]
        assert json.loads(indexed["config"])["api_key"] == MASK

    def test_the_config_stored_by_ckanext_harvest_has_no_key(self, openaq, make_source):
        source = make_source("openaq", openaq.url, CONFIG)
        harvest_source, package_extra = stored_configs(source["id"])
        assert "api_key" not in json.loads(harvest_source) and "api_key" not in json.loads(package_extra)
        assert secrets_of(source["id"]) == {"api_key": KEY}

    def test_the_about_and_edit_pages_never_contain_the_key(self, app, openaq, make_source, editor):
        source = make_source("openaq", openaq.url, CONFIG)
        token = factories.APIToken(user=editor["name"])["token"]
        about = app.get(f"/harvest/about/{source['name']}")
        assert about.status_code == 200 and KEY not in about.body
        edit = app.get(f"/harvest/edit/{source['name']}", headers={"Authorization": token})
        assert edit.status_code == 200 and KEY not in edit.body
        assert MASK in edit.body


    def test_the_activity_stream_never_holds_the_key(self, openaq, make_source, sysadmin):
        source = make_source("openaq", openaq.url, CONFIG)
        call_action("harvest_source_patch", context={"user": sysadmin["name"]}, id=source["id"],
                    config=json.dumps(dict(CONFIG, api_key="otra-clave-9b1d")))
        activities = call_action("package_activity_list", id=source["id"], include_hidden_activity=True)
        assert activities and KEY not in json.dumps(activities) and "otra-clave-9b1d" not in json.dumps(activities)

    def test_purging_the_source_forgets_its_secrets(self, openaq, make_source, sysadmin):
        source = make_source("openaq", openaq.url, CONFIG)
        call_action("dataset_purge", context={"user": sysadmin["name"]}, id=source["id"])
        assert secrets_of(source["id"]) == {}


class TestSentWhenHarvesting:
    def test_the_run_sends_the_stored_key(self, fake_server, openaq, make_source, run_job):
        run_job(make_source("openaq", openaq.url, CONFIG))
        assert sent_keys(fake_server) == {KEY}

    def test_an_update_without_the_key_keeps_it(self, fake_server, openaq, make_source, run_job, sysadmin):
        source = make_source("openaq", openaq.url, CONFIG)
        config = {k: v for k, v in CONFIG.items() if k != "api_key"}
        updated = call_action("harvest_source_patch", context={"user": sysadmin["name"]}, id=source["id"],
                              config=json.dumps(dict(config, page_size=10)))
        assert json.loads(updated["config"])["page_size"] == 10
        assert secrets_of(source["id"]) == {"api_key": KEY}
        run_job(updated)
        assert sent_keys(fake_server) == {KEY}

    def test_an_update_that_sends_back_the_mask_keeps_the_key(self, openaq, make_source, sysadmin):
        source = make_source("openaq", openaq.url, CONFIG)
        call_action("harvest_source_patch", context={"user": sysadmin["name"]}, id=source["id"],
                    config=json.dumps(dict(CONFIG, api_key=MASK)))
        assert secrets_of(source["id"]) == {"api_key": KEY}

    def test_a_new_key_replaces_the_stored_one(self, openaq, make_source, sysadmin):
        source = make_source("openaq", openaq.url, CONFIG)
        call_action("harvest_source_patch", context={"user": sysadmin["name"]}, id=source["id"],
                    config=json.dumps(dict(CONFIG, api_key="otra-clave")))
        assert secrets_of(source["id"]) == {"api_key": "otra-clave"}

    def test_a_caller_who_may_not_edit_the_source_changes_no_key(self, openaq, make_source):
        from ckan.logic import NotAuthorized

        source = make_source("openaq", openaq.url, CONFIG)
        outsider = factories.User()
        shown = call_action("package_show", id=source["id"])
        with pytest.raises(NotAuthorized):
            call_action("package_update", context={"user": outsider["name"], "ignore_auth": False},
                        **dict(shown, config=json.dumps(dict(CONFIG, api_key=""))))
        model.Session.rollback()
        assert secrets_of(source["id"]) == {"api_key": KEY}

    def test_an_empty_key_removes_it(self, fake_server, openaq, make_source, run_job, sysadmin):
        source = make_source("openaq", openaq.url, CONFIG)
        updated = call_action("harvest_source_patch", context={"user": sysadmin["name"]}, id=source["id"],
                              config=json.dumps(dict(CONFIG, api_key="")))
        assert secrets_of(source["id"]) == {}
        assert "api_key" not in json.loads(updated["config"])
        indexed = call_action("package_search", q="*:*", fq="+dataset_type:harvest")["results"][0]
        assert "api_key" not in json.loads(indexed["config"])
        result = run_job(updated)
        assert sent_keys(fake_server) == {None}
        (error,) = result["report"]["gather_errors"]
        assert "401" in error["message"]

    def test_a_ckan_catalog_gets_the_key_as_authorization(self, fake_server, make_source, run_job):
        portal = CKANPortal(fake_server, [ckan_package("a1", "Puntos limpios", ["reciclaje"])])
        source = make_source("ckan", portal.url, {"region": ["CL-BI"], "api_key": KEY})
        assert KEY not in answers(source, "")
        run_job(source)
        requests = fake_server.requests_to("/api/3/action/package_search")
        assert requests and {r.headers.get("authorization") for r in requests} == {KEY}


class TestMigration:
    def test_a_plain_key_already_in_a_config_is_moved_to_the_table(self, fake_server, openaq, make_source, run_job):
        public = {k: v for k, v in CONFIG.items() if k != "api_key"}
        source = make_source("openaq", openaq.url, public)
        plain = json.dumps(CONFIG)
        connection = model.Session.connection()
        connection.execute(sa.text("UPDATE harvest_source SET config = :c WHERE id = :id"), {"c": plain, "id": source["id"]})
        connection.execute(
            sa.text("UPDATE package SET extras = jsonb_set(extras, '{config}', to_jsonb(CAST(:c AS text))) WHERE id = :id"),
            {"c": plain, "id": source["id"]},
        )
        model.Session.commit()
        assert move_plain_secrets(model.Session.connection()) == [source["id"]]
        model.Session.commit()
        harvest_source, package_extra = stored_configs(source["id"])
        assert KEY not in harvest_source and KEY not in package_extra
        assert json.loads(harvest_source)["bbox"] == CONFIG["bbox"]
        assert secrets_of(source["id"]) == {"api_key": KEY}
        run_job(source)
        assert sent_keys(fake_server) == {KEY}

    def test_a_plain_key_recorded_by_the_activity_stream_is_removed(self, openaq, make_source):
        source = make_source("openaq", openaq.url, CONFIG)
        connection = model.Session.connection()
        (activity_id, data) = connection.execute(
            sa.text("SELECT id, data FROM activity WHERE object_id = :id LIMIT 1"), {"id": source["id"]}
        ).one()
        record = json.loads(data) if isinstance(data, str) else data
        record["package"]["config"] = json.dumps(CONFIG)
        connection.execute(sa.text("UPDATE activity SET data = :d WHERE id = :id"), {"d": json.dumps(record), "id": activity_id})
        model.Session.commit()
        move_plain_secrets(model.Session.connection())
        model.Session.commit()
        activities = call_action("package_activity_list", id=source["id"], include_hidden_activity=True)
        assert KEY not in json.dumps(activities)

    def test_the_command_moves_the_key_and_rebuilds_the_index(self, cli, openaq, make_source):
        from ckan.cli.cli import ckan as ckan_command

        source = make_source("openaq", openaq.url, {k: v for k, v in CONFIG.items() if k != "api_key"})
        plain = json.dumps(CONFIG)
        connection = model.Session.connection()
        connection.execute(sa.text("UPDATE harvest_source SET config = :c WHERE id = :id"), {"c": plain, "id": source["id"]})
        connection.execute(
            sa.text("UPDATE package SET extras = jsonb_set(extras, '{config}', to_jsonb(CAST(:c AS text))) WHERE id = :id"),
            {"c": plain, "id": source["id"]},
        )
        model.Session.commit()
        result = cli.invoke(ckan_command, ["territorio", "harvest-secrets", "migrate"])
        assert result.exit_code == 0, result.output
        assert "Claves movidas en 1 fuente(s)" in result.output
        assert secrets_of(source["id"]) == {"api_key": KEY}
        assert KEY not in answers(source, "")
        shown = call_action("package_search", q="*:*", fq="+dataset_type:harvest")["results"][0]
        assert json.loads(shown["config"])["api_key"] == MASK

    def test_a_second_run_moves_nothing(self, openaq, make_source):
        make_source("openaq", openaq.url, CONFIG)
        assert move_plain_secrets(model.Session.connection()) == []
