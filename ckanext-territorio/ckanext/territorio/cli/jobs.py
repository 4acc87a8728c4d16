"""`ckan territorio jobs worker`: CKAN's jobs worker without a fork per job (see worker.py)."""
from __future__ import annotations

import click


@click.group(short_help="Trabajos en segundo plano.")
def jobs() -> None:
    """Trabajos en segundo plano (colas de CKAN en Redis)."""


@jobs.command(short_help="Un trabajador que ejecuta los trabajos en su propio proceso.")
@click.option("--burst", is_flag=True, help="Terminar cuando las colas queden vacías.")
@click.option("--max-idle-time", type=click.IntRange(min=1), default=None, metavar="SEGUNDOS",
              help="Terminar tras SEGUNDOS sin trabajos.")
@click.option("--max-jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Terminar tras N trabajos (el supervisor lo vuelve a iniciar).")
@click.option("--no-scheduler", is_flag=True, help="No encolar los trabajos programados desde este trabajador.")
@click.argument("queues", nargs=-1)
def worker(burst: bool, max_idle_time: int | None, max_jobs: int | None, no_scheduler: bool,
           queues: tuple[str, ...]) -> None:
    """Como `ckan jobs worker [COLAS]`, pero sin `fork` ni `load_environment` por trabajo.

    Sin COLAS escucha la cola `default`; `ckan territorio jobs worker default territorio`
    escucha las dos, como el trabajador del portal. Un trabajo que falla queda registrado
    (con su excepción en el registro) y el trabajador sigue con el siguiente.
    """
    from ..worker import InProcessWorker

    InProcessWorker(list(queues) or None).work(
        burst=burst, max_idle_time=max_idle_time, max_jobs=max_jobs, with_scheduler=not no_scheduler
    )
