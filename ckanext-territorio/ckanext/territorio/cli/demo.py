"""`ckan territorio demo load`: the demonstration catalogue."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from .. import current
from .. import demo as demo_data

__all__ = ["demo"]

_CHANGE_LABELS = {
    demo_data.Change.CREATED: "creados",
    demo_data.Change.UPDATED: "actualizados",
    demo_data.Change.UNCHANGED: "sin cambios",
}


@click.group()
def demo() -> None:
    """Datos de demostración."""


@demo.command("load")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=demo_data.DEFAULT_CATALOG,
    show_default=True,
    help="Catálogo de demostración en YAML.",
)
@click.pass_context
def load(ctx: click.Context, path: Path) -> None:
    """Crea o actualiza las organizaciones, conjuntos de datos e iniciativas de demostración.

    Se puede repetir: lo que ya coincide con el catálogo no se modifica.
    """
    try:
        catalog = demo_data.load_catalog(path)
    except demo_data.DemoCatalogError as error:
        raise click.ClickException(str(error)) from error

    counts: Counter[tuple[str, demo_data.Change]] = Counter()
    flask_app = ctx.meta["flask_app"]
    fw = current.framework()
    # Actions that build URLs or look at the current user need a request context.
    with flask_app.test_request_context():
        outcomes = demo_data.territorio_demo_load(catalog, fw)
        with click.progressbar(
            outcomes,
            length=catalog.size(fw),
            label="Cargando demostración",
            item_show_func=lambda outcome: outcome.name if outcome else None,
        ) as progress:
            try:
                for outcome in progress:
                    counts[(outcome.kind, outcome.change)] += 1
            except demo_data.DemoCatalogError as error:
                raise click.ClickException(str(error)) from error

    for kind, label in (
        ("organization", "Organizaciones"),
        ("dataset", "Conjuntos de datos"),
        ("initiative", "Iniciativas"),
    ):
        summary = ", ".join(
            f"{counts[(kind, change)]} {text}" for change, text in _CHANGE_LABELS.items()
        )
        click.echo(f"{label}: {summary}")
    # the quality pages read stored scores: score the whole catalogue once now
    with flask_app.test_request_context():
        scored = demo_data.score_catalogue()
    click.echo(f"Calidad: {scored.datasets} conjuntos puntuados (corrida {scored.run_id})")
