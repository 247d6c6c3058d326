"""The public CSV files beside the report, in the report's language.

Headers, codes and booleans in the language, values rounded as the report prints them
(:func:`quartier.export.labels.public_table`), written with formula-safe cells
(:func:`quartier.export.spreadsheet.write_csv`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from quartier.export.labels import public_table
from quartier.export.spreadsheet import write_csv
from quartier.study import Study

__all__ = ["write_csv_files"]


def write_csv_files(paths: Mapping[str, Path], tables: Mapping[str, pd.DataFrame | None],
                    study: Study, language: str, *,
                    column_label: Callable[[str, str], str]) -> None:
    """Write each table that is not None to ``paths[key]`` as a public CSV file.

    Parameters
    ----------
    paths : mapping of str to Path
        Target file per table key.
    tables : mapping of str to DataFrame or None
        ``indicators``, ``gaps``, ``facilities`` (with coordinates), ``status`` and
        ``housing`` in their contract form; None for a table the study does not have.
    study : Study
        The study (catalogue and quarter names for the labels).
    language : {"de", "en"}
        Language of headers and labels, and the CSV number format.
    column_label : callable
        ``column_label(column, language)``: the header of a housing column.
    """
    public = {"catalogue": study.catalogue, "column_label": column_label,
              "quarter_names": study.quarters.set_index("quarter_id")["name"]}
    for key, table in tables.items():
        if table is not None:
            write_csv(paths[key], public_table(table, key, language, **public), language)
