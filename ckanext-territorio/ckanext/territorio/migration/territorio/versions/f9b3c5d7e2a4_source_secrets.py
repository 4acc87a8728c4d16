"""Harvest source secrets: a private table, and the keys already in configs moved there.

Revision ID: f9b3c5d7e2a4
Revises: e8a2b4c6d1f3
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ckanext.territorio.secrets.migrate import move_plain_secrets

revision = "f9b3c5d7e2a4"
down_revision = "e8a2b4c6d1f3"
branch_labels = None
depends_on = None

TABLE = "territorio_source_secret"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("source_id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    # the search index still holds the old configs: `ckan territorio harvest-secrets migrate`
    # reindexes them (the index hook masks secret-named keys in any case)
    move_plain_secrets(op.get_bind())


def downgrade() -> None:
    op.drop_table(TABLE)
