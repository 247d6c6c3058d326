"""Loading population per 100 m grid cell (Zensus 2022 format) and per quarter.

Age bands follow the contract ``age_<from>_<to>`` / ``age_<from>_plus`` (see ``docs/config.md``);
:data:`PRESETS` maps the columns of known sources onto them.
"""

from __future__ import annotations

import re
from functools import reduce
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from quartier.config import DatasetConfig, parse_crs
from quartier.load.columns import map_columns, missing_column_hint, read_table_reported, row_labels
from quartier.load.geometry import likely_crs, misplacement_cause, outside_area_of_use, share_inside
from quartier.load.ids import clean_ids, pad_ids
from quartier.load.numbers import number_column
from quartier.load.zensus import (
    read_grid_for_study,
    report_value_flags,
    study_area_box,
    wants_study_area_only,
)
from quartier.validation import ValidationReport, format_ids

__all__ = ["load_population_grid", "load_population_quarters", "PRESETS", "age_bands",
           "covers_all_ages",
           "parse_age_band", "age_band_limits", "ZENSUS_CELL_ID"]

ZENSUS_CELL_ID = re.compile(r"^CRS3035RES(\d+)mN(\d+)E(\d+)$")
_BAND = re.compile(r"^age_(\d+)_(\d+|plus)$")

#: Column layouts of known sources: contract name → source column.
PRESETS: dict[str, dict[str, str]] = {
    "zensus2022": {
        "cell_id": "GITTER_ID_100m", "x": "x_mp_100m", "y": "y_mp_100m", "total": "Einwohner",
        # "Alter in 10er-Jahresgruppen"
        "age_0_9": "Unter10", "age_10_19": "a10bis19", "age_20_29": "a20bis29",
        "age_30_39": "a30bis39", "age_40_49": "a40bis49", "age_50_59": "a50bis59",
        "age_60_69": "a60bis69", "age_70_79": "a70bis79", "age_80_plus": "a80undaelter",
        # "Alter in 5 Altersklassen"
        "age_0_17": "Unter18", "age_18_29": "a18bis29", "age_30_49": "a30bis49",
        "age_50_64": "a50bis64", "age_65_plus": "a65undaelter",
        # "Alter in infrastrukturellen Altersgruppen" (Alter_INFR_100m-Gitter)
        "age_0_2": "Unter3", "age_3_5": "a3bis5", "age_6_9": "a6bis9", "age_10_15": "a10bis15",
        "age_16_18": "a16bis18", "age_19_24": "a19bis24", "age_25_39": "a25bis39",
        "age_40_59": "a40bis59", "age_60_66": "a60bis66", "age_67_74": "a67bis74",
        "age_75_plus": "a75undaelter",
    },
    "berlin_ew": {
        "quarter_id": "PLR-ID", "total": "Gesamt", "age_0_5": "unter6", "age_6_14": "6-15",
        "age_15_17": "15-18", "age_18_26": "18-27", "age_27_44": "27-45", "age_45_54": "45-55",
        "age_55_64": "55-65", "age_65_plus": "65undmehr",
    },
    # Einwohnerregister Berlin (Matrix je Planungsraum, z. B. 31.12.2024): the 32 fine bands
    # E_Exx_yy are "xx to under yy" and partition all ages; E_E95_110 is the open top band.
    "berlin_ewr_2024": {
        "quarter_id": "RAUMID", "total": "E_E",
        **{f"age_{lower}_{upper - 1}": f"E_E{lower:02d}_{upper:02d}" for lower, upper in (
            (0, 1), (1, 2), (2, 3), (3, 5), (5, 6), (6, 7), (7, 8), (8, 10), (10, 12),
            (12, 14), (14, 15), (15, 18), (18, 21), (21, 25), (25, 27), (27, 30), (30, 35),
            (35, 40), (40, 45), (45, 50), (50, 55), (55, 60), (60, 63), (63, 65), (65, 67),
            (67, 70), (70, 75), (75, 80), (80, 85), (85, 90), (90, 95))},
        "age_95_plus": "E_E95_110",
    },
}
_ZENSUS_TOTAL_ALTERNATIVE = "Insgesamt_Bevoelkerung"


def parse_age_band(name: str) -> tuple[int, int | None] | None:
    """``age_6_14`` → (6, 14); ``age_80_plus`` → (80, None); other names → None."""
    match = _BAND.match(name)
    if not match:
        return None
    upper = None if match.group(2) == "plus" else int(match.group(2))
    return int(match.group(1)), upper


