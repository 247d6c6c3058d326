"""Loading tables per quarter: housing, social indicators, actors and measures."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from quartier.config import DatasetConfig
from quartier.fields import FIELDS, field_key, field_label
from quartier.load.addresses import (
    DEFAULT_MIN_SCORE,
    address_parts,
    match_addresses,
    report_matches,
)
from quartier.load.columns import map_columns, read_table_reported, row_labels
from quartier.load.ids import clean_ids, pad_ids
from quartier.load.number_notation import parse_numbers
from quartier.load.numbers import number_column
from quartier.load.other_boundaries import carry_to_quarters
from quartier.load.population import pad_quarter_ids
from quartier.validation import ValidationReport

__all__ = ["load_housing", "load_social", "load_actors", "load_measures", "read_mapped_table"]

_TRUE = {"ja", "j", "yes", "y", "true", "wahr", "1", "x", "öffentlich"}
_FALSE = {"nein", "n", "no", "false", "falsch", "0", "", "intern"}
MEASURE_STATUSES = ("geplant", "laufend", "abgeschlossen", "abgebrochen")


def read_mapped_table(cfg: DatasetConfig, report: ValidationReport, *, required: tuple[str, ...],
                      optional: tuple[str, ...] = ()) -> tuple[pd.DataFrame | None, str]:
    """Read a CSV/Excel table and map its columns; returns the frame and the decimal mark."""
    path = cfg.path
    if not path.exists():
        return None, "."
    table, decimal = read_table_reported(cfg, path, report)
    if table is None:
        return None, decimal
    return map_columns(table, cfg, path, report, required=required, optional=optional), decimal


def _numeric_rest(frame: pd.DataFrame, cfg: DatasetConfig, decimal: str, report: ValidationReport,
                  skip: tuple[str, ...]) -> pd.DataFrame:
    """Convert every other column to numbers (text columns that hold no number are dropped)."""
    for column in [c for c in frame.columns if c not in (*skip, "_row")]:
        filled = int(frame[column].notna().sum())
        if not filled:
            frame[column] = np.nan
            continue
        bad = parse_numbers(frame[column], kind="measure", file_decimal=decimal).bad
        if bad.sum() > 0.5 * filled:
            frame = frame.drop(columns=column)  # a text column (e.g. a name): not an indicator
            continue
        frame[column] = number_column(frame, column, cfg, cfg.path, report, kind="measure",
                                      decimal=decimal, id_column="quarter_id")
    return frame


def load_housing(cfg: DatasetConfig, report: ValidationReport, *, id_width: int | None,
                 quarters: gpd.GeoDataFrame | None = None, working_crs: CRS | None = None
                 ) -> pd.DataFrame | None:
    """Housing figures per quarter: ``quarter_id`` plus numeric columns (one row per quarter).

    With ``boundaries = "…"`` in the block the figures are given on other areas and are carried
    onto ``quarters`` (counts by share of area unless listed in ``boundaries_rates``; see
    :func:`quartier.load.other_boundaries.carry_to_quarters`).
    """
    frame, decimal = read_mapped_table(cfg, report, required=("quarter_id",))
    if frame is None:
        return None
    frame["quarter_id"] = pad_quarter_ids(frame, cfg, report, id_width)
    frame = _numeric_rest(frame, cfg, decimal, report, skip=("quarter_id", "name"))
    if cfg.get("boundaries") is not None and quarters is not None:
        return carry_to_quarters(frame.drop(columns="_row"), cfg, quarters,
                                 working_crs or quarters.crs, report,
                                 id_width=id_width, rates_by_default=False)
    return frame.drop(columns="_row").reset_index(drop=True)


def load_social(cfgs: tuple[DatasetConfig, ...], report: ValidationReport, *,
                id_width: int | None, quarters: gpd.GeoDataFrame | None = None,
                working_crs: CRS | None = None) -> pd.DataFrame | None:
    """Social indicators per quarter and year from one or several files (long by year).

    Each file has a ``year`` column or a fixed ``year = …`` in its block; other numeric columns
    are indicators (shares in percent, counts). A file with ``boundaries = "…"`` is carried
    onto ``quarters`` year by year (indicators as weighted means unless listed in
    ``boundaries_counts``; weights from ``boundaries_weight``, else area).
    """
    parts = []
    for cfg in cfgs:
        frame, decimal = read_mapped_table(cfg, report, required=("quarter_id",))
        if frame is None:
            continue
        frame["quarter_id"] = pad_quarter_ids(frame, cfg, report, id_width)
        if cfg.get("year") is not None:
            frame["year"] = str(cfg.get("year"))
        if "year" not in frame.columns:
            report.add("error", "missing_column", cfg.name, "Das Jahr der Sozialindikatoren ist "
                       "nicht angegeben.", 'Eine Spalte zuordnen (columns = { year = "jahr" }) '
                       "oder year = 2024 für die ganze Datei setzen.", file=str(cfg.path),
                       column="year")
            continue
        years = number_column(frame, "year", cfg, cfg.path, report, kind="count",
                              decimal=".", id_column="quarter_id")
        frame = frame[years.notna()].copy()
        frame["year"] = years[years.notna()].astype(int)
        frame = _numeric_rest(frame, cfg, decimal, report, skip=("quarter_id", "year", "name"))
        if cfg.get("boundaries") is not None and quarters is not None:
            frame = carry_to_quarters(frame, cfg, quarters, working_crs or quarters.crs, report,
                                      id_width=id_width, rates_by_default=True, by="year")
            if frame is not None:
                parts.append(frame)
            continue
        duplicated = frame.duplicated(["quarter_id", "year"], keep=False)
        if duplicated.any():
            report.add("error", "duplicate_id", cfg.name, "Quartier und Jahr kommen mehrfach vor.",
                       "Je Quartier und Jahr nur eine Zeile.", file=str(cfg.path),
                       column="quarter_id", rows=row_labels(frame, duplicated, "quarter_id"))
        parts.append(frame.drop(columns="_row"))
    if not parts:
        return None
    social = pd.concat(parts, ignore_index=True)
    return social.sort_values(["quarter_id", "year"], kind="stable").reset_index(drop=True)


def _split_list(value: object, separator: str) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [part.strip() for part in str(value).split(separator) if part.strip()]


def _as_field_key(text: str) -> str:
    try:
        return field_key(text)
    except ValueError:
        return text


def _check_fields(frame: pd.DataFrame, column: str, cfg: DatasetConfig, separator: str,
                  report: ValidationReport, id_column: str) -> None:
    """Turn field names ("Alltagshilfen") into keys in place; report what names no field."""
    frame[column] = frame[column].map(
        lambda v: separator.join(_as_field_key(f) for f in _split_list(v, separator))
        if _split_list(v, separator) else v)
    bad = frame[column].map(lambda v: any(f not in FIELDS for f in _split_list(v, separator)))
    if bad.any():
        values = sorted({f for v in frame.loc[bad, column] for f in _split_list(v, separator)
                         if f not in FIELDS})
        report.add("error", "unknown_field", cfg.name, f"Unbekannte Handlungsfelder: "
                   f"{', '.join(values)}.", "Erlaubt sind die Namen der Handlungsfelder ("
                   + ", ".join(field_label(f) for f in FIELDS) + f") oder ihre Schlüssel "
                   f"({', '.join(FIELDS)}).",
                   file=str(cfg.path), column=column, rows=row_labels(frame, bad, id_column))


def _to_bool(frame: pd.DataFrame, column: str, cfg: DatasetConfig, report: ValidationReport,
             id_column: str) -> pd.Series:
    text = frame[column].map(lambda v: str(v).strip().lower() if v is not None else "")
    unknown = ~text.isin(_TRUE | _FALSE)
    if unknown.any():
        report.add("warning", "bad_value", cfg.name, f"{int(unknown.sum())} Werte in '{column}' "
                   "sind weder ja noch nein und gelten als nicht öffentlich.",
                   "ja/nein eintragen.", file=str(cfg.path), column=column,
                   rows=row_labels(frame, unknown, id_column))
    return text.isin(_TRUE)


def load_actors(cfg: DatasetConfig, report: ValidationReport, *, id_width: int | None,
                addresses: pd.DataFrame | None = None,
                quarters: gpd.GeoDataFrame | None = None) -> pd.DataFrame | None:
    """Possible network partners (actors).

    ``fields`` lists field keys separated by ``list_separator`` (default ``;``) and is stored
    ``;``-separated; ``public`` is a bool (missing column: nothing is public); ``quarter_id``
    empty means town-wide. With ``address_columns`` and an address register (``[addresses]``)
    an empty ``quarter_id`` is filled with the quarter the address lies in.
    """
    frame, _ = read_mapped_table(cfg, report, required=("name",),
                                 optional=("actor_id", "type", "fields", "quarter_id", "public"))
    if frame is None:
        return None
    separator = str(cfg.get("list_separator", ";"))
    ids = clean_ids(frame["actor_id"])
    frame["actor_id"] = ids.where(ids.notna(), "A" + frame["_row"].astype(str))
    frame["quarter_id"] = _padded_or_empty(frame["quarter_id"], id_width)
    if cfg.get("address_columns") and addresses is not None and quarters is not None:
        frame["quarter_id"] = _quarters_by_address(frame, cfg, addresses, quarters, report)
    _check_fields(frame, "fields", cfg, separator, report, "actor_id")
    frame["fields"] = frame["fields"].map(lambda v: ";".join(_split_list(v, separator)))
    frame["public"] = _to_bool(frame, "public", cfg, report, "actor_id") \
        if frame["public"].notna().any() else False
    return frame.drop(columns="_row").reset_index(drop=True)


def _quarters_by_address(frame: pd.DataFrame, cfg: DatasetConfig, addresses: pd.DataFrame,
                         quarters: gpd.GeoDataFrame, report: ValidationReport) -> pd.Series:
    """``quarter_id`` with empty ones taken from the quarter holding the actor's address."""
    columns = list(cfg.get("address_columns"))
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        report.add("error", "missing_column", cfg.name, f"Adressspalten fehlen: "
                   f"{', '.join(absent)}.", "Spaltennamen in address_columns prüfen.",
                   file=str(cfg.path), column=", ".join(absent))
        return frame["quarter_id"]
    open_ = frame["quarter_id"].isna() | (frame["quarter_id"].astype(str) == "")
    if not open_.any():
        return frame["quarter_id"]
    queries = address_parts(frame[open_], columns)
    matched = match_addresses(queries, addresses,
                              min_score=addresses.attrs.get("min_score", DEFAULT_MIN_SCORE))
    report_matches(queries, matched, frame.loc[open_, "_row"], cfg, cfg.path, report)
    found = matched[matched["x"].notna()]
    points = gpd.GeoDataFrame(index=found.index, geometry=gpd.points_from_xy(found["x"],
                                                                          found["y"]),
                              crs=quarters.crs)
    located = gpd.sjoin(points, quarters[["quarter_id", "geometry"]], how="left",
                        predicate="within")
    located = located[~located.index.duplicated()]["quarter_id"]
    filled = frame["quarter_id"].copy()
    filled.loc[located.index] = located.where(located.notna(), filled.loc[located.index])
    return filled


