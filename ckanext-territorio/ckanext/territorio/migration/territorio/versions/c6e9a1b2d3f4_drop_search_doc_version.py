"""Drop the per-document version column: the result cache keys on a Redis generation.

Revision ID: c6e9a1b2d3f4
Revises: b5d8f0a1c2e3
Create Date: 2026-11-25
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c6e9a1b2d3f4"
down_revision = "b5d8f0a1c2e3"
branch_labels = None
depends_on = None

TABLE = "territorio_search_doc"
SEQUENCE = "territorio_search_doc_version_seq"


def upgrade() -> None:
    op.drop_column(TABLE, "version")  # its index goes with it
    op.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


def downgrade() -> None:
    op.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")
    op.add_column(
        TABLE,
        sa.Column(
            "version",
            sa.BigInteger,
            nullable=False,
            server_default=sa.text(f"nextval('{SEQUENCE}')"),
        ),
    )
    op.create_index(f"{TABLE}_version_idx", TABLE, ["version"])
