"""The shipped catalogue and a town's own category table (``[categories]``).

:func:`default_catalogue` reads ``quartier/data/categories.csv`` (package data);
:func:`read_catalogue_table` brings a user's table into the catalogue's text layout and
:func:`merge_catalogue` checks it cell by cell and applies it: a known key overrides, a new key
extends.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from io import StringIO

import numpy as np
import pandas as pd

from quartier.catalogue._cells import (
    CATALOGUE_COLUMNS,
    NUMERIC,
    TEXT,
    cell_text,
    check_cell,
    duplicates,
    normalised_columns,
    parse_combined,
    report_cell,
    row_numbers,
    to_bool,
    to_float,
)
from quartier.fields import FIELDS, field_key
from quartier.validation import ValidationReport

_ALLOWED_FIELDS = ", ".join(FIELDS)


@lru_cache(maxsize=1)
def _default_text() -> str:
    return resources.files("quartier").joinpath("data", "categories.csv").read_text("utf-8")


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    """Turn an all-text catalogue table (with a ``key`` column) into a typed catalogue."""
    out = table.reindex(columns=CATALOGUE_COLUMNS, fill_value="").copy()
    for column in NUMERIC:
        out[column] = out[column].map(to_float).astype(float)
    out["binding"] = out["binding"].map(to_bool).astype(bool)
    for column in ["key", *TEXT]:
        out[column] = out[column].astype(str)
    return out.set_index("key")


def default_catalogue() -> pd.DataFrame:
    """The catalogue shipped with quartier (``quartier/data/categories.csv``).

    Returns
    -------
    DataFrame
        One row per category, indexed by ``key``, in report order (by action field), with the
        columns of :data:`CATALOGUE_COLUMNS` except ``key``: ``per_1000`` and
        ``max_distance_m`` as float (NaN where no standard exists), ``binding`` as bool, all
        other columns as text (``""`` when empty). Each call returns a new frame.

    Notes
    -----
    Standards are filled only where a German source was found (``standard_source``, with
    ``standard_year``); every other category is judged relative to the town (median of the
    quarters). None is legally binding for a quarter, so ``binding`` is false throughout.

    ==============  ======  ==============================================================
    category        kind    standard
    ==============  ======  ==============================================================
    kita            demand  places needed = 0.491 · children 0–2 + 0.92 · children 3–5
                            (U3: parents' demand 49.1 %, KiBS; 3 to school entry: attendance
                            rate 92 % on 1.3.2022, a lower bound of demand; BMFSFJ,
                            Kindertagesbetreuung Kompakt 2022)
    gp              rate    1 GP per 1,609 residents (G-BA Bedarfsplanungs-Richtlinie 2019,
                            ``per_1000`` = 0.6215); planned per Mittelbereich, far larger than
                            a quarter (``planning_scale``: shown, not ranked)
    playground      dist.   DIN 18034:2020-10: under 6 within 200 m walk (≈ 175 m straight
                            line), 6–11 within 400 m (≈ 350 m), 12+ within 1,000 m (≈ 750 m)
    public_         dist.   combined (``combined_of``): a bus or tram stop within 300 m or a
    transport               rail station within 600 m straight line (stop catchments of
                            transit planning, VDV-Schrift 4); the bus/tram stop alone
                            (``transit_stop``) is judged relative to the town, so that a
                            quarter served by S- or U-Bahn shows no Lücke for lack of buses
    supermarket,    dist.   1,000 m straight line: the BBSR's indicator of local supply
    pharmacy,               (2022; Analysen Kompakt 1/2025), an indicator rather than a
    primary_school          standard
    ==============  ======  ==============================================================

    No general German standard was found for nursing home places per resident 80+ (the
    Länder stopped publishing Landespflegeplan figures, e.g. Baden-Württemberg in 2010;
    Kreispflegepläne set local values), for green space within a distance, for childminders,
    schools' places, youth centres, libraries, counselling or everyday help: these are judged
    relative to the town. A town enters its own figures (e.g. its Kreispflegeplan or
    Kita-Bedarfsplan) in ``[standards]`` (:func:`apply_standards`).

    Examples
    --------
    >>> cat = default_catalogue()
    >>> round(float(cat.loc["gp", "per_1000"]) * 1609, 1)
    1000.0
    """
    raw = pd.read_csv(StringIO(_default_text()), dtype=str, keep_default_na=False)
    return _typed(raw)


def read_catalogue_table(df: pd.DataFrame, *, report: ValidationReport | None = None,
                         dataset: str = "categories", file: str | None = None) -> pd.DataFrame:
    """Bring a user's category table into the catalogue's text layout.

    Column names are matched without regard to case and surrounding whitespace. Every cell
    becomes stripped text (missing values ``""``), columns the table does not have are added
    empty, and fully empty rows are dropped. Values are not checked here; see
    :func:`merge_catalogue`.

    Parameters
    ----------
    df : DataFrame
        The table as read from the user's file (text or numbers).
    report : ValidationReport, optional
        Where problems are recorded: no ``key`` column (error ``missing_column``) and columns
        the catalogue does not know (warning ``unknown_column``; they are ignored). Without a
        report, an error raises :class:`ValueError` and warnings are dropped.
    dataset : str, default "categories"
        Dataset name for findings.
    file : str, optional
        File name for findings.

    Returns
    -------
    DataFrame
        Text columns :data:`CATALOGUE_COLUMNS` plus ``_row`` (row numbers for messages: taken
        from the input's ``_row`` column if present, else spreadsheet rows with the header as
        row 1). Empty (no rows) when the ``key`` column is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> t = read_catalogue_table(pd.DataFrame({" Key ": ["kita"], "per_1000": [120.0]}))
    >>> t.loc[0, ["key", "per_1000", "field", "_row"]].tolist()
    ['kita', '120', '', '2']
    """
    own = report if report is not None else ValidationReport()
    table = normalised_columns(df)
    rows = row_numbers(table)
    unknown = [c for c in table.columns if c not in CATALOGUE_COLUMNS and c != "_row"]
    if unknown:
        own.add("warning", "unknown_column", dataset,
                f"Die Kategorientabelle hat Spalten, die quartier nicht kennt: "
                f"{', '.join(unknown)}. Sie werden nicht verwendet.",
                "Spalten umbenennen, falls sie gemeint waren. Erlaubt sind: "
                + ", ".join(CATALOGUE_COLUMNS) + ".", file=file)
    if "key" not in table.columns:
        own.add("error", "missing_column", dataset,
                "Die Kategorientabelle hat keine Spalte 'key' mit dem Schlüssel der Kategorie.",
                "Eine Spalte 'key' anlegen, z. B. mit 'kita' für eine vorhandene oder einem "
                "neuen Schlüssel wie 'tafel_ausgabe' für eine neue Kategorie.", file=file,
                column="key")
        if report is None:
            raise ValueError(ValidationReport(own.errors).format())
        return pd.DataFrame(columns=[*CATALOGUE_COLUMNS, "_row"], dtype=str)
    out = pd.DataFrame(index=table.index)
    for column in CATALOGUE_COLUMNS:
        if column in table.columns:
            out[column] = table[column].map(cell_text).astype(str)
        else:
            out[column] = pd.Series("", index=table.index, dtype=str)
    out["_row"] = rows
    filled = (out[CATALOGUE_COLUMNS] != "").any(axis=1)
    return out[filled].reset_index(drop=True)


def merge_catalogue(base: pd.DataFrame, extra: pd.DataFrame, *, report: ValidationReport,
                    dataset: str = "categories", file: str | None = None) -> pd.DataFrame:
    """Extend or override a catalogue with a study's own category table.

    Parameters
    ----------
    base : DataFrame
        A typed catalogue, e.g. :func:`default_catalogue`.
    extra : DataFrame
        The study's table with (some of) the columns of :data:`CATALOGUE_COLUMNS`; ``key`` is
        required. Text or numbers; German decimal commas are accepted.
    report : ValidationReport
        Where problems are recorded (nothing is raised).
    dataset : str, default "categories"
        Dataset name for findings.
    file : str, optional
        File name for findings.

    Returns
    -------
    DataFrame
        A new typed catalogue: ``base`` with the overrides applied and new categories appended
        in the order of ``extra``.

    Notes
    -----
    * A row whose ``key`` is in ``base`` overrides only the cells it fills; empty cells keep
      the base value (an override cannot blank a value).
    * A row with a new key adds a category. It needs ``field`` and ``label_de``; missing
      ``label_en`` falls back to ``label_de``, missing ``reference_group`` to ``all``,
      missing ``binding`` to false.
    * ``field`` accepts a key (``counselling``) or a label (``Beratungsstruktur``); a label is
      translated to its key with a note (``field_label_used``).
    * Problems are errors in ``report``, and the offending cell (or, for a new category that
      cannot be added, the whole row) is left out: ``missing_key``, ``duplicate_key``,
      ``unknown_field`` (lists the six allowed keys), ``missing_field``, ``missing_label``,
      ``invalid_reference_group``, ``not_numeric``, ``negative_value``, ``invalid_binding``,
      ``invalid_osm_tags``; plus ``missing_column`` and the warning ``unknown_column`` from
      :func:`read_catalogue_table`.

    Examples
    --------
    >>> import pandas as pd
    >>> from quartier.validation import ValidationReport
    >>> report = ValidationReport()
    >>> extra = pd.DataFrame({"key": ["kita", "tafel_laden"], "field": ["", "Alltagshilfen"],
    ...                       "label_de": ["", "Tafelladen"], "max_distance_m": ["800", ""]})
    >>> cat = merge_catalogue(default_catalogue(), extra, report=report)
    >>> float(cat.loc["kita", "max_distance_m"]), cat.loc["kita", "label_de"]
    (800.0, 'Kindertagesstätte (Kita)')
    >>> cat.loc["tafel_laden", ["field", "reference_group"]].tolist()
    ['everyday_help', 'all']
    >>> report.codes()
    ['field_label_used']
    """
    table = read_catalogue_table(extra, report=report, dataset=dataset, file=file)
    result = base.copy()
    if table.empty:
        return result
    duplicated = duplicates(table["key"], table["_row"])
    for key, rows in duplicated.items():
        report.add("error", "duplicate_key", dataset,
                   f"Die Kategorie '{key}' steht mehrmals in der Tabelle. Keine der Zeilen wird "
                   "verwendet.", "Die Zeilen zu einer zusammenfassen.", file=file, rows=rows,
                   column="key")
    new_rows: list[dict[str, object]] = []
    for _, row in table.iterrows():
        key, line = row["key"], row["_row"]
        if key == "":
            report.add("error", "missing_key", dataset,
                       "Eine Zeile der Kategorientabelle hat keinen Schlüssel (Spalte 'key'). "
                       "Sie wird nicht verwendet.",
                       "Den Schlüssel der Kategorie eintragen, z. B. 'kita', oder die Zeile "
                       "löschen.", file=file, rows=line, column="key")
            continue
        if key in duplicated:
            continue
        cells = _valid_cells(row, report, dataset, file, is_new=key not in result.index)
        if key in result.index:
            for column, value in cells.items():
                result.loc[key, column] = value
            continue
        addition = _new_category(key, line, cells, row["field"] != "", report, dataset, file)
        if addition is not None:
            new_rows.append(addition)
    if new_rows:
        added = pd.DataFrame(new_rows).set_index("key")
        result = pd.concat([result, added[result.columns]])
    result.index.name = "key"
    _check_members(result, table, report, dataset, file)
    return result.astype({c: float for c in NUMERIC} | {"binding": bool}
                         | {c: str for c in TEXT})


def _check_members(result: pd.DataFrame, table: pd.DataFrame, report: ValidationReport,
                   dataset: str, file: str | None) -> None:
    """Report ``combined_of`` members of the table's rows that are no plain category.

    Such members are left out of the combination (:func:`combined_members`); a combination
    left without any member is no standard.
    """
    combined = set(result.index[result["combined_of"].fillna("").astype(str) != ""])
    for _, row in table[table["combined_of"] != ""].iterrows():
        if row["key"] not in result.index or result.at[row["key"], "combined_of"] == "":
            continue
        wrong = [m for m in parse_combined(result.at[row["key"], "combined_of"])
                 if m not in result.index or m in combined]
        if wrong:
            report.add("error", "unknown_category", dataset,
                       f"'combined_of' der Kategorie '{row['key']}' nennt "
                       f"{', '.join(wrong)}: keine Kategorie des Katalogs oder selbst "
                       "zusammengesetzt. Diese Teile werden nicht verwendet.",
                       "Schlüssel einfacher Kategorien eintragen, z. B. "
                       "transit_stop:300;rail_station:600.", file=file, rows=row["_row"],
                       column="combined_of")


def _valid_cells(row: pd.Series, report: ValidationReport, dataset: str,
                 file: str | None, *, is_new: bool) -> dict[str, object]:
    """The typed values of a row's filled cells that pass the checks (others are reported)."""
    key, line = row["key"], row["_row"]
    cells: dict[str, object] = {}
    for column in CATALOGUE_COLUMNS[1:]:
        value = row[column]
        if value == "":
            continue
        if column == "field":
            try:
                field = field_key(value)
            except ValueError:
                consequence = ("Die neue Kategorie wird deshalb nicht angelegt." if is_new
                               else "Die Kategorie behält ihr bisheriges Handlungsfeld.")
                report.add("error", "unknown_field", dataset,
                           f"Das Handlungsfeld '{value}' der Kategorie '{key}' gibt es nicht. "
                           + consequence,
                           f"Eines der sechs Handlungsfelder eintragen: {_ALLOWED_FIELDS}.",
                           file=file, rows=line, column="field")
                continue
            if field != value:
                report.add("note", "field_label_used", dataset,
                           f"Das Handlungsfeld '{value}' der Kategorie '{key}' wurde als "
                           f"'{field}' gelesen.", "", file=file, rows=line, column="field")
            cells[column] = field
            continue
        code = check_cell(column, value)
        if code is not None:
            report_cell(report, code, dataset, file, line, column, value, key)
            continue
        if column in NUMERIC:
            cells[column] = to_float(value)
        elif column == "binding":
            cells[column] = to_bool(value)
        else:
            cells[column] = value
    return cells


