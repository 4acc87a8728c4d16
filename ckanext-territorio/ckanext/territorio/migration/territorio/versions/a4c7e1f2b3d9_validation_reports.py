"""Policy validation reports and publication holds.

Revision ID: a4c7e1f2b3d9
Revises: 9e2f3a4b5c6d
Create Date: 2026-11-24
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "a4c7e1f2b3d9"
down_revision = "9e2f3a4b5c6d"
branch_labels = None
depends_on = None

REPORTS = "territorio_validation_report"
HOLDS = "territorio_publication_hold"


def upgrade() -> None:
    op.create_table(
        REPORTS,
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("package_id", sa.Text, nullable=False),
        sa.Column("resource_id", sa.Text),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("policy_version", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.Text),
        sa.Column("passed", sa.Boolean),
        sa.Column("error_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("warning_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rules", JSONB, nullable=False, server_default="[]"),
        sa.Column("stats", JSONB, nullable=False, server_default="{}"),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("started", sa.DateTime(timezone=True)),
        sa.Column("finished", sa.DateTime(timezone=True)),
        sa.Column("accepted_by", sa.Text),
        sa.Column("accepted_at", sa.DateTime(timezone=True)),
        sa.Column("acceptance_note", sa.Text),
        sa.CheckConstraint("kind IN ('content', 'metadata', 'dcat')", name=f"{REPORTS}_kind"),
        sa.CheckConstraint(
            "status IN ('pending', 'running', 'done', 'failed')", name=f"{REPORTS}_status"
        ),
    )
    op.create_index(f"{REPORTS}_resource_idx", REPORTS, ["resource_id", "created"])
    op.create_index(f"{REPORTS}_package_idx", REPORTS, ["package_id", "kind", "created"])
    op.create_table(
        HOLDS,
        sa.Column("package_id", sa.Text, primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def downgrade() -> None:
    op.drop_table(HOLDS)
    op.drop_table(REPORTS)
