"""Numbered facet values: ``facet_ids``/``facet_vector`` on every document, and their dictionary.

Facet counts group small integers picked out of one array instead of walking
each matching row's ``fields`` jsonb (see ``search.facets``). Existing rows
are numbered here from their ``fields``, with the rule ``search.facets.numbered``
applies (identifiers ``*_id`` but ``license_id`` stay unnumbered), so counts
stay exact without a rebuild.

Revision ID: a7c2e4f6b8d0
Revises: f1a2b3c4d5e6
Create Date: 2026-12-04
"""
from __future__ import annotations

from alembic import op

revision = "a7c2e4f6b8d0"
down_revision = "f1a2b3c4d5e6"
branch_labels = None
depends_on = None

DOC = "territorio_search_doc"
FIELD = "territorio_search_facet_field"
VALUE = "territorio_search_facet_value"
SEQUENCE = "territorio_search_facet_value_seq"
NUMBERED = (
    r"NOT (e.key LIKE '%\_id' AND e.key <> 'license_id') AND e.key NOT IN ('state', 'capacity', "
    "'dataset_type', 'entity_type', 'type', 'private', 'isopen', 'num_tags', 'num_resources', "
    "'site_id')"
)


def upgrade() -> None:
    op.execute(
        f"""
        CREATE TABLE IF NOT EXISTS {FIELD} (
            field_no serial PRIMARY KEY,
            field text NOT NULL UNIQUE
        );
        CREATE TABLE IF NOT EXISTS {VALUE} (
            id bigint PRIMARY KEY,
            field text NOT NULL,
            value text NOT NULL,
            UNIQUE (field, value)
        );
        CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} START 1;
        ALTER TABLE {DOC} ADD COLUMN IF NOT EXISTS facet_ids bigint[] NOT NULL DEFAULT '{{}}';
        ALTER TABLE {DOC} ALTER COLUMN facet_ids SET STORAGE MAIN;
        ALTER TABLE {DOC} ADD COLUMN IF NOT EXISTS facet_vector tsvector NOT NULL DEFAULT '';
        ALTER TABLE {DOC} ALTER COLUMN facet_vector SET STORAGE MAIN;
        -- What scans read stays inline and uncompressed; the stored documents,
        -- read only for the rows of a page, go out of line uncompressed.
        ALTER TABLE {DOC} ALTER COLUMN field_vector SET STORAGE MAIN,
            ALTER COLUMN doc SET STORAGE EXTERNAL,
            ALTER COLUMN data_dict SET STORAGE EXTERNAL,
            ALTER COLUMN validated_data_dict SET STORAGE EXTERNAL;

        INSERT INTO {FIELD} (field)
        SELECT DISTINCT e.key FROM {DOC} d, jsonb_each(d.fields) e WHERE {NUMBERED}
        ORDER BY 1 ON CONFLICT (field) DO NOTHING;

        INSERT INTO {VALUE} (id, field, value)
        SELECT (f.field_no::bigint << 32) | nextval('{SEQUENCE}'), w.key, w.value
        FROM (SELECT DISTINCT e.key, v.value
              FROM {DOC} d, jsonb_each(d.fields) e, jsonb_array_elements_text(e.value) v
              WHERE {NUMBERED} AND jsonb_typeof(e.value) = 'array') w
        JOIN {FIELD} f ON f.field = w.key
        ORDER BY w.key, w.value
        ON CONFLICT (field, value) DO NOTHING;

        UPDATE {DOC} d SET facet_ids = ARRAY[0::bigint] || coalesce((
            SELECT array_agg(DISTINCT fv.id ORDER BY fv.id)
            FROM jsonb_each(d.fields) e, jsonb_array_elements_text(e.value) v
            JOIN {VALUE} fv ON fv.value = v.value
            WHERE {NUMBERED} AND jsonb_typeof(e.value) = 'array' AND fv.field = e.key
        ), '{{}}');
        UPDATE {DOC} SET facet_vector = array_to_tsvector(facet_ids::text[]);
        """
    )


def downgrade() -> None:
    op.execute(
        f"ALTER TABLE {DOC} ALTER COLUMN field_vector SET STORAGE EXTENDED, "
        "ALTER COLUMN doc SET STORAGE EXTENDED, ALTER COLUMN data_dict SET STORAGE EXTENDED, "
        "ALTER COLUMN validated_data_dict SET STORAGE EXTENDED; "
        f"ALTER TABLE {DOC} DROP COLUMN IF EXISTS facet_ids, DROP COLUMN IF EXISTS facet_vector; "
        f"DROP TABLE IF EXISTS {VALUE}; DROP TABLE IF EXISTS {FIELD}; "
        f"DROP SEQUENCE IF EXISTS {SEQUENCE}"
    )
