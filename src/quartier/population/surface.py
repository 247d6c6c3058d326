"""The population surface: residents (by age band) on 100 m cells, each cell in one quarter.

Three ways to build it, all conserving the totals they start from:

- :func:`cells_from_grid` — a census grid (Zensus 2022): each cell goes to the quarter that
  contains its centre, or (``split_boundary=True``) boundary cells are split by area share;
- :func:`spread_quarter_totals` — only quarter totals: spread over a 100 m grid clipped to each
  quarter, only where people live (a residential layer, or the quarter minus land cover where
  nobody lives) or, failing both, uniformly by area;
- :func:`calibrate_to_quarters` — a grid *and* a register table per quarter: the register's
  figures per quarter and band are distributed over the quarter's cells in proportion to the
  grid (the grid gives the *where*, the register the *how many*).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from quartier.assign import assign_points
from quartier.format import format_number
from quartier.load.population import age_bands, parse_age_band
from quartier.population.landcover import dissolve_overlaps, overlap_with_pieces
from quartier.validation import StudyError, ValidationReport, format_ids

__all__ = ["cells_from_grid", "context_cells_from_grid", "spread_quarter_totals",
           "spread_where_people_live", "calibrate_to_quarters",
           "check_grid_size", "fill_suppressed_bands", "PopulationMethod", "CELL_SIZE_M",
           "MAX_GRID_CELLS", "MIN_HABITABLE_M2"]

CELL_SIZE_M = 100.0
#: Upper bound on the cells of a spread grid (5 million 100 m cells = 50,000 km² of bounding
#: box, far beyond any town; about 2 GB of geometries).
MAX_GRID_CELLS = 5_000_000
#: Pieces with less habitable area than this (1 % of a 100 m cell) count as uninhabited.
MIN_HABITABLE_M2 = 100.0


@dataclass(frozen=True)
class PopulationMethod:
    """How a population surface placed residents (``surface.attrs["population_method"]``).

    Attributes
    ----------
    kind : str
        ``"grid"`` (census grid as it is), ``"grid_calibrated"`` (grid calibrated to register
        totals per quarter and band), ``"uniform"`` (quarter totals spread evenly over the
        area), ``"residential"`` (over residential land), ``"residential_weighted"`` (over
        residential polygons by their weight) or ``"uninhabited"`` (over the quarter minus
        land cover where nobody lives).
    evenly_spread : tuple of str
        Quarters with residents but no residential area left, spread evenly over their area.
    sources : tuple of str
        Files of the land layer used (names only).
    """

    kind: str
    evenly_spread: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


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
    columns = _value_columns(grid)
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


def spread_quarter_totals(table: pd.DataFrame, quarters: gpd.GeoDataFrame, *,
                          cell_size: float = CELL_SIZE_M,
                          residential: gpd.GeoDataFrame | None = None,
                          uninhabited: gpd.GeoDataFrame | None = None,
                          max_cells: int = MAX_GRID_CELLS,
                          min_habitable_m2: float = MIN_HABITABLE_M2) -> gpd.GeoDataFrame:
    """Spread quarter totals over a regular grid clipped to each quarter, where people live.

    Parameters
    ----------
    table : DataFrame
        ``quarter_id``, ``total`` and ``age_*`` bands per quarter.
    quarters : GeoDataFrame
        Quarter polygons (projected CRS in metres).
    cell_size : float, default 100
        Grid spacing in metres; the grid is aligned to multiples of ``cell_size``.
    residential : GeoDataFrame, optional
        Where people live: residential land use, building footprints or statistical blocks
        (polygons), optionally with a column ``weight`` (residents, dwellings, floor area).
        Without ``weight`` a piece's weight is its residential area (overlapping polygons
        count once); with it, each polygon's weight is shared among the pieces by the part of
        its area inside them.
    uninhabited : GeoDataFrame, optional
        Where nobody lives (forest, water, …): a piece's weight is its area outside these
        polygons. Pieces with less than ``min_habitable_m2`` left count as uninhabited (slivers
        between land-cover polygons and quarter boundaries). Ignored when ``residential`` is
        given.
    max_cells : int, default :data:`MAX_GRID_CELLS`
        Upper bound on the cells of the grid over the quarters' bounding box, checked before
        anything is allocated (:func:`check_grid_size`).
    min_habitable_m2 : float, default 100
        See ``uninhabited``.

    Returns
    -------
    GeoDataFrame
        One row per cell piece with residents (``cell_id`` like ``100mN5465000E476000``,
        ``quarter_id``, ``total``, bands); the point is the centroid of the piece's part where
        people live (of the piece when spread evenly). ``attrs["population_method"]`` holds a
        :class:`PopulationMethod` naming the method and the quarters spread evenly because no
        residential area was left in them.

    Raises
    ------
    StudyError
        When the grid would exceed ``max_cells`` (e.g. a quarter with a vertex typo far away).

    Notes
    -----
    :math:`x_p = X_q \\cdot w_p / \\sum_{p' \\in q} w_{p'}` for every figure *X* (total and
    each band) of quarter *q*, so :math:`\\sum_{p \\in q} x_p = X_q` exactly. The weight
    :math:`w_p` of piece *p* is its area :math:`a_p` (uniform), its residential area
    :math:`|p \\cap R|`, the weighted share :math:`\\sum_k W_k |p \\cap R_k| / |R_k|` of the
    residential polygons :math:`R_k` with weights :math:`W_k`, or its area outside the
    uninhabited land :math:`a_p - |p \\cap U|`. Where a quarter's weights add up to 0 it falls
    back to :math:`w_p = a_p`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> import pandas as pd
    >>> from shapely.geometry import box
    >>> quarters = gpd.GeoDataFrame({"quarter_id": ["01"]}, geometry=[box(0, 0, 200, 100)],
    ...                             crs="EPSG:25832")
    >>> table = pd.DataFrame({"quarter_id": ["01"], "total": [100.0]})
    >>> cells = spread_quarter_totals(table, quarters)
    >>> len(cells), cells["total"].tolist()  # two 100 m cells of equal area share the total
    (2, [50.0, 50.0])
    """
    check_grid_size(quarters, cell_size=cell_size, max_cells=max_cells)
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
    centre = shapely.get_coordinates(shapely.centroid(pieces))
    centre = centre if len(centre) == len(pieces) else _centroids(pieces)
    weight, point, kind = area, centre, "uniform"
    if residential is not None and len(residential):
        weight, point, kind = _residential_weights(pieces, squares, cell_index, whole,
                                                   residential.to_crs(quarters.crs))
    elif uninhabited is not None and len(uninhabited):
        weight, point = _habitable_weights(pieces, squares, cell_index, whole, area, centre,
                                           uninhabited.to_crs(quarters.crs), min_habitable_m2)
        kind = "uninhabited"
    quarter_ids = quarters["quarter_id"].to_numpy()[quarter_index]
    frame = pd.DataFrame({"quarter_id": quarter_ids, "weight": weight, "area": area})
    weight_sum = frame.groupby("quarter_id")["weight"].transform("sum").to_numpy()
    area_sum = frame.groupby("quarter_id")["area"].transform("sum").to_numpy()
    fallback = weight_sum <= 0
    share = np.where(fallback, area / np.where(area_sum > 0, area_sum, 1),
                     weight / np.where(weight_sum > 0, weight_sum, 1))
    point = np.where(fallback[:, None], centre, point)
    totals = values["total"].reindex(quarter_ids).to_numpy(dtype=float)
    evenly = (pd.unique(quarter_ids[fallback & (totals > 0)]) if kind != "uniform"
              else np.empty(0, dtype=object))
    keep = share > 0
    figures = values.reindex(quarter_ids[keep]).to_numpy(dtype=float) * share[keep][:, None]
    cells = pd.DataFrame(figures, columns=columns)
    cells.insert(0, "quarter_id", quarter_ids[keep])
    cells.insert(0, "cell_id", [f"{cell_size:.0f}mN{y:.0f}E{x:.0f}" for x, y in
                                zip(gx[cell_index[keep]], gy[cell_index[keep]], strict=True)])
    result = gpd.GeoDataFrame(cells, geometry=shapely.points(point[keep]), crs=quarters.crs)
    result.attrs["population_method"] = PopulationMethod(
        kind=kind, evenly_spread=tuple(str(q) for q in evenly))
    return result


def spread_where_people_live(table: pd.DataFrame, quarters: gpd.GeoDataFrame, *,
                             residential: gpd.GeoDataFrame | None = None,
                             uninhabited: gpd.GeoDataFrame | None = None,
                             report: ValidationReport | None = None) -> gpd.GeoDataFrame:
    """:func:`spread_quarter_totals` with the study's land layers, findings in ``report``.

    Warns, naming each quarter, where residents had to be spread evenly because no residential
    area was left; notes that the uninhabited layer is not used when a residential one is
    given. ``attrs["population_method"].sources`` names the files of the layer used.

    Examples
    --------
    >>> import geopandas as gpd
    >>> import pandas as pd
    >>> from shapely.geometry import box
    >>> quarters = gpd.GeoDataFrame({"quarter_id": ["01"]}, geometry=[box(0, 0, 200, 100)],
    ...                             crs="EPSG:25832")
    >>> table = pd.DataFrame({"quarter_id": ["01"], "total": [100.0]})
    >>> homes = gpd.GeoDataFrame(geometry=[box(0, 0, 100, 100)], crs="EPSG:25832")
    >>> cells = spread_where_people_live(table, quarters, residential=homes)
    >>> float(cells["total"].sum()), len(cells)  # everyone in the one cell with housing
    (100.0, 1)
    """
    report = report if report is not None else ValidationReport()
    if residential is not None and uninhabited is not None:
        report.add("note", "uninhabited_unused", "population.uninhabited",
                   "Es gibt eine Ebene der Wohnflächen; die Ebene der unbewohnten Flächen wird "
                   "nicht zusätzlich verwendet.", "Eine der beiden Angaben weglassen.")
    surface = spread_quarter_totals(table, quarters, residential=residential,
                                    uninhabited=uninhabited)
    method = surface.attrs["population_method"]
    layer = residential if residential is not None else uninhabited
    if layer is not None and method.kind != "uniform":
        method = replace(method, sources=tuple(pd.unique(layer["source"].astype(str)))
                         if "source" in layer.columns else ())
    if method.evenly_spread:
        names = quarters.set_index("quarter_id")["name"] if "name" in quarters.columns else {}
        listed = [f"{q} ({names[q]})" if q in names else q for q in method.evenly_spread]
        where = ("keine Wohnfläche der Ebene [population.residential]"
                 if method.kind.startswith("residential") else
                 "nach Abzug der unbewohnten Flächen ([population.uninhabited]) keine Fläche")
        report.add("warning", "evenly_spread", "population",
                   f"{len(listed)} Quartiere haben Einwohner*innen, aber {where}; ihre "
                   f"Einwohner*innen werden gleichmäßig über die ganze Fläche verteilt: "
                   f"{format_ids(listed)}.", "Die Flächenebene für diese Quartiere prüfen "
                   "(fehlen Wohngebiete, oder deckt eine Wald- oder Wasserfläche bewohntes Land "
                   "ab?).", rows=format_ids(method.evenly_spread))
    surface.attrs["population_method"] = method
    return surface


def _centroids(geometries: np.ndarray) -> np.ndarray:
    """(n, 2) centroids, NaN for empty geometries."""
    result = np.full((len(geometries), 2), np.nan)
    present = ~shapely.is_empty(geometries)
    result[present] = shapely.get_coordinates(shapely.centroid(geometries[present]))
    return result


def _habitable_weights(pieces: np.ndarray, squares: np.ndarray, cell_index: np.ndarray,
                       whole: np.ndarray, area: np.ndarray, centre: np.ndarray,
                       uninhabited: gpd.GeoDataFrame, min_habitable_m2: float
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Area of each piece outside the uninhabited land, and the centroid of that part.

    The centroid follows from the disjoint overlaps without a difference:
    :math:`c = (a_p c_p - \\sum_k a_k c_k) / (a_p - \\sum_k a_k)`.
    """
    parts = dissolve_overlaps(uninhabited.geometry.to_numpy())
    piece, _, overlap, overlap_centre = overlap_with_pieces(pieces, squares, cell_index, whole,
                                                            parts)
    masked = np.bincount(piece, weights=overlap, minlength=len(pieces))
    moment = np.column_stack([
        np.bincount(piece, weights=overlap * overlap_centre[:, i], minlength=len(pieces))
        for i in range(2)])
    habitable = np.clip(area - masked, 0.0, None)
    habitable[habitable < min_habitable_m2] = 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        point = (area[:, None] * centre - moment) / habitable[:, None]
    point = np.where((habitable > 0)[:, None], point, centre)
    return habitable, point


