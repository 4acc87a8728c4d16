"""Property tests: no dataset, however malformed, makes the metadata rules raise."""
from __future__ import annotations

import datetime as dt

import ckan.plugins.toolkit as tk
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from policy_files import SCHEMAS

from ckanext.territorio.logic.validators.policy import (
    territorio_access_rights,
    territorio_policy_dataset,
)
from ckanext.territorio.policy.document import load_policy
from ckanext.territorio.policy.metadata import check_metadata

POLICY = load_policy(SCHEMAS / "policy.yaml")
FIELDS = [
    "type", "title", "notes", "owner_org", "license_id", "dimension", "region", "personal_data",
    "access_rights", "private", "contact_email", "temporal_start", "temporal_end", "frequency",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.sampled_from(["personal", "anonymized", "none", "PUBLIC", "NON_PUBLIC", "other-closed",
                     "cc-by", "2024-02-30", "2024-05-01T10:00:00Z", "[]", "true", "dataset"]),
    st.dates().map(dt.date.isoformat),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.text(max_size=5), scalars, max_size=2))
resources = st.lists(
    st.one_of(
        st.dictionaries(st.sampled_from(["format", "url", "name", "id"]), scalars, max_size=4),
        scalars,
    ),
    max_size=4,
)
datasets = st.fixed_dictionaries({}, optional={**{f: values for f in FIELDS}, "resources": resources})


@given(datasets)
def test_the_metadata_engine_never_raises(dataset):
    findings = check_metadata(dataset, POLICY)

    for finding in findings.all():
        assert finding.message["es"] and finding.message["en"]
        assert finding.level in ("error", "warning")


@pytest.mark.usefixtures("with_plugins")
class TestValidatorsOnAnyInput:
    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=200)
    @given(dataset=datasets)
    def test_the_dataset_validator_only_ever_adds_field_errors(self, dataset):
        data = {(k,): v for k, v in dataset.items() if k != "resources"}
        for index, resource in enumerate(dataset.get("resources") or []):
            if isinstance(resource, dict):
                for key, value in resource.items():
                    data[("resources", index, key)] = value
        errors = {key: [] for key in data}
        errors.setdefault(("access_rights",), [])

        territorio_policy_dataset(("__after",), data, errors, {"user": "", "ignore_auth": True})

        for messages in errors.values():
            assert all(isinstance(m, str) and "[" in m for m in messages)

    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(value=scalars)
    def test_the_access_rights_validator_never_raises(self, value):
        try:
            result = territorio_access_rights(value, {})
        except tk.Invalid:  # the only failure a validator may report
            return
        assert result in (value, None, "") or isinstance(result, str)
