"""Tables from the quality actions' answers (summary, trend, show), shared by every view."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ckan.plugins.toolkit as tk

from ...quality.dimension_means import DimensionMean
from . import labels
from .charts import RATING_COLOURS, Bar, Point, bar_chart, line_chart
from .formats import number, percent, points
from .tables import INTEGER, LINES, NUMBER, PERCENT, SHARE, Column, Table

Summary = Mapping[str, Any]


def rating_columns() -> tuple[Column, ...]:
    """One integer column per rating, in order."""
    return tuple(Column(key, labels.rating(key), INTEGER) for key in labels.RATINGS)


def _with_ratings(row: Mapping[str, Any]) -> dict[str, Any]:
    """A group or total flattened: its rating counts become columns of their own."""
    flat = {k: v for k, v in row.items() if k != "ratings"}
    ratings = row.get("ratings") or {}
    flat.update({key: ratings.get(key, 0) for key in labels.RATINGS})
    return flat


def aggregate_columns() -> tuple[Column, ...]:
    """The columns of an aggregate row: datasets, means, ratings, fresh and erroneous shares."""
    return (
        Column("datasets", tk._("Conjuntos de datos"), INTEGER),
        Column("mean_points", tk._("Puntaje medio"), NUMBER),
        Column("mean_percent", tk._("Porcentaje medio"), PERCENT),
        *rating_columns(),
        Column("share_fresh", tk._("Vigentes"), SHARE),
        Column("share_with_errors", tk._("Con errores"), SHARE),
    )


def groups_table(summary: Summary, group_by: str, name: str = "grupos", title: str = "") -> Table:
    """One row per group of the summary (organization, region, comuna or dimension)."""
    columns = (
        Column("label", labels.grouping(group_by)),
        Column("key", tk._("Código")),
        *aggregate_columns(),
    )
    rows = tuple(_with_ratings(group) for group in summary.get("groups") or [])
    return Table(name, title or tk._("Por {grouping}").format(grouping=labels.grouping(group_by).lower()),
                 columns, rows)


def total_row(summary: Summary) -> dict[str, Any]:
    """The summary's total as a row, with one key per rating."""
    return _with_ratings(summary.get("total") or {})


def distribution_table(summary: Summary) -> Table:
    """The histogram's bins: how many datasets score 0–10 %, 10–20 % ..."""
    rows = tuple(
        {"from": b["from"], "to": b["to"], "range": f"{b['from']:g}–{b['to']:g} %", "datasets": b["datasets"]}
        for b in summary.get("distribution") or []
    )
    return Table(
        "distribucion",
        tk._("Distribución de puntajes"),
        (
            Column("range", tk._("Puntaje (porcentaje del máximo)")),
            Column("from", tk._("Desde (porcentaje)"), NUMBER),
            Column("to", tk._("Hasta (porcentaje)"), NUMBER),
            Column("datasets", tk._("Conjuntos de datos"), INTEGER),
        ),
        rows,
    )


def ratings_table(summary: Summary) -> Table:
    """The table of datasets per rating, with their share of the total."""
    total = summary.get("total") or {}
    ratings = total.get("ratings") or {}
    count = total.get("datasets") or 0
    rows = tuple(
        {
            "rating": key,
            "label": labels.rating(key),
            "datasets": ratings.get(key, 0),
            "share": round(ratings.get(key, 0) / count, 3) if count else None,
        }
        for key in labels.RATINGS
    )
    return Table(
        "calificaciones",
        tk._("Calificaciones"),
        (
            Column("label", tk._("Calificación")),
            Column("rating", tk._("Código")),
            Column("datasets", tk._("Conjuntos de datos"), INTEGER),
            Column("share", tk._("Proporción"), SHARE),
        ),
        rows,
    )


def fix_texts(fixes: Sequence[Mapping[str, Any]], limit: int | None = None) -> list[str]:
    """"+15 puntos: Indique la licencia ..." for each fix, the largest gain first."""
    return [
        tk._("+{gain} puntos: {message}").format(gain=points(f.get("gain")), message=f.get("message", ""))
        for f in list(fixes)[:limit]
    ]


