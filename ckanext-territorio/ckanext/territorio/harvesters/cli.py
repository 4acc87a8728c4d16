"""`ckan territorio harvest ...`: the scheduler of harvest runs."""
from __future__ import annotations

import click

from .. import config as territorio_config
from . import scheduler


@click.group(short_help="Cosechas: programador y mantenimiento.")
def harvest() -> None:
    """Cosechas de catálogos municipales y redes de sensores."""


def _echo(report: scheduler.TickReport) -> None:
    click.echo(
        f"ciclo en {report.finished - report.started:.1f} s: {report.running} trabajos en curso, "
        f"{len(report.requeued)} elementos devueltos a la cola"
    )


@harvest.command("tick")
def tick() -> None:
    """Un ciclo: devuelve a la cola lo abandonado, crea los trabajos que tocan y cierra los terminados."""
    _echo(scheduler.tick())


@harvest.command("scheduler")
@click.option(
    "--interval",
    type=int,
    default=None,
    help="Segundos entre ciclos (por omisión ckanext.territorio.harvest.scheduler_interval).",
)
def run_scheduler(interval: int | None) -> None:
    """Repite `tick` cada cierto intervalo hasta recibir SIGTERM (proceso supervisado)."""
    seconds = interval or territorio_config.harvest_int("scheduler_interval")
    click.echo(f"Programador de cosechas: un ciclo cada {seconds} s")
    scheduler.run_forever(float(seconds), _echo)
