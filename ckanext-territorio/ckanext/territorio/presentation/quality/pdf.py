"""A printable report (A4) of headline figures and tables, drawn with ReportLab.

The standard PDF fonts (Helvetica) cover Spanish (á, ñ, ¿); text is real text, so the
report can be searched, copied and read aloud.
"""
from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from .printable import Report, Section
from .tables import display

__all__ = ["Report", "Section", "render"]

ACCENT = colors.HexColor("#1d6a80")
HEADER_BG = colors.HexColor("#e8f3f6")
RULE = colors.HexColor("#c9d3db")


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=base["Title"], alignment=0, fontSize=20, leading=24,
                                textColor=colors.HexColor("#1f2d3d"), spaceAfter=4),
        "subtitle": ParagraphStyle("s", parent=base["Normal"], fontSize=10,
                                   textColor=colors.HexColor("#566573"), spaceAfter=10),
        "h2": ParagraphStyle("h", parent=base["Heading2"], fontSize=13, leading=16,
                             textColor=ACCENT, spaceBefore=12, spaceAfter=6),
        "cell": ParagraphStyle("c", parent=base["Normal"], fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("hd", parent=base["Normal"], fontSize=8.5, leading=10.5,
                               fontName="Helvetica-Bold"),
        "headnum": ParagraphStyle("hn", parent=base["Normal"], fontSize=8.5, leading=10.5,
                                  fontName="Helvetica-Bold", alignment=2),
        "num": ParagraphStyle("n", parent=base["Normal"], fontSize=8.5, leading=10.5, alignment=2),
        "note": ParagraphStyle("no", parent=base["Normal"], fontSize=8.5, leading=11,
                               textColor=colors.HexColor("#566573")),
    }


def _paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    # Paragraph reads a little markup: escape the data, keep our line breaks
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _widths(section: Section, total: float) -> list[float]:
    """Given shares, or the first column (a name) 40 % and the rest evenly."""
    count = len(section.table.columns)
    if section.widths:
        return [total * w for w in section.widths]
    if count == 1:
        return [total]
    return [total * 0.4] + [total * 0.6 / (count - 1)] * (count - 1)


def _table(section: Section, width: float, styles: dict[str, ParagraphStyle]) -> Any:
    table = section.table
    header = [_paragraph(c.label, styles["headnum" if c.numeric else "head"]) for c in table.columns]
    body = [
        [
            _paragraph(display(c, row.get(c.key)), styles["num" if c.numeric else "cell"])
            for c in table.columns
        ]
        for row in table.rows
    ]
    pdf_table = PdfTable([header, *body], colWidths=_widths(section, width), repeatRows=1)
    pdf_table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
                ("LINEBELOW", (0, 0), (-1, 0), 1, ACCENT),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return pdf_table


def render(report: Report) -> bytes:
    """The report as PDF bytes."""
    buffer = io.BytesIO()
    margin = 16 * mm
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin + 4 * mm,
        title=report.title,
        subject=report.subtitle,
        author=report.author,
    )
    styles = _styles()
    story: list[Any] = [
        _paragraph(report.title, styles["title"]),
        _paragraph(report.subtitle, styles["subtitle"]),
    ]
    if report.facts:
        facts = PdfTable(
            [[_paragraph(label, styles["cell"]), _paragraph(value, styles["head"])]
             for label, value in report.facts],
            colWidths=[doc.width * 0.45, doc.width * 0.55],
        )
        facts.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                                   ("TOPPADDING", (0, 0), (-1, -1), 2),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
        story.append(facts)
    for section in report.sections:
        heading = _paragraph(section.table.title, styles["h2"])
        if section.table.rows:
            story.append(KeepTogether([heading, _table(section, doc.width, styles)]))
        else:
            story += [heading, _paragraph(section.empty, styles["note"])]
    if report.notes:
        story.append(Spacer(1, 8))
        story += [_paragraph(note, styles["note"]) for note in report.notes]

    def footer(canvas: Any, page_doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.HexColor("#566573"))
        canvas.drawString(margin, 10 * mm, report.footer)
        canvas.drawRightString(A4[0] - margin, 10 * mm, report.page_label.format(n=page_doc.page))
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
