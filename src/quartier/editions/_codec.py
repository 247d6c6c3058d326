"""How a DataFrame goes into the edition store's tables and comes back identical.

:func:`encode_frame` describes a (Geo)DataFrame (dtypes, index, geometry column, CRS) and turns
its cells into plain values SQLite keeps without loss; :func:`write_frame` inserts them and
:func:`read_frame` rebuilds the frame. The typed columns of each data table are
:data:`TABLES`; every other column goes to ``extra_values`` in long form. The schema is
described in :mod:`quartier.editions._sqlite`, the transactions in :mod:`quartier.editions.store`.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from geopandas.array import GeometryDtype
from pyproj import CRS

__all__ = ["TABLES", "EncodedFrame", "encode_frame", "read_frame", "write_frame"]

# Fixed (typed) columns of each data table; any other column goes to ``extra_values``.
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "indicators": (("quarter_id", "TEXT"), ("field", "TEXT"), ("category", "TEXT"),
                   ("indicator", "TEXT"), ("value", "REAL"), ("unit", "TEXT"),
                   ("reference_group", "TEXT"), ("target", "REAL"), ("status", "TEXT"),
                   ("basis", "TEXT")),
    "gaps": (("quarter_id", "TEXT"), ("category", "TEXT"), ("indicator", "TEXT"),
             ("value", "REAL"), ("target", "REAL"), ("basis", "TEXT"), ("status", "TEXT")),
    "status": (("quarter_id", "TEXT"), ("year", "INTEGER"), ("included", "INTEGER"),
               ("status_sum", "REAL"), ("status_index", "REAL"), ("status_class", "TEXT"),
               ("status_class_number", "INTEGER"), ("dynamics_sum", "REAL"),
               ("dynamics_index", "REAL"), ("dynamics_class", "TEXT"),
               ("combined_class", "TEXT")),
    "quarters": (("quarter_id", "TEXT"), ("name", "TEXT"), ("geometry", "BLOB")),
    "facilities": (("facility_id", "TEXT"), ("name", "TEXT"), ("field", "TEXT"),
                   ("category", "TEXT"), ("capacity", "REAL"), ("operator", "TEXT"),
                   ("target_group", "TEXT"), ("address", "TEXT"), ("source", "TEXT"),
                   ("in_study_area", "INTEGER"), ("geometry", "BLOB")),
}



@dataclass(frozen=True)
class EncodedFrame:
    """A DataFrame ready to insert: its description and its rows, as plain Python values."""

    name: str
    frame_row: tuple[Any, ...]
    column_rows: list[tuple[Any, ...]]
    table_columns: tuple[str, ...]
    table_rows: list[tuple[Any, ...]]
    extra_rows: list[tuple[Any, ...]]


def encode_frame(name: str, frame: pd.DataFrame) -> EncodedFrame:
    """Describe `frame` and turn its cells into values SQLite stores without loss."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a DataFrame, got {type(frame).__name__}")
    names = [str(c) for c in frame.columns]
    if len(set(names)) != len(names):
        raise ValueError(f"{name} has duplicate column names: {names}")
    n_rows = len(frame)
    index_names: list[str | None] | None = None
    index = frame.index
    if not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
            and index.name is None):
        index_names = [None if n is None else str(n) for n in index.names]
        levels = [f"__index_{i}__" if n is None or n in names else n
                  for i, n in enumerate(index_names)]
        index_frame = index.to_frame(index=False).set_axis(levels, axis=1)
        body = pd.DataFrame(frame).set_axis(names, axis=1).reset_index(drop=True)
        data = pd.concat([index_frame, body], axis=1)
    else:
        data = pd.DataFrame(frame).set_axis(names, axis=1)
    geometry = None
    if isinstance(frame, gpd.GeoDataFrame):
        active = getattr(frame, "active_geometry_name", None)
        geometry = None if active is None or active not in frame.columns else str(active)

    fixed = dict(TABLES[name])
    in_table: dict[str, list[Any]] = {}
    column_rows: list[tuple[Any, ...]] = []
    extra_rows: list[tuple[Any, ...]] = []
    n_index = 0 if index_names is None else len(index_names)
    for position, column in enumerate(data.columns):
        series = data.iloc[:, position]
        values, dtype, missing, detail = _encode_series(series)
        crs = series.array.crs if isinstance(series.dtype, GeometryDtype) else None
        crs_wkt = crs.to_wkt() if crs is not None else None
        storage = ("table" if column in fixed and column not in in_table
                   and _fits(series, values, fixed[column]) else "extra")
        if storage == "table":
            in_table[column] = values
        else:
            extra_rows.extend((name, row, column, value) for row, value in enumerate(values)
                              if value is not None)
        column_rows.append((name, position, column, dtype, missing, detail,
                            int(position < n_index), storage, crs_wkt))
    table_columns = tuple(in_table)
    table_rows = list(zip(range(n_rows), *(in_table[c] for c in table_columns)))
    frame_row = (name, n_rows, str(frame.columns.dtype),
                 None if index_names is None else json.dumps(index_names), geometry)
    return EncodedFrame(name, frame_row, column_rows, table_columns, table_rows, extra_rows)


