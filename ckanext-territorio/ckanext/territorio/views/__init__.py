"""Flask blueprints, one module per page family."""
from __future__ import annotations

from .dimension import dimension
from .framework import framework
from .matrix import matrix
from .quality import quality
from .region import region
from .scoreboard import scoreboard
from .timeseries import timeseries

__all__ = ["dimension", "framework", "matrix", "quality", "region", "scoreboard", "timeseries"]
