"""Standards (Richtwerte) in a catalogue: their kind, a town's ``[standards]``, combinations.

A category has at most one kind of standard (:func:`standard_kind`); a town sets its own with
:func:`apply_standards`. A combined standard (``combined_of``) is read with
:func:`combined_members`, standards in walking minutes become metres with
:func:`minutes_as_metres`, and categories planned for a larger area than a quarter are named by
:func:`unranked_categories`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from quartier.catalogue._cells import (
    GROUP_VALUES,
    NUMERIC,
    STANDARD_COLUMNS,
    VALUE_TEXT,
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
from quartier.validation import ValidationReport

#: ``planning_scale`` values meaning "planned per quarter" (ranked in the priorities).
_QUARTER_SCALES = frozenset({"", "quarter", "quartier"})


def combined_members(catalogue: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per combined category (``combined_of`` filled) its members and their distances (m).

    Members that are not in the catalogue, or are combined categories themselves, are left
    out (:func:`apply_standards` and :func:`merge_catalogue` report them).

    Examples
    --------
    >>> from quartier.catalogue import default_catalogue
    >>> combined_members(default_catalogue())["public_transport"]
    {'transit_stop': 300.0, 'rail_station': 600.0}
    """
    if "combined_of" not in catalogue:
        return {}
    text = catalogue["combined_of"].fillna("").astype(str).str.strip()
    combined = set(text.index[text != ""])
    result: dict[str, dict[str, float]] = {}
    for key in text.index[text != ""]:
        try:
            members = parse_combined(text[key])
        except ValueError:
            continue
        members = {m: d for m, d in members.items()
                   if m in catalogue.index and m not in combined}
        if members:
            result[str(key)] = members
    return result


def unranked_categories(catalogue: pd.DataFrame) -> list[str]:
    """Categories planned for an area larger than a quarter (``planning_scale``).

    Their judgements are shown with their standard but do not enter the need of the
    priority ranking (:func:`quartier.indicators.priorities.priorities`): the G-BA plans GP
    seats per Mittelbereich, so GPs missing "in a quarter" are no quarter's need.

    Examples
    --------
    >>> from quartier.catalogue import default_catalogue
    >>> unranked_categories(default_catalogue())
    ['gp']
    """
    if "planning_scale" not in catalogue:
        return []
    scale = catalogue["planning_scale"].fillna("").astype(str).str.strip().str.casefold()
    return [str(k) for k in scale.index[~scale.isin(_QUARTER_SCALES)]]


def standard_kind(catalogue: pd.DataFrame) -> pd.Series:
    """Per category the kind of its standard: ``demand``, ``rate``, ``distance`` or ``town``.

    ``demand`` where ``demand_rates`` is filled, else ``rate`` where ``per_1000`` is set, else
    ``distance`` where ``combined_of``, ``distance_by_group`` or ``max_distance_m`` is set,
    else ``town`` (no standard: judged relative to the median of the quarters).

    Examples
    --------
    >>> from quartier.catalogue import default_catalogue
    >>> kinds = standard_kind(default_catalogue())
    >>> kinds[["kita", "gp", "pharmacy", "public_transport", "library"]].tolist()
    ['demand', 'rate', 'distance', 'distance', 'town']
    """
    text = {c: catalogue[c].fillna("").astype(str).str.strip() if c in catalogue
            else pd.Series("", index=catalogue.index) for c in VALUE_TEXT}
    kind = np.select(
        [text["demand_rates"] != "", catalogue["per_1000"].notna(),
         (text["distance_by_group"] != "") | catalogue["max_distance_m"].notna()
         | (text["combined_of"] != "")
         | (catalogue["max_minutes"].notna() if "max_minutes" in catalogue else False)],
        ["demand", "rate", "distance"], default="town")
    return pd.Series(kind, index=catalogue.index, name="standard_kind")


def minutes_as_metres(catalogue: pd.DataFrame, speed_kmh: float) -> pd.DataFrame:
    r"""A catalogue whose standards given in walking minutes are set in metres as well.

    Notes
    -----
    :math:`D = t \cdot v \cdot 1000 / 60` metres for :math:`t` minutes at :math:`v` km/h
    (``[network] speed_kmh``, 4.5 by default). Where ``max_minutes`` is set it replaces
    ``max_distance_m``.

    Examples
    --------
    >>> from quartier.catalogue import default_catalogue
    >>> cat = default_catalogue()
    >>> cat.loc["pharmacy", "max_minutes"] = 10.0
    >>> float(minutes_as_metres(cat, 4.5).loc["pharmacy", "max_distance_m"])
    750.0
    """
    if "max_minutes" not in catalogue or not catalogue["max_minutes"].notna().any():
        return catalogue
    result = catalogue.copy()
    given = result["max_minutes"].notna()
    result.loc[given, "max_distance_m"] = result.loc[given, "max_minutes"] * speed_kmh * 1000 / 60
    return result


