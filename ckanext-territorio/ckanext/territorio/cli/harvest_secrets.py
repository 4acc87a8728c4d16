"""`ckan territorio harvest-secrets migrate`: secrets out of harvest configs, index refreshed."""
from __future__ import annotations

import click
from ckan import model
from ckan.lib import search

from ..secrets.migrate import move_plain_secrets


@click.group("harvest-secrets", short_help="Claves secretas de las fuentes de cosecha.")
def harvest_secrets() -> None:
    """Claves secretas de las fuentes de cosecha (api_key, tokens, contraseñas)."""


@harvest_secrets.command("migrate")
def migrate() -> None:
    """Mueve a su tabla las claves secretas que queden en las configuraciones y reindexa las fuentes."""
    changed = move_plain_secrets(model.Session.connection())
    model.Session.commit()
    ids = [row[0] for row in model.Session.query(model.Package.id).filter(model.Package.type == "harvest")]
    # core's rebuild, not harvest_source_reindex: that one indexes the dict unvalidated
    # (validate=False), and package_show would then answer it without the config field
    with click.progressbar(ids, label="Reindexando fuentes de cosecha") as bar:
        for source_id in bar:
            search.rebuild(source_id)
    click.secho(f"Claves movidas en {len(changed)} fuente(s); {len(ids)} fuente(s) reindexada(s).", fg="green")
