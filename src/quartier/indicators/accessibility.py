"""Accessibility per quarter: distance to the nearest facility, coverage and 2SFCA.

Distances are straight lines, or walking distances on a street network when one is passed
(:mod:`quartier.streets`); the formulas are the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from quartier.indicators.catchment import two_step_fca
from quartier.indicators.distance import (
    coverage_by_group,
    nearest_distance,
    weighted_median_by_group,
)

__all__ = ["accessibility_by_quarter", "cell_access", "combined_access_by_quarter",
           "unmet_people_by_group"]


def unmet_people_by_group(distances: np.ndarray, weights: np.ndarray, groups: np.ndarray,
                          max_distance: float) -> pd.Series:
    r"""Reference population farther than ``max_distance`` from the nearest facility, per group.

    Notes
    -----
    :math:`U_q = \sum_{i \in q,\, d_i > D} P_i` with :math:`d_i` the distance from cell *i* to
    its nearest facility and :math:`P_i` its reference population; the complement of the
    coverage: :math:`U_q = P_q (1 - C_q)`. Cells that reach no facility at all (infinite
    distance) count as unmet.

    Examples
    --------
    >>> unmet_people_by_group(np.array([100.0, 600.0, np.inf]), np.array([5.0, 7.0, 2.0]),
    ...                       np.array(["A", "A", "B"]), 500).to_dict()
    {'A': 7.0, 'B': 2.0}
    """
    beyond = ~(np.asarray(distances, dtype=float) <= max_distance)
    unmet = np.where(beyond, np.asarray(weights, dtype=float), 0.0)
    return pd.Series(unmet).groupby(np.asarray(groups)).sum()


def cell_access(cells: gpd.GeoDataFrame, demand: np.ndarray, facilities: gpd.GeoDataFrame, *,
                catchment: float, supply: np.ndarray, network: Any = None,
                context_cells: gpd.GeoDataFrame | None = None,
                context_demand: np.ndarray | None = None) -> np.ndarray:
    r"""2SFCA access :math:`A_i` of every cell, the context cells' demand included in step 1.

    Parameters
    ----------
    cells : GeoDataFrame
        Population surface (points).
    demand : ndarray
        Reference population per cell.
    facilities : GeoDataFrame
        The category's facilities.
    catchment : float
        :math:`d_0` of the 2SFCA.
    supply : ndarray
        :math:`S_j` per facility.
    network : quartier.streets.WalkingNetwork, optional
        Walking distances instead of the straight line.
    context_cells : GeoDataFrame, optional
        Residents outside every quarter near the study area
        (:func:`quartier.population.context_cells_from_grid`), same CRS as ``cells``.
    context_demand : ndarray, optional
        Their reference population (required with ``context_cells``).

    Returns
    -------
    ndarray
        :math:`A_i` of the cells, then of the context cells (length
        ``len(cells) + len(context_cells)``); NaN where a cell reaches no facility.

    Notes
    -----
    Step 1 runs over all demand in reach, inside and outside the quarters:
    :math:`R_j = S_j / \sum_{i \in Q \cup K,\, d_{ij} \le d_0} P_i` with *Q* the cells of
    the quarters and *K* the context cells; step 2 :math:`A_i = \sum_{j: d_{ij} \le d_0} R_j`.
    Hence :math:`\sum_{i \in Q \cup K} P_i A_i = \sum_j S_j` over the facilities with
    demand in reach, and a facility at the boundary shares its places with the neighbours too.
    Without context cells this is :func:`quartier.indicators.catchment.two_step_fca` on the
    cells.
    """
    points = cells.geometry.to_numpy()
    weights = np.asarray(demand, dtype=float)
    if context_cells is not None and len(context_cells):
        if context_demand is None or len(context_demand) != len(context_cells):
            raise ValueError("context_demand must give one value per context cell.")
        if context_cells.crs != cells.crs:
            raise ValueError(f"context_cells are in {context_cells.crs}, the cells in "
                             f"{cells.crs}; reproject them first.")
        points = np.concatenate([points, context_cells.geometry.to_numpy()])
        weights = np.concatenate([weights, np.asarray(context_demand, dtype=float)])
    demand_frame = gpd.GeoDataFrame({"demand": weights}, geometry=points, crs=cells.crs)
    supply_frame = gpd.GeoDataFrame({"supply": np.asarray(supply, dtype=float)},
                                    geometry=facilities.geometry.to_numpy(), crs=facilities.crs)
    if network is None:
        return two_step_fca(demand_frame, supply_frame, catchment, demand_column="demand",
                            supply_column="supply").to_numpy()
    from quartier.streets import network_two_step_fca

    return network_two_step_fca(demand_frame, supply_frame, network, catchment,
                                demand_column="demand", supply_column="supply").to_numpy()


def _nearest(cells: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame, network: Any) -> np.ndarray:
    """Distance from every cell to its nearest facility: straight line, or walked on ``network``
    (cells that reach none on the network get infinity: beyond any distance).
    """
    if len(facilities) == 0:
        return np.full(len(cells), np.inf)
    if network is None:
        return nearest_distance(cells.geometry, facilities.geometry)
    from quartier.streets import network_nearest_distance

    walked = network_nearest_distance(cells.geometry, facilities.geometry, network)
    return np.where(np.isnan(walked), np.inf, walked)


def combined_access_by_quarter(cells: gpd.GeoDataFrame, demand: np.ndarray,
                               facilities: gpd.GeoDataFrame, members: Mapping[str, float], *,
                               member: np.ndarray, supply: np.ndarray, network: Any = None,
                               context_cells: gpd.GeoDataFrame | None = None,
                               context_demand: np.ndarray | None = None) -> pd.DataFrame:
    r"""Access to any of several kinds of facility, each within its own distance, per quarter.

    The combined standard of ``combined_of`` (:func:`quartier.catalogue.combined_members`),
    e.g. public transport: a bus or tram stop within 300 m *or* a rail station within 600 m.

    Parameters
    ----------
    cells : GeoDataFrame
        Population surface (points with ``quarter_id``).
    demand : ndarray
        Reference population per cell.
    facilities : GeoDataFrame
        The facilities of all member categories.
    members : mapping of str to float
        Member category → its distance :math:`D_m` (m).
    member : ndarray
        The member category of each facility (aligned with ``facilities``); facilities of
        other categories are ignored.
    supply : ndarray
        :math:`S_j` per facility (capacity or 1).
    network, context_cells, context_demand : optional
        As in :func:`accessibility_by_quarter`.

    Returns
    -------
    DataFrame
        Indexed by ``quarter_id``: ``median_distance`` (m, to the nearest facility of any
        member), ``coverage`` (%), ``fca_access`` (per 1,000) and ``unmet_people``.

    Notes
    -----
    With :math:`d_{i,m}` the distance from cell *i* to the nearest facility of member *m*, the
    cell has access when :math:`\exists m: d_{i,m} \le D_m`. Per quarter *q*, with
    :math:`P_i` the reference population of cell *i*:

    .. math:: U_q = \sum_{i \in q} P_i [orall m: d_{i,m} > D_m], \qquad
              C_q = 100 \cdot (1 - U_q / P_q)

    — the same cell sums as :func:`unmet_people_by_group` and
    :func:`quartier.indicators.distance.coverage_by_group`, on the combined access.
    ``fca_access`` is the 2SFCA with each facility's catchment the distance of its member,
    which is the sum of the members' own 2SFCA (:func:`cell_access`):
    :math:`A_i = \sum_m A_{i,m}`.

    Examples
    --------
    >>> import shapely
    >>> cells = gpd.GeoDataFrame({"quarter_id": ["A", "A", "A"]}, crs="EPSG:25832",
    ...     geometry=shapely.points([(0, 0), (500, 0), (1000, 0)]))
    >>> stops = gpd.GeoDataFrame(geometry=shapely.points([(0, 250), (1000, 550)]),
    ...                          crs="EPSG:25832")
    >>> out = combined_access_by_quarter(cells, np.array([10.0, 20.0, 30.0]), stops,
    ...     {"bus": 300.0, "rail": 600.0}, member=np.array(["bus", "rail"]),
    ...     supply=np.ones(2))
    >>> round(float(out.loc["A", "coverage"]), 2), float(out.loc["A", "unmet_people"])
    (66.67, 20.0)
    """
    groups = cells["quarter_id"].to_numpy()
    weights = np.asarray(demand, dtype=float)
    member = np.asarray(member)
    supply = np.asarray(supply, dtype=float)
    nearest = np.full(len(cells), np.inf)
    reached = np.zeros(len(cells), dtype=bool)
    access = np.zeros(len(cells))
    for key, distance in members.items():
        own = member == key
        if not own.any():
            continue
        distances = _nearest(cells, facilities[own], network)
        nearest = np.minimum(nearest, distances)
        reached |= distances <= distance
        part = cell_access(cells, weights, facilities[own], catchment=float(distance),
                           supply=supply[own], network=network, context_cells=context_cells,
                           context_demand=context_demand)[:len(cells)]
        access += np.where(np.isfinite(part), part, 0.0)
    quarters = pd.Index(pd.unique(groups), name="quarter_id")
    totals = pd.Series(weights).groupby(groups).sum()
    unmet = pd.Series(np.where(reached, 0.0, weights)).groupby(groups).sum()
    result = pd.DataFrame(index=quarters)
    result["median_distance"] = (weighted_median_by_group(nearest, weights, groups)
                                 if np.isfinite(nearest).any() else np.nan)
    result["coverage"] = 100 * (1 - unmet / totals.where(totals > 0))
    result["unmet_people"] = unmet
    result["fca_access"] = pd.Series(access * weights).groupby(groups).sum() \
        / totals.where(totals > 0) * 1000
    return result


def accessibility_by_quarter(cells: gpd.GeoDataFrame, demand: np.ndarray,
                             facilities: gpd.GeoDataFrame, *, max_distance: float | None,
                             catchment: float, supply: np.ndarray, network: Any = None,
                             context_cells: gpd.GeoDataFrame | None = None,
                             context_demand: np.ndarray | None = None) -> pd.DataFrame:
    """Distance, coverage and floating-catchment access of one category, per quarter.

    Parameters
    ----------
    cells : GeoDataFrame
        Population surface (points with ``quarter_id``).
    demand : ndarray
        Reference population per cell.
    facilities : GeoDataFrame
        The category's facilities (all of them, also outside the quarters: they serve
        neighbours).
    max_distance : float or None
        The standard's distance D for coverage; None → coverage is NaN.
    catchment : float
        d0 of the 2SFCA.
    supply : ndarray
        S_j per facility (capacity or 1).
    network : quartier.streets.WalkingNetwork, optional
        With a network, every distance is the walking distance on it
        (:func:`quartier.streets.network_nearest_distance`,
        :func:`quartier.streets.network_two_step_fca`; cells that reach no facility on the
        network count as beyond every distance); without, the straight line.
    context_cells, context_demand : optional
        Residents outside every quarter within ``[indicators] context_buffer_m`` of the study
        area and their reference population (:func:`cell_access`): they share the facilities'
        places in step 1 of the 2SFCA but enter no quarter's figures (distance, coverage,
        unmet people and the mean access are over ``cells`` only).

    Returns
    -------
    DataFrame
        Indexed by ``quarter_id``: ``median_distance`` (m), ``coverage`` (%), ``fca_access``
        (per 1,000) and ``unmet_people`` (reference population beyond ``max_distance``,
        :func:`unmet_people_by_group`; NaN without a distance). See
        :mod:`quartier.indicators.registry` for the formulas.
    """
    groups = cells["quarter_id"].to_numpy()
    weights = np.asarray(demand, dtype=float)
    quarters = pd.Index(pd.unique(groups), name="quarter_id")
    result = pd.DataFrame(index=quarters)
    if len(facilities) == 0:
        result["median_distance"] = np.nan
        result["coverage"] = 0.0 if max_distance is not None else np.nan
        result["fca_access"] = 0.0
        result["unmet_people"] = (pd.Series(weights).groupby(groups).sum()
                                  if max_distance is not None else np.nan)
        return result
    distances = _nearest(cells, facilities, network)
    result["median_distance"] = weighted_median_by_group(distances, weights, groups)
    result["coverage"] = (coverage_by_group(distances, weights, groups, max_distance) * 100
                          if max_distance is not None else np.nan)
    result["unmet_people"] = (unmet_people_by_group(distances, weights, groups, max_distance)
                              if max_distance is not None else np.nan)
    access = cell_access(cells, weights, facilities, catchment=catchment, supply=supply,
                         network=network, context_cells=context_cells,
                         context_demand=context_demand)[:len(cells)]
    # NaN: the cell reaches no facility (counts as 0); inf only arises at cells without
    # demand (R_j = S_j / 0), whose weight is 0 anyway
    reached = np.where(np.isfinite(access), access, 0.0)
    weighted = pd.Series(reached * weights).groupby(groups).sum()
    totals = pd.Series(weights).groupby(groups).sum()
    result["fca_access"] = (weighted / totals.where(totals > 0)) * 1000
    return result
