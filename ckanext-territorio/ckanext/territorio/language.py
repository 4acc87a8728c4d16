"""The language of the request being served (Spanish first)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def current_lang() -> str:
    """The request's language, or the site default outside a request."""
    try:
        return tk.h.lang() or tk.config["ckan.locale_default"]
    except (RuntimeError, AttributeError, TypeError):
        return tk.config["ckan.locale_default"]
