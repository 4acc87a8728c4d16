"""Quality audit: standing scores, their history, batch runs and link checks.

Revision ID: d7f1a2b3c4e5
Revises: c6e9a1b2d3f4
Create Date: 2026-11-25
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "d7f1a2b3c4e5"
down_revision = "c6e9a1b2d3f4"
branch_labels = None
depends_on = None

SCORES = "territorio_quality_score"
HISTORY = "territorio_quality_history"
RUNS = "territorio_quality_run"
LINKS = "territorio_link_check"
RATING_CHECK = "IN ('excellent', 'good', 'sufficient', 'bad')"


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    if nullable:
        return sa.Column(name, sa.DateTime(timezone=True))
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade() -> None:
    op.create_table(
        SCORES,
        sa.Column("package_id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("dataset_type", sa.Text),
        sa.Column("organization", sa.Text),
        sa.Column("private", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("regions", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("comunas", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("dimensions_keys", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("profile", sa.Text, nullable=False),
        sa.Column("profile_version", sa.Text, nullable=False),
        sa.Column("points", sa.Float, nullable=False),
        sa.Column("max_points", sa.Float, nullable=False),
        sa.Column("rating", sa.Text, nullable=False),
        sa.Column("mqa_points", sa.Float, nullable=False),
        sa.Column("mqa_rating", sa.Text, nullable=False),
        sa.Column("fresh", sa.Boolean),
        sa.Column("has_errors", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("personal_findings", sa.Integer, nullable=False, server_default="0"),
        sa.Column("dimensions", JSONB, nullable=False, server_default="{}"),
        sa.Column("indicators", JSONB, nullable=False, server_default="[]"),
        sa.Column("fixes", JSONB, nullable=False, server_default="[]"),
        _timestamp("metadata_modified", nullable=True),
        _timestamp("scored_at"),
        sa.CheckConstraint(f"rating {RATING_CHECK}", name=f"{SCORES}_rating"),
        sa.CheckConstraint(f"mqa_rating {RATING_CHECK}", name=f"{SCORES}_mqa_rating"),
    )
    op.create_index(f"{SCORES}_organization_idx", SCORES, ["organization"])
    op.create_index(f"{SCORES}_points_idx", SCORES, ["points"])
    for column in ("regions", "comunas", "dimensions_keys"):
        op.create_index(f"{SCORES}_{column}_idx", SCORES, [column], postgresql_using="gin")

    op.create_table(
        HISTORY,
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("package_id", sa.Text, nullable=False),
        _timestamp("scored_at"),
        sa.Column("points", sa.Float, nullable=False),
        sa.Column("max_points", sa.Float, nullable=False),
        sa.Column("rating", sa.Text, nullable=False),
        sa.Column("mqa_points", sa.Float, nullable=False),
        sa.Column("profile_version", sa.Text, nullable=False),
    )
    op.create_index(f"{HISTORY}_package_idx", HISTORY, ["package_id", "scored_at"])

    op.create_table(
        RUNS,
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        _timestamp("started"),
        _timestamp("finished", nullable=True),
        sa.Column("status", sa.Text, nullable=False, server_default="running"),
        sa.Column("profile_version", sa.Text, nullable=False),
        sa.Column("datasets", sa.Integer, nullable=False, server_default="0"),
        sa.Column("summary", JSONB, nullable=False, server_default="{}"),
        sa.CheckConstraint(
            "status IN ('running', 'finished', 'failed')", name=f"{RUNS}_status"
        ),
    )
    op.create_index(f"{RUNS}_started_idx", RUNS, ["started"])

    op.create_table(
        LINKS,
        sa.Column("resource_id", sa.Text, primary_key=True),
        sa.Column("package_id", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("ok", sa.Boolean, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("status_code", sa.Integer),
        sa.Column("final_url", sa.Text),
        sa.Column("elapsed_ms", sa.Integer),
        sa.Column("message", sa.Text),
        _timestamp("checked_at"),
    )
    op.create_index(f"{LINKS}_package_idx", LINKS, ["package_id"])


def downgrade() -> None:
    op.drop_table(LINKS)
    op.drop_table(RUNS)
    op.drop_table(HISTORY)
    op.drop_table(SCORES)
