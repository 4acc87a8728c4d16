"""Deferred checks: one row per dataset saying whether its after-save checks are pending.

Revision ID: e1f3a5b7c9d0
Revises: d4f6b8a0c2e5
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e1f3a5b7c9d0"
down_revision = "d4f6b8a0c2e5"
branch_labels = None
depends_on = None

TABLE = "territorio_dataset_checks"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("package_id", sa.Text, primary_key=True),
        sa.Column("status", sa.Text, nullable=False, server_default="pending"),
        sa.Column("requested", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("finished", sa.DateTime(timezone=True)),
    )
    # the notice and the bench ask "which datasets still wait": a partial index answers it
    op.create_index(
        "territorio_dataset_checks_pending", TABLE, ["requested"],
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_table(TABLE)
