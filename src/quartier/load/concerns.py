"""Loading residents' concerns (Anliegen from consultation hours) onto the ``concerns`` contract.

A concern is one matter a resident brought to the quarter office: when, in which action field,
where (a quarter id or a point), and how far it has been dealt with. Free-text columns (a note,
the wording of the concern) are kept for the quarter manager's own use but are never published:
the report and its exports only show counts, and those suppressed below ``min_count``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from quartier.assign import assign_points
from quartier.config import DatasetConfig, parse_crs
from quartier.fields import FIELDS, field_key, field_label
from quartier.load.attributes import read_mapped_table
from quartier.load.columns import row_labels
from quartier.load.ids import clean_ids, pad_ids
from quartier.load.number_notation import to_number
from quartier.validation import ValidationReport

__all__ = ["load_concerns", "concern_settings", "CONCERN_COLUMNS", "CONCERN_STATUSES",
           "PERIODS", "DEFAULT_MIN_COUNT"]

#: Columns of the ``concerns`` contract (further columns are kept, but only for internal use).
CONCERN_COLUMNS = ["concern_id", "date", "field", "quarter_id", "status", "topic", "located_by"]
#: Usual status values (others are kept and reported as a warning).
CONCERN_STATUSES = ("offen", "in bearbeitung", "weitergeleitet", "erledigt")
#: Periods the report counts by: calendar years or half-years.
PERIODS = ("year", "half_year")
#: Counts below this are shown as "< 3" unless ``[concerns] min_count`` says otherwise.
DEFAULT_MIN_COUNT = 3


def concern_settings(cfg: DatasetConfig | None, report: ValidationReport | None = None
                     ) -> tuple[int, str]:
    """``(min_count, period)`` of a ``[concerns]`` block, checked; defaults ``(3, "year")``.

    A ``min_count`` below 2 would publish single concerns and is refused (error finding).
    """
    if cfg is None:
        return DEFAULT_MIN_COUNT, "year"
    min_count = cfg.get("min_count", DEFAULT_MIN_COUNT)
    period = str(cfg.get("period", "year"))
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 2:
        if report is not None:
            report.add("error", "bad_value", cfg.name, f"min_count = {min_count!r} ist keine "
                       "ganze Zahl ab 2.", "min_count = 3 (Anzahlen unter 3 erscheinen als "
                       "„< 3“) oder Eintrag weglassen.", file=str(cfg.path))
        min_count = DEFAULT_MIN_COUNT
    if period not in PERIODS:
        if report is not None:
            report.add("error", "bad_value", cfg.name, f"period = {period!r} ist unbekannt.",
                       'period = "year" (Jahre) oder "half_year" (Halbjahre).',
                       file=str(cfg.path))
        period = "year"
    return int(min_count), period


def load_concerns(cfg: DatasetConfig, report: ValidationReport, *, id_width: int | None,
                  quarters: gpd.GeoDataFrame | None = None,
                  working_crs: CRS | None = None) -> pd.DataFrame | None:
    """Residents' concerns with date, field, quarter and status.

    The quarter comes from a mapped ``quarter_id`` column; where that is empty and the block
    names coordinate columns (``x``/``y`` with ``crs``), the point is assigned to the quarter
    containing it (point in polygon). ``located_by`` says which (``quarter_id``, ``point`` or
    empty for a concern that could not be placed; such rows are kept but counted nowhere).

    Parameters
    ----------
    cfg : DatasetConfig
        The ``[concerns]`` block.
    report : ValidationReport
        Findings are added here (missing or bad dates, unknown fields or quarters, …).
    id_width : int, optional
        Width to zero-pad numeric quarter ids to.
    quarters : GeoDataFrame, optional
        Quarters for the point-in-polygon assignment and the check of quarter ids.
    working_crs : CRS, optional
        The study's CRS (coordinates are transformed into it).

    Returns
    -------
    DataFrame or None
        Columns :data:`CONCERN_COLUMNS` (``date`` as datetime) plus the file's further
        columns, which are internal (free text) and never published.
    """
    concern_settings(cfg, report)
    x_column, y_column = cfg.get("x"), cfg.get("y")
    frame, decimal = read_mapped_table(
        cfg, report, required=("date", "field"),
        optional=("concern_id", "quarter_id", "status", "topic"))
    if frame is None:
        return None
    ids = clean_ids(frame["concern_id"])
    frame["concern_id"] = ids.where(ids.notna(), "N" + frame["_row"].astype(str))

    text = frame["date"].astype(object).where(frame["date"].notna(), None)
    if pd.api.types.is_datetime64_any_dtype(frame["date"]):  # Excel dates
        dates = frame["date"]
    else:  # ISO (2025-03-01, also with a time) or German (01.03.2025, 1.3.25)
        raw = text.astype(str).str.strip().str.slice(0, 10)
        dates = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
        for pattern in ("%d.%m.%Y", "%d.%m.%y"):
            dates = dates.fillna(pd.to_datetime(raw, format=pattern, errors="coerce"))
        dates = dates.where(text.notna())
    bad = dates.isna()
    if bad.any():
        report.add("error", "bad_date", cfg.name, f"{int(bad.sum())} Anliegen haben kein gültiges "
                   "Datum.", "Datum als 2025-03-01 oder 01.03.2025 schreiben.",
                   file=str(cfg.path), column=str(cfg.columns.get("date", "date")),
                   rows=row_labels(frame, bad, "concern_id"))
    frame["date"] = dates

    def key_of(value: object) -> str:
        try:
            return field_key(str(value)) if value is not None else ""
        except ValueError:
            return str(value).strip()

    fields = frame["field"].map(key_of)  # keys or German/English labels ("Alltagshilfen")
    unknown = ~fields.isin(FIELDS)
    if unknown.any():
        report.add("error", "unknown_field", cfg.name, "Unbekannte Handlungsfelder: "
                   f"{', '.join(sorted(set(fields[unknown])))}.",
                   "Erlaubt sind die Namen der Handlungsfelder ("
                   + ", ".join(field_label(f) for f in FIELDS) + f") oder ihre Schlüssel "
                   f"({', '.join(FIELDS)}).", file=str(cfg.path),
                   column=str(cfg.columns.get("field", "field")),
                   rows=row_labels(frame, unknown, "concern_id"))
    frame["field"] = fields

    status = frame["status"].map(lambda v: str(v).strip().lower() if v is not None else None)
    odd = status.notna() & ~status.isin(CONCERN_STATUSES)
    if odd.any():
        report.add("warning", "bad_value", cfg.name, "Unbekannter Bearbeitungsstand: "
                   f"{', '.join(sorted(status[odd].unique()))}.",
                   f"Üblich sind: {', '.join(CONCERN_STATUSES)}.", file=str(cfg.path),
                   column=str(cfg.columns.get("status", "status")),
                   rows=row_labels(frame, odd, "concern_id"))
    frame["status"] = status

    quarter_ids = pad_ids(clean_ids(frame["quarter_id"]), id_width)[0]
    located = pd.Series(np.where(quarter_ids.notna(), "quarter_id", ""), index=frame.index)
    if x_column or y_column:
        quarter_ids, located = _by_point(frame, cfg, report, decimal, quarter_ids, located,
                                         quarters, working_crs)
    frame["quarter_id"] = quarter_ids.astype(object).where(quarter_ids.notna(), None)
    frame["located_by"] = located
    if quarters is not None:
        known = set(quarters["quarter_id"])
        foreign = frame["quarter_id"].notna() & ~frame["quarter_id"].isin(known)
        if foreign.any():
            report.add("warning", "unknown_quarter", cfg.name, f"{int(foreign.sum())} Anliegen "
                       "nennen Quartiers-IDs, die es nicht gibt; sie werden nicht gezählt.",
                       "Schreibweise der IDs prüfen (führende Nullen?).", file=str(cfg.path),
                       column="quarter_id", rows=row_labels(frame, foreign, "concern_id"))
            frame.loc[foreign, ["quarter_id", "located_by"]] = [None, ""]
    nowhere = frame["located_by"] == ""
    if nowhere.any():
        report.add("warning", "unlocated", cfg.name, f"{int(nowhere.sum())} Anliegen haben "
                   "weder ein Quartier noch einen Ort in einem Quartier; sie werden nicht "
                   "gezählt.", "Quartier oder Koordinaten nachtragen.",
                   file=str(cfg.path), rows=row_labels(frame, nowhere, "concern_id"))
    duplicated = frame["concern_id"].duplicated(keep=False)
    if duplicated.any():
        report.add("error", "duplicate_id", cfg.name, "IDs von Anliegen kommen mehrfach vor.",
                   "Jedes Anliegen braucht eine eigene ID.", file=str(cfg.path),
                   column="concern_id", rows=row_labels(frame, duplicated, "concern_id"))
    rest = [c for c in frame.columns if c not in (*CONCERN_COLUMNS, "_row")]
    return frame[CONCERN_COLUMNS + rest].reset_index(drop=True)


def _by_point(frame: pd.DataFrame, cfg: DatasetConfig, report: ValidationReport, decimal: str,
              quarter_ids: pd.Series, located: pd.Series, quarters: gpd.GeoDataFrame | None,
              working_crs: CRS | None) -> tuple[pd.Series, pd.Series]:
    """Fill missing quarter ids from the ``x``/``y`` columns by point in polygon."""
    x_column, y_column = cfg.get("x"), cfg.get("y")
    missing = [c for c in (x_column, y_column) if not c or c not in frame.columns]
    if missing:
        report.add("error", "missing_column", cfg.name, "Die Koordinatenspalten x/y fehlen: "
                   f"{', '.join(str(c) for c in missing)}.", "x = \"…\" und y = \"…\" auf "
                   "vorhandene Spalten setzen.", file=str(cfg.path))
        return quarter_ids, located
    if cfg.get("crs") is None:
        report.add("error", "missing_crs", cfg.name, "Zu den Koordinaten fehlt das "
                   "Koordinatensystem.", 'crs = "EPSG:25832" (oder "EPSG:4326" für '
                   "Länge/Breite) ergänzen.", file=str(cfg.path))
        return quarter_ids, located
    xs, bad_x = to_number(frame[x_column], decimal)
    ys, bad_y = to_number(frame[y_column], decimal)
    if (bad_x | bad_y).any():
        report.add("warning", "non_numeric", cfg.name, f"{int((bad_x | bad_y).sum())} "
                   "Koordinaten sind keine Zahlen.", "Nur Zahlen eintragen.", file=str(cfg.path),
                   rows=row_labels(frame, bad_x | bad_y, "concern_id"))
    use = quarter_ids.isna() & xs.notna() & ys.notna()
    if not use.any() or quarters is None:
        return quarter_ids, located
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xs[use], ys[use]),
                              crs=parse_crs(cfg.get("crs")), index=frame.index[use])
    points = points.to_crs(working_crs or quarters.crs)
    assigned = assign_points(points, quarters)
    quarter_ids = quarter_ids.astype(object).copy()
    quarter_ids.loc[assigned.index] = assigned
    hit = assigned.notna()
    located = located.copy()
    located.loc[assigned.index[hit]] = "point"
    return quarter_ids, located
