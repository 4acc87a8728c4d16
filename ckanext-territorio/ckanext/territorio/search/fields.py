"""How each Solr field of CKAN's schema is indexed here.

Mirrors ``ckan/config/solr/schema.xml`` (and ``deploy/solr``): analysed text
fields, dates, and everything else an exact string, as Solr's ``*`` dynamic
field is.
"""
from __future__ import annotations

import enum

# Fields with a real column in ``territorio_search_doc``; the rest live in the
# ``fields`` jsonb document.
COLUMNS = frozenset(
    {
        "id",
        "index_id",
        "site_id",
        "name",
        "state",
        "dataset_type",
        "entity_type",
        "capacity",
        "organization",
        "permission_labels",
        "metadata_created",
        "metadata_modified",
    }
)
ARRAY_COLUMNS = frozenset({"permission_labels"})
DATE_COLUMNS = frozenset({"metadata_created", "metadata_modified"})

# Stored in their own columns and never part of ``doc``/``fields``.
BLOBS = frozenset({"data_dict", "validated_data_dict"})

# Exact values kept out of the ``fields`` jsonb, which every broad search and
# facet count reads: fields answered by real columns, Solr's sort-only copy
# of the title, and extents (filtered through the geometry column).
NOT_IN_FIELDS = frozenset(
    {
        "id", "index_id", "site_id", "name", "metadata_created", "metadata_modified",
        "permission_labels", "title_string", "spatial", "spatial_geom",
        # Links and licence texts: shown through ``fl``, never used as filters.
        "url", "res_url", "urls", "license_url", "license_title",
    }
)
# Longer exact values are stored (``fl``) but not filterable: nobody filters
# on a whole paragraph, and they would slow every facet count.
MAX_EXACT_VALUE = 256

# Text fields whose weight is theirs alone, so ``title:x`` / ``notes:x`` are
# answered by ``search_vector`` with a weight label instead of ``field_vector``.
EXCLUSIVE_WEIGHTS: dict[str, str] = {"title": "A", "notes": "C"}

# Text fields searched as a whole by unfielded queries, with their weight (A
# highest): Solr's ``qf = name^4 title^4 tags^2 groups^2 text``.
WEIGHTS: dict[str, str] = {
    "title": "A",
    "name": "B",
    "tags": "B",
    "groups": "B",
    "organization": "B",
    "organization_title": "B",
    "notes": "C",
}
DEFAULT_WEIGHT = "D"

_TEXT_FIELDS = frozenset(
    {
        "title",
        "notes",
        "text",
        "urls",
        "author",
        "author_email",
        "maintainer",
        "maintainer_email",
        "res_name",
        "res_description",
        "depends_on",
        "dependency_of",
        "derives_from",
        "has_derivation",
        "links_to",
        "linked_from",
        "child_of",
        "parent_of",
    }
)
_TEXT_PREFIXES = ("extras_", "res_extras_")

# Exact fields whose values also feed the unfielded full text (Solr copyFields).
_COPIED_TO_TEXT = frozenset(
    {"name", "tags", "groups", "organization", "license", "url", "res_url"}
)
_COPIED_PREFIXES = ("vocab_",)

# Never useful as free text: identifiers and hashes.
_NOT_TEXT = frozenset(
    {"id", "index_id", "site_id", "owner_org", "creator_user_id", "revision_id"}
)


class Kind(enum.Enum):
    """Solr field type families of CKAN's schema."""

    TEXT = "text"
    DATE = "date"
    STRING = "string"


def kind(field: str) -> Kind:
    """The Solr field type family of ``field``."""
    if field in _TEXT_FIELDS or field.startswith(_TEXT_PREFIXES):
        return Kind.TEXT
    if field in DATE_COLUMNS or field.endswith("_date") or field == "indexed_ts":
        return Kind.DATE
    return Kind.STRING


def feeds_full_text(field: str) -> bool:
    """Whether ``field``'s values are searched by unfielded queries."""
    if field in _NOT_TEXT or field in BLOBS:
        return False
    return (
        kind(field) is Kind.TEXT
        or field in _COPIED_TO_TEXT
        or field.startswith(_COPIED_PREFIXES)
    )


def weight(field: str) -> str:
    """The tsvector weight (A-D) of ``field``'s terms in unfielded search."""
    return WEIGHTS.get(field, DEFAULT_WEIGHT)
