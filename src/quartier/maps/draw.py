"""Drawing the layers of the static maps: quarter polygons and facility points.

The quarters are turned into one compound Matplotlib path each (:func:`geometry_paths`,
vectorised with shapely) and drawn as one :class:`~matplotlib.collections.PathCollection` per
kind of fill (:func:`add_polygons`), so that even Berlin's 542 planning areas draw quickly and
give small SVG files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath

from quartier.maps.inputs import check_facilities
from quartier.maps.style import EDGE_COLOUR, HATCH, HATCH_COLOUR, TEXT_COLOUR

__all__ = ["add_polygons", "draw_facility_points", "edge_width", "facility_points",
           "geometry_paths", "hatched_patch"]


#: The last few results of :func:`geometry_paths` by content of the geometries and scale: a
#: report draws the same quarters for every category map (Berlin: 0.4 s each to simplify).
_PATHS_CACHE: dict[tuple[bytes, float], np.ndarray] = {}
_PATHS_CACHE_SIZE = 4


def geometry_paths(geometries: np.ndarray, scale: float) -> np.ndarray:
    """One compound Matplotlib path per (multi)polygon, holes cut out; vectorised.

    The polygons are first simplified to a quarter of a pixel at 300 dpi (shared boundaries
    alike, as a coverage), which is invisible but keeps Berlin's 200,000 vertices from
    bloating SVG files. The same geometries at the same scale (the WKB compared by its hash)
    reuse the paths of the last call.
    """
    wkb = shapely.to_wkb(np.asarray(geometries, dtype=object))
    key = (hashlib.blake2b(b"\0".join(b"" if w is None else w for w in wkb),
                           digest_size=20).digest(), float(scale))
    if key not in _PATHS_CACHE:
        while len(_PATHS_CACHE) >= _PATHS_CACHE_SIZE:
            del _PATHS_CACHE[next(iter(_PATHS_CACHE))]
        _PATHS_CACHE[key] = _geometry_paths(geometries, scale)
    return _PATHS_CACHE[key].copy()


def _geometry_paths(geometries: np.ndarray, scale: float) -> np.ndarray:
    n = len(geometries)
    polygons = np.asarray(geometries, dtype=object).copy()
    present = ~(shapely.is_missing(polygons) | shapely.is_empty(polygons))
    tolerance = 0.25 / (300 * scale)
    try:
        polygons[present] = shapely.coverage_simplify(polygons[present], tolerance)
    except (AttributeError, shapely.errors.GEOSException):  # old GEOS or not a coverage
        polygons[present] = shapely.simplify(polygons[present], tolerance)
    polygons = shapely.normalize(polygons)  # holes run against their shell: cut out on fill
    parts, part_of = shapely.get_parts(polygons, return_index=True)
    keep = shapely.get_type_id(parts) == 3  # polygons only (drop stray lines/points)
    parts, part_of = parts[keep], part_of[keep]
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    # Rings are closed (last point = first), so MOVETO/LINETO suffice; without CLOSEPOLY
    # codes Matplotlib may simplify the paths, which keeps rendering and SVGs light.
    codes = np.full(len(coords), MplPath.LINETO, dtype=MplPath.code_type)
    if len(coords):
        codes[np.r_[0, np.flatnonzero(np.diff(ring_of)) + 1]] = MplPath.MOVETO
    owner = part_of[ring_part[ring_of]]
    cuts = np.searchsorted(owner, np.arange(1, n))
    paths = np.empty(n, dtype=object)
    for i, (vertices, kinds) in enumerate(zip(np.split(coords, cuts), np.split(codes, cuts),
                                              strict=True)):
        paths[i] = MplPath(vertices, kinds) if len(vertices) else MplPath(np.empty((0, 2)))
    return paths


def edge_width(n: int) -> float:
    """Width in points of the quarter outlines: thinner the more quarters there are."""
    return 0.7 if n <= 60 else 0.4 if n <= 200 else 0.25


def add_polygons(ax: Axes, paths: np.ndarray, facecolors: str | Sequence[str],
                 linewidth: float, *, gid: str, hatch: str | None = None,
                 edgecolor: str = EDGE_COLOUR) -> PathCollection | None:
    """Draw ``paths`` as one collection with SVG id ``gid``; ``None`` when there are none."""
    if len(paths) == 0:
        return None
    options = {"facecolors": facecolors, "edgecolors": edgecolor, "linewidths": linewidth,
               "zorder": 2 if hatch is None else 2.1}
    if hatch is not None:
        options["hatch"] = hatch
    try:
        collection = PathCollection(list(paths), hatchcolor=HATCH_COLOUR, **options)
    except (TypeError, AttributeError):  # Matplotlib < 3.10: hatches take the edge colour
        collection = PathCollection(list(paths), **options)
    collection.set_gid(gid)
    ax.add_collection(collection, autolim=False)
    return collection


def hatched_patch(facecolor: str, label: str) -> Patch:
    """Legend entry of a hatched fill (quarters without a value or not assessed)."""
    try:
        return Patch(facecolor=facecolor, edgecolor=EDGE_COLOUR, linewidth=0.5, hatch=HATCH,
                     hatchcolor=HATCH_COLOUR, label=label)
    except (TypeError, AttributeError):  # Matplotlib < 3.10
        return Patch(facecolor=facecolor, edgecolor=HATCH_COLOUR, linewidth=0.5,
                     hatch=HATCH, label=label)


def facility_points(facilities: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray,
                                                            np.ndarray]:
    """x, y and category of the facilities that have a geometry."""
    if "category" not in facilities.columns:
        raise ValueError("facilities need a 'category' column")
    geometry = facilities.geometry.to_numpy()
    present = ~(shapely.is_missing(geometry) | shapely.is_empty(geometry))
    points = shapely.point_on_surface(geometry[present])
    xy = shapely.get_coordinates(points)
    category = facilities["category"].to_numpy(dtype=object)[present]
    return xy[:, 0], xy[:, 1], category


def draw_facility_points(ax: Axes, quarters: gpd.GeoDataFrame,
                         facilities: gpd.GeoDataFrame, label: str) -> Line2D:
    """Facilities as dark dots over a choropleth; returns their legend entry."""
    check_facilities(facilities, quarters)
    geometry = facilities.geometry.to_numpy()
    present = ~(shapely.is_missing(geometry) | shapely.is_empty(geometry))
    xy = shapely.get_coordinates(shapely.point_on_surface(geometry[present]))
    size = 14.0 if len(xy) <= 300 else 5.0
    ax.scatter(xy[:, 0], xy[:, 1], s=size, c=TEXT_COLOUR, edgecolors="white",
               linewidths=0.5, zorder=4, gid="facilities")
    return Line2D([], [], linestyle="", marker="o", markersize=5, markerfacecolor=TEXT_COLOUR,
                  markeredgecolor="white", markeredgewidth=0.5, label=label)
