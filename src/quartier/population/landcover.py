"""How much of each grid piece lies on a land layer (residential land or uninhabited cover).

Used by :func:`quartier.population.spread_quarter_totals` to put residents only where people
can live. Everything is vectorised over (piece, polygon) pairs found with an STRtree; only the
pairs that cut each other need an intersection.
"""

from __future__ import annotations

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["dissolve_overlaps", "overlap_with_pieces", "split_by_tiles", "TILE_M"]

#: Edge of the tiles large polygons are cut into before they meet the grid (metres).
TILE_M = 1000.0


def dissolve_overlaps(polygons: np.ndarray) -> np.ndarray:
    """Polygons whose interiors do not overlap, covering the same land as ``polygons``.

    Only groups of polygons whose interiors overlap are merged (one union per connected
    group); polygons that merely touch stay apart, so the expensive union of a whole land-cover
    layer is avoided.

    Parameters
    ----------
    polygons : array of shapely geometries
        Polygons or multipolygons (other geometry types are dropped).

    Returns
    -------
    array of shapely Polygons
        Pairwise interior-disjoint: the area of land covered inside any region is the sum of
        their areas inside it.
    """
    parts = shapely.get_parts(np.asarray(polygons, dtype=object))
    parts = parts[(shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)]
    invalid = ~shapely.is_valid(parts)
    if invalid.any():
        repaired = shapely.get_parts(shapely.make_valid(parts[invalid]))
        parts = np.concatenate([parts[~invalid],
                                repaired[shapely.get_type_id(repaired) == 3]])
    if len(parts) < 2:
        return parts
    tree = shapely.STRtree(parts)
    first, second = tree.query(parts, predicate="intersects")
    keep = first < second
    first, second = first[keep], second[keep]
    overlapping = shapely.relate_pattern(parts[first], parts[second], "T********")
    first, second = first[overlapping], second[overlapping]
    if not len(first):
        return parts
    _, group = connected_components(
        coo_matrix((np.ones(len(first)), (first, second)), shape=(len(parts), len(parts))),
        directed=False)
    order = np.argsort(group, kind="stable")
    sorted_group = group[order]
    starts = np.flatnonzero(np.r_[True, sorted_group[1:] != sorted_group[:-1]])
    ends = np.r_[starts[1:], len(order)]
    single = (ends - starts) == 1
    merged = [shapely.union_all(parts[order[start:end]])
              for start, end in zip(starts[~single], ends[~single], strict=True)]
    result = np.concatenate([parts[order[starts[single]]],
                             shapely.get_parts(np.array(merged, dtype=object))])
    return result[(shapely.get_type_id(result) == 3) & ~shapely.is_empty(result)]


