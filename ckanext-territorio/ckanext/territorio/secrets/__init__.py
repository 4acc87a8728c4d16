"""Secrets of harvest sources are write-only: split from the config, masked when shown."""
from __future__ import annotations
