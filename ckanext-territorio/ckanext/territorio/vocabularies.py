"""The vocabularies of the configured ``ckanext.territorio.schemas_dir``, loaded once."""
from __future__ import annotations

from . import config
from .vocab import Framework, framework
from .vocab.data_theme import DataThemeTable, data_themes
from .vocab.file_type import FileTypeTable, file_types
from .vocab.frequency import FrequencyTable, frequencies


def current() -> Framework:
    """The framework (dimensions, territories, assignments) the portal runs with."""
    return framework(config.schemas_dir())


def frequency_table() -> FrequencyTable:
    return frequencies(config.schemas_dir())


def file_type_table() -> FileTypeTable:
    return file_types(config.schemas_dir())


def data_theme_table() -> DataThemeTable:
    return data_themes(config.schemas_dir())


def load() -> None:
    """Load and check every vocabulary file now; a bad file raises VocabError (file, line)."""
    current()
    frequency_table()
    file_type_table()
    data_theme_table()
