"""The scheming pages render our fields: the dataset page by name, the form with choices."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories
from factories import Iniciativa, TerritorialDataset, territorial_schemas

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def text_of(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def test_dataset_page_shows_the_territory_and_framework_by_name(app):
    dataset = TerritorialDataset(region=["CL-AR", "CL-NB"], comuna=["09101", "08401"])
    page = text_of(app.get(tk.url_for("dataset.read", id=dataset["name"])).body)
    for name in ("Medio Ambiente", "Calidad del aire y contaminación", "La Araucanía",
                 "Ñuble", "Temuco", "Chillán", "Cada hora", "No contiene datos personales"):
        assert name in page, name


def test_new_dataset_form_offers_the_vocabularies(app):
    sysadmin = factories.SysadminWithToken()
    factories.Organization(users=[{"name": sysadmin["name"], "capacity": "admin"}])
    response = app.get(
        tk.url_for("dataset.new"), headers={"Authorization": sysadmin["token"]}
    )
    form = BeautifulSoup(response.body, "html.parser")
    dimension = form.find("select", attrs={"name": "dimension"})
    assert len(dimension.find_all("option")) == 7
    assert len(form.find("select", attrs={"name": "comuna"}).find_all("option")) == 346
    frequency = {o["value"] for o in form.find("select", attrs={"name": "frequency"}).find_all("option")}
    assert {"HOURLY", "DAILY", "IRREG"} <= frequency
    assert form.find(attrs={"name": "personal_data"}) is not None
    assert "Región" in text_of(response.body)


def test_initiative_page_shows_status_and_linked_datasets(app):
    dataset = TerritorialDataset(name="aire-temuco", title="Calidad del aire en Temuco")
    initiative = Iniciativa(datasets=[dataset["name"]], status="piloto")
    html = app.get(tk.url_for("iniciativa.read", id=initiative["name"])).body
    page = text_of(html)
    assert "Piloto" in page and "Movilidad" in page and "Universidad de La Frontera" in page
    link = BeautifulSoup(html, "html.parser").select_one("ul.territorio-dataset-links a")
    assert link.get_text(strip=True) == "Calidad del aire en Temuco"
    assert link["href"].endswith("/dataset/aire-temuco")
    assert dataset["id"] not in page
