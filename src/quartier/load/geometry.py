"""Geometry checks and repairs for quarters (polygons) and facilities (points)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer

from quartier.config import DatasetConfig
from quartier.format import format_number
from quartier.load.columns import row_labels
from quartier.validation import ValidationReport, format_ids

__all__ = ["repair_polygons", "to_points", "check_tiling", "outside_quarters", "non_finite",
           "outside_area_of_use", "likely_crs", "far_vertices", "check_extent", "share_inside",
           "misplacement_cause"]

_POLYGONAL = ("Polygon", "MultiPolygon")
#: Overlaps and gaps smaller than this (m²) are digitising noise and not reported.
SLIVER_AREA_M2 = 1.0


def repair_polygons(frame: gpd.GeoDataFrame, cfg: DatasetConfig, path: Path,
                    report: ValidationReport, id_column: str) -> gpd.GeoDataFrame:
    """Drop empty geometries (error), repair invalid ones (warning), reject non-polygons.

    Invalid polygons (self-intersections, bow ties) are repaired with :func:`shapely.make_valid`
    and only their polygonal parts kept.
    """
    geometry = frame.geometry
    empty = geometry.isna() | geometry.is_empty
    if empty.any():
        report.add("error", "empty_geometry", cfg.name, f"{int(empty.sum())} Quartiere haben keine "
                   "Geometrie.", "Die Grenzen dieser Quartiere im GIS nachtragen oder die Zeilen "
                   "entfernen.", file=str(path), rows=row_labels(frame, empty, id_column))
        frame = frame[~empty].copy()
    kinds = frame.geometry.geom_type
    wrong = ~kinds.isin(_POLYGONAL)
    if wrong.any():
        report.add("error", "wrong_geometry_type", cfg.name, f"{int(wrong.sum())} Quartiere sind "
                   f"keine Flächen ({', '.join(sorted(set(kinds[wrong])))}).",
                   "Quartiersgrenzen müssen Polygone sein; die richtige Datei oder Ebene wählen.",
                   file=str(path), rows=row_labels(frame, wrong, id_column))
        frame = frame[~wrong].copy()
    invalid = ~frame.geometry.is_valid
    if invalid.any():
        reasons = shapely.is_valid_reason(frame.geometry[invalid].to_numpy())
        repaired = shapely.make_valid(frame.geometry[invalid].to_numpy())
        repaired = np.array([_polygonal_part(g) for g in repaired], dtype=object)
        frame.loc[invalid, frame.geometry.name] = repaired
        report.add("warning", "invalid_geometry", cfg.name, f"{int(invalid.sum())} ungültige "
                   f"Geometrien wurden repariert ({reasons[0]}).", "Geometrie im GIS prüfen "
                   "(QGIS: Geometrien reparieren) und Datei neu speichern.", file=str(path),
                   rows=row_labels(frame, invalid, id_column))
    return frame


def _polygonal_part(geometry: shapely.Geometry) -> shapely.Geometry:
    if geometry.geom_type in _POLYGONAL:
        return geometry
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in _POLYGONAL]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def to_points(frame: gpd.GeoDataFrame, cfg: DatasetConfig, path: Path, report: ValidationReport,
              id_column: str) -> gpd.GeoDataFrame:
    """Make every facility a Point.

    Empty geometries are dropped (warning: the facility cannot be placed); single-point
    MultiPoints are accepted silently; MultiPoints with several points and polygons or lines
    become their representative point (warning), because a facility needs one location.
    """
    geometry = frame.geometry
    empty = geometry.isna() | geometry.is_empty
    if empty.any():
        report.add("warning", "empty_geometry", cfg.name, f"{int(empty.sum())} Einrichtungen haben "
                   "keine Lage und werden nicht berücksichtigt.", "Koordinaten nachtragen.",
                   file=str(path), rows=row_labels(frame, empty, id_column))
        frame = frame[~empty].copy()
    kinds = frame.geometry.geom_type
    single_multi = (kinds == "MultiPoint") & (shapely.get_num_geometries(frame.geometry) == 1)
    if single_multi.any():
        frame.loc[single_multi, frame.geometry.name] = shapely.get_geometry(
            frame.geometry[single_multi].to_numpy(), 0)
    kinds = frame.geometry.geom_type
    other = kinds != "Point"
    if other.any():
        frame.loc[other, frame.geometry.name] = frame.geometry[other].representative_point()
        report.add("warning", "not_a_point", cfg.name, f"{int(other.sum())} Einrichtungen sind "
                   f"keine Punkte ({', '.join(sorted(set(kinds[other])))}); verwendet wird ein "
                   "Punkt innerhalb der Fläche bzw. auf der Linie.", "Wenn eine andere Lage "
                   "gemeint ist, Punkte liefern.", file=str(path),
                   rows=row_labels(frame, other, id_column))
    return frame


def check_tiling(quarters: gpd.GeoDataFrame, cfg: DatasetConfig, path: Path,
                 report: ValidationReport) -> None:
    """Warn about quarters that overlap each other and about gaps enclosed between quarters.

    A gap is a hole of the union of all quarters: land surrounded by quarters that belongs to
    none. Separate parts of the study area (a detached village) are not gaps.
    """
    geometry = quarters.geometry.to_numpy()
    ids = quarters["quarter_id"].to_numpy()
    left, right = shapely.STRtree(geometry).query(geometry, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    if len(left):
        areas = shapely.area(shapely.intersection(geometry[left], geometry[right]))
        big = areas > SLIVER_AREA_M2
        if big.any():
            pairs = [f"{ids[a]}/{ids[b]} ({format_number(areas_m2)} m²)"
                     for a, b, areas_m2 in sorted(zip(left[big], right[big], areas[big]),
                                                  key=lambda t: -t[2])]
            report.add("warning", "overlapping_quarters", cfg.name, f"{int(big.sum())} Paare von "
                       f"Quartieren überlappen sich, zusammen "
                       f"{format_number(areas[big].sum())} m².",
                       "Überlappende Flächen zählen Einwohner und Einrichtungen doppelt: "
                       "Grenzen im GIS bereinigen (QGIS: Topologie-Prüfung).",
                       file=str(path), rows=format_ids(pairs, 5))
    union = shapely.union_all(geometry)
    holes = [shapely.Polygon(ring) for part in shapely.get_parts(union)
             for ring in part.interiors]
    holes = [h for h in holes if h.area > SLIVER_AREA_M2]
    if holes:
        total = sum(h.area for h in holes)
        centres = [f"bei {h.centroid.x:.0f}/{h.centroid.y:.0f} ({format_number(h.area)} m²)"
                   for h in sorted(holes, key=lambda h: -h.area)]
        report.add("warning", "gaps_between_quarters", cfg.name, f"{len(holes)} Lücken zwischen "
                   f"den Quartieren, zusammen {format_number(total)} m².",
                   "Einwohner und Einrichtungen in Lücken gehören zu keinem Quartier: Grenzen "
                   "schließen, wenn die Lücke nicht gewollt ist (z. B. ein See).", file=str(path),
                   rows=format_ids(centres, 5))


def outside_quarters(points: gpd.GeoDataFrame, quarters: gpd.GeoDataFrame) -> np.ndarray:
    """Boolean mask of the points that lie in no quarter (boundary counts as inside)."""
    tree = shapely.STRtree(quarters.geometry.to_numpy())
    hit_points, _ = tree.query(points.geometry.to_numpy(), predicate="intersects")
    inside = np.zeros(len(points), dtype=bool)
    inside[hit_points] = True
    return ~inside


#: Degrees added around a CRS's area of use before coordinates count as outside it: UTM and
#: Gauss-Krüger data are routinely used a few degrees beyond their zone (all of Germany in
#: EPSG:25832).
AREA_OF_USE_MARGIN_DEG = 3.0
#: CRS tried, in this order, when coordinates do not fit the declared one.
CANDIDATE_CRS = ("EPSG:4326", "EPSG:25832", "EPSG:25833", "EPSG:31467", "EPSG:31468",
                 "EPSG:31466", "EPSG:31469", "EPSG:3035")
#: A quarter vertex this many median quarter diagonals (and at least FAR_MIN_M metres) beyond
#: the extent of all other quarters is a typo, not a quarter.
FAR_FACTOR = 20.0
FAR_MIN_M = 20_000.0


def non_finite(geometry: np.ndarray) -> np.ndarray:
    """Boolean mask of the geometries with an infinite or NaN coordinate."""
    geometry = np.asarray(geometry, dtype=object)
    mask = np.zeros(len(geometry), dtype=bool)
    present = ~shapely.is_missing(geometry)
    coords, index = shapely.get_coordinates(geometry[present], return_index=True)
    bad_index = index[~np.isfinite(coords).all(axis=1)]
    mask[np.flatnonzero(present)[bad_index]] = True
    return mask


@lru_cache(maxsize=32)
def _area_of_use_bounds(srs: str, margin: float) -> tuple[float, float, float, float] | None:
    crs = CRS.from_user_input(srs)
    area = crs.area_of_use
    if area is None:
        return None
    west, south, east, north = area.bounds
    west, south = max(west - margin, -180.0), max(south - margin, -90.0)
    east, north = min(east + margin, 180.0), min(north + margin, 90.0)
    if crs.is_geographic:
        return west, south, east, north
    transformer = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    return transformer.transform_bounds(west, south, east, north, densify_pts=21)


def outside_area_of_use(geometry: np.ndarray, crs: CRS,
                        margin: float = AREA_OF_USE_MARGIN_DEG) -> np.ndarray:
    """Boolean mask of the geometries reaching beyond the area of use of ``crs``.

    The area of use (``pyproj.CRS.area_of_use``, in degrees) is widened by ``margin`` degrees
    and projected into ``crs``; a geometry counts as outside when its bounding box leaves that
    rectangle. Missing geometries are never outside.
    """
    geometry = np.asarray(geometry, dtype=object)
    limits = _area_of_use_bounds(crs.to_string() if crs.to_epsg() else crs.to_wkt(), margin)
    if limits is None or not len(geometry):
        return np.zeros(len(geometry), dtype=bool)
    bounds = shapely.bounds(geometry)
    with np.errstate(invalid="ignore"):
        outside = ((bounds[:, 0] < limits[0]) | (bounds[:, 1] < limits[1])
                   | (bounds[:, 2] > limits[2]) | (bounds[:, 3] > limits[3]))
    return outside & ~np.isnan(bounds).any(axis=1)


def likely_crs(x: np.ndarray, y: np.ndarray, declared: CRS | None = None,
               candidates: tuple[str, ...] = CANDIDATE_CRS) -> list[str]:
    """The candidate CRS in whose area of use the coordinates ``x``/``y`` would lie.

    Checked on the corners and the centre of the coordinates' bounding box, which must lie in
    the candidate's area of use (widened by half a degree) once transformed to longitude and
    latitude.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = np.isfinite(x) & np.isfinite(y)
    if not keep.any():
        return []
    x0, x1, y0, y1 = x[keep].min(), x[keep].max(), y[keep].min(), y[keep].max()
    px = np.array([x0, x1, x0, x1, (x0 + x1) / 2])
    py = np.array([y0, y0, y1, y1, (y0 + y1) / 2])
    fitting = []
    for code in candidates:
        crs = CRS.from_user_input(code)
        if declared is not None and crs.equals(declared):
            continue
        if crs.area_of_use is None:  # nothing to test the coordinates against
            continue
        west, south, east, north = crs.area_of_use.bounds
        if crs.is_geographic:
            lon, lat = px, py
        else:
            with np.errstate(all="ignore"):
                lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(
                    px, py, errcheck=False)
        lon, lat = np.asarray(lon), np.asarray(lat)
        inside = (np.isfinite(lon) & np.isfinite(lat) & (lon >= west - 0.5) & (lon <= east + 0.5)
                  & (lat >= south - 0.5) & (lat <= north + 0.5))
        if inside.all():
            fitting.append(code)
    return fitting


