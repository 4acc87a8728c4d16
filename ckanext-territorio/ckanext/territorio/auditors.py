"""The policy-auditor role: users whose ``plugin_extras["territorio"]["auditor"]`` is true.

Auditors read every organization's quality scores and validation reports, private datasets
included, and write nothing: the role grants reads only, never membership.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import authz, model
from ckan.types import Context

from .site import site_context

EXTRAS_KEY = "territorio"
FLAG = "auditor"


def flag_of(user: model.User | None) -> bool:
    """Whether the user is active and flagged as an auditor."""
    if user is None or user.state != "active":
        return False
    extras = user.plugin_extras or {}
    section = extras.get(EXTRAS_KEY) if isinstance(extras, dict) else None
    return bool(isinstance(section, dict) and section.get(FLAG) is True)


def context_user(context: Context) -> model.User | None:
    """The user of the action's context, or None."""
    user = context.get("auth_user_obj")
    if isinstance(user, model.User):
        return user
    name = context.get("user")
    return model.User.get(name) if name else None


def is_auditor(context: Context) -> bool:
    """Whether the calling user holds the auditor role (sysadmins are checked apart)."""
    return flag_of(context_user(context))


def is_auditor_or_sysadmin(context: Context) -> bool:
    """Whether the context's user is a sysadmin or an auditor."""
    user = context_user(context)
    return user is not None and (authz.is_sysadmin(user.name) or flag_of(user))


def set_flag(user_name: str, auditor: bool) -> dict[str, Any]:
    """Grant or withdraw the role through user_update (as the site user); the user's dict."""
    user = tk.get_action("user_show")(
        site_context(), {"id": user_name, "include_plugin_extras": True}
    )
    extras = dict(user.get("plugin_extras") or {})
    section = dict(extras.get(EXTRAS_KEY) or {})
    if auditor:
        section[FLAG] = True
    else:
        section.pop(FLAG, None)
    if section:
        extras[EXTRAS_KEY] = section
    else:
        extras.pop(EXTRAS_KEY, None)
    return tk.get_action("user_patch")(
        site_context(), {"id": user["id"], "plugin_extras": extras}
    )


def auditors() -> list[model.User]:
    """Active users holding the role, by name."""
    users = (
        model.Session.query(model.User)
        .filter(model.User.state == "active", model.User.plugin_extras.isnot(None))
        .order_by(model.User.name)
        .all()
    )
    return [u for u in users if flag_of(u)]
