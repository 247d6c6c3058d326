"""Walking distances on the network: nearest facility and 2SFCA with network catchments.

Same API and results as the straight-line :func:`quartier.nearest_distance` and
:func:`quartier.two_step_fca`, with the straight line replaced by the walk: from a point
straight to its nearest network node (the off-network *leg*), along the shortest path, and
straight from the destination's node to the destination.
"""

from __future__ import annotations

import hashlib
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse
from scipy.sparse.csgraph import dijkstra

from quartier.indicators.catchment import (
    Decay,
    access_from_pairs,
    check_fca_arguments,
    column_values,
)
from quartier.indicators.distance import check_same_crs, point_coordinates
from quartier.streets.graph import WalkingNetwork

__all__ = ["network_nearest_distance", "network_two_step_fca", "snap_to_network"]

# Distances held at once by a batch of bounded searches in the 2SFCA (float64 each: 128 MiB).
_BATCH_ENTRIES = 1 << 24
# snaps remembered per network (each entry 16 bytes per point)
_REMEMBERED_SNAPS = 8
# relative and absolute (metres) margin of the bounded search, as in quartier.two_step_fca
_SEARCH_MARGIN = 1e-9


def snap_to_network(x: Any, y: Any, network: WalkingNetwork) -> tuple[np.ndarray, np.ndarray]:
    """Nearest network node and the straight off-network leg to it, for each point.

    Parameters
    ----------
    x, y : array-like of float
        Point coordinates in the network's CRS (metres).
    network : WalkingNetwork

    Returns
    -------
    node : ndarray of int64
        Position of the nearest node (any one of several at the same distance).
    leg : ndarray of float64
        :math:`\\sqrt{(x - x_n)^2 + (y - y_n)^2}` in metres, computed from the coordinates.

    Notes
    -----
    The nearest node comes from a k-d tree of the nodes, built once per network. The last
    few snaps are remembered on the network, keyed by a BLAKE2b digest of the coordinates, so
    that the same cells snapped again for each category cost one hash.

    Examples
    --------
    >>> import numpy as np
    >>> from quartier.streets.graph import network_from_edges
    >>> net = network_from_edges(np.array([0.0, 100.0]), np.zeros(2), np.array([0]),
    ...                          np.array([1]), "EPSG:25832")
    >>> node, leg = snap_to_network([90.0], [40.0], net)
    >>> node.tolist(), leg.round(6).tolist()
    ([1], [41.231056])
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} values but y has {len(y)}.")
    if len(x) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("Point coordinates must be finite to be snapped to the network.")
    xy = np.column_stack([x, y])
    key = hashlib.blake2b(xy.tobytes(), digest_size=20).digest()
    remembered = network.snapped_points.get(key)
    if remembered is not None:
        return remembered[0].copy(), remembered[1].copy()
    _, node = network.node_tree.query(xy, k=1, workers=-1)
    node = np.asarray(node, dtype=np.int64)
    dx, dy = x - network.x[node], y - network.y[node]
    leg = np.sqrt(dx * dx + dy * dy)
    if len(network.snapped_points) >= _REMEMBERED_SNAPS:
        network.snapped_points.pop(next(iter(network.snapped_points)))
    network.snapped_points[key] = (node.copy(), leg.copy())
    return node, leg


def snapped_nodes(points: Any, network: WalkingNetwork, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Snap points (GeoSeries/GeoDataFrame in the network's CRS, or an (n, 2) array)."""
    xy, crs = point_coordinates(points, what)
    if crs is not None:
        check_same_crs(crs, network.crs, what, "the walking network")
    return snap_to_network(xy[:, 0], xy[:, 1], network)


def _graph_with_source(graph: scipy.sparse.csr_matrix, nodes: np.ndarray,
                       weights: np.ndarray) -> scipy.sparse.csr_matrix:
    """The graph plus one more node (the last) with directed edges to ``nodes``."""
    n = graph.shape[0]
    index_type = graph.indices.dtype
    indptr = np.append(graph.indptr, graph.indptr[-1] + len(nodes)).astype(index_type)
    indices = np.concatenate([graph.indices, nodes.astype(index_type)])
    data = np.concatenate([graph.data, weights])
    return scipy.sparse.csr_matrix((data, indices, indptr), shape=(n + 1, n + 1))


