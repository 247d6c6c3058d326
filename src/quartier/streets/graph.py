"""The walking network: ways a pedestrian may use, read from an OpenStreetMap extract.

An extract (``.osm.pbf``, ``.osm``, ``.osm.gz``) is read once with pyosmium; every way whose tags
allow walking (:func:`is_walkable`) becomes a chain of edges between its consecutive nodes. Node
coordinates are projected to the working CRS in one vectorised pyproj call, each edge weighs its
Euclidean length there (metres), and only the largest connected component is kept, so that every
origin can reach every destination; the nodes left out are counted for the report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
import scipy.sparse
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from quartier.indicators.distance import check_metric_crs

__all__ = [
    "WalkingNetwork",
    "build_walking_network",
    "is_walkable",
    "network_from_edges",
]

#: ``highway`` values a pedestrian may use unless ``foot``/``access`` say otherwise.
WALKABLE_HIGHWAYS = frozenset({
    "footway", "path", "steps", "pedestrian", "living_street", "residential", "service",
    "track", "unclassified", "road", "tertiary", "tertiary_link", "secondary",
    "secondary_link", "primary", "primary_link", "corridor", "platform", "elevator",
})
#: ``highway`` values open to pedestrians only when ``foot`` allows it explicitly.
FOOT_IF_TAGGED = frozenset({"cycleway", "bridleway", "busway"})
#: ``foot`` values that open a way to pedestrians, whatever ``access`` says.
FOOT_ALLOWED = frozenset({"yes", "designated", "permissive"})
#: ``foot`` / ``access`` values that close a way to pedestrians.
CLOSED = frozenset({"no", "private"})
#: ``foot`` values that send pedestrians onto a separately mapped sidewalk.
FOOT_CLOSED = CLOSED | {"use_sidepath"}

MODES = ("walk",)


@dataclass(frozen=True, eq=False)
class WalkingNetwork:
    """A walking network: nodes in a metric CRS and a symmetric sparse graph of edge lengths.

    Attributes
    ----------
    x, y : ndarray of float64, shape (n,)
        Node coordinates in the working CRS (metres).
    graph : scipy.sparse.csr_matrix, shape (n, n)
        Symmetric; entry (a, b) is the length in metres of the edge between nodes a and b (an
        explicit 0 for two nodes at the same place). Column indices are int32.
    crs : pyproj.CRS
        The working CRS of ``x`` and ``y``.
    source : str
        File name of the extract (for the report).
    dropped_nodes : int
        Walkable nodes left out because they lie outside the largest connected component.
    """

    x: np.ndarray
    y: np.ndarray
    graph: scipy.sparse.csr_matrix
    crs: pyproj.CRS
    source: str
    dropped_nodes: int

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.x)

    @property
    def n_edges(self) -> int:
        """Number of (undirected) edges."""
        return self.graph.nnz // 2

    @cached_property
    def node_tree(self) -> cKDTree:
        """k-d tree of the node coordinates (built on first use, then kept)."""
        return cKDTree(np.column_stack([self.x, self.y]))

    @cached_property
    def snapped_points(self) -> dict[bytes, tuple[np.ndarray, np.ndarray]]:
        """Remembered snaps (node, leg) keyed by a digest of the points' coordinates.

        Filled by :func:`quartier.streets.snap_to_network`, so that the same cells, used for
        every category, are snapped once.
        """
        return {}


def is_walkable(tags: Mapping[str, str], mode: str = "walk") -> bool:
    """Whether a pedestrian may use a way with these OSM tags.

    Parameters
    ----------
    tags : mapping of str to str
        The way's tags (a dict or pyosmium's tag list).
    mode : {"walk"}
        Only walking is supported.

    Returns
    -------
    bool

    Notes
    -----
    A way is walkable when

    - ``highway`` is one of :data:`WALKABLE_HIGHWAYS` (footway, path, steps, pedestrian,
      living_street, residential, service, track, unclassified, road, tertiary … primary and
      their links, corridor, platform, elevator), or one of cycleway/bridleway/busway with
      ``foot`` = yes/designated/permissive; motorway, trunk (and their links), construction,
      proposed, raceway and anything else are never walkable;
    - ``foot`` is not no/private/use_sidepath (``use_sidepath``: the sidewalk is its own way);
    - ``access`` is not no/private, unless ``foot`` = yes/designated/permissive.

    A pedestrian area (``area=yes``) counts by its outline, like any closed way.

    Examples
    --------
    >>> is_walkable({"highway": "residential"})
    True
    >>> is_walkable({"highway": "service", "access": "private"})
    False
    >>> is_walkable({"highway": "service", "access": "private", "foot": "yes"})
    True
    >>> is_walkable({"highway": "trunk"}), is_walkable({"highway": "cycleway", "foot": "yes"})
    (False, True)
    """
    if mode not in MODES:
        raise ValueError(f"Unbekannter Netzmodus {mode!r}; möglich ist nur 'walk'.")
    highway = tags.get("highway")
    foot = tags.get("foot")
    if highway in FOOT_IF_TAGGED:
        return foot in FOOT_ALLOWED
    if highway not in WALKABLE_HIGHWAYS:
        return False
    if foot in FOOT_CLOSED:
        return False
    return not (tags.get("access") in CLOSED and foot not in FOOT_ALLOWED)


# --------------------------------------------------------------------------------------------
# reading the extract
# --------------------------------------------------------------------------------------------


def _import_osmium() -> Any:
    try:
        import osmium
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ImportError(
            "Für OpenStreetMap-Auszüge (.osm.pbf, .osm, .osm.gz) braucht quartier das Paket "
            "'osmium' (pyosmium): pip install \"quartier[osm]\""
        ) from error
    return osmium


def _read_walkable_ways(path: Path, mode: str) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                         np.ndarray]:
    """Node references, longitudes, latitudes and way numbers of every walkable way, in order.

    A node the extract does not contain (a way cut at the extract's border) gets NaN
    coordinates.
    """
    osmium = _import_osmium()
    refs: list[int] = []
    lons: list[float] = []
    lats: list[float] = []
    way_lengths: list[int] = []
    processor = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
        .with_filter(osmium.filter.KeyFilter("highway"))
    )
    nan = float("nan")
    try:
        for way in processor:
            if not is_walkable(way.tags, mode):
                continue
            count = 0
            for node in way.nodes:
                location = node.location
                refs.append(node.ref)
                if location.valid():
                    lons.append(location.lon)
                    lats.append(location.lat)
                else:
                    lons.append(nan)
                    lats.append(nan)
                count += 1
            way_lengths.append(count)
    except RuntimeError as error:
        raise ValueError(
            f"{path.name}: die Datei lässt sich nicht als OpenStreetMap-Auszug lesen ({error}). "
            "Erwartet wird .osm.pbf, .osm oder .osm.gz."
        ) from error
    way_number = np.repeat(np.arange(len(way_lengths)), way_lengths)
    return (np.array(refs, dtype=np.int64), np.array(lons, dtype=np.float64),
            np.array(lats, dtype=np.float64), way_number)


def build_walking_network(
    path: str | Path,
    crs: Any,
    bbox: tuple[float, float, float, float] | None = None,
    mode: str = "walk",
) -> WalkingNetwork:
    """Read the walking network of an OpenStreetMap extract.

    Parameters
    ----------
    path : str or Path
        ``.osm.pbf``, ``.osm`` or ``.osm.gz`` file (read with pyosmium, ``quartier[osm]``).
    crs : anything pyproj accepts
        Working CRS, projected in metres (e.g. ``"EPSG:25832"``).
    bbox : (xmin, ymin, xmax, ymax) or None
        In ``crs``: keep only nodes inside (the study area plus a buffer) and edges with both
        ends inside, before choosing the largest component.
    mode : {"walk"}
        Which ways count, see :func:`is_walkable`.

    Returns
    -------
    WalkingNetwork
        The largest connected component; ``dropped_nodes`` counts the other walkable nodes
        (inside ``bbox``).

    Raises
    ------
    FileNotFoundError, ValueError
        With a German message naming the file: missing, unreadable, or without a walkable way.

    Notes
    -----
    Every pair of consecutive nodes :math:`a, b` of a walkable way is an edge of length
    :math:`\\sqrt{(x_a - x_b)^2 + (y_a - y_b)^2}` in the working CRS; of parallel edges (two
    ways over the same two nodes) the shorter is kept. Nodes missing from the extract cut their
    way there.

    Examples
    --------
    Reading an OpenStreetMap extract needs a ``.osm.pbf`` file (and the ``osm`` extra):

    >>> net = build_walking_network("heidelberg.osm.pbf", "EPSG:25832")  # doctest: +SKIP
    >>> net.n_nodes > 0  # doctest: +SKIP
    True

    The same kind of network built from plain arrays, as in tests (a 3-4-5 triangle's legs):

    >>> import numpy as np
    >>> tiny = network_from_edges(np.array([0.0, 3.0, 3.0]), np.array([0.0, 0.0, 4.0]),
    ...                           np.array([0, 1]), np.array([1, 2]), "EPSG:25832")
    >>> tiny.n_nodes, float(tiny.graph.sum())  # 3 m + 4 m, each walkable both ways
    (3, 14.0)
    """
    path = Path(path)
    if mode not in MODES:
        raise ValueError(f"Unbekannter Netzmodus {mode!r}; möglich ist nur 'walk'.")
    if not path.is_file():
        raise FileNotFoundError(f"OpenStreetMap-Auszug {path} nicht gefunden.")
    work_crs = pyproj.CRS.from_user_input(crs)
    check_metric_crs(work_crs, "the walking network")
    refs, lon, lat, way = _read_walkable_ways(path, mode)
    if len(refs) == 0:
        raise ValueError(
            f"{path.name}: keine Wege, die zu Fuß benutzt werden dürfen (highway=…); ist das ein "
            "Auszug mit Straßennetz?"
        )
    _, first, position = np.unique(refs, return_index=True, return_inverse=True)
    transformer = pyproj.Transformer.from_crs("EPSG:4326", work_crs, always_xy=True)
    x, y = transformer.transform(lon[first], lat[first])
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    usable = np.isfinite(x) & np.isfinite(y)
    if bbox is not None:
        xmin, ymin, xmax, ymax = (float(v) for v in bbox)
        usable &= (x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax)
    a, b = position[:-1], position[1:]
    same_way = way[:-1] == way[1:]
    keep = same_way & usable[a] & usable[b]
    if not keep.any():
        raise ValueError(
            f"{path.name}: kein einziges Wegstück, das zu Fuß benutzt werden darf"
            + (" (im gewählten Ausschnitt)." if bbox is not None else ".")
        )
    network = network_from_edges(x, y, a[keep], b[keep], work_crs, path.name)
    # nodes missing from the extract or outside the box are on no edge: network_from_edges
    # counted each as a component of its own, but they are not walkable nodes left out
    missing = int(np.count_nonzero(~usable))
    return WalkingNetwork(network.x, network.y, network.graph, network.crs, network.source,
                          network.dropped_nodes - missing)


# --------------------------------------------------------------------------------------------
# graph from edges
# --------------------------------------------------------------------------------------------


def network_from_edges(
    x: np.ndarray,
    y: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    crs: Any,
    source: str = "",
) -> WalkingNetwork:
    """A walking network from node coordinates and undirected edges, largest component only.

    Parameters
    ----------
    x, y : array of float
        Node coordinates in ``crs`` (metres).
    u, v : array of int
        End nodes (positions in ``x``/``y``) of each edge. Self-loops are ignored; of parallel
        edges one is kept (all have the same length).
    crs : anything pyproj accepts
        Projected metric CRS of the coordinates.
    source : str
        Name for the report.

    Returns
    -------
    WalkingNetwork
        Only nodes of the largest connected component (nodes on no edge count as components of
        their own), renumbered in their original order; ``dropped_nodes`` counts the rest.

    Notes
    -----
    Edge length :math:`\\sqrt{(x_u - x_v)^2 + (y_u - y_v)^2}`.

    Examples
    --------
    >>> import numpy as np
    >>> net = network_from_edges(np.array([0.0, 3.0, 3.0, 50.0]), np.array([0.0, 0.0, 4.0, 0.0]),
    ...                          np.array([0, 1]), np.array([1, 2]), "EPSG:25832")
    >>> net.n_nodes, net.dropped_nodes, net.graph.toarray()[0].tolist()
    (3, 1, [0.0, 3.0, 0.0])
    """
    x = np.ascontiguousarray(x, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.float64)
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    n = len(x)
    low, high = np.minimum(u, v), np.maximum(u, v)
    proper = low != high
    low, high = low[proper], high[proper]
    # one edge per node pair (a sort and a comparison: several times faster than np.unique)
    pair = low * n + high
    pair.sort()
    if len(pair):
        pair = pair[np.concatenate(([True], pair[1:] != pair[:-1]))]
    low, high = pair // n, pair % n
    dx, dy = x[low] - x[high], y[low] - y[high]
    length = np.sqrt(dx * dx + dy * dy)  # as quartier.nearest_distance computes it
    graph = _symmetric_csr(low, high, length, n)

    n_components, label = connected_components(graph, directed=False)
    if n_components > 1:
        largest = np.argmax(np.bincount(label))
        keep = label == largest
        graph = graph[keep][:, keep].tocsr()
        x, y = x[keep], y[keep]
        dropped = int(n - np.count_nonzero(keep))
    else:
        dropped = 0
    graph.indices = graph.indices.astype(np.int32, copy=False)
    graph.indptr = graph.indptr.astype(np.int32, copy=False)
    return WalkingNetwork(x, y, graph, pyproj.CRS.from_user_input(crs), source, dropped)


def _symmetric_csr(low: np.ndarray, high: np.ndarray, length: np.ndarray,
                   n: int) -> scipy.sparse.csr_matrix:
    """Symmetric CSR matrix with ``length`` at (low, high) and (high, low); zeros kept.

    The pairs must be distinct; scipy's COO to CSR conversion (a counting sort) keeps explicit
    zeros, which the shortest-path routines treat as edges of length 0.
    """
    rows = np.concatenate([low, high])
    cols = np.concatenate([high, low])
    data = np.concatenate([length, length])
    graph = scipy.sparse.coo_matrix((data, (rows, cols)), shape=(n, n)).tocsr()
    graph.has_canonical_format = True  # distinct pairs: nothing to sum
    return graph
