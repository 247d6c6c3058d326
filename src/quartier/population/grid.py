"""Census grid cells on the quarters: assigned or split, their context, calibrated to a register.

:func:`cells_from_grid` places a census grid (Zensus 2022) on the quarters,
:func:`context_cells_from_grid` keeps its residents just outside them (context demand), and
:func:`calibrate_to_quarters` distributes a register's figures per quarter over the quarter's
cells in proportion to the grid. Suppressed age bands are estimated with
:func:`fill_suppressed_bands`.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from quartier.assign import assign_points
from quartier.load.population import age_band_limits, age_bands
from quartier.population.cells import CELL_SIZE_M, value_columns

__all__ = [
    "calibrate_to_quarters",
    "cells_from_grid",
    "context_cells_from_grid",
    "fill_suppressed_bands",
]


def fill_suppressed_bands(cells: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Estimate suppressed (NaN) age bands of a cell from its total and the group's structure.

    For a cell with missing bands, the residents not accounted for by its known bands
    (``total − Σ known``) are shared among its missing bands in proportion to those bands' totals
    over the known cells of the same group (quarter); where the group has no known cells, the
    study-wide structure is used, and failing that equal shares. The bands of every cell then add
    up to its total (when the bands cover all ages).

    Notes
    -----
    For cell *c* with missing bands *M*:
    :math:`x_{cb} = (T_c - \\sum_{k \\notin M} x_{ck}) \\cdot s_{gb} / \\sum_{m \\in M} s_{gm}`
    with :math:`s_{gb}` the sum of band *b* over the cells of group *g* that report it.
    """
    bands = age_bands(cells.columns)
    if not bands or not cells[bands].isna().any(axis=None):
        return cells
    result = cells.copy()
    values = result[bands].to_numpy(dtype=float)
    missing = np.isnan(values)
    known_sum = np.nansum(values, axis=1)
    remainder = np.clip(result["total"].to_numpy(dtype=float) - known_sum, 0, None)
    known = pd.DataFrame(np.where(missing, 0.0, values), columns=bands, index=cells.index)
    fully_known = ~missing.any(axis=1)
    group_shares = known[fully_known].groupby(groups[fully_known]).sum()
    overall = known[fully_known].sum()
    shares = group_shares.reindex(groups.to_numpy()).to_numpy(dtype=float, copy=True)
    no_group = np.isnan(shares).all(axis=1) | (np.nansum(shares, axis=1) == 0)
    shares[no_group] = overall.to_numpy() if overall.sum() > 0 else 1.0
    shares = np.where(missing, shares, 0.0)
    denominator = shares.sum(axis=1, keepdims=True)
    equal = missing / np.maximum(missing.sum(axis=1, keepdims=True), 1)
    weights = np.where(denominator > 0, shares / np.where(denominator > 0, denominator, 1), equal)
    filled = np.where(missing, weights * remainder[:, None], values)
    result[bands] = filled
    return result


