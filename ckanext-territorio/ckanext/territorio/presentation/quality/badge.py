"""The scoreboard's image of a region (/tablero/<iso>.svg), for municipal sites."""
from __future__ import annotations

from datetime import date

import ckan.plugins.toolkit as tk

from .charts import Stat, card
from .formats import number, percent, share
from .scoreboard import RegionBoard


def region_svg(board: RegionBoard, today: date | None = None) -> str:
    """A card with the region's datasets, initiatives, mean quality and freshness."""
    row = board.row
    notes = [tk._("★ Región líder en {dimension}").format(dimension=lead) for lead in row.leads[:2]]
    if board.comunas:
        best = board.comunas[0]
        notes.append(
            tk._("Mejor comuna: {name}, {rank}.º de {total} en el país ({quality})").format(
                name=best.name, rank=best.rank, total=board.ranked_comunas,
                quality=percent(best.quality.mean_percent),
            )
        )
    site = tk.config.get("ckan.site_title") or "Territorio Inteligente"
    return card(
        chart_id=f"tablero-{board.region.iso.lower()}",
        kicker=tk._("{site} · Tablero de datos abiertos").format(site=site),
        title=board.region.official_name,
        stats=[
            Stat(tk._("conjuntos de datos"), number(row.datasets, 0)),
            Stat(tk._("iniciativas"), number(row.initiatives, 0)),
            Stat(tk._("calidad media"), percent(row.quality.mean_percent)),
            Stat(tk._("vigentes"), share(row.quality.share_fresh)),
        ],
        notes=notes,
        footer=tk._("Datos del {date} · {url}").format(
            date=(today or date.today()).isoformat(),
            url=tk.config.get("ckan.site_url", "").removeprefix("https://").removeprefix("http://"),
        ),
    )