def far_vertices(geometry: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """How far each polygon reaches beyond the bounding box of all the others.

    Returns
    -------
    distance : ndarray
        Per geometry, the largest distance (CRS units) of one of its vertices outside the
        bounding box of all other geometries (0 inside it).
    vertex : ndarray of shape (n, 2)
        That vertex.
    diagonal : ndarray
        The diagonal of each geometry's bounding box.

    Notes
    -----
    The bounding box of "all others" is found without a loop: for each side it is the extreme
    of all geometries, except for the geometry holding that extreme, which gets the second
    one.
    """
    geometry = np.asarray(geometry, dtype=object)
    n = len(geometry)
    bounds = shapely.bounds(geometry)
    diagonal = np.hypot(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1])
    distance, vertex = np.zeros(n), np.full((n, 2), np.nan)
    if n < 2:
        return distance, vertex, diagonal
    others = np.empty((n, 4))
    for side, smallest in ((0, True), (1, True), (2, False), (3, False)):
        order = np.argsort(bounds[:, side] if smallest else -bounds[:, side])
        others[:, side] = bounds[order[0], side]
        others[order[0], side] = bounds[order[1], side]
    coords, index = shapely.get_coordinates(geometry, return_index=True)
    zero = np.zeros(len(coords))
    dx = np.maximum.reduce([others[index, 0] - coords[:, 0], coords[:, 0] - others[index, 2],
                            zero])
    dy = np.maximum.reduce([others[index, 1] - coords[:, 1], coords[:, 1] - others[index, 3],
                            zero])
    outside = np.hypot(dx, dy)
    np.maximum.at(distance, index, outside)
    order = np.lexsort((-outside, index))
    first = order[np.unique(index[order], return_index=True)[1]]
    vertex[index[first]] = coords[first]
    return distance, vertex, diagonal


