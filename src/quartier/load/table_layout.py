"""The layout of a table file: separator, header row, notes below the data, line offsets.

Downloads from GENESIS, Regionalstatistik and municipal offices put titles and metadata above the
header and sources ("Quelle: …", "©") below the data. These helpers find them for
:func:`quartier.load.tables.read_table` from the first and last lines of a file; they work on
lists of cells and on offsets into the decoded text, never on the file itself.
"""

from __future__ import annotations

import csv
import re

import numpy as np

__all__ = [
    "HEAD_LINES",
    "TAIL_LINES",
    "cell_text",
    "detect_separator",
    "filled_cells",
    "footer_count",
    "header_index",
    "last_line_starts",
    "line_starts",
    "lines_between",
    "normalised_name",
    "unique_names",
]

#: Separators tried, in the order that breaks ties (``;`` before ``,``: German decimal commas).
_SEPARATORS = (";", "\t", ",", "|")
#: Lines looked at to find the separator and the header, and at the end to find notes.
HEAD_LINES = 60
TAIL_LINES = 60


def detect_separator(lines: list[str]) -> str:
    """The separator that splits most lines into the same number (at least two) of fields.

    Title and metadata lines above the header ("GENESIS-Tabelle: 12411-0005") and notes below
    the data do not disturb it, as they rarely have as many fields as the table.
    """
    best, best_score = ",", 0
    for separator in _SEPARATORS:
        counts = [len(row) for row in csv.reader(lines, delimiter=separator) if len(row) > 1]
        if not counts:
            continue
        modal = max(set(counts), key=lambda n: (counts.count(n), n))
        score = counts.count(modal)
        if score > best_score:
            best, best_score = separator, score
    return best


def normalised_name(name: object) -> str:
    """A column name compared without case and surrounding or repeated spaces."""
    return " ".join(str(name).split()).casefold()


def cell_text(cell: object) -> str:
    """A cell as stripped text, ``""`` when empty (None or NaN)."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return ""
    return str(cell).strip()


def filled_cells(row: list) -> list[str]:
    """The non-empty cells of a row as stripped text."""
    return [text for c in row if (text := cell_text(c))]


def header_index(rows: list[list], expected: set[str]) -> int:
    """The position of the header among the first rows of a file.

    The header is the row holding the most of the ``expected`` column names (normalised); of
    rows holding equally many, the first that is at least half as wide as the widest row. With
    no expected name found, it is the first row with at least two cells and at least half as
    many filled cells as the widest row (titles and metadata above it fill one cell or a few).
    """
    widths = [len(filled_cells(row)) for row in rows]
    top = max(widths, default=0)
    wide_enough = max(2, -(-top // 2))
    if expected:
        hits = [len(expected & {normalised_name(c) for c in filled_cells(row)}) for row in rows]
        most = max(hits, default=0)
        if most:
            tied = [i for i, h in enumerate(hits) if h == most]
            return next((i for i in tied if widths[i] >= wide_enough), tied[0])
    if top <= 1:
        return 0
    return next(i for i, w in enumerate(widths) if w >= wide_enough)


_NOTE = re.compile(r"^(?:quellen?\b|©|\(c\)|copyright\b|stand\s*:|anmerkung|hinweis|fu(?:ß|ss)note|"
                   r"erl(?:ä|ae)uterung|zeichenerkl(?:ä|ae)rung|datenlizenz|\*|\d\)\s)",
                   re.IGNORECASE)
_RULE = re.compile(r"^[_\-=–—]{3,}$")


def footer_count(rows: list[list], width: int) -> int:
    """How many of the last rows are notes below the data, not data.

    A rule line (``__________``) and everything after it are notes; so are trailing rows that
    are empty, that start with a note word ("Quelle", "©", "Stand:", "Anmerkung", "*", "1) …")
    and fill at most half of the columns, or that fill one cell with a sentence in a table of
    three or more columns.
    """
    count = 0
    for position, row in enumerate(rows):
        cells = filled_cells(row)
        if cells and _RULE.match(cells[0]) and len(cells) == 1:
            count = len(rows) - position
            rows = rows[:position]
            break
    for row in reversed(rows):
        cells = filled_cells(row)
        note = not cells or (
            _NOTE.match(cells[0]) is not None and len(cells) <= max(1, width // 2)) or (
            len(cells) == 1 and width >= 3 and (" " in cells[0] or ":" in cells[0]))
        if not note:
            break
        count += 1
    return count


def line_starts(text: str, start: int, count: int) -> list[int]:
    """Offsets of up to ``count`` lines of ``text`` from offset ``start`` on."""
    starts: list[int] = []
    position = start
    while position < len(text) and len(starts) < count:
        starts.append(position)
        end = text.find("\n", position)
        position = len(text) if end < 0 else end + 1
    return starts


def last_line_starts(text: str, count: int, floor: int) -> list[int]:
    """Offsets of up to ``count`` last lines of ``text`` that start after ``floor``."""
    starts: list[int] = []
    end = len(text.rstrip("\r\n"))
    while end > floor and len(starts) < count:
        start = text.rfind("\n", floor, end) + 1 or floor
        start = max(start, floor)
        starts.append(start)
        end = start - 1
    return starts[::-1]


def lines_between(text: str, starts: list[int], stop: int) -> list[str]:
    """The lines of `text` that begin at `starts`, the last one ending at `stop`.

    Line ends (``\\r``, ``\\n``) are cut off; no starts give no lines.
    """
    if not starts:
        return []
    bounds = [*starts[1:], stop]
    return [text[a:b].rstrip("\r\n") for a, b in zip(starts, bounds, strict=True)]



def unique_names(names: list) -> list[str]:
    """Header cells as column names: empty ones ``Unnamed: i``, repeated ones ``name.1``."""
    seen: dict[str, int] = {}
    unique = []
    for i, name in enumerate(names):
        text = cell_text(name) or f"Unnamed: {i}"
        if text in seen:
            seen[text] += 1
            text = f"{text}.{seen[text]}"
        else:
            seen[text] = 0
        unique.append(text)
    return unique

