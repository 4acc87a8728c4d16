"""Search index table for the embedded PostgreSQL search backend.

Revision ID: 8c1d2e3f4a5b
Revises:
Create Date: 2026-11-24
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR

revision = "8c1d2e3f4a5b"
down_revision = None
branch_labels = None
depends_on = None

TABLE = "territorio_search_doc"


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table(TABLE):
        return  # territorio_search's own migration (f1a2b3c4d5e6) ran first
    # PostGIS is installed by the bootstrap as superuser (in schema "postgis");
    # IF NOT EXISTS keeps this a no-op for the unprivileged CKAN role.
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        TABLE,
        sa.Column("index_id", sa.Text, primary_key=True),
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("site_id", sa.Text, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("title_sort", sa.Text),
        sa.Column("state", sa.Text),
        sa.Column("dataset_type", sa.Text),
        sa.Column("entity_type", sa.Text),
        sa.Column("capacity", sa.Text),
        sa.Column("organization", sa.Text),
        sa.Column(
            "permission_labels", ARRAY(sa.Text), nullable=False, server_default="{}"
        ),
        sa.Column("metadata_created", sa.DateTime(timezone=True)),
        sa.Column("metadata_modified", sa.DateTime(timezone=True)),
        sa.Column(
            "indexed_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now(),
        ),
        sa.Column("doc", JSONB, nullable=False),
        sa.Column("fields", JSONB, nullable=False),
        sa.Column("data_dict", sa.Text),
        sa.Column("validated_data_dict", sa.Text),
        sa.Column("search_vector", TSVECTOR, nullable=False),
        sa.Column("field_vector", TSVECTOR, nullable=False),
        sa.Column(
            "geom",
            Geometry(geometry_type="GEOMETRY", srid=4326, spatial_index=False),
        ),
    )
    op.create_index(f"{TABLE}_id_idx", TABLE, ["id"])
    op.create_index(
        f"{TABLE}_name_idx", TABLE, ["name"], postgresql_ops={"name": "text_pattern_ops"}
    )
    op.create_index(f"{TABLE}_title_sort_idx", TABLE, ["title_sort"])
    op.create_index(f"{TABLE}_modified_idx", TABLE, ["metadata_modified"])
    op.create_index(f"{TABLE}_created_idx", TABLE, ["metadata_created"])
    op.create_index(f"{TABLE}_organization_idx", TABLE, ["organization"])
    for column in ("search_vector", "field_vector", "fields", "permission_labels"):
        op.create_index(
            f"{TABLE}_{column}_gin", TABLE, [column], postgresql_using="gin"
        )
    op.create_index(f"{TABLE}_geom_gist", TABLE, ["geom"], postgresql_using="gist")


def downgrade() -> None:
    op.drop_table(TABLE)
