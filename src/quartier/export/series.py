"""Export of every indicator in every stored edition: ``alle_ausgaben.csv`` (``all_editions.csv``).

One row per quarter, category and indicator, one column per edition (oldest first), then the
change since the previous edition and since the first one. Editions with other quarter
boundaries appear with their values carried onto today's quarters (see
:mod:`quartier.editions.boundaries`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from quartier._paths import inside
from quartier.editions.history import EditionHistory, indicator_series
from quartier.export.labels import round_printed
from quartier.export.spreadsheet import write_csv

__all__ = ["series_table", "write_series_csv"]

_HEADERS = {
    "de": {"quarter_id": "Quartier-Nr.", "category": "Kategorie", "indicator": "Indikator",
           "unit": "Einheit (Veränderung bei % in Prozentpunkten)",
           "change": "Veränderung zur Vorausgabe", "change_first": "Veränderung zur ersten Ausgabe",
           "file": "alle_ausgaben.csv"},
    "en": {"quarter_id": "Quarter no.", "category": "category", "indicator": "indicator",
           "unit": "unit (change of % in percentage points)",
           "change": "change since previous edition", "change_first": "change since first edition",
           "file": "all_editions.csv"},
}


def series_table(history: EditionHistory, catalogue: pd.DataFrame,
                 language: str = "de") -> pd.DataFrame:
    """:func:`indicator_series` with category and indicator labels in ``language``, values and
    changes rounded to the decimals the report prints
    (:func:`quartier.export.labels.round_printed`).
    """
    from quartier.indicators.registry import INDICATORS

    table = indicator_series(history)
    # values and changes rounded as the report prints them (by the indicator's code)
    for number in [*history.labels, "change", "change_first"]:
        if number in table:
            table[number] = round_printed(table[number], table["indicator"])
    column = "label_de" if language == "de" else "label_en"
    labels = catalogue[column] if column in catalogue.columns else pd.Series(dtype=str)
    table["category"] = table["category"].map(lambda c: labels.get(c, c) if isinstance(c, str)
                                              else "")
    if language == "de":  # the German units of the registry ("je 1.000", "Personen", …)
        table["unit"] = [INDICATORS[i].unit_de if i in INDICATORS else u
                         for i, u in zip(table["indicator"], table["unit"], strict=True)]
    table["indicator"] = table["indicator"].map(
        lambda i: getattr(INDICATORS[i], column) if i in INDICATORS else i)
    headers = _HEADERS["de" if language == "de" else "en"]
    return table.rename(columns={k: v for k, v in headers.items() if k != "file"})


def write_series_csv(history: EditionHistory, folder: Path, catalogue: pd.DataFrame,
                     language: str = "de") -> Path:
    """Write the table atomically into ``folder``; German: ``;``, decimal comma, BOM."""
    table = series_table(history, catalogue, language)
    name = _HEADERS["de" if language == "de" else "en"]["file"]
    return write_csv(inside(folder, name), table, "de" if language == "de" else "en")
