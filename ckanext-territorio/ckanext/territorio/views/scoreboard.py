"""/tablero: the public scoreboard, its embeddable versions and its downloads.

- /tablero: regions and dimensions (datasets, initiatives, mean quality, freshness), the
  region × dimension quality matrix with the plan's leads, the ranking of comunas, and the
  citizens' demand (data requests by region and dimension, open and answered);
- /tablero/embed[?region=<iso>]: the same, small, for an iframe on any site;
- /tablero/<iso>.svg: a region's card as an image.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, request

from .. import current
from ..presentation.quality import demand as demand_data
from ..presentation.quality import scoreboard as scoreboard_data
from ..presentation.quality import scoreboard_charts
from ..presentation.quality.badge import region_svg
from ..vocab import Region, normalise_region_code
from . import downloads, frames
from .errors import handle_errors

scoreboard = handle_errors(Blueprint("territorio_scoreboard", __name__))
EMBED_PARAM = "insertar"


def _region(iso: str | None, param: str) -> Region | None:
    """The region a parameter names (ISO, CUT or roman numeral); a 400 when unknown."""
    if not iso:
        return None
    fw = current.framework()
    try:
        canonical = normalise_region_code(iso, fw=fw)
    except ValueError:
        canonical = None
    if canonical is None or canonical not in fw.region_by_iso:
        raise tk.ValidationError({param: [tk._("No existe la región «{iso}».").format(iso=iso)]})
    return fw.region_by_iso[canonical]


@scoreboard.route("/tablero", strict_slashes=False)
def index() -> Any:
    """The national scoreboard, with the snippets that embed a region elsewhere."""
    fmt = downloads.requested_format(request.args)
    fw = current.framework()
    chosen = _region(request.args.get(EMBED_PARAM), EMBED_PARAM)
    board = scoreboard_data.build()
    demand = demand_data.build()
    tables = {**board.tables, **demand.tables}
    if fmt:
        return downloads.respond(
            fmt,
            request.args,
            view="tablero",
            title=tk._("Tablero territorial de datos abiertos"),
            tables=list(tables.values()),
            name=["tablero"],
            default_table="regiones",
            meta={"profile_version": board.profile_version},
        )
    return tk.render(
        "territorio/quality/scoreboard.html",
        {
            "board": board,
            "demand": demand,
            "tables": tables,
            "charts": scoreboard_charts.build(board),
            "bands": scoreboard_charts.rating_legend(),
            "heat": scoreboard_charts.heat_scale(),
            "fw": fw,
            # the snippets show the chosen region, else the first one with scored datasets
            "embedded": chosen or next(
                (fw.region_by_iso[r.key] for r in board.regions
                 if r.quality.scored and r.key in fw.region_by_iso),
                fw.regions[0],
            ),
            "embed_param": EMBED_PARAM,
        },
    )


@scoreboard.route("/tablero/embed")
def embed() -> Response:
    """The scoreboard without the site's header and footer, for an iframe on any site."""
    region = _region(request.args.get("region"), "region")
    if region is None:
        context: dict[str, Any] = {"board": scoreboard_data.build(), "region": None}
    else:
        context = {"region_board": scoreboard_data.region_board(region), "region": region}
    response = Response(tk.render("territorio/quality/embed.html", context), mimetype="text/html")
    return frames.any_site(response)


@scoreboard.route("/tablero/<iso>.svg")
def badge(iso: str) -> Response:
    """A region's card as an SVG image (an <img> on a municipal site)."""
    try:
        region = _region(iso, "region")
    except tk.ValidationError as error:
        raise tk.ObjectNotFound(tk._("No existe la región «{iso}».").format(iso=iso)) from error
    if region is None:
        raise tk.ObjectNotFound(tk._("No existe la región «{iso}».").format(iso=iso))
    if region.iso != iso:
        return tk.redirect_to("territorio_scoreboard.badge", iso=region.iso)
    body = region_svg(scoreboard_data.region_board(region))
    response = Response(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + body, content_type="image/svg+xml; charset=utf-8"
    )
    return frames.any_site(response)
