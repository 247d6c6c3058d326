"""The Excel workbook of the exports: one function per sheet.

:func:`write_workbook` writes, in the report's language, an overview (study, sources, how to
read the sheets, the legend of the judgements), one sheet per action field (one row per
quarter, per category its indicators and judgement), the assessment, the social index (when
computed), the housing data (when loaded), the facilities, the categories and the indicator
formulas. Files are byte-identical on a rerun with the same ``stamp``.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from quartier import __version__
from quartier.catalogue import category_labels
from quartier.compute import Results
from quartier.export.frames import (
    facility_coordinates,
    housing_table,
    status_table,
    used_categories,
    whole_numbers,
)
from quartier.export.geodata import FACILITY_COLUMNS
from quartier.export.labels import german_units
from quartier.export.naming import category_rows
from quartier.export.spreadsheet import safe_cell
from quartier.export.texts import TEXT
from quartier.fields import FIELDS, field_label
from quartier.format import format_date
from quartier.indicators.registry import (
    INDICATORS,
    STATUSES,
    indicator_table,
    social_class_label,
    status_label,
)
from quartier.study import Study

__all__ = ["write_workbook"]

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


def _class_word(value: Any, language: str) -> Any:
    """A social index class in the workbook's language (``"mittel"`` → ``"medium"``); an
    empty cell stays empty.
    """
    return social_class_label(value, language) if isinstance(value, str) else value


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
    becomes a formula (:func:`quartier.export.spreadsheet.safe_cell`).
    """
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
    text = TEXT[language]
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
    if results.social_index is not None:
        line()
        line(text["legend_social"], text["social_legend"])
    line()
    line(text["notes"])
    for key in ("note_ids", "note_missing", "note_csv"):
        line(None, text[key])


@dataclass(frozen=True)
class _Context:
    """What every sheet needs: the study, its results and the words in the workbook's language.

    ``ids`` and ``names`` are the quarters in the order of the ``quartiere`` layer.
    """

    study: Study
    results: Results
    language: str
    text: dict[str, str]
    categories: dict[str, str]
    indicator_labels: dict[str, str]
    units: dict[str, str]
    statuses: dict[str, str]
    ids: list[Any]
    names: list[Any]

    @property
    def quarter_names(self) -> dict[Any, Any]:
        return dict(zip(self.ids, self.names))

    @property
    def id_width(self) -> float:
        return _width(self.ids, self.text["quarter_id"])

    @property
    def name_width(self) -> float:
        return _width(self.names, self.text["quarter"])

    def field_name(self, field: Any) -> Any:
        """The label of an action field (an unknown key stays as it is)."""
        return field_label(field, self.language) if field in FIELDS else field


def _field_sheet(workbook: Workbook, context: _Context, title: str, part: pd.DataFrame,
                 quarters: gpd.GeoDataFrame) -> None:
    """One action field: a row per quarter, per category its indicators and the judgement."""
    text = context.text
    judged = context.results.gaps.drop_duplicates("category").set_index("category")["indicator"]
    has_status = context.results.social_index is not None
    headers = [text["quarter_id"], text["quarter"], text["residents"]]
    formats: list[str | None] = ["@", None, "#,##0"]
    widths = [context.id_width, context.name_width, 12.0]
    if has_status:
        headers += [text["status_index"], text["status_class"]]
        formats += ["0.00", None]
        widths += [12.0, 14.0]
    for item in part.itertuples(index=False):
        label = context.categories.get(item.category, item.category)
        if item.indicator == "status":
            which = context.indicator_labels.get(judged.get(item.category, ""), "")
            headers.append(f"{label} – " + (text["judged"].format(indicator=which)
                                            if which else text["status"]))
            formats.append(None)
            widths.append(16.0)
        else:
            unit = _unit_label(item.unit, context.language, context.units)
            headers.append(f"{label} – "
                           f"{context.indicator_labels.get(item.indicator, item.indicator)}"
                           + (f" ({unit})" if unit else ""))
            formats.append(_number_format(str(item.unit or ""), text))
            widths.append(16.0)
    n = len(quarters)
    sheet = _Sheet(workbook, title, headers, formats, widths, freeze=2, n_rows=n,
                   header_height=120.0)
    offset = len(headers) - len(part)
    status_positions = [offset + i for i, indicator in enumerate(part["indicator"])
                        if indicator == "status"]
    columns = [quarters[c].tolist() for c in part["column"]]
    for row in range(n):
        values = [context.ids[row], context.names[row], quarters["residents"].iat[row]]
        if has_status:
            values += [quarters["status_index"].iat[row] if "status_index" in quarters
                       else None,
                       _class_word(quarters["status_class"].iat[row], context.language)
                       if "status_class" in quarters else None]
        values += [column[row] for column in columns]
        fills = {}
        for position in status_positions:
            key = values[position]
            if key is not None:
                fills[position] = _STATUS_FILLS.get(key)
                values[position] = context.statuses.get(key, key)
        sheet.row(values, fills={k: v for k, v in fills.items() if v is not None})


