"""Reading tables from CSV and Excel files the way German offices write them.

CSV files come as UTF-8, UTF-8 with byte-order mark or Windows-1252 (Excel's "CSV (Trennzeichen-
getrennt)"), separated by ``,`` with decimal points or by ``;`` with decimal commas (and sometimes
``;`` with decimal points). Everything is read as text first; columns become numbers only when a
loader asks for it with :func:`parse_numbers`, which decides thousands separator and decimal mark
per column from its cells and the column's contract type (``4.318`` residents are 4318).

The layout of a file (separator, header row, notes below the data) is found by
:mod:`quartier.load.table_layout`, the notation of numbers read by
:mod:`quartier.load.number_notation`; their public names stay importable from here.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from quartier.errors import QuartierError
from quartier.load.encoding import looks_mis_decoded
from quartier.load.number_notation import (
    NUMBER_KINDS,
    SUPPRESSED_MARKS,
    ParsedNumbers,
    parse_numbers,
    to_number,
)
from quartier.load.table_layout import (
    HEAD_LINES,
    TAIL_LINES,
    cell_text,
    detect_separator,
    filled_cells,
    footer_count,
    header_index,
    last_line_starts,
    line_starts,
    lines_between,
    normalised_name,
    unique_names,
)

__all__ = ["TableInfo", "TableReadError", "read_table", "detect_encoding", "to_number",
           "parse_numbers", "ParsedNumbers", "NUMBER_KINDS", "SUPPRESSED_MARKS"]

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}

_DECIMAL_COMMA_TOKEN = re.compile(r"^[+-]?\d+(\.\d{3})*,\d+$")
_DECIMAL_POINT_TOKEN = re.compile(r"^[+-]?\d+\.\d+$")
#: ``4.318`` is no evidence for a decimal point: Germans write thousands that way.
_POINT_GROUP_TOKEN = re.compile(r"^[+-]?[1-9]\d{0,2}\.\d{3}$")


class TableReadError(QuartierError, ValueError):
    """A table could not be read at all (not found, not a table, empty)."""


@dataclass(frozen=True)
class TableInfo:
    """How a table file was read: shown in messages and stored with an edition.

    ``header_line`` is the line (CSV) or row (Excel) of the file that holds the column names
    (1-based), ``skipped`` the non-empty lines above it (titles, metadata) and ``footer`` the
    lines below the data that were not read as data (notes such as "Quelle: …", "© …").
    """

    path: Path
    encoding: str | None
    separator: str | None
    decimal: str
    sheet: str | None = None
    member: str | None = None
    header_line: int = 1
    skipped: tuple[str, ...] = ()
    footer: tuple[str, ...] = ()
    #: False when the file's text holds no sign of a wrong decoding (nothing to check per column)
    suspicious_text: bool = True


def detect_encoding(raw: bytes) -> str:
    """Return the encoding of CSV bytes: ``utf-8-sig``, ``utf-16``, ``utf-8`` or ``cp1252``.

    A byte-order mark means UTF-8 with BOM or UTF-16; bytes that decode as UTF-8 are UTF-8;
    anything else is taken as Windows-1252, the encoding of Excel's CSV export on German
    Windows (it decodes every byte, and for German text it equals ISO-8859-1 apart from €, „ “
    and a few others).
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        return "utf-16"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"



def _detect_decimal(frame: pd.DataFrame, separator: str) -> str:
    """Decide between decimal comma and point from the number-like cells of a table."""
    if separator == ",":
        return "."
    comma = point = 0
    for column in frame.columns:
        values = frame[column].dropna().astype(str).str.strip().head(2000)
        comma += int(values.str.match(_DECIMAL_COMMA_TOKEN).sum())
        point += int((values.str.match(_DECIMAL_POINT_TOKEN)
                      & ~values.str.match(_POINT_GROUP_TOKEN)).sum())
    return "," if comma >= point and comma > 0 else ("." if point else ",")

def _header_override(header_row: int | None, skip_rows: int | None) -> int | None:
    if header_row is not None:
        return int(header_row) - 1
    if skip_rows is not None:
        return int(skip_rows)
    return None


