"""The "API de datos" dialog of a DataStore resource: examples with the resource's own columns
and values (not CKAN's "jones"/"watershed"), this portal's guide, in the page's language."""
from __future__ import annotations

import json

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas
from views_html import soup_of, text_of

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]


@pytest.fixture
def table() -> str:
    """A public table of recycling points per comuna."""
    dataset = TerritorialDataset(resources=[{"url": "http://datos.temuco.example/puntos.csv", "format": "CSV"}])
    resource_id = dataset["resources"][0]["id"]
    call_action(
        "datastore_create",
        context={"user": factories.Sysadmin()["name"]},
        resource_id=resource_id,
        force=True,
        fields=[{"id": "total", "type": "int"}, {"id": "comuna", "type": "text"}],
        records=[{"total": 3, "comuna": "Padre Las Casas"}, {"total": 5, "comuna": "Temuco"}],
    )
    return resource_id


def test_dialog_in_spanish_uses_the_tables_own_column_and_value(app, table):
    html = app.get(f"/datastore/api_info/{table}").body
    soup = soup_of(html)

    assert soup.select_one("h3").get_text(strip=True) == "API de datos"
    search = soup.select_one('[data-example-text="search"]').get_text(strip=True)
    assert search == "Los 5 primeros registros que contienen «Padre Las Casas» en cualquier columna:"
    assert "Los registros cuya columna «comuna» vale «Padre Las Casas»:" in text_of(html)
    curl = soup.select("pre.example-curl code")[1].get_text()
    body = json.loads(curl.split("-d '", 1)[1].rstrip("'"))
    assert body == {"resource_id": table, "filters": {"comuna": "Padre Las Casas"}}
    assert "jones" not in html and "watershed" not in html
    assert soup.select_one('a[href$="/desarrolladores"]') is not None
    assert "docs.ckan.org" not in html


def test_dialog_in_english(app, table):
    html = app.get(f"/en/datastore/api_info/{table}").body
    soup = soup_of(html)

    assert soup.select_one("h3").get_text(strip=True) == "Data API"
    assert "The first 5 records containing “Padre Las Casas” in any column:" in text_of(html)
    assert soup.select_one('a[href$="/en/desarrolladores"]') is not None
