"""Grid-based accessibility indicators on a dask cluster, equal to the single-machine results.

The functions here compute what :func:`quartier.indicators.distance.nearest_distance`,
:func:`quartier.indicators.catchment.two_step_fca` and
:func:`quartier.indicators.accessibility.accessibility_by_quarter` compute, but on the spatial
partitions of the cells (:func:`quartier.scale.partition.partition_cells`), one task per
partition, with dask and dask-geopandas. The facilities (small: at most some 10^5 points) are
sent once to every worker; each task picks those within its partition's bounding box widened by
a halo and never sees another partition's cells, nor a whole distance matrix. Within a task the
neighbour search runs over chunks of 25,000 cells, so a task's memory is bounded by its
partition plus the pairs of one chunk.

Exactness, per indicator (proofs in the Notes of each function):

- **nearest distance**: the search in the partition's box plus a halo :math:`h` is exact for
  every cell whose nearest found facility lies within :math:`h`; for the others (nearest facility
  far away, or none in the box), a second search in a box widened by the largest distance found
  makes it exact. No cell is ever left with an approximate distance.
- **2SFCA**: two passes over the cell partitions with a halo of the catchment :math:`d_0`. Pass 1
  sums, per partition, the weighted demand :math:`\\sum_i w(d_{ij}) P_i` reaching each facility
  :math:`j`; the partial sums of all partitions are added up (a facility's demand can come from
  several partitions), giving :math:`R_j`. Pass 2 computes :math:`A_i = \\sum_j w(d_{ij}) R_j`
  per partition. Every pair within :math:`d_0` is found exactly once, so the result equals
  :func:`~quartier.indicators.catchment.two_step_fca` up to the order of floating-point
  additions (about :math:`10^{-15}` relative).
- **coverage and median per quarter**: the cells are partitioned *by quarter*
  (``partition_cells(..., by="quarter_id")``), so a quarter lies in one partition and its sums
  and its weighted median are computed there, in full, in the input order of its cells. If a
  quarter does straddle partitions (a dask frame partitioned otherwise), its sums are added
  across partitions (exact up to rounding) and its median is computed from the distances of that
  quarter's cells, gathered in a second, small pass (only the straddling quarters).

The work of one partition is in :mod:`quartier.scale.partition_tasks`, scheduling and argument
checks in :mod:`quartier.scale.scheduling`.

Scheduling: pass ``client`` (a :class:`distributed.Client`) or leave it None to use the current
default client, or dask's local threaded scheduler when there is none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from quartier.indicators.catchment import Decay, column_values
from quartier.indicators.distance import (
    as_weights,
    check_same_crs,
    point_coordinates,
    weighted_median_by_group,
)
from quartier.scale.partition import (
    PARTITION_SIZE,
    is_dask_frame,
    partition_cells,
    require_dask,
)
from quartier.scale.partition_tasks import (
    GROUP,
    SUMS,
    access_task,
    demand_in_reach,
    demand_task,
    labels_task,
    nearest_task,
    population_task,
    quarter_task,
    split_rows_task,
)
from quartier.scale.scheduling import (
    check_dask_cells,
    check_partition_arguments,
    compute,
    default_halo,
    distance_argument,
    share_with_workers,
)

if TYPE_CHECKING:  # pragma: no cover
    import dask.dataframe as dd
    import dask_geopandas
    from distributed import Client

__all__ = [
    "accessibility_by_quarter_dask",
    "nearest_distance_dask",
    "two_step_fca_dask",
]

_DEMAND = "_quartier_demand"




def nearest_distance_dask(cells: gpd.GeoDataFrame | gpd.GeoSeries | dask_geopandas.GeoDataFrame,
                          facilities: Any, *, halo: float | None = None,
                          npartitions: int | None = None,
                          partition_size: int = PARTITION_SIZE,
                          client: Client | None = None) -> np.ndarray | dd.Series:
    """Straight-line distance from each cell to the nearest facility, on dask partitions.

    Parameters
    ----------
    cells : GeoDataFrame, GeoSeries or dask_geopandas.GeoDataFrame
        Cell points in a projected metric CRS. A GeoDataFrame/GeoSeries is partitioned here
        with :func:`~quartier.scale.partition.partition_cells`; a dask-geopandas frame is used
        with its own partitions (spatially compact ones, e.g. from ``partition_cells`` or
        ``spatial_shuffle``, make it fast; any partitioning gives the exact result).
    facilities : GeoDataFrame, GeoSeries or array of shape (m, 2)
        Facility points, in the CRS of the cells; sent whole to every worker.
    halo : float or None
        Distance (m) around each partition within which facilities are searched first; None:
        twice the mean facility spacing, at least 1,000 m. Only the speed depends on it.
    npartitions, partition_size
        Partitioning of a GeoDataFrame input, see
        :func:`~quartier.scale.partition.partition_cells`.
    client : distributed.Client or None
        Cluster to run on; None: the current default client, else dask's threaded scheduler.

    Returns
    -------
    ndarray of float64 or dask Series
        For a GeoDataFrame/GeoSeries: the distances in the order of ``cells`` (computed now);
        ``inf`` for every cell when there is no facility. For a dask-geopandas frame: a lazy
        dask Series with the partitions and index of ``cells``.

    Notes
    -----
    Equal to :func:`quartier.indicators.distance.nearest_distance`. For a partition with
    bounding box :math:`B` and halo :math:`h`, let :math:`F_h` be the facilities in :math:`B`
    widened by :math:`h`, and :math:`\\hat d_i = \\min_{j \\in F_h} d_{ij}`. Every facility not in
    :math:`F_h` is farther than :math:`h` from every cell in :math:`B`, so

    .. math:: \\hat d_i \\le h \\implies \\hat d_i = d_i = \\min_j d_{ij}.

    The cells :math:`U = \\{i : \\hat d_i > h\\}` are searched again among the facilities in the
    bounding box of :math:`U` widened by :math:`r = \\max_{i \\in U} \\hat d_i` (all facilities
    if :math:`r = \\infty`): any facility nearer to :math:`i \\in U` than :math:`\\hat d_i \\le r`
    lies in that box, so the second search is exact. The distance is computed from the
    coordinates as in ``nearest_distance``, so both give the same float64 values.

    Examples
    --------
    >>> from distributed import Client, LocalCluster  # doctest: +SKIP
    >>> client = Client(LocalCluster(n_workers=2, threads_per_worker=1))  # doctest: +SKIP
    >>> d = nearest_distance_dask(cells, kitas, client=client)  # doctest: +SKIP
    """
    require_dask()
    check_partition_arguments(npartitions, partition_size)
    facility_xy, facility_crs = point_coordinates(facilities, "facilities")
    halo = default_halo(facility_xy) if halo is None else distance_argument(halo, "halo")
    if is_dask_frame(cells):
        check_dask_cells(cells, [], "cells")
        if isinstance(facilities, gpd.GeoDataFrame | gpd.GeoSeries):
            check_same_crs(cells.crs, facility_crs, "cells", "facilities")
        frame, by_position = cells, False
    else:
        if not isinstance(cells, gpd.GeoDataFrame | gpd.GeoSeries):
            raise TypeError("cells must be a GeoDataFrame, a GeoSeries or a "
                            f"dask_geopandas.GeoDataFrame of points, not {type(cells).__name__}.")
        _, cell_crs = point_coordinates(cells, "cells")
        if isinstance(facilities, gpd.GeoDataFrame | gpd.GeoSeries):
            check_same_crs(cell_crs, facility_crs, "cells", "facilities")
        if len(cells) == 0:
            return np.empty(0, dtype=np.float64)
        points = gpd.GeoDataFrame(geometry=cells.geometry.to_numpy(), crs=cells.crs)
        frame = partition_cells(points, npartitions=npartitions, partition_size=partition_size,
                                client=client)
        by_position = True
    result = frame.map_partitions(nearest_task, share_with_workers(facility_xy, client), halo,
                                  by_position, meta=pd.Series(dtype=np.float64, name="distance"))
    if not by_position:
        return result
    (found,) = compute(client, result)
    distance = np.empty(len(cells), dtype=np.float64)
    distance[found.index.to_numpy()] = found.to_numpy()
    return distance


def _facility_ratios(frame: Any, column: str, shared_xy: Any, capacity: np.ndarray,
                     max_distance: float, decay: Decay | None, client: Client | None,
                     extra_demand: np.ndarray | None = None) -> np.ndarray:
    """Step 1 of the 2SFCA over all partitions: R_j = S_j / sum_i w(d_ij) P_i.

    ``extra_demand`` (per facility) is added to the partitions' sums: the demand of residents
    outside the quarters.
    """
    partial = frame.map_partitions(
        demand_task, column, shared_xy, max_distance, decay,
        meta=pd.DataFrame({"facility": pd.Series(dtype=np.int64),
                           "demand": pd.Series(dtype=np.float64)}))
    # the partial sums are small (facilities touched per partition): added up here
    (found,) = compute(client, partial)
    demand = np.zeros(len(capacity), dtype=np.float64)
    np.add.at(demand, found["facility"].to_numpy(dtype=np.int64),
              found["demand"].to_numpy(dtype=np.float64))
    if extra_demand is not None:
        demand += extra_demand
    with np.errstate(divide="ignore", invalid="ignore"):
        return capacity / demand  # S/0 -> inf (S > 0) or NaN (S = 0), as in two_step_fca


def two_step_fca_dask(demand: gpd.GeoDataFrame | dask_geopandas.GeoDataFrame,
                      supply: gpd.GeoDataFrame, max_distance: float, *, demand_column: str,
                      supply_column: str | None = None, decay: Decay | None = None,
                      npartitions: int | None = None, partition_size: int = PARTITION_SIZE,
                      client: Client | None = None) -> pd.Series | dd.Series:
    """Two-step floating catchment accessibility (2SFCA, E2SFCA with a decay) on dask partitions.

    Parameters
    ----------
    demand : GeoDataFrame or dask_geopandas.GeoDataFrame
        Demand locations (points) with the column ``demand_column``. A GeoDataFrame is
        partitioned here (:func:`~quartier.scale.partition.partition_cells`) and kept on the
        cluster for both passes; a dask-geopandas frame is used as it is (persist it first if
        reading it twice is expensive).
    supply : GeoDataFrame
        Facilities as points, in the CRS of ``demand``; sent whole to every worker.
    max_distance : float
        Catchment cut-off :math:`d_0` in metres, inclusive; also the halo of each partition.
    demand_column, supply_column, decay
        As in :func:`quartier.indicators.catchment.two_step_fca`. ``decay`` must be picklable
        for a cluster of processes (the functions of ``quartier.indicators.catchment`` are).
    npartitions, partition_size
        Partitioning of a GeoDataFrame input.
    client : distributed.Client or None
        Cluster to run on; None: the current default client, else dask's threaded scheduler.

    Returns
    -------
    Series of float64 or dask Series
        :math:`A_i` named ``"access"``: for a GeoDataFrame, indexed like ``demand`` (computed
        now); for a dask-geopandas frame, a lazy dask Series with its partitions and index
        (step 1 runs now, step 2 when the series is computed).

    Notes
    -----
    Equal to :func:`quartier.indicators.catchment.two_step_fca` (same conventions for
    unreached locations, :math:`S_j / 0` and the inclusive cut-off), up to the order of
    floating-point additions. With partitions :math:`p` of the demand locations:

    pass 1, in each partition :math:`p`, over the facilities within its bounding box widened by
    :math:`d_0`, then added up over the partitions:

    .. math:: D_j = \\sum_p \\sum_{i \\in p,\\ d_{ij} \\le d_0} w(d_{ij}) P_i, \\qquad
              R_j = S_j / D_j

    pass 2, in each partition, with the same facilities and the vector :math:`R` sent to every
    worker:

    .. math:: A_i = \\sum_{j:\\ d_{ij} \\le d_0} w(d_{ij}) R_j

    A facility within :math:`d_0` of a location lies in its partition's box widened by
    :math:`d_0`, so each pair in reach is found in exactly one partition (that of the location),
    with the same float64 distance as the single-machine search. Memory per task: the partition
    plus 16 bytes per pair of a chunk of 25,000 locations; between the passes only vectors of
    length :math:`m` (facilities) move.

    Examples
    --------
    >>> access = two_step_fca_dask(cells, kitas, 1000, demand_column="age_0_5",
    ...                            supply_column="capacity")  # doctest: +SKIP
    """
    require_dask()
    check_partition_arguments(npartitions, partition_size)
    d0 = distance_argument(max_distance, "max_distance")
    if decay is not None and not callable(decay):
        raise TypeError("decay must be None or a callable w(distances) -> weights.")
    if not isinstance(supply, gpd.GeoDataFrame):
        raise TypeError("supply must be a GeoDataFrame of points.")
    supply_xy, supply_crs = point_coordinates(supply, "supply")
    capacity = column_values(supply, supply_column, "supply")
    if is_dask_frame(demand):
        check_dask_cells(demand, [demand_column], "demand")
        check_same_crs(demand.crs, supply_crs, "demand", "supply")
        frame = demand[[demand_column, demand.geometry.name]]
        column, by_position = demand_column, False
    else:
        if not isinstance(demand, gpd.GeoDataFrame):
            raise TypeError("demand and supply must be GeoDataFrames of points (demand may be a "
                            "dask_geopandas.GeoDataFrame).")
        _, demand_crs = point_coordinates(demand, "demand")
        check_same_crs(demand_crs, supply_crs, "demand", "supply")
        population = column_values(demand, demand_column, "demand")
        if len(demand) == 0:
            return pd.Series(np.empty(0), index=demand.index, name="access", dtype=np.float64)
        points = gpd.GeoDataFrame({_DEMAND: population}, geometry=demand.geometry.to_numpy(),
                                  crs=demand.crs)
        frame = partition_cells(points, npartitions=npartitions,
                                partition_size=partition_size, client=client)
        column, by_position = _DEMAND, True
    shared_xy = share_with_workers(supply_xy, client)
    ratio = _facility_ratios(frame, column, shared_xy, capacity, d0, decay, client)
    access = frame.map_partitions(access_task, shared_xy, share_with_workers(ratio, client), d0,
                                  decay, by_position,
                                  meta=pd.Series(dtype=np.float64, name="access"))
    if not by_position:
        return access
    (found,) = compute(client, access)
    values = np.empty(len(demand), dtype=np.float64)
    values[found.index.to_numpy()] = found.to_numpy()
    return pd.Series(values, index=demand.index, name="access", dtype=np.float64)


def accessibility_by_quarter_dask(cells: gpd.GeoDataFrame | dask_geopandas.GeoDataFrame,
                                  demand: np.ndarray | str, facilities: gpd.GeoDataFrame, *,
                                  max_distance: float | None, catchment: float,
                                  supply: np.ndarray, npartitions: int | None = None,
                                  partition_size: int = PARTITION_SIZE,
                                  client: Client | None = None,
                                  context_cells: gpd.GeoDataFrame | None = None,
                                  context_demand: np.ndarray | None = None) -> pd.DataFrame:
    """Distance, coverage and 2SFCA access of one category per quarter, on dask partitions.

    The dask counterpart of :func:`quartier.indicators.accessibility.accessibility_by_quarter`,
    with the same arguments and the same result.

    Parameters
    ----------
    cells : GeoDataFrame or dask_geopandas.GeoDataFrame
        Population surface: points with ``quarter_id``. A GeoDataFrame is partitioned here by
        quarter (``partition_cells(..., by="quarter_id")``) and kept on the cluster during the
        call; a dask-geopandas frame is used as it is (best partitioned by quarter with
        :func:`~quartier.scale.partition.partition_cells` and persisted, when several
        categories are computed on it).
    demand : ndarray or str
        Reference population per cell (an array aligned with a GeoDataFrame), or the name of
        the column holding it (needed for a dask-geopandas frame).
    facilities : GeoDataFrame
        The category's facilities (all of them, also outside the quarters).
    max_distance : float or None
        The standard's distance D for coverage; None → coverage is NaN.
    catchment : float
        d0 of the 2SFCA.
    supply : ndarray
        S_j per facility (capacity or 1).
    npartitions, partition_size
        Partitioning of a GeoDataFrame input.
    client : distributed.Client or None
        Cluster to run on; None: the current default client, else dask's threaded scheduler.
    context_cells, context_demand : optional
        Residents outside every quarter near the study area and their reference population,
        as in :func:`~quartier.indicators.accessibility.accessibility_by_quarter`: their demand
        enters pass 1 (computed on the client), no quarter's figures.

    Returns
    -------
    DataFrame
        Indexed by ``quarter_id`` (in order of first appearance: in ``cells`` for a
        GeoDataFrame, in partition order for a dask frame): ``median_distance`` (m),
        ``coverage`` (%), ``fca_access`` (per 1,000) and ``unmet_people`` (reference
        population beyond ``max_distance``; NaN without it).

    Notes
    -----
    Each partition computes, for each of its quarters :math:`g`, with the exact nearest
    distance :math:`d_i` (:func:`nearest_distance_dask`) and the access :math:`A_i` (pass 2 of
    :func:`two_step_fca_dask`, after pass 1 over all partitions):

    .. math:: W_g = \\sum_{i \\in g} w_i, \\quad C_g = \\sum_{i \\in g} w_i [d_i \\le D],
              \\quad F_g = \\sum_{i \\in g,\\ A_i \\text{ finite}} w_i A_i

    and the lower weighted median :math:`m_g` of :math:`d_i`. These are added up over
    partitions (a quarter in one partition: nothing to add), then coverage
    :math:`= 100\\, C_g / W_g` and access :math:`= 1000\\, F_g / W_g` (NaN where
    :math:`W_g = 0`). A weighted median cannot be combined from parts, so for a quarter found in
    more than one partition the distances and weights of its cells are gathered in a second
    pass (only for those quarters) and its median computed from them. With the default
    partitioning by quarter no quarter is split and every figure is computed from the quarter's
    cells in their input order, as ``accessibility_by_quarter`` does.

    Examples
    --------
    Quarter 01 has 10 and 30 residents 50 m from a facility with 6 places, quarter 02 has 20
    residents 1,950 m away: 01 is fully covered within 500 m and gets 6 / 40 places per resident
    (150 per 1,000); 02 reaches nothing within the 1,000 m catchment. Without a client dask's
    threaded scheduler runs the partitions:

    >>> import geopandas as gpd
    >>> import numpy as np
    >>> cells = gpd.GeoDataFrame({"quarter_id": ["01", "01", "02"], "residents": [10, 30, 20]},
    ...                          geometry=gpd.points_from_xy([0, 100, 2000], [0, 0, 0]),
    ...                          crs="EPSG:25832")
    >>> kita = gpd.GeoDataFrame(geometry=gpd.points_from_xy([50], [0]), crs="EPSG:25832")
    >>> table = accessibility_by_quarter_dask(cells, "residents", kita, max_distance=500,
    ...                                       catchment=1000, supply=np.array([6.0]))
    >>> table.round(1)  # doctest: +NORMALIZE_WHITESPACE
                median_distance  coverage  unmet_people  fca_access
    quarter_id
    01                     50.0     100.0           0.0       150.0
    02                   1950.0       0.0          20.0         0.0
    """
    require_dask()
    check_partition_arguments(npartitions, partition_size)
    catchment = distance_argument(catchment, "catchment")
    if max_distance is not None:
        max_distance = distance_argument(max_distance, "max_distance")
    if not isinstance(facilities, gpd.GeoDataFrame):
        raise TypeError("facilities must be a GeoDataFrame of points.")
    if is_dask_frame(cells):
        if not isinstance(demand, str):
            raise TypeError("For a dask_geopandas.GeoDataFrame of cells, demand must be the "
                            "name of the column with the reference population.")
        check_dask_cells(cells, [GROUP, demand], "cells")
        frame, column, quarters = cells[[GROUP, demand, cells.geometry.name]], demand, None
        cell_crs = cells.crs
    else:
        if not isinstance(cells, gpd.GeoDataFrame):
            raise TypeError("cells must be a GeoDataFrame or a dask_geopandas.GeoDataFrame of "
                            f"points, not {type(cells).__name__}.")
        if GROUP not in cells.columns:
            raise KeyError(f"cells has no column {GROUP!r}; assign the cells to quarters first.")
        if isinstance(demand, str):
            demand = column_values(cells, demand, "cells")
        weights = as_weights(demand, len(cells))
        _, cell_crs = point_coordinates(cells, "cells")
        groups = cells[GROUP].to_numpy()
        quarters = pd.Index(pd.unique(groups), name=GROUP)
        frame, column = None, _DEMAND
    facility_xy, facility_crs = point_coordinates(facilities, "facilities")
    check_same_crs(cell_crs, facility_crs, "cells", "facilities")
    capacity = np.asarray(supply, dtype=np.float64)
    if capacity.shape != (len(facilities),):
        raise ValueError(f"supply has shape {capacity.shape}, expected ({len(facilities)},): "
                         "one value per facility.")

    if len(facilities) == 0:
        if quarters is None:
            (labels,) = compute(client, frame.map_partitions(
                labels_task, meta=pd.DataFrame({GROUP: frame._meta[GROUP].iloc[:0]})))
            quarters = pd.Index(pd.unique(labels[GROUP].to_numpy()), name=GROUP)
        result = pd.DataFrame(index=quarters)
        result["median_distance"] = np.nan
        result["coverage"] = 0.0 if max_distance is not None else np.nan
        result["fca_access"] = 0.0
        result["unmet_people"] = np.nan
        if max_distance is not None:  # nobody reaches a facility: the whole demand is unmet
            if frame is None:
                residents = pd.Series(weights).groupby(groups).sum()
            else:
                (sums,) = compute(client, frame.map_partitions(
                    population_task, column, meta=pd.DataFrame(
                        {GROUP: frame._meta[GROUP].iloc[:0],
                         "total": pd.Series(dtype=np.float64)})))
                residents = sums.groupby(GROUP, sort=False)["total"].sum()
            result["unmet_people"] = residents.reindex(quarters).fillna(0.0).to_numpy()
        return result
    if frame is None:
        if len(cells) == 0:
            result = pd.DataFrame(index=quarters)
            result["median_distance"] = result["coverage"] = result["fca_access"] = np.nan
            result["unmet_people"] = np.nan
            return result
        points = gpd.GeoDataFrame({GROUP: groups, _DEMAND: weights},
                                  geometry=cells.geometry.to_numpy(), crs=cells.crs)
        frame = partition_cells(points, npartitions=npartitions,
                                partition_size=partition_size, by=GROUP, client=client)

    shared_xy = share_with_workers(facility_xy, client)
    context = None  # residents beyond the boundary: few cells, summed here on the client
    if context_cells is not None and len(context_cells):
        check_same_crs(context_cells.crs, facility_crs, "context_cells", "facilities")
        context = demand_in_reach(point_coordinates(context_cells, "context_cells")[0],
                                  as_weights(context_demand, len(context_cells)),
                                  facility_xy, catchment, None)
    ratio = _facility_ratios(frame, column, shared_xy, capacity, catchment, None, client,
                             context)
    # the nearest search only: the 2SFCA passes use the catchment as their halo
    halo = max(max_distance or 0.0, default_halo(facility_xy))
    meta = pd.DataFrame({GROUP: frame._meta[GROUP].iloc[:0],
                         **{name: pd.Series(dtype=np.float64) for name in [*SUMS, "median"]}})
    (parts,) = compute(client, frame.map_partitions(
        quarter_task, column, shared_xy, share_with_workers(ratio, client), catchment,
        max_distance, halo, meta=meta))
    parts = parts.reset_index(drop=True)
    if quarters is None:  # a dask frame: quarters in order of first appearance
        quarters = pd.Index(pd.unique(parts[GROUP].dropna().to_numpy()), name=GROUP)
    result = pd.DataFrame(index=quarters)
    split = parts[GROUP].duplicated(keep=False)
    sums = parts.groupby(GROUP, sort=False)[SUMS].sum()
    median = parts.loc[~split].set_index(GROUP)["median"]
    if split.any():
        labels = list(pd.unique(parts.loc[split, GROUP]))
        rows_meta = pd.DataFrame({GROUP: frame._meta[GROUP].iloc[:0],
                                  "distance": pd.Series(dtype=np.float64),
                                  "weight": pd.Series(dtype=np.float64)})
        (rows,) = compute(client, frame.map_partitions(
            split_rows_task, column, shared_xy, halo, labels, meta=rows_meta))
        median = pd.concat([median, weighted_median_by_group(
            rows["distance"].to_numpy(), rows["weight"].to_numpy(), rows[GROUP])])

    total = sums["total"].reindex(quarters)
    result["median_distance"] = median.reindex(quarters).to_numpy()
    if max_distance is not None:
        covered = sums["covered"].reindex(quarters)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(total > 0, covered / total, np.nan)
        result["coverage"] = share * 100
        # the reference population beyond D: the complement of the covered weight
        result["unmet_people"] = (total - covered).clip(lower=0.0).to_numpy()
    else:
        result["coverage"] = np.nan
        result["unmet_people"] = np.nan
    result["fca_access"] = ((sums["weighted"].reindex(quarters) / total.where(total > 0))
                            * 1000).to_numpy()
    return result