def _residential_weights(pieces: np.ndarray, squares: np.ndarray, cell_index: np.ndarray,
                         whole: np.ndarray, residential: gpd.GeoDataFrame
                         ) -> tuple[np.ndarray, np.ndarray, str]:
    """Residential area (or weight) of each piece and the centroid of its residential part."""
    weighted = "weight" in residential.columns
    if weighted:
        rows = residential[residential.geometry.notna()]
        parts, row = shapely.get_parts(rows.geometry.to_numpy(), return_index=True)
        polygon = shapely.get_type_id(parts) == 3
        parts, row = parts[polygon], row[polygon]
        row_area = np.bincount(row, weights=shapely.area(parts), minlength=len(rows))
        density = (rows["weight"].to_numpy(dtype=float)
                   / np.where(row_area > 0, row_area, np.inf))[row]
    else:
        parts = dissolve_overlaps(residential.geometry.to_numpy())
        density = np.ones(len(parts))
    piece, polygon_index, overlap, overlap_centre = overlap_with_pieces(
        pieces, squares, cell_index, whole, parts)
    contribution = overlap * density[polygon_index]
    weight = np.bincount(piece, weights=contribution, minlength=len(pieces))
    moment = np.column_stack([
        np.bincount(piece, weights=contribution * overlap_centre[:, i], minlength=len(pieces))
        for i in range(2)])
    with np.errstate(invalid="ignore", divide="ignore"):
        point = moment / weight[:, None]
    point = np.where((weight > 0)[:, None], point, shapely.get_coordinates(
        shapely.centroid(squares[cell_index])))
    return weight, point, "residential_weighted" if weighted else "residential"


