"""Reading tables from CSV and Excel files the way German offices write them.

CSV files come as UTF-8, UTF-8 with byte-order mark or Windows-1252 (Excel's "CSV (Trennzeichen-
getrennt)"), separated by ``,`` with decimal points or by ``;`` with decimal commas (and sometimes
``;`` with decimal points). Everything is read as text first; columns become numbers only when a
loader asks for it with :func:`parse_numbers`, which decides thousands separator and decimal mark
per column from its cells and the column's contract type (``4.318`` residents are 4318).
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

__all__ = ["TableInfo", "TableReadError", "read_table", "detect_encoding", "to_number",
           "parse_numbers", "ParsedNumbers", "NUMBER_KINDS", "SUPPRESSED_MARKS"]

#: Cell values that statistical offices print for suppressed or missing values.
SUPPRESSED_MARKS = frozenset({"–", "-", "—", ".", "x", "X", "/", "…", "...", "•", "*"})

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}

_GERMAN_NUMBER = re.compile(r"^[+-]?\d{1,3}(\.\d{3})*(,\d+)?$|^[+-]?\d+,\d+$")
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

    A byte-order mark means UTF-8 with BOM or UTF-16; bytes that decode as UTF-8 are UTF-8; anything else
    is taken as Windows-1252, the encoding of Excel's CSV export on German Windows (it decodes
    every byte, and for German text it equals ISO-8859-1 apart from €, „ “ and a few others).
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


#: Separators tried, in the order that breaks ties (``;`` before ``,``: German decimal commas).
_SEPARATORS = (";", "\t", ",", "|")
#: Lines looked at to find the separator and the header, and at the end to find notes.
_HEAD_LINES = 60
_TAIL_LINES = 60


def _detect_separator(lines: list[str]) -> str:
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


def _normalised_name(name: object) -> str:
    """A column name compared without case and surrounding or repeated spaces."""
    return " ".join(str(name).split()).casefold()


def _cell_text(cell: object) -> str:
    """A cell as stripped text, ``""`` when empty (None or NaN)."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return ""
    return str(cell).strip()


def _filled(row: list) -> list[str]:
    return [text for c in row if (text := _cell_text(c))]


