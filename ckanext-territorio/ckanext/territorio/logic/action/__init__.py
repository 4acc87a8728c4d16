"""The territorio API actions, one module per concern.

Each module lists its actions in its ``__all__``; this package gathers them for
``tk.blanket.actions``, so an action is declared once, in its own module.
"""
from __future__ import annotations

from types import ModuleType

from . import (
    bulk,
    citizen,
    citizen_reports,
    core_visibility,
    demand,
    framework,
    harvest_secrets,
    plan,
    policy,
    purge,
    quality,
    timeseries,
)

FAMILIES: tuple[ModuleType, ...] = (
    bulk, citizen, citizen_reports, core_visibility, demand, framework, harvest_secrets, plan, policy, purge,
    quality, timeseries,
)

__all__ = sorted(name for family in FAMILIES for name in family.__all__)
globals().update({name: getattr(family, name) for family in FAMILIES for name in family.__all__})
