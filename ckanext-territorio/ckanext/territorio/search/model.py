"""The search index table: one row per indexed CKAN dataset document."""
from __future__ import annotations

import datetime

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column


class SearchDoc(tk.BaseModel):  # type: ignore[misc, valid-type]
    """A dataset as the search engine sees it (the Solr document CKAN builds).

    ``fields`` holds every exact (string/date) field as a list of strings, for
    filters and facets; ``doc`` is the stored document returned through ``fl``;
    the two tsvectors are built by ``search.document`` with the Spanish analyser.
    """

    __tablename__ = "territorio_search_doc"

    index_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    id: Mapped[str] = mapped_column(sa.Text, nullable=False)
    site_id: Mapped[str] = mapped_column(sa.Text, nullable=False)
    name: Mapped[str | None] = mapped_column(sa.Text)
    title_sort: Mapped[str | None] = mapped_column(sa.Text)
    state: Mapped[str | None] = mapped_column(sa.Text)
    dataset_type: Mapped[str | None] = mapped_column(sa.Text)
    entity_type: Mapped[str | None] = mapped_column(sa.Text)
    capacity: Mapped[str | None] = mapped_column(sa.Text)
    organization: Mapped[str | None] = mapped_column(sa.Text)
    permission_labels: Mapped[list[str]] = mapped_column(
        ARRAY(sa.Text), nullable=False, server_default="{}"
    )
    metadata_created: Mapped[datetime.datetime | None] = mapped_column(
        sa.DateTime(timezone=True)
    )
    metadata_modified: Mapped[datetime.datetime | None] = mapped_column(
        sa.DateTime(timezone=True)
    )
    indexed_at: Mapped[datetime.datetime] = mapped_column(
        sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )
    doc: Mapped[dict] = mapped_column(JSONB, nullable=False)
    fields: Mapped[dict] = mapped_column(JSONB, nullable=False)
    data_dict: Mapped[str | None] = mapped_column(sa.Text)
    validated_data_dict: Mapped[str | None] = mapped_column(sa.Text)
    search_vector: Mapped[str] = mapped_column(TSVECTOR, nullable=False)
    field_vector: Mapped[str] = mapped_column(TSVECTOR, nullable=False)
    geom = mapped_column(
        Geometry(geometry_type="GEOMETRY", srid=4326, spatial_index=False)
    )
    # 0, then the numbers of the document's exact values (search.facets).
    facet_ids: Mapped[list[int]] = mapped_column(
        ARRAY(sa.BigInteger), nullable=False, server_default="{}"
    )
    # The same numbers as lexemes, counted by ts_stat.
    facet_vector: Mapped[str] = mapped_column(TSVECTOR, nullable=False, server_default="")


class SearchFacetField(tk.BaseModel):  # type: ignore[misc, valid-type]
    """A field whose values are numbered for facet counting (its number: the high 32 bits)."""

    __tablename__ = "territorio_search_facet_field"

    field_no: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    field: Mapped[str] = mapped_column(sa.Text, nullable=False, unique=True)


class SearchFacetValue(tk.BaseModel):  # type: ignore[misc, valid-type]
    """One exact value of one field, numbered once: ``field_no << 32 | n``."""

    __tablename__ = "territorio_search_facet_value"
    __table_args__ = (sa.UniqueConstraint("field", "value"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    field: Mapped[str] = mapped_column(sa.Text, nullable=False)
    value: Mapped[str] = mapped_column(sa.Text, nullable=False)


class SearchTerm(tk.BaseModel):  # type: ignore[misc, valid-type]
    """A document's ``ts_rank`` for one of its lexemes alone (``search.terms``)."""

    __tablename__ = "territorio_search_term"
    __table_args__ = (
        sa.Index(
            "territorio_search_term_lexeme_score_idx", "lexeme", sa.text("score DESC NULLS LAST")
        ),
    )

    index_id: Mapped[str] = mapped_column(
        sa.Text, sa.ForeignKey("territorio_search_doc.index_id", ondelete="CASCADE"),
        primary_key=True,
    )
    lexeme: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    score: Mapped[float] = mapped_column(sa.REAL, nullable=False)