def read_table(path: str | Path, *, sheet: str | int | None = None, member: str | None = None,
               encoding: str | None = None, header_row: int | None = None,
               skip_rows: int | None = None, expected: tuple[str, ...] | list[str] = ()
               ) -> tuple[pd.DataFrame, TableInfo]:
    """Read a CSV or Excel table with every cell as text.

    Titles and metadata lines above the header and notes below the data (as in GENESIS and
    Regionalstatistik downloads) are found and left out; ``info`` names them.

    Parameters
    ----------
    path : str or Path
        CSV (any of the encodings and separators above), Excel workbook, or a ZIP archive
        holding one of them.
    sheet : str or int, optional
        Excel sheet name or position; the first sheet by default.
    member : str, optional
        The file to read inside a ZIP archive; by default its only table.
    encoding : str, optional
        Encoding of a CSV file (``"cp1252"``, ``"utf-8"``, ``"latin-1"`` …) instead of the
        detected one.
    header_row : int, optional
        Line (row) of the file that holds the column names, counted from 1.
    skip_rows : int, optional
        Number of lines above the header (``header_row = skip_rows + 1``).
    expected : sequence of str
        Column names the caller will look for (the user's mapping): the row holding most of
        them, compared without case and spaces, is the header.

    Returns
    -------
    frame : DataFrame
        All cells as ``str`` (``None`` for empty cells), header names stripped of whitespace.
        Excel number cells with decimals keep their value (``4.318`` becomes ``"4.3180"``, so
        that it is never taken for thousands).
    info : TableInfo
        Detected encoding, separator and decimal mark, header line, skipped lines and notes.

    Raises
    ------
    TableReadError
        When the file does not exist, is empty or is not a readable table.

    Examples
    --------
    A German CSV (semicolons, Latin-1, decimal commas) is recognised without options:

    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "einwohner.csv"
    ...     _ = path.write_bytes("Quartier;Straße;Anteil\\n01;Hauptstraße;12,5\\n".encode("cp1252"))
    ...     table, info = read_table(path)
    >>> table.columns.tolist(), table.loc[0, "Straße"]
    (['Quartier', 'Straße', 'Anteil'], 'Hauptstraße')
    >>> table.loc[0, "Quartier"]  # ids stay text
    '01'
    """
    from quartier.load.sources import ZIP_TABLE_SUFFIXES, SourceError, read_zip_member, zip_member

    path = Path(path)
    if not path.is_file():
        raise TableReadError(f"Die Datei {path} gibt es nicht.")
    data: bytes | None = None
    name = path.name
    if path.suffix.lower() == ".zip":
        try:
            member = zip_member(path, member, ZIP_TABLE_SUFFIXES)
            data = read_zip_member(path, member)
        except SourceError as exc:
            raise TableReadError(str(exc)) from exc
        name = f"{path.name}/{member}"
    else:
        member = None
    wanted = {normalised_name(e) for e in expected if str(e).strip()}
    header = _header_override(header_row, skip_rows)
    if Path(name).suffix.lower() in EXCEL_SUFFIXES:
        frame, info = _read_excel(path, data, sheet, header, wanted)
    else:
        frame, info = _read_csv(path, data, encoding, header, wanted)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.astype(object).where(frame.notna(), None)
    return frame, TableInfo(**{**info.__dict__, "member": member})


def _decoded(path: Path, raw: bytes, encoding: str | None) -> tuple[str, str]:
    if not raw.strip():
        raise TableReadError(f"Die Datei {path} ist leer.")
    if encoding is not None:
        try:
            encoding = codecs.lookup(str(encoding)).name
        except LookupError as exc:
            raise TableReadError(f"Die Kodierung encoding = \"{encoding}\" ist unbekannt. "
                                 "Üblich sind \"utf-8\", \"cp1252\" (Windows) und "
                                 "\"latin-1\".") from exc
    used = encoding or detect_encoding(raw)
    try:
        text = raw.decode(used)
    except UnicodeDecodeError as exc:
        text = ""  # not returned: the problem raises below
        problem: str | None = f"Byte {raw[exc.start]:#04x} an Stelle {exc.start}"
    else:
        problem = "Nullbytes" if "\x00" in text else None
    if problem and encoding is not None:
        raise TableReadError(f"{path} lässt sich nicht als {encoding} lesen: {problem}. Die "
                             "Angabe encoding prüfen oder weglassen (dann wird die Kodierung "
                             "erkannt).")
    if problem:
        raise TableReadError(
            f"{path} ist keine Textdatei in einer bekannten Kodierung (UTF-8, UTF-16, "
            f"Windows-1252): {problem}. Die Datei als CSV (UTF-8) neu speichern, mit "
            "encoding = \"…\" die Kodierung angeben oder den Pfad prüfen.")
    return text.removeprefix("\ufeff"), used