def _header_index(rows: list[list], expected: set[str]) -> int:
    """The position of the header among the first rows of a file.

    The header is the row holding the most of the ``expected`` column names (normalised); of
    rows holding equally many, the first that is at least half as wide as the widest row. With
    no expected name found, it is the first row with at least two cells and at least half as
    many filled cells as the widest row (titles and metadata above it fill one cell or a few).
    """
    widths = [len(_filled(row)) for row in rows]
    top = max(widths, default=0)
    wide_enough = max(2, -(-top // 2))
    if expected:
        hits = [len(expected & {_normalised_name(c) for c in _filled(row)}) for row in rows]
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


def _footer_count(rows: list[list], width: int) -> int:
    """How many of the last rows are notes below the data, not data.

    A rule line (``__________``) and everything after it are notes; so are trailing rows that
    are empty, that start with a note word ("Quelle", "©", "Stand:", "Anmerkung", "*", "1) …")
    and fill at most half of the columns, or that fill one cell with a sentence in a table of
    three or more columns.
    """
    count = 0
    for position, row in enumerate(rows):
        cells = _filled(row)
        if cells and _RULE.match(cells[0]) and len(cells) == 1:
            count = len(rows) - position
            rows = rows[:position]
            break
    for row in reversed(rows):
        cells = _filled(row)
        note = not cells or (
            _NOTE.match(cells[0]) is not None and len(cells) <= max(1, width // 2)) or (
            len(cells) == 1 and width >= 3 and (" " in cells[0] or ":" in cells[0]))
        if not note:
            break
        count += 1
    return count


def _line_starts(text: str, start: int, count: int) -> list[int]:
    """Offsets of up to ``count`` lines of ``text`` from offset ``start`` on."""
    starts = []
    position = start
    while position < len(text) and len(starts) < count:
        starts.append(position)
        end = text.find("\n", position)
        position = len(text) if end < 0 else end + 1
    return starts


def _last_line_starts(text: str, count: int, floor: int) -> list[int]:
    """Offsets of up to ``count`` last lines of ``text`` that start after ``floor``."""
    starts = []
    end = len(text.rstrip("\r\n"))
    while end > floor and len(starts) < count:
        start = text.rfind("\n", floor, end) + 1 or floor
        start = max(start, floor)
        starts.append(start)
        end = start - 1
    return starts[::-1]


def _lines(text: str, starts: list[int], stop: int) -> list[str]:
    if not starts:
        return []
    bounds = [*starts[1:], stop]
    return [text[a:b].rstrip("\r\n") for a, b in zip(starts, bounds, strict=True)]


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
    from quartier.load.sources import (ZIP_TABLE_SUFFIXES, SourceError, read_zip_member,
                                       zip_member)

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
    wanted = {_normalised_name(e) for e in expected if str(e).strip()}
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
        text = None
        problem = f"Byte {raw[exc.start]:#04x} an Stelle {exc.start}"
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
    starts = _line_starts(text, 0, _HEAD_LINES + 1)
    head_starts = starts[:_HEAD_LINES]
    head = _lines(text, head_starts, starts[-1] if len(starts) > _HEAD_LINES else len(text))
    separator = _detect_separator([line for line in head if line.strip()])
    rows = list(csv.reader(head, delimiter=separator))
    if header is None:
        header = _header_index(rows, wanted)
    header_starts = head_starts if header < len(head_starts) else \
        _line_starts(text, 0, header + 1)
    if header >= len(header_starts):
        raise TableReadError(f"{path} hat keine Zeile {header + 1} für die Kopfzeile "
                             "(header_row/skip_rows).")
    header_start = header_starts[header]
    data_start = (_line_starts(text, header_start, 2) + [len(text)])[1]
    width = len(next(csv.reader([text[header_start:data_start].rstrip("\r\n")],
                                delimiter=separator), []))
    tail_starts = _last_line_starts(text, _TAIL_LINES, data_start)
    tail = _lines(text, tail_starts, len(text))
    footer = _footer_count(list(csv.reader(tail, delimiter=separator)), width)
    end = tail_starts[len(tail_starts) - footer] if footer else len(text)
    try:
        frame = pd.read_csv(io.StringIO(text[header_start:end]), sep=separator, dtype=str,
                            keep_default_na=False, na_values=[""], skipinitialspace=True)
    except (pd.errors.ParserError, csv.Error) as exc:
        raise TableReadError(f"{path} lässt sich nicht als Tabelle lesen: {exc}") from exc
    except pd.errors.EmptyDataError as exc:
        raise TableReadError(f"{path} enthält keine Tabelle.") from exc
    skipped = tuple(" ".join(_filled(r)) for r in rows[:header] if _filled(r))
    notes = tuple(" ".join(_filled(r)) for r in csv.reader(tail[len(tail) - footer:],
                                                           delimiter=separator) if _filled(r)) \
        if footer else ()
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
    rows = raw.head(_HEAD_LINES).to_numpy().tolist()
    if header is None:
        header = _header_index(rows, wanted)
    elif header >= len(raw):
        raise TableReadError(f"{path} hat keine Zeile {header + 1} für die Kopfzeile "
                             "(header_row/skip_rows).")
    names = raw.iloc[header].tolist()
    width = len(_filled(names))
    body = raw.iloc[header + 1:]
    tail = body.tail(_TAIL_LINES).to_numpy().tolist()
    footer = _footer_count(tail, width)
    frame = body.iloc[:len(body) - footer].reset_index(drop=True)
    frame.columns = _unique_names(names)
    empty = [c for c, n in zip(frame.columns, names, strict=True)
             if not _cell_text(n) and frame[c].isna().all()]
    frame = frame.drop(columns=empty)
    skipped = tuple(" ".join(_filled(r)) for r in rows[:header] if _filled(r))
    notes = tuple(" ".join(_filled(r)) for r in tail[len(tail) - footer:] if _filled(r)) \
        if footer else ()
    return frame, TableInfo(path, None, None, ".", str(sheet) if sheet is not None else None,
                            header_line=header + 1, skipped=skipped, footer=notes)


def _unique_names(names: list) -> list[str]:
    """Header cells as column names: empty ones ``Unnamed: i``, repeated ones ``name.1``."""
    seen: dict[str, int] = {}
    unique = []
    for i, name in enumerate(names):
        text = _cell_text(name) or f"Unnamed: {i}"
        if text in seen:
            seen[text] += 1
            text = f"{text}.{seen[text]}"
        else:
            seen[text] = 0
        unique.append(text)
    return unique


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


def to_number(values: pd.Series, decimal: str = ".", kind: str = "coordinate"
              ) -> tuple[pd.Series, pd.Series]:
    """Convert text cells to floats; the reading is decided per column (see :func:`parse_numbers`).

    Parameters
    ----------
    values : Series
        Text (or numbers) as read by :func:`read_table`.
    decimal : {".", ","}
        Decimal mark detected for the whole file, used only where the column itself does not
        decide (see :func:`parse_numbers`).
    kind : {"count", "amount", "measure", "coordinate"}
        Contract type of the column.

    Returns
    -------
    numbers : Series of float
        NaN for empty and suppressed cells and for cells that are not (finite) numbers.
    bad : Series of bool
        True where a cell held text that is not a number and not a suppression mark, and
        where the column mixes notations so that the cell cannot be read safely.

    Examples
    --------
    >>> to_number(pd.Series(["1.234,5", "–", "abc", None]), ",")[0].tolist()
    [1234.5, nan, nan, nan]
    """
    parsed = parse_numbers(values, kind=kind, file_decimal=decimal)
    return parsed.numbers, parsed.bad | parsed.ambiguous


NUMBER_KINDS = ("count", "amount", "measure", "coordinate")

#: Words and signs around a number that are dropped with a warning ("ca. 20", "1.000 €").
_PREFIX = re.compile(r"^(?:ca\.?|circa|etwa|rd\.?|rund|~|≈)", re.IGNORECASE)
_SUFFIX = re.compile(r"(?:€|eur|euro|%|prozent)$", re.IGNORECASE)
_SIGN = re.compile(r"^([+-]?)(.*)$")
_INTEGER = r"\d+"
_POINT_GROUP = r"[1-9]\d{0,2}\.\d{3}"            # 4.318: thousands or three decimals
_POINT_GROUPS = r"[1-9]\d{0,2}(?:\.\d{3}){2,}"   # 1.234.567: thousands
_COMMA_GROUP = r"[1-9]\d{0,2},\d{3}"              # 4,318: decimal comma or thousands
_COMMA_GROUPS = r"[1-9]\d{0,2}(?:,\d{3}){2,}"     # 1,234,567: thousands
_GERMAN = r"\d{1,3}(?:\.\d{3})+,\d+"             # 1.000,50
_ENGLISH = r"\d{1,3}(?:,\d{3})+\.\d+"            # 1,000.50
_POINT_DECIMAL = r"\d*\.\d+"                      # 12.5 (unless it is a point group)
_COMMA_DECIMAL = r"\d*,\d+"                        # 12,5 (unless it is a comma group)


@dataclass(frozen=True)
class ParsedNumbers:
    """Numbers read from one column and what the reading had to decide.

    Attributes
    ----------
    numbers : Series of float
        The values; NaN where empty, suppressed, not a number or ambiguous.
    bad : Series of bool
        Text that is no number (and no suppression mark), or a non-finite one (``inf``).
    ambiguous : Series of bool
        Cells whose notation contradicts other cells of the column (``4.318`` next to ``12.5``).
    decorated : Series of bool
        Cells read after dropping words or units (``ca. 20``, ``1.000 €``).
    thousands : str or None
        The thousands separator used for the column (``"."``, ``","`` or None).
    decided : str
        Empty, or a German sentence naming a reading decided by the column's contract type
        (for a note: ``'4.318' als 4318 gelesen …``).
    """

    numbers: pd.Series
    bad: pd.Series
    ambiguous: pd.Series
    decorated: pd.Series
    thousands: str | None
    decided: str


def parse_numbers(values: pd.Series, *, kind: str = "measure", file_decimal: str = ","
                  ) -> ParsedNumbers:
    """Read a column of numbers as German offices write them, deciding the notation per column.

    Parameters
    ----------
    values : Series
        Cells as text (numbers from Excel cells are taken as they are).
    kind : {"count", "amount", "measure", "coordinate"}
        Contract type of the column: ``count`` (residents, places: whole numbers), ``amount``
        (money), ``measure`` (rates, shares, other indicators) or ``coordinate``.
    file_decimal : {".", ","}
        Decimal mark detected for the whole file; breaks ties for ``measure`` columns.

    Returns
    -------
    ParsedNumbers

    Notes
    -----
    Every cell is classed by its shape. Some shapes settle the notation of the whole column:
    ``1.000,50`` and ``1.234.567`` (point = thousands, comma = decimal), ``12,5`` (decimal
    comma), ``1,000.50`` and ``1,234,567`` (comma = thousands, decimal point), ``12.5``
    (decimal point). Two shapes cannot decide alone: ``4.318`` (one point and three digits)
    and ``4,318``. They are read by what the other cells settled; a column whose settled
    notations contradict each other, or that has ``4.318`` next to a plain decimal point
    such as ``12.5`` (without a value of four or more decimals that shows a decimal export),
    is ambiguous: those cells become NaN and are flagged. Where nothing settles the column,
    the contract type decides: in ``count`` and ``amount`` columns ``4.318`` and ``4,318``
    are thousands (4318 residents, 480.000 €); in ``measure`` columns ``4.318`` is thousands
    only when the file writes decimal commas and the column has at least two such values,
    else a decimal, and ``4,318`` is a decimal comma; coordinates read both as decimals.
    Such decisions are named in ``decided``.

    Examples
    --------
    >>> parse_numbers(pd.Series(["4.318", "12.045", "812"]), kind="count").numbers.tolist()
    [4318.0, 12045.0, 812.0]
    >>> parse_numbers(pd.Series(["1.000,50", "7,5"]), kind="amount").numbers.tolist()
    [1000.5, 7.5]
    >>> parse_numbers(pd.Series(["4.318", "12.5"])).ambiguous.tolist()
    [True, True]
    """
    if kind not in NUMBER_KINDS:
        raise ValueError(f"kind must be one of {NUMBER_KINDS}, not {kind!r}")
    values = values.astype(object)
    index = values.index
    is_text = values.map(lambda v: isinstance(v, str)).astype(bool)
    numbers = pd.Series(np.nan, index=index, dtype=float)
    false = pd.Series(False, index=index)
    bad, ambiguous, decorated = false.copy(), false.copy(), false.copy()
    direct = ~is_text & values.notna()
    if direct.any():
        numbers[direct] = pd.to_numeric(values[direct], errors="coerce")
        bad[direct] = ~np.isfinite(numbers[direct])
        numbers[direct & bad] = np.nan
    text = values[is_text].astype(str).str.strip()
    text = text[~text.isin(SUPPRESSED_MARKS | {""})]
    if text.empty:
        return ParsedNumbers(numbers, bad, ambiguous, decorated, None, "")
    cleaned = (text.str.replace("\u2212", "-", regex=False)
               .str.replace(r"[\s\u00a0\u202f]", "", regex=True))
    integer = cleaned.str.fullmatch(r"[+-]?\d+")
    if integer.all():  # the common case (counts, Zensus grids): no notation to decide
        numbers[cleaned.index] = pd.to_numeric(cleaned, errors="coerce")
        return ParsedNumbers(numbers, bad, ambiguous, decorated, None, "")
    rest = cleaned[~integer]
    stripped = rest.str.replace(_PREFIX, "", regex=True).str.replace(_SUFFIX, "", regex=True)
    decorated[rest.index] = (stripped != rest) & (stripped != "")
    parts = stripped.str.extract(_SIGN)
    sign, core = parts[0].fillna(""), parts[1].fillna("")
    shape = pd.Series("bad", index=rest.index, dtype=object)
    for name, pattern in (("decimal_comma", _COMMA_DECIMAL), ("decimal_point", _POINT_DECIMAL),
                          ("english", _ENGLISH), ("german", _GERMAN),
                          ("comma_groups", _COMMA_GROUPS), ("comma_group", _COMMA_GROUP),
                          ("point_groups", _POINT_GROUPS), ("point_group", _POINT_GROUP),
                          ("integer", _INTEGER)):
        shape[core.str.fullmatch(pattern)] = name
    present = set(shape.unique())
    point_thousands = bool(present & {"german", "point_groups"})
    comma_thousands = bool(present & {"english", "comma_groups"})
    comma_decimal = bool(present & {"german", "decimal_comma"})
    point_decimal = bool(present & {"english", "decimal_point"})
    long_decimals = bool((shape.eq("decimal_point") & core.str.fullmatch(r"\d*\.\d{4,}")).any())
    conflicts = {("point_thousands", "point_decimal"): point_thousands and point_decimal,
                 ("comma_thousands", "comma_decimal"): comma_thousands and comma_decimal,
                 ("point_decimal", "comma_decimal"): point_decimal and comma_decimal,
                 ("point_thousands", "comma_thousands"): point_thousands and comma_thousands}
    point_is = ("thousands" if point_thousands or comma_decimal else
                "decimal" if point_decimal or comma_thousands else None)
    comma_is = ("thousands" if comma_thousands or point_decimal else
                "decimal" if comma_decimal or point_thousands else None)
    decided = ""
    if any(conflicts.values()):
        ambiguous[rest.index] = shape.ne("integer") & shape.ne("bad")
    else:
        point_groups = core[shape.eq("point_group")]
        if len(point_groups):
            if point_is == "decimal" and not long_decimals and kind != "coordinate" \
                    and not comma_thousands:
                ambiguous[point_groups.index] = True
                ambiguous[rest.index[shape.eq("decimal_point")]] = True
            elif point_is is None:
                point_is = _undecided_point(kind, file_decimal, point_groups.nunique())
                if kind != "coordinate":
                    decided = _decision_text(point_groups.iloc[0], point_is, kind, ".")
        comma_groups = core[shape.eq("comma_group")]
        if len(comma_groups) and comma_is is None:
            comma_is = "thousands" if kind in ("count", "amount") else "decimal"
            if kind in ("count", "amount"):
                decided = decided or _decision_text(comma_groups.iloc[0], comma_is, kind, ",")
    readable = shape.ne("bad") & ~ambiguous[rest.index]
    normal = core[readable]
    if point_is == "thousands":
        normal = normal.str.replace(".", "", regex=False)
    if comma_is == "thousands":
        normal = normal.str.replace(",", "", regex=False)
    normal = normal.str.replace(",", ".", regex=False)
    parsed = pd.to_numeric(sign[readable] + normal, errors="coerce")
    numbers[cleaned[integer].index] = pd.to_numeric(cleaned[integer], errors="coerce")
    numbers[parsed.index] = parsed
    bad[rest.index] = shape.eq("bad")
    decorated &= ~bad & ~ambiguous
    thousands = "." if point_is == "thousands" else "," if comma_is == "thousands" else None
    return ParsedNumbers(numbers, bad, ambiguous, decorated, thousands, decided)


def _undecided_point(kind: str, file_decimal: str, distinct: int) -> str:
    """How ``4.318`` is read when nothing else in the column settles the notation."""
    if kind in ("count", "amount"):
        return "thousands"
    if kind == "measure" and file_decimal == "," and distinct >= 2:
        return "thousands"
    return "decimal"


def _decision_text(example: str, reading: str, kind: str, mark: str) -> str:
    value = float(example.replace(mark, "")) if reading == "thousands" else \
        float(example.replace(",", "."))
    shown = f"{value:.0f}" if reading == "thousands" else str(value).replace(".", ",")
    why = {"count": "die Spalte Anzahlen enthält (ganze Zahlen)",
           "amount": "die Spalte Geldbeträge enthält",
           "measure": "die Spalte eine Kennzahl ist" + (
               " und die Datei Dezimalkommas verwendet" if reading == "thousands" else "")}[kind]
    separator = "Punkt" if mark == "." else "Komma"
    role = "Tausendertrennzeichen" if reading == "thousands" else "Dezimalzeichen"
    return (f"'{example}' wurde als {shown} gelesen ({separator} als {role}), weil {why}.")
