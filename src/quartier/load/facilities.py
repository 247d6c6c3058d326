"""Loading facility registers (Angebote) onto the ``facilities`` contract."""

from __future__ import annotations

import difflib

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from quartier.config import DatasetConfig, parse_crs
from quartier.load.addresses import read_placed
from quartier.load.columns import map_columns, row_labels
from quartier.load.geometry import misplacement_cause, outside_quarters, share_inside, to_points
from quartier.load.ids import clean_ids
from quartier.load.numbers import number_column
from quartier.load.osm_extract import (
    INSTALL_HINT,
    is_osm_extract,
    read_osm_extract,
    summarise_extract,
)
from quartier.osm import classify_osm, expand_other_tags
from quartier.validation import Severity, ValidationReport, format_ids

__all__ = ["load_facilities", "category_text", "FACILITY_COLUMNS"]

FACILITY_COLUMNS = ["facility_id", "name", "field", "category", "capacity", "operator",
                    "target_group", "address", "source"]
_OPTIONAL = ("facility_id", "name", "category", "capacity", "operator", "target_group", "address")
#: Kept beside the contract: the geometry kind before conversion to points (``point``,
#: ``area``, ``line``; see :mod:`quartier.load.completeness`), ``area_m2`` (the area of a
#: facility given as a polygon or an OSM area, e.g. a playground or park; NaN otherwise) and
#: ``context`` (True for a facility of a ``context = true`` dataset: like one outside every
#: quarter, it counts for access, never as a quarter's facility; see
#: :mod:`quartier.indicators.edges`).
_KEPT = ["geometry_kind", "area_m2", "context"]
_GEOMETRY_KINDS = {"Point": "point", "MultiPoint": "point", "Polygon": "area",
                   "MultiPolygon": "area", "LineString": "line", "MultiLineString": "line"}


def load_facilities(sources: tuple[DatasetConfig, ...], catalogue: pd.DataFrame,
                    working_crs: CRS, report: ValidationReport,
                    quarters: gpd.GeoDataFrame | None = None,
                    context_buffer_m: float = 2000.0) -> gpd.GeoDataFrame:
    """Load and combine every facility source of a study.

    Each row gets a ``category`` (a catalogue key: from a column, from the block's fixed
    ``category``, through ``category_map`` or by OpenStreetMap tags with ``osm = true`` or
    from an OpenStreetMap extract, ``format = "osm"``) and the ``field`` of that category.
    Facilities outside every quarter are kept (they serve residents of neighbouring quarters)
    and reported with their ids. An OpenStreetMap extract is clipped to the quarters plus
    ``context_buffer_m`` (``[indicators] context_buffer_m``): a regional extract holds far
    more than the study needs.

    Examples
    --------
    >>> from quartier.config import read_config
    >>> from quartier.sample import config_path
    >>> config, findings = read_config(config_path())
    >>> from quartier import default_catalogue
    >>> from quartier.load import load_quarters
    >>> quarters, _ = load_quarters(config.quarters, config.crs, findings)
    >>> facilities = load_facilities(config.facilities, default_catalogue(), config.crs, findings,
    ...                              quarters)
    >>> len(facilities), findings.codes("warning")
    (195, ['outside_quarters'])
    """
    reach = None
    if quarters is not None and len(quarters) and any(
            is_osm_extract(cfg.path, cfg.get("format")) for cfg in sources):
        reach = shapely.union_all(quarters.geometry.to_numpy()).buffer(context_buffer_m)
    parts = [part for cfg in sources
             if (part := _load_source(cfg, catalogue, working_crs, report, quarters, reach))
             is not None]
    if parts:
        facilities = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry",
                                      crs=working_crs)
    else:
        facilities = gpd.GeoDataFrame({c: pd.Series(dtype=object)
                                       for c in FACILITY_COLUMNS + _KEPT},
                                      geometry=gpd.GeoSeries([], crs=working_crs))
        facilities[["capacity", "area_m2"]] = facilities[["capacity", "area_m2"]].astype(float)
    duplicated = facilities["facility_id"].duplicated(keep=False)
    if duplicated.any():
        sources_hit = sorted(facilities.loc[duplicated, "source"].unique())
        report.add("error", "duplicate_id", "facilities", f"Einrichtungs-IDs kommen mehrfach vor: "
                   f"{format_ids(sorted(facilities.loc[duplicated, 'facility_id'].unique()))} "
                   f"(Quellen: {', '.join(sources_hit)}).",
                   "IDs eindeutig machen; bei mehreren Quellen je Quelle id_prefix = \"…\" setzen.",
                   column="facility_id")
    if quarters is not None and len(facilities) and len(quarters):
        outside = outside_quarters(facilities, quarters)
        if outside.any():
            report.add("warning", "outside_quarters", "facilities", f"{int(outside.sum())} "
                       "Einrichtungen liegen außerhalb aller Quartiere. Sie bleiben erhalten, "
                       "weil sie auch Bewohner*innen angrenzender Quartiere versorgen.",
                       "Nur prüfen, ob die Lage stimmt (vertauschte Koordinaten, falsches "
                       "Koordinatensystem).", rows=format_ids(facilities.loc[outside,
                                                                               "facility_id"]))
        facilities["in_study_area"] = ~outside
    return facilities


