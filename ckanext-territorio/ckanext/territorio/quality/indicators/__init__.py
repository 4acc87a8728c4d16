"""One small function per indicator, registered by id; the file gives points and texts.

Each function returns an :class:`Outcome`: for dataset indicators the share of the points
earned (0..1), for distribution indicators how many resources meet it (the profile decides
how that becomes points), or "not applicable" / "pending". What each MQA indicator looks at
is what the portal's DCAT profile publishes (see the header of ``schemas/quality.yaml``).
"""
from __future__ import annotations

# importing the indicator modules registers their functions
from . import datos, mqa
from .registry import NOT_APPLICABLE, OK, PARAMETERS, PENDING, REGISTRY, Outcome, indicator

__all__ = [
    "NOT_APPLICABLE", "OK", "PARAMETERS", "PENDING", "REGISTRY", "Outcome", "datos", "indicator",
    "mqa",
]