def network_nearest_distance(origins: Any, destinations: Any,
                             network: WalkingNetwork) -> np.ndarray:
    """Walking distance in metres from each origin to the nearest destination.

    Parameters
    ----------
    origins, destinations : GeoSeries, GeoDataFrame or array of shape (n, 2)
        Points in the network's CRS (a different CRS raises ValueError; arrays are taken to be
        in it).
    network : WalkingNetwork

    Returns
    -------
    ndarray of float64, shape (n_origins,)
        In the order of ``origins``; ``inf`` where no destination can be reached (no
        destinations at all), as :func:`quartier.nearest_distance`, so that
        :func:`quartier.coverage_by_group` and :func:`quartier.weighted_median_by_group` take it
        unchanged.

    Notes
    -----
    With :math:`n(p)` the nearest node of point :math:`p`, :math:`\\ell(p)` the straight leg
    to it, and :math:`D` the shortest-path length on the network,

    .. math:: d(o) = \\ell(o) + \\min_j \\big( D(n(o), n(t_j)) + \\ell(t_j) \\big)

    computed by one Dijkstra run (:func:`scipy.sparse.csgraph.dijkstra`) from a virtual
    source joined to each destination's node by an edge as long as the shortest leg of the
    destinations there; the legs are therefore exact, not approximated by the node.

    Examples
    --------
    A street from (0, 0) to (300, 0) to (300, 400); an origin 10 m beside its start, a facility
    20 m beside its end:

    >>> import numpy as np
    >>> from quartier.streets.graph import network_from_edges
    >>> net = network_from_edges(np.array([0.0, 300.0, 300.0]), np.array([0.0, 0.0, 400.0]),
    ...                          np.array([0, 1]), np.array([1, 2]), "EPSG:25832")
    >>> network_nearest_distance(np.array([[0.0, -10.0]]), np.array([[320.0, 400.0]]),
    ...                          net).tolist()
    [730.0]
    """
    origin_node, origin_leg = snapped_nodes(origins, network, "origins")
    target_node, target_leg = snapped_nodes(destinations, network, "destinations")
    if len(target_node) == 0 or len(origin_node) == 0:
        return np.full(len(origin_node), np.inf, dtype=np.float64)
    n = network.n_nodes
    shortest_leg = np.full(n, np.inf)
    np.minimum.at(shortest_leg, target_node, target_leg)
    nodes = np.flatnonzero(np.isfinite(shortest_leg))
    graph = _graph_with_source(network.graph, nodes, shortest_leg[nodes])
    from_source = dijkstra(graph, directed=True, indices=n)
    return origin_leg + from_source[origin_node]


