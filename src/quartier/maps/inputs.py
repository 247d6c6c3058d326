"""Checks of the inputs of the static maps, and values aligned to the quarters.

Every static map checks its quarters (:func:`check_quarters`: a GeoDataFrame with
``quarter_id`` in a projected CRS in metres) and facilities (:func:`check_facilities`) first;
:func:`align_to_quarters` puts a value per quarter into the order of the quarters for the
static and the interactive maps alike.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

__all__ = ["align_to_quarters", "check_facilities", "check_quarters", "quarter_values"]


def check_quarters(quarters: gpd.GeoDataFrame) -> None:
    """Raise TypeError or ValueError unless ``quarters`` can be drawn on a metric map."""
    if not isinstance(quarters, gpd.GeoDataFrame):
        raise TypeError(f"quarters must be a GeoDataFrame, not {type(quarters).__name__}")
    if "quarter_id" not in quarters.columns:
        raise ValueError("quarters need a 'quarter_id' column")
    crs = quarters.crs
    if crs is None:
        raise ValueError("quarters have no CRS; set it (quarters.set_crs(…)) and reproject to "
                         "a metric CRS such as EPSG:25832")
    if crs.is_geographic or not crs.is_projected:
        raise ValueError(f"quarters are in a geographic CRS ({crs.to_string()}); maps need a "
                         "projected CRS in metres: quarters.to_crs('EPSG:25832') (or 25833)")
    units = {axis.unit_name for axis in crs.axis_info}
    if not units <= {"metre", "meter", "m"}:
        raise ValueError(f"the CRS of quarters ({crs.to_string()}) is not in metres but "
                         f"{', '.join(sorted(units))}; reproject to a metric CRS")
    if quarters.geometry.isna().all() or quarters.geometry.is_empty.all():
        raise ValueError("quarters have no geometry to draw")


def check_facilities(facilities: gpd.GeoDataFrame, quarters: gpd.GeoDataFrame) -> None:
    """Raise unless ``facilities`` are a GeoDataFrame in the CRS of ``quarters`` (or in none)."""
    if not isinstance(facilities, gpd.GeoDataFrame):
        raise TypeError(f"facilities must be a GeoDataFrame, not {type(facilities).__name__}")
    if facilities.crs is not None and facilities.crs != quarters.crs:
        raise ValueError(f"facilities are in {facilities.crs.to_string()}, quarters in "
                         f"{quarters.crs.to_string()}; reproject first: "
                         "facilities.to_crs(quarters.crs)")


def align_to_quarters(values: pd.Series, ids: np.ndarray | Sequence[str], name: str
                      ) -> pd.Series:
    """``values`` reordered to the quarter ids ``ids`` (text), NaN where a quarter has none.

    Shared by the static and the interactive maps. Raises TypeError for a non-Series and
    ValueError for duplicate labels or an index that matches no quarter id at all (a series
    indexed 0…n−1 instead of by ``quarter_id`` is the usual mistake).
    """
    if not isinstance(values, pd.Series):
        raise TypeError(f"{name} must be a pandas Series indexed by quarter_id, "
                        f"not {type(values).__name__}")
    if values.index.has_duplicates:
        doubled = values.index[values.index.duplicated()].unique()[:5]
        raise ValueError(f"{name} has several entries for quarter(s) "
                         f"{', '.join(map(str, doubled))}; give one value per quarter_id")
    index = values.index.astype(str)
    if len(values) and not index.isin(ids).any():
        example = ", ".join(map(repr, values.index[:3]))
        raise ValueError(f"none of the index labels of {name} ({example}, …) is a quarter_id; "
                         "index the series by quarter_id (text), e.g. "
                         "table.set_index('quarter_id')['value']")
    return pd.Series(values.to_numpy(), index=index).reindex(ids)


def quarter_values(values: pd.Series, quarters: gpd.GeoDataFrame, name: str) -> pd.Series:
    """``values`` in the order of ``quarters`` (see :func:`align_to_quarters`)."""
    return align_to_quarters(values, quarters["quarter_id"].astype(str).to_numpy(), name)
