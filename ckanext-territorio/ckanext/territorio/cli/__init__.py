"""`ckan territorio ...`: the portal's commands, one module per family (glue over the engines)."""
from __future__ import annotations

import click

from .demo import demo
from .harvest_secrets import harvest_secrets
from .links import links
from .quality import auditor, quality
from .timeseries import timeseries

__all__ = ["territorio"]


@click.group(short_help="Herramientas del portal Territorio Inteligente.")
def territorio() -> None:
    """Herramientas del portal Territorio Inteligente."""


for command in (demo, harvest_secrets, links, quality, auditor, timeseries):
    territorio.add_command(command)
