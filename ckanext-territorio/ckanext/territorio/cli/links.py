"""`ckan territorio links check`: broken-link checks from the command line."""
from __future__ import annotations

from collections import Counter

import click

OUTCOME_LABELS = {
    "ok": "correctos",
    "http_error": "con error HTTP",
    "timeout": "sin respuesta a tiempo",
    "redirect_loop": "con redirecciones en bucle",
    "too_many_redirects": "con demasiadas redirecciones",
    "private_address": "a direcciones privadas",
    "connection_error": "sin conexión",
    "invalid_url": "con dirección inválida",
}


@click.group(short_help="Enlaces de los recursos: revisión de enlaces rotos.")
def links() -> None:
    """Revisión de los enlaces de los recursos (enlaces rotos)."""


def _dataset_ids(dataset: str | None) -> list[str]:
    import sqlalchemy as sa
    from ckan import model

    if dataset is not None:
        package = model.Package.get(dataset)
        if package is None or package.state == "deleted":
            raise click.ClickException(f"No existe el conjunto de datos '{dataset}'.")
        return [package.id]
    with_resources = (
        sa.select(model.Resource.package_id)
        .where(model.Resource.state == "active")
        .distinct()
    )
    rows = (
        model.Session.query(model.Package.id)
        .filter(model.Package.state == "active")
        .filter(model.Package.id.in_(with_resources))
        .order_by(model.Package.name)
    )
    return [row[0] for row in rows]


def summary(datasets: int, outcomes: Counter[str]) -> str:
    """The closing line: links checked, correct, and the problems by kind."""
    total = sum(outcomes.values())
    broken = total - outcomes["ok"]
    line = f"Revisados {total} enlaces de {datasets} conjuntos de datos: {outcomes['ok']} correctos"
    if broken:
        kinds = ", ".join(
            f"{count} {OUTCOME_LABELS[outcome]}"
            for outcome, count in sorted(outcomes.items(), key=lambda item: (-item[1], item[0]))
            if outcome != "ok"
        )
        line += f", {broken} con problemas ({kinds})"
    return line + "."


@links.command("check")
@click.option("--dataset", "dataset", metavar="NOMBRE", help="Nombre o id de un conjunto de datos.")
@click.option("--all", "every", is_flag=True, help="Todos los conjuntos de datos activos con recursos.")
@click.option(
    "--background",
    is_flag=True,
    help="Encolar un trabajo por conjunto en la cola `territorio` en vez de revisar ahora.",
)
@click.pass_context
def check(ctx: click.Context, dataset: str | None, every: bool, background: bool) -> None:
    """Revisa los enlaces de los recursos y guarda el último resultado de cada uno."""
    from ..quality import links as link_checks

    if (dataset is None) == (not every):
        raise click.UsageError("Indique --dataset NOMBRE o --all (uno de los dos).")
    ids = _dataset_ids(dataset)
    if background:
        for package_id in ids:
            link_checks.enqueue_package(package_id)
        click.echo(f"Encolados {len(ids)} conjuntos de datos en la cola territorio.")
        return
    outcomes: Counter[str] = Counter()
    flask_app = ctx.meta["flask_app"]
    # resource URLs of uploads are built with url_for, which needs a request context
    progress = click.progressbar(ids, label="Revisando enlaces", show_pos=True)
    with flask_app.test_request_context(), progress as bar:
        for package_id in bar:
            results = link_checks.check_package(package_id)
            outcomes.update(result.outcome for result in results.values())
    click.echo(summary(len(ids), outcomes))
