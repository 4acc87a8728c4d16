"""Every template helper of the portal (``h.territorio_*``), one module per page family.

Each family lists its helpers in its ``__all__``; this package gathers them, so a new helper
is declared once, in its own module.
"""
from __future__ import annotations

from types import ModuleType

from . import (
    about,
    datastore,
    errors,
    form,
    framework,
    pages,
    plan,
    policy,
    quality,
    reports,
    requests,
    sensors,
    site,
    stream,
)

FAMILIES: tuple[ModuleType, ...] = (
    about, datastore, errors, form, framework, pages, plan, policy, quality, reports, requests,
    sensors, site, stream,
)

__all__ = sorted(name for family in FAMILIES for name in family.__all__)
globals().update({name: getattr(family, name) for family in FAMILIES for name in family.__all__})