def _load_source(cfg: DatasetConfig, catalogue: pd.DataFrame, working_crs: CRS,
                 report: ValidationReport, quarters: gpd.GeoDataFrame | None = None,
                 reach: shapely.Geometry | None = None) -> gpd.GeoDataFrame | None:
    extract = is_osm_extract(cfg.path, cfg.get("format"))
    if extract:
        frame, decimal = _read_extract(cfg, catalogue, working_crs, report, reach), "."
    else:
        frame, decimal = read_placed(cfg, working_crs, report)  # placed by address if needed
    if frame is None:
        return None
    frame = expand_other_tags(frame)  # GDAL's OSM driver packs most tags into other_tags
    path = cfg.path
    label = str(cfg.get("label", path.stem))
    address_parts = cfg.get("address_columns") or (cfg.columns.get("address")
                                                    if isinstance(cfg.columns.get("address"), list)
                                                    else None)
    frame = map_columns(frame, cfg, path, report, optional=_OPTIONAL)
    if frame is None:
        return None
    if frame.empty:
        if extract:  # nothing with a known tag: the warning says what to check
            summarise_extract(pd.Series(dtype=object), pd.Series(dtype=object), catalogue,
                              cfg.name, str(path), report)
            return None
        report.add("warning", "no_rows", cfg.name, "Die Datei enthält keine Einrichtungen.",
                   file=str(path))
        return None

    ids = clean_ids(frame["facility_id"])
    missing_id = ids.isna()
    ids[missing_id] = [f"{label}-{row}" for row in frame.loc[missing_id, "_row"]]
    if missing_id.all():
        report.add("note", "generated_ids", cfg.name, "Die Datei hat keine ID-Spalte; IDs werden "
                   "aus Quelle und Zeilennummer gebildet.", "Für den Vergleich zweier Ausgaben "
                   "eine stabile ID-Spalte zuordnen (columns = { facility_id = \"…\" }).",
                   file=str(path))
    elif missing_id.any():
        report.add("warning", "empty_id", cfg.name, f"{int(missing_id.sum())} Einrichtungen ohne "
                   "ID erhalten eine ID aus Quelle und Zeilennummer.", "IDs nachtragen.",
                   file=str(path), column="facility_id", rows=row_labels(frame, missing_id))
    frame["facility_id"] = str(cfg.get("id_prefix", "")) + ids

    if address_parts:
        absent = [c for c in address_parts if c not in frame.columns]
        if absent:
            report.add("error", "missing_column", cfg.name, f"Adressspalten fehlen: "
                       f"{', '.join(absent)}.", "Spaltennamen in address_columns prüfen.",
                       file=str(path), column=", ".join(absent))
        else:
            frame["address"] = _join_address(frame[list(address_parts)])

    frame["category"] = _categories(frame, cfg, catalogue, report, extract)
    if extract:
        summarise_extract(frame["category"], frame["geometry_kind"], catalogue, cfg.name,
                          str(path), report)
    keys = set(catalogue.index)
    unknown = frame["category"].notna() & ~frame["category"].isin(keys)
    if unknown.any():
        counts = frame.loc[unknown, "category"].value_counts()
        listing = ", ".join(f"'{value}' ({count}×{_suggestion(value, catalogue)})"
                            for value, count in counts.items())
        report.add("error", "unknown_category", cfg.name, f"Unbekannte Kategorien: {listing}.",
                   "Erlaubt sind: " + ", ".join(catalogue.index) + ". Eigene Werte mit "
                   "category_map = { \"Ihr Wert\" = \"kita\" } zuordnen oder unter [categories] "
                   "neue Kategorien anlegen.", file=str(path), column="category",
                   rows=row_labels(frame, unknown, "facility_id"))
    uncategorised = frame["category"].isna()
    if uncategorised.any():
        severity: Severity = "note" if cfg.get("osm") or extract else "warning"
        report.add(severity, "no_category", cfg.name, f"{int(uncategorised.sum())} Einrichtungen "
                   "ohne Kategorie werden nicht berücksichtigt.",
                   "Kategorie nachtragen oder mit category_map zuordnen.", file=str(path),
                   column="category", rows=row_labels(frame, uncategorised, "facility_id"))
    frame = frame[frame["category"].isin(keys)].copy()
    frame["field"] = frame["category"].map(catalogue["field"])
    frame["capacity"] = number_column(frame, "capacity", cfg, path, report, kind="count",
                                      decimal=decimal, severity="warning",
                                      allow_negative=False, id_column="facility_id")
    for column in ("name", "operator", "target_group", "address"):
        frame[column] = frame[column].map(lambda v: str(v).strip() if v is not None
                                          and not (isinstance(v, float) and np.isnan(v))
                                          else None)
    frame["source"] = label
    if not extract:  # an extract's areas are points inside the area already
        frame["geometry_kind"] = frame.geometry.geom_type.map(_GEOMETRY_KINDS)
        frame["area_m2"] = frame.geometry.area.where(frame["geometry_kind"] == "area")
    frame["context"] = bool(cfg.get("context", False))
    frame = to_points(frame, cfg, path, report, "facility_id")
    if quarters is not None and len(quarters) and len(frame):
        _check_location(frame, cfg, working_crs, quarters, report)
    return gpd.GeoDataFrame(frame[FACILITY_COLUMNS + _KEPT].copy(),
                            geometry=frame.geometry.values,
                            crs=working_crs)


