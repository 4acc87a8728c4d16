"""Comuna codes are normalised on input to the 5-digit CUT code in force."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas

pytestmark = [*territorial_schemas, pytest.mark.usefixtures("with_plugins", "clean_db")]


@pytest.mark.parametrize(
    ("given", "stored"),
    [("9101", "09101"), (9101, "09101"), ("2101", "02101"), (" 09101 ", "09101")],
)
def test_code_without_leading_zero_gets_it(given, stored):
    dataset = TerritorialDataset(region=["CL-AR", "CL-AN"], comuna=[given])
    assert dataset["comuna"] == [stored]
    assert call_action("package_show", id=dataset["id"])["comuna"] == [stored]


def test_pre_2018_chillan_code_becomes_the_nuble_code():
    dataset = TerritorialDataset(region=["CL-NB"], comuna=["08401"], subdimension=[])
    assert dataset["comuna"] == ["16101"]


def test_pre_2018_code_without_leading_zero_is_normalised_too():
    dataset = TerritorialDataset(region=["CL-NB"], comuna=["8401", "8402"], subdimension=[])
    assert dataset["comuna"] == ["16101", "16102"]


def test_old_and_new_codes_of_the_same_comuna_are_stored_once():
    dataset = TerritorialDataset(region=["CL-NB"], comuna=["08401", "16101"], subdimension=[])
    assert dataset["comuna"] == ["16101"]


def test_pre_2018_code_is_checked_against_the_current_region():
    # 08401 was a Biobío code; Chillán is in Ñuble since 2018
    with pytest.raises(tk.ValidationError) as excinfo:
        TerritorialDataset(region=["CL-BI"], comuna=["08401"], subdimension=[])
    assert list(excinfo.value.error_dict) == ["comuna"]
    assert "16101" in excinfo.value.error_dict["comuna"][0]
    assert "CL-NB" in excinfo.value.error_dict["comuna"][0]


def test_biobio_codes_still_in_force_are_kept():
    dataset = TerritorialDataset(region=["CL-BI"], comuna=["08101"], subdimension=[])
    assert dataset["comuna"] == ["08101"]
