"""The printable report: real text (searchable, readable aloud), accents intact, long tables
continued on the next page with their header."""
from __future__ import annotations

import io

from pypdf import PdfReader

from ckanext.territorio.presentation.quality.pdf import Report, Section, render
from ckanext.territorio.presentation.quality.tables import INTEGER, PERCENT, Column, Table


def text_of(body: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]


def report(rows: int = 3) -> Report:
    table = Table(
        "comunas",
        "Por comuna",
        (Column("label", "Comuna"), Column("datasets", "Conjuntos", INTEGER),
         Column("mean_percent", "Porcentaje medio", PERCENT)),
        tuple({"label": f"Comuna {i} de Ñuble", "datasets": i, "mean_percent": 50.5} for i in range(rows)),
    )
    return Report(
        title="Calidad de los datos: Región de Ñuble",
        subtitle="Reporte del 24 de noviembre de 2026 · perfil territorio 2026.1",
        facts=[("Conjuntos de datos evaluados", "3"), ("Porcentaje medio", "50,5 %")],
        sections=[Section(table), Section(Table("vacia", "Sin datos", table.columns), empty="Nada aún.")],
        footer="Territorio Inteligente · Ñuble",
        author="Territorio Inteligente",
    )


def test_report_text_has_the_title_figures_and_rows():
    body = render(report())

    assert body.startswith(b"%PDF-")
    text = "\n".join(text_of(body))
    assert "Calidad de los datos: Región de Ñuble" in text
    assert "perfil territorio 2026.1" in text
    assert "Porcentaje medio" in text and "50,5 %" in text
    assert "Comuna 2 de Ñuble" in text
    assert "Nada aún." in text
    assert "Página 1" in text


def test_long_tables_continue_on_later_pages_with_their_header():
    pages = text_of(render(report(rows=120)))

    assert len(pages) > 1
    assert "Comuna 119 de Ñuble" in pages[-1]
    assert "Porcentaje medio" in pages[-1]  # the header row repeats
    assert f"Página {len(pages)}" in pages[-1]


def test_metadata_names_the_report():
    reader = PdfReader(io.BytesIO(render(report())))

    assert reader.metadata.title == "Calidad de los datos: Región de Ñuble"
    assert reader.metadata.author == "Territorio Inteligente"
