"""Acting as the site user: the context the portal's own background work calls actions with."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def site_context(**flags: Any) -> dict[str, Any]:
    """A fresh context of the site user, auth ignored, with the given context flags."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"ignore_auth": True, "user": site_user["name"], **flags}
