"""Spreadsheet-safe cells and the one CSV writer of quartier.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by Excel and LibreOffice when a CSV file is opened (``=HYPERLINK("http://…","Kita")``
as a facility name). Every CSV and Excel export therefore passes its text through
:func:`safe_cell` (one value) or :func:`safe_table` (a whole table, headers included), which
put a ``'`` in front of such text, as OWASP recommends against CSV injection. Numbers stay
numbers: only ``str`` values are touched, so ``-2.5`` in a float column is written as a number.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from quartier._atomic import atomic_stream

__all__ = ["FORMULA_PREFIXES", "XLSX_ILLEGAL", "safe_cell", "safe_table", "write_csv"]

#: First characters that make a spreadsheet read a text cell as a formula (OWASP).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


#: Characters an Excel file (XML) cannot hold: control characters except tab and line ends.
XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(value: Any, *, xlsx: bool = False) -> Any:
    """``value`` with a leading ``'`` when it is text that a spreadsheet would run.

    With ``xlsx=True`` control characters that an Excel file cannot hold are replaced by
    ``�`` (U+FFFD) as well, so that a stray character in the data cannot stop the export.

    Examples
    --------
    >>> safe_cell('=HYPERLINK("http://x","Kita")')
    '\\'=HYPERLINK("http://x","Kita")'
    >>> safe_cell("-2+3"), safe_cell(-2.5), safe_cell("Kita Sonne")
    ("'-2+3", -2.5, 'Kita Sonne')
    >>> safe_cell("Q\x1b1", xlsx=True)
    'Q�1'
    """
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_PREFIXES):
        value = "'" + value
    return XLSX_ILLEGAL.sub("\ufffd", value) if xlsx else value


def safe_table(table: pd.DataFrame, *, xlsx: bool = False) -> pd.DataFrame:
    """A copy of ``table`` with :func:`safe_cell` applied to every text cell and header.

    Numeric, boolean and date columns are returned as they are; in object and string
    columns only the ``str`` values are changed (``None``/NaN and numbers stay).

    Examples
    --------
    >>> table = pd.DataFrame({"name": ["@SUM(A1)", "Kita"], "-x": [-1.0, 2.0]})
    >>> safe = safe_table(table)
    >>> safe.columns.tolist(), safe["name"].tolist(), safe["'-x"].tolist()
    (['name', "'-x"], ["'@SUM(A1)", 'Kita'], [-1.0, 2.0])
    """
    safe = table.copy()
    for position in range(safe.shape[1]):
        values = safe.iloc[:, position]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        elif not (values.dtype == object or pd.api.types.is_string_dtype(values)):
            continue
        try:
            risky = values.str.startswith(FORMULA_PREFIXES)
            if xlsx:
                risky = risky.fillna(False).astype(bool) | values.str.contains(XLSX_ILLEGAL)
        except AttributeError:  # no text at all (e.g. only dates or None)
            continue
        mask = risky.fillna(False).to_numpy(dtype=bool)
        if mask.any():  # the check is vectorised; only the few cells found are rewritten
            cells = values.to_numpy(dtype=object, copy=True)
            cells[mask] = [safe_cell(v, xlsx=xlsx) for v in cells[mask]]
            safe.isetitem(position, pd.Series(cells, index=safe.index, dtype=object))
    safe.columns = [safe_cell(c, xlsx=xlsx) for c in safe.columns]
    return safe


def write_csv(path: str | Path, table: pd.DataFrame, language: str = "de", *,
              index: bool = False) -> Path:
    """Write ``table`` as a spreadsheet-safe CSV file, atomically.

    Parameters
    ----------
    path : str or Path
        Target file; build it with :func:`quartier._paths.inside`.
    table : DataFrame
        Written through :func:`safe_table`.
    language : {"de", "en"}
        ``"de"``: ``;`` and decimal comma (Excel on German Windows); else ``,`` and ``.``.
    index : bool
        Write the index as the first column(s).

    Returns
    -------
    Path
        ``path``.

    Notes
    -----
    UTF-8 with byte-order mark (Excel recognises the encoding) and ``\\r\\n`` line ends. The
    file is written under a hidden temporary name beside ``path`` and renamed when complete,
    readable by everyone the umask allows (it is meant to be shared).
    """
    path = Path(path)
    if index:
        table = table.reset_index()
    separator, decimal = (";", ",") if language == "de" else (",", ".")
    with atomic_stream(path, "w", encoding="utf-8-sig", newline="") as stream:
        safe_table(table).to_csv(stream, sep=separator, decimal=decimal, index=False,
                                 lineterminator="\r\n")
    return path
