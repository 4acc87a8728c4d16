"""Interfaces other plugins of the portal implement (the harvesters add commands through them)."""
from __future__ import annotations

import ckan.plugins as p
import click


class ITerritorioCommands(p.Interface):
    """Adds subcommands to ``ckan territorio`` (e.g. ``ckan territorio stream``)."""

    def territorio_commands(self) -> list[click.Command]:
        """The commands (or groups) to add under ``ckan territorio``."""
        return []
