"""Index version per search document, for exact facet-cache keys.

Revision ID: 9e2f3a4b5c6d
Revises: 8c1d2e3f4a5b
Create Date: 2026-11-24
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "9e2f3a4b5c6d"
down_revision = "8c1d2e3f4a5b"
branch_labels = None
depends_on = None

TABLE = "territorio_search_doc"
SEQUENCE = "territorio_search_doc_version_seq"


def upgrade() -> None:
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


def downgrade() -> None:
    op.drop_column(TABLE, "version")
    op.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")
