"""Mapping a user's column names onto the data contracts, with type checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from quartier.config import DatasetConfig
from quartier.config_schema import closest
from quartier.load.tables import TableReadError, read_table, to_number
from quartier.validation import ValidationReport, format_ids

__all__ = ["map_columns", "missing_column_hint", "numeric_column", "row_labels",
           "read_table_reported"]


def read_table_reported(cfg: DatasetConfig, path: Path, report: ValidationReport
                        ) -> tuple[pd.DataFrame | None, str]:
    """Read a CSV/Excel file of a dataset; an unreadable file becomes an error finding.

    Returns the table (all cells text, a ``_row`` column with the line number in the file,
    header = line 1) and its decimal mark, or ``(None, ".")``.
    """
    try:
        table, info = read_table(path, sheet=cfg.get("sheet"))
    except TableReadError as exc:
        report.add("error", "unreadable_file", cfg.name, str(exc),
                   "Datei als CSV (UTF-8 oder Windows-1252) oder Excel speichern.", file=str(path))
        return None, "."
    table["_row"] = np.arange(2, len(table) + 2)
    return table, info.decimal


def row_labels(frame: pd.DataFrame, mask: pd.Series, id_column: str | None = None) -> str:
    """Short text naming the rows selected by ``mask``: ids when known, else row numbers."""
    if id_column and id_column in frame.columns:
        ids = frame.loc[mask, id_column]
        if ids.notna().all():
            return format_ids(ids)
    if "_row" in frame.columns:
        return format_ids(frame.loc[mask, "_row"])
    return format_ids(frame.index[mask])


def missing_column_hint(column: object, available: list[str]) -> str:
    """Hint for a column that is not in the file: the nearest columns it has, then all of them.

    Examples
    --------
    >>> missing_column_hint("Einwohnr", ["Quartier", "Einwohner"])
    "Meinten Sie 'Einwohner'? Vorhandene Spalten: Quartier, Einwohner"
    """
    near = closest(str(column), [str(c) for c in available])
    return ("Meinten Sie " + " oder ".join(f"'{n}'" for n in near) + "? " if near else "") + \
        "Vorhandene Spalten: " + ", ".join(str(c) for c in available)


def map_columns(frame: pd.DataFrame, cfg: DatasetConfig, path: Path, report: ValidationReport,
                *, required: tuple[str, ...] = (), optional: tuple[str, ...] = (),
                defaults: dict[str, str] | None = None) -> pd.DataFrame | None:
    """Rename the user's columns to contract names.

    The mapping is ``cfg.columns`` (contract name → user column), completed by ``defaults``
    (tried only when the user did not map that name) and by columns that already carry the
    contract name. A mapped column that is missing is an error naming the available columns; a
    required contract column that nobody provides is an error too.

    Returns
    -------
    DataFrame or None
        The renamed frame (unmapped columns kept), or ``None`` when a required column is missing.
    """
    available = [c for c in frame.columns if c not in ("_row", "geometry")]
    mapping: dict[str, str] = {}
    ok = True
    for contract, column in cfg.columns.items():
        if isinstance(column, list):
            continue  # multi-column values (e.g. address parts) are handled by the loader
        if column not in frame.columns:
            report.add("error", "missing_column", cfg.name, f"Die Spalte '{column}' (für "
                       f"{contract}) fehlt in der Datei.", missing_column_hint(column, available),
                       file=str(path), column=str(column))
            ok = False
            continue
        mapping[str(column)] = contract
    for contract, column in (defaults or {}).items():
        if contract not in cfg.columns and column in frame.columns and contract not in frame.columns:
            mapping.setdefault(column, contract)
    renamed = frame.drop(columns=[c for c in mapping.values() if c in frame.columns
                                  and c not in mapping]).rename(columns=mapping)
    for contract in required:
        if contract not in renamed.columns and contract not in cfg.columns:
            report.add("error", "missing_column", cfg.name, f"Die Pflichtangabe '{contract}' "
                       "fehlt: keine Spalte ist ihr zugeordnet.",
                       f'In der Konfiguration columns = {{ {contract} = "Spaltenname" }} ergänzen. '
                       "Vorhandene Spalten: " + ", ".join(available), file=str(path),
                       column=contract)
            ok = False
    for contract in optional:
        if contract not in renamed.columns:
            renamed[contract] = None
    return renamed if ok else None


def numeric_column(frame: pd.DataFrame, column: str, cfg: DatasetConfig, path: Path,
                   report: ValidationReport, *, decimal: str = ".", severity: str = "error",
                   allow_negative: bool = True, id_column: str | None = None,
                   kind: str = "measure") -> pd.Series:
    """Convert a column to float and record non-numeric and negative values.

    Delegates to :func:`quartier.load.numbers.number_column` (``kind``: count, amount,
    measure or coordinate decides how ``4.318`` is read).

    Empty cells and suppression marks (``–``, ``-``, ``.``) become NaN without complaint; text
    that is not a number becomes NaN and is reported with its rows, as are negative values when
    ``allow_negative`` is false.
    """
    from quartier.load.numbers import number_column  # the one reading of numeric columns

    return number_column(frame, column, cfg, path, report, kind=kind, decimal=decimal,
                         severity=severity, allow_negative=allow_negative, id_column=id_column)
