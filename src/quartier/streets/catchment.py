"""Walking catchments: the area from which a facility is reached within a walking distance.

For a map: the stretches of the network walkable from a facility within the distance, widened
by a small radius, as one polygon per facility.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from scipy.sparse.csgraph import dijkstra

from quartier.streets.distance import snapped_nodes
from quartier.streets.graph import WalkingNetwork

__all__ = ["CATCHMENT_RADIUS_M", "walking_catchments"]

#: Default width (metres, either side) of the band drawn around the reached network: about
#: a front garden and a house, the off-network leg a cell centre may still add.
CATCHMENT_RADIUS_M = 30.0
# distances held at once by a batch of bounded searches (float64 each: 32 MiB)
_BATCH_ENTRIES = 1 << 22
# relative and absolute (metres) margin of the bounded search, as in network_two_step_fca
_SEARCH_MARGIN = 1e-9


def walking_catchments(facilities: Any, network: WalkingNetwork, distance: float, *,
                       radius: float = CATCHMENT_RADIUS_M, tolerance: float = 10.0,
                       quad_segs: int = 4) -> gpd.GeoSeries:
    """The walking catchment of each facility: the network reached within ``distance``.

    Parameters
    ----------
    facilities : GeoSeries, GeoDataFrame or array of shape (n, 2)
        Points in the network's CRS (a different CRS raises ValueError).
    network : WalkingNetwork
    distance : float
        Walking distance in metres (a standard's distance or a 2SFCA catchment), inclusive.
    radius : float, default :data:`CATCHMENT_RADIUS_M`
        Half-width in metres of the band drawn around the reached stretches of the network.
    tolerance : float, default 10
        Douglas–Peucker simplification of the result in metres (0 keeps every vertex).
    quad_segs : int, default 4
        Segments per quarter circle of the band's round ends.

    Returns
    -------
    GeoSeries of Polygon/MultiPolygon
        Indexed like ``facilities`` (0…n−1 for an array), in the network's CRS; an empty
        polygon where the facility's own leg to the network is longer than ``distance``.

    Notes
    -----
    With :math:`n(j)` the nearest node of facility :math:`j`, :math:`\\ell(j)` its straight leg
    and :math:`D` the shortest-path length, a point :math:`p` on the edge from node :math:`a`
    to node :math:`b` (length :math:`L`) at distance :math:`s` from :math:`a` is reached when

    .. math:: \\ell(j) + D(n(j), a) + s \\le d

    so from every reached node the edge to each neighbour is drawn for
    :math:`\\min(L, d - \\ell(j) - D(n(j), a))` metres (edges are straight between their
    nodes, so the partly walked end of an edge is exact). The catchment is the union of these
    stretches and the leg itself, buffered by ``radius`` and simplified by ``tolerance``
    (the stretches are first merged into lines, each line is buffered and the buffers are
    unioned: much faster in GEOS than buffering the whole network piece at once): a
    cell lies in it when the network passes within ``radius`` of it, which is how far its own
    leg may reach; cells with a longer leg need a shorter network walk than the band suggests.
    Searches are bounded Dijkstra runs (:func:`scipy.sparse.csgraph.dijkstra`, ``limit`` =
    :math:`d - \\ell(j)`) in batches of facilities whose distance rows together hold at most
    :math:`2^{22}` values.

    Examples
    --------
    A straight street from (0, 0) to (1000, 0), a facility on it at (200, 0), 300 m:

    >>> import numpy as np
    >>> from quartier.streets.graph import network_from_edges
    >>> net = network_from_edges(np.array([0.0, 200.0, 1000.0]), np.zeros(3), np.array([0, 1]),
    ...                          np.array([1, 2]), "EPSG:25832")
    >>> area = walking_catchments(np.array([[200.0, 0.0]]), net, 300.0, radius=20, tolerance=0)
    >>> [round(v) for v in area.iloc[0].bounds]
    [-20, -20, 520, 20]
    """
    if not np.isfinite(distance) or distance < 0:
        raise ValueError(f"distance must be a walking distance >= 0 in metres, not "
                         f"{distance!r}")
    if not np.isfinite(radius) or radius <= 0:
        raise ValueError(f"radius must be > 0 metres, not {radius!r}")
    node, leg = snapped_nodes(facilities, network, "facilities")
    index = (facilities.index if isinstance(facilities, (gpd.GeoSeries, gpd.GeoDataFrame))
             else None)
    origin = _facility_points(facilities, network)
    result = np.array([shapely.Polygon()] * len(node), dtype=object)
    reachable = np.flatnonzero(leg <= distance)
    if len(reachable):
        batch = max(1, _BATCH_ENTRIES // max(network.n_nodes, 1))
        parts = [_reached_parts(reachable[start:start + batch], node, leg, origin, network,
                                float(distance))
                 for start in range(0, len(reachable), batch)]
        owner = np.concatenate([p[0] for p in parts])
        geometry = np.concatenate([p[1] for p in parts])
        order = np.argsort(owner, kind="stable")
        owner, geometry = owner[order], geometry[order]
        bounds = np.flatnonzero(np.diff(owner)) + 1
        for facility, pieces in zip(owner[np.r_[0, bounds]], np.split(geometry, bounds),
                                    strict=True):
            result[facility] = _band(pieces, radius, quad_segs)
        if tolerance > 0:
            result[reachable] = shapely.simplify(result[reachable], tolerance,
                                                 preserve_topology=True)
    return gpd.GeoSeries(result, index=index, crs=network.crs)


def _band(pieces: np.ndarray, radius: float, quad_segs: int) -> Any:
    """Union of the ``radius`` buffers of points and lines, the lines merged end to end first."""
    line = shapely.get_type_id(pieces) == 1
    merged = shapely.get_parts(shapely.line_merge(shapely.multilinestrings(pieces[line])))
    parts = np.concatenate([pieces[~line], merged])
    return shapely.union_all(shapely.buffer(parts, radius, quad_segs=quad_segs))


def _facility_points(facilities: Any, network: WalkingNetwork) -> np.ndarray:
    """The facilities' coordinates as an (n, 2) array (points of the snap)."""
    if isinstance(facilities, (gpd.GeoSeries, gpd.GeoDataFrame)):
        geometry = facilities.geometry if isinstance(facilities, gpd.GeoDataFrame) \
            else facilities
        return shapely.get_coordinates(shapely.point_on_surface(geometry.to_numpy()))
    return np.asarray(facilities, dtype=np.float64).reshape(-1, 2)


def _reached_parts(members: np.ndarray, node: np.ndarray, leg: np.ndarray, origin: np.ndarray,
                   network: WalkingNetwork, distance: float) -> tuple[np.ndarray, np.ndarray]:
    """(facility, geometry) of the reached stretches of a batch of facilities.

    Each facility gets its own point, its leg to the network (when longer than 0) and, for
    every reached node, the walked part of each edge leaving it.
    """
    budget = distance - leg[members]  # walk left at the facility's node
    limit = budget.max() * (1 + _SEARCH_MARGIN) + _SEARCH_MARGIN
    walked = dijkstra(network.graph, directed=True, indices=node[members], limit=limit)
    walked = np.atleast_2d(walked)
    row, start = np.nonzero(walked <= budget[:, None])
    left = budget[row] - walked[row, start]  # metres still to walk at the reached node

    # the edges leaving each reached node (CSR rows expanded without a Python loop)
    graph = network.graph
    first, count = graph.indptr[start], np.diff(graph.indptr)[start]
    pair = np.repeat(np.arange(len(start)), count)
    offset = np.arange(len(pair)) - np.repeat(np.cumsum(count) - count, count)
    edge = np.repeat(first, count) + offset
    a, b, length = start[pair], graph.indices[edge].astype(np.int64), graph.data[edge]
    row_e, left_a = row[pair], left[pair]
    left_b = budget[row_e] - walked[row_e, b]  # negative (or NaN-free -inf) when b unreached
    whole_from_a = left_a >= length
    whole_from_b = left_b >= length
    # an edge walked whole from b is drawn once from there (from the lower node when both)
    keep = (length > 0) & ~(whole_from_b & (~whole_from_a | (b < a)))
    share = np.minimum(1.0, left_a[keep] / np.where(length[keep] > 0, length[keep], 1.0))
    a, b, row_e = a[keep], b[keep], row_e[keep]
    x0, y0 = network.x[a], network.y[a]
    x1, y1 = x0 + share * (network.x[b] - x0), y0 + share * (network.y[b] - y0)
    edges = shapely.linestrings(np.stack([np.column_stack([x0, y0]),
                                          np.column_stack([x1, y1])], axis=1))

    facility = members
    points = shapely.points(origin[facility])
    with_leg = leg[facility] > 0
    legs = shapely.linestrings(np.stack([origin[facility[with_leg]],
                                         np.column_stack([network.x[node[facility[with_leg]]],
                                                          network.y[node[facility[with_leg]]]])],
                                        axis=1)) if with_leg.any() else np.empty(0, object)
    owner = np.concatenate([facility, facility[with_leg], members[row_e]])
    geometry = np.concatenate([points, np.asarray(legs, dtype=object),
                               np.asarray(edges, dtype=object)])
    return owner, geometry
