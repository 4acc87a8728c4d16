"""A scored catalogue for the quality pages: three organizations in two regions, datasets
of uneven quality (one private), and the people who may or may not see the staff pages."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from factories import TerritorialDataset


@dataclass
class People:
    sysadmin: dict[str, Any]
    auditor: dict[str, Any]
    member: dict[str, Any]  # editor of municipalidad-de-temuco
    outsider: dict[str, Any]

    def headers(self, who: str) -> dict[str, str]:
        user = getattr(self, who)
        return {"Authorization": factories.APIToken(user=user["name"])["token"]}


@pytest.fixture
def people(clean_db, with_plugins) -> People:
    sysadmin = factories.Sysadmin(name="admin-portal")
    auditor = factories.User(name="auditora", fullname="Auditora de políticas")
    call_action("territorio_auditor_update", {"user": sysadmin["name"]}, user="auditora", auditor=True)
    return People(
        sysadmin=sysadmin,
        auditor=auditor,
        member=factories.User(name="editora-temuco"),
        outsider=factories.User(name="vecino"),
    )


@pytest.fixture
def scored_catalog(people: People, clean_index) -> dict[str, Any]:
    """Temuco (2 public datasets + 1 private), the GORE (1 national), Santiago (1 poor one)."""
    temuco = factories.Organization(
        name="municipalidad-de-temuco",
        title="Municipalidad de Temuco",
        users=[{"name": people.member["name"], "capacity": "editor"}],
    )
    santiago = factories.Organization(name="municipalidad-de-santiago", title="Municipalidad de Santiago")
    gore = factories.Organization(name="gore-araucania", title="Gobierno Regional de La Araucanía")
    datasets = {
        "aire-temuco": TerritorialDataset(
            name="aire-temuco", owner_org=temuco["id"], license_id="cc-by",
            tags=[{"name": "aire"}, {"name": "mp25"}],
        ),
        "flujos-transito-temuco": TerritorialDataset(
            name="flujos-transito-temuco", title="Flujos de tránsito en Temuco", owner_org=temuco["id"],
            dimension=["movilidad"], subdimension=["congestion"], frequency="CONT",
        ),
        "presupuesto-interno-temuco": TerritorialDataset(
            name="presupuesto-interno-temuco", title="Presupuesto interno de Temuco",
            owner_org=temuco["id"], private=True, dimension=["gobierno"], subdimension=["transparencia"],
        ),
        "transparencia-nacional": TerritorialDataset(
            name="transparencia-nacional", title="Solicitudes de transparencia", owner_org=gore["id"],
            dimension=["gobierno"], subdimension=["transparencia"], region=["CL"], comuna=[], spatial=None,
        ),
        "buses-santiago": TerritorialDataset(
            name="buses-santiago", title="Frecuencia de buses en Santiago", owner_org=santiago["id"],
            dimension=["movilidad"], subdimension=["transporte-publico-integrado"],
            region=["CL-RM"], comuna=["13101"], spatial=None, resources=[],
        ),
    }
    return {"organizations": {"temuco": temuco, "santiago": santiago, "gore": gore}, "datasets": datasets}