def age_band_limits(name: str) -> tuple[int, int | None]:
    """The lower and upper age of an age band column (upper None for the open band).

    Raises ``ValueError`` for a name that is not an age band (see :func:`parse_age_band`).

    Examples
    --------
    >>> age_band_limits("age_6_14"), age_band_limits("age_80_plus")
    ((6, 14), (80, None))
    """
    limits = parse_age_band(name)
    if limits is None:
        raise ValueError(f"{name!r} ist keine Altersgruppe (age_VON_BIS oder age_VON_plus)")
    return limits


def age_bands(columns: pd.Index | list[str]) -> list[str]:
    """The age band columns among ``columns``, ordered by their lower bound."""
    bands = [str(c) for c in columns if parse_age_band(str(c))]
    return sorted(bands, key=age_band_limits)


def covers_all_ages(bands: list[str]) -> bool:
    """True when the bands run without gap or overlap from age 0 to an open upper band.

    Examples
    --------
    >>> covers_all_ages(["age_0_5", "age_6_64", "age_65_plus"])
    True
    >>> covers_all_ages(["age_0_5", "age_80_plus"])
    False
    """
    expected = 0
    for band in age_bands(bands):
        lower, upper = age_band_limits(band)
        if lower != expected:
            return False
        if upper is None:
            return True
        expected = upper + 1
    return False


def _layout(cfg: DatasetConfig, report: ValidationReport, default: str | None) -> dict[str, str]:
    preset = cfg.get("preset", cfg.get("format", default))
    if preset is None:
        return {}
    if preset not in PRESETS:
        report.add("error", "bad_value", cfg.name, f"Unbekanntes Format '{preset}'.",
                   f"Bekannt sind: {', '.join(PRESETS)}; sonst columns = {{ … }} angeben.",
                   file=str(cfg.path))
        return {}
    return PRESETS[preset]


