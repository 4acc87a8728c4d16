"""Distribution of the Territorio Inteligente CKAN extensions."""
from setuptools import find_namespace_packages, setup

setup(
    name="ckanext-territorio",
    version="0.1.0",
    description="Portal de datos abiertos Territorio Inteligente (CKAN)",
    license="AGPL-3.0-or-later",
    python_requires=">=3.11",
    # two packages of one distribution: the extension, and its harvesters under harvesters/
    package_dir={
        "": "ckanext-territorio",
        "ckanext.territorio_harvesters": "harvesters/ckanext/territorio_harvesters",
    },
    packages=[
        *find_namespace_packages(
            "ckanext-territorio", include=["ckanext.territorio", "ckanext.territorio.*"]
        ),
        "ckanext.territorio_harvesters",
        "ckanext.territorio_harvesters.stream",
    ],
    include_package_data=True,
    package_data={
        "ckanext.territorio": [
            "config_declaration.yaml",
            "migration/territorio/*.ini",
            "migration/territorio/*.mako",
            "migration/territorio/versions/*.py",
            "migration/territorio_search/*.ini",
            "migration/territorio_search/*.mako",
            "migration/territorio_search/versions/*.py",
            "search/*.txt",
            "search/config_declaration.yaml",
            "demo/*.yaml",
            "templates/**/*",
            "assets/**/*",
            "i18n/**/*",
            # schemas/ at the repository root, reached through the package's `schemas` link
            "schemas/*.yaml",
            "schemas/vocab/*.yaml",
            "schemas/shacl/*",
        ]
    },
    entry_points={
        "ckan.plugins": [
            "territorio = ckanext.territorio.plugin:TerritorioPlugin",
            "territorio_search = ckanext.territorio.search.plugin:TerritorioSearchPlugin",
            "territorio_openaq = ckanext.territorio_harvesters.plugins:OpenAQHarvester",
            "territorio_sensorthings = ckanext.territorio_harvesters.plugins:SensorThingsHarvester",
            "territorio_ngsi_ld = ckanext.territorio_harvesters.plugins:NGSILDHarvester",
            "territorio_sinca = ckanext.territorio_harvesters.plugins:SincaHarvester",
            "territorio_mqtt = ckanext.territorio_harvesters.stream.plugin:MQTTHarvester",
            "territorio_ckan_harvester = ckanext.territorio_harvesters.catalog_sources:TerritorioCKANHarvester",
            "territorio_dcat_rdf_harvester = ckanext.territorio_harvesters.catalog_sources:TerritorioDCATRDFHarvester",
            "territorio_dcat_json_harvester = ckanext.territorio_harvesters.catalog_sources:TerritorioDCATJSONHarvester",
        ],
        "ckan.rdf.profiles": [
            "territorio_dcat_ap = ckanext.territorio.dcat.profile:TerritorioDCATAPProfile",
        ],
    },
)
