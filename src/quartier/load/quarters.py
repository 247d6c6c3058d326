"""Loading quarter boundaries onto the ``quarters`` contract."""

from __future__ import annotations

import geopandas as gpd
from pyproj import CRS

from quartier.config import DatasetConfig
from quartier.load.columns import map_columns, row_labels
from quartier.load.features import read_features
from quartier.load.geometry import check_tiling, repair_polygons
from quartier.load.ids import clean_ids, infer_id_width, pad_ids
from quartier.validation import ValidationReport, format_ids

__all__ = ["load_quarters"]


def load_quarters(cfg: DatasetConfig, working_crs: CRS, report: ValidationReport, *,
                  id_width: int | None = None) -> tuple[gpd.GeoDataFrame | None, int | None]:
    """Load quarter polygons.

    Returns
    -------
    quarters : GeoDataFrame or None
        Columns ``quarter_id`` (str), ``name`` (str), further attributes, geometry in the
        working CRS; sorted by ``quarter_id``. ``None`` when the file could not be used.
    id_width : int or None
        The id width used to pad ids of other datasets: ``id_width`` when given, otherwise the
        common length of the quarter ids when all are digits of one length.
    """
    frame, _ = read_features(cfg, working_crs, report)
    if frame is None:
        return None, id_width
    path = cfg.path
    frame = map_columns(frame, cfg, path, report, required=("quarter_id",), optional=("name",))
    if frame is None:
        return None, id_width
    frame["quarter_id"] = clean_ids(frame["quarter_id"])
    width = id_width if id_width is not None else infer_id_width(frame["quarter_id"])
    frame["quarter_id"], padded = pad_ids(frame["quarter_id"], id_width)
    if padded:
        report.add("note", "ids_padded", cfg.name, f"{padded} Quartiers-IDs wurden mit führenden "
                   f"Nullen auf {id_width} Stellen ergänzt.", file=str(path), column="quarter_id")
    empty = frame["quarter_id"].isna()
    if empty.any():
        report.add("error", "empty_id", cfg.name, f"{int(empty.sum())} Quartiere haben keine ID.",
                   "Jedem Quartier eine eindeutige Nummer oder Kennung geben.", file=str(path),
                   column="quarter_id", rows=row_labels(frame, empty))
    duplicated = frame["quarter_id"].duplicated(keep=False) & ~empty
    if duplicated.any():
        report.add("error", "duplicate_id", cfg.name, f"Quartiers-IDs kommen mehrfach vor: "
                   f"{format_ids(sorted(frame.loc[duplicated, 'quarter_id'].unique()))}.",
                   "Jede ID darf nur einmal vorkommen; Teilflächen eines Quartiers zu einem "
                   "Multipolygon zusammenfassen (QGIS: Auflösen).", file=str(path),
                   column="quarter_id", rows=row_labels(frame, duplicated))
    frame["name"] = frame["name"].astype(object).where(frame["name"].notna(), frame["quarter_id"])
    frame["name"] = frame["name"].map(lambda v: str(v).strip() if v is not None else v)
    frame = repair_polygons(frame, cfg, path, report, "quarter_id")
    if frame.empty:
        report.add("error", "no_rows", cfg.name, "Die Datei enthält keine verwendbaren Quartiere.",
                   "Eine Datei mit Quartiersflächen angeben.", file=str(path))
        return None, width
    if not frame["quarter_id"].duplicated().any() and frame["quarter_id"].notna().all():
        check_tiling(frame, cfg, path, report)
    columns = ["quarter_id", "name"] + [c for c in frame.columns
                                        if c not in ("quarter_id", "name", "_row",
                                                     frame.geometry.name)]
    quarters = gpd.GeoDataFrame(frame[[c for c in columns if c != "geometry"]],
                                geometry=frame.geometry.values, crs=frame.crs)
    ids = quarters["quarter_id"].fillna("").tolist()
    order = sorted(range(len(ids)), key=lambda i: _natural_key(ids[i]))
    quarters = quarters.iloc[order].reset_index(drop=True)
    return quarters, width


def _natural_key(text: str) -> tuple:
    """Sort ids numerically where they are numbers (``2`` before ``10``)."""
    return (0, int(text), text) if text.isdigit() else (1, 0, text)
