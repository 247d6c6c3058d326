"""Reading geometries from GIS files and from tables with coordinates or WKT.

Supported: GeoJSON, GeoPackage (with ``layer``), Shapefile and anything else GDAL reads;
CSV/Excel with a WKT column (``wkt = "…"``) or with coordinate columns (``x``/``y`` or
lon/lat, plus ``crs``); any of them inside a ZIP archive (``member``, see
:mod:`quartier.load.sources`); GDAL connection strings (``PG:…``, ``WFS:…``). The result is
always in the study's working CRS.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from quartier.config import DatasetConfig, parse_crs
from quartier.load.columns import (
    align_column_names,
    expected_columns,
    missing_column_hint,
    read_table_reported,
    report_mojibake,
)
from quartier.load.encoding import ANSI_AS_LATIN1, UTF8_AS_ANSI, find_mojibake
from quartier.load.geometry import likely_crs, non_finite, outside_area_of_use
from quartier.load.sources import (
    ZIP_TABLE_SUFFIXES,
    ZIP_VECTOR_SUFFIXES,
    SourceError,
    is_gdal_source,
    shown_source,
    vsizip_path,
    zip_member,
    zip_names,
)
from quartier.load.tables import EXCEL_SUFFIXES, parse_numbers
from quartier.validation import ValidationReport, format_ids

__all__ = ["read_features", "gdal_connection", "TABLE_SUFFIXES"]

TABLE_SUFFIXES = {".csv", ".txt", ".tsv", *EXCEL_SUFFIXES}


def read_features(cfg: DatasetConfig, working_crs: CRS, report: ValidationReport,
                  path: Path | None = None) -> tuple[gpd.GeoDataFrame | None, str]:
    """Read one vector dataset and reproject it to the working CRS.

    Problems (missing layer, missing CRS, unreadable file, bad coordinates) are added to
    ``report``; the function returns ``None`` when nothing usable could be read.
    Attribute columns are returned as read; a column ``_row`` holds the 1-based row or feature
    number for messages (for tables: the line number in the file, header = line 1).
    The second value returned is the decimal mark of a table file (``"."`` for GIS files), to
    be used when converting attribute columns to numbers.
    """
    path = path or cfg.path
    gdal_source = gdal_connection(cfg, path)
    decimal = "."
    if gdal_source is not None:
        frame = _read_gis_file(cfg, path, report, gdal_source)
    elif not path.exists():
        return None, "."  # already reported by the config check
    else:
        member = None
        if path.suffix.lower() == ".zip":
            try:
                member = zip_member(path, cfg.get("member"),
                                    (*ZIP_TABLE_SUFFIXES, *ZIP_VECTOR_SUFFIXES))
            except SourceError as exc:
                report.add("error", "unreadable_file", cfg.name, str(exc), "Das ZIP-Archiv "
                           "prüfen oder die gemeinte Datei mit member = \"…\" angeben.",
                           file=str(path))
                return None, decimal
        if Path(member or path.name).suffix.lower() in TABLE_SUFFIXES:
            frame, decimal = _read_table_features(cfg, path, report)
        elif member is not None:
            frame = _read_gis_file(cfg, path, report, vsizip_path(path, member))
        else:
            frame = _read_gis_file(cfg, path, report)
    if frame is None:
        return None, decimal
    frame = _drop_non_finite(frame, cfg, path, report, "in der Datei")
    frame = _to_working_crs(frame, cfg, path, working_crs, report)
    if frame is None:
        return None, decimal
    return _drop_non_finite(frame, cfg, path, report, "nach der Umrechnung"), decimal


def _drop_non_finite(frame: gpd.GeoDataFrame, cfg: DatasetConfig, path: Path,
                     report: ValidationReport, when: str) -> gpd.GeoDataFrame:
    """Drop, with an error naming the objects, geometries with infinite or NaN coordinates."""
    bad = non_finite(frame.geometry.to_numpy())
    if not bad.any():
        return frame
    report.add("error", "non_finite_coordinate", cfg.name, f"{int(bad.sum())} Objekte haben "
               f"unendliche oder ungültige Koordinaten (inf/NaN) {when}.", "Koordinaten dieser "
               "Objekte im GIS oder in der Tabelle korrigieren.", file=str(path),
               column="geometry", rows=format_ids(frame.loc[bad, "_row"]))
    return frame[~bad].copy()


def gdal_connection(cfg: DatasetConfig, path: Path) -> str | None:
    """The GDAL connection string behind ``path`` (``PG:…``, ``WFS:…``), or None for a file.

    :func:`quartier.config.read_config` keeps the string as written in the config (the path
    shown in messages has passwords masked).
    """
    sources = cfg.get("_gdal_sources") or {}
    return sources.get(str(path))


def _read_gis_file(cfg: DatasetConfig, path: Path, report: ValidationReport,
                   source: str | None = None) -> gpd.GeoDataFrame | None:
    """Read a GIS file, a ZIP member (``/vsizip/…``) or a GDAL source with pyogrio.

    Text from a shapefile ``.dbf`` without ``.cpg`` is checked for signs of a wrong encoding
    (GDAL reads it as ISO-8859-1): Windows-1252 punctuation turned into control characters,
    or UTF-8 turned into ``Ã¼``; the file is then read again in the encoding that fits, with
    a note. An ``encoding`` given in the config is used as it is.
    """
    layer = cfg.get("layer")
    source = source or str(path)
    try:
        layers = [str(name) for name in pyogrio.list_layers(source)[:, 0]]
    except Exception as exc:  # GDAL cannot open it at all
        if is_gdal_source(source) and not source.startswith("/vsizip/"):
            report.add("error", "unreadable_source", cfg.name, f"Die GDAL-Quelle lässt sich "
                       f"nicht öffnen ({shown_source(str(exc))}).", "Verbindungsangabe prüfen "
                       "(Treiber-Präfix wie PG: oder WFS:, Server, Datenbank, Zugang) und ob "
                       "der Rechner die Quelle erreicht.", file=str(path))
            return None
        report.add("error", "unreadable_file", cfg.name, f"Die Datei lässt sich nicht als "
                   f"Geodatei lesen ({exc}).", "GeoJSON, GeoPackage oder Shapefile verwenden "
                   "(beim Shapefile gehören .shp, .shx, .dbf und .prj zusammen).", file=str(path))
        return None
    if layer is not None and str(layer) not in layers:
        report.add("error", "missing_layer", cfg.name, f"Die Ebene '{layer}' gibt es in der Datei "
                   "nicht.", f"Vorhandene Ebenen: {', '.join(layers)}.", file=str(path))
        return None
    if layer is None and len(layers) > 1:
        report.add("warning", "several_layers", cfg.name, f"Die Datei hat {len(layers)} Ebenen; "
                   f"gelesen wird die erste ('{layers[0]}').",
                   f'layer = "…" angeben, eine von: {", ".join(layers)}.', file=str(path))
    encoding = cfg.get("encoding")
    try:
        frame = _read_dataframe(source, layer, encoding)
    except Exception as exc:
        report.add("error", "unreadable_file", cfg.name, f"Die Datei lässt sich nicht lesen "
                   f"({exc}).", "Datei in QGIS öffnen und neu als GeoPackage speichern"
                   + (" oder die Angabe encoding prüfen" if encoding else "") + ".",
                   file=str(path))
        return None
    if encoding is None and _dbf_without_cpg(path, source):
        frame = _reread_dbf(frame, cfg, path, source, layer, report)
    report_mojibake(frame, cfg, str(path), report, encoding)
    frame = align_column_names(frame, expected_columns(cfg))
    frame["_row"] = np.arange(1, len(frame) + 1)
    return frame


def _read_dataframe(source: str, layer: str | None, encoding: str | None
                    ) -> gpd.GeoDataFrame:
    options = {"encoding": encoding} if encoding else {}
    return gpd.read_file(source, layer=layer, engine="pyogrio", **options)


def _dbf_without_cpg(path: Path, source: str) -> bool:
    """True for a shapefile whose ``.dbf`` has no ``.cpg`` beside it (also inside a ZIP)."""
    if not source.lower().endswith(".shp"):
        return False
    if source.startswith("/vsizip/"):
        member = source[len(f"/vsizip/{path.resolve().as_posix()}/"):]
        cpg = str(Path(member).with_suffix("")).casefold() + ".cpg"
        return not any(n.casefold() == cpg for n in zip_names(path))
    return not any(Path(source).with_suffix(s).exists() for s in (".cpg", ".CPG"))


def _reread_dbf(frame: gpd.GeoDataFrame, cfg: DatasetConfig, path: Path, source: str,
                layer: str | None, report: ValidationReport) -> gpd.GeoDataFrame:
    """Read a ``.dbf`` without ``.cpg`` again when its text shows the encoding was wrong."""
    kinds = {hit.kind for hit in find_mojibake(frame)}
    encoding = "cp1252" if ANSI_AS_LATIN1 in kinds else "utf-8" if UTF8_AS_ANSI in kinds \
        else None
    if encoding is None:
        return frame
    try:
        again = _read_dataframe(source, layer, encoding)
    except Exception:  # bytes that do not fit that encoding: keep the first reading (warned)
        return frame
    if find_mojibake(again):
        return frame
    name = "Windows-1252" if encoding == "cp1252" else "UTF-8"
    report.add("note", "dbf_encoding", cfg.name, f"Die .dbf-Datei hat keine .cpg-Datei mit der "
               f"Kodierung; ihr Text passt zu {name} und wurde so gelesen.",
               f'Mit encoding = "{encoding}" in der Konfiguration ausdrücklich angeben (oder eine '
               f".cpg-Datei mit dem Inhalt {encoding.upper()} neben die .shp legen).",
               file=str(path))
    return again


def _read_table_features(cfg: DatasetConfig, path: Path, report: ValidationReport
                         ) -> tuple[gpd.GeoDataFrame | None, str]:
    table, decimal = read_table_reported(cfg, path, report)
    if table is None:
        return None, decimal
    return _table_geometry(cfg, path, table, decimal, report), decimal


def _table_geometry(cfg: DatasetConfig, path: Path, table: pd.DataFrame, decimal: str,
                    report: ValidationReport) -> gpd.GeoDataFrame | None:
    if "_row" not in table.columns:
        table["_row"] = np.arange(2, len(table) + 2)
    wkt_column = cfg.get("wkt")
    x_column, y_column = cfg.get("x"), cfg.get("y")
    if wkt_column is None and x_column is None:
        x_column, y_column = _guess_coordinate_columns(table.columns)
        if x_column is not None:
            report.add("note", "coordinate_columns", cfg.name, f"Koordinaten aus den Spalten "
                       f"'{x_column}' und '{y_column}' gelesen.", "Mit x = … und y = … "
                       "ausdrücklich angeben, wenn andere Spalten gemeint sind.", file=str(path))
        if x_column is not None and cfg.get("crs") is None and \
                x_column.lower() in ("lon", "longitude", "lng"):
            table = table.assign(**{"_assume_wgs84": True})
        if x_column is None:
            wkt_column = next((c for c in table.columns if c.lower() in ("wkt", "geometry",
                                                                          "geom")), None)
    if wkt_column is not None:
        if wkt_column not in table.columns:
            _missing_column(cfg, path, wkt_column, table.columns, report, "wkt")
            return None
        wkt = table[wkt_column].astype(object)
        geometry = shapely.from_wkt(wkt.where(wkt.notna(), None).to_numpy(), on_invalid="ignore")
        bad = wkt.notna() & pd.isna(pd.Series(geometry, index=table.index))
        if bad.any():
            report.add("error", "bad_geometry", cfg.name, f"{int(bad.sum())} Zeilen enthalten kein "
                       "lesbares WKT.", "WKT wie 'POLYGON ((…))' oder 'POINT (x y)' schreiben.",
                       file=str(path), column=wkt_column,
                       rows=format_ids(table.loc[bad, "_row"]))
        frame = gpd.GeoDataFrame(table.drop(columns=[wkt_column]), geometry=geometry)
        return frame
    if x_column is None or y_column is None:
        report.add("error", "missing_column", cfg.name, "Die Tabelle hat keine Geometrie: weder "
                   "Koordinatenspalten noch eine WKT-Spalte sind angegeben.",
                   'x = "…", y = "…" und crs = "…" angeben (oder wkt = "…"). Vorhandene Spalten: '
                   + ", ".join(c for c in table.columns if c != "_row"), file=str(path))
        return None
    for column in (x_column, y_column):
        if column not in table.columns:
            _missing_column(cfg, path, column, table.columns, report, "x" if column == x_column
                            else "y")
            return None
    x = _coordinates(table, x_column, cfg, path, decimal, report)
    y = _coordinates(table, y_column, cfg, path, decimal, report)
    geometry = gpd.points_from_xy(x, y)
    geometry[(x.isna() | y.isna()).to_numpy()] = None
    return gpd.GeoDataFrame(table.drop(columns=[x_column, y_column]), geometry=geometry)


def _coordinates(table: pd.DataFrame, column: str, cfg: DatasetConfig, path: Path, decimal: str,
                 report: ValidationReport) -> pd.Series:
    """One coordinate column as numbers; text, ``inf``/``NaN`` and mixed notations are errors."""
    parsed = parse_numbers(table[column], kind="coordinate", file_decimal=decimal)
    bad = parsed.bad | parsed.ambiguous
    if bad.any():
        examples = ", ".join(repr(v) for v in table.loc[bad, column].head(3))
        report.add("error", "non_numeric", cfg.name, f"{int(bad.sum())} Koordinaten sind keine "
                   f"endlichen Zahlen oder uneinheitlich geschrieben (z. B. {examples}).",
                   "Koordinaten als Zahlen eintragen, einheitlich mit Dezimalkomma oder -punkt.",
                   file=str(path), column=column, rows=format_ids(table.loc[bad, "_row"]))
    return parsed.numbers


def _guess_coordinate_columns(columns: pd.Index) -> tuple[str | None, str | None]:
    lower = {c.lower(): c for c in columns}
    for x_name, y_name in (("lon", "lat"), ("longitude", "latitude"), ("lng", "lat"),
                           ("x", "y"), ("rechtswert", "hochwert")):
        if x_name in lower and y_name in lower:
            return lower[x_name], lower[y_name]
    return None, None


def _missing_column(cfg: DatasetConfig, path: Path, column: str, available: pd.Index,
                    report: ValidationReport, key: str) -> None:
    report.add("error", "missing_column", cfg.name, f"Die Spalte '{column}' ({key}) fehlt in der "
               "Datei.", missing_column_hint(column, [c for c in available if c != "_row"]),
               file=str(path), column=column)


def _to_working_crs(frame: gpd.GeoDataFrame, cfg: DatasetConfig, path: Path, working_crs: CRS,
                    report: ValidationReport) -> gpd.GeoDataFrame | None:
    declared = cfg.get("crs")
    if frame.crs is None and declared is None and "_assume_wgs84" in frame.columns:
        frame = frame.drop(columns="_assume_wgs84")
        declared = "EPSG:4326"
        report.add("note", "assumed_crs", cfg.name, "Spalten lon/lat ohne Angabe des "
                   "Koordinatensystems: angenommen wird WGS 84 (EPSG:4326).",
                   'Sonst crs = "EPSG:…" für diese Datei angeben.', file=str(path))
    if frame.crs is None:
        if declared is None:
            report.add("error", "missing_crs", cfg.name, "Die Datei gibt kein Koordinaten"
                       "referenzsystem an.", 'In der Konfiguration crs = "EPSG:…" für diese Datei '
                       'ergänzen (z. B. "EPSG:4326" für Längen/Breiten, "EPSG:25832" für UTM 32).',
                       file=str(path))
            return None
        frame = frame.set_crs(parse_crs(declared))
    elif declared is not None and not frame.crs.equals(parse_crs(declared)):
        report.add("warning", "crs_mismatch", cfg.name, f"Die Datei nennt das Koordinaten"
                   f"referenzsystem {frame.crs.to_string()}, die Konfiguration {declared}; die "
                   "Angabe der Datei wird verwendet.", "crs in der Konfiguration entfernen, "
                   "wenn die Angabe der Datei stimmt.", file=str(path))
    if frame.crs.is_geographic:
        if not _geographic_range_ok(frame, cfg, path, report):
            return None
    else:
        frame = _drop_outside_area_of_use(frame, cfg, path, frame.crs, report, "der Datei")
    if frame.crs.is_geographic:
        report.add("note", "reprojected", cfg.name, f"Geographische Koordinaten "
                   f"({frame.crs.to_string()}) wurden in {working_crs.to_string()} umgerechnet.",
                   file=str(path))
    if not frame.crs.equals(working_crs):
        frame = _drop_outside_area_of_use(frame.to_crs(working_crs), cfg, path, working_crs,
                                          report, "der Studie")
    return frame


def _drop_outside_area_of_use(frame: gpd.GeoDataFrame, cfg: DatasetConfig, path: Path,
                              crs: CRS, report: ValidationReport, whose: str
                              ) -> gpd.GeoDataFrame:
    """Drop, with an error suggesting the likely CRS, objects outside the area of use of ``crs``.

    The area of use is that of ``pyproj.CRS.area_of_use`` widened by a few degrees (see
    :data:`quartier.load.geometry.AREA_OF_USE_MARGIN_DEG`).
    """
    outside = outside_area_of_use(frame.geometry.to_numpy(), crs)
    if not outside.any():
        return frame
    area = crs.area_of_use.name.split(":")[0] if crs.area_of_use else crs.to_string()
    coords = shapely.get_coordinates(frame.geometry[outside].to_numpy())
    hint = 'Das richtige Koordinatensystem mit crs = "EPSG:…" angeben'
    swapped = shapely.points(coords[:, 1], coords[:, 0])
    if whose == "der Datei" and not outside_area_of_use(swapped, crs).any():
        hint = ("Vertauscht passen die Zahlen zum Koordinatensystem: vermutlich sind x und y "
                "vertauscht (in der Konfiguration x = … und y = … tauschen)")
    elif whose == "der Datei":
        fitting = likely_crs(coords[:, 0], coords[:, 1], declared=crs)
        if fitting:
            hint = (f"Die Zahlen passen zu {' oder '.join(fitting[:2])}: vermutlich ist das das "
                    f'Koordinatensystem der Datei (crs = "{fitting[0]}")')
    example = f"{coords[0, 0]:.6g}/{coords[0, 1]:.6g}"
    report.add("error", "outside_crs_area", cfg.name, f"{int(outside.sum())} Objekte liegen "
               f"außerhalb des Gebiets, für das das Koordinatensystem {whose} "
               f"({crs.to_string()}) gilt ({area}), z. B. bei {example}.", hint + "; sonst "
               "die Koordinaten prüfen (vertauschte Spalten, Tippfehler).", file=str(path),
               column="geometry", rows=format_ids(frame.loc[outside, "_row"]))
    return frame[~outside].copy()


def _geographic_range_ok(frame: gpd.GeoDataFrame, cfg: DatasetConfig, path: Path,
                         report: ValidationReport) -> bool:
    points = frame.geometry[frame.geometry.notna() & ~frame.geometry.is_empty]
    if points.empty:
        return True
    minx, miny, maxx, maxy = points.total_bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        report.add("error", "wrong_crs", cfg.name, "Die Koordinaten liegen außerhalb von Längen/"
                   "Breiten (±180/±90): das angegebene System passt nicht zu den Zahlen.",
                   'Das richtige System angeben, z. B. crs = "EPSG:25832" für UTM-Meter.',
                   file=str(path))
        return False
    return True
