"""Move the secrets already written in harvest source configs into their table.

Also removes them from the dataset dicts the activity stream recorded for those sources.

Run by the alembic revision that creates the table (``f9b3c5d7e2a4``) and by
``ckan territorio harvest-secrets migrate`` (which also reindexes the sources). Works on
a plain connection, so it runs inside alembic as well as in a CKAN session.
"""
from __future__ import annotations

import json

import sqlalchemy as sa

from . import keys

_INSERT = sa.text(
    "INSERT INTO territorio_source_secret (source_id, name, value, updated)"
    " VALUES (:source_id, :name, :value, now()) ON CONFLICT (source_id, name) DO NOTHING"
)


def _moved(connection: sa.engine.Connection, source_id: str, config_text: str | None) -> str | None:
    """The public config after storing its secrets, or None when it held none."""
    config = keys.load(config_text)
    if config is None or not keys.has_secrets(config):
        return None
    try:
        public, changes = keys.split(config)
    except ValueError:  # a non-text secret cannot be used by any harvester: drop it
        public, changes = {k: v for k, v in config.items() if not keys.is_secret(k)}, {}
    for name, value in changes.items():
        if value is not None:
            connection.execute(_INSERT, {"source_id": source_id, "name": name, "value": value})
    return json.dumps(public, ensure_ascii=False)


def move_plain_secrets(connection: sa.engine.Connection) -> list[str]:
    """Store the secrets found in harvest configs and remove them there; the sources changed."""
    tables = set(sa.inspect(connection).get_table_names())
    changed: set[str] = set()
    if "harvest_source" in tables:
        rows = connection.execute(sa.text("SELECT id, config FROM harvest_source")).all()
        for source_id, config_text in rows:
            public = _moved(connection, source_id, config_text)
            if public is not None:
                connection.execute(
                    sa.text("UPDATE harvest_source SET config = :config WHERE id = :id"),
                    {"config": public, "id": source_id},
                )
                changed.add(source_id)
    rows = connection.execute(
        sa.text("SELECT id, extras ->> 'config' FROM package WHERE type = 'harvest' AND extras ? 'config'")
    ).all()
    for package_id, config_text in rows:
        public = _moved(connection, package_id, config_text)
        if public is not None:
            connection.execute(
                sa.text("UPDATE package SET extras = jsonb_set(extras, '{config}', to_jsonb(CAST(:config AS text)))"
                        " WHERE id = :id"),
                {"config": public, "id": package_id},
            )
            changed.add(package_id)
    if "activity" in tables:
        _scrub_activities(connection)
    return sorted(changed)


def _scrub_activities(connection: sa.engine.Connection) -> None:
    """Remove secrets from the dataset dicts that activities of harvest sources recorded."""
    rows = connection.execute(sa.text(
        "SELECT a.id, a.data FROM activity a JOIN package p ON p.id = a.object_id WHERE p.type = 'harvest'"
    )).all()
    for activity_id, data in rows:
        record = json.loads(data) if isinstance(data, str) else data
        package = record.get("package") if isinstance(record, dict) else None
        config = keys.load(package.get("config")) if isinstance(package, dict) else None
        if package is None or config is None or not keys.has_secrets(config):
            continue
        package["config"] = json.dumps({k: v for k, v in config.items() if not keys.is_secret(k)}, ensure_ascii=False)
        connection.execute(sa.text("UPDATE activity SET data = :data WHERE id = :id"),
                           {"data": json.dumps(record, ensure_ascii=False), "id": activity_id})
