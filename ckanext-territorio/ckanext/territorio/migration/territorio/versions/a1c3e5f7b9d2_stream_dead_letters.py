"""MQTT stream consumer: the bounded dead-letter table and the per-source counters.

Revision ID: a1c3e5f7b9d2
Revises: f9b3c5d7e2a4
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a1c3e5f7b9d2"
down_revision = "f9b3c5d7e2a4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "territorio_stream_dead_letter",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.Text, nullable=False),
        sa.Column("received", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
    )
    op.create_index(
        "ix_territorio_stream_dead_letter_source_id", "territorio_stream_dead_letter", ["source_id"]
    )
    op.create_table(
        "territorio_stream_counter",
        sa.Column("source_id", sa.Text, primary_key=True),
        sa.Column("received", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("malformed", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("last_message", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("territorio_stream_counter")
    op.drop_index("ix_territorio_stream_dead_letter_source_id", "territorio_stream_dead_letter")
    op.drop_table("territorio_stream_dead_letter")
