"""Factories for territorial datasets and initiatives, valid by default."""
from __future__ import annotations

import json

import factory
import pytest
from ckan.tests import factories

from ckanext.territorio import config

# Our schemas whatever the test ini says (a deployment may pin scheming's own schema).
territorial_schemas = [
    pytest.mark.ckan_config("scheming.dataset_schemas", config.default_dataset_schemas()),
    pytest.mark.ckan_config("scheming.presets", config.default_presets()),
]

TEMUCO_EXTENT = {
    "type": "Polygon",
    "coordinates": [
        [[-72.72, -38.80], [-72.52, -38.80], [-72.52, -38.66], [-72.72, -38.66], [-72.72, -38.80]]
    ],
}


class TerritorialDataset(factories.Dataset):
    """Air quality readings in Temuco (La Araucanía): every territorial field filled."""

    title = "Calidad del aire en Temuco"
    owner_org = factory.LazyFunction(lambda: factories.Organization()["id"])
    notes = "Concentraciones horarias de MP2,5 de la red de monitoreo."
    dimension = factory.LazyFunction(lambda: ["medio-ambiente"])
    subdimension = factory.LazyFunction(lambda: ["calidad-del-aire"])
    region = factory.LazyFunction(lambda: ["CL-AR"])
    comuna = factory.LazyFunction(lambda: ["09101"])
    frequency = "HOURLY"
    temporal_start = "2023-01-01"
    temporal_end = "2023-12-31"
    spatial = factory.LazyFunction(lambda: json.dumps(TEMUCO_EXTENT))
    personal_data = "none"
    contact_name = "Unidad de Medio Ambiente, Municipalidad de Temuco"
    contact_email = "datos@temuco.example"
    resources = factory.LazyFunction(
        lambda: [
            {
                "url": "http://datos.temuco.example/mp25.csv",
                "format": "CSV",
                "name": "Mediciones horarias",
                "variable": "MP2,5",
                "unit": "µg/m³",
            }
        ]
    )


class Iniciativa(factories.Dataset):
    """A smart-city initiative in Temuco, with no linked datasets."""

    type = "iniciativa"
    owner_org = factory.LazyFunction(lambda: factories.Organization()["id"])
    title = "Sensorización del tránsito"
    notes = "Sensores de conteo vehicular en el centro de Temuco."
    dimension = factory.LazyFunction(lambda: ["movilidad"])
    subdimension = factory.LazyFunction(lambda: ["congestion"])
    region = factory.LazyFunction(lambda: ["CL-AR"])
    comuna = factory.LazyFunction(lambda: ["09101"])
    status = "piloto"
    partners = factory.LazyFunction(lambda: ["Universidad de La Frontera"])
    datasets = factory.LazyFunction(list)