def load_population_grid(cfg: DatasetConfig, working_crs: CRS, report: ValidationReport,
                         quarters: gpd.GeoDataFrame | None = None, *,
                         context_buffer_m: float = 2000.0, cache_dir: Path | None = None
                         ) -> gpd.GeoDataFrame | None:
    """Load population per 100 m cell from one or several Zensus-style CSV files.

    Several files (population, age groups) are joined on the cell id. Cell centres come from
    ``x_mp_100m``/``y_mp_100m`` (EPSG:3035 unless ``crs`` says otherwise) or, when those are
    absent, from the cell id ``CRS3035RES100mN…E…`` (lower-left corner + half the cell size).
    Suppressed values (``–``) become NaN and are counted in a note. Cells outside the area of
    use of the grid's CRS are errors; with ``quarters`` given, a grid whose cells mostly miss
    the quarters is an error naming the likely cause (x and y swapped, another CRS).

    A large file (a national Zensus table, from 8 MiB or with ``study_area_only = true``) is
    read only for the quarters' bounding box plus ``context_buffer_m``, in blocks, and the
    clip is cached in ``cache_dir`` (see :mod:`quartier.load.zensus`). Cells flagged in a
    ``werterlaeuternde_Zeichen`` column (``KLAMMERN``) are counted in a note.

    Returns
    -------
    GeoDataFrame
        ``cell_id``, ``total``, ``age_*`` bands, point geometry (cell centre) in the working CRS.

    Examples
    --------
    The sample's Zensus grid (two files: totals and ten-year age groups) holds the same 27,267
    residents as its register table:

    >>> from quartier.config import read_config
    >>> from quartier.sample import config_path
    >>> config, findings = read_config(config_path())
    >>> grid = load_population_grid(config.population_grid, config.crs, findings)
    >>> len(grid), float(grid["total"].sum()), grid.geometry.geom_type.unique().tolist()
    (483, 27267.0, ['Point'])
    """
    layout = _layout(cfg, report, "zensus2022")
    box = (study_area_box(quarters, context_buffer_m, parse_crs(cfg.get("crs", "EPSG:3035")))
           if quarters is not None and len(quarters) else None)
    frames = []
    columns_read: dict[str, None] = {}
    for path in cfg.paths:
        if not path.exists():
            continue
        if box is not None and wants_study_area_only(cfg, path):
            table, decimal = read_grid_for_study(cfg, path, report, box, layout, cache_dir)
        else:
            table, decimal = read_table_reported(cfg, path, report)
        if table is None:
            continue
        report_value_flags(table, cfg, str(path), report)
        columns_read.update(dict.fromkeys(c for c in table.columns if c != "_row"))
        defaults = dict(layout)
        if "total" not in cfg.columns and "Einwohner" not in table.columns:
            defaults["total"] = _ZENSUS_TOTAL_ALTERNATIVE
        sub_cfg = DatasetConfig(cfg.name, (path,), {k: v for k, v in cfg.columns.items()
                                                    if v in table.columns or k == "cell_id"},
                                cfg.options)
        mapped = map_columns(table, sub_cfg, path, report, required=("cell_id",),
                             defaults=defaults)
        if mapped is None:
            continue
        mapped["cell_id"] = clean_ids(mapped["cell_id"])
        keep = ["cell_id", "_row"] + [c for c in ("x", "y", "total") if c in mapped.columns]
        keep += age_bands(mapped.columns)
        for column in keep[2:]:
            coordinate = column in ("x", "y")
            mapped[column] = number_column(mapped, column, cfg, path, report,
                                           kind="coordinate" if coordinate else "count",
                                           decimal=decimal, allow_negative=coordinate,
                                           id_column="cell_id")
        suppressed = mapped[age_bands(mapped.columns)].isna() if age_bands(mapped.columns) \
            else pd.DataFrame()
        if suppressed.any(axis=None):
            report.add("note", "suppressed_values", cfg.name, f"{int(suppressed.to_numpy().sum())} "
                       f"Alterswerte in {int(suppressed.any(axis=1).sum())} Zellen sind geheim "
                       "gehalten ('–') und fehlen.", "Die Gesamtzahl der Zelle bleibt gültig; "
                       "fehlende Altersgruppen werden später aus den bekannten Anteilen geschätzt.",
                       file=str(path))
        duplicated = mapped["cell_id"].duplicated(keep=False)
        if duplicated.any():
            report.add("error", "duplicate_id", cfg.name, "Gitterzellen kommen mehrfach vor.",
                       "Jede Zelle nur einmal aufführen.", file=str(path), column="cell_id",
                       rows=row_labels(mapped, duplicated, "cell_id"))
            mapped = mapped[~mapped["cell_id"].duplicated()]
        frames.append(mapped[keep].drop(columns="_row").set_index("cell_id"))
    _report_unmatched_mapping(cfg, list(columns_read), report)
    if not frames:
        return None
    grid = reduce(lambda a, b: a.join(b[[c for c in b.columns if c not in a.columns]],
                                      how="outer"), frames)
    for column in ("x", "y"):
        if column not in grid.columns:
            grid[column] = np.nan
    if "total" not in grid.columns:
        report.add("error", "missing_column", cfg.name, "Keine Spalte mit der Einwohnerzahl je "
                   "Zelle gefunden (Einwohner oder Insgesamt_Bevoelkerung).",
                   'columns = { total = "…" } angeben.', file=str(cfg.path), column="total")
        return None
    grid = grid.reset_index()
    grid = _fill_centres_from_ids(grid, cfg, report)
    bands = age_bands(grid.columns)
    crs = parse_crs(cfg.get("crs", "EPSG:3035"))
    located = grid["x"].notna() & grid["y"].notna()
    if not located.all():
        report.add("error", "missing_coordinates", cfg.name, f"{int((~located).sum())} Zellen "
                   "haben weder Koordinaten noch eine lesbare Gitter-ID.",
                   "Spalten x_mp_100m/y_mp_100m oder GITTER_ID_100m prüfen.", file=str(cfg.path),
                   rows=format_ids(grid.loc[~located, "cell_id"]))
        grid = grid[located]
    grid = grid.reset_index(drop=True)
    cells = gpd.GeoDataFrame(grid[["cell_id", "total", *bands]],
                             geometry=gpd.points_from_xy(grid["x"], grid["y"]), crs=crs)
    outside = outside_area_of_use(cells.geometry.to_numpy(), crs)
    if outside.any():
        fitting = likely_crs(grid.loc[outside, "x"], grid.loc[outside, "y"], declared=crs)
        report.add("error", "outside_crs_area", cfg.name, f"{int(outside.sum())} Gitterzellen "
                   f"liegen außerhalb des Gebiets, für das {crs.to_string()} gilt (z. B. "
                   f"{grid.loc[outside, 'x'].iat[0]:.6g}/{grid.loc[outside, 'y'].iat[0]:.6g}).",
                   (f'Die Zahlen passen zu {" oder ".join(fitting[:2])}: crs = "{fitting[0]}" '
                    "angeben." if fitting else 'Das richtige crs = "EPSG:…" angeben.')
                   + " Sonst x und y prüfen.", file=str(cfg.path), column="x/y",
                   rows=format_ids(grid.loc[outside, "cell_id"]))
        cells, grid = cells[~outside], grid[~outside]
    cells = cells.to_crs(working_crs)
    if quarters is not None and len(quarters) and len(cells):
        _check_grid_location(cells, grid, crs, quarters, cfg, report)
    return cells


