"""Geometry checks and repairs for quarters (polygons) and facilities (points)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from quartier.config import DatasetConfig
from quartier.format import format_number
from quartier.load.columns import row_labels
from quartier.validation import ValidationReport, format_ids

__all__ = ["repair_polygons", "to_points", "check_tiling", "outside_quarters"]

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
                       f"Quartieren überlappen sich, zusammen {format_number(areas[big].sum())} m².",
                       "Überlappende Flächen zählen Einwohner und "
                       "Einrichtungen doppelt: Grenzen im GIS bereinigen (QGIS: Topologie-Prüfung).",
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
