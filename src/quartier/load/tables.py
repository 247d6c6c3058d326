"""Reading tables from CSV and Excel files the way German offices write them.

CSV files come as UTF-8, UTF-8 with byte-order mark or Windows-1252 (Excel's "CSV (Trennzeichen-
getrennt)"), separated by ``,`` with decimal points or by ``;`` with decimal commas (and sometimes
``;`` with decimal points). Everything is read as text first; columns become numbers only when a
loader asks for it with :func:`to_number`, using the decimal mark detected for the file.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["TableInfo", "TableReadError", "read_table", "detect_encoding", "to_number",
           "SUPPRESSED_MARKS"]

#: Cell values that statistical offices print for suppressed or missing values.
SUPPRESSED_MARKS = frozenset({"–", "-", "—", ".", "x", "X", "/", "…", "...", "•", "*"})

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}

_GERMAN_NUMBER = re.compile(r"^[+-]?\d{1,3}(\.\d{3})*(,\d+)?$|^[+-]?\d+,\d+$")
_DECIMAL_COMMA_TOKEN = re.compile(r"^[+-]?\d+(\.\d{3})*,\d+$")
_DECIMAL_POINT_TOKEN = re.compile(r"^[+-]?\d+\.\d+$")


class TableReadError(ValueError):
    """A table could not be read at all (not found, not a table, empty)."""


@dataclass(frozen=True)
class TableInfo:
    """How a table file was read: shown in messages and stored with an edition."""

    path: Path
    encoding: str | None
    separator: str | None
    decimal: str
    sheet: str | None = None


def detect_encoding(raw: bytes) -> str:
    """Return the encoding of CSV bytes: ``utf-8-sig``, ``utf-8`` or ``cp1252``.

    A byte-order mark means UTF-8 with BOM; bytes that decode as UTF-8 are UTF-8; anything else
    is taken as Windows-1252, the encoding of Excel's CSV export on German Windows (it decodes
    every byte, and for German text it equals ISO-8859-1 apart from €, „ “ and a few others).
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _detect_separator(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    except csv.Error:
        header = sample.splitlines()[0] if sample else ""
        counts = {sep: header.count(sep) for sep in ";,\t|"}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _detect_decimal(frame: pd.DataFrame, separator: str) -> str:
    """Decide between decimal comma and point from the number-like cells of a table."""
    if separator == ",":
        return "."
    comma = point = 0
    for column in frame.columns:
        values = frame[column].dropna().astype(str).str.strip().head(2000)
        comma += int(values.str.match(_DECIMAL_COMMA_TOKEN).sum())
        point += int(values.str.match(_DECIMAL_POINT_TOKEN).sum())
    return "," if comma >= point and comma > 0 else ("." if point else ",")


def read_table(path: str | Path, *, sheet: str | int | None = None) -> tuple[pd.DataFrame, TableInfo]:
    """Read a CSV or Excel table with every cell as text.

    Parameters
    ----------
    path : str or Path
        CSV (any of the encodings and separators above) or Excel workbook.
    sheet : str or int, optional
        Excel sheet name or position; the first sheet by default.

    Returns
    -------
    frame : DataFrame
        All cells as ``str`` (``None`` for empty cells), header names stripped of whitespace.
    info : TableInfo
        Detected encoding, separator and decimal mark.

    Raises
    ------
    TableReadError
        When the file does not exist, is empty or is not a readable table.
    """
    path = Path(path)
    if not path.is_file():
        raise TableReadError(f"Die Datei {path} gibt es nicht.")
    if path.suffix.lower() in EXCEL_SUFFIXES:
        try:
            frame = pd.read_excel(path, sheet_name=sheet if sheet is not None else 0, dtype=object)
        except ValueError as exc:  # unknown sheet
            raise TableReadError(f"{path}: {exc}") from exc
        except Exception as exc:  # corrupt workbook
            raise TableReadError(f"{path} ist keine lesbare Excel-Datei ({exc}).") from exc
        frame = frame.map(_excel_cell_to_text)
        info = TableInfo(path, None, None, ".", str(sheet) if sheet is not None else None)
    else:
        raw = path.read_bytes()
        if not raw.strip():
            raise TableReadError(f"Die Datei {path} ist leer.")
        encoding = detect_encoding(raw)
        text = raw.decode(encoding)
        separator = _detect_separator(text)
        try:
            frame = pd.read_csv(io.StringIO(text), sep=separator, dtype=str, keep_default_na=False,
                                na_values=[""], skipinitialspace=True)
        except (pd.errors.ParserError, csv.Error) as exc:
            raise TableReadError(f"{path} lässt sich nicht als Tabelle lesen: {exc}") from exc
        info = TableInfo(path, encoding, separator, _detect_decimal(frame, separator))
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.astype(object).where(frame.notna(), None)
    return frame, info


def _excel_cell_to_text(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    return str(value)


def to_number(values: pd.Series, decimal: str = ".") -> tuple[pd.Series, pd.Series]:
    """Convert text cells to floats with the file's decimal mark.

    Parameters
    ----------
    values : Series
        Text (or numbers) as read by :func:`read_table`.
    decimal : {".", ","}
        Decimal mark of the file. With ``","`` a ``.`` is a thousands separator (``1.234,5``).

    Returns
    -------
    numbers : Series of float
        NaN for empty and suppressed cells and for cells that are not numbers.
    bad : Series of bool
        True where a cell held text that is not a number and not a suppression mark.

    Examples
    --------
    >>> to_number(pd.Series(["1.234,5", "–", "abc", None]), ",")[0].tolist()
    [1234.5, nan, nan, nan]
    """
    values = values.astype(object)
    is_text = values.map(lambda v: isinstance(v, str))
    numbers = pd.Series(np.nan, index=values.index, dtype=float)
    direct = ~is_text & values.notna()
    numbers[direct] = pd.to_numeric(values[direct], errors="coerce")
    text = values[is_text].astype(str).str.strip()
    empty_text = text.isin(SUPPRESSED_MARKS | {""})
    cleaned = text.str.replace("\u2212", "-", regex=False).str.replace(
        "\u00a0", "", regex=False).str.replace(" ", "", regex=False)
    if decimal == ",":
        cleaned = cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        cleaned = cleaned.str.replace(",", "", regex=False)
    numbers[is_text] = pd.to_numeric(cleaned, errors="coerce")
    bad = pd.Series(False, index=values.index)
    bad[is_text] = numbers[is_text].isna() & ~empty_text
    bad[direct] = numbers[direct].isna()
    return numbers, bad
