"""The printable report of a region (/calidad/region/<iso>.pdf) for policy staff."""
from __future__ import annotations

from datetime import UTC, datetime

import ckan.plugins.toolkit as tk
from babel.dates import format_date

from ... import current
from ...language import current_lang
from ...quality.dimension_means import dimension_means
from ...vocab import Region
from ..helpers.pages import territorio_assignment_label
from . import actions, labels
from .formats import number, percent, share
from .printable import Report, Section
from .summary_tables import dimension_means_table, groups_table, total_row, worst_table
from .tables import Column, Table

WORST = 25


def build(region: Region, now: datetime | None = None) -> Report:
    """Five summaries of the region (by comuna, dimension, organization; worst datasets)."""
    now = now or datetime.now(UTC)
    fw = current.framework()
    where = {"region": region.iso}
    by_comuna = actions.summary("comuna", where, include_private=True, worst=WORST)
    by_dimension = actions.summary("dimension", where, include_private=True)
    by_organization = actions.summary("organization", where, include_private=True)
    total = total_row(by_comuna)
    # the public scoreboard counts public datasets only: the report gives both figures
    public = total_row(actions.summary("comuna", where, include_private=False))
    max_points = by_comuna.get("max_points")
    lang = current_lang()

    leads = [a for a in fw.assignments if a.region == region.iso]
    facts = [
        (
            tk._("Conjuntos de datos evaluados"),
            tk._("{all} (privados incluidos); {public} públicos, los que cuenta el tablero").format(
                all=number(total.get("datasets"), 0), public=number(public.get("datasets"), 0)
            ),
        ),
        (
            tk._("Puntaje medio"),
            tk._("{points} de {max}").format(
                points=number(total.get("mean_points")), max=number(max_points, 0)
            ),
        ),
        (tk._("Porcentaje medio del máximo"), percent(total.get("mean_percent"))),
        (
            tk._("Calificaciones"),
            " · ".join(f"{labels.rating(k)} {number(total.get(k), 0)}" for k in labels.RATINGS),
        ),
        (tk._("Vigentes (actualizados según su frecuencia)"), share(total.get("share_fresh"))),
        (tk._("Con errores de validación"), share(total.get("share_with_errors"))),
    ]
    if leads:
        facts.append(
            (tk._("Asignación del plan"), "; ".join(territorio_assignment_label(a) for a in leads))
        )
    comunas = groups_table(by_comuna, "comuna", name="comunas", title=tk._("Por comuna"))
    dimensions = groups_table(
        by_dimension, "dimension", name="dimensiones", title=tk._("Por dimensión del plan")
    )
    organizations = groups_table(
        by_organization, "organization", name="organizaciones", title=tk._("Por organización")
    )
    quality = dimension_means_table(dimension_means(region=region.iso, include_private=True))
    worst = worst_table(
        by_comuna,
        title=tk._("Conjuntos de datos con menor puntaje y cómo mejorarlos"),
        org_titles={g["key"]: g.get("label") or g["key"] for g in by_organization.get("groups") or []},
    )
    compact = ("label", "datasets", "mean_percent", "share_fresh", "share_with_errors")
    date_text = format_date(now.date(), format="long", locale=lang)
    site = tk.config.get("ckan.site_title") or "Territorio Inteligente"
    profile = f"{by_comuna.get('profile', '')} {by_comuna.get('profile_version', '')}".strip()
    return Report(
        title=tk._("Calidad de los datos: {region}").format(region=region.official_name),
        subtitle=tk._("Reporte del {date} · perfil de evaluación {profile}").format(
            date=date_text, profile=profile
        ),
        facts=facts,
        sections=[
            Section(_only(comunas, compact), widths=(0.36, 0.16, 0.16, 0.16, 0.16),
                    empty=tk._("Ninguna comuna de la región tiene conjuntos de datos evaluados.")),
            Section(_only(dimensions, compact), widths=(0.36, 0.16, 0.16, 0.16, 0.16),
                    empty=tk._("Sin conjuntos de datos evaluados.")),
            Section(_only(quality, ("label", "points", "max_points", "percent")),
                    empty=tk._("Sin conjuntos de datos evaluados.")),
            Section(_only(organizations, compact), widths=(0.36, 0.16, 0.16, 0.16, 0.16),
                    empty=tk._("Sin conjuntos de datos evaluados.")),
            Section(_only(worst, ("title", "organization", "percent", "rating", "fixes")),
                    widths=(0.22, 0.17, 0.11, 0.12, 0.38),
                    empty=tk._("Sin conjuntos de datos evaluados.")),
        ],
        footer=tk._("{site} · {region} · {date} · perfil {profile}").format(
            site=site, region=region.name, date=now.date().isoformat(), profile=profile
        ),
        page_label=tk._("Página {n}"),
        author=site,
        notes=[
            tk._(
                "Puntajes según el perfil de evaluación del portal (compatible con la metodología "
                "MQA de data.europa.eu). Cuenta también los conjuntos de datos privados, que el "
                "tablero público no muestra: por eso sus cifras pueden ser mayores. Los porcentajes de "
                "vigencia cuentan los conjuntos que declaran una frecuencia de actualización."
            )
        ],
    )


def _only(table: Table, keys: tuple[str, ...]) -> Table:
    """The table with only some of its columns, in the given order (the PDF is narrower)."""
    by_key: dict[str, Column] = {c.key: c for c in table.columns}
    return Table(table.name, table.title, tuple(by_key[k] for k in keys), table.rows)


def pdf(region: Region) -> bytes:
    """The region's printable report as PDF bytes."""
    from .pdf import render  # ReportLab only for the PDF itself

    return render(build(region))
