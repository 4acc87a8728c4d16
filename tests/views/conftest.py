"""A small territorial catalogue for the page tests: two regions, three dimensions."""
from __future__ import annotations

import pytest
from ckan.tests import factories
from factories import Iniciativa, TerritorialDataset


@pytest.fixture
def catalog(clean_db, clean_index, with_plugins):
    """Temuco and Santiago: 4 datasets (one national) and 3 initiatives."""
    gore = factories.Organization(name="gore-araucania", title="Gobierno Regional de La Araucanía")
    temuco = factories.Organization(name="municipalidad-de-temuco", title="Municipalidad de Temuco")
    santiago = factories.Organization(
        name="municipalidad-de-santiago", title="Municipalidad de Santiago"
    )
    TerritorialDataset(
        name="aire-temuco",
        title="Calidad del aire en Temuco",
        owner_org=temuco["id"],
    )
    TerritorialDataset(
        name="flujos-transito-temuco",
        title="Flujos de tránsito en Temuco",
        owner_org=temuco["id"],
        dimension=["movilidad"],
        subdimension=["congestion"],
        frequency="CONT",
    )
    TerritorialDataset(
        name="buses-santiago",
        title="Frecuencia de buses en Santiago",
        owner_org=santiago["id"],
        dimension=["movilidad"],
        subdimension=["transporte-publico-integrado"],
        region=["CL-RM"],
        comuna=["13101"],
        spatial=None,
    )
    TerritorialDataset(
        name="transparencia-nacional",
        title="Solicitudes de transparencia",
        owner_org=gore["id"],
        dimension=["gobierno"],
        subdimension=["transparencia"],
        region=["CL"],
        comuna=[],
        spatial=None,
    )
    Iniciativa(
        name="ar-sensorizacion-transito-temuco",
        title="Sensorización del tránsito en el centro de Temuco",
        owner_org=gore["id"],
        status="piloto",
    )
    Iniciativa(
        name="ar-sensores-medicion-ambiental",
        title="Sensores de medición ambiental",
        owner_org=gore["id"],
        dimension=["medio-ambiente"],
        subdimension=["calidad-del-aire"],
        comuna=[],
        status=None,
    )
    Iniciativa(
        name="rm-bicicletas-compartidas",
        title="Bicicletas compartidas",
        owner_org=santiago["id"],
        dimension=["movilidad"],
        subdimension=["bicicletas-y-ciclovias"],
        region=["CL-RM"],
        comuna=[],
        status="en-operacion",
    )
