"""Point-in-polygon assignment of points to quarters."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

__all__ = ["assign_points"]


def assign_points(points: gpd.GeoDataFrame, quarters: gpd.GeoDataFrame) -> pd.Series:
    """The ``quarter_id`` of the quarter containing each point (None outside every quarter).

    A point on a shared boundary goes to the quarter that comes first in ``quarters``, so that
    every point is counted once.

    Parameters
    ----------
    points : GeoDataFrame
        Points in the CRS of ``quarters``.
    quarters : GeoDataFrame
        Quarters with a ``quarter_id`` column.

    Returns
    -------
    Series
        Indexed like ``points``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point, box
    >>> quarters = gpd.GeoDataFrame({"quarter_id": ["01", "02"]},
    ...                             geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100)],
    ...                             crs="EPSG:25832")
    >>> points = gpd.GeoDataFrame(geometry=[Point(50, 50), Point(150, 20), Point(500, 500)],
    ...                           crs="EPSG:25832")
    >>> assign_points(points, quarters).tolist()
    ['01', '02', None]
    """
    if points.crs is not None and quarters.crs is not None and not points.crs.equals(quarters.crs):
        raise ValueError(f"Points ({points.crs}) and quarters ({quarters.crs}) have different "
                         "CRS; reproject one with .to_crs() first.")
    tree = shapely.STRtree(quarters.geometry.to_numpy())
    point_index, quarter_index = tree.query(points.geometry.to_numpy(), predicate="intersects")
    order = np.lexsort((quarter_index, point_index))
    point_index, quarter_index = point_index[order], quarter_index[order]
    first = np.unique(point_index, return_index=True)[1]
    result = np.full(len(points), None, dtype=object)
    result[point_index[first]] = quarters["quarter_id"].to_numpy()[quarter_index[first]]
    return pd.Series(result, index=points.index, name="quarter_id", dtype=object)
