"""Which harvest config keys are secrets, and what a write asks of them (plain functions)."""
from __future__ import annotations

import json

import pytest

from ckanext.territorio.secrets import keys


@pytest.mark.parametrize("name", ["api_key", "apikey", "password", "token", "access_token", "client_secret", "ssh_key"])
def test_secret_names_are_recognised(name):
    assert keys.is_secret(name)


@pytest.mark.parametrize("name", ["region", "bbox", "tenant", "keywords", "max_pages", "monkey"])
def test_ordinary_names_are_not_secrets(name):
    assert not keys.is_secret(name)


def test_split_moves_secrets_out_and_reads_mask_and_empty_values():
    public, changes = keys.split({"region": ["CL-AR"], "api_key": " k ", "token": keys.MASK, "password": ""})
    assert public == {"region": ["CL-AR"]}
    assert changes == {"api_key": "k", "password": None}


def test_a_secret_that_is_not_a_text_is_refused():
    with pytest.raises(ValueError, match="api_key"):
        keys.split({"api_key": 42})


def test_masked_hides_plain_secrets_and_shows_stored_ones():
    shown = json.loads(keys.masked(json.dumps({"region": ["CL-AR"], "token": "plain"}), {"api_key"}))
    assert shown == {"region": ["CL-AR"], "token": keys.MASK, "api_key": keys.MASK}


def test_masked_leaves_a_config_without_secrets_as_it_is():
    assert keys.masked('{"region": ["CL-AR"]}') == '{"region": ["CL-AR"]}'