def write_frame(connection: sqlite3.Connection, label: str, encoded: EncodedFrame) -> None:
    connection.execute("INSERT INTO frames (edition, frame, n_rows, columns_dtype, index_names, "
                       "geometry) VALUES (?, ?, ?, ?, ?, ?)", (label, *encoded.frame_row))
    connection.executemany(
        "INSERT INTO frame_columns (edition, frame, position, name, dtype, missing, detail, "
        "is_index, storage, crs_wkt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(label, *row) for row in encoded.column_rows])
    columns = ("edition", "row_no", *encoded.table_columns)
    connection.executemany(
        f"INSERT INTO {encoded.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})",
        [(label, *row) for row in encoded.table_rows])
    connection.executemany(
        "INSERT INTO extra_values (edition, frame, row_no, column_name, value) "
        "VALUES (?, ?, ?, ?, ?)", [(label, *row) for row in encoded.extra_rows])


def read_frame(connection: sqlite3.Connection, label: str, name: str) -> pd.DataFrame | None:
    """Rebuild a stored DataFrame (``None`` if the edition has none of that name)."""
    frame_row = connection.execute(
        "SELECT n_rows, columns_dtype, index_names, geometry FROM frames "
        "WHERE edition = ? AND frame = ?", (label, name)).fetchone()
    if frame_row is None:
        return None
    n_rows, columns_dtype, index_json, geometry = frame_row
    described = connection.execute(
        "SELECT name, dtype, missing, detail, is_index, storage, crs_wkt FROM frame_columns "
        "WHERE edition = ? AND frame = ? ORDER BY position", (label, name)).fetchall()
    table_columns = [c[0] for c in described if c[5] == "table"]
    values: dict[str, list[Any]] = {c: [] for c in table_columns}
    if table_columns:
        cursor = connection.execute(
            f"SELECT {', '.join(table_columns)} FROM {name} WHERE edition = ? ORDER BY row_no",
            (label,))
        for row in cursor:
            for column, value in zip(table_columns, row):
                values[column].append(value)
    for column, _, _, _, _, storage, _ in described:
        if storage == "extra":
            cells: list[Any] = [None] * n_rows
            for row_no, value in connection.execute(
                    "SELECT row_no, value FROM extra_values WHERE edition = ? AND frame = ? "
                    "AND column_name = ?", (label, name, column)):
                cells[row_no] = value
            values[column] = cells
    # Series keep their dtype in the constructor (a bare object array would become ``str``).
    data = {column: _as_series(_decode_values(values[column], dtype, missing, crs_wkt,
                                              detail), n_rows)
            for column, dtype, missing, detail, _, _, crs_wkt in described}
    frame = pd.DataFrame(data, index=pd.RangeIndex(n_rows))
    if index_json is not None:
        index_names = json.loads(index_json)
        levels = [c[0] for c in described if c[4]]
        frame = frame.set_index(levels)
        frame.index.names = index_names
    frame.columns = pd.Index(list(frame.columns), dtype=_pandas_dtype(columns_dtype))
    if geometry is not None:
        frame = gpd.GeoDataFrame(frame, geometry=geometry)
    return frame


def _encode_series(series: pd.Series) -> tuple[list[Any], str, str | None, str | None]:
    """Plain values of a column (``None`` for missing), its dtype, missing marker and details.

    The details (JSON) describe a categorical dtype: its categories, their dtype and order.
    """
    dtype = series.dtype
    name = str(dtype)
    missing_mask = np.asarray(pd.isna(series), dtype=bool) if len(series) else np.zeros(0, bool)
    if isinstance(dtype, GeometryDtype):
        return list(shapely.to_wkb(np.asarray(series.array, dtype=object),
                                   output_dimension=_WKB_DIMENSIONS)), name, None, None
    if isinstance(dtype, pd.DatetimeTZDtype) or (isinstance(dtype, np.dtype)
                                                 and dtype.kind in "mM"):
        return ([None if m else v.isoformat() for v, m in zip(series, missing_mask)], name,
                None, None)
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        values = series.to_numpy().tolist()
        if dtype.kind == "f":
            values = [None if m else v for v, m in zip(values, missing_mask)]
        return values, name, None, None
    objects = series.astype(object).tolist()
    values = [None if m else _plain(v) for v, m in zip(objects, missing_mask)]
    missing = None
    if isinstance(dtype, np.dtype) and dtype == np.dtype(object) and missing_mask.any():
        kinds = {_missing_kind(v) for v, m in zip(objects, missing_mask) if m}
        missing = kinds.pop() if len(kinds) == 1 else "none"
    detail = None
    if isinstance(dtype, pd.CategoricalDtype):
        categories, categories_dtype, _, _ = _encode_series(pd.Series(dtype.categories))
        detail = json.dumps({"categories": categories, "categories_dtype": categories_dtype,
                             "ordered": bool(dtype.ordered)})
    return values, name, missing, detail


def _decode_values(values: list[Any], dtype_name: str, missing: str | None,
                   crs_wkt: str | None, detail: str | None = None) -> Any:
    """Inverse of :func:`_encode_series`: an array of the recorded dtype."""
    if dtype_name == "geometry":
        geoms = shapely.from_wkb(np.array(values, dtype=object))
        return gpd.GeoSeries(geoms, crs=CRS.from_wkt(crs_wkt) if crs_wkt else None)
    dtype = _pandas_dtype(dtype_name)
    if isinstance(dtype, pd.DatetimeTZDtype) or (isinstance(dtype, np.dtype)
                                                 and dtype.kind == "M"):
        stamps = pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601", utc=True)
        stamps = (stamps.dt.tz_convert(dtype.tz) if isinstance(dtype, pd.DatetimeTZDtype)
                  else stamps.dt.tz_localize(None))
        return stamps.astype(dtype).array
    if isinstance(dtype, np.dtype) and dtype.kind == "m":
        return pd.Series(pd.to_timedelta(pd.Series(values, dtype=object))).astype(dtype).array
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return np.array([np.nan if v is None else v for v in values], dtype=dtype)
    if isinstance(dtype, np.dtype) and dtype.kind == "b":
        return np.array([bool(v) for v in values], dtype=dtype)
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return np.array(values, dtype=dtype)
    if isinstance(dtype, pd.BooleanDtype):
        return pd.array([None if v is None else bool(v) for v in values], dtype=dtype)
    if isinstance(dtype, np.dtype) and dtype == np.dtype(object):
        marker = _MISSING.get(missing or "none")
        result = np.empty(len(values), dtype=object)
        result[:] = [marker if v is None else v for v in values]
        return result
    if isinstance(dtype, pd.CategoricalDtype):
        if detail is None:
            return pd.Categorical(pd.Series(values, dtype=object))
        described = json.loads(detail)
        categories = _as_series(_decode_values(described["categories"],
                                               described["categories_dtype"], None, None),
                                len(described["categories"]))
        return pd.Categorical(values, dtype=pd.CategoricalDtype(pd.Index(categories),
                                                                ordered=described["ordered"]))
    try:
        return pd.array(values, dtype=dtype)
    except (TypeError, ValueError):
        return np.array(values, dtype=object)


def _as_series(values: Any, n_rows: int) -> pd.Series:
    """A Series of exactly the dtype of `values` (pandas would infer ``str`` for objects)."""
    dtype = object if isinstance(values, np.ndarray) and values.dtype == object else None
    return pd.Series(values, index=pd.RangeIndex(n_rows), dtype=dtype, copy=False)


def _fits(series: pd.Series, values: list[Any], kind: str) -> bool:
    """Whether a column can go into a typed table column without any conversion by SQLite."""
    dtype = series.dtype
    if kind == "BLOB":
        return isinstance(dtype, GeometryDtype)
    if kind == "TEXT":
        return ((isinstance(dtype, pd.StringDtype) or dtype == np.dtype(object))
                and all(v is None or isinstance(v, str) for v in values))
    if kind == "REAL":
        return isinstance(dtype, np.dtype) and dtype.kind == "f"
    if kind == "INTEGER":
        if isinstance(dtype, np.dtype):
            return dtype.kind in "bi" or (dtype.kind == "u" and dtype.itemsize < 8)
        return isinstance(dtype, (pd.BooleanDtype, pd.Int64Dtype, pd.Int32Dtype,
                                  pd.Int16Dtype, pd.Int8Dtype))
    return False


def _plain(value: Any) -> Any:
    """A value SQLite can bind (numpy scalars unwrapped, anything exotic as text)."""
    if isinstance(value, (str, bytes, bool, int, float)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def _missing_kind(value: Any) -> str:
    if value is None:
        return "none"
    if value is pd.NA:
        return "na"
    if value is pd.NaT:
        return "nat"
    return "nan"


_MISSING: dict[str, Any] = {"none": None, "nan": np.nan, "na": pd.NA, "nat": pd.NaT}

# Keep M coordinates where shapely can (shapely >= 2.1), else X, Y and Z.
_WKB_DIMENSIONS = 4 if tuple(map(int, re.findall(r"\d+", shapely.__version__)[:2])) >= (2, 1) \
    else 3


def _pandas_dtype(name: str) -> Any:
    """The dtype a recorded dtype name stands for, tolerant of other pandas versions."""
    if name == "str":
        try:
            return pd.StringDtype(na_value=np.nan)
        except TypeError:  # pandas < 2.3 has no NaN-backed string dtype
            return np.dtype(object)
    try:
        return pd.api.types.pandas_dtype(name)
    except TypeError:
        return np.dtype(object)
