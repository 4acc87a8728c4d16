"""`ckan territorio ...`: the portal's commands, one module per family (glue over the engines)."""
from __future__ import annotations

import click

from .checks import checks
from .demo import demo
from .harvest_secrets import harvest_secrets
from .jobs import jobs
from .links import links
from .quality import auditor, quality
from .timeseries import timeseries

__all__ = ["territorio"]


class _TerritorioGroup(click.Group):
    """The group, plus the commands of plugins implementing ITerritorioCommands (read when run)."""

    def _plugin_commands(self) -> dict[str, click.Command]:
        import ckan.plugins as p

        from ..interfaces import ITerritorioCommands

        found: dict[str, click.Command] = {}
        for plugin in p.PluginImplementations(ITerritorioCommands):
            for command in plugin.territorio_commands():
                if command.name:
                    found.setdefault(command.name, command)
        return found

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Our commands and the plugins' ones, sorted."""
        return sorted({*super().list_commands(ctx), *self._plugin_commands()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Our command of that name, else a plugin's."""
        return super().get_command(ctx, cmd_name) or self._plugin_commands().get(cmd_name)


@click.group(cls=_TerritorioGroup, short_help="Herramientas del portal Territorio Inteligente.")
def territorio() -> None:
    """Herramientas del portal Territorio Inteligente."""


for command in (checks, demo, harvest_secrets, jobs, links, quality, auditor, timeseries):
    territorio.add_command(command)