def load_measures(cfg: DatasetConfig, report: ValidationReport, *, id_width: int | None
                  ) -> pd.DataFrame | None:
    """Measures of quarter development (Maßnahmen) with budget, status and dates."""
    frame, decimal = read_mapped_table(
        cfg, report, required=("title",),
        optional=("measure_id", "field", "quarter_id", "target", "budget_planned",
                  "budget_spent", "status", "start", "end"))
    if frame is None:
        return None
    separator = str(cfg.get("list_separator", ";"))
    ids = clean_ids(frame["measure_id"])
    frame["measure_id"] = ids.where(ids.notna(), "M" + frame["_row"].astype(str))
    frame["quarter_id"] = frame["quarter_id"].map(
        lambda v: ";".join(pad_ids(pd.Series(_split_list(v, separator), dtype=object),
                                   id_width)[0]))
    _check_fields(frame, "field", cfg, separator, report, "measure_id")
    for column in ("budget_planned", "budget_spent"):
        frame[column] = number_column(frame, column, cfg, cfg.path, report, kind="amount",
                                      decimal=decimal, allow_negative=False,
                                      id_column="measure_id")
    for column in ("start", "end"):
        dates = pd.to_datetime(frame[column], errors="coerce", dayfirst=not _iso(frame[column]))
        bad = dates.isna() & frame[column].notna()
        if bad.any():
            report.add("error", "bad_date", cfg.name, f"{int(bad.sum())} Werte in '{column}' sind "
                       "kein Datum.", "Datum als 2025-03-01 oder 01.03.2025 schreiben.",
                       file=str(cfg.path), column=column,
                       rows=row_labels(frame, bad, "measure_id"))
        frame[column] = dates
    status = frame["status"].map(lambda v: str(v).strip().lower() if v is not None else None)
    unknown = status.notna() & ~status.isin(MEASURE_STATUSES)
    if unknown.any():
        report.add("warning", "bad_value", cfg.name, f"Unbekannter Status: "
                   f"{', '.join(sorted(status[unknown].unique()))}.",
                   f"Üblich sind: {', '.join(MEASURE_STATUSES)}.", file=str(cfg.path),
                   column="status", rows=row_labels(frame, unknown, "measure_id"))
    frame["status"] = status
    return frame.drop(columns="_row").reset_index(drop=True)


def _iso(values: pd.Series) -> bool:
    text = values.dropna().astype(str)
    return text.empty or text.str.match(r"^\d{4}-\d{2}-\d{2}").all()


def _padded_or_empty(values: pd.Series, id_width: int | None) -> pd.Series:
    ids = clean_ids(values)
    return pad_ids(ids, id_width)[0]
