"""NGSI-LD notifications pushed to an ngsi-ld source: secret, size bound, idempotence."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action
from harvest_fakes import NGSILDBroker, air_quality_entity
from harvest_helpers import PLUGINS, datastore_rows, harvest_marks, observations_resource

from ckanext.territorio.model import notify_secret

START = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)
pytestmark = [*harvest_marks, pytest.mark.ckan_config("ckan.plugins", f"{PLUGINS} territorio_mqtt")]


@pytest.fixture
def harvested(fake_server, make_source, run_job):
    """An ngsi-ld source harvested once: its air-quality dataset holds one reading per series."""
    broker = NGSILDBroker(fake_server, [air_quality_entity("Temuco-01", -72.6, -38.73, 18.0, START)])
    source = make_source("ngsi-ld", broker.url, {"region": ["CL-AR"], "comuna": ["09101"]})
    result = run_job(source)
    (dataset,) = [r["dataset"] for r in result["results"].values() if r.get("dataset")]
    return source, observations_resource(dataset)["id"]


@pytest.fixture
def secret(harvested, sysadmin):
    source, _resource = harvested
    return call_action("territorio_ngsild_notify_secret", context={"user": sysadmin["name"]}, id=source["name"])


def notification(pm25: float, moment: dt.datetime) -> dict:
    entity = air_quality_entity("Temuco-01", -72.6, -38.73, pm25, moment)
    return {"id": "urn:ngsi-ld:Notification:1", "type": "Notification", "subscriptionId": "urn:sub:1",
            "notifiedAt": moment.isoformat(), "data": [entity]}


def post(app, source, body, token=None, **headers):
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return app.post(f"/api/territorio/ngsi-ld/notify/{source['name']}", data=data, headers=headers,
                    content_type="application/ld+json")


class TestNotify:
    def test_the_secret_is_shown_once_and_only_its_hash_kept(self, harvested, secret):
        source, _ = harvested
        assert secret["url"].endswith(f"/api/territorio/ngsi-ld/notify/{source['name']}")
        row = model.Session.get(notify_secret.NotifySecret, source["id"])
        assert row is not None and secret["secret"] not in row.digest
        assert secret["secret"] not in json.dumps(call_action("harvest_source_show", id=source["id"]))

    def test_readings_are_written_and_a_repeat_changes_nothing(self, app, harvested, secret):
        source, resource_id = harvested
        later = START + dt.timedelta(hours=1)
        first = post(app, source, notification(30.0, later), secret["secret"])
        assert first.status_code == 200, first.get_data(as_text=True)
        assert first.json["inserted"] == 2  # pm25 and no2
        again = post(app, source, notification(30.0, later), secret["secret"])
        assert again.json["inserted"] == 0 and again.json["duplicates"] == 2
        rows = datastore_rows(resource_id, variable="pm25")
        assert [(r["value"], r["observed_at"][:13]) for r in rows] == [(18.0, "2026-12-01T10"), (30.0, "2026-12-01T11")]

    @pytest.mark.parametrize("token", [None, "incorrecto"])
    def test_a_wrong_secret_is_refused_and_nothing_written(self, app, harvested, secret, token):
        source, resource_id = harvested
        before = datastore_rows(resource_id)
        response = post(app, source, notification(99.0, START + dt.timedelta(hours=2)), token)
        assert response.status_code == 401
        assert "secreto" in response.json["error"]["message"]
        assert datastore_rows(resource_id) == before

    def test_an_oversized_or_unreadable_body_is_refused(self, app, harvested, secret):
        source, resource_id = harvested
        before = datastore_rows(resource_id)
        big = post(app, source, b"[" + b" " * (1024 * 1024 + 10) + b"]", secret["secret"])
        assert big.status_code == 413
        bad = post(app, source, b"{no es json", secret["secret"])
        assert bad.status_code == 400 and "ilegible" in bad.json["error"]["message"]
        assert datastore_rows(resource_id) == before

    def test_unknown_sources_and_unknown_series(self, app, harvested, secret):
        source, _ = harvested
        missing = app.post("/api/territorio/ngsi-ld/notify/no-existe", data=b"{}")
        assert missing.status_code == 404
        other = notification(5.0, START)
        other["data"][0]["id"] = "urn:ngsi-ld:AirQualityObserved:nueva"
        response = post(app, source, other, secret["secret"])
        assert response.status_code == 200 and response.json["ignored"] == 2 and response.json["inserted"] == 0

    def test_only_editors_create_the_secret(self, harvested):
        source, _ = harvested
        stranger = factories.User()
        from ckan.logic import NotAuthorized

        with pytest.raises(NotAuthorized):
            call_action("territorio_ngsild_notify_secret", context={"user": stranger["name"], "ignore_auth": False},
                        id=source["name"])