def check_grid_size(quarters: gpd.GeoDataFrame, *, cell_size: float = CELL_SIZE_M,
                    max_cells: int = MAX_GRID_CELLS) -> int:
    """Number of cells of a grid over the quarters; an error before a grid too large is built.

    A quarter with a vertex typo hundreds of kilometres away would make the grid over the
    bounding box allocate gigabytes or more; this is the last line of defence before that.

    Returns
    -------
    int
        Cells of the grid over the quarters' bounding box.

    Raises
    ------
    StudyError
        With one error naming the extent and the quarters lying farthest out, when the grid
        would have more than ``max_cells`` cells or the bounds are not finite.
    """
    geometry = quarters.geometry.to_numpy()
    bounds = shapely.bounds(geometry)
    empty = shapely.is_missing(geometry) | shapely.is_empty(geometry)  # no bounds, no cells
    usable = ~empty & np.isfinite(bounds).all(axis=1)
    broken = ~empty & ~usable  # infinite or NaN coordinates
    if not usable.any() and not broken.any():
        return 0
    cells = 0.0
    minx = miny = maxx = maxy = 0.0
    if usable.any():
        minx, miny = bounds[usable, 0].min(), bounds[usable, 1].min()
        maxx, maxy = bounds[usable, 2].max(), bounds[usable, 3].max()
        columns = np.ceil((maxx - np.floor(minx / cell_size) * cell_size) / cell_size)
        rows = np.ceil((maxy - np.floor(miny / cell_size) * cell_size) / cell_size)
        cells = columns * rows
    if not broken.any() and cells <= max_cells:
        return int(cells)
    reach = np.full(len(bounds), -np.inf)
    reach[broken] = np.inf
    if usable.any():
        centre = np.median((bounds[usable, :2] + bounds[usable, 2:]) / 2, axis=0)
        reach[usable] = np.max(np.abs(bounds[usable] - np.tile(centre, 2)), axis=1)
    typical = np.median(reach[usable]) if usable.any() else 0.0
    order = np.argsort(-reach, kind="stable")
    farthest = order[:max(1, min(3, int((reach > 3 * typical).sum())))]
    names = quarters["name"].to_numpy() if "name" in quarters.columns else None
    listed = ", ".join(
        f"{quarters['quarter_id'].iloc[i]}" + (f" ({names[i]})" if names is not None else "")
        + (f" bis {format_number(reach[i] / 1000)} km vom Mittelpunkt"
           if np.isfinite(reach[i]) else " ohne gültige Koordinaten")
        for i in farthest)
    report = ValidationReport()
    problem = (f"Ein {cell_size:.0f}-m-Gitter über die Quartiere lässt sich nicht bauen: "
               f"Quartiere haben ungültige Koordinaten: {listed}." if broken.any() else
               f"Ein {cell_size:.0f}-m-Gitter über die Quartiere "
               f"({format_number((maxx - minx) / 1000, 1)} × "
               f"{format_number((maxy - miny) / 1000, 1)} km) hätte "
               f"{format_number(cells)} Zellen, mehr als die Obergrenze von "
               f"{format_number(max_cells)}. Am weitesten außen liegen: {listed}.")
    report.add("error", "grid_too_large", "quarters", problem,
               "Die Koordinaten dieser Quartiere prüfen (Tippfehler in einer Ecke? anderes "
               "Koordinatensystem?).", rows=", ".join(
                   str(quarters["quarter_id"].iloc[i]) for i in farthest))
    raise StudyError(report)


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