def _check_location(frame: gpd.GeoDataFrame, cfg: DatasetConfig, working_crs: CRS,
                    quarters: gpd.GeoDataFrame, report: ValidationReport) -> None:
    """Warn when most facilities of a source miss the quarters and another reading would not.

    The readings tried (x and y swapped, another CRS) start from the coordinates in the CRS
    the source declares (``crs``), else in the working CRS.
    """
    x, y = frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
    inside = share_inside(x, y, quarters)
    if inside >= 0.5:
        return
    declared = cfg.get("crs")
    source = parse_crs(declared) if declared else working_crs
    if not source.equals(working_crs):
        x, y = Transformer.from_crs(working_crs, source, always_xy=True).transform(x, y)
    cause = misplacement_cause(np.asarray(x), np.asarray(y), source, quarters)
    if cause is None or cause[2] < 2 * inside:
        return
    report.add("warning", "facilities_misplaced", cfg.name, f"{100 * (1 - inside):.0f} % der "
               "Einrichtungen dieser Quelle liegen außerhalb aller Quartiere. Vermutlich stehen "
               f"die Koordinaten {cause[0]}: so gelesen lägen {100 * cause[2]:.0f} % in den "
               "Quartieren.", cause[1], file=str(cfg.path), column="geometry")


def _join_address(parts: pd.DataFrame) -> pd.Series:
    """``Hauptstraße 5, 69181 Musterstadt`` from street, number, postcode and town columns."""
    text = parts.astype(object).where(parts.notna(), "").astype(str).apply(
        lambda col: col.str.strip())
    if text.shape[1] >= 4:
        street = (text.iloc[:, 0] + " " + text.iloc[:, 1]).str.strip()
        town = (text.iloc[:, 2] + " " + text.iloc[:, 3]).str.strip()
        rest = [text.iloc[:, i] for i in range(4, text.shape[1])]
        columns = [street, town, *rest]
    else:
        columns = [text.iloc[:, i] for i in range(text.shape[1])]
    joined = pd.concat(columns, axis=1).apply(lambda row: ", ".join(v for v in row if v), axis=1)
    return joined.where(joined != "", None)


