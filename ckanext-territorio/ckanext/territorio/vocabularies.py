"""The vocabularies of the configured ``ckanext.territorio.schemas_dir``, loaded once."""
from __future__ import annotations

from . import config
from .vocab import Framework, framework
from .vocab.frequency import FrequencyTable, frequencies


def current() -> Framework:
    """The framework (dimensions, territories, assignments) the portal runs with."""
    return framework(config.schemas_dir())


def frequency_table() -> FrequencyTable:
    return frequencies(config.schemas_dir())


def load() -> None:
    """Load and check every vocabulary file now; a bad file raises VocabError (file, line)."""
    current()
    frequency_table()
