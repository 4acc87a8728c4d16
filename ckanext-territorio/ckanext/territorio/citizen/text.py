"""Citizen texts: control characters stripped, and the personal-data hold (RUT, e-mail).

Markdown is stored as written; the pages render it with ``h.render_markdown``, which
sanitises the HTML.
"""
from __future__ import annotations

import re

from ..policy import personal, rut

TITLE_MIN = 10
TITLE_MAX = 200
DESCRIPTION_MAX = 5000
COMMENT_MAX = 2000
REPORT_MAX = 2000
REASON_MAX = 2000

# C0 and C1 controls but tab and newline, plus the bidirectional overrides used to disguise text
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """The text with CRLF as LF, control characters removed and outer blanks stripped."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def has_personal_data(text: str) -> bool:
    """Whether the text holds a RUT with a valid check digit or an e-mail address.

    The scanner's screen finds where personal data may start; only then the patterns run.
    """
    if not text or not personal.screen(text):
        return False
    if personal.EMAIL.search(text):
        return True
    # bare digit runs (123456785) are not trusted in free text: counts and codes look alike
    return next(rut.find_formatted(text), None) is not None


def any_personal_data(*texts: str | None) -> bool:
    """Whether any of the texts holds personal data."""
    return any(has_personal_data(t) for t in texts if t)
