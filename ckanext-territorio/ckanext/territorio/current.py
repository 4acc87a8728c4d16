"""The data files the portal runs with, read through the configured paths.

One accessor per file (framework and vocabularies, the plan's evidence, policy, scoring file, sensor
ranges, air-quality categories, harvest mapping), each
reloaded when its file changes. Engines read them from here instead of climbing back up to a
CKAN service; this module depends only on ``config`` and the plain file readers.
"""
from __future__ import annotations

from . import config
from .policy.document import Policy
from .policy.document import policy as read_policy
from .quality.air_quality import AirQuality
from .quality.air_quality import air_quality as read_air_quality
from .quality.profile import QualityFile, quality_file
from .quality.sensor_ranges import SensorRanges, ranges
from .vocab import Framework, Plan
from .vocab import framework as read_framework
from .vocab import plan as read_plan
from .vocab.data_theme import DataThemeTable, data_themes
from .vocab.file_type import FileTypeTable, file_types
from .vocab.frequency import FrequencyTable, frequencies
from .vocab.harvest_mapping import HarvestMapping, mapping


def framework() -> Framework:
    """The framework (dimensions, territories, assignments) the portal runs with."""
    return read_framework(config.schemas_dir())


def plan() -> Plan:
    """The plan's evidence, strategy and recommendations (schemas/plan/), checked against the
    framework."""
    return read_plan(config.schemas_dir())


def frequency_table() -> FrequencyTable:
    """The EU frequency vocabulary with the portal's Spanish names."""
    return frequencies(config.schemas_dir())


def file_type_table() -> FileTypeTable:
    """The EU file-type vocabulary (formats, media types, openness)."""
    return file_types(config.schemas_dir())


def data_theme_table() -> DataThemeTable:
    """The EU data themes and the dimensions they map to."""
    return data_themes(config.schemas_dir())


def policy() -> Policy:
    """The data-use policy (``ckanext.territorio.policy.file``)."""
    return read_policy(config.policy_file())


def quality() -> QualityFile:
    """The scoring file (``ckanext.territorio.quality.file``)."""
    return quality_file(config.quality_file())


def sensor_ranges() -> SensorRanges:
    """The plausible sensor ranges, checked against the policy's variables."""
    return ranges(config.schemas_dir(), policy())


def air_quality() -> AirQuality:
    """Chile's air-quality categories per pollutant (the stations map's colours)."""
    return read_air_quality(config.schemas_dir(), policy())


def harvest_mapping() -> HarvestMapping:
    """The harvest mapping (schemas/harvest.yaml): variable families, names and keyword rules."""
    return mapping(config.schemas_dir())


def load() -> None:
    """Load and check every data file now; a bad file raises with its file and line."""
    framework()
    plan()
    frequency_table()
    file_type_table()
    data_theme_table()
    policy()
    quality()
    sensor_ranges()
    air_quality()
    harvest_mapping()