def _assessment_sheet(workbook: Workbook, context: _Context, title: str) -> None:
    """Per quarter and category the judged indicator, its comparison value and judgement."""
    text, gaps = context.text, context.results.gaps
    quarter_names = context.quarter_names
    field_of = context.study.catalogue["field"].to_dict()
    indicator_units = category_rows(context.results.indicators).drop_duplicates(
        ["category", "indicator"]).set_index(["category", "indicator"])["unit"]
    headers = [text["quarter_id"], text["quarter"], text["field"], text["category"],
               text["indicator"], text["value"], text["target"], text["unit"], text["basis"],
               text["status"]]
    category_column = _labels_of(gaps["category"], context.categories)
    sheet = _Sheet(workbook, title, headers,
                   ["@", None, None, None, None, None, None, None, None, None],
                   [context.id_width, context.name_width, 24,
                    _width(category_column, "", high=45), 30, 12, 14, 20, 22, 16],
                   freeze=2, n_rows=len(gaps))
    for record in gaps.itertuples(index=False):
        unit_en = indicator_units.get((record.category, record.indicator), "")
        number_format = _number_format(str(unit_en or ""), text)
        sheet.row([record.quarter_id, quarter_names.get(record.quarter_id),
                   context.field_name(field_of.get(record.category)),
                   context.categories.get(record.category, record.category),
                   context.indicator_labels.get(record.indicator, record.indicator),
                   record.value, record.target,
                   _unit_label(unit_en, context.language, context.units),
                   text.get(record.basis, record.basis),
                   context.statuses.get(record.status, record.status)],
                  fills={9: _STATUS_FILLS[record.status]} if record.status in _STATUS_FILLS
                  else None, formats={5: number_format, 6: number_format})


def _social_sheet(workbook: Workbook, context: _Context, title: str,
                  column_label: Callable[[str, str], str]) -> None:
    """The social status and dynamics index, with the z-values of every indicator (headed by
    `column_label`, as the indicators are named in the report).
    """
    text, table = context.text, status_table(context.results)
    if table is None:  # no social index computed
        return
    headers, formats = [text["quarter_id"], text["quarter"]], ["@", None]
    for column in table.columns[1:]:
        if column in text:
            headers.append(text[column])
        elif column.startswith("z_change_"):
            headers.append(text["z_change"].format(
                name=column_label(column[len("z_change_"):], context.language)))
        elif column.startswith("z_"):
            headers.append(text["z"].format(name=column_label(column[2:], context.language)))
        else:
            headers.append(column)
        formats.append("0.00" if pd.api.types.is_float_dtype(table[column]) else None)
    sheet = _Sheet(workbook, title, headers, formats,
                   [context.id_width, context.name_width] + [14.0] * (len(headers) - 2),
                   freeze=2, n_rows=len(table), header_height=45.0)
    quarter_names = context.quarter_names
    classes = [i for i, c in enumerate(table.columns)
               if c in ("status_class", "dynamics_class", "combined_class")]
    for record in table.itertuples(index=False):
        values = list(record)
        for i in classes:
            values[i] = _class_word(values[i], context.language)
        sheet.row([values[0], quarter_names.get(values[0]), *values[1:]])


