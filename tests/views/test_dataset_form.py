"""The dataset form as municipal staff meet it: chosen regions kept after an error, the open
licence preselected, required fields marked, errors in plain Spanish, comunas by region."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories
from factories import TerritorialDataset, territorial_schemas
from views_html import soup_of

from ckanext.territorio.presentation.helpers.form import (
    territorio_form_values,
    territorio_plain_error,
)

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


@pytest.fixture
def publisher():
    """A sysadmin with an API token and a municipality to publish for."""
    user = factories.SysadminWithToken()
    org = factories.Organization(name="municipalidad-de-temuco", title="Municipalidad de Temuco")
    return {"headers": {"Authorization": user["token"]}, "org": org}


def form_fields(**overrides) -> dict:
    """A filled form whose only fault is a closed licence (the policy's metadata.license)."""
    fields = {
        "title": "Ferias libres de Temuco",
        "name": "ferias-libres-temuco",
        "notes": "Ubicación y horario de las ferias libres.",
        "dimension": ["medio-ambiente"],
        "region": ["CL-AR"],
        "comuna": ["09101"],
        "personal_data": "none",
        "license_id": "notspecified",
        "save": "continue",
        "_ckan_phase": "dataset_new_1",
    }
    fields.update(overrides)
    return fields


def post_form(app, url: str, publisher, **overrides) -> BeautifulSoup:
    data = form_fields(owner_org=publisher["org"]["id"], **overrides)
    response = app.post(url, data=data, headers=publisher["headers"])
    return soup_of(response.body)


def selected(form: BeautifulSoup, name: str) -> list[str]:
    select = form.find("select", attrs={"name": name})
    return [o["value"] for o in select.find_all("option") if o.has_attr("selected")]


def error_of(form: BeautifulSoup, field_id: str):
    block = form.find(id=field_id).find_parent(class_="form-group")
    return block.select_one(".error-block")


# --- the chosen codes after an error -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "codes"),
    [
        ('["CL-AR"]', ["CL-AR"]),
        ("CL-AR", ["CL-AR"]),
        ("CL-AR, CL-BI", ["CL-AR", "CL-BI"]),
        ("{CL-AR,CL-BI}", ["CL-AR", "CL-BI"]),
        (["CL-AR", '["CL-BI"]'], ["CL-AR", "CL-BI"]),
        (None, []),
        ("", []),
    ],
    ids=["json", "one", "commas", "pg-array", "mixed", "none", "empty"],
)
def test_submitted_values_become_exact_codes(value, codes):
    assert territorio_form_values(value) == codes
    assert "CL" not in territorio_form_values(value)


def test_new_form_after_an_error_keeps_exactly_the_chosen_regions(app, publisher):
    form = post_form(app, tk.url_for("dataset.new"), publisher, region=["CL-AR"],
                     dimension=["medio-ambiente", "movilidad"])

    assert error_of(form, "field-license_id") is not None  # the form did come back
    assert selected(form, "region") == ["CL-AR"]
    assert selected(form, "comuna") == ["09101"]
    assert selected(form, "dimension") == ["movilidad", "medio-ambiente"]


def test_edit_form_after_an_error_keeps_exactly_the_chosen_regions(app, publisher):
    dataset = TerritorialDataset(owner_org=publisher["org"]["id"], region=["CL-AR", "CL-BI"],
                                 comuna=["09101"])
    form = post_form(app, tk.url_for("dataset.edit", id=dataset["name"]), publisher,
                     name=dataset["name"], region=["CL-AR", "CL-BI"], save="")

    assert error_of(form, "field-license_id") is not None
    assert selected(form, "region") == ["CL-BI", "CL-AR"]  # north to south, as offered


# --- defaults and markers ----------------------------------------------------------------------


def test_new_form_preselects_the_policys_open_licence(app, publisher):
    form = soup_of(app.get(tk.url_for("dataset.new"), headers=publisher["headers"]).body)

    assert selected(form, "license_id") == ["cc-by"]


def test_required_fields_are_marked_with_the_legend(app, publisher):
    form = soup_of(app.get(tk.url_for("dataset.new"), headers=publisher["headers"]).body)

    def marked(field_id: str) -> bool:
        return form.find("label", attrs={"for": field_id}).select_one(".control-required") is not None

    # notes and the licence are required by the data policy, region by the schema
    assert marked("field-notes") and marked("field-license_id") and marked("field-region")
    assert not marked("field-version")
    legend = form.select_one(".territorio-required-legend").get_text(" ", strip=True)
    assert legend.startswith("*") and "obligatorio" in legend


# --- errors in plain words ---------------------------------------------------------------------


def test_licence_error_is_plain_with_the_rule_in_a_detail(app, publisher):
    form = post_form(app, tk.url_for("dataset.new"), publisher)

    error = error_of(form, "field-license_id")
    detail = error.select_one("small.territorio-error-detail")
    detail_text = detail.get_text(strip=True)
    detail.extract()
    sentence = error.get_text(" ", strip=True)
    assert sentence.startswith("La licencia «")
    assert "no es abierta" in sentence and "Creative Commons" in sentence
    assert "metadata.license" not in sentence and "notspecified" not in sentence
    assert "[" not in sentence and "'" not in sentence
    assert "metadata.license" in detail_text and "notspecified" in detail_text
    summary = form.select_one(".error-explanation li[data-field-label=license_id]")
    assert "[metadata.license]" not in summary.get_text(" ", strip=True).replace(
        summary.select_one("small").get_text(strip=True), "")


def test_plain_error_keeps_messages_without_a_rule_as_they_are():
    assert str(territorio_plain_error("Elija al menos una región")) == "Elija al menos una región"


# --- comunas by region -------------------------------------------------------------------------


def test_comuna_options_carry_their_region_for_the_filter(app, publisher):
    form = soup_of(app.get(tk.url_for("dataset.new"), headers=publisher["headers"]).body)

    comuna = form.find("select", attrs={"name": "comuna"})
    assert comuna["data-module"].split() == ["autocomplete", "territorio-comuna-filter"]
    assert comuna["data-module-region-field"] == "field-region"
    regions = {o["value"]: o["data-region"] for o in comuna.find_all("option")}
    assert len(regions) == 346
    assert regions["09101"] == "CL-AR"  # Temuco
    assert regions["05702"] == "CL-VS"  # Catemu, also matches "Tem"
    dimension = form.find("select", attrs={"name": "dimension"})
    assert dimension["data-module"] == "autocomplete"
    assert dimension.has_attr("multiple")


def test_spatial_textarea_offers_the_map_drawer(app, publisher):
    form = soup_of(app.get(tk.url_for("dataset.new"), headers=publisher["headers"]).body)

    spatial = form.find("textarea", attrs={"name": "spatial"})
    assert spatial["data-module"] == "territorio-spatial-draw"
    assert "rectángulo" in spatial["data-module-draw-label"]
