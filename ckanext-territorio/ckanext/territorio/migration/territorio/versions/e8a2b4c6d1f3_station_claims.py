"""Station claims: which sensor source publishes each series of a place.

Revision ID: e8a2b4c6d1f3
Revises: d7f1a2b3c4e5
Create Date: 2026-11-25
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e8a2b4c6d1f3"
down_revision = "d7f1a2b3c4e5"
branch_labels = None
depends_on = None

TABLE = "territorio_station_claim"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("source_id", sa.Text, primary_key=True),
        sa.Column("station_id", sa.Text, primary_key=True),
        sa.Column("variable", sa.Text, primary_key=True),
        sa.Column("source_type", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("lon", sa.Float),
        sa.Column("lat", sa.Float),
        sa.Column("yielded_to", sa.Text),
        sa.Column("loaded", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def downgrade() -> None:
    op.drop_table(TABLE)