def apply_standards(catalogue: pd.DataFrame, standards: pd.DataFrame, *,
                    report: ValidationReport, file: str | None = None,
                    dataset: str = "standards") -> pd.DataFrame:
    """Set a study's standards (Richtwerte) in a catalogue.

    Parameters
    ----------
    catalogue : DataFrame
        A typed catalogue (after :func:`merge_catalogue`, so that new categories can have
        standards too).
    standards : DataFrame
        One row per category with the columns of :data:`STANDARD_COLUMNS`; only ``category``
        is required.
    report : ValidationReport
        Where problems are recorded (nothing is raised).
    file : str, optional
        File name for findings.
    dataset : str, default "standards"
        Dataset name for findings.

    Returns
    -------
    DataFrame
        A new catalogue with the study's standards.

    Notes
    -----
    A row replaces the standard of its category as a whole, column by column for the columns
    the table has:

    * ``per_1000``, ``max_distance_m``, ``demand_rates`` and ``distance_by_group`` (the value
      columns): the row's value; an empty cell means "no standard of this kind" (NaN or
      ``""``), so a study can also switch a built-in standard off. When the table has any value
      column, the value columns it lacks are cleared for its rows (a row replaces the standard
      as a whole: ``per_1000 = 350`` for ``kita`` replaces the built-in demand rates).
    * ``source`` replaces ``standard_source`` and ``year`` replaces ``standard_year``. When
      the table sets a value but has no ``source`` (``year``) column, the old citation (year)
      no longer fits and is cleared. A standard without source gives a warning
      (``missing_source``).
    * ``reference_group``: an empty cell keeps the catalogue's group.
    * ``binding``: an empty cell means false.

    Errors (the row or cell is skipped): ``missing_column`` (no ``category``),
    ``unknown_category`` (lists the allowed keys), ``duplicate_category``, ``not_numeric``,
    ``negative_value``, ``invalid_reference_group``, ``invalid_binding``,
    ``invalid_group_values``.

    Examples
    --------
    >>> import pandas as pd
    >>> from quartier.validation import ValidationReport
    >>> report = ValidationReport()
    >>> table = pd.DataFrame({"category": ["kita"], "per_1000": ["350"],
    ...                       "source": ["Kita-Bedarfsplan 2024"]})
    >>> from quartier.catalogue import default_catalogue
    >>> cat = apply_standards(default_catalogue(), table, report=report)
    >>> float(cat.loc["kita", "per_1000"]), cat.loc["kita", "standard_source"]
    (350.0, 'Kita-Bedarfsplan 2024')
    >>> report.ok
    True
    """
    result = catalogue.copy()
    table = normalised_columns(standards)
    rows = row_numbers(table)
    if "category" not in table.columns:
        report.add("error", "missing_column", dataset,
                   "Die Richtwert-Tabelle hat keine Spalte 'category'.",
                   "Eine Spalte 'category' mit dem Schlüssel der Kategorie anlegen, z. B. "
                   "'kita'.", file=file, column="category")
        return result
    unknown_columns = [c for c in table.columns if c not in STANDARD_COLUMNS and c != "_row"]
    if unknown_columns:
        report.add("warning", "unknown_column", dataset,
                   f"Die Richtwert-Tabelle hat Spalten, die quartier nicht kennt: "
                   f"{', '.join(unknown_columns)}. Sie werden nicht verwendet.",
                   "Erlaubt sind: " + ", ".join(STANDARD_COLUMNS) + ".", file=file)
    present = [c for c in STANDARD_COLUMNS if c in table.columns]
    text = pd.DataFrame({c: table[c].map(cell_text).astype(str) for c in present})
    text = text[(text != "").any(axis=1)]
    duplicated = duplicates(text["category"], rows)
    for key, where in duplicated.items():
        report.add("error", "duplicate_category", dataset,
                   f"Für die Kategorie '{key}' stehen mehrere Richtwerte in der Tabelle. Keiner "
                   "davon wird verwendet.", "Die Zeilen zu einer zusammenfassen.", file=file,
                   rows=where, column="category")
    sets_value = any(c in present for c in (*NUMERIC, *VALUE_TEXT))
    allowed = ", ".join(result.index)
    for index, row in text.iterrows():
        key, line = row["category"], rows[index]
        if key == "" or key in duplicated:
            if key == "":
                report.add("error", "missing_key", dataset,
                           "Eine Zeile der Richtwert-Tabelle hat keine Kategorie.",
                           "Die Kategorie eintragen, z. B. 'kita', oder die Zeile löschen.",
                           file=file, rows=line, column="category")
            continue
        if key not in result.index:
            report.add("error", "unknown_category", dataset,
                       f"Die Kategorie '{key}' gibt es im Katalog nicht; ihr Richtwert wird "
                       "nicht verwendet.",
                       f"Einen dieser Schlüssel verwenden: {allowed}. Eigene Kategorien zuerst "
                       "unter [categories] anlegen.", file=file, rows=line, column="category")
            continue
        _apply_standard_row(result, key, line, row, present, sets_value, report, dataset, file)
    return result


