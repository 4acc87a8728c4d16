"""The public scoreboard's embeds (/tablero/embed, the region card) show the same numbers to
everyone: private datasets were counted for a logged-in member of their organisation."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories as ckan_factories
from factories import TerritorialDataset, territorial_schemas

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def figures(app, headers: dict[str, str], **args: str) -> dict[str, str]:
    """Every number of the embed: the region's figures and each table cell, by key."""
    response = app.get(tk.url_for("territorio_scoreboard.embed", **args), headers=headers)
    assert response.status_code == 200
    soup = BeautifulSoup(response.body, "html.parser")
    found = {f"figure:{d['data-figure']}": d.dd.get_text(strip=True) for d in soup.select("[data-figure]")}
    for row in soup.select("tr[data-dimension], tr[data-region], tr[data-cut]"):
        key = row.get("data-dimension") or row.get("data-region") or row.get("data-cut")
        for cell in row.select("td[data-col]"):
            found[f"{key}:{cell['data-col']}"] = " ".join(cell.get_text(" ").split())
    return found


def test_logged_in_members_and_anonymous_visitors_see_the_same_public_counts(app):
    member = ckan_factories.User()
    sysadmin = ckan_factories.Sysadmin()
    org = ckan_factories.Organization(users=[{"name": member["name"], "capacity": "editor"}])
    TerritorialDataset(owner_org=org["id"], name="aire-temuco")
    TerritorialDataset(owner_org=org["id"], name="transito-temuco", dimension=["movilidad"],
                       subdimension=["congestion"])
    TerritorialDataset(owner_org=org["id"], name="presupuesto-interno", private=True,
                       dimension=["gobierno"], subdimension=["transparencia"])
    TerritorialDataset(owner_org=org["id"], name="borrador-movilidad", private=True,
                       dimension=["movilidad"], subdimension=["congestion"])
    as_member = {"Authorization": ckan_factories.APIToken(user=member["name"])["token"]}
    as_sysadmin = {"Authorization": ckan_factories.APIToken(user=sysadmin["name"])["token"]}

    for args in ({"region": "CL-AR"}, {}):
        anonymous = figures(app, {}, **args)
        assert figures(app, as_member, **args) == anonymous
        assert figures(app, as_sysadmin, **args) == anonymous
    region = figures(app, {}, region="CL-AR")
    assert region["figure:datasets"] == "2"  # the two private ones are not counted
    assert region["movilidad:datasets"] == "1"
    assert region["gobierno:datasets"] == "0"
    national = figures(app, as_member)
    assert national["CL-AR:datasets"] == "2"
    # the full scoreboard too
    page = app.get(tk.url_for("territorio_scoreboard.index"), headers=as_member).body
    soup = BeautifulSoup(page, "html.parser")
    row = soup.select_one('table[data-table="regiones"] tr[data-region="CL-AR"] td[data-col="datasets"]')
    assert row.get_text(strip=True) == "2"
