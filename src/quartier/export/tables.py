"""Exports beside the report: a GeoPackage for QGIS, CSV tables and an Excel workbook.

:func:`write_exports` writes, into one folder (usually ``reports/<study>/<edition>/``):

============================  ================================================================
file                          content
============================  ================================================================
``<slug>_<edition>.gpkg``     layers ``quartiere`` (quarters with every indicator in wide form),
                              ``einrichtungen`` (facilities with the ``quarter_id`` containing
                              them), and the attribute tables ``indikatoren`` (the tidy results),
                              ``bewertung`` (gaps), ``kategorien`` (catalogue rows used),
                              ``spalten`` (what each column of ``quartiere`` holds) and
                              ``sozialindex`` (when computed); all in the study's working CRS
``indikatoren.csv``           the tidy results table (:data:`quartier.compute.RESULT_COLUMNS`)
``bewertung.csv``             the gap assessment (``results.gaps``)
``einrichtungen.csv``         facilities with ``x``/``y`` (working CRS) and ``lon``/``lat``
                              (WGS 84)
``sozialindex.csv``           the social status and dynamics index (only when computed)
``<slug>_<edition>.xlsx``     a workbook for readers: overview, one sheet per action field,
                              assessment, social index, facilities, categories and the
                              indicator formulas
============================  ================================================================

File and layer names and the column headers and codes of the GeoPackage are the stable English
contract names, whatever the language, so that scripts keep working (as are the CSV files of
``quartier indicators CONFIG``). The CSV files beside the report are for readers: headers and
labels in the report's language, numbers rounded as the report prints them
(:mod:`quartier.export.labels`); the Excel workbook follows the language as well.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import os
import re
import uuid
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from quartier import __version__
from quartier._paths import inside
from quartier.assign import assign_points
from quartier.catalogue import category_labels
from quartier.compute import Results
from quartier.export.labels import german_units, public_table
from quartier.export.spreadsheet import safe_cell, write_csv
from quartier.fields import FIELDS, LANGUAGES, field_label
from quartier.format import ascii_text, format_date, slug
from quartier.indicators.registry import INDICATORS, STATUSES, indicator_table, status_label
from quartier.study import Study

__all__ = [
    "FACILITY_COLUMNS",
    "LAYERS",
    "MAX_COLUMN_NAME",
    "column_name",
    "export_slug",
    "facility_table",
    "housing_table",
    "quarter_table",
    "write_exports",
]

#: Layer names of the GeoPackage (stable, whatever the language).
LAYERS: tuple[str, ...] = ("quartiere", "einrichtungen", "indikatoren", "bewertung",
                           "kategorien", "spalten", "sozialindex")

#: The facility contract columns written to the exports (those present), in this order.
FACILITY_COLUMNS: tuple[str, ...] = ("facility_id", "name", "field", "category", "capacity",
                                     "operator", "target_group", "address", "source")

#: Longest column name written (PostgreSQL's limit; GeoPackage/SQLite has none, but a layer
#: should survive being copied into a database from QGIS).
MAX_COLUMN_NAME = 63

#: Columns of ``results.status`` copied into the ``quartiere`` layer and the field sheets.
_STATUS_COLUMNS = ("status_index", "status_class", "dynamics_index", "dynamics_class",
                   "combined_class")

_FORBIDDEN_SHEET = re.compile(r"[\[\]:*?/\\]")
_EXCEL_EPOCH = _dt.datetime(1980, 1, 1)

# Status fills: light tints of the report's colours (quartier.judgements.MAP_COLOURS): a
# traffic light for judgements against a standard, purple–grey–blue relative to the town.
_STATUS_FILLS = {
    "gap": PatternFill("solid", fgColor="F4B6AE"),
    "met": PatternFill("solid", fgColor="DDF0C8"),
    "well_above": PatternFill("solid", fgColor="9FD29B"),
    "below_town": PatternFill("solid", fgColor="DCC4E8"),
    "town_average": PatternFill("solid", fgColor="EEEAF2"),
    "above_town": PatternFill("solid", fgColor="C6E0F0"),
    "not_assessed": PatternFill("solid", fgColor="E6E6E6"),
}
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_WRAP = Alignment(wrap_text=True, vertical="top")

_TEXT: dict[str, dict[str, str]] = {
    "de": {
        "overview": "Übersicht", "assessment": "Bewertung", "social": "Sozialindex",
        "facilities": "Einrichtungen", "indicators": "Indikatoren", "categories": "Kategorien",
        "title": "Sozialraumanalyse {study} – Ausgabe {edition}",
        "study": "Studie", "edition": "Ausgabe", "created": "Erstellt am",
        "crs": "Koordinatensystem", "n_quarters": "Quartiere", "software": "Erstellt mit",
        "sources": "Quellen", "how_to_read": "So lesen Sie die Tabellen",
        "legend": "Legende der Bewertung", "legend_social": "Klassen des Sozialindex",
        "notes": "Hinweise",
        "note_ids": "Quartiersnummern und Einrichtungs-IDs sind als Text gespeichert, damit "
                    "führende Nullen erhalten bleiben (Excel markiert sie als „Zahl als Text“).",
        "note_missing": "Leere Zellen: kein Wert (z. B. keine Bezugsbevölkerung oder kein "
                        "erreichbares Angebot).",
        "note_csv": "Die CSV-Dateien und die GeoPackage-Datei daneben enthalten dieselben Zahlen "
                    "mit englischen Spaltennamen für Auswertungen mit Skripten.",
        "no_data": "Ohne Einrichtungsdaten (kein eigenes Blatt): {fields}.",
        "sheet_field": "Ein Blatt je Handlungsfeld: je Quartier eine Zeile, je Kategorie die "
                       "Kennzahlen und die Bewertung.",
        "sheet_assessment": "Je Quartier und Kategorie die bewertete Kennzahl, der Vergleichswert "
                            "und die Bewertung.",
        "sheet_social": "Status- und Dynamikindex nach dem Verfahren des Monitorings Soziale "
                        "Stadtentwicklung.",
        "sheet_facilities": "Alle Einrichtungen mit Quartier und Koordinaten.",
        "sheet_categories": "Die Kategorien mit Bezugsgruppe und Richtwerten.",
        "sheet_indicators": "Bezeichnung, Formel und Einheit jeder Kennzahl.",
        "housing": "Wohnungsdaten",
        "sheet_housing": "Die Wohnungsdaten je Quartier, wie sie geladen wurden.",
        "gap": "Am Richtwert: die Kennzahl verfehlt den Richtwert (Lücke).",
        "met": "Am Richtwert: der Richtwert ist erfüllt.",
        "well_above": "Am Richtwert: deutlich über dem Richtwert.",
        "below_town": "Kein Richtwert: deutlich unter dem Median der Quartiere (keine Lücke).",
        "town_average": "Kein Richtwert: im Bereich des Medians der Quartiere.",
        "above_town": "Kein Richtwert: deutlich über dem Median der Quartiere.",
        "not_assessed": "Nicht bewertet (wenige Einwohner*innen, keine Bezugsbevölkerung oder "
                        "überwiegend ohne Wohnnutzung).",
        "social_legend": "Statusklasse: hoch, mittel, niedrig, sehr niedrig (Statusindex < −1, "
                         "−1 bis 1, über 1 bis 1,5, über 1,5). Dynamik: positiv, stabil, negativ "
                         "(Dynamikindex < −1, −1 bis 1, > 1).",
        "quarter_id": "Quartier-Nr.", "quarter": "Quartier", "residents": "Einwohner",
        "field": "Handlungsfeld", "category": "Kategorie", "indicator": "Kennzahl",
        "value": "Wert", "target": "Vergleichswert", "unit": "Einheit", "basis": "Grundlage",
        "status": "Bewertung", "judged": "Bewertung: {indicator}",
        "standard": "Richtwert", "median": "Median der Quartiere",
        "town": "Median der Quartiere", "few_residents": "zu wenige Einwohner*innen",
        "facility_id": "ID", "name": "Name", "capacity": "Kapazität", "operator": "Träger",
        "target_group": "Zielgruppe", "address": "Adresse", "source": "Quelle",
        "lon": "Länge (WGS 84)", "lat": "Breite (WGS 84)",
        "key": "Schlüssel", "label": "Bezeichnung", "reference_group": "Bezugsgruppe",
        "capacity_unit": "Kapazitätseinheit", "per_1000": "Richtwert je 1.000",
        "max_distance_m": "Richtwert Entfernung (m)", "standard_source": "Quelle des Richtwerts",
        "binding": "verbindlich", "formula": "Formel", "year": "Jahr",
        "included": "einbezogen", "status_sum": "Summe der z-Werte (Status)",
        "status_index": "Statusindex", "status_class": "Statusklasse",
        "status_class_number": "Statusklasse (Nr.)",
        "dynamics_sum": "Summe der z-Werte (Dynamik)", "dynamics_index": "Dynamikindex",
        "dynamics_class": "Dynamikklasse", "combined_class": "Gesamtklasse",
        "z": "z: {name}", "z_change": "z Veränderung: {name}",
        "facilities_per_1000": "Einrichtungen je 1.000", "per_1000_suffix": "je 1.000",
        "percent_format": '0.0" %"',
    },
    "en": {
        "overview": "Overview", "assessment": "Assessment", "social": "Social index",
        "facilities": "Facilities", "indicators": "Indicators", "categories": "Categories",
        "title": "Social space analysis {study} – edition {edition}",
        "study": "Study", "edition": "Edition", "created": "Created",
        "crs": "Coordinate reference system", "n_quarters": "Quarters",
        "software": "Created with",
        "sources": "Sources", "how_to_read": "How to read the sheets",
        "legend": "Assessment legend", "legend_social": "Social index classes",
        "notes": "Notes",
        "note_ids": "Quarter and facility ids are stored as text so that leading zeros are kept "
                    "(Excel flags them as 'number stored as text').",
        "note_missing": "Empty cells: no value (e.g. no reference population or no reachable "
                        "supply).",
        "note_csv": "The CSV files and the GeoPackage beside this workbook hold the same figures "
                    "with English column names for scripted analysis.",
        "no_data": "No facility data (no sheet of their own): {fields}.",
        "sheet_field": "One sheet per action field: one row per quarter, per category the "
                       "indicators and the assessment.",
        "sheet_assessment": "Per quarter and category the judged indicator, the value it is "
                            "compared with and the assessment.",
        "sheet_social": "Status and dynamics index after the method of Berlin's Monitoring "
                        "Soziale Stadtentwicklung.",
        "sheet_facilities": "All facilities with their quarter and coordinates.",
        "sheet_categories": "The categories with reference group and standards.",
        "sheet_indicators": "Label, formula and unit of every indicator.",
        "housing": "Housing data",
        "sheet_housing": "The housing figures per quarter as loaded.",
        "gap": "Against a standard: the indicator falls short of the standard (gap).",
        "met": "Against a standard: the standard is met.",
        "well_above": "Against a standard: well above the standard.",
        "below_town": "No standard: well below the median of the quarters (not a gap).",
        "town_average": "No standard: around the median of the quarters.",
        "above_town": "No standard: well above the median of the quarters.",
        "not_assessed": "Not assessed (few residents, no reference population or mostly "
                        "non-residential).",
        "social_legend": "Status class: hoch (high), mittel (medium), niedrig (low), sehr niedrig "
                         "(very low) for status index < −1, −1 to 1, over 1 to 1.5, over 1.5. "
                         "Dynamics: positiv (positive), stabil (stable), negativ (negative) for "
                         "dynamics index < −1, −1 to 1, > 1.",
        "quarter_id": "Quarter id", "quarter": "Quarter", "residents": "Residents",
        "field": "Action field", "category": "Category", "indicator": "Indicator",
        "value": "Value", "target": "Compared with", "unit": "Unit", "basis": "Basis",
        "status": "Assessment", "judged": "Assessment: {indicator}",
        "standard": "standard", "median": "median of the quarters",
        "town": "median of the quarters", "few_residents": "too few residents",
        "facility_id": "Id", "name": "Name", "capacity": "Capacity", "operator": "Operator",
        "target_group": "Target group", "address": "Address", "source": "Source",
        "lon": "Longitude (WGS 84)", "lat": "Latitude (WGS 84)",
        "key": "Key", "label": "Label", "reference_group": "Reference group",
        "capacity_unit": "Capacity unit", "per_1000": "Standard per 1,000",
        "max_distance_m": "Standard distance (m)", "standard_source": "Source of the standard",
        "binding": "binding", "formula": "Formula", "year": "Year",
        "included": "included", "status_sum": "Sum of z-values (status)",
        "status_index": "Status index", "status_class": "Status class",
        "status_class_number": "Status class (no.)",
        "dynamics_sum": "Sum of z-values (dynamics)", "dynamics_index": "Dynamics index",
        "dynamics_class": "Dynamics class", "combined_class": "Combined class",
        "z": "z: {name}", "z_change": "z change: {name}",
        "facilities_per_1000": "facilities per 1,000", "per_1000_suffix": "per 1,000",
        "percent_format": '0.0"%"',
    },
}


# --------------------------------------------------------------------------------------------
# names


def export_slug(name: str) -> str:
    """A file-name-safe, ASCII-only slug of a study name (see :func:`quartier.format.slug`).

    Examples
    --------
    >>> export_slug("Bad Dürkheim / Süd")
    'bad-duerkheim-sued'
    """
    return slug(name)


def _identifier(text: str) -> str:
    plain = ascii_text(text).lower()
    ident = re.sub(r"_{2,}", "_", re.sub(r"[^a-z0-9_]+", "_", plain)).strip("_")
    if not ident or not ident[0].isalpha():
        ident = f"c_{ident}".rstrip("_")
    return ident


def column_name(category: str, indicator: str) -> str:
    """The column name of one category × indicator in the wide ``quartiere`` layer.

    ``<category>__<indicator>``, both parts reduced to lower-case ASCII letters, digits and
    ``_`` (a part that does not start with a letter gets a ``c_`` prefix). Names longer than
    :data:`MAX_COLUMN_NAME` are cut and end in a short hash of the full key, so they stay
    unique and stable from edition to edition.

    Parameters
    ----------
    category : str
        Category key, e.g. ``"kita"``.
    indicator : str
        Indicator name (``"supply_rate"``) or ``"status"``.

    Returns
    -------
    str
        A valid column name of at most 63 characters.

    Examples
    --------
    >>> column_name("kita", "supply_rate")
    'kita__supply_rate'
    >>> column_name("Begegnungsstätte", "status")
    'begegnungsstaette__status'
    >>> len(column_name("x" * 80, "median_distance"))
    63
    """
    name = f"{_identifier(category)}__{_identifier(indicator)}"
    if len(name) <= MAX_COLUMN_NAME:
        return name
    digest = hashlib.sha1(f"{category}\x1f{indicator}".encode()).hexdigest()[:8]
    return f"{name[:MAX_COLUMN_NAME - 9].rstrip('_')}_{digest}"


def _unique_columns(pairs: Sequence[tuple[str, str]], reserved: set[str]) -> list[str]:
    """Column names for ``pairs``, unique (case-insensitively, as SQLite compares them)."""
    taken = {name.lower() for name in reserved}
    names = []
    for category, indicator in pairs:
        name = column_name(category, indicator)
        number = 1
        while name.lower() in taken:
            suffix = f"_{number}"
            name = column_name(category, indicator)[:MAX_COLUMN_NAME - len(suffix)] + suffix
            number += 1
        taken.add(name.lower())
        names.append(name)
    return names


def _sheet_name(text: str, used: set[str]) -> str:
    """An Excel sheet name: no ``[]:*?/\\``, at most 31 characters, unique ignoring case."""
    base = _FORBIDDEN_SHEET.sub("-", str(text)).strip().strip("'") or "Blatt"
    base = base[:31]
    name, number = base, 2
    while name.casefold() in used or name.casefold() == "history":
        suffix = f" ({number})"
        name = base[:31 - len(suffix)] + suffix
        number += 1
    used.add(name.casefold())
    return name


# --------------------------------------------------------------------------------------------
# tables


def _check_inputs(study: Study, results: Results) -> None:
    if not isinstance(study, Study):
        raise TypeError(f"study must be a quartier.Study, got {type(study).__name__}; "
                        "load one with quartier.load_study().")
    if not isinstance(results, Results):
        raise TypeError(f"results must be quartier.Results, got {type(results).__name__}; "
                        "compute them with quartier.compute(study).")


def _residents(study: Study, results: Results) -> pd.Series:
    surface = results.surface
    return surface.groupby("quarter_id")["total"].sum().reindex(
        study.quarters["quarter_id"], fill_value=0.0).astype(float)


def _category_rows(indicators: pd.DataFrame) -> pd.DataFrame:
    return indicators[indicators["category"].notna()]


def _column_plan(results: Results) -> pd.DataFrame:
    """One row per wide column: ``column``, ``category``, ``indicator``, ``field``, ``unit``.

    Categories in results order (the catalogue order), per category its indicators in results
    order, then ``status``.
    """
    rows = _category_rows(results.indicators)
    pairs = rows[["category", "indicator", "field", "unit"]].drop_duplicates(
        ["category", "indicator"])
    plan: list[dict[str, Any]] = []
    for category, part in pairs.groupby("category", sort=False):
        plan.extend(part.to_dict("records"))
        plan.append({"category": category, "indicator": "status",
                     "field": part["field"].iloc[0], "unit": ""})
    frame = pd.DataFrame(plan, columns=["category", "indicator", "field", "unit"])
    reserved = {"fid", "geometry", "geom", "quarter_id", "name", "residents", *_STATUS_COLUMNS}
    frame.insert(0, "column", _unique_columns(
        list(zip(frame["category"], frame["indicator"])), reserved))
    return frame


def quarter_table(study: Study, results: Results) -> gpd.GeoDataFrame:
    """The quarters with every indicator in wide form (the GeoPackage layer ``quartiere``).

    Parameters
    ----------
    study : Study
        The loaded study.
    results : Results
        What :func:`quartier.compute` returned for it.

    Returns
    -------
    GeoDataFrame
        One row per quarter in the order of ``study.quarters``: ``quarter_id`` (text),
        ``name``, ``residents`` (all residents placed in the quarter), the social index
        columns ``status_index``, ``status_class``, ``dynamics_index``, ``dynamics_class``,
        ``combined_class`` (when computed), then per category its indicators
        (``<category>__<indicator>``, float, exactly the values of ``results.indicators``) and
        ``<category>__status`` (``gap``, ``ok``, ``resource`` or ``not_assessed``; see
        :func:`column_name`), and the geometry, in the study's CRS.

    Examples
    --------
    >>> import quartier
    >>> study = quartier.load_study("data/sample/quartier.toml")  # doctest: +SKIP
    >>> table = quarter_table(study, quartier.compute(study))  # doctest: +SKIP
    >>> table.loc[0, ["quarter_id", "kita__status"]].tolist()  # doctest: +SKIP
    ['01', 'ok']
    """
    _check_inputs(study, results)
    ids = study.quarters["quarter_id"].astype(object).to_numpy()
    frame = pd.DataFrame({"quarter_id": ids,
                          "name": study.quarters["name"].astype(object).to_numpy()})
    frame["residents"] = _residents(study, results).to_numpy()
    if results.status is not None:
        status = results.status.reindex(pd.Index(ids, name="quarter_id"))
        for column in _STATUS_COLUMNS:
            if column in status.columns:
                values = status[column]
                frame[column] = (values.to_numpy(dtype=float) if column.endswith("_index")
                                 else values.astype(object).where(values.notna(), None)
                                 .to_numpy())
    plan = _column_plan(results)
    rows = _category_rows(results.indicators)
    values = rows.pivot(index="quarter_id", columns=["category", "indicator"], values="value")
    gaps = results.gaps.pivot(index="quarter_id", columns="category", values="status")
    columns: dict[str, np.ndarray] = {}
    for item in plan.itertuples(index=False):
        if item.indicator == "status":
            source = gaps[item.category] if item.category in gaps.columns else \
                pd.Series(dtype=object)
            series = source.reindex(ids)
            columns[item.column] = series.astype(object).where(series.notna(), None).to_numpy()
        else:
            columns[item.column] = values[(item.category, item.indicator)].reindex(ids).to_numpy(
                dtype=float)
    frame = pd.concat([frame, pd.DataFrame(columns, index=frame.index)], axis=1)
    return gpd.GeoDataFrame(frame, geometry=study.quarters.geometry.to_numpy(),
                            crs=study.quarters.crs)


def facility_table(study: Study) -> gpd.GeoDataFrame:
    """The facilities with their contract columns and the quarter containing them.

    Parameters
    ----------
    study : Study
        The loaded study.

    Returns
    -------
    GeoDataFrame
        The columns of :data:`FACILITY_COLUMNS` that the study has, ``quarter_id`` (None for a
        facility outside every quarter; a point on a shared boundary goes to the first quarter)
        and the point geometry in the study's CRS.

    Examples
    --------
    >>> study = quartier.load_study("data/sample/quartier.toml")  # doctest: +SKIP
    >>> facility_table(study)["quarter_id"].isna().sum()  # doctest: +SKIP
    3
    """
    if not isinstance(study, Study):
        raise TypeError(f"study must be a quartier.Study, got {type(study).__name__}.")
    facilities = study.facilities
    columns = [c for c in FACILITY_COLUMNS if c in facilities.columns]
    table = pd.DataFrame({c: facilities[c].to_numpy() for c in columns})
    for column in columns:
        if column != "capacity":
            values = table[column].astype(object)
            table[column] = values.where(values.notna(), None)
    if "capacity" in table:
        table["capacity"] = table["capacity"].astype(float)
    points = facilities.to_crs(study.quarters.crs) if facilities.crs is not None and \
        not facilities.crs.equals(study.quarters.crs) else facilities
    table["quarter_id"] = assign_points(points, study.quarters).to_numpy()
    return gpd.GeoDataFrame(table, geometry=points.geometry.to_numpy(), crs=study.quarters.crs)


def housing_table(study: Study) -> pd.DataFrame | None:
    """The housing figures per quarter as loaded (``quarter_id``, every further column), in
    the order of the quarters; None when the study has no housing data.

    Quarters without a row are left out; rows of unknown quarters were already reported by
    :func:`quartier.load_study`.
    """
    housing = study.housing
    if housing is None or not len(housing):
        return None
    order = {q: i for i, q in enumerate(study.quarters["quarter_id"])}
    table = housing.copy()
    table["_order"] = table["quarter_id"].map(order)
    table = table.sort_values("_order", kind="stable", na_position="last")
    table = table.drop(columns="_order").reset_index(drop=True)
    for column in table.columns:  # counts stay whole numbers (2560, not 2560,0)
        if column != "quarter_id" and pd.api.types.is_float_dtype(table[column]) and \
                _whole(table[column]):
            table[column] = table[column].round().astype("Int64")
    return table


def _whole(column: pd.Series) -> bool:
    values = pd.to_numeric(column, errors="coerce").dropna()
    return bool(len(values)) and bool((values == values.round()).all())


def _facility_csv_table(facilities: gpd.GeoDataFrame) -> pd.DataFrame:
    geometry = facilities.geometry
    empty = geometry.isna() | geometry.is_empty
    wgs84 = geometry.to_crs(4326) if facilities.crs is not None else geometry
    table = pd.DataFrame(facilities.drop(columns=facilities.geometry.name))
    table["x"] = np.where(empty, np.nan, geometry.x.round(2))
    table["y"] = np.where(empty, np.nan, geometry.y.round(2))
    table["lon"] = np.where(empty, np.nan, wgs84.x.round(7))
    table["lat"] = np.where(empty, np.nan, wgs84.y.round(7))
    return table


def _status_table(results: Results) -> pd.DataFrame | None:
    if results.status is None:
        return None
    table = results.status.reset_index()
    table["quarter_id"] = table["quarter_id"].astype(object)
    for column in table.columns:
        if table[column].dtype == object or pd.api.types.is_string_dtype(table[column]):
            table[column] = table[column].astype(object).where(table[column].notna(), None)
    return table


def _used_categories(study: Study, results: Results) -> pd.DataFrame:
    used = list(dict.fromkeys(_category_rows(results.indicators)["category"]))
    table = study.catalogue.loc[[c for c in used if c in study.catalogue.index]]
    table = table.rename_axis("category").reset_index()
    if "binding" in table:
        table["binding"] = table["binding"].astype(bool)
    return table


def _text_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as object with None for missing (GDAL writes str and None cleanly)."""
    frame = frame.copy()
    for column in frame.columns:
        if column == getattr(frame, "_geometry_column_name", None):
            continue
        if pd.api.types.is_string_dtype(frame[column]) or frame[column].dtype == object:
            values = frame[column].astype(object)
            frame[column] = values.where(values.notna(), None)
    return frame


