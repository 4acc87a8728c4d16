"""Flask blueprints, one module per page family."""
from __future__ import annotations

from .framework import framework

__all__ = ["framework"]
