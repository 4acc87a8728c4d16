"""What a printable report says (title, figures, tables): data only, drawn by ``pdf``.

Kept apart from ``pdf`` so that building a report does not load ReportLab, which only the
request for the PDF itself needs (some 15 MB in every web worker and consumer otherwise).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .tables import Table


@dataclass(frozen=True)
class Section:
    """One table of the PDF, with its column widths and the text shown when empty."""

    table: Table
    # share of the page width for each column; the first gets the rest when omitted
    widths: Sequence[float] = ()
    empty: str = ""


@dataclass(frozen=True)
class Report:
    """A PDF report: title, headline figures, table sections, footer and notes."""

    title: str
    subtitle: str
    facts: Sequence[tuple[str, str]]  # headline figures, label → value as written
    sections: Sequence[Section]
    footer: str  # on every page, next to the page number
    page_label: str = "Página {n}"
    author: str = ""
    notes: Sequence[str] = field(default_factory=tuple)