def _check_grid_location(cells: gpd.GeoDataFrame, grid: pd.DataFrame, crs: CRS,
                         quarters: gpd.GeoDataFrame, cfg: DatasetConfig,
                         report: ValidationReport) -> None:
    """An error when most cells miss the quarters, naming the likely cause.

    A grid reaching beyond the town (most cells outside, but cells in most quarters) is normal
    and left to the note on cells outside the quarters.
    """
    x, y = cells.geometry.x.to_numpy(), cells.geometry.y.to_numpy()
    inside = share_inside(x, y, quarters)
    if inside >= 0.5:
        return
    cause = misplacement_cause(grid["x"].to_numpy(), grid["y"].to_numpy(), crs, quarters)
    if cause is not None and cause[2] >= 2 * inside:
        report.add("error", "grid_outside_quarters", cfg.name, f"{_format_share(1 - inside)} der "
                   "Gitterzellen liegen außerhalb aller Quartiere. Vermutlich stehen die "
                   f"Koordinaten {cause[0]}: so gelesen lägen {_format_share(cause[2])} in den "
                   "Quartieren.", cause[1], file=str(cfg.path), column="x/y")
        return
    tree = shapely.STRtree(cells.geometry.to_numpy())
    hit_quarters, _ = tree.query(quarters.geometry.to_numpy(), predicate="intersects")
    populated = len(np.unique(hit_quarters)) / len(quarters)
    if populated < 0.5:
        report.add("error", "grid_outside_quarters", cfg.name, f"{_format_share(1 - inside)} der "
                   f"Gitterzellen liegen außerhalb aller Quartiere, und nur "
                   f"{_format_share(populated)} der Quartiere enthalten überhaupt eine Zelle.",
                   "Prüfen, ob Gitter und Quartiere dasselbe Gebiet zeigen und ob x, y und crs "
                   "des Gitters stimmen (vertauschte Spalten, anderes Koordinatensystem).",
                   file=str(cfg.path), column="x/y")


def _format_share(share: float) -> str:
    """``0.973`` → ``'97 %'``."""
    return f"{share * 100:.0f} %"


def _report_unmatched_mapping(cfg: DatasetConfig, available: list[str],
                              report: ValidationReport) -> None:
    """A mapped grid column found in none of the files is an error (each file is mapped on its
    own, so a misspelt column would otherwise be skipped silently and a default used).
    """
    if not available:
        return
    for contract, column in cfg.columns.items():
        if isinstance(column, str) and column not in available and contract != "cell_id":
            report.add("error", "missing_column", cfg.name, f"Die Spalte '{column}' (für "
                       f"{contract}) fehlt in allen Dateien.",
                       missing_column_hint(column, available), file=str(cfg.path),
                       column=column)


def _fill_centres_from_ids(grid: pd.DataFrame, cfg: DatasetConfig, report: ValidationReport
                           ) -> pd.DataFrame:
    missing = grid["x"].isna() | grid["y"].isna()
    if not missing.any():
        return grid
    parts = grid.loc[missing, "cell_id"].astype(str).str.extract(ZENSUS_CELL_ID)
    size = parts[0].astype(float)
    grid.loc[missing, "x"] = parts[2].astype(float) + size / 2
    grid.loc[missing, "y"] = parts[1].astype(float) + size / 2
    filled = int(grid.loc[missing, "x"].notna().sum())
    if filled:
        report.add("note", "centres_from_ids", cfg.name, f"Die Mittelpunkte von {filled} Zellen "
                   "wurden aus der Gitter-ID berechnet.", file=str(cfg.path))
    return grid


