"""Text read with the wrong encoding (mojibake): found per column and reported.

Two patterns give a wrong reading away:

* UTF-8 read as Windows-1252 or ISO-8859-1: ``ü`` becomes ``Ã¼``, ``ß`` ``ÃŸ``, ``–`` ``â€“``
  (a lead character ``Ã``, ``Â`` or ``â`` followed by a character from the upper half of the
  byte range, which German text never has);
* Windows-1252 read as ISO-8859-1 (GDAL's default for a shapefile ``.dbf`` without ``.cpg``):
  ``– „ “ €`` become C1 control characters U+0080–U+009F, which no text contains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

__all__ = ["Mojibake", "find_mojibake", "looks_mis_decoded", "shown", "UTF8_AS_ANSI",
           "ANSI_AS_LATIN1"]

UTF8_AS_ANSI = "utf8_as_ansi"
ANSI_AS_LATIN1 = "ansi_as_latin1"

# what the continuation bytes 0x80-0xBF of UTF-8 look like when decoded as cp1252 or latin-1
_CONTINUATION = "".join(sorted({bytes([b]).decode("cp1252", errors="ignore") for b in
                                range(0x80, 0xC0)} | {chr(b) for b in range(0x80, 0xC0)}))
_UTF8_AS_ANSI = re.compile("[ÃÂâ][" + re.escape(_CONTINUATION) + "]")
_C1 = re.compile("[\u0080-\u009f]")


@dataclass(frozen=True)
class Mojibake:
    """Cells of one column that look wrongly decoded."""

    column: str
    kind: str
    count: int
    example: str


def find_mojibake(frame: pd.DataFrame) -> list[Mojibake]:
    """The text columns of ``frame`` with wrongly decoded cells, by kind.

    Examples
    --------
    >>> frame = pd.DataFrame({"name": ["SÃ¼dhang", "Ost"], "n": ["1", "2"]})
    >>> [(m.column, m.kind, m.count) for m in find_mojibake(frame)]
    [('name', 'utf8_as_ansi', 1)]
    >>> find_mojibake(pd.DataFrame({"name": ["Nord \\x96 Süd"]}))[0].kind
    'ansi_as_latin1'
    """
    found = []
    for column in frame.columns:
        if column == "geometry" or not pd.api.types.is_string_dtype(frame[column].dtype):
            continue
        text = frame[column].dropna().astype(str)
        if text.empty:
            continue
        joined = "\n".join(text)  # one quick search before counting per cell
        for kind, pattern in ((UTF8_AS_ANSI, _UTF8_AS_ANSI), (ANSI_AS_LATIN1, _C1)):
            if pattern.search(joined):
                hit = text.str.contains(pattern)
                found.append(Mojibake(str(column), kind, int(hit.sum()),
                                      str(text[hit].iloc[0])))
                break
    return found


def looks_mis_decoded(text: str) -> bool:
    """True when ``text`` (a whole file) holds any sign of a wrong decoding (one fast search)."""
    if text.isascii():  # most large files (grids, registers without names): no search
        return False
    return bool(_UTF8_AS_ANSI.search(text) or _C1.search(text))


def shown(text: str) -> str:
    """A cell for a message: control characters written as ``\\x96``."""
    return _C1.sub(lambda m: f"\\x{ord(m.group()):02x}", text)[:60]
