"""Numeric columns of a dataset: one reading per column, every doubtful cell reported.

All loaders convert numeric columns (population counts, capacities, budgets, housing values,
social indicators, grid coordinates) with :func:`number_column`; the reading itself is
:func:`quartier.load.number_notation.parse_numbers`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from quartier.config import DatasetConfig
from quartier.load.columns import row_labels
from quartier.load.number_notation import parse_numbers
from quartier.validation import Severity, ValidationReport

__all__ = ["number_column"]


def number_column(frame: pd.DataFrame, column: str, cfg: DatasetConfig, path: Path,
                  report: ValidationReport, *, kind: str = "measure", decimal: str = ".",
                  severity: Severity = "error", allow_negative: bool = True,
                  id_column: str | None = None) -> pd.Series:
    """Convert a column to float and record every cell that could not be read safely.

    Parameters
    ----------
    frame : DataFrame
        The table (cells as text), with ``_row`` for messages.
    column : str
        Contract name of the column.
    cfg, path, report
        Dataset, file and the report receiving findings.
    kind : {"count", "amount", "measure", "coordinate"}
        Contract type: ``count`` for residents, places and other whole numbers, ``amount``
        for money, ``measure`` for rates and other indicators, ``coordinate``.
    decimal : {".", ","}
        Decimal mark detected for the whole file.
    severity : {"error", "warning"}
        Severity for text that is no number.
    allow_negative : bool
        When false, negative values are an error.
    id_column : str, optional
        Column naming the rows in messages.

    Returns
    -------
    Series of float
        NaN for empty, suppressed (``–``), unreadable and ambiguous cells.

    Notes
    -----
    Findings: text that is no number (``non_numeric``, ``severity``), a column mixing
    notations (``ambiguous_number``, error), numbers with words or units dropped
    (``approximate_number``, warning: ``ca. 20``, ``1.000 €``), a reading decided by the
    contract type (``number_format``, note), negative counts (``negative_value``, error).
    """
    parsed = parse_numbers(frame[column], kind=kind, file_decimal=decimal)
    cells = frame[column]
    file = str(path)
    if parsed.bad.any():
        examples = ", ".join(repr(v) for v in cells[parsed.bad].head(3))
        report.add(severity, "non_numeric", cfg.name, f"{int(parsed.bad.sum())} Werte in "
                   f"'{column}' sind keine Zahlen (z. B. {examples}).", "Nur Zahlen eintragen; "
                   "leere Zellen oder '–' gelten als fehlender Wert.", file=file, column=column,
                   rows=row_labels(frame, parsed.bad, id_column))
    if parsed.ambiguous.any():
        examples = ", ".join(repr(v) for v in cells[parsed.ambiguous].drop_duplicates().head(4))
        report.add("error", "ambiguous_number", cfg.name, f"Die Spalte '{column}' mischt "
                   f"Schreibweisen von Zahlen ({examples}): ob der Punkt oder das Komma Tausender "
                   "trennt oder Dezimalstellen, ist nicht eindeutig.", "Die Spalte einheitlich "
                   "schreiben: Tausender ohne Trennzeichen oder mit Punkt (4318 oder 4.318), "
                   "Dezimalstellen mit Komma (12,5).", file=file, column=column,
                   rows=row_labels(frame, parsed.ambiguous, id_column))
    if parsed.decorated.any():
        shown = "; ".join(f"{value!r} → " + f"{number:g}".replace(".", ",") for value, number in
                          zip(cells[parsed.decorated].head(3),
                              parsed.numbers[parsed.decorated].head(3)))
        report.add("warning", "approximate_number", cfg.name, f"{int(parsed.decorated.sum())} "
                   f"Werte in '{column}' enthalten Wörter oder Einheiten, die weggelassen wurden "
                   f"({shown}).", "Nur die Zahl eintragen (ohne 'ca.', '€', '%'); ungefähre "
                   "Werte als solche in der Quelle vermerken.", file=file, column=column,
                   rows=row_labels(frame, parsed.decorated, id_column))
    if parsed.decided:
        report.add("note", "number_format", cfg.name, f"Spalte '{column}': {parsed.decided}",
                   "Ist das falsch gemeint, die Zahlen in der Datei eindeutig schreiben "
                   "(Tausender ohne Trennzeichen, Dezimalkomma).", file=file, column=column)
    numbers = parsed.numbers
    if not allow_negative:
        negative = numbers < 0
        if negative.any():
            report.add("error", "negative_value", cfg.name, f"{int(negative.sum())} Werte in "
                       f"'{column}' sind negativ.", "Anzahlen können nicht negativ sein: Quelle "
                       "prüfen.", file=file, column=column,
                       rows=row_labels(frame, negative, id_column))
    return numbers
