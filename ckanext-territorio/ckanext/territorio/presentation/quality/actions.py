"""The quality actions as the pages call them (one place that names them)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ckan.plugins.toolkit as tk


def _context(ignore_auth: bool) -> Any:
    # a fresh context per call: actions add to the one they are given
    return {"ignore_auth": True} if ignore_auth else {}


def summary(
    group_by: str,
    filters: Mapping[str, str] | None = None,
    *,
    include_private: bool = False,
    worst: int = 0,
    ignore_auth: bool = False,
) -> dict[str, Any]:
    """territorio_quality_summary; `ignore_auth` once the caller checked access itself."""
    data_dict: dict[str, Any] = {"group_by": group_by, **(filters or {}), "worst": worst}
    if include_private:
        data_dict["include_private"] = True
    return tk.get_action("territorio_quality_summary")(_context(ignore_auth), data_dict)


def trend(
    *, organization: str | None = None, region: str | None = None, ignore_auth: bool = False
) -> dict[str, Any]:
    """The quality trend of an organization or a region (the whole portal without either)."""
    data_dict = {k: v for k, v in {"organization": organization, "region": region}.items() if v}
    return tk.get_action("territorio_quality_trend")(_context(ignore_auth), data_dict)