def load_population_quarters(cfg: DatasetConfig, report: ValidationReport, *,
                             id_width: int | None) -> pd.DataFrame | None:
    """Load a population table per quarter (CSV or Excel, e.g. from the register office).

    Returns
    -------
    DataFrame
        ``quarter_id``, ``total``, ``age_*`` bands and further numeric columns.

    Examples
    --------
    >>> from quartier.config import read_config
    >>> from quartier.sample import config_path
    >>> config, findings = read_config(config_path())
    >>> table = load_population_quarters(config.population_quarters, findings, id_width=2)
    >>> len(table), float(table["total"].sum()), findings.codes("error")
    (7, 27267.0, [])
    """
    path = cfg.path
    if not path.exists():
        return None
    table, decimal = read_table_reported(cfg, path, report)
    if table is None:
        return None
    layout = _layout(cfg, report, None)
    mapped = map_columns(table, cfg, path, report, required=("quarter_id", "total"),
                         defaults=layout)
    if mapped is None:
        return None
    mapped["quarter_id"] = pad_quarter_ids(mapped, cfg, report, id_width)
    bands = age_bands(mapped.columns)
    for column in ["total", *bands]:
        mapped[column] = number_column(mapped, column, cfg, path, report, kind="count",
                                       decimal=decimal, allow_negative=False,
                                       id_column="quarter_id")
    suppressed = mapped[["total", *bands]].isna()
    if suppressed.any(axis=None):
        report.add("note", "suppressed_values", cfg.name, f"{int(suppressed.to_numpy().sum())} "
                   f"Werte in {int(suppressed.any(axis=1).sum())} Zeilen sind leer oder geheim "
                   "gehalten ('–') und zählen als fehlend.", "Geheimhaltung kleiner Zahlen ist "
                   "üblich; diese Quartiere erhalten keine Quoten.", file=str(path),
                   rows=row_labels(mapped, suppressed.any(axis=1), "quarter_id"))
    if bands:
        difference = mapped[bands].sum(axis=1, min_count=1) - mapped["total"]
        off = (difference.abs() if covers_all_ages(bands) else difference) > 0.5
        if off.any():
            report.add("warning", "bands_do_not_add_up", cfg.name, f"In {int(off.sum())} Zeilen "
                       "ergeben die Altersgruppen zusammen nicht die Gesamtzahl.",
                       "Fehlen Altersgruppen in der Zuordnung (columns)? Sonst Quelle prüfen.",
                       file=str(path), rows=row_labels(mapped, off, "quarter_id"))
    keep = ["quarter_id", "name", "total", *bands] if "name" in mapped.columns else \
        ["quarter_id", "total", *bands]
    return mapped[keep].reset_index(drop=True)


def pad_quarter_ids(frame: pd.DataFrame, cfg: DatasetConfig, report: ValidationReport,
                    id_width: int | None, column: str = "quarter_id") -> pd.Series:
    """Clean and zero-pad the quarter ids of a table; empty ids are reported as errors."""
    cleaned = clean_ids(frame[column])
    ids, _ = pad_ids(cleaned, id_width)
    lengths, before = ids.astype(str).str.len(), cleaned.astype(str).str.len()
    padded, stripped = int((lengths > before).sum()), int((lengths < before).sum())
    if stripped:
        report.add("note", "ids_stripped", cfg.name, f"Bei {stripped} Quartiers-IDs wurden "
                   "führende Nullen entfernt, damit sie zu den Quartiersgrenzen passen (dort "
                   f"{'ohne führende Null' if id_width == 1 else f'{id_width} Stellen'}).",
                   file=str(cfg.path), column=column)
    if padded:
        report.add("note", "ids_padded", cfg.name, f"{padded} Quartiers-IDs wurden mit führenden "
                   f"Nullen auf {id_width} Stellen ergänzt, damit sie zu den Quartiersgrenzen "
                   "passen.", file=str(cfg.path), column=column)
    empty = ids.isna()
    if empty.any():
        report.add("error", "empty_id", cfg.name, f"{int(empty.sum())} Zeilen haben keine "
                   "Quartiers-ID.", "ID nachtragen oder Zeile (z. B. eine Summenzeile) löschen.",
                   file=str(cfg.path), column=column, rows=row_labels(frame, empty))
    return ids