def _new_category(key: str, line: str, cells: dict[str, object], field_given: bool,
                  report: ValidationReport, dataset: str,
                  file: str | None) -> dict[str, object] | None:
    """A complete catalogue row for a new key, or None (reported) when it cannot be added."""
    complete = "field" in cells
    if not field_given:  # an invalid field has been reported as unknown_field already
        report.add("error", "missing_field", dataset,
                   f"Die neue Kategorie '{key}' hat kein Handlungsfeld und wird nicht angelegt.",
                   f"In Spalte 'field' eines der Handlungsfelder eintragen: {_ALLOWED_FIELDS}. "
                   "Falls eine vorhandene Kategorie gemeint war: den Schlüssel prüfen.",
                   file=file, rows=line, column="field")
    if "label_de" not in cells:
        complete = False
        report.add("error", "missing_label", dataset,
                   f"Die neue Kategorie '{key}' hat keine Bezeichnung und wird nicht angelegt.",
                   "In Spalte 'label_de' eintragen, wie die Kategorie im Bericht heißen soll.",
                   file=file, rows=line, column="label_de")
    if not complete:
        return None
    entry: dict[str, object] = {column: "" for column in TEXT}
    entry.update({"key": key, **{column: np.nan for column in NUMERIC}, "binding": False,
                  "reference_group": "all", "label_en": cells["label_de"]})
    entry.update(cells)
    return entry