def _housing_sheet(workbook: Workbook, context: _Context, title: str, housing: pd.DataFrame,
                   column_label: Callable[[str, str], str]) -> None:
    """Every housing column as loaded, headed by `column_label` (as in the report's profiles)."""
    text = context.text
    values = [c for c in housing.columns if c not in ("quarter_id", "name")]
    headers = [text["quarter_id"], text["quarter"],
               *[column_label(c, context.language) for c in values]]
    formats = ["@", None, *[("#,##0" if whole_numbers(housing[c]) else "#,##0.00")
                            if pd.api.types.is_numeric_dtype(housing[c]) else None
                            for c in values]]
    sheet = _Sheet(workbook, title, headers, formats,
                   [context.id_width, context.name_width] + [16.0] * len(values), freeze=2,
                   n_rows=len(housing), header_height=45.0)
    quarter_names = context.quarter_names
    for record in housing.itertuples(index=False):
        row = dict(zip(housing.columns, record, strict=True))
        sheet.row([row["quarter_id"], quarter_names.get(row["quarter_id"]),
                   *[row[c] for c in values]])


def _facilities_sheet(workbook: Workbook, context: _Context, title: str,
                      facilities: gpd.GeoDataFrame) -> None:
    """Every facility with its quarter, working-CRS and WGS 84 coordinates."""
    text = context.text
    table = facility_coordinates(facilities)
    columns = [c for c in (*FACILITY_COLUMNS, "quarter_id") if c in table.columns]
    headers = [text.get(c, c) for c in columns]
    position = columns.index("quarter_id")
    headers.insert(position + 1, text["quarter"])
    crs = context.study.quarters.crs
    crs_name = crs.to_string() if crs is not None else ""
    headers += [f"x ({crs_name})", f"y ({crs_name})", text["lon"], text["lat"]]
    shown = table[columns].copy()
    if "field" in shown:
        shown["field"] = [context.field_name(f) for f in shown["field"]]
    if "category" in shown:
        shown["category"] = _labels_of(shown["category"], context.categories)
    quarter_names = context.quarter_names
    shown.insert(position + 1, "_quarter", [quarter_names.get(q) for q in shown["quarter_id"]])
    for column in ("x", "y", "lon", "lat"):
        shown[column] = table[column].to_numpy()
    formats = [("@" if c in ("facility_id", "quarter_id") else "#,##0" if c == "capacity"
                else None) for c in shown.columns[:-4]] + ["0.00", "0.00", "0.0000000",
                                                           "0.0000000"]
    widths = [_width(shown[c].head(2000).tolist(), h, high=45)
              for c, h in zip(shown.columns, headers)]
    sheet = _Sheet(workbook, title, headers, formats, widths, freeze=2, n_rows=len(shown))
    for record in shown.itertuples(index=False):
        sheet.row(list(record))


def _categories_sheet(workbook: Workbook, context: _Context, title: str) -> None:
    """The categories used, with reference group and standards."""
    text, language = context.text, context.language
    table = used_categories(context.study, context.results)
    headers = [text["key"], text["field"], text["label"], text["reference_group"],
               text["capacity_unit"], text["per_1000"], text["max_distance_m"],
               text["standard_source"], text["binding"]]
    sheet = _Sheet(workbook, title, headers,
                   [None, None, None, None, None, "0.00", "#,##0", None, None],
                   [22, 24, 45, 14, 16, 14, 14, 50, 12], freeze=1, n_rows=len(table),
                   header_height=30.0)
    for record in table.to_dict("records"):
        sheet.row([record["category"], context.field_name(record["field"]),
                   record.get(f"label_{language}"), record.get("reference_group"),
                   record.get(f"capacity_unit_{language}"), record.get("per_1000"),
                   record.get("max_distance_m"), record.get("standard_source") or None,
                   record.get("binding")])


