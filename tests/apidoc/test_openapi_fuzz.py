"""A bounded schemathesis run of the OpenAPI description against the portal's WSGI app (real
PostgreSQL, Redis and plugins, in process): no generated input gets a server error.

schemathesis's pytest plugin is not loaded for the suite (``-p no:schemathesis`` in pyproject's
addopts: it rewrites collection and reporting for every test); this test drives hypothesis
directly with each operation's strategy, derandomized and with few examples, so it is
deterministic and takes seconds."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

pytestmark = pytest.mark.usefixtures("with_plugins")

EXAMPLES_PER_OPERATION = 8


def test_no_generated_input_gets_a_server_error(app):
    schema = schemathesis.openapi.from_wsgi("/api/territorio/openapi.json", app.flask_app)
    # the live stream holds its connection open by design; its errors are tested in tests/timeseries
    schema = schema.exclude(path_regex=r"/api/territorio/stream/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5, "the description lost its operations"
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None,
                  database=None, suppress_health_check=list(HealthCheck))
        def check(case) -> None:
            response = case.call()
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.text[:300]}")

        check()
    assert not failures, "\n".join(failures)