def cells_from_grid(grid: gpd.GeoDataFrame, quarters: gpd.GeoDataFrame, *,
                    split_boundary: bool = False, cell_size: float = CELL_SIZE_M
                    ) -> gpd.GeoDataFrame:
    """Assign census grid cells to quarters.

    Parameters
    ----------
    grid : GeoDataFrame
        ``cell_id``, ``total``, ``age_*`` bands, cell centres as points (see
        :func:`quartier.load.population.load_population_grid`).
    quarters : GeoDataFrame
        ``quarter_id`` and polygons in the same CRS.
    split_boundary : bool, default False
        False: a cell belongs wholly to the quarter containing its centre (cells whose centre
        lies in no quarter are dropped). True: a cell that crosses quarter boundaries is split
        into pieces, its counts shared by the pieces' area shares; the parts outside every
        quarter are dropped with their residents.
    cell_size : float, default 100
        Edge length of the (square, axis-parallel in the working CRS) cell in metres. Zensus
        cells are squares in EPSG:3035; in another CRS they are rotated very slightly, which
        the area split ignores.

    Returns
    -------
    GeoDataFrame
        One row per cell (or cell piece): ``cell_id``, ``quarter_id``, ``total``, ``age_*``
        bands with suppressed values estimated (:func:`fill_suppressed_bands`), and the point
        used for distances (the cell centre, or the centroid of the piece).

    Notes
    -----
    With ``split_boundary`` the count of piece *p* of cell *c* is
    :math:`x_p = x_c \\cdot a_p / a_c` with :math:`a_c` the cell's area, so the totals of all
    quarters add up to the residents of the cells' parts inside the study area.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> quarters = gpd.GeoDataFrame({"quarter_id": ["01", "02"]},
    ...                             geometry=[box(0, 0, 100, 100), box(100, 0, 300, 100)],
    ...                             crs="EPSG:25832")
    >>> grid = gpd.GeoDataFrame({"cell_id": ["a", "b", "c"], "total": [10.0, 20.0, 30.0]},
    ...                         geometry=gpd.points_from_xy([50, 150, 250], [50, 50, 50]),
    ...                         crs="EPSG:25832")
    >>> cells = cells_from_grid(grid, quarters)
    >>> cells.groupby("quarter_id")["total"].sum().to_dict()
    {'01': 10.0, '02': 50.0}
    """
    columns = value_columns(grid)
    if not split_boundary:
        quarter_id = assign_points(grid, quarters)
        inside = quarter_id.notna()
        cells = grid.loc[inside, ["cell_id", *columns]].copy()
        cells["quarter_id"] = quarter_id[inside].to_numpy()
        cells = gpd.GeoDataFrame(cells, geometry=grid.geometry[inside].to_numpy(), crs=grid.crs)
    else:
        half = cell_size / 2
        x, y = grid.geometry.x.to_numpy(), grid.geometry.y.to_numpy()
        squares = shapely.box(x - half, y - half, x + half, y + half)
        tree = shapely.STRtree(quarters.geometry.to_numpy())
        cell_index, quarter_index = tree.query(squares, predicate="intersects")
        pieces = shapely.intersection(squares[cell_index],
                                      quarters.geometry.to_numpy()[quarter_index])
        share = shapely.area(pieces) / (cell_size * cell_size)
        keep = share > 0
        cell_index, quarter_index, pieces, share = (cell_index[keep], quarter_index[keep],
                                                    pieces[keep], share[keep])
        values = grid[columns].to_numpy(dtype=float)[cell_index] * share[:, None]
        cells = pd.DataFrame(values, columns=columns)
        cells.insert(0, "cell_id", grid["cell_id"].to_numpy()[cell_index])
        cells["quarter_id"] = quarters["quarter_id"].to_numpy()[quarter_index]
        whole = share > 1 - 1e-9
        points = np.where(whole, grid.geometry.to_numpy()[cell_index],
                          shapely.centroid(pieces))
        cells = gpd.GeoDataFrame(cells, geometry=points, crs=grid.crs)
    cells = fill_suppressed_bands(cells.reset_index(drop=True),
                                  cells["quarter_id"].reset_index(drop=True))
    return cells[["cell_id", "quarter_id", *columns, "geometry"]]


def context_cells_from_grid(grid: gpd.GeoDataFrame, quarters: gpd.GeoDataFrame,
                            buffer_m: float, *, split_boundary: bool = False,
                            cell_size: float = CELL_SIZE_M) -> gpd.GeoDataFrame:
    """The grid's residents outside every quarter but near the study area (context demand).

    The complement of :func:`cells_from_grid` within ``buffer_m`` of the study area: residents
    of the neighbouring municipality who share the places of facilities near the boundary. They
    enter step 1 of the 2SFCA but belong to no quarter.

    Parameters
    ----------
    grid : GeoDataFrame
        ``cell_id``, ``total``, ``age_*`` bands, cell centres as points.
    quarters : GeoDataFrame
        ``quarter_id`` and polygons in the same CRS.
    buffer_m : float
        ``[indicators] context_buffer_m``: cells whose point lies farther than this from the
        union of the quarters are left out (the same rule as for context facilities,
        :func:`quartier.indicators.edges.context_facilities`).
    split_boundary : bool, default False
        As in :func:`cells_from_grid`. False: the cells whose centre lies in no quarter. True:
        also the part of a boundary cell outside every quarter, its counts by that part's area
        share, at the centroid of that part.
    cell_size : float, default 100
        Edge length of the square cell in metres.

    Returns
    -------
    GeoDataFrame
        ``cell_id``, ``total``, ``age_*`` bands (suppressed values estimated from the
        structure of these cells, :func:`fill_suppressed_bands`) and the point; no
        ``quarter_id``. The counts are the grid's as they are: a calibration to register totals
        per quarter (:func:`calibrate_to_quarters`) does not reach them.

    Notes
    -----
    With ``split_boundary`` the count of the outside part of cell *c* is
    :math:`x_c \\cdot (a_c - |c \\cap Q|) / a_c` with *Q* the union of the quarters, so the
    inside pieces of :func:`cells_from_grid` and this part add up to the cell.
    """
    columns = value_columns(grid)
    empty = gpd.GeoDataFrame({"cell_id": pd.Series(dtype=object),
                              **{c: pd.Series(dtype=float) for c in columns}},
                             geometry=gpd.GeoSeries([], crs=grid.crs))
    if not len(grid) or not len(quarters):
        return empty
    union = shapely.union_all(quarters.geometry.to_numpy())
    points = grid.geometry.to_numpy()
    if not split_boundary:
        share = assign_points(grid, quarters).isna().to_numpy().astype(float)
    else:
        half = cell_size / 2
        x, y = grid.geometry.x.to_numpy(), grid.geometry.y.to_numpy()
        squares = shapely.box(x - half, y - half, x + half, y + half)
        shapely.prepare(union)
        touched = shapely.intersects(union, squares)
        share = np.where(touched, 0.0, 1.0)
        crossing = np.flatnonzero(touched & ~shapely.covers(union, squares))
        rest = shapely.difference(squares[crossing], union)
        share[crossing] = shapely.area(rest) / (cell_size * cell_size)
        points = points.copy()
        part = share[crossing] > 1e-9
        points[crossing[part]] = shapely.centroid(rest[part])
    reach = union.buffer(buffer_m)
    shapely.prepare(reach)
    keep = (share > 1e-9) & shapely.covers(reach, points)
    if not keep.any():
        return empty
    values = grid[columns].to_numpy(dtype=float)[keep] * share[keep][:, None]
    cells = pd.DataFrame(values, columns=columns)
    cells.insert(0, "cell_id", grid["cell_id"].to_numpy()[keep])
    cells = fill_suppressed_bands(cells, pd.Series(0, index=cells.index))
    return gpd.GeoDataFrame(cells, geometry=points[keep], crs=grid.crs)


