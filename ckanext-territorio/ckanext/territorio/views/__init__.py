"""Flask blueprints, one module per page family."""
from __future__ import annotations

from .dcat_catalog import dcat_catalog
from .developers import developers
from .dimension import dimension
from .framework import framework
from .matrix import matrix
from .plan import plan
from .quality import quality
from .region import region
from .reports import citizen_reports
from .requests import citizen_requests
from .scoreboard import scoreboard
from .timeseries import timeseries

__all__ = [
    "citizen_reports", "citizen_requests", "dcat_catalog", "developers", "dimension", "framework", "matrix",
    "plan", "quality", "region", "scoreboard", "timeseries",
]
