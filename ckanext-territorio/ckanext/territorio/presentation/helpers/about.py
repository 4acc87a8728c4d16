"""What the /about page says about this portal: the plan, licences, quality, contact."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ... import config, current
from ...language import current_lang
from ...quality import service as quality_service

__all__ = ["territorio_about"]


def territorio_about() -> dict[str, Any]:
    """The figures and names the page quotes, from the framework, policy and scoring files."""
    fw = current.framework()
    lang = current_lang()
    licence_rule = current.policy().rule("metadata.license")
    titles = {item["id"]: item["title"] for item in tk.get_action("license_list")({}, {})}
    open_ids = list(licence_rule.params["abiertas"])
    preferred = licence_rule.params.get("por_defecto") or (open_ids[0] if open_ids else "")
    quality = current.quality()
    profile = quality.profiles[quality_service.profile_id()]
    return {
        "dimensions": [(d.slug, d.label.get(lang)) for d in fw.dimensions if not d.cross_cutting],
        "regions": len(fw.regions),
        "open_licences": [(key, titles.get(key, key)) for key in open_ids],
        "preferred_licence": (preferred, titles.get(preferred, preferred)),
        "profile": profile.title.get(lang),
        "max_points": int(profile.max_points),
        "methodology": quality.methodology,
        "contact_email": config.contact_email(),
    }