def overlap_with_pieces(pieces: np.ndarray, squares: np.ndarray, piece_cell: np.ndarray,
                        whole: np.ndarray, polygons: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Area and centroid of every (piece, polygon) overlap.

    Parameters
    ----------
    pieces : array of shapely geometries
        Grid pieces (a cell clipped to one quarter).
    squares : array of shapely Polygons
        The grid's cells; ``squares[piece_cell[i]]`` is the cell of ``pieces[i]``.
    piece_cell : array of int
        Cell index of each piece.
    whole : array of bool
        True where the piece is its whole cell (no quarter boundary crosses it).
    polygons : array of shapely Polygons
        The land layer.

    Returns
    -------
    piece_index, polygon_index : arrays of int
        The overlapping pairs.
    area : array of float
        Area of ``pieces[piece_index] ∩ polygons[polygon_index]``.
    centroid : (n, 2) array of float
        Centroid of that overlap.

    Notes
    -----
    Cells lying wholly inside a polygon (area = cell area, found by a prepared predicate) and
    polygons lying wholly inside a cell (area = polygon area, found by their bounding boxes)
    need no intersection; the remaining pairs are clipped to the cell. Cells are shared by the
    pieces of several quarters; a boundary piece is intersected with the polygon directly.
    """
    empty = (np.empty(0, dtype=int), np.empty(0, dtype=int), np.empty(0),
             np.empty((0, 2)))
    if not len(polygons) or not len(pieces):
        return empty
    polygons, owner = split_by_tiles(polygons)
    cells = np.unique(piece_cell)
    cell_squares = squares[cells]
    square_tree = shapely.STRtree(cell_squares)
    polygon_index, cell_pos = square_tree.query(polygons, predicate="intersects")
    inside_polygon, inside_cell = square_tree.query(polygons, predicate="contains")
    n = len(polygons)
    key = cell_pos * n + polygon_index
    covered = np.isin(key, inside_cell * n + inside_polygon)
    # a cell is a rectangle: it contains a polygon exactly when it contains its bounding box
    box = shapely.bounds(polygons)[polygon_index]
    cell_box = shapely.bounds(cell_squares)[cell_pos]
    enclosed = ((box[:, :2] >= cell_box[:, :2]).all(axis=1)
                & (box[:, 2:] <= cell_box[:, 2:]).all(axis=1) & ~covered)
    cell_of_pair = cells[cell_pos]

    # pair each piece with the polygons meeting its cell
    order = np.argsort(cell_of_pair, kind="stable")
    pair_cells = cell_of_pair[order]
    first = np.searchsorted(pair_cells, piece_cell, side="left")
    last = np.searchsorted(pair_cells, piece_cell, side="right")
    counts = last - first
    piece_index = np.repeat(np.arange(len(pieces)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    pair = order[np.repeat(first, counts) + offsets]
    polygon_of = polygon_index[pair]
    geometry = np.empty(len(pair), dtype=object)
    full, small = covered[pair], enclosed[pair]
    geometry[full] = pieces[piece_index[full]]  # the whole cell lies in the polygon
    in_whole = small & whole[piece_index]
    geometry[in_whole] = polygons[polygon_of[in_whole]]  # the polygon lies in the whole cell
    rest = np.flatnonzero(~full & ~in_whole)
    # a polygon inside a cut piece needs no intersection either (prepared predicate, cheap)
    candidates = rest[small[rest]]
    candidate_pieces = pieces[piece_index[candidates]]
    shapely.prepare(candidate_pieces)
    inside = shapely.contains(candidate_pieces, polygons[polygon_of[candidates]])
    geometry[candidates[inside]] = polygons[polygon_of[candidates[inside]]]
    rest = np.setdiff1d(rest, candidates[inside], assume_unique=True)
    in_cell = rest[whole[piece_index[rest]]]
    geometry[in_cell] = _clip_to_cells(polygons[polygon_of[in_cell]], squares,
                                       piece_cell[piece_index[in_cell]])
    cut = rest[~whole[piece_index[rest]]]
    geometry[cut] = shapely.intersection(pieces[piece_index[cut]], polygons[polygon_of[cut]])
    area = shapely.area(geometry)
    centroid = shapely.get_coordinates(shapely.centroid(geometry), include_z=False)
    if len(centroid) != len(geometry):  # empty overlaps have no centroid coordinates
        centroid = np.full((len(geometry), 2), np.nan)
        present = ~shapely.is_empty(geometry)
        centroid[present] = shapely.get_coordinates(shapely.centroid(geometry[present]))
    positive = area > 0
    return (piece_index[positive], owner[polygon_of[positive]], area[positive],
            centroid[positive])


def _clip_to_cells(polygons: np.ndarray, squares: np.ndarray, cell: np.ndarray) -> np.ndarray:
    """``polygons[i] ∩ squares[cell[i]]`` by rectangle clipping, one call per cell.

    GEOS' rectangle clipping is several times faster than a general intersection, but takes
    one rectangle per call. Where a polygon's boundary only touches the cell it can take the
    cell for outside although it is inside (or the reverse); results that are empty or the
    whole cell are therefore checked by a general intersection.
    """
    result = np.empty(len(polygons), dtype=object)
    if not len(polygons):
        return result
    order = np.argsort(cell, kind="stable")
    sorted_cell = cell[order]
    starts = np.flatnonzero(np.r_[True, sorted_cell[1:] != sorted_cell[:-1]])
    ends = np.r_[starts[1:], len(order)]
    bounds = shapely.bounds(squares[sorted_cell[starts]])
    for (start, end), (xmin, ymin, xmax, ymax) in zip(zip(starts, ends, strict=True), bounds,
                                                     strict=True):
        members = order[start:end]
        result[members] = shapely.clip_by_rect(polygons[members], xmin, ymin, xmax, ymax)
    area = shapely.area(result)
    cell_area = shapely.area(squares[cell])
    doubtful = (area <= 1e-9 * cell_area) | (area >= (1 - 1e-9) * cell_area)
    result[doubtful] = shapely.intersection(squares[cell[doubtful]], polygons[doubtful])
    return result


def split_by_tiles(polygons: np.ndarray, tile: float = TILE_M, min_coordinates: int = 64
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Cut polygons with many vertices that span several tiles into one part per tile.

    An intersection costs time in proportion to the vertices of both geometries; a forest of
    thousands of vertices met by thousands of grid cells is much cheaper cut into 1 km tiles
    first (a cheap step: one intersection per polygon and tile).

    Returns
    -------
    parts : array of shapely Polygons
        Polygons that were small or within one tile, then the tile parts of the others.
    owner : array of int
        Index into ``polygons`` of each part.
    """
    bounds = shapely.bounds(polygons)
    first = np.floor(bounds[:, :2] / tile).astype(np.int64)
    last = np.floor(bounds[:, 2:] / tile).astype(np.int64)
    big = ((shapely.get_num_coordinates(polygons) > min_coordinates)
           & (first != last).any(axis=1))
    index = np.flatnonzero(big)
    if not len(index):
        return polygons, np.arange(len(polygons))
    columns = last[index, 0] - first[index, 0] + 1
    count = columns * (last[index, 1] - first[index, 1] + 1)
    owner = np.repeat(index, count)
    k = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    tile_x = np.repeat(first[index, 0], count) + k % np.repeat(columns, count)
    tile_y = np.repeat(first[index, 1], count) + k // np.repeat(columns, count)
    tiles = shapely.box(tile_x * tile, tile_y * tile, (tile_x + 1) * tile, (tile_y + 1) * tile)
    hit = shapely.intersects(polygons[owner], tiles)
    cut, which = shapely.get_parts(shapely.intersection(polygons[owner[hit]], tiles[hit]),
                                   return_index=True)
    polygonal = shapely.get_type_id(cut) == 3
    small = np.flatnonzero(~big)
    return (np.concatenate([polygons[small], cut[polygonal]]),
            np.concatenate([small, owner[hit][which[polygonal]]]))
