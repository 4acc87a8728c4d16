"""Streaming readers for CSV and XLSX: rows one at a time, bounded memory whatever the size."""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import time
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 64 * 1024
BLOCK_CHARS = 1024 * 1024
# A single cell larger than this is not tabular data (and would let one row fill memory).
MAX_FIELD = 1024 * 1024
# Undecodable bytes come back as lone surrogates, which valid UTF-8 never produces.
SURROGATE = re.compile("[\udc80-\udcff]")

csv.field_size_limit(MAX_FIELD)


class ContentError(Exception):
    """The file cannot be read as a table (too big, too slow, not the declared format)."""


class TooLarge(ContentError):
    """The file is larger than the maximum size."""

    pass


class TimedOut(ContentError):
    """Reading the file took longer than the maximum time."""

    pass


@dataclass
class Limits:
    """How far a read may go: the maximum bytes and the deadline."""

    max_bytes: int
    deadline: float | None = None  # time.monotonic() value

    def check_time(self, rows: int) -> None:
        """Raise TimedOut once the deadline has passed."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TimedOut(f"se agotó el tiempo máximo tras {rows} filas")


class _CountingReader(io.RawIOBase):
    """A binary stream that refuses to go past `max_bytes`."""

    def __init__(self, raw: IO[bytes], max_bytes: int) -> None:
        self.raw = raw
        self.max_bytes = max_bytes
        self.count = 0

    def readable(self) -> bool:
        """Always readable."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Read into ``buffer``; TooLarge once past the maximum size."""
        data = self.raw.read(len(buffer))
        size = len(data)
        self.count += size
        if self.count > self.max_bytes:
            raise TooLarge(f"el archivo supera el tamaño máximo ({self.max_bytes} bytes)")
        buffer[:size] = data
        return size


def sniff_delimiter(sample: str) -> str:
    """The delimiter of the first line: the candidate that occurs most often outside quotes."""
    first = sample.split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


Screen = Callable[[str], list[int]]


class _Lines:
    """The text of a CSV file as lines for csv.reader, checked block by block on the way.

    Each block of about a megabyte is searched once for undecodable bytes and run through the
    personal-data screen; the lines those searches flag are kept (in order) for the row loop.
    """

    def __init__(self, text: IO[str], screen: Screen | None) -> None:
        self.text = text
        self.screen = screen
        self.flagged: deque[int] = deque()
        self.first_bad_line: int | None = None
        self.lines = 0

    def __iter__(self) -> Iterator[str]:
        while True:
            block = self.text.read(BLOCK_CHARS)
            if not block:
                return
            if not block.endswith("\n"):
                block += self.text.readline()
            base = self.lines
            if self.first_bad_line is None:
                bad = SURROGATE.search(block)
                if bad is not None:
                    self.first_bad_line = base + block.count("\n", 0, bad.start()) + 1
            if self.screen is not None:
                self._flag(block, base)
            pieces = block.split("\n")
            tail = pieces.pop()
            self.lines = base + len(pieces) + (1 if tail else 0)
            for piece in pieces:
                yield piece + "\n"
            if tail:
                yield tail

    def _flag(self, block: str, base: int) -> None:
        assert self.screen is not None
        positions = self.screen(block)
        if not positions:
            return
        positions.sort()
        line, last = base + 1, 0
        for position in positions:
            line += block.count("\n", last, position)
            last = position
            if not self.flagged or self.flagged[-1] != line:
                self.flagged.append(line)


@dataclass
class CsvRows:
    """Rows of a CSV file: (line the row ends on, cells, whether the screen flagged it)."""

    path: Path
    limits: Limits
    screen: Screen | None = None
    delimiter: str = ","
    bytes_read: int = 0
    first_bad_line: int | None = None

    def __iter__(self) -> Iterator[tuple[int, list[str], bool | None]]:
        with self.path.open("rb") as raw:
            sample = raw.read(SAMPLE_BYTES)
            raw.seek(0)
            if sample.startswith(codecs.BOM_UTF8):
                raw.seek(len(codecs.BOM_UTF8))
            self.delimiter = sniff_delimiter(sample.decode("utf-8", "replace"))
            counting = _CountingReader(raw, self.limits.max_bytes)
            buffered = io.BufferedReader(counting, buffer_size=1024 * 1024)
            text = io.TextIOWrapper(buffered, encoding="utf-8", errors="surrogateescape", newline="")
            lines = _Lines(text, self.screen)
            reader = csv.reader(lines, delimiter=self.delimiter)
            flagged = lines.flagged
            previous = rows = 0
            try:
                for row in reader:
                    rows += 1
                    if rows & 0xFFFF == 0:
                        self.limits.check_time(rows)
                    current = reader.line_num
                    hit = False
                    while flagged and flagged[0] <= current:
                        if flagged.popleft() > previous:
                            hit = True
                    previous = current
                    if self.first_bad_line is None and lines.first_bad_line is not None:
                        self.first_bad_line = lines.first_bad_line
                    yield current, row, hit
            except csv.Error as exc:
                raise ContentError(f"CSV ilegible en la línea {reader.line_num}: {exc}") from None
            finally:
                self.bytes_read = counting.count
                if self.first_bad_line is None:
                    self.first_bad_line = lines.first_bad_line


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class XlsxRows:
    """Rows of the first sheet of an XLSX workbook, streamed (openpyxl read-only mode)."""

    path: Path
    limits: Limits
    bytes_read: int = 0

    def __iter__(self) -> Iterator[tuple[int, list[str], bool | None]]:
        import openpyxl

        size = self.path.stat().st_size
        if size > self.limits.max_bytes:
            raise TooLarge(f"el archivo supera el tamaño máximo ({self.limits.max_bytes} bytes)")
        try:
            with zipfile.ZipFile(self.path) as archive:
                # zip bombs: the declared sizes are enforced by zipfile while decompressing
                unpacked = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError) as exc:
            raise ContentError(f"no es un libro XLSX ({exc})") from None
        if unpacked > self.limits.max_bytes:
            raise TooLarge(
                f"el libro descomprimido supera el tamaño máximo ({self.limits.max_bytes} bytes)"
            )
        if not openpyxl.DEFUSEDXML:
            raise ContentError("openpyxl necesita defusedxml para leer libros de terceros")
        self.bytes_read = size
        try:
            workbook = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on malformed workbooks
            raise ContentError(f"no es un libro XLSX legible ({exc})") from None
        try:
            sheet = workbook.worksheets[0] if workbook.worksheets else None
            if sheet is None:
                return
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number & 0xFFFF == 0:
                    self.limits.check_time(number)
                cells = [_cell_text(v) for v in values]
                while cells and cells[-1] == "":
                    cells.pop()
                yield number, cells, None
        finally:
            workbook.close()
