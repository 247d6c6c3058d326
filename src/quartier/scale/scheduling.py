"""Scheduling and argument checks shared by the dask indicators of :mod:`quartier.scale`.

Arrays are shared with every worker once (:func:`share_with_workers`), collections computed on
the given client or the default scheduler (:func:`compute`), and the arguments of the public
functions checked before any task is built.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np

from quartier.indicators.distance import point_coordinates
from quartier.scale.partition import active_client, require_dask

if TYPE_CHECKING:  # pragma: no cover
    from distributed import Client

__all__ = ["check_dask_cells", "check_partition_arguments", "compute", "default_halo",
           "distance_argument", "share_with_workers"]

_SMALL = 1 << 20  # bytes


def share_with_workers(value: np.ndarray, client: Client | None) -> Any:
    """A handle to ``value`` that every task can take as an argument, sent to each worker once.

    Arrays under 1 MB go into the task graph as they are (cheaper than a round trip).
    """
    dask, _ = require_dask()
    if value.nbytes < _SMALL:
        return value
    active = active_client(client)
    if active is not None:
        return active.scatter(value, broadcast=True, hash=True)
    return dask.delayed(value, pure=True)


def compute(client: Client | None, *collections: Any) -> tuple[Any, ...]:
    """Compute dask collections on ``client``, or on the default scheduler when it is None."""
    dask, _ = require_dask()
    if client is not None:
        return dask.compute(*collections, scheduler=client)
    return dask.compute(*collections)


# --------------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------------


def distance_argument(value: Any, what: str) -> float:
    """``value`` as a finite, non-negative number of metres (TypeError or ValueError if not)."""
    try:
        number = float(value)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{what} must be a number of metres, not {value!r}.") from error
    if not np.isfinite(number) or number < 0:
        raise ValueError(f"{what} must be a finite, non-negative number, not {number}.")
    return number


def check_partition_arguments(npartitions: int | None, partition_size: int) -> None:
    """Reject a partition count or size that is not a positive integer."""
    if npartitions is not None and (int(npartitions) != npartitions or npartitions < 1):
        raise ValueError(f"npartitions must be a positive integer, not {npartitions!r}.")
    if int(partition_size) != partition_size or partition_size < 1:
        raise ValueError(f"partition_size must be a positive integer, not {partition_size!r}.")


def check_dask_cells(cells: Any, columns: list[str], what: str) -> None:
    """Check a dask_geopandas frame of cells: its type, the ``columns`` and a metric CRS."""
    _, dask_geopandas = require_dask()
    if not isinstance(cells, dask_geopandas.GeoDataFrame):
        raise TypeError(f"{what} must be a GeoDataFrame or a dask_geopandas.GeoDataFrame of "
                        f"points, not {type(cells).__name__}.")
    missing = [c for c in columns if c not in cells.columns]
    if missing:
        raise KeyError(f"{what} has no column {missing[0]!r}; columns: {list(cells.columns)}.")
    crs = cells.crs
    if crs is not None:
        # reuse the metric-CRS check on an empty GeoSeries in that CRS
        point_coordinates(gpd.GeoSeries([], crs=crs), what)


def default_halo(facility_xy: np.ndarray) -> float:
    """A halo of about twice the mean facility spacing, at least 1,000 m.

    Only the speed depends on it: cells that find nothing within the halo are searched again.
    """
    if len(facility_xy) < 2:
        return 1_000.0
    width, height = np.ptp(facility_xy, axis=0)
    spacing = math.sqrt(max(width, 1.0) * max(height, 1.0) / len(facility_xy))
    return max(1_000.0, 2.0 * spacing)