# --------------------------------------------------------------------------------------------
# writers


@contextmanager
def _gdal_date(stamp: _dt.datetime) -> Iterator[None]:
    """Let GDAL write ``stamp`` into ``gpkg_contents.last_change`` (reproducible files)."""
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": stamp.strftime("%Y-%m-%dT%H:%M:%SZ")})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})


def _write_geopackage(path: Path, quarters: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame,
                      tables: dict[str, pd.DataFrame | None], stamp: _dt.datetime) -> None:
    with _gdal_date(stamp):
        pyogrio.write_dataframe(_text_columns(quarters), path, layer="quartiere", driver="GPKG",
                                promote_to_multi=True, geometry_type="MultiPolygon")
        pyogrio.write_dataframe(_text_columns(facilities), path, layer="einrichtungen",
                                driver="GPKG", geometry_type="Point")
        for layer, table in tables.items():
            if table is not None:
                pyogrio.write_dataframe(_text_columns(table), path, layer=layer, driver="GPKG")


def _number_format(unit: str, text: dict[str, str]) -> str:
    if unit == "%":
        return text["percent_format"]
    if unit == "z":
        return "0.00"
    if unit.endswith("per 1,000"):
        return "#,##0.00"
    return "#,##0"


def _unit_label(unit: Any, language: str, units: dict[str, str]) -> str:
    unit = "" if unit is None or (isinstance(unit, float) and np.isnan(unit)) else str(unit)
    return units.get(unit, unit) if language == "de" else unit