def _indicators_sheet(workbook: Workbook, context: _Context, title: str) -> None:
    """Label, formula and unit of every indicator (the registry)."""
    text = context.text
    table = indicator_table(context.language)
    sheet = _Sheet(workbook, title, [text["key"], text["label"], text["formula"], text["unit"]],
                   [None, None, None, None], [18, 40, 110, 14], freeze=1, n_rows=len(table))
    for record in table.itertuples(index=False):
        cells = []
        for value in record:
            cell = WriteOnlyCell(sheet.sheet, value=_cell_value(value))
            cell.alignment = _WRAP
            cells.append(cell)
        sheet.sheet.append(cells)


def write_workbook(path: Path, study: Study, results: Results, quarters: gpd.GeoDataFrame,
                   plan: pd.DataFrame, facilities: gpd.GeoDataFrame, language: str,
                   stamp: _dt.datetime, *, column_label: Callable[[str, str], str]) -> None:
    """Write the workbook of a study to `path`, in `language`, dated `stamp`.

    Parameters
    ----------
    path : Path
        The ``.xlsx`` file to write.
    study, results : Study, Results
        The loaded study and what :func:`quartier.compute` returned for it.
    quarters : GeoDataFrame
        :func:`~quartier.export.geodata.quarter_table` of the study (the wide layer).
    plan : DataFrame
        :func:`~quartier.export.naming.column_plan` of the results (which wide column belongs
        to which action field, category and indicator).
    facilities : GeoDataFrame
        :func:`~quartier.export.geodata.facility_table` of the study.
    language : {"de", "en"}
        Language of sheet names, headers and labels.
    stamp : datetime
        Creation time (naive UTC) written into the overview, the document properties and the
        zip entries.
    column_label : callable
        ``column_label(column, language)``: the header of a housing column.
    """
    text = TEXT[language]
    workbook = Workbook(write_only=True)
    context = _Context(
        study=study, results=results, language=language, text=text,
        categories=category_labels(study.catalogue, language),
        indicator_labels={k: getattr(i, f"label_{language}") for k, i in INDICATORS.items()},
        units=german_units(study.catalogue),
        statuses={key: status_label(key, language) for key in STATUSES},
        ids=quarters["quarter_id"].tolist(), names=quarters["name"].tolist())

    # Sheet names first, so that the overview can list them.
    used: set[str] = set()
    fields = [f for f in FIELDS if (plan["field"] == f).any()]
    extra_fields = [f for f in dict.fromkeys(plan["field"].dropna()) if f not in FIELDS]
    field_sheets = {f: _sheet_name(context.field_name(f), used)
                    for f in [*fields, *extra_fields]}
    names_of = {key: _sheet_name(text[key], used) for key in
                ("assessment", "social", "housing", "facilities", "categories", "indicators")}
    overview_name = _sheet_name(text["overview"], used)
    listing = [(sheet, text["sheet_field"]) for sheet in field_sheets.values()]
    listing.append((names_of["assessment"], text["sheet_assessment"]))
    if results.social_index is not None:
        listing.append((names_of["social"], text["sheet_social"]))
    housing = housing_table(study)
    if housing is not None:
        listing.append((names_of["housing"], text["sheet_housing"]))
    listing += [(names_of[k], text[f"sheet_{k}"]) for k in ("facilities", "categories",
                                                            "indicators")]
    missing = [field_label(f, language) for f in FIELDS if f not in field_sheets]

    _overview(workbook, overview_name, study, results, language, stamp, listing, missing)
    for field_key, title in field_sheets.items():
        _field_sheet(workbook, context, title, plan[plan["field"] == field_key], quarters)
    _assessment_sheet(workbook, context, names_of["assessment"])
    if results.social_index is not None:
        _social_sheet(workbook, context, names_of["social"], column_label)
    if housing is not None:
        _housing_sheet(workbook, context, names_of["housing"], housing, column_label)
    _facilities_sheet(workbook, context, names_of["facilities"], facilities)
    _categories_sheet(workbook, context, names_of["categories"])
    _indicators_sheet(workbook, context, names_of["indicators"])

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
