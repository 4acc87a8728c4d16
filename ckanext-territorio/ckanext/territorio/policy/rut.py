"""The Chilean RUT/RUN: módulo 11 check digit, formats, and finding RUTs in text."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Bodies from 1.000.000 (older RUNs) to 99.999.999; companies use 50-99 millions too.
MIN_BODY = 1_000_000
MAX_BODY = 99_999_999

# Formatted: with dots and dash (12.345.678-5) or with dash only (12345678-5). Not inside a
# longer number, a decimal or a word.
FORMATTED = re.compile(
    r"(?<![\w-])(?<!\d[.,])(\d{1,2}\.\d{3}\.\d{3}|\d{7,8})-([\dkK])(?![\w-]|[.,]\d)"
)
# Bare: digits and check digit run together (123456785), only trusted as a whole cell.
BARE = re.compile(r"\s*(\d{7,8})([\dkK])\s*")


def check_digit(body: int) -> str:
    """The módulo 11 check digit of a RUT body: "0"-"9" or "K"."""
    total, factor = 0, 2
    while body:
        body, digit = divmod(body, 10)
        total += digit * factor
        factor = 2 if factor == 7 else factor + 1
    remainder = 11 - total % 11
    if remainder == 11:
        return "0"
    if remainder == 10:
        return "K"
    return str(remainder)


def is_valid(body_text: str, digit: str) -> bool:
    """Whether `digit` is the check digit of `body_text` (digits, dots allowed)."""
    digits = body_text.replace(".", "")
    if not digits.isdigit() or not digit:
        return False
    body = int(digits)
    return MIN_BODY <= body <= MAX_BODY and check_digit(body) == digit.upper()


def is_valid_rut(text: object) -> bool:
    """Whether `text` is one RUT (12.345.678-5, 12345678-5 or 123456785), with a valid digit."""
    if not isinstance(text, str):
        return False
    value = text.strip()
    match = FORMATTED.fullmatch(value) or BARE.fullmatch(value)
    return match is not None and is_valid(match.group(1), match.group(2))


def mask(body_text: str, digit: str) -> str:
    """A RUT shown without exposing it: the first two and the check digit (12.***.***-5)."""
    digits = body_text.replace(".", "")
    return f"{digits[:2]}.***.***-{digit.upper()}" if len(digits) == 8 else (
        f"{digits[:1]}.***.***-{digit.upper()}"
    )


@dataclass(frozen=True, slots=True)
class RutMatch:
    """A RUT found in a text: where it starts and ends, and how it is shown masked."""

    start: int
    end: int
    masked: str


def find_formatted(text: str) -> Iterator[RutMatch]:
    """Formatted RUTs with a valid check digit anywhere in `text` (invalid digits are skipped)."""
    for match in FORMATTED.finditer(text):
        body, digit = match.group(1), match.group(2)
        if is_valid(body, digit):
            yield RutMatch(match.start(), match.end(), mask(body, digit))


def bare_cell(cell: str) -> RutMatch | None:
    """The cell as a bare RUT (123456785) when its check digit is valid."""
    match = BARE.fullmatch(cell)
    if match is None or not is_valid(match.group(1), match.group(2)):
        return None
    return RutMatch(0, len(cell), mask(match.group(1), match.group(2)))
