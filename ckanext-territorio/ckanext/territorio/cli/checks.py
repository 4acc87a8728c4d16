"""`ckan territorio checks status|requeue`: the deferred checks of the datasets, from the command line.

A dataset save marks its checks pending and queues one job; if the worker was down when Redis
lost its queue (or the save could not reach Redis), the row stays pending for good. ``requeue``
queues those jobs again; a dataset whose job is still in the queue, or running, is left alone.
"""
from __future__ import annotations

import datetime as dt

import click

LABELS = {"pending": "pendientes", "done": "completas"}


@click.group(short_help="Validaciones diferidas de los conjuntos: estado y reencolado.")
def checks() -> None:
    """Validaciones diferidas de los conjuntos de datos (tabla territorio_dataset_checks)."""


def _age(asked: dt.datetime) -> str:
    minutes = int((dt.datetime.now(dt.UTC) - asked).total_seconds() // 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h {minutes % 60} min"


@checks.command(short_help="Cuántos conjuntos hay en cada estado.")
def status() -> None:
    """Cuenta los conjuntos por estado de sus validaciones diferidas y los trabajos en cola."""
    from ..policy import checks as policy_checks
    from ..policy import jobs as policy_jobs

    counts = policy_checks.counts()
    oldest = policy_checks.stuck(dt.timedelta(0))
    queued = policy_jobs.queued_checks()
    click.echo("Validaciones diferidas de los conjuntos de datos:")
    for state, label in LABELS.items():
        line = f"  {label}: {counts.get(state, 0)}"
        if state == "pending" and oldest:
            line += f" (la más antigua pedida hace {_age(oldest[0][2])})"
        click.echo(line)
    waiting = {package_id for package_id, _, _ in oldest}
    click.echo(f"  en la cola {policy_jobs.QUEUE} o en curso: {len(queued & waiting)}")
    click.echo(f"  pendientes sin trabajo en la cola: {len(waiting - queued)}")


@checks.command(short_help="Vuelve a encolar las validaciones que quedaron pendientes.")
@click.option("--older-than", "older_than", type=click.IntRange(min=0), default=10, show_default=True,
              metavar="MINUTOS", help="Solo las pedidas hace más de MINUTOS minutos.")
@click.option("--dry-run", is_flag=True, help="Mostrar qué se encolaría, sin encolar nada.")
def requeue(older_than: int, dry_run: bool) -> None:
    """Encola de nuevo el trabajo de validación de cada conjunto que sigue pendiente.

    Se omiten los conjuntos cuyo trabajo ya está en la cola o en curso.
    """
    from ..policy import checks as policy_checks
    from ..policy import jobs as policy_jobs

    stuck = policy_checks.stuck(dt.timedelta(minutes=older_than))
    queued = policy_jobs.queued_checks()
    todo = [row for row in stuck if row[0] not in queued]
    click.echo(
        f"Pendientes desde hace más de {older_than} min: {len(stuck)}; "
        f"ya en la cola o en curso: {len(stuck) - len(todo)}; por encolar: {len(todo)}."
    )
    if dry_run:
        for _, name, asked in todo:
            click.echo(f"  {name} (pedida hace {_age(asked)})")
        click.echo("Simulación (--dry-run): no se encoló nada.")
        return
    with click.progressbar(todo, label="Encolando validaciones", show_pos=True) as bar:
        for package_id, _, _ in bar:
            policy_jobs.enqueue_checks(package_id, policy_jobs.package_files(package_id))
    click.secho(f"Encolados {len(todo)} conjuntos de datos en la cola {policy_jobs.QUEUE}.", fg="green")
