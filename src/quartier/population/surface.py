"""The population surface: residents (by age band) on 100 m cells, each cell in one quarter.

Three ways to build it, all conserving the totals they start from:

- :func:`cells_from_grid` — a census grid (Zensus 2022): each cell goes to the quarter that
  contains its centre, or (``split_boundary=True``) boundary cells are split by area share;
- :func:`spread_quarter_totals` — only quarter totals: spread over a 100 m grid clipped to each
  quarter, uniformly by area or weighted by a residential-area layer;
- :func:`calibrate_to_quarters` — a grid *and* a register table per quarter: the register's
  figures per quarter and band are distributed over the quarter's cells in proportion to the
  grid (the grid gives the *where*, the register the *how many*).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from quartier.assign import assign_points
from quartier.load.population import age_bands, parse_age_band

__all__ = ["cells_from_grid", "spread_quarter_totals", "calibrate_to_quarters",
           "fill_suppressed_bands", "CELL_SIZE_M"]

CELL_SIZE_M = 100.0


def _value_columns(frame: pd.DataFrame) -> list[str]:
    return ["total", *age_bands(frame.columns)]


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
    """
    columns = _value_columns(grid)
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


def spread_quarter_totals(table: pd.DataFrame, quarters: gpd.GeoDataFrame, *,
                          cell_size: float = CELL_SIZE_M,
                          residential: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Spread quarter totals over a regular grid clipped to each quarter.

    Parameters
    ----------
    table : DataFrame
        ``quarter_id``, ``total`` and ``age_*`` bands per quarter.
    quarters : GeoDataFrame
        Quarter polygons (projected CRS in metres).
    cell_size : float, default 100
        Grid spacing in metres; the grid is aligned to multiples of ``cell_size``.
    residential : GeoDataFrame, optional
        Residential areas (polygons). When given, a cell's weight is the area of its piece that
        is residential; quarters without any residential area fall back to uniform weights.

    Returns
    -------
    GeoDataFrame
        One row per cell piece (``cell_id`` like ``100mN5465000E476000``, ``quarter_id``,
        ``total``, bands) with the centroid of the piece as point.

    Notes
    -----
    Uniform: :math:`x_p = X_q \\cdot a_p / A_q`, with :math:`a_p` the area of piece *p* of
    quarter *q* and :math:`A_q = \\sum_p a_p` the quarter's area. With a residential layer
    :math:`a_p` is the residential area of the piece. Hence :math:`\\sum_p x_p = X_q` for the
    total and every band: quarter figures are conserved exactly (up to rounding).
    """
    columns = _value_columns(table)
    values = table.drop_duplicates("quarter_id").set_index("quarter_id")[columns]
    minx, miny, maxx, maxy = quarters.total_bounds
    xs = np.arange(np.floor(minx / cell_size) * cell_size, maxx, cell_size)
    ys = np.arange(np.floor(miny / cell_size) * cell_size, maxy, cell_size)
    gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
    squares = shapely.box(gx, gy, gx + cell_size, gy + cell_size)
    geometry = quarters.geometry.to_numpy()
    # The tree holds the squares and the quarters are the queries: shapely then prepares each
    # quarter polygon once and tests many squares against it (much faster than the reverse).
    tree = shapely.STRtree(squares)
    quarter_index, cell_index = tree.query(geometry, predicate="intersects")
    order = np.lexsort((quarter_index, cell_index))
    cell_index, quarter_index = cell_index[order], quarter_index[order]
    # cells wholly inside a quarter need no intersection (the expensive step)
    inner_quarter, inner_cell = tree.query(geometry, predicate="contains")
    whole = np.isin(cell_index * len(geometry) + quarter_index,
                    inner_cell * len(geometry) + inner_quarter)
    pieces = squares[cell_index].copy()
    pieces[~whole] = shapely.intersection(squares[cell_index[~whole]],
                                          geometry[quarter_index[~whole]])
    area = shapely.area(pieces)
    weight = area.copy()
    if residential is not None and len(residential):
        land = shapely.union_all(residential.to_crs(quarters.crs).geometry.to_numpy())
        weight = shapely.area(shapely.intersection(pieces, land))
    quarter_ids = quarters["quarter_id"].to_numpy()[quarter_index]
    frame = pd.DataFrame({"quarter_id": quarter_ids, "weight": weight, "area": area})
    weight_sum = frame.groupby("quarter_id")["weight"].transform("sum")
    area_sum = frame.groupby("quarter_id")["area"].transform("sum")
    share = np.where(weight_sum > 0, frame["weight"] / weight_sum.where(weight_sum > 0, 1),
                     frame["area"] / area_sum.where(area_sum > 0, 1))
    keep = share > 0
    figures = values.reindex(quarter_ids[keep]).to_numpy(dtype=float) * share[keep][:, None]
    cells = pd.DataFrame(figures, columns=columns)
    cells.insert(0, "quarter_id", quarter_ids[keep])
    cells.insert(0, "cell_id", [f"{cell_size:.0f}mN{y:.0f}E{x:.0f}" for x, y in
                                zip(gx[cell_index[keep]], gy[cell_index[keep]], strict=True)])
    return gpd.GeoDataFrame(cells, geometry=shapely.centroid(pieces[keep]), crs=quarters.crs)


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
    """
    figures = _value_columns(table)
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
    lower, upper = parse_age_band(figure)
    upper = np.inf if upper is None else upper
    covering = []
    for band in grid_bands:
        band_lower, band_upper = parse_age_band(band)
        band_upper = np.inf if band_upper is None else band_upper
        if band_lower <= upper and lower <= band_upper:
            covering.append(band)
    if not covering:
        return cells["total"].astype(float)
    return cells[covering].sum(axis=1).astype(float)