def _apply_standard_row(result: pd.DataFrame, key: str, line: str, row: pd.Series,
                        present: list[str], sets_value: bool, report: ValidationReport,
                        dataset: str, file: str | None) -> None:
    """Write one standards row into ``result`` (in place; ``result`` is the caller's copy)."""
    if sets_value:  # the row replaces the standard as a whole: kinds the table lacks are cleared
        for column in NUMERIC:
            if column not in present:
                result.loc[key, column] = np.nan
        for column in VALUE_TEXT:
            if column not in present:
                result.loc[key, column] = ""
    for column in NUMERIC:
        if column not in present:
            continue
        value = row[column]
        code = check_cell(column, value) if value else None
        if code is not None:
            report_cell(report, code, dataset, file, line, column, value, key)
            continue
        result.loc[key, column] = to_float(value)
    if "reference_group" in present and row["reference_group"]:
        value = row["reference_group"]
        if check_cell("reference_group", value) is not None:
            report_cell(report, "invalid_reference_group", dataset, file, line,
                         "reference_group", value, key)
        else:
            result.loc[key, "reference_group"] = value
    if "binding" in present:
        value = row["binding"]
        if value and check_cell("binding", value) is not None:
            report_cell(report, "invalid_binding", dataset, file, line, "binding", value, key)
        else:
            result.loc[key, "binding"] = to_bool(value)
    for column in GROUP_VALUES:
        if column not in present:
            continue
        value = row[column]
        if value and check_cell(column, value) is not None:
            report_cell(report, "invalid_group_values", dataset, file, line, column, value, key)
        else:
            result.loc[key, column] = value
    if "combined_of" in present:
        value = row["combined_of"]
        if value and check_cell("combined_of", value) is not None:
            report_cell(report, "invalid_combination", dataset, file, line, "combined_of",
                         value, key)
        elif value and (unknown := [m for m in parse_combined(value)
                                    if m not in result.index]):
            report.add("error", "unknown_category", dataset,
                       f"'{value}' in Spalte 'combined_of' (Kategorie '{key}') nennt Kategorien, "
                       f"die es im Katalog nicht gibt: {', '.join(unknown)}. Der Wert wird nicht "
                       "verwendet.", "Schlüssel aus dem Katalog verwenden, z. B. transit_stop.",
                       file=file, rows=line, column="combined_of")
        else:
            result.loc[key, "combined_of"] = value
    if "distance" in present:
        value = row["distance"]
        if value and check_cell("distance", value) is not None:
            report_cell(report, "invalid_distance_model", dataset, file, line, "distance",
                         value, key)
        else:
            result.loc[key, "distance"] = value
    if "source" in present:
        result.loc[key, "standard_source"] = row["source"]
    elif sets_value:
        result.loc[key, "standard_source"] = ""
    if "year" in present:
        result.loc[key, "standard_year"] = row["year"]
    elif sets_value:
        result.loc[key, "standard_year"] = ""
    has_value = (result.loc[key, list(NUMERIC)].notna().any()
                 or (result.loc[key, list(VALUE_TEXT)] != "").any())
    if has_value and result.loc[key, "standard_source"] == "":
        report.add("warning", "missing_source", dataset,
                   f"Der Richtwert für '{key}' hat keine Quellenangabe.",
                   "In Spalte 'source' eintragen, woher der Richtwert stammt (z. B. "
                   "Bedarfsplan, Satzung, Fachempfehlung); der Bericht nennt die Quelle.",
                   file=file, rows=line, column="source")
