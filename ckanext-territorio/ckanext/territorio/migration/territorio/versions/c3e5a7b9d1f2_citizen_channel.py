"""The citizen channel: data requests, their votes, comments and datasets, and reports.

Revision ID: c3e5a7b9d1f2
Revises: b2d4f6a8c0e1
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "c3e5a7b9d1f2"
down_revision = "b2d4f6a8c0e1"
branch_labels = None
depends_on = None


def _created() -> sa.Column:
    return sa.Column("created", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade() -> None:
    op.create_table(
        "territorio_request",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="abierta"),
        sa.Column("status_reason", sa.Text),
        *(sa.Column(name, ARRAY(sa.Text), nullable=False, server_default="{}")
          for name in ("dimension", "subdimension", "region", "comuna")),
        sa.Column("organization_id", sa.Text, index=True),
        sa.Column("creator_user_id", sa.Text, nullable=False, index=True),
        _created(),
        sa.Column("modified", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("closed", sa.DateTime(timezone=True)),
        sa.Column("held", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("address_hash", sa.Text),
    )
    op.create_table(
        "territorio_request_vote",
        sa.Column("request_id", sa.Text, sa.ForeignKey("territorio_request.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("user_id", sa.Text, primary_key=True),
        _created(),
    )
    op.create_table(
        "territorio_request_comment",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("request_id", sa.Text, sa.ForeignKey("territorio_request.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("user_id", sa.Text, nullable=False, index=True),
        sa.Column("text", sa.Text, nullable=False),
        _created(),
        sa.Column("held", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("address_hash", sa.Text),
    )
    op.create_table(
        "territorio_request_dataset",
        sa.Column("request_id", sa.Text, sa.ForeignKey("territorio_request.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("package_id", sa.Text, primary_key=True),
    )
    op.create_table(
        "territorio_report",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("package_id", sa.Text, nullable=False, index=True),
        sa.Column("resource_id", sa.Text),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("user_id", sa.Text, nullable=False, index=True),
        sa.Column("status", sa.Text, nullable=False, server_default="abierto"),
        sa.Column("answer", sa.Text),
        _created(),
        sa.Column("closed", sa.DateTime(timezone=True)),
        sa.Column("held", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("urgent", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("address_hash", sa.Text),
    )


def downgrade() -> None:
    for table in ("territorio_report", "territorio_request_dataset", "territorio_request_comment",
                  "territorio_request_vote", "territorio_request"):
        op.drop_table(table)
