"""Harvesters of municipal catalogues and sensor networks (on ckanext-harvest).

Engines (``http``, adapters, ``store``) know nothing of CKAN's web layer; the
plugin classes in ``plugins`` and ``catalog`` are what ``ckan.plugins`` loads.
"""
from __future__ import annotations
