"""Core actions that reveal private datasets, chained so that they answer only what the caller
may see: the tags of ``tag_list``/``tag_autocomplete`` and the dataset ids of ``member_list``.

CKAN 2.12 lists every tag in the Tag table and every member row of a group, private datasets'
included, to anyone (anonymous callers too).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Action, Context, DataDict

__all__ = ["member_list", "tag_autocomplete", "tag_list"]


def _visible_tags(context: Context) -> set[str]:
    """The free tags of the datasets the caller can find (their own private ones included)."""
    result = tk.get_action("package_search")(
        {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")},
        {"q": "*:*", "rows": 0, "facet.field": ["tags"], "facet.limit": -1,
         "include_private": True},
    )
    return set(result.get("facets", {}).get("tags", {}))


def _tag_name(tag: Any) -> str:
    return str(tag["name"] if isinstance(tag, dict) else tag)


@tk.chained_action
@tk.side_effect_free
def tag_list(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """Core's tag_list, without the tags only private datasets the caller cannot read carry
    (vocabulary tags, given with ``vocabulary_id``, are listed as core lists them)."""
    tags = up_func(context, data_dict)
    if data_dict.get("vocabulary_id"):
        return tags
    visible = _visible_tags(context)
    return [tag for tag in tags if _tag_name(tag) in visible]


@tk.chained_action
@tk.side_effect_free
def tag_autocomplete(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """Core's tag_autocomplete, limited to the tags of datasets the caller can find."""
    names = up_func(context, data_dict)
    if data_dict.get("vocabulary_id"):
        return names
    visible = _visible_tags(context)
    return [name for name in names if name in visible]


def _readable(context: Context, package_id: str) -> bool:
    try:
        tk.check_access("package_show", {"user": context.get("user")}, {"id": package_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


@tk.chained_action
@tk.side_effect_free
def member_list(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """Core's member_list without the datasets the caller may not read."""
    members = up_func(context, data_dict)
    package_ids = [m[0] for m in members if m[1] == "package"]
    if not package_ids:
        return members
    hidden_candidates = {
        package_id
        for (package_id,) in model.Session.query(model.Package.id).filter(
            model.Package.id.in_(package_ids),
            (model.Package.private.is_(True)) | (model.Package.state != "active"),
        )
    }
    hidden = {pid for pid in hidden_candidates if not _readable(context, pid)}
    return [m for m in members if not (m[1] == "package" and m[0] in hidden)]