def check_extent(quarters: gpd.GeoDataFrame, cfg: DatasetConfig, path: Path,
                 report: ValidationReport) -> None:
    """Report quarters reaching far beyond all others as errors naming quarter and vertex.

    A vertex more than ``FAR_FACTOR`` times the median bounding-box diagonal of the other
    quarters (and at least ``FAR_MIN_M``) outside the bounding box of all other quarters is a
    typo; gridding such a quarter would need
    millions of cells.
    """
    geometry = quarters.geometry.to_numpy()
    present = np.flatnonzero(~shapely.is_missing(geometry) & ~shapely.is_empty(geometry))
    if len(present) < 2:
        return
    distance, vertex, diagonal = far_vertices(geometry[present])
    # the typical size is the median diagonal of the *other* quarters: with few quarters the
    # stray one would otherwise set it
    typical = np.array([np.median(np.delete(diagonal, i)) if distance[i] > FAR_MIN_M else np.inf
                        for i in range(len(present))])
    far = np.zeros(len(quarters), dtype=bool)
    far[present] = distance > np.maximum(FAR_MIN_M, FAR_FACTOR * typical)
    if not far.any():
        return
    ids = quarters["quarter_id"].to_numpy()
    position = {row: i for i, row in enumerate(present)}
    for row in np.flatnonzero(far):
        i = position[row]
        report.add("error", "far_vertex", cfg.name, f"Quartier {ids[i]} hat einen Eckpunkt bei "
                   f"{vertex[i, 0]:.0f}/{vertex[i, 1]:.0f}, {format_number(distance[i] / 1000)} km "
                   "außerhalb aller übrigen Quartiere (das Quartier wäre "
                   f"{format_number(diagonal[i] / 1000)} km groß, ein mittleres Quartier "
                   f"{format_number(typical[i] / 1000, 1)} km). Das ist fast "
                   "sicher ein Tippfehler in den Koordinaten.",
                   "Den Eckpunkt im GIS korrigieren (QGIS: Stützpunkt-Werkzeug) und die Datei neu "
                   "speichern.", file=str(path), rows=str(ids[row]), column="geometry")


