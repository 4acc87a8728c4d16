"""A data request's first answer: when its status first left "abierta".

Revision ID: d4f6b8a0c2e5
Revises: c3e5a7b9d1f2
Create Date: 2026-12-03

Requests answered before this revision get their closing time, or (taken up, not closed) their
last change: the best estimate the table holds.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d4f6b8a0c2e5"
down_revision = "c3e5a7b9d1f2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("territorio_request", sa.Column("answered", sa.DateTime(timezone=True)))
    op.execute(
        "UPDATE territorio_request SET answered = COALESCE(closed, modified) WHERE status <> 'abierta'"
    )


def downgrade() -> None:
    op.drop_column("territorio_request", "answered")
