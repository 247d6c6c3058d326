"""The work of one partition in the dask indicators: neighbour searches on arrays, and tasks.

Each task takes one partition of the cells (a GeoDataFrame) and the facility coordinates shared
with every worker, and returns a small frame; :mod:`quartier.scale.dask_indicators` maps them
over the partitions and adds up their results. The tasks are module-level functions so that
worker processes can import them. Within a task the neighbour search runs over chunks of
:data:`CHUNK` cells, so its memory is bounded by its partition plus the pairs of one chunk.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from quartier.indicators.catchment import Decay, column_values, decay_weights, pairs_within
from quartier.indicators.distance import (
    group_codes,
    nearest_distance,
    point_coordinates,
    weighted_median_by_group,
)
from quartier.scale.partition import POSITION, facilities_in_reach, point_bounds

__all__ = ["CHUNK", "GROUP", "SUMS", "access_task", "demand_in_reach", "demand_task",
           "labels_task", "nearest_task", "population_task", "quarter_task", "split_rows_task"]

#: Cells per neighbour search inside one partition (bounds the pairs held at once).
CHUNK = 25_000
#: The column naming each cell's quarter.
GROUP = "quarter_id"


def _nearest_with_halo(xy: np.ndarray, facility_xy: np.ndarray, halo: float) -> np.ndarray:
    """Exact distance to the nearest facility for the points of one partition.

    First the facilities within the points' bounding box widened by ``halo``; a point whose
    nearest one found lies within ``halo`` is done (every facility left out is farther than
    ``halo``). The others are searched again among the facilities within their own bounding box
    widened by the largest distance found for them (all facilities if one found none).
    """
    n = len(xy)
    if n == 0 or len(facility_xy) == 0:
        return np.full(n, np.inf, dtype=np.float64)
    near = facilities_in_reach(point_bounds(xy), facility_xy, halo)
    distance = nearest_distance(xy, facility_xy[near], workers=1)
    unsure = ~(distance <= halo)
    if unsure.any():
        rest = xy[unsure]
        reach = float(distance[unsure].max())  # inf when some point found no facility at all
        wider = facilities_in_reach(point_bounds(rest), facility_xy, reach)
        distance[unsure] = nearest_distance(rest, facility_xy[wider], workers=1)
    return distance


def _chunks(n: int) -> range:
    return range(0, n, CHUNK)


def _sum_by(codes: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """Sum of ``weights`` per code 0..n-1, always float64 (np.bincount of nothing gives int)."""
    return np.bincount(codes, weights=weights, minlength=n).astype(np.float64, copy=False)


def demand_in_reach(xy: np.ndarray, population: np.ndarray, facility_xy: np.ndarray,
                    max_distance: float, decay: Decay | None) -> np.ndarray:
    """Pass 1 on one partition: sum of w(d_ij) P_i over its cells i, for every facility j."""
    totals = np.zeros(len(facility_xy), dtype=np.float64)
    for start in _chunks(len(xy)):
        block = xy[start:start + CHUNK]
        near = facilities_in_reach(point_bounds(block), facility_xy, max_distance)
        if len(near) == 0:
            continue
        i, j, d = pairs_within(block, facility_xy[near], max_distance, workers=1)
        weight = decay_weights(d, decay)
        totals[near] += _sum_by(j, weight * population[start + i], len(near))
    return totals


def _access(xy: np.ndarray, facility_xy: np.ndarray, ratio: np.ndarray, max_distance: float,
            decay: Decay | None) -> np.ndarray:
    """Pass 2 on one partition: A_i = sum of w(d_ij) R_j, with the conventions of two_step_fca."""
    access = np.full(len(xy), np.nan, dtype=np.float64)
    for start in _chunks(len(xy)):
        block = xy[start:start + CHUNK]
        near = facilities_in_reach(point_bounds(block), facility_xy, max_distance)
        if len(near) == 0:
            continue  # no facility in reach: NaN
        i, j, d = pairs_within(block, facility_xy[near], max_distance, workers=1)
        weight = decay_weights(d, decay)
        r = ratio[near]
        finite = np.isfinite(r)
        m = len(block)
        # NaN ratios (S = 0 over no demand) are skipped, an infinite one makes A_i infinite
        value = _sum_by(i, weight * np.where(finite, r, 0.0)[j], m)
        if not finite.all():
            infinite = np.isposinf(r)
            if infinite.any():
                hits = _sum_by(i, weight * infinite[j], m)
                value[hits > 0] = np.inf
        value[np.bincount(i, minlength=m) == 0] = np.nan
        access[start:start + m] = value
    return access


# --------------------------------------------------------------------------------------------
# tasks (one call per partition)
# --------------------------------------------------------------------------------------------


def _cell_xy(part: gpd.GeoDataFrame) -> np.ndarray:
    return point_coordinates(part.geometry, "cells")[0]


def _result_index(part: gpd.GeoDataFrame, by_position: bool) -> pd.Index:
    return pd.Index(part[POSITION].to_numpy(dtype=np.int64)) if by_position else part.index


def nearest_task(part: gpd.GeoDataFrame, facility_xy: np.ndarray, halo: float,
                 by_position: bool) -> pd.Series:
    """Distance to the nearest facility for the cells of one partition."""
    distance = _nearest_with_halo(_cell_xy(part), facility_xy, halo)
    return pd.Series(distance, index=_result_index(part, by_position), name="distance")


def demand_task(part: gpd.GeoDataFrame, column: str, facility_xy: np.ndarray,
                max_distance: float, decay: Decay | None) -> pd.DataFrame:
    """Pass 1 of the 2SFCA on one partition: demand in reach per touched facility."""
    population = column_values(part, column, "demand")
    totals = demand_in_reach(_cell_xy(part), population, facility_xy, max_distance, decay)
    touched = np.flatnonzero(totals)
    return pd.DataFrame({"facility": touched.astype(np.int64), "demand": totals[touched]})


def access_task(part: gpd.GeoDataFrame, facility_xy: np.ndarray, ratio: np.ndarray,
                max_distance: float, decay: Decay | None, by_position: bool) -> pd.Series:
    """Pass 2 of the 2SFCA on one partition: the access of its cells."""
    access = _access(_cell_xy(part), facility_xy, ratio, max_distance, decay)
    return pd.Series(access, index=_result_index(part, by_position), name="access")


SUMS = ["total", "covered", "weighted"]


def quarter_task(part: gpd.GeoDataFrame, column: str, facility_xy: np.ndarray,
                 ratio: np.ndarray, catchment: float, max_distance: float | None,
                 halo: float) -> pd.DataFrame:
    """Per quarter of one partition: weight, covered weight, weighted access and the median."""
    xy = _cell_xy(part)
    weights = column_values(part, column, "cells")
    groups = part[GROUP]
    distance = _nearest_with_halo(xy, facility_xy, halo)
    access = _access(xy, facility_xy, ratio, catchment, None)
    codes, labels = group_codes(groups, len(part))
    keep = codes >= 0
    n_groups = len(labels)
    c = codes[keep]
    total = _sum_by(c, weights[keep], n_groups)
    covered = (_sum_by(c, np.where(distance <= max_distance, weights, 0.0)[keep], n_groups)
               if max_distance is not None else np.zeros(n_groups))
    reached = np.where(np.isfinite(access), access, 0.0)
    weighted = _sum_by(c, (reached * weights)[keep], n_groups)
    median = weighted_median_by_group(distance, weights, groups).to_numpy()
    return pd.DataFrame({GROUP: labels.to_numpy(), "total": total, "covered": covered,
                         "weighted": weighted, "median": median})


def population_task(part: gpd.GeoDataFrame, column: str) -> pd.DataFrame:
    """Reference population per quarter of one partition."""
    weights = column_values(part, column, "cells")
    totals = pd.Series(weights).groupby(part[GROUP].to_numpy(), sort=False).sum()
    return pd.DataFrame({GROUP: totals.index.to_numpy(), "total": totals.to_numpy()})


def split_rows_task(part: gpd.GeoDataFrame, column: str, facility_xy: np.ndarray, halo: float,
                    labels: list[Any]) -> pd.DataFrame:
    """Distance and weight of the cells of the given quarters (those that straddle partitions)."""
    rows = part[part[GROUP].isin(labels)]
    distance = _nearest_with_halo(_cell_xy(rows), facility_xy, halo)
    return pd.DataFrame({GROUP: rows[GROUP].to_numpy(), "distance": distance,
                         "weight": rows[column].to_numpy(dtype=np.float64)})


def labels_task(part: gpd.GeoDataFrame) -> pd.DataFrame:
    """The quarters of one partition, in order of first appearance."""
    return pd.DataFrame({GROUP: pd.unique(part[GROUP].to_numpy())})