def worst_table(
    summary: Summary,
    name: str = "peores",
    title: str = "",
    org_titles: Mapping[str, str] | None = None,
) -> Table:
    """The summary's worst datasets with their fixes (org_titles: name → title)."""
    titles = org_titles or {}
    rows = tuple(
        {
            "title": item.get("title") or item.get("name"),
            "name": item.get("name"),
            "organization": titles.get(item.get("organization") or "", item.get("organization")),
            "points": item.get("points"),
            "percent": item.get("percent"),
            "rating": labels.rating(item.get("rating")),
            "fixes": fix_texts(item.get("fixes") or []),
        }
        for item in summary.get("worst") or []
    )
    return Table(
        name,
        title or tk._("Conjuntos de datos con menor puntaje"),
        (
            Column("title", tk._("Conjunto de datos")),
            Column("name", tk._("Nombre")),
            Column("organization", tk._("Organización")),
            Column("points", tk._("Puntaje"), NUMBER),
            Column("percent", tk._("Porcentaje"), PERCENT),
            Column("rating", tk._("Calificación")),
            Column("fixes", tk._("Cómo mejorarlo"), LINES),
        ),
        rows,
    )


def trend_table(trend: Mapping[str, Any]) -> Table:
    """The trend as a table: one row per date, with means and ratings."""
    rows = tuple(_with_ratings(point) for point in trend.get("points") or [])
    return Table(
        "tendencia",
        tk._("Evolución"),
        (
            Column("date", tk._("Fecha")),
            Column("datasets", tk._("Conjuntos de datos"), INTEGER),
            Column("mean_points", tk._("Puntaje medio"), NUMBER),
            Column("mean_percent", tk._("Porcentaje medio"), PERCENT),
            *rating_columns(),
        ),
        rows,
    )


def dimension_means_table(means: Sequence[DimensionMean]) -> Table:
    """Mean points per quality dimension (MQA's five, then the profile's own)."""
    rows = tuple(
        {
            "key": m.key,
            "label": labels.quality_dimension(m.key),
            "points": m.points,
            "max_points": m.max_points,
            "percent": m.percent,
        }
        for m in means
    )
    return Table(
        "dimensiones_calidad",
        tk._("Por dimensión de calidad"),
        (
            Column("label", tk._("Dimensión de calidad")),
            Column("key", tk._("Código")),
            Column("points", tk._("Puntaje medio"), NUMBER),
            Column("max_points", tk._("Máximo"), INTEGER),
            Column("percent", tk._("Porcentaje"), PERCENT),
        ),
        rows,
    )


# --- charts ---------------------------------------------------------------------------------


def distribution_chart(summary: Summary, chart_id: str = "grafico-distribucion") -> str:
    """The SVG bar chart of datasets per score band."""
    bins = summary.get("distribution") or []
    total = sum(b["datasets"] for b in bins)
    return bar_chart(
        [Bar(f"{b['from']:g}–{b['to']:g}", b["datasets"], number(b["datasets"], 0)) for b in bins],
        chart_id=chart_id,
        title=tk._("Distribución de puntajes"),
        description=tk._(
            "Número de conjuntos de datos por tramo de puntaje, en porcentaje del máximo; "
            "{n} conjuntos en total."
        ).format(n=total),
    )


def ratings_chart(summary: Summary, chart_id: str = "grafico-calificaciones") -> str:
    """The SVG bar chart of datasets per rating, in the rating colours."""
    ratings = (summary.get("total") or {}).get("ratings") or {}
    return bar_chart(
        [
            Bar(labels.rating(key), ratings.get(key, 0), number(ratings.get(key, 0), 0), RATING_COLOURS[key])
            for key in labels.RATINGS
        ],
        chart_id=chart_id,
        title=tk._("Calificaciones"),
        description=", ".join(
            f"{labels.rating(key)}: {ratings.get(key, 0)}" for key in labels.RATINGS
        ),
    )


def trend_chart(trend: Mapping[str, Any], chart_id: str = "grafico-tendencia") -> str:
    """The SVG line chart of the mean percentage over time."""
    points = trend.get("points") or []
    return line_chart(
        [Point(str(p["date"]), p.get("mean_percent") or 0, percent(p.get("mean_percent"))) for p in points],
        chart_id=chart_id,
        title=tk._("Evolución del porcentaje medio"),
        description=tk._("Porcentaje medio del puntaje máximo en cada fecha: {points}.").format(
            points=", ".join(f"{p['date']}: {percent(p.get('mean_percent'))}" for p in points)
        ),
    )

