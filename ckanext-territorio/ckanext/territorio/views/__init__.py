"""Flask blueprints, one module per page family."""
from __future__ import annotations

from .dimension import dimension
from .framework import framework
from .matrix import matrix
from .region import region

__all__ = ["dimension", "framework", "matrix", "region"]
