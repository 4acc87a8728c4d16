"""The search index table of the territorio_search plugin, in its current shape.

Until the engine became its own plugin the table was created by the
``territorio`` plugin's revisions (8c1d2e3f4a5b ... c6e9a1b2d3f4). A database
already at that head keeps its table and this revision only records itself; a
site running territorio_search alone gets the table here. The territorio
revision 8c1d2e3f4a5b skips the creation when this one ran first.

Revision ID: f1a2b3c4d5e6
Revises:
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR

revision = "f1a2b3c4d5e6"
down_revision = None
branch_labels = None
depends_on = None

TABLE = "territorio_search_doc"


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table(TABLE):
        return  # created by the territorio plugin's migrations (existing sites)
    # PostGIS is installed by the bootstrap as superuser; IF NOT EXISTS keeps
    # this a no-op for an unprivileged CKAN role.
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
    # Keep what every query reads inline in the heap (see territorio b5d8f0a1c2e3).
    op.execute(
        f"ALTER TABLE {TABLE} "
        "ALTER COLUMN fields SET STORAGE MAIN, "
        "ALTER COLUMN search_vector SET STORAGE MAIN, "
        "SET (toast_tuple_target = 4080)"
    )


def downgrade() -> None:
    op.execute(f"DROP TABLE IF EXISTS {TABLE}")
