"""Each document's score for each of its words: ``territorio_search_term``.

A one-word search ordered by relevance (``q=registros``, the landing page's
searches) ranked every match with ``ts_rank`` to keep 20: 17-26 ms at 10,000
datasets. With the score of each (word, document) kept, written with the
document, the best ones are read in order from the (lexeme, score) index
and the scan stops after a page (see ``search.terms``). Existing documents
are scored here, so no rebuild is needed.

Revision ID: b3d5f7a9c1e2
Revises: a7c2e4f6b8d0
Create Date: 2026-12-06
"""
from __future__ import annotations

from alembic import op

revision = "b3d5f7a9c1e2"
down_revision = "a7c2e4f6b8d0"
branch_labels = None
depends_on = None

DOC = "territorio_search_doc"
TERM = "territorio_search_term"
# The same expression as search.terms.SCORE (keep them equal).
SCORE = (
    "ts_rank('{0.1, 0.25, 0.5, 1.0}'::real[], d.search_vector, "
    "CAST('''' || replace(replace(u.lexeme, '\\', '\\\\'), '''', '''''') || '''' AS tsquery), 1)"
)


def upgrade() -> None:
    op.execute(
        f"""
        CREATE TABLE IF NOT EXISTS {TERM} (
            index_id text NOT NULL REFERENCES {DOC} (index_id) ON DELETE CASCADE,
            lexeme text NOT NULL,
            score real NOT NULL,
            PRIMARY KEY (index_id, lexeme)
        );
        CREATE INDEX IF NOT EXISTS {TERM}_lexeme_score_idx
            ON {TERM} (lexeme, score DESC NULLS LAST);
        INSERT INTO {TERM} (index_id, lexeme, score)
        SELECT d.index_id, u.lexeme, {SCORE}
        FROM {DOC} d, unnest(d.search_vector) u
        ON CONFLICT DO NOTHING;
        ANALYZE {TERM};
        """
    )


def downgrade() -> None:
    op.execute(f"DROP TABLE IF EXISTS {TERM}")
