"""`ckan territorio harvest-secrets migrate`: secrets out of harvest configs, index refreshed."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import click
from ckan import model

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
    reindex = tk.get_action("harvest_source_reindex")
    with click.progressbar(ids, label="Reindexando fuentes de cosecha") as bar:
        for source_id in bar:
            reindex({"ignore_auth": True, "user": ""}, {"id": source_id})
    click.secho(f"Claves movidas en {len(changed)} fuente(s); {len(ids)} fuente(s) reindexada(s).", fg="green")
