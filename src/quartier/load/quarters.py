"""Loading quarter boundaries onto the ``quarters`` contract."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from pyproj import CRS

from quartier.config import DatasetConfig
from quartier.load.columns import map_columns, row_labels
from quartier.load.features import read_features
from quartier.load.geometry import check_extent, check_tiling, repair_polygons
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

    Examples
    --------
    The sample town's boundaries, with its configuration (ids are text, padded to two digits):

    >>> from quartier.config import read_config
    >>> from quartier.sample import config_path
    >>> config, findings = read_config(config_path())
    >>> quarters, id_width = load_quarters(config.quarters, config.crs, findings)
    >>> len(quarters), id_width, quarters["quarter_id"].iloc[0], str(quarters.crs)
    (7, 2, '01', 'EPSG:25832')
    """
    frame, _ = read_features(cfg, working_crs, report)
    if frame is None:
        return None, id_width
    path = cfg.path
    frame = map_columns(frame, cfg, path, report, required=("quarter_id",), optional=("name",))
    if frame is None:
        return None, id_width
    frame["quarter_id"] = clean_ids(frame["quarter_id"])
    frame = _correct_ids(frame, cfg, report)
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
    check_extent(frame, cfg, path, report)  # before a repair hides a stray vertex
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


def _correct_ids(frame: gpd.GeoDataFrame, cfg: DatasetConfig,
                 report: ValidationReport) -> gpd.GeoDataFrame:
    """Apply ``id_corrections = { "<object number>" = "<id>" }`` from the config.

    Source files sometimes carry a wrong id on one object (two quarters with the same id); the
    object number is the one the duplicate-id error names (1-based, as in the file). The source
    file stays untouched and every correction is listed as a note.
    """
    corrections = cfg.get("id_corrections") or {}
    if not corrections:
        return frame
    path = str(cfg.path)
    if not isinstance(corrections, dict):
        report.add("error", "bad_value", cfg.name, "id_corrections muss eine Tabelle "
                   "{ \"Objektnummer\" = \"ID\" } sein.", "Beispiel: id_corrections = "
                   "{ \"124\" = \"04030417\" }", file=path)
        return frame
    rows = frame["_row"].astype(int).to_numpy()
    applied = []
    for key, new_id in corrections.items():
        number = int(key) if str(key).strip().isdigit() else None
        if number is None or number not in rows:
            report.add("error", "bad_value", cfg.name, f"id_corrections: Objekt {key} gibt es in "
                       f"der Datei nicht (1 bis {len(frame)}).", "Die Objektnummer aus der "
                       "Fehlermeldung zu doppelten IDs übernehmen.", file=path)
            continue
        position = int(np.flatnonzero(rows == number)[0])
        old = frame["quarter_id"].iat[position]
        frame.iloc[position, frame.columns.get_loc("quarter_id")] = str(new_id).strip()
        applied.append(f"Objekt {number}: {old} → {str(new_id).strip()}")
    if applied:
        report.add("note", "ids_corrected", cfg.name, "Quartiers-IDs laut id_corrections "
                   "berichtigt: " + "; ".join(applied) + ".", file=path, column="quarter_id")
    return frame


def _natural_key(text: str) -> tuple:
    """Sort ids numerically where they are numbers (``2`` before ``10``)."""
    return (0, int(text), text) if text.isdigit() else (1, 0, text)
