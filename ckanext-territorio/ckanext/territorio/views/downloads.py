"""Every quality view as CSV or JSON: the same URL and filters plus ``formato=csv|json``
(and ``tabla=<name>`` for CSV, one table per file)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Response
from slugify import slugify

from ..presentation.quality.tables import Table, to_csv, to_json

FORMAT_PARAM = "formato"
TABLE_PARAM = "tabla"
FORMATS = ("csv", "json")


def requested_format(args: Mapping[str, Any]) -> str | None:
    """``csv``, ``json``, or None for the page itself; anything else is a 400."""
    value = (args.get(FORMAT_PARAM) or "").strip().lower()
    if not value or value == "html":
        return None
    if value not in FORMATS:
        raise tk.ValidationError(
            {FORMAT_PARAM: [tk._("Formato no disponible: «{value}» (use csv o json).").format(value=value)]}
        )
    return value


def file_name(*parts: str | None, today: date | None = None) -> str:
    """``calidad-region-cl-ar-2026-11-24``: the parts given, slugged, and today's date."""
    words = [slugify(p) for p in parts if p]
    return "-".join([*words, (today or date.today()).isoformat()])


def _attachment(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, content_type=f"{mimetype}; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def respond(
    fmt: str,
    args: Mapping[str, Any],
    *,
    view: str,
    title: str,
    tables: Sequence[Table],
    name: Sequence[str | None],
    default_table: str,
    meta: Mapping[str, Any] | None = None,
) -> Response:
    """The download: one table as CSV (``tabla``, else the view's main one), or all as JSON.

    name: the parts of the file name (``calidad``, the filters ...); the table and the date
    follow them.
    """
    if fmt == "json":
        return _attachment(
            to_json(view, title, tables, meta), "application/json", f"{file_name(*name)}.json"
        )
    by_name = {t.name: t for t in tables}
    wanted = (args.get(TABLE_PARAM) or default_table).strip()
    if wanted not in by_name:
        raise tk.ValidationError(
            {
                TABLE_PARAM: [
                    tk._("No existe la tabla «{value}»; las de esta página son: {names}.").format(
                        value=wanted, names=", ".join(by_name)
                    )
                ]
            }
        )
    return _attachment(to_csv(by_name[wanted]), "text/csv", f"{file_name(*name, wanted)}.csv")
