"""Mapping a user's column names onto the data contracts, with type checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from quartier.config import DatasetConfig
from quartier.config_schema import closest
from quartier.load.encoding import UTF8_AS_ANSI, find_mojibake
from quartier.load.encoding import shown as shown_text
from quartier.load.tables import TableReadError, read_table
from quartier.validation import Severity, ValidationReport, format_ids

__all__ = ["map_columns", "missing_column_hint", "numeric_column", "row_labels",
           "read_table_reported", "expected_columns", "align_column_names", "report_mojibake"]


def expected_columns(cfg: DatasetConfig) -> list[str]:
    """Every column name a dataset block refers to: its mapping, x/y/wkt, address columns
    and attribute filters (to find the header row and to match names without case).
    """
    names: list[str] = []
    for value in cfg.columns.values():
        names.extend(value if isinstance(value, list) else [value])
    for key in ("x", "y", "wkt"):
        if isinstance(cfg.get(key), str):
            names.append(cfg.get(key))
    names.extend(cfg.get("address_columns") or [])
    names.extend((cfg.get("filter") or {}).keys())
    return [str(n) for n in dict.fromkeys(names)]


def _normalised(name: object) -> str:
    return " ".join(str(name).split()).casefold()


def align_column_names(frame: pd.DataFrame, names: list[str] | tuple[str, ...]
                       ) -> pd.DataFrame:
    """Rename columns to the spelling the config uses where they differ only in case or spaces.

    ``Kita``, ``kita`` and `` KITA `` name the same column; a column is renamed only when
    exactly one column matches and that column is not itself one of ``names``.

    Examples
    --------
    >>> align_column_names(pd.DataFrame(columns=[" NAME ", "Plätze"]), ["name"]).columns.tolist()
    ['name', 'Plätze']
    """
    present = set(frame.columns)
    renames: dict[str, str] = {}
    for name in names:
        if name in present:
            continue
        hits = [c for c in frame.columns if isinstance(c, str) and c not in names
                and c not in renames and _normalised(c) == _normalised(name)]
        if len(hits) == 1:
            renames[hits[0]] = name
    return frame.rename(columns=renames) if renames else frame


def read_table_reported(cfg: DatasetConfig, path: Path, report: ValidationReport
                        ) -> tuple[pd.DataFrame | None, str]:
    """Read a CSV/Excel file of a dataset; an unreadable file becomes an error finding.

    The header row is found from the names the block maps (or given with ``header_row`` /
    ``skip_rows``); skipped title lines and notes below the data are reported as notes, text
    that looks wrongly decoded as a warning naming the column. Column names that differ from
    the mapping only in case or spaces take the mapping's spelling.

    Returns the table (all cells text, a ``_row`` column with the line number in the file)
    and its decimal mark, or ``(None, ".")``.
    """
    expected = expected_columns(cfg)
    try:
        table, info = read_table(path, sheet=cfg.get("sheet"), member=cfg.get("member"),
                                 encoding=cfg.get("encoding"), header_row=cfg.get("header_row"),
                                 skip_rows=cfg.get("skip_rows"), expected=expected)
    except TableReadError as exc:
        report.add("error", "unreadable_file", cfg.name, str(exc),
                   "Datei als CSV (UTF-8 oder Windows-1252) oder Excel speichern.", file=str(path))
        return None, "."
    shown = f"{path}/{info.member}" if info.member else str(path)
    if info.header_line > 1 and cfg.get("header_row") is None and cfg.get("skip_rows") is None:
        above = "; ".join(_short(line) for line in info.skipped[:3])
        report.add("note", "header_row", cfg.name, f"Die Spaltennamen stehen in Zeile "
                   f"{info.header_line}; die Zeilen darüber (Titel, Metadaten"
                   + (f": {above}" if above else "") + ") wurden übersprungen.",
                   "Stimmt die Kopfzeile nicht, mit header_row = … die Zeile mit den "
                   "Spaltennamen angeben.", file=shown)
    if info.footer:
        report.add("note", "footer_rows", cfg.name, f"{len(info.footer)} Zeilen mit "
                   f"Anmerkungen unter den Daten wurden nicht als Daten gelesen (z. B. "
                   f"'{_short(info.footer[-1])}').", "Gehören sie zu den Daten, die Anmerkungen "
                   "in der Datei kennzeichnen oder entfernen.", file=shown)
    if info.suspicious_text:
        report_mojibake(table, cfg, shown, report, info.encoding)
    table = align_column_names(table, expected)
    table["_row"] = np.arange(info.header_line + 1, len(table) + info.header_line + 1)
    return table, info.decimal


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"


def report_mojibake(frame: pd.DataFrame, cfg: DatasetConfig, file: str,
                    report: ValidationReport, encoding: str | None) -> bool:
    """Warn, per column, about text that looks read with the wrong encoding; True if any."""
    found = find_mojibake(frame)
    for hit in found:
        if hit.kind == UTF8_AS_ANSI:
            cause = ("die Datei ist vermutlich UTF-8, wurde aber als "
                     f"{encoding or 'Windows-1252/ISO-8859-1'} gelesen")
            fix = 'In der Konfiguration encoding = "utf-8" angeben'
        else:
            cause = ("die Datei ist vermutlich Windows-1252, wurde aber als ISO-8859-1 gelesen "
                     "(Gedankenstriche und Anführungszeichen werden zu Steuerzeichen)")
            fix = 'In der Konfiguration encoding = "cp1252" angeben'
        report.add("warning", "mojibake", cfg.name, f"{hit.count} Werte in der Spalte "
                   f"'{hit.column}' sehen falsch dekodiert aus "
                   f"(z. B. '{shown_text(hit.example)}'): "
                   f"{cause}.", fix + "; stehen die Zeichen schon so in der Datei, sie dort "
                   "korrigieren (mit UTF-8 neu speichern).", file=file, column=hit.column)
    return bool(found)


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
    frame = align_column_names(frame, [*expected_columns(cfg), *(defaults or {}).values()])
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
        if (contract not in cfg.columns and column in frame.columns
                and contract not in frame.columns):
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
                   report: ValidationReport, *, decimal: str = ".", severity: Severity = "error",
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