def calibrate_to_quarters(cells: gpd.GeoDataFrame, table: pd.DataFrame) -> gpd.GeoDataFrame:
    """Distribute a register's quarter figures over the quarter's grid cells.

    Every figure of ``table`` (``total`` and each band) is shared among the cells of its quarter
    in proportion to a weight from the grid: for a band, the cells' value of the grid band(s)
    that contain it (e.g. register ``age_3_5`` by grid ``age_0_9``); where the grid has no such
    band, or the quarter's weights add up to 0, the cells' totals; where those are 0 too, equal
    shares. Quarters of the table without any cell get no cells (their residents cannot be
    placed; :func:`quartier.compute` reports them).

    Notes
    -----
    :math:`x_{cb} = X_{qb} \\cdot w_{cb} / \\sum_{c' \\in q} w_{c'b}`, so
    :math:`\\sum_{c \\in q} x_{cb} = X_{qb}` exactly for every quarter *q* and figure *b*.

    Examples
    --------
    >>> import geopandas as gpd
    >>> import pandas as pd
    >>> from shapely.geometry import Point
    >>> cells = gpd.GeoDataFrame({"cell_id": ["a", "b"], "quarter_id": ["01", "01"],
    ...                           "total": [10.0, 30.0]},
    ...                          geometry=[Point(50, 50), Point(150, 50)], crs="EPSG:25832")
    >>> register = pd.DataFrame({"quarter_id": ["01"], "total": [80.0]})
    >>> calibrate_to_quarters(cells, register)["total"].tolist()  # scaled by 80 / 40
    [20.0, 60.0]
    """
    figures = value_columns(table)
    grid_bands = age_bands(cells.columns)
    register = table.drop_duplicates("quarter_id").set_index("quarter_id")
    result = cells[["cell_id", "quarter_id", "geometry"]].copy()
    groups = cells["quarter_id"]
    for figure in figures:
        weight = _grid_weight(cells, figure, grid_bands)
        weight_sum = weight.groupby(groups).transform("sum")
        total_sum = cells["total"].groupby(groups).transform("sum")
        count = groups.groupby(groups).transform("size")
        share = np.where(weight_sum > 0, weight / weight_sum.where(weight_sum > 0, 1),
                         np.where(total_sum > 0, cells["total"] / total_sum.where(total_sum > 0,
                                                                                 1), 1 / count))
        target = groups.map(register[figure]).to_numpy(dtype=float)
        result[figure] = target * share
    return gpd.GeoDataFrame(result[["cell_id", "quarter_id", *figures, "geometry"]],
                            geometry="geometry", crs=cells.crs)


def _grid_weight(cells: pd.DataFrame, figure: str, grid_bands: list[str]) -> pd.Series:
    if figure == "total" or not grid_bands:
        return cells["total"].astype(float)
    lower, upper_age = age_band_limits(figure)
    upper = np.inf if upper_age is None else upper_age
    covering = []
    for band in grid_bands:
        band_lower, band_upper_age = age_band_limits(band)
        band_upper = np.inf if band_upper_age is None else band_upper_age
        if band_lower <= upper and lower <= band_upper:
            covering.append(band)
    if not covering:
        return cells["total"].astype(float)
    return cells[covering].sum(axis=1).astype(float)