def network_two_step_fca(
    demand: gpd.GeoDataFrame,
    supply: gpd.GeoDataFrame,
    network: WalkingNetwork,
    max_distance: float,
    *,
    demand_column: str,
    supply_column: str | None = None,
    decay: Decay | None = None,
    workers: int = -1,
) -> pd.Series:
    """Two-step floating catchment accessibility with walking distances (2SFCA/E2SFCA).

    Parameters
    ----------
    demand, supply : GeoDataFrame
        Points in the network's CRS, as in :func:`quartier.two_step_fca`.
    network : WalkingNetwork
    max_distance : float
        Catchment cut-off :math:`d_0` in metres of walking, inclusive.
    demand_column, supply_column, decay
        As :func:`quartier.two_step_fca` (the decay applies to the walking distance).
    workers : int, default -1
        Accepted for the same signature; the searches run on one thread.

    Returns
    -------
    Series of float64
        Accessibility :math:`A_i`, indexed like ``demand``, named ``"access"``; NaN where a
        demand location reaches no facility within ``max_distance``.

    Notes
    -----
    Exactly the formulas and conventions of :func:`quartier.two_step_fca` (steps 1 and 2 are
    the same code), with :math:`d_{ij} = \\ell(j) + D(n(j), n(i)) + \\ell(i)` (legs and
    shortest path as in :func:`network_nearest_distance`). The pairs with
    :math:`d_{ij} \\le d_0` come from one Dijkstra search per facility bounded at
    :math:`d_0 - \\ell(j)`, run in batches of facilities whose distance rows together hold at
    most :math:`2^{24}` values; only the sparse pairs are kept.

    Examples
    --------
    A street from (0, 0) to (300, 0) to (300, 400) with a facility of 8 places 20 m beside its end;
    10 residents walk 730 m to it, 30 residents 430 m. Within 800 m both groups share the places
    (8 / 40 = 0.2 each); within 500 m only the 30 do (8 / 30), the others reach nothing (NaN):

    >>> import geopandas as gpd
    >>> import numpy as np
    >>> from quartier.streets.graph import network_from_edges
    >>> net = network_from_edges(np.array([0.0, 300.0, 300.0]), np.array([0.0, 0.0, 400.0]),
    ...                          np.array([0, 1]), np.array([1, 2]), "EPSG:25832")
    >>> demand = gpd.GeoDataFrame({"residents": [10, 30]},
    ...                           geometry=gpd.points_from_xy([0, 300], [-10, -10]),
    ...                           crs="EPSG:25832")
    >>> supply = gpd.GeoDataFrame({"places": [8]}, geometry=gpd.points_from_xy([320], [400]),
    ...                           crs="EPSG:25832")
    >>> network_two_step_fca(demand, supply, net, 800, demand_column="residents",
    ...                      supply_column="places").round(4).tolist()
    [0.2, 0.2]
    >>> network_two_step_fca(demand, supply, net, 500, demand_column="residents",
    ...                      supply_column="places").round(4).tolist()
    [nan, 0.2667]
    """
    d0 = check_fca_arguments(demand, supply, max_distance, decay)
    population = column_values(demand, demand_column, "demand")
    capacity = column_values(supply, supply_column, "supply")
    cell_node, cell_leg = snapped_nodes(demand, network, "demand")
    facility_node, facility_leg = snapped_nodes(supply, network, "supply")
    i, j, d = _network_pairs_within(cell_node, cell_leg, facility_node, facility_leg, network,
                                    d0)
    access = access_from_pairs(i, j, d, population, capacity, decay)
    return pd.Series(access, index=demand.index, name="access", dtype=np.float64)


def _network_pairs_within(
    cell_node: np.ndarray,
    cell_leg: np.ndarray,
    facility_node: np.ndarray,
    facility_leg: np.ndarray,
    network: WalkingNetwork,
    max_distance: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All (cell i, facility j, walking distance d) with d <= max_distance."""
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    n_facilities = len(facility_node)
    if len(cell_node) and n_facilities:
        batch = max(1, _BATCH_ENTRIES // max(network.n_nodes, len(cell_node)))
        reachable = np.flatnonzero(facility_leg <= max_distance)
        for start in range(0, len(reachable), batch):
            members = reachable[start:start + batch]
            legs = facility_leg[members]
            # enlarged a little so that rounding inside the search loses no pair; the exact,
            # inclusive test follows on the summed distance
            limit = (max_distance - legs.min()) * (1 + _SEARCH_MARGIN) + _SEARCH_MARGIN
            from_facility = dijkstra(network.graph, directed=True, indices=facility_node[members],
                                     limit=limit)
            walk = from_facility[:, cell_node]
            del from_facility
            walk += legs[:, None]
            walk += cell_leg[None, :]
            row, cell = np.nonzero(walk <= max_distance)
            parts.append((cell.astype(np.int32), members[row].astype(np.int32),
                          walk[row, cell]))
    if not parts:
        return (np.empty(0, np.int32), np.empty(0, np.int32), np.empty(0, np.float64))
    return tuple(np.concatenate(column) for column in zip(*parts, strict=True))  # type: ignore
