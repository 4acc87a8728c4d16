"""Personal data in table cells: RUTs, e-mail addresses, Chilean phone numbers, column names.

Built for speed on large files: one regular expression screens each row as a whole and only
rows it flags are looked at cell by cell. Values are masked in the findings: a report must not
republish the personal data it found.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import rut
from .document import Policy
from .report import Findings

EMAIL = re.compile(
    r"(?<![\w.+-])([A-Za-z0-9._%+-]{1,64})@((?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24})(?![\w-])"
)
# +56 9 1234 5678, +56 2 2123 4567, 56-45-2123456, +56912345678
PHONE_INTL = re.compile(r"(?<![\w+])\+?56[\s.-]?(?:\(?\d{1,2}\)?[\s.-]?)\d{3,4}[\s.-]?\d{4}(?!\d)")
# 9 1234 5678 (the spaced mobile form is unmistakable even without +56)
PHONE_SPACED = re.compile(r"(?<![\w+])9[\s-]\d{4}[\s-]\d{4}(?!\d)")
# a bare 9-digit national number (912345678, 221234567): only trusted in phone columns
PHONE_BARE = re.compile(r"\s*[2-9]\d{8}\s*")
MOBILE_BARE = re.compile(r"\s*9\d{8}\s*")
# Screening: every digit becomes "0", then plain substring searches (fast C code) find the
# shapes personal data takes; only what they flag is looked at with the regular expressions.
_DIGITS_AS_ZERO = str.maketrans("123456789", "000000000")
_PLAIN_NEEDLES = ("@", "+56")
_SHAPE_NEEDLES = ("0.000.000", "0 0000 0000", "0-0000-0000")
_DIGIT_RUN = "0000000"
_NOT_ZERO = re.compile("[^0]")
SEPARATOR = "\x1f"
_NON_WORD = re.compile(r"[^a-z0-9]+")

PERSONAL_RULES = ("personal.rut", "personal.email", "personal.phone", "personal.column_names")


def screen(text: str) -> list[int]:
    """Offsets in `text` where personal data may start (a superset; cells are checked after).

    Long digit runs right after a decimal point (coordinates, measurements) are not flagged.
    """
    positions: list[int] = []
    for needle in _PLAIN_NEEDLES:
        index = text.find(needle)
        while index != -1:
            positions.append(index)
            index = text.find(needle, index + 1)
    shapes = text.translate(_DIGITS_AS_ZERO)
    for needle in _SHAPE_NEEDLES:
        index = shapes.find(needle)
        while index != -1:
            positions.append(index)
            index = shapes.find(needle, index + 1)
    index = shapes.find(_DIGIT_RUN)
    while index != -1:
        if index == 0 or shapes[index - 1] != ".":
            positions.append(index)
        end = _NOT_ZERO.search(shapes, index + len(_DIGIT_RUN))
        if end is None:
            break
        index = shapes.find(_DIGIT_RUN, end.start())
    return positions


def normalise_name(name: str) -> str:
    """A column name compared by rules: lower case, no accents, words joined by _."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NON_WORD.sub("_", plain).strip("_")


def name_matches(name: str, patterns: Sequence[str]) -> bool:
    """Whether a normalised name equals a pattern, or starts with a pattern ending in *."""
    for pattern in patterns:
        if pattern.endswith("*"):
            if name.startswith(pattern[:-1]):
                return True
        elif name == pattern:
            return True
    return False


def mask_email(local: str, domain: str) -> str:
    """The e-mail with the local part masked but its first letter."""
    return f"{local[:1]}***@{domain}"


def mask_phone(text: str) -> str:
    """The phone number masked but its last four digits."""
    digits = re.sub(r"\D", "", text)
    return f"***{digits[-4:]}" if len(digits) >= 4 else "***"


@dataclass
class _Evidence:
    """Bare (unformatted) candidates in one column, decided when the file ends."""

    candidates: int = 0
    hits: int = 0
    first: list[tuple[int, str]] = field(default_factory=list)


