"""The package_search calls behind the pages: filters by field, facet counts, listings."""
from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk

from ..site import site_context

DATASET = "dataset"
INITIATIVE = "iniciativa"

# Newest first, as "latest datasets" lists read.
NEWEST_FIRST = "metadata_modified desc"
_PAGE = 1000


@dataclass(frozen=True)
class Found:
    """One search: the hit count, the records asked for and every facet's counts."""

    count: int
    results: list[dict[str, Any]]
    facets: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    # display names CKAN gives facet values (organization titles)
    titles: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def facet(self, name: str) -> Mapping[str, int]:
        """A facet's counts by value (empty when not asked for)."""
        return self.facets.get(name, {})

    def title(self, facet: str, value: str) -> str:
        """A facet value's display title (the value itself when it has none)."""
        return self.titles.get(facet, {}).get(value, value)


def _quoted(value: str) -> str:
    return '"{}"'.format(value.replace("\\", "\\\\").replace('"', '\\"'))


def filter_query(dataset_type: str, filters: Mapping[str, str] | None = None) -> str:
    """``+dataset_type:dataset +dimension:"salud"`` for the type and each field filter."""
    clauses = [f"+dataset_type:{dataset_type}"]
    clauses += [f"+{name}:{_quoted(value)}" for name, value in (filters or {}).items()]
    return " ".join(clauses)


def find(
    dataset_type: str,
    filters: Mapping[str, str] | None = None,
    *,
    facets: Sequence[str] = (),
    rows: int = 0,
    sort: str = NEWEST_FIRST,
    fl: Sequence[str] = (),
    start: int = 0,
    public: bool = False,
) -> Found:
    """One package_search as the current user, with every value of each facet counted;
    with `public`, as anyone sees it: the public datasets only, whoever is logged in."""
    data_dict: dict[str, Any] = {
        "fq": filter_query(dataset_type, filters),
        "rows": rows,
        "start": start,
        "sort": sort,
        # the same visibility as the search page the counts link to
        "include_private": False if public else tk.config["ckan.search.default_include_private"],
    }
    if facets:
        data_dict.update(
            {"facet.field": json.dumps(list(facets)), "facet.limit": -1, "facet.mincount": 1}
        )
    else:
        data_dict["facet"] = "false"
    if fl:
        data_dict["fl"] = list(fl)
    # public: the site user's context, so the caller's memberships (and sysadmin rights) add
    # nothing; without private datasets CKAN filters on `capacity:public` for everyone
    context = site_context() if public else {}
    result = tk.get_action("package_search")(context, data_dict)
    titles = {
        name: {item["name"]: item.get("display_name") or item["name"] for item in facet["items"]}
        for name, facet in (result.get("search_facets") or {}).items()
    }
    return Found(
        count=result["count"],
        results=result["results"],
        facets=result.get("facets") or {},
        titles=titles,
    )


def find_all(
    dataset_type: str, fl: Sequence[str], filters: Mapping[str, str] | None = None
) -> Iterator[dict[str, Any]]:
    """Every matching record with only the fields in `fl`, a page of searches at a time."""
    start = 0
    while True:
        found = find(dataset_type, filters, rows=_PAGE, fl=fl, start=start, sort="name asc")
        yield from found.results
        start += len(found.results)
        if not found.results or start >= found.count:
            return
