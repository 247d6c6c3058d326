"""Spatial partitioning of cells for the dask path, and the facilities a partition needs.

The grid-based indicators are local: a cell's nearest facility, and the facilities in its
catchment, lie near the cell. So the cells are cut into spatially compact partitions (runs of a
Hilbert curve), each partition is processed on its own, and each gets only the facilities within
its bounding box widened by a *halo* (the catchment distance). Partitions never see each other's
cells, and nobody builds a whole distance matrix.

Two things here:

- :func:`partition_cells` turns a GeoDataFrame (or a dask-geopandas GeoDataFrame) of cell points
  into a dask-geopandas GeoDataFrame whose partitions are runs of the Hilbert curve, optionally
  keeping whole groups (quarters) in one partition;
- :func:`facilities_in_reach` and :func:`point_bounds` pick, for the points of one partition,
  the facilities that can lie within a given distance of them.

dask and dask-geopandas are imported only when :func:`partition_cells` runs (the extra
``quartier[dask]``); the other functions need numpy only.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from quartier.indicators.distance import point_coordinates

if TYPE_CHECKING:  # pragma: no cover
    import dask_geopandas
    from distributed import Client

__all__ = [
    "KEY",
    "PARTITION_SIZE",
    "POSITION",
    "active_client",
    "cut_points",
    "facilities_in_reach",
    "is_dask_frame",
    "partition_cells",
    "point_bounds",
    "require_dask",
    "spatial_keys",
]

#: Name of the index of a partitioned frame: the Hilbert key the cells are sorted by.
KEY = "_quartier_key"
#: Column of a partitioned frame with each cell's position (0-based) in the input frame.
POSITION = "_quartier_position"
#: Default number of cells per partition.
PARTITION_SIZE = 100_000

# Relative and absolute (metres) widening of every halo, so that rounding in the box test can
# never drop a facility that lies within the halo; 1e-6 m is far above the rounding of
# coordinates of 10**7 m (about 2e-9 m).
_HALO_MARGIN_RELATIVE = 1e-9
_HALO_MARGIN_ABSOLUTE = 1e-6


def require_dask() -> tuple[Any, Any]:
    """Import and return ``(dask, dask_geopandas)``, or raise ImportError saying what to install."""
    try:
        import dask
        import dask_geopandas
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(
            "The dask path needs the optional dependencies dask[distributed] and "
            "dask-geopandas: pip install \"quartier[dask]\"."
        ) from error
    return dask, dask_geopandas


def active_client(client: Client | None = None) -> Client | None:
    """The given client, else the current default distributed client, else None."""
    if client is not None:
        return client
    try:
        from distributed import default_client
    except ImportError:  # pragma: no cover - distributed is part of the extra
        return None
    try:
        return default_client()
    except ValueError:
        return None


def is_dask_frame(obj: Any) -> bool:
    """True if ``obj`` is a dask(-geopandas) DataFrame, without importing dask."""
    return type(obj).__module__.split(".")[0] in {"dask", "dask_geopandas"} and hasattr(
        obj, "npartitions")


# --------------------------------------------------------------------------------------------
# bounds and halo
# --------------------------------------------------------------------------------------------


def point_bounds(xy: np.ndarray) -> tuple[float, float, float, float]:
    """Bounding box ``(min_x, min_y, max_x, max_y)`` of an (n, 2) array of points.

    Examples
    --------
    >>> import numpy as np
    >>> point_bounds(np.array([[3.0, 1.0], [0.0, 5.0]]))
    (0.0, 1.0, 3.0, 5.0)
    """
    xy = np.asarray(xy, dtype=np.float64)
    if len(xy) == 0:
        raise ValueError("point_bounds needs at least one point.")
    low, high = xy.min(axis=0), xy.max(axis=0)
    return float(low[0]), float(low[1]), float(high[0]), float(high[1])


def facilities_in_reach(bounds: tuple[float, float, float, float], facility_xy: np.ndarray,
                        halo: float) -> np.ndarray:
    """Positions of the facilities inside a bounding box widened by ``halo`` on every side.

    Parameters
    ----------
    bounds : tuple of float
        ``(min_x, min_y, max_x, max_y)`` of the points of a partition, e.g. from
        :func:`point_bounds`.
    facility_xy : ndarray of shape (m, 2)
        Facility coordinates, in the CRS of the bounds (metres).
    halo : float
        Distance in metres, >= 0; ``inf`` selects every facility.

    Returns
    -------
    ndarray of int64
        Sorted positions into ``facility_xy``.

    Notes
    -----
    A facility :math:`f` outside the box :math:`[x_{min} - h', x_{max} + h'] \\times
    [y_{min} - h', y_{max} + h']` has, in at least one coordinate, a difference larger than
    :math:`h'` to every point inside the bounds, so its distance to each of them is larger than
    :math:`h' \\ge h`. Hence the selection holds every facility within distance :math:`h` of any
    point of the partition (it may hold more: the box's corners reach further). The halo is
    widened to :math:`h' = h (1 + 10^{-9}) + 10^{-6}` m so that rounding of the box test cannot
    drop a facility at exactly distance :math:`h`.

    Examples
    --------
    >>> import numpy as np
    >>> facilities = np.array([[0.0, 0.0], [1500.0, 0.0], [1000.0, 1200.0], [5000.0, 0.0]])
    >>> facilities_in_reach((0.0, 0.0, 100.0, 100.0), facilities, 1400.0).tolist()
    [0, 1, 2]
    >>> facilities_in_reach((0.0, 0.0, 100.0, 100.0), facilities, 1000.0).tolist()
    [0]
    """
    facility_xy = np.asarray(facility_xy, dtype=np.float64)
    halo = float(halo)
    if np.isnan(halo) or halo < 0:
        raise ValueError(f"halo must be a non-negative number of metres, not {halo}.")
    if not np.isfinite(halo):
        return np.arange(len(facility_xy), dtype=np.int64)
    widened = halo * (1.0 + _HALO_MARGIN_RELATIVE) + _HALO_MARGIN_ABSOLUTE
    min_x, min_y, max_x, max_y = bounds
    x, y = facility_xy[:, 0], facility_xy[:, 1]
    inside = ((x >= min_x - widened) & (x <= max_x + widened)
              & (y >= min_y - widened) & (y <= max_y + widened))
    return np.flatnonzero(inside).astype(np.int64)


# --------------------------------------------------------------------------------------------
# Hilbert keys
# --------------------------------------------------------------------------------------------


def spatial_keys(xy: np.ndarray, groups: Any = None, *, level: int = 16) -> np.ndarray:
    """Hilbert-curve key of each point, or of its group's mean point.

    Parameters
    ----------
    xy : ndarray of shape (n, 2)
        Point coordinates.
    groups : array-like or None
        Group label of each point (e.g. ``quarter_id``). If given, every point gets the key of
        its group's mean point, so that sorting by key keeps each group in one run; points with
        a missing label (None/NaN) keep their own key.
    level : int, default 16
        Resolution of the curve: the bounding box of all points is cut into
        :math:`2^{level} \\times 2^{level}` squares.

    Returns
    -------
    ndarray of int64
        Keys; points close to each other tend to get close keys.

    Notes
    -----
    The keys come from :meth:`geopandas.GeoSeries.hilbert_distance` on the bounding box of all
    points. A group's mean point is :math:`(\\bar x_g, \\bar y_g)` over its points.

    Examples
    --------
    >>> import numpy as np
    >>> xy = np.array([[0.0, 0.0], [10.0, 10.0], [0.0, 10.0], [10.0, 0.0]])
    >>> keys = spatial_keys(xy, ["a", "b", "a", "b"], level=2)
    >>> bool(keys[0] == keys[2] and keys[1] == keys[3] and keys[0] != keys[1])
    True
    """
    xy = np.asarray(xy, dtype=np.float64)
    n = len(xy)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    bounds = np.array(point_bounds(xy))
    own = _hilbert(xy, bounds, level)
    if groups is None:
        return own
    if len(groups) != n:
        raise ValueError(f"groups has {len(groups)} labels, expected {n}.")
    codes, _ = pd.factorize(np.asarray(groups, dtype=object), sort=False)
    known = codes >= 0
    n_groups = int(codes.max()) + 1 if known.any() else 0
    count = np.bincount(codes[known], minlength=n_groups)
    mean = np.column_stack([
        np.bincount(codes[known], weights=xy[known, 0], minlength=n_groups) / count,
        np.bincount(codes[known], weights=xy[known, 1], minlength=n_groups) / count,
    ])
    group_keys = _hilbert(mean, bounds, level)
    return np.where(known, group_keys[np.maximum(codes, 0)], own)


def _hilbert(xy: np.ndarray, bounds: np.ndarray, level: int) -> np.ndarray:
    if len(xy) == 0:
        return np.empty(0, dtype=np.int64)
    points = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]))
    return points.hilbert_distance(total_bounds=bounds, level=level).to_numpy(dtype=np.int64)


# --------------------------------------------------------------------------------------------
# partitioning
# --------------------------------------------------------------------------------------------


def partition_cells(cells: gpd.GeoDataFrame | dask_geopandas.GeoDataFrame, *,
                    npartitions: int | None = None, partition_size: int = PARTITION_SIZE,
                    by: str | None = None, level: int = 16,
                    client: Client | None = None) -> dask_geopandas.GeoDataFrame:
    """Cut cell points into spatially compact dask-geopandas partitions.

    Parameters
    ----------
    cells : GeoDataFrame or dask_geopandas.GeoDataFrame
        Cell centres (points) in a projected metric CRS, with any further columns.
    npartitions : int or None
        Number of partitions; None: ``ceil(len(cells) / partition_size)`` (for a dask input:
        its current number of partitions). Fewer may come out when groups are kept whole.
    partition_size : int, default 100,000
        Cells per partition when ``npartitions`` is None (GeoDataFrame input).
    by : str or None
        Column with a group label (e.g. ``"quarter_id"``): the cells of one group all end up in
        the same partition (sorted by the Hilbert key of the group's mean point), so that
        summaries per group, such as a weighted median, need no exchange between partitions.
        None: cells are sorted by their own key.
    level : int, default 16
        Resolution of the Hilbert curve, see :func:`spatial_keys`.
    client : distributed.Client or None
        For a GeoDataFrame: the partitions are scattered to this cluster's workers (None: to
        the current default client's, if there is one), so that the data goes straight to the
        workers instead of into the task graph; without any client they stay in local memory
        for dask's threaded scheduler.

    Returns
    -------
    dask_geopandas.GeoDataFrame
        Index :data:`KEY` (the Hilbert key, sorted, with known divisions); the columns of
        ``cells``. For a GeoDataFrame input an extra column :data:`POSITION` holds each cell's
        0-based position in ``cells`` (the original index is dropped: results are put back in
        the input order through this column). Within one key, cells keep their input order.

    Notes
    -----
    For a GeoDataFrame the sort happens in memory, here; the sorted frame is then cut into
    ``npartitions`` runs of about equal length, each cut moved back to the start of a run of
    equal keys (so a group never straddles two partitions), and the runs become the partitions
    (with known divisions). For a dask-geopandas input the cells are shuffled on the cluster:
    :meth:`dask_geopandas.GeoDataFrame.spatial_shuffle` without ``by``; with ``by``, the group
    means are computed first (a small table), then ``set_index`` on the group's key.

    Exactness of the indicators never depends on the partitioning (every partition gets the
    facilities of its own bounding box plus a halo); compact partitions only make it fast.

    Examples
    --------
    >>> import quartier
    >>> study = quartier.load_study("data/sample/quartier.toml")  # doctest: +SKIP
    >>> cells = partition_cells(study.population_grid, npartitions=4)  # doctest: +SKIP
    """
    _, dask_geopandas = require_dask()
    if npartitions is not None and (int(npartitions) != npartitions or npartitions < 1):
        raise ValueError(f"npartitions must be a positive integer, not {npartitions!r}.")
    if int(partition_size) != partition_size or partition_size < 1:
        raise ValueError(f"partition_size must be a positive integer, not {partition_size!r}.")
    if is_dask_frame(cells):
        return _partition_dask(cells, npartitions, by, level)
    if not isinstance(cells, gpd.GeoDataFrame):
        raise TypeError("cells must be a GeoDataFrame or a dask_geopandas.GeoDataFrame of "
                        f"points, not {type(cells).__name__}.")
    for name in (KEY, POSITION):
        if name in cells.columns:
            raise ValueError(f"cells already has a column {name!r}; rename or drop it first.")
    if by is not None and by not in cells.columns:
        raise KeyError(f"cells has no column {by!r} to keep groups together; columns: "
                       f"{list(cells.columns)}.")
    xy, _ = point_coordinates(cells, "cells")
    n = len(xy)
    n_parts = int(npartitions) if npartitions is not None else max(1, math.ceil(n /
                                                                            partition_size))
    keys = spatial_keys(xy, None if by is None else cells[by].to_numpy(), level=level)
    order = np.argsort(keys, kind="stable")
    frame = cells.iloc[order].copy()
    frame[POSITION] = order.astype(np.int64)
    frame.index = pd.Index(keys[order], name=KEY)
    if n == 0:
        return dask_geopandas.from_geopandas(frame, npartitions=1)
    starts = cut_points(keys[order], n_parts)
    parts = [frame.iloc[a:b] for a, b in itertools.pairwise(starts)]
    divisions = (*frame.index[starts[:-1]], frame.index[-1])
    return _from_parts(parts, frame.iloc[:0], divisions, client)


def cut_points(sorted_keys: np.ndarray, npartitions: int) -> np.ndarray:
    """Start of each partition (and the end) when cutting sorted keys into about equal runs.

    Each cut at position :math:`k n / p` (:math:`k = 1, \\dots, p - 1`) moves to the nearer end
    of the run of equal keys it falls in (the start on a tie), so equal keys stay together;
    cuts that coincide are merged, so fewer partitions than asked for may come out.

    Examples
    --------
    >>> import numpy as np
    >>> cut_points(np.array([1, 1, 1, 2, 3, 3, 4, 4]), 3).tolist()
    [0, 3, 4, 8]
    >>> cut_points(np.array([5, 5, 5, 5]), 2).tolist()
    [0, 4]
    """
    n = len(sorted_keys)
    targets = (np.arange(1, npartitions) * n) // npartitions
    left = np.searchsorted(sorted_keys, sorted_keys[targets], side="left")
    right = np.searchsorted(sorted_keys, sorted_keys[targets], side="right")
    starts = np.where(targets - left <= right - targets, left, right)
    return np.unique(np.concatenate(([0], starts[(starts > 0) & (starts < n)], [n])))


def _from_parts(parts: list[gpd.GeoDataFrame], meta: gpd.GeoDataFrame, divisions: tuple,
                client: Client | None) -> Any:
    """A dask-geopandas frame from in-memory partitions: scattered to a cluster if there is one."""
    dask, _ = require_dask()
    import dask.dataframe as dd

    client = active_client(client)
    if client is not None:
        handles = client.scatter(parts, hash=False)
    else:
        handles = [dask.delayed(part, pure=False) for part in parts]
    return dd.from_delayed(handles, meta=meta, divisions=divisions, verify_meta=False)


def _partition_dask(cells: Any, npartitions: int | None, by: str | None,
                    level: int) -> Any:
    n_parts = int(npartitions) if npartitions is not None else cells.npartitions
    if by is None:
        return cells.spatial_shuffle("hilbert", level=level, npartitions=n_parts)
    if by not in cells.columns:
        raise KeyError(f"cells has no column {by!r} to keep groups together; columns: "
                       f"{list(cells.columns)}.")
    points = cells.geometry
    table = cells[[by]].assign(_x=points.x, _y=points.y)
    bounds = np.asarray(cells.total_bounds.compute(), dtype=np.float64)
    means = table.groupby(by)[["_x", "_y"]].mean().compute()
    keys = pd.Series(_hilbert(means[["_x", "_y"]].to_numpy(dtype=np.float64), bounds, level),
                     index=means.index)
    # cells without a group label all get key -1 (one run at the start of the curve)
    key = cells[by].map(keys, meta=(KEY, "float64")).fillna(-1).astype("int64")
    return cells.assign(**{KEY: key}).set_index(KEY, npartitions=n_parts)
