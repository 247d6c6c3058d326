"""Loading land layers that say where people live: ``[population.residential]`` (residential
land use, building footprints, statistical blocks) or ``[population.uninhabited]`` (forest,
water and other land cover where nobody lives).

Both are polygon files (GeoPackage, GeoJSON, Shapefile, CSV with WKT), one or several
(``path = [...]``), optionally narrowed by ``filter = { column = ["value", …] }``. A
residential layer may map a ``weight`` column (residents, dwellings or floor area).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from quartier.config import DatasetConfig
from quartier.load.columns import numeric_column
from quartier.load.features import read_features
from quartier.validation import ValidationReport

__all__ = ["load_land_layer"]

_POLYGONAL = (3, 6)  # shapely type ids of Polygon and MultiPolygon


def load_land_layer(cfg: DatasetConfig, working_crs: CRS, report: ValidationReport
                    ) -> gpd.GeoDataFrame | None:
    """Read the polygons of a residential or uninhabited land layer.

    Parameters
    ----------
    cfg : DatasetConfig
        ``[population.residential]`` or ``[population.uninhabited]``.
    working_crs : CRS
        The study's CRS; the polygons are reprojected to it.
    report : ValidationReport
        Problems are added here: a filter column missing from a file is an error; points and
        lines, polygons that had to be repaired, missing or negative weights and a filter that
        keeps nothing are warnings.

    Returns
    -------
    GeoDataFrame or None
        Polygons in the working CRS with a column ``source`` (file name) and, where
        ``columns = { weight = "…" }`` is given, ``weight`` (missing values as 0). None when no
        file could be read.
    """
    frames = []
    wanted = cfg.get("filter", {}) or {}
    weight_column = cfg.columns.get("weight")
    for path in cfg.paths:
        frame, decimal = read_features(cfg, working_crs, report, path)
        if frame is None:
            continue
        keep = pd.Series(True, index=frame.index)
        for column, values in wanted.items():
            if column not in frame.columns:
                report.add("error", "missing_column", cfg.name, f"Die Filterspalte '{column}' "
                           "gibt es in der Datei nicht.", "Vorhandene Spalten: "
                           + ", ".join(str(c) for c in frame.columns if c not in ("geometry",
                                                                                   "_row"))
                           + ".", file=str(path), column=column)
                keep[:] = False
                continue
            accepted = {str(v) for v in (values if isinstance(values, list) else [values])}
            keep &= frame[column].astype(str).isin(accepted)
        if wanted and not keep.any() and report.ok:
            report.add("warning", "empty_filter", cfg.name, "Der Filter lässt kein Objekt der "
                       "Datei übrig.", f"Werte in filter = {wanted} mit der Datei vergleichen.",
                       file=str(path))
        frame = frame[keep]
        polygonal = np.isin(shapely.get_type_id(frame.geometry.to_numpy()), _POLYGONAL)
        if (~polygonal).any():
            report.add("warning", "not_polygons", cfg.name, f"{int((~polygonal).sum())} Objekte "
                       "sind keine Flächen (Punkte oder Linien) und werden übergangen.",
                       "Nur Flächen (Polygone) beschreiben, wo Menschen wohnen oder nicht.",
                       file=str(path))
            frame = frame[polygonal]
        geometry = frame.geometry.to_numpy()
        invalid = ~shapely.is_valid(geometry)
        if invalid.any():
            geometry = geometry.copy()
            geometry[invalid] = shapely.make_valid(geometry[invalid])
            report.add("note", "repaired_geometry", cfg.name, f"{int(invalid.sum())} ungültige "
                       "Flächen wurden repariert.", file=str(path))
        result = gpd.GeoDataFrame({"source": path.name}, index=range(len(frame)),
                                  geometry=geometry, crs=frame.crs)
        if weight_column is not None:
            if weight_column not in frame.columns:
                report.add("error", "missing_column", cfg.name, f"Die Gewichtsspalte "
                           f"'{weight_column}' gibt es in der Datei nicht.",
                           'columns = { weight = "…" } mit den Spalten der Datei vergleichen '
                           "oder weglassen (dann zählt die Fläche).", file=str(path),
                           column=weight_column)
                continue
            weight = numeric_column(frame, weight_column, cfg, path, report, decimal=decimal,
                                    allow_negative=False, severity="warning").to_numpy()
            missing = ~np.isfinite(weight) | (weight < 0)
            if missing.any():
                report.add("warning", "missing_weight", cfg.name, f"{int(missing.sum())} "
                           f"Flächen haben kein gültiges Gewicht in '{weight_column}' und "
                           "zählen mit 0.", "Fehlende Werte nachtragen.", file=str(path),
                           column=weight_column)
            result["weight"] = np.where(missing, 0.0, weight)
        frames.append(result)
    if not frames:
        return None
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry",
                            crs=frames[0].crs)