def _read_extract(cfg: DatasetConfig, catalogue: pd.DataFrame, working_crs: CRS,
                  report: ValidationReport, reach: shapely.Geometry | None
                  ) -> gpd.GeoDataFrame | None:
    """An OpenStreetMap extract read with pyosmium; problems go to ``report``."""
    if not cfg.path.exists():
        return None  # already reported by the config check
    mapped = [c for c in cfg.columns.values() if isinstance(c, str)]
    try:
        frame = read_osm_extract(cfg.path, working_crs, catalogue, clip=reach,
                                 extra_keys=mapped)
    except ImportError as exc:
        report.add("error", "missing_package", cfg.name, str(exc), f"Im Projektordner "
                   f"{INSTALL_HINT} ausführen (oder die Daten als GeoPackage liefern).",
                   file=str(cfg.path))
        return None
    except (RuntimeError, ValueError) as exc:  # libosmium: not an OSM file, truncated …
        report.add("error", "unreadable_file", cfg.name, "Die Datei lässt sich nicht als "
                   f"OpenStreetMap-Auszug lesen ({exc}).", "Einen Auszug im Format .osm.pbf "
                   "oder .osm verwenden (z. B. von download.geofabrik.de); für andere Dateien "
                   "format = \"osm\" weglassen.", file=str(cfg.path))
        return None
    frame["_row"] = np.arange(1, len(frame) + 1)
    return frame


def category_text(value: object) -> str:
    """A category value as compared: without case and surrounding or repeated spaces.

    Examples
    --------
    >>> category_text(" KITA "), category_text("Kita"), category_text("Tafel  Süd")
    ('kita', 'kita', 'tafel süd')
    """
    return " ".join(str(value).split()).casefold()


def _suggestion(value: str, catalogue: pd.DataFrame) -> str:
    """``", meinten Sie 'kita'?"`` for a value near a category key or German label."""
    labels = catalogue["label_de"] if "label_de" in catalogue.columns else pd.Series(
        dtype=object)
    by_name = {category_text(key): key for key in catalogue.index}
    for key, label in labels.items():
        if isinstance(label, str) and label.strip():
            by_name.setdefault(category_text(label), key)
    near = difflib.get_close_matches(category_text(value), list(by_name), n=3, cutoff=0.6)
    keys = list(dict.fromkeys(by_name[n] for n in near))
    return (", meinten Sie " + " oder ".join(f"'{k}'" for k in keys) + "?") if keys else ""


def _categories(frame: pd.DataFrame, cfg: DatasetConfig, catalogue: pd.DataFrame,
                report: ValidationReport, extract: bool = False) -> pd.Series:
    fixed = cfg.get("category")
    mapping = cfg.get("category_map") or {}
    if cfg.get("osm") or extract:
        tag_columns = [c for c in frame.columns if c not in ("_row", "geometry", *_OPTIONAL,
                                                             *_KEPT)]
        categories = classify_osm(frame[tag_columns], catalogue)
        if fixed is not None:
            categories = categories.fillna(fixed)
        return categories.astype(object)
    keys = {category_text(key): key for key in catalogue.index}
    if frame["category"].notna().any():
        values = frame["category"].map(lambda v: str(v).strip() if v is not None
                                       and not (isinstance(v, float) and np.isnan(v))
                                       and str(v).strip() else None)
        lookup = {category_text(k): v for k, v in mapping.items() if k != "*"}
        other = mapping.get("*")
        values = values.map(lambda v: lookup.get(category_text(v), other if other is not None
                                                 else v) if v is not None else None)
        if fixed is not None:
            values = values.fillna(fixed)
        return values.map(lambda v: keys.get(category_text(v), v) if v is not None
                          else None).astype(object)
    if fixed is not None:
        return pd.Series(keys.get(category_text(fixed), str(fixed)), index=frame.index,
                         dtype=object)
    if mapping:
        return pd.Series(None, index=frame.index, dtype=object)
    report.add("error", "missing_column", cfg.name, "Es ist nicht angegeben, welche Kategorie die "
               "Einrichtungen haben.", 'Eine Spalte zuordnen (columns = { category = "…" }), für '
               'die ganze Datei category = "kita" setzen oder osm = true für OpenStreetMap-Daten.',
               file=str(cfg.path), column="category")
    return pd.Series(None, index=frame.index, dtype=object)