#: CRS tried when points fall outside the quarters (besides swapping x and y).
MISPLACEMENT_CRS = ("EPSG:3035", "EPSG:25832", "EPSG:25833", "EPSG:4326")


def share_inside(x: np.ndarray, y: np.ndarray, quarters: gpd.GeoDataFrame) -> float:
    """Share of the points ``x``/``y`` (CRS of ``quarters``) that lie in some quarter."""
    if not len(x):
        return 1.0
    points = shapely.points(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    hits, _ = shapely.STRtree(quarters.geometry.to_numpy()).query(points, predicate="intersects")
    return len(np.unique(hits)) / len(points)


def misplacement_cause(x: np.ndarray, y: np.ndarray, crs: CRS, quarters: gpd.GeoDataFrame,
                       limit: int = 5000) -> tuple[str, str, float] | None:
    """Find why points given in ``crs`` miss the quarters: swapped axes or another CRS.

    Tries swapping x and y, then each of :data:`MISPLACEMENT_CRS` (with and without swapping),
    on at most ``limit`` evenly picked points, and returns the reading that puts most of them
    in a quarter as ``(cause, hint, share)`` – or None when no reading puts at least half of
    them there.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) > limit:
        pick = np.linspace(0, len(x) - 1, limit).astype(int)
        x, y = x[pick], y[pick]
    target = quarters.crs
    readings = [(crs, True)] + [(CRS.from_user_input(c), swap) for c in MISPLACEMENT_CRS
                                for swap in (False, True)
                                if not CRS.from_user_input(c).equals(crs)]
    best = None
    for source, swap in readings:
        a, b = (y, x) if swap else (x, y)
        if not source.equals(target):
            with np.errstate(all="ignore"):
                a, b = Transformer.from_crs(source, target, always_xy=True).transform(
                    a, b, errcheck=False)
        share = share_inside(np.asarray(a), np.asarray(b), quarters)
        if share >= 0.5 and (best is None or share > best[2]):
            code = source.to_string()
            if source.equals(crs):
                best = ("x und y vertauscht", "Die Spalten für x und y in der Konfiguration "
                        "tauschen (columns bzw. x = … / y = …).", share)
            else:
                best = (f"im Koordinatensystem {code}" + (" mit vertauschtem x und y" if swap
                                                           else ""),
                        f'crs = "{code}" für diese Datei angeben' + (" und die Spalten für x "
                                                                     "und y tauschen" if swap
                                                                     else "") + ".", share)
    return best
