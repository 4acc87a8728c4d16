"""`ckan territorio-harvest ...`: the scheduler of harvest runs (every harvester plugin adds it)."""
from __future__ import annotations

import ckan.plugins as p
import click

from . import config, scheduler


@click.group("territorio-harvest", short_help="Cosechas: programador y mantenimiento.")
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
    seconds = interval or config.scheduler_interval()
    click.echo(f"Programador de cosechas: un ciclo cada {seconds} s")
    scheduler.run_forever(float(seconds), _echo)


class HarvestCommands(p.SingletonPlugin):
    """Mixin of every harvester plugin: ``ckan territorio-harvest`` when any of them is on."""

    p.implements(p.IClick, inherit=True)

    def get_commands(self) -> list[click.Command]:
        """The harvest scheduler's command group."""
        return [harvest]
