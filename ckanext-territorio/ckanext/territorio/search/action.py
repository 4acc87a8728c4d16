"""package_search, guarded: its parameters validated and its queries capped first.

A chained action of the territorio_search plugin, so any site that loads the
plugin gets it, whatever its other plugins. The dataset, organization and
group pages call package_search too; they catch ``SearchQueryError`` (a 400
page), which is why the caps and text checks raise it, while malformed
parameters (which the pages never send) are a ``ValidationError`` (409).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import validate
from ckan.types import Action, Context, DataDict

from . import limits, params, schema

__all__ = ["package_search"]

# Parameters whose text reaches the query translator or the SQL.
_TEXT_PARAMETERS = ("q", "fq", "fq_list", "sort", "qf", "mm", "fl", "facet.field", "defType")
# User queries, capped in length, terms and nesting.
_QUERIES = ("q", "fq", "fq_list")


@tk.chained_action
@tk.side_effect_free
def package_search(original_action: Action, context: Context, data_dict: DataDict) -> Any:
    """Search datasets (CKAN's package_search), refusing hostile parameters first.

    Takes CKAN's parameters (q, fq, sort, rows, start, facet, facet.field,
    facet.limit, facet.mincount, include_private, include_drafts, ...).
    Malformed values answer ValidationError with the field and a Spanish
    message; text with NUL or lone surrogates, and queries over the caps
    (``ckanext.territorio.search.max_query_*``), answer SearchQueryError.
    """
    check_parameters(data_dict)
    return original_action(context, data_dict)


def check_parameters(data_dict: DataDict) -> None:
    """Raise ValidationError or SearchQueryError for what package_search must refuse."""
    if not isinstance(data_dict, dict):
        raise tk.ValidationError({"__root__": ["Los parámetros deben ser un objeto."]})
    for name in data_dict:
        if isinstance(name, str):
            limits.check_text("nombre de parámetro", name)
    _, errors = validate(dict(data_dict), schema.package_search_schema(), {})
    if errors:
        raise tk.ValidationError(errors)
    for name in _TEXT_PARAMETERS:
        if name in data_dict:
            limits.check_text(name, data_dict[name])
    for name in _QUERIES:
        for query in params.as_list(data_dict.get(name)):
            limits.check_query(name, query)
