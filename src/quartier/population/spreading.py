"""Quarter totals spread over a 100 m grid clipped to each quarter, where people live.

:func:`spread_quarter_totals` weights each cell piece by its residential area (or weight), by
its area outside land where nobody lives, or by its area; :func:`spread_where_people_live` adds
the study's findings. :func:`check_grid_size` stops a grid too large before it is built.
"""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from quartier.format import format_number
from quartier.population.cells import CELL_SIZE_M, PopulationMethod, value_columns
from quartier.population.landcover import dissolve_overlaps, overlap_with_pieces
from quartier.validation import StudyError, ValidationReport, format_ids

__all__ = [
    "MAX_GRID_CELLS",
    "MIN_HABITABLE_M2",
    "check_grid_size",
    "spread_quarter_totals",
    "spread_where_people_live",
]

#: Upper bound on the cells of a spread grid (5 million 100 m cells = 50,000 km² of bounding
#: box, far beyond any town; about 2 GB of geometries).
MAX_GRID_CELLS = 5_000_000
#: Pieces with less habitable area than this (1 % of a 100 m cell) count as uninhabited.
MIN_HABITABLE_M2 = 100.0


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
    columns = value_columns(table)
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