class PersonalScanner:
    """Feeds on rows; reports into `findings` (only the rules the policy enables)."""

    def __init__(self, policy: Policy, findings: Findings, header: Sequence[str]) -> None:
        self.findings = findings
        self.header = [str(h) for h in header]
        self.names = [normalise_name(h) for h in self.header]
        self.rut_on = findings.enabled("personal.rut")
        self.email_on = findings.enabled("personal.email")
        self.phone_on = findings.enabled("personal.phone")
        for rule_id in PERSONAL_RULES:
            findings.checked(rule_id)
        rut_params = policy.rule("personal.rut").params
        phone_params = policy.rule("personal.phone").params
        self.rut_share = float(rut_params["proporcion_columna"])
        self.phone_share = float(phone_params["proporcion_columna"])
        self.rut_columns = {i for i, n in enumerate(self.names) if name_matches(n, rut_params["columnas"])}
        self.phone_columns = {
            i for i, n in enumerate(self.names) if name_matches(n, phone_params["columnas"])
        }
        self.bare_ruts: dict[int, _Evidence] = {}
        self.bare_phones: dict[int, _Evidence] = {}
        if findings.enabled("personal.column_names"):
            patterns = policy.rule("personal.column_names").params["nombres"]
            for index, name in enumerate(self.names):
                if name and name_matches(name, patterns):
                    findings.add(
                        "personal.column_names", "found", row=1, column=self.header[index]
                    )

    def column(self, index: int) -> str:
        """The name of the column at ``index`` (``#n`` past the header)."""
        return self.header[index] if index < len(self.header) else f"#{index + 1}"

    def row(self, line: int, cells: Sequence[str]) -> None:
        """Scan one row (screened first: most rows hold nothing personal)."""
        if screen(SEPARATOR.join(cells)):
            self.cells(line, cells)

    def cells(self, line: int, cells: Sequence[str]) -> None:
        """Look at every cell of a row the screen flagged."""
        for index, cell in enumerate(cells):
            if cell:
                self._cell(line, index, cell)

    def _cell(self, line: int, index: int, cell: str) -> None:
        if self.email_on and "@" in cell:
            for match in EMAIL.finditer(cell):
                self.findings.add(
                    "personal.email",
                    "found",
                    row=line,
                    column=self.column(index),
                    value=mask_email(match.group(1), match.group(2)),
                )
        if self.rut_on:
            found = False
            for found_rut in rut.find_formatted(cell):
                found = True
                self.findings.add(
                    "personal.rut",
                    "found",
                    row=line,
                    column=self.column(index),
                    value=found_rut.masked,
                )
            if not found and rut.BARE.fullmatch(cell):
                bare = rut.bare_cell(cell)
                self._evidence(self.bare_ruts, index, line, bare.masked if bare else None)
        if self.phone_on:
            strong = False
            for match in PHONE_INTL.finditer(cell):
                strong = True
                self._phone(line, index, match.group(0))
            if not strong:
                for match in PHONE_SPACED.finditer(cell):
                    strong = True
                    self._phone(line, index, match.group(0))
            if not strong and PHONE_BARE.fullmatch(cell):
                in_column = index in self.phone_columns
                mobile = MOBILE_BARE.fullmatch(cell) is not None
                self._evidence(
                    self.bare_phones, index, line, mask_phone(cell) if in_column or mobile else None
                )

    def _phone(self, line: int, index: int, text: str) -> None:
        self.findings.add(
            "personal.phone", "found", row=line, column=self.column(index), value=mask_phone(text)
        )

    def _evidence(
        self, table: dict[int, _Evidence], index: int, line: int, masked: str | None
    ) -> None:
        evidence = table.get(index)
        if evidence is None:
            evidence = table[index] = _Evidence()
        evidence.candidates += 1
        if masked is not None:
            evidence.hits += 1
            if len(evidence.first) < self.findings.max_examples:
                evidence.first.append((line, masked))

    def finish(self) -> None:
        """Report bare RUTs and phones of the columns whose name or share makes them personal."""
        self._decide("personal.rut", self.bare_ruts, self.rut_columns, self.rut_share)
        self._decide("personal.phone", self.bare_phones, self.phone_columns, self.phone_share)

    def _decide(
        self, rule_id: str, table: dict[int, _Evidence], named: set[int], share: float
    ) -> None:
        for index, evidence in sorted(table.items()):
            if not evidence.hits:
                continue
            if index not in named and evidence.hits / evidence.candidates < share:
                continue
            column = self.column(index)
            for line, masked in evidence.first:
                self.findings.add(rule_id, "found", row=line, column=column, value=masked)
            extra = evidence.hits - len(evidence.first)
            if extra > 0:
                self.findings.tally(rule_id, extra)
