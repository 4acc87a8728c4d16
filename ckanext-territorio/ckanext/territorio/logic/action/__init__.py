"""The territorio API actions, one module per concern."""
from __future__ import annotations

from .framework import territorio_framework_show
from .policy import (
    territorio_validation_accept,
    territorio_validation_run,
    territorio_validation_show,
)

__all__ = [
    "territorio_framework_show",
    "territorio_validation_accept",
    "territorio_validation_run",
    "territorio_validation_show",
]
