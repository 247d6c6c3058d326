"""The notation of numbers in German tables: thousands separator and decimal mark per column.

Statistical offices and Excel exports write ``4.318`` (residents: 4318), ``1.000,50``, ``12,5`` and
sometimes ``12.5`` side by side with marks for suppressed values. :func:`parse_numbers` decides
the notation of a whole column from its cells and the column's contract type; :func:`to_number`
is the short form used by the loaders. Both are also importable from
:mod:`quartier.load.tables`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["NUMBER_KINDS", "SUPPRESSED_MARKS", "ParsedNumbers", "parse_numbers", "to_number"]

#: Cell values that statistical offices print for suppressed or missing values.
SUPPRESSED_MARKS = frozenset({"–", "-", "—", ".", "x", "X", "/", "…", "...", "•", "*"})


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
