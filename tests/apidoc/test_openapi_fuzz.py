"""A bounded schemathesis run of the OpenAPI description against the portal's WSGI app (real
PostgreSQL, Redis and plugins, in process): no generated input gets a server error."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

pytestmark = pytest.mark.usefixtures("with_plugins")

api_schema = schemathesis.pytest.from_fixture("wsgi_schema")


@pytest.fixture
def wsgi_schema(app):
    schema = schemathesis.openapi.from_wsgi("/api/territorio/openapi.json", app.flask_app)
    # the live stream holds its connection open by design; its errors are tested in tests/timeseries
    return schema.exclude(path_regex=r"/api/territorio/stream/")


@api_schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_input_gets_a_server_error(case):
    response = case.call()
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:500]}"
