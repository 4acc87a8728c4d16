"""`ckan territorio quality ...` and `ckan territorio auditor ...`."""
from __future__ import annotations

import datetime as dt

import ckan.plugins.toolkit as tk
import click
from ckan import model

from .. import auditors, config, current, reconcile
from ..quality import batch, engine, scheduler, service, store

__all__ = ["auditor", "quality"]


@click.group(short_help="Auditoría de calidad: puntajes de los conjuntos de datos.")
def quality() -> None:
    """Puntajes de calidad (schemas/quality.yaml): MQA de data.europa.eu y los del portal."""


def _profile_option(value: str | None) -> str | None:
    if value and value not in current.quality().profiles:
        raise click.BadParameter(
            f"perfil desconocido '{value}' (se admiten: {', '.join(current.quality().profiles)})"
        )
    return value


@quality.command("run")
@click.option("--dataset", "dataset", default=None, help="Solo este conjunto (nombre o id).")
@click.option(
    "--profile",
    default=None,
    callback=lambda ctx, param, value: _profile_option(value),
    help="Perfil del archivo de calidad (por omisión ckanext.territorio.quality.profile).",
)
@click.option("--chunk", type=click.IntRange(1, 10000), default=batch.CHUNK, show_default=True,
              help="Conjuntos leídos y escritos por sentencia.")
def run(dataset: str | None, profile: str | None, chunk: int) -> None:
    """Puntúa todos los conjuntos activos (o uno) y guarda puntaje e historial."""
    if dataset:
        package = model.Package.get(dataset)
        if package is None or package.state != "active":
            raise click.ClickException(f"No existe el conjunto '{dataset}'")
        shown = tk.get_action("package_show")(
            {"ignore_auth": True, "use_cache": False}, {"id": package.id}
        )
        score = service.score_package(shown, sensor=True, profile=profile)
        if score is None:
            raise click.ClickException(f"El conjunto '{dataset}' no es de un tipo que se puntúe")
        click.echo(
            f"{package.name}: {score.main.points:g} de {score.main.max_points:g} puntos "
            f"({score.main.rating}); MQA {score.mqa.points:g} de {score.mqa.max_points:g} "
            f"({score.mqa.rating})"
        )
        return
    types = current.quality().dataset_types
    total = batch.count(types)
    with click.progressbar(length=total, label="Puntuando conjuntos") as bar:
        result = batch.run(profile, chunk=chunk, progress=bar.update)
    ratings = ", ".join(f"{result.ratings[r]} {r}" for r in ("excellent", "good", "sufficient", "bad"))
    click.echo(
        f"Corrida {result.run_id}: {result.datasets} conjuntos en {result.seconds:.1f} s "
        f"({result.per_second:.0f}/s); {ratings}; {result.history} cambios en el historial; "
        f"{result.removed} puntajes de conjuntos retirados"
    )


@quality.command("show")
@click.argument("name")
def show(name: str) -> None:
    """Muestra el puntaje guardado de un conjunto, por indicador, y sus arreglos."""
    package = model.Package.get(name)
    row = store.get(package.id) if package is not None else None
    if row is None:
        raise click.ClickException(f"El conjunto '{name}' no tiene puntaje de calidad")
    quality_file = current.quality()
    percent = 100 * row.points / row.max_points if row.max_points else 0
    click.echo(
        f"{row.name} ({row.profile} {row.profile_version}): {row.points:g} de {row.max_points:g} "
        f"puntos, {percent:.1f} %, {row.rating}; MQA {row.mqa_points:g} de 405 ({row.mqa_rating})"
    )
    for item in row.indicators:
        indicator = quality_file.indicators.get(item["id"])
        label = indicator.label.es if indicator else item["id"]
        mark = "✓" if item.get("passed") else ("·" if item.get("state") == "na" else "✗")
        click.echo(
            f"  {mark} {item['id']:<30} {item.get('points', 0):>5g}/{item.get('max', 0):<4g} "
            f"{label}: {engine.stored_detail(item, quality_file)['es']}"
        )
    if row.fixes:
        click.echo("Arreglos (lo que más sube el puntaje primero):")
        for fix in row.fixes:
            click.echo(f"  +{fix['gain']:g} {engine.stored_fix(fix, quality_file)['es']}")


@quality.command("reconcile")
@click.option("--grace-seconds", type=float, default=None,
              help="Solo conjuntos guardados hace más de esto (por omisión 120 s; 30 min para "
                   "los enlaces).")
def run_reconcile(grace_seconds: float | None) -> None:
    """Revisa una vez los conjuntos que un guardado caído dejó sin validación, puntaje o
    revisión de enlaces (lo que el programador hace cada minuto)."""
    if grace_seconds is None:
        checked = reconcile.run()
    else:
        grace = dt.timedelta(seconds=grace_seconds)
        checked = reconcile.run(grace=grace, link_grace=grace)
    click.echo(f"{len(checked)} conjuntos sin revisar tras guardarse: revisados o encolados")
    for package_id in checked:
        click.echo(f"  {package_id}")


@quality.command("scheduler")
@click.option("--interval-hours", type=float, default=None,
              help="Horas entre corridas (por omisión ckanext.territorio.quality.interval_hours).")
def run_scheduler(interval_hours: float | None) -> None:
    """Encola una corrida de todo el catálogo cada cierto intervalo (proceso supervisado)."""
    hours = interval_hours or float(config.quality_interval_hours())
    click.echo(f"Programador de calidad: una corrida cada {hours:g} h")

    def recover() -> None:
        # datasets a crashed save left without report or score (see reconcile.py)
        checked = reconcile.run()
        if checked:
            click.echo(f"{len(checked)} conjuntos sin revisar tras guardarse: revisados")

    scheduler.run_forever(
        hours, lambda run_id: click.echo(f"corrida {run_id} encolada"), also=recover
    )


@click.group(short_help="Auditores de la política: leen todos los reportes, no editan.")
def auditor() -> None:
    """Rol de auditor: lee la calidad y los reportes de validación de todo el portal."""


def _set(user: str, value: bool) -> None:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    try:
        result = tk.get_action("territorio_auditor_update")(
            {"user": site_user["name"]}, {"user": user, "auditor": value}
        )
    except tk.ObjectNotFound as error:
        raise click.ClickException(f"No existe el usuario '{user}'") from error
    state = "es auditor" if result["auditor"] else "ya no es auditor"
    click.echo(f"{result['user']} {state}")


@auditor.command("add")
@click.argument("user")
def add(user: str) -> None:
    """Da el rol de auditor a un usuario."""
    _set(user, True)


@auditor.command("remove")
@click.argument("user")
def remove(user: str) -> None:
    """Quita el rol de auditor a un usuario."""
    _set(user, False)


@auditor.command("list")
def list_auditors() -> None:
    """Lista los auditores."""
    found = auditors.auditors()
    for user in found:
        click.echo(f"{user.name}\t{user.email or ''}")
    if not found:
        click.echo("No hay auditores")