def _cell_value(value: Any) -> Any:
    """Excel cell value: None for missing, plain Python scalars, text stays text and never
    becomes a formula (:func:`quartier.export.spreadsheet.safe_cell`)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return safe_cell(value, xlsx=True)
    if isinstance(value, (float, np.floating)):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    return value


class _Sheet:
    """A write-only sheet with a header row, typed columns, frozen panes and an autofilter."""

    def __init__(self, workbook: Workbook, title: str, headers: list[str],
                 formats: list[str | None], widths: list[float], *, freeze: int = 1,
                 n_rows: int = 0, header_height: float | None = None) -> None:
        self.sheet = workbook.create_sheet(title)
        self.formats = formats
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        if header_height:
            self.sheet.row_dimensions[1].height = header_height
        self.sheet.freeze_panes = f"{get_column_letter(freeze + 1)}2"
        self.sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{n_rows + 1}"
        cells = []
        for header in headers:
            cell = WriteOnlyCell(self.sheet, value=_cell_value(header))
            cell.font, cell.alignment = _BOLD, _WRAP
            cells.append(cell)
        self.sheet.append(cells)

    def row(self, values: Sequence[Any], fills: dict[int, PatternFill] | None = None,
            formats: dict[int, str] | None = None) -> None:
        cells = []
        for index, value in enumerate(values):
            value = _cell_value(value)
            number_format = (formats or {}).get(index, self.formats[index])
            fill = (fills or {}).get(index)
            if value is None or (number_format is None and fill is None):
                cells.append(value)
                continue
            cell = WriteOnlyCell(self.sheet, value=value)
            if number_format is not None:
                cell.number_format = number_format
            if fill is not None:
                cell.fill = fill
            cells.append(cell)
        self.sheet.append(cells)


def _width(values: Sequence[Any], header: str, *, low: float = 8, high: float = 50) -> float:
    longest = max([len(str(v)) for v in values if v is not None] + [0])
    header_word = max((len(word) for word in str(header).split()), default=0)
    return float(min(high, max(low, longest + 2, header_word + 2)))


def _labels_of(column: pd.Series, labels: dict[str, str]) -> list[Any]:
    return [None if v is None or (isinstance(v, float) and np.isnan(v)) else labels.get(v, v)
            for v in column.astype(object)]


def _overview(workbook: Workbook, title: str, study: Study, results: Results, language: str,
              stamp: _dt.datetime, sheets: list[tuple[str, str]], missing_fields: list[str]
              ) -> None:
    text = _TEXT[language]
    sheet = workbook.create_sheet(title)
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 110

    def line(label: Any = None, value: Any = None, *, font: Font | None = None,
             fill: PatternFill | None = None) -> None:
        cells = []
        for item, style in ((label, font or _BOLD), (value, None)):
            cell = WriteOnlyCell(sheet, value=_cell_value(item))
            cell.alignment = _WRAP
            if style is not None:
                cell.font = style
            if fill is not None and item is label:
                cell.fill = fill
            cells.append(cell)
        sheet.append(cells)

    crs = study.quarters.crs
    crs_text = f"{crs.to_string()} ({crs.name})" if crs is not None else ""
    line(text["title"].format(study=study.name, edition=study.edition), font=_TITLE)
    line()
    line(text["study"], study.name)
    line(text["edition"], str(study.edition))
    line(text["created"], format_date(stamp.date(), language))
    line(text["crs"], crs_text)
    line(text["n_quarters"], len(study.quarters))
    line(text["software"], f"quartier {__version__}")
    line()
    line(text["sources"])
    for attribution in study.config.attribution:
        line(None, attribution)
    line()
    line(text["how_to_read"])
    for name, description in sheets:
        line(name, description)
    if missing_fields:
        line(None, text["no_data"].format(fields=", ".join(missing_fields)))
    line()
    line(text["legend"])
    for key in STATUSES:
        line(status_label(key, language), text[key], fill=_STATUS_FILLS.get(key))
    if results.status is not None:
        line()
        line(text["legend_social"], text["social_legend"])
    line()
    line(text["notes"])
    for key in ("note_ids", "note_missing", "note_csv"):
        line(None, text[key])


def _write_workbook(path: Path, study: Study, results: Results, quarters: gpd.GeoDataFrame,
                    plan: pd.DataFrame, facilities: gpd.GeoDataFrame, language: str,
                    stamp: _dt.datetime) -> None:
    text = _TEXT[language]
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    categories = category_labels(study.catalogue, language)
    indicator_labels = {k: getattr(i, f"label_{language}") for k, i in INDICATORS.items()}
    units = german_units(study.catalogue)
    statuses = {key: status_label(key, language) for key in STATUSES}
    n = len(quarters)
    ids, names = quarters["quarter_id"].tolist(), quarters["name"].tolist()
    id_width, name_width = _width(ids, text["quarter_id"]), _width(names, text["quarter"])

    # Sheet names first, so that the overview can list them.
    fields = [f for f in FIELDS if (plan["field"] == f).any()]
    extra_fields = [f for f in dict.fromkeys(plan["field"].dropna()) if f not in FIELDS]
    field_sheets = {f: _sheet_name(field_label(f, language) if f in FIELDS else f, used)
                    for f in [*fields, *extra_fields]}
    names_of = {key: _sheet_name(text[key], used) for key in
                ("assessment", "social", "housing", "facilities", "categories", "indicators")}
    overview_name = _sheet_name(text["overview"], used)
    listing = [(sheet, text["sheet_field"]) for sheet in field_sheets.values()]
    listing.append((names_of["assessment"], text["sheet_assessment"]))
    if results.status is not None:
        listing.append((names_of["social"], text["sheet_social"]))
    housing = housing_table(study)
    if housing is not None:
        listing.append((names_of["housing"], text["sheet_housing"]))
    listing += [(names_of[k], text[f"sheet_{k}"]) for k in ("facilities", "categories",
                                                            "indicators")]
    missing = [field_label(f, language) for f in FIELDS if f not in field_sheets]
    _overview(workbook, overview_name, study, results, language, stamp, listing, missing)

    judged = results.gaps.drop_duplicates("category").set_index("category")["indicator"]
    has_status = results.status is not None
    for field_key_, title in field_sheets.items():
        part = plan[plan["field"] == field_key_]
        headers = [text["quarter_id"], text["quarter"], text["residents"]]
        formats: list[str | None] = ["@", None, "#,##0"]
        widths = [id_width, name_width, 12.0]
        if has_status:
            headers += [text["status_index"], text["status_class"]]
            formats += ["0.00", None]
            widths += [12.0, 14.0]
        for item in part.itertuples(index=False):
            label = categories.get(item.category, item.category)
            if item.indicator == "status":
                which = indicator_labels.get(judged.get(item.category, ""), "")
                headers.append(f"{label} – " + (text["judged"].format(indicator=which)
                                                if which else text["status"]))
                formats.append(None)
                widths.append(16.0)
            else:
                unit = _unit_label(item.unit, language, units)
                headers.append(f"{label} – {indicator_labels.get(item.indicator, item.indicator)}"
                               + (f" ({unit})" if unit else ""))
                formats.append(_number_format(str(item.unit or ""), text))
                widths.append(16.0)
        sheet = _Sheet(workbook, title, headers, formats, widths, freeze=2, n_rows=n,
                       header_height=120.0)
        offset = len(headers) - len(part)
        status_positions = [offset + i for i, indicator in enumerate(part["indicator"])
                            if indicator == "status"]
        columns = [quarters[c].tolist() for c in part["column"]]
        for row in range(n):
            values = [ids[row], names[row], quarters["residents"].iat[row]]
            if has_status:
                values += [quarters["status_index"].iat[row] if "status_index" in quarters
                           else None,
                           quarters["status_class"].iat[row] if "status_class" in quarters
                           else None]
            values += [column[row] for column in columns]
            fills = {}
            for position in status_positions:
                key = values[position]
                if key is not None:
                    fills[position] = _STATUS_FILLS.get(key)
                    values[position] = statuses.get(key, key)
            sheet.row(values, fills={k: v for k, v in fills.items() if v is not None})

    # Assessment
    gaps = results.gaps
    quarter_names = dict(zip(ids, names))
    field_of = study.catalogue["field"].to_dict()
    indicator_units = _category_rows(results.indicators).drop_duplicates(
        ["category", "indicator"]).set_index(["category", "indicator"])["unit"]
    headers = [text["quarter_id"], text["quarter"], text["field"], text["category"],
               text["indicator"], text["value"], text["target"], text["unit"], text["basis"],
               text["status"]]
    category_column = _labels_of(gaps["category"], categories)
    sheet = _Sheet(workbook, names_of["assessment"], headers,
                   ["@", None, None, None, None, None, None, None, None, None],
                   [id_width, name_width, 24, _width(category_column, "", high=45), 30, 12, 14,
                    20, 22, 16], freeze=2, n_rows=len(gaps))
    for record in gaps.itertuples(index=False):
        unit_en = indicator_units.get((record.category, record.indicator), "")
        number_format = _number_format(str(unit_en or ""), text)
        field = field_of.get(record.category)
        sheet.row([record.quarter_id, quarter_names.get(record.quarter_id),
                   field_label(field, language) if field in FIELDS else field,
                   categories.get(record.category, record.category),
                   indicator_labels.get(record.indicator, record.indicator), record.value,
                   record.target, _unit_label(unit_en, language, units),
                   text.get(record.basis, record.basis), statuses.get(record.status,
                                                                      record.status)],
                  fills={9: _STATUS_FILLS[record.status]} if record.status in _STATUS_FILLS
                  else None, formats={5: number_format, 6: number_format})

    # Social index
    if has_status:
        table = _status_table(results)
        headers, formats = [text["quarter_id"], text["quarter"]], ["@", None]
        for column in table.columns[1:]:
            if column in text:
                headers.append(text[column])
            elif column.startswith("z_change_"):
                headers.append(text["z_change"].format(name=column[len("z_change_"):]))
            elif column.startswith("z_"):
                headers.append(text["z"].format(name=column[2:]))
            else:
                headers.append(column)
            formats.append("0.00" if pd.api.types.is_float_dtype(table[column]) else None)
        sheet = _Sheet(workbook, names_of["social"], headers, formats,
                       [id_width, name_width] + [14.0] * (len(headers) - 2), freeze=2,
                       n_rows=len(table), header_height=45.0)
        for record in table.itertuples(index=False):
            sheet.row([record[0], quarter_names.get(record[0]), *record[1:]])

    # Housing (every column loaded, labelled as in the report's profiles)
    if housing is not None:
        from quartier.report.profile_context import column_label

        values = [c for c in housing.columns if c not in ("quarter_id", "name")]
        headers = [text["quarter_id"], text["quarter"],
                   *[column_label(c, language) for c in values]]
        formats = ["@", None, *[("#,##0" if _whole(housing[c]) else "#,##0.00")
                                if pd.api.types.is_numeric_dtype(housing[c]) else None
                                for c in values]]
        sheet = _Sheet(workbook, names_of["housing"], headers, formats,
                       [id_width, name_width] + [16.0] * len(values), freeze=2,
                       n_rows=len(housing), header_height=45.0)
        for record in housing.itertuples(index=False):
            row = dict(zip(housing.columns, record, strict=True))
            sheet.row([row["quarter_id"], quarter_names.get(row["quarter_id"]),
                       *[row[c] for c in values]])

    # Facilities
    table = _facility_csv_table(facilities)
    columns = [c for c in (*FACILITY_COLUMNS, "quarter_id") if c in table.columns]
    headers = [text.get(c, c) for c in columns]
    position = columns.index("quarter_id")
    headers.insert(position + 1, text["quarter"])
    crs_name = study.quarters.crs.to_string() if study.quarters.crs is not None else ""
    headers += [f"x ({crs_name})", f"y ({crs_name})", text["lon"], text["lat"]]
    shown = table[columns].copy()
    if "field" in shown:
        shown["field"] = [field_label(f, language) if f in FIELDS else f
                          for f in shown["field"]]
    if "category" in shown:
        shown["category"] = _labels_of(shown["category"], categories)
    shown.insert(position + 1, "_quarter", [quarter_names.get(q) for q in shown["quarter_id"]])
    for column in ("x", "y", "lon", "lat"):
        shown[column] = table[column].to_numpy()
    formats = [("@" if c in ("facility_id", "quarter_id") else "#,##0" if c == "capacity"
                else None) for c in shown.columns[:-4]] + ["0.00", "0.00", "0.0000000",
                                                           "0.0000000"]
    widths = [_width(shown[c].head(2000).tolist(), h, high=45)
              for c, h in zip(shown.columns, headers)]
    sheet = _Sheet(workbook, names_of["facilities"], headers, formats, widths, freeze=2,
                   n_rows=len(shown))
    for record in shown.itertuples(index=False):
        sheet.row(list(record))

    # Categories
    table = _used_categories(study, results)
    headers = [text["key"], text["field"], text["label"], text["reference_group"],
               text["capacity_unit"], text["per_1000"], text["max_distance_m"],
               text["standard_source"], text["binding"]]
    sheet = _Sheet(workbook, names_of["categories"], headers,
                   [None, None, None, None, None, "0.00", "#,##0", None, None],
                   [22, 24, 45, 14, 16, 14, 14, 50, 12], freeze=1, n_rows=len(table),
                   header_height=30.0)
    for record in table.to_dict("records"):
        sheet.row([record["category"], field_label(record["field"], language)
                   if record["field"] in FIELDS else record["field"],
                   record.get(f"label_{language}"), record.get("reference_group"),
                   record.get(f"capacity_unit_{language}"), record.get("per_1000"),
                   record.get("max_distance_m"), record.get("standard_source") or None,
                   record.get("binding")])

    # Indicator registry
    table = indicator_table(language)
    sheet = _Sheet(workbook, names_of["indicators"],
                   [text["key"], text["label"], text["formula"], text["unit"]],
                   [None, None, None, None], [18, 40, 110, 14], freeze=1, n_rows=len(table))
    for record in table.itertuples(index=False):
        cells = []
        for value in record:
            cell = WriteOnlyCell(sheet.sheet, value=_cell_value(value))
            cell.alignment = _WRAP
            cells.append(cell)
        sheet.sheet.append(cells)

    properties = workbook.properties
    properties.creator = f"quartier {__version__}"
    properties.title = text["title"].format(study=study.name, edition=study.edition)
    properties.language = "de-DE" if language == "de" else "en-GB"
    properties.created = properties.modified = stamp
    properties.lastModifiedBy = None
    _save_workbook(workbook, path, stamp)


def _save_workbook(workbook: Workbook, path: Path, stamp: _dt.datetime) -> None:
    """Save with fixed properties and fixed zip entry dates (byte-identical reruns).

    ``openpyxl.save_workbook`` would stamp ``modified`` with the current time and the zip
    entries with the current date; this writes through :class:`ExcelWriter` and copies the
    entries into the final zip with ``stamp`` as their date.
    """
    buffer = io.BytesIO()
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    date_time = max(stamp, _EXCEL_EPOCH).timetuple()[:6]
    with zipfile.ZipFile(buffer) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))


# --------------------------------------------------------------------------------------------
# orchestration


def _timestamp(created: _dt.datetime | None) -> _dt.datetime:
    if created is None:
        created = _dt.datetime.now(_dt.UTC)
    if not isinstance(created, _dt.datetime):
        raise TypeError(f"created must be a datetime, got {type(created).__name__}.")
    if created.tzinfo is not None:
        created = created.astimezone(_dt.UTC).replace(tzinfo=None)
    return created.replace(microsecond=0)


def _temporary(target: Path) -> Path:
    """A hidden name beside ``target`` that keeps its extension (GDAL checks it)."""
    return target.with_name(f".{target.stem}.{uuid.uuid4().hex[:12]}.tmp{target.suffix}")


def _remove(path: Path) -> None:
    for candidate in (path, *(path.with_name(path.name + s) for s in ("-journal", "-wal",
                                                                         "-shm"))):
        try:
            candidate.unlink()
        except FileNotFoundError:
            pass


def export_targets(study: Study, results: Results, folder: Path) -> dict[str, Path]:
    """The files :func:`write_exports` writes, by key, without writing anything."""
    base = f"{export_slug(study.name)}_{export_slug(str(study.edition))}"
    names = {"geopackage": f"{base}.gpkg", "indicators": "indikatoren.csv",
             "gaps": "bewertung.csv", "facilities": "einrichtungen.csv", "excel": f"{base}.xlsx"}
    if results.status is not None:
        names["status"] = "sozialindex.csv"
    if housing_table(study) is not None:
        names["housing"] = "wohnen.csv"
    return {key: inside(folder, name) for key, name in names.items()}


def write_exports(study: Study, results: Results, folder: Path, *, language: str | None = None,
                  created: _dt.datetime | None = None) -> dict[str, Path]:
    """Write the GeoPackage, the CSV tables and the Excel workbook of a study into ``folder``.

    Parameters
    ----------
    study : Study
        The loaded study.
    results : Results
        What :func:`quartier.compute` returned for ``study``.
    folder : Path
        Target folder, usually the report's ``reports/<study>/<edition>/``; created if needed.
    language : {"de", "en"}, optional
        Language of the workbook and the CSV number format; default the study's language.
    created : datetime, optional
        Creation time written into the workbook (overview and document properties) and the
        GeoPackage; default now. Pass a fixed time to get byte-identical files on a rerun.

    Returns
    -------
    dict of str to Path
        ``geopackage``, ``excel``, ``indicators`` (``indikatoren.csv``), ``gaps``
        (``bewertung.csv``), ``facilities`` (``einrichtungen.csv``) and, when the social index
        was computed, ``status`` (``sozialindex.csv``); ``housing`` (``wohnen.csv``, every
        column of ``[housing]`` as loaded) when the study has housing data.

    Raises
    ------
    TypeError
        If ``study`` or ``results`` are not what :func:`quartier.load_study` and
        :func:`quartier.compute` return.
    ValueError
        If ``language`` is not supported.
    PermissionError
        If a target file is locked (open in Excel or QGIS on Windows); the message says which.

    Notes
    -----
    **Safe writes.** Every file is first written under a hidden temporary name in ``folder``;
    only when all files are complete are they renamed onto their targets with
    :func:`os.replace` (atomic on one file system). An interrupted run leaves the previous
    files untouched and removes its temporary files.

    **CSV format.** UTF-8 with byte-order mark, so that Excel recognises the encoding. With
    ``language="de"``: ``;`` as separator and ``,`` as decimal mark (what Excel on German
    Windows expects); with ``"en"``: ``,`` and ``.``. Read them back with
    ``pd.read_csv(path, sep=";", decimal=",", dtype={"Quartier-Nr.": str})``. Headers, codes
    and booleans are written in ``language`` (``Quartier-Nr.``, ``Bewertung`` = ``Lücke``,
    ``ja``/``nein``; :func:`quartier.export.labels.public_table`) and values rounded to the
    decimals the report prints; the GeoPackage keeps the English contract names and codes for
    scripts. Quarter ids are written as text with their leading zeros, but Excel converts a column like ``01`` to the number 1 when it opens a CSV file by
    double click: use the workbook (ids stored as text) or Excel's text import.

    **Wide columns.** The ``quartiere`` layer has one column per category × indicator named by
    :func:`column_name` (``kita__supply_rate``) and one ``<category>__status``; the
    ``spalten`` table of the GeoPackage lists each column with its category, indicator, label
    and unit.

    Examples
    --------
    >>> import quartier
    >>> study = quartier.load_study("data/sample/quartier.toml")  # doctest: +SKIP
    >>> paths = write_exports(study, quartier.compute(study), Path("out"))  # doctest: +SKIP
    >>> paths["geopackage"].name  # doctest: +SKIP
    'musterstadt_2025.gpkg'
    """
    _check_inputs(study, results)
    language = language or study.config.language or "de"
    if language not in LANGUAGES:
        raise ValueError(f"Unknown language {language!r}; allowed: {', '.join(LANGUAGES)}.")
    stamp = _timestamp(created)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)

    quarters = quarter_table(study, results)
    plan = _column_plan(results)
    facilities = facility_table(study)
    status = _status_table(results)
    indicators = results.indicators.copy()
    gaps = results.gaps.copy()
    labels = category_labels(study.catalogue, language)
    columns_table = plan.assign(
        label=[f"{labels.get(c, c)} – " + (INDICATORS[i].label_de if language == "de" else
                                            INDICATORS[i].label_en)
               if i in INDICATORS else f"{labels.get(c, c)} – {_TEXT[language]['status']}"
               for c, i in zip(plan["category"], plan["indicator"])])

    targets = export_targets(study, results, folder)
    staged = {key: _temporary(path) for key, path in targets.items()}
    try:
        _write_geopackage(staged["geopackage"], quarters, facilities,
                          {"indikatoren": indicators, "bewertung": gaps,
                           "kategorien": _used_categories(study, results),
                           "spalten": columns_table, "sozialindex": status}, stamp)
        from quartier.report.profile_context import column_label

        public = {"catalogue": study.catalogue, "column_label": column_label,
                  "quarter_names": study.quarters.set_index("quarter_id")["name"]}
        csv_tables = {"indicators": indicators, "gaps": gaps,
                      "facilities": _facility_csv_table(facilities), "status": status,
                      "housing": housing_table(study)}
        for key, table in csv_tables.items():
            if table is not None:
                write_csv(staged[key], public_table(table, key, language, **public), language)
        _write_workbook(staged["excel"], study, results, quarters, plan, facilities, language,
                        stamp)
        for key, temporary in staged.items():
            try:
                os.replace(temporary, targets[key])
            except PermissionError as exc:
                raise PermissionError(f"{targets[key]} cannot be replaced; it is probably open "
                                      "in Excel or QGIS. Close it and run again.") from exc
    finally:
        for temporary in staged.values():
            _remove(temporary)
    return targets
