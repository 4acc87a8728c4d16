"""`ckan territorio timeseries ensure`: indexes, live trigger and exact totals on every table."""
from __future__ import annotations

import click

from ..timeseries import maintenance


@click.group(short_help="Series de tiempo de los sensores.")
def timeseries() -> None:
    """Series de tiempo de los sensores (tablas de mediciones de la DataStore)."""


@timeseries.command(short_help="Índices, disparador en vivo y total exacto en cada tabla de mediciones.")
def ensure() -> None:
    """Give every observations table its indexes and live trigger, and recount its cached total.

    Idempotent; run it once after upgrading (tables created later get them when created).
    """
    count = 0
    for done in maintenance.ensure_all():
        count += 1
        click.echo(f"{done.resource_id}: {done.statements} sentencias, {done.rows} filas")
    click.secho(f"{count} tablas de mediciones al día.", fg="green")