def _read_csv(path: Path, data: bytes | None, encoding: str | None, header: int | None,
              wanted: set[str]) -> tuple[pd.DataFrame, TableInfo]:
    text, used = _decoded(path, path.read_bytes() if data is None else data, encoding)
    starts = line_starts(text, 0, HEAD_LINES + 1)
    head_starts = starts[:HEAD_LINES]
    head = lines_between(text, head_starts, starts[-1] if len(starts) > HEAD_LINES else len(text))
    separator = detect_separator([line for line in head if line.strip()])
    rows = list(csv.reader(head, delimiter=separator))
    if header is None:
        header = header_index(rows, wanted)
    header_starts = head_starts if header < len(head_starts) else \
        line_starts(text, 0, header + 1)
    if header >= len(header_starts):
        raise TableReadError(f"{path} hat keine Zeile {header + 1} für die Kopfzeile "
                             "(header_row/skip_rows).")
    header_start = header_starts[header]
    data_start = (line_starts(text, header_start, 2) + [len(text)])[1]
    width = len(next(csv.reader([text[header_start:data_start].rstrip("\r\n")],
                                delimiter=separator), []))
    tail_starts = last_line_starts(text, TAIL_LINES, data_start)
    tail = lines_between(text, tail_starts, len(text))
    footer = footer_count(list(csv.reader(tail, delimiter=separator)), width)
    end = tail_starts[len(tail_starts) - footer] if footer else len(text)
    try:
        frame = pd.read_csv(io.StringIO(text[header_start:end]), sep=separator, dtype=str,
                            keep_default_na=False, na_values=[""], skipinitialspace=True)
    except (pd.errors.ParserError, csv.Error) as exc:
        raise TableReadError(f"{path} lässt sich nicht als Tabelle lesen: {exc}") from exc
    except pd.errors.EmptyDataError as exc:
        raise TableReadError(f"{path} enthält keine Tabelle.") from exc
    skipped = tuple(" ".join(filled_cells(r)) for r in rows[:header] if filled_cells(r))
    note_rows = csv.reader(tail[len(tail) - footer:], delimiter=separator)
    notes = tuple(" ".join(filled_cells(r)) for r in note_rows if filled_cells(r)) if footer else ()
    return frame, TableInfo(path, used, separator, _detect_decimal(frame, separator),
                            header_line=header + 1, skipped=skipped, footer=notes,
                            suspicious_text=looks_mis_decoded(text))


def _read_excel(path: Path, data: bytes | None, sheet: str | int | None, header: int | None,
                wanted: set[str]) -> tuple[pd.DataFrame, TableInfo]:
    source = path if data is None else io.BytesIO(data)
    try:
        raw = pd.read_excel(source, sheet_name=sheet if sheet is not None else 0, header=None,
                            dtype=object)
    except ValueError as exc:  # unknown sheet
        raise TableReadError(f"{path}: {exc}") from exc
    except Exception as exc:  # corrupt workbook
        raise TableReadError(f"{path} ist keine lesbare Excel-Datei ({exc}).") from exc
    raw = raw.map(_excel_cell_to_text)
    if raw.empty:
        raise TableReadError(f"Das Tabellenblatt in {path} ist leer.")
    rows = raw.head(HEAD_LINES).to_numpy().tolist()
    if header is None:
        header = header_index(rows, wanted)
    elif header >= len(raw):
        raise TableReadError(f"{path} hat keine Zeile {header + 1} für die Kopfzeile "
                             "(header_row/skip_rows).")
    names = raw.iloc[header].tolist()
    width = len(filled_cells(names))
    body = raw.iloc[header + 1:]
    tail = body.tail(TAIL_LINES).to_numpy().tolist()
    footer = footer_count(tail, width)
    frame = body.iloc[:len(body) - footer].reset_index(drop=True)
    frame.columns = unique_names(names)
    empty = [c for c, n in zip(frame.columns, names, strict=True)
             if not cell_text(n) and frame[c].isna().all()]
    frame = frame.drop(columns=empty)
    skipped = tuple(" ".join(filled_cells(r)) for r in rows[:header] if filled_cells(r))
    notes = tuple(" ".join(filled_cells(r)) for r in tail[len(tail) - footer:] if filled_cells(r)) \
        if footer else ()
    return frame, TableInfo(path, None, None, ".", str(sheet) if sheet is not None else None,
                            header_line=header + 1, skipped=skipped, footer=notes)



def _excel_cell_to_text(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        text = repr(value)
        # 4.318 from a number cell would look like thousands ("4.318" residents): a trailing
        # zero keeps it a decimal for parse_numbers
        return text + "0" if _POINT_GROUP_TOKEN.match(text) else text
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    return str(value)


