"""Tables published on other boundaries, carried onto the study's quarters.

Housing figures or social indicators are often published on older or different areas (Berlin's
housing stock is still on the planning areas before 2021). A dataset block with
``boundaries = "path"`` names the polygons its ids refer to; :func:`carry_to_quarters` reads
them like quarters and carries every numeric column onto the study's quarters with the area
weighting of :mod:`quartier.editions.boundaries`: counts by share of area
(:func:`~quartier.editions.boundaries.interpolate_extensive`), rates and shares as means
weighted by area or by a count column (:func:`~quartier.editions.boundaries.interpolate_intensive`).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from quartier.config import DatasetConfig
from quartier.editions.boundaries import area_weights, interpolate_extensive, interpolate_intensive
from quartier.load.quarters import load_quarters
from quartier.validation import ValidationReport, format_ids

__all__ = ["carry_to_quarters", "BOUNDARY_OPTIONS"]

#: The keys of a dataset block that describe its own boundaries.
BOUNDARY_OPTIONS = ("boundaries", "boundaries_columns", "boundaries_id_corrections",
                    "boundaries_layer", "boundaries_counts", "boundaries_rates",
                    "boundaries_weight")


def _source_quarters(cfg: DatasetConfig, working_crs: CRS, report: ValidationReport,
                     id_width: int | None) -> gpd.GeoDataFrame | None:
    """The polygons the dataset's ids refer to, read and checked like quarters."""
    path = cfg.get("boundaries")
    columns = dict(cfg.get("boundaries_columns") or {})
    options = {"id_corrections": cfg.get("boundaries_id_corrections") or {}}
    if cfg.get("boundaries_layer"):
        options["layer"] = cfg.get("boundaries_layer")
    if "quarter_id" not in columns:
        guess = cfg.columns.get("quarter_id")
        columns["quarter_id"] = guess if isinstance(guess, str) else "id"
    source_cfg = DatasetConfig(f"{cfg.name}.boundaries", (path,), columns, options)
    source, _ = load_quarters(source_cfg, working_crs, report, id_width=id_width)
    return source


def _split_columns(values: list[str], cfg: DatasetConfig, *, rates_by_default: bool
                   ) -> tuple[list[str], list[str]]:
    """Which columns are counts and which rates (``boundaries_counts``/``boundaries_rates``)."""
    counts = [c for c in (cfg.get("boundaries_counts") or []) if c in values]
    rates = [c for c in (cfg.get("boundaries_rates") or []) if c in values]
    rest = [c for c in values if c not in counts and c not in rates]
    return (counts, rates + rest) if rates_by_default else (counts + rest, rates)


def carry_to_quarters(frame: pd.DataFrame, cfg: DatasetConfig, quarters: gpd.GeoDataFrame,
                      working_crs: CRS, report: ValidationReport, *, id_width: int | None,
                      rates_by_default: bool, by: str | None = None) -> pd.DataFrame | None:
    """Carry a table given per source area onto the study's quarters.

    Parameters
    ----------
    frame : DataFrame
        ``quarter_id`` of the source areas (cleaned and padded), numeric value columns and, with
        ``by``, a column whose groups (years) are carried one by one. Other text columns
        (``name``) are dropped.
    cfg : DatasetConfig
        The dataset block; ``boundaries`` (the polygon file, resolved), optional
        ``boundaries_columns`` (``{ quarter_id = "…" }``; default: the dataset's own id column
        name, else ``id``), ``boundaries_id_corrections``, ``boundaries_layer``,
        ``boundaries_counts`` / ``boundaries_rates`` (columns carried as counts or as means)
        and ``boundaries_weight`` (a count column weighting the means, e.g. residents).
    quarters : GeoDataFrame
        The study's quarters (targets).
    rates_by_default : bool
        Columns named in neither list are rates (True, social indicators) or counts (False,
        housing).
    by : str, optional
        Column carried group by group and kept (``year``).

    Returns
    -------
    DataFrame or None
        One row per study quarter with at least one carried value (per group with ``by``),
        ``quarter_id`` of the study, the value columns; None when the boundaries are unusable.

    Notes
    -----
    With A_st the area shared by source s and quarter t and A_s, A_t their areas:
    a count becomes y_t = Σ_s (A_st / A_s) · x_s; a rate becomes
    y_t = Σ_s w_st · x_s / Σ_s w_st with w_st = A_st, or w_st = P_s · A_st / A_s with the weight
    column P (see :func:`quartier.editions.boundaries.interpolate_intensive`). Counts are
    conserved where the sources lie inside the study's quarters.
    """
    source = _source_quarters(cfg, working_crs, report, id_width)
    if source is None or not len(source) or source["quarter_id"].duplicated().any():
        return None
    boundary_name = cfg.get("boundaries").name
    known = set(source["quarter_id"])
    unknown = frame["quarter_id"].notna() & ~frame["quarter_id"].isin(known)
    if unknown.all():
        report.add("error", "no_matching_ids", cfg.name, f"Keine ID der Datei {cfg.path.name} "
                   f"kommt in den Grenzen {boundary_name} vor: hier z. B. "
                   f"{format_ids(sorted(frame['quarter_id'].dropna().unique()), 3)}, dort z. B. "
                   f"{format_ids(sorted(known), 3)}.", "boundaries_columns = { quarter_id = "
                   "\"…\" } auf die ID-Spalte der Grenzdatei setzen.", file=str(cfg.path),
                   column="quarter_id")
        return None
    if unknown.any():
        report.add("warning", "unknown_quarter", cfg.name, f"{int(unknown.sum())} IDs gibt es in "
                   f"den Grenzen {boundary_name} nicht: "
                   f"{format_ids(sorted(frame.loc[unknown, 'quarter_id'].unique()))}. Diese Zeilen "
                   "werden nicht übertragen.", "Schreibweise der IDs vergleichen oder die passende "
                   "Grenzdatei angeben.", file=str(cfg.path), column="quarter_id")
    frame = frame[~unknown & frame["quarter_id"].notna()]
    weights = area_weights(source, quarters[["quarter_id", "geometry"]])
    keep = {"quarter_id", "name", "_row"} | ({by} if by else set())
    values = [c for c in frame.columns if c not in keep and pd.api.types.is_numeric_dtype(frame[c])]
    counts, rates = _split_columns(values, cfg, rates_by_default=rates_by_default)
    weight_column = cfg.get("boundaries_weight")
    if weight_column and weight_column not in values:
        report.add("error", "missing_column", cfg.name, f"Die Gewichtsspalte '{weight_column}' "
                   "(boundaries_weight) fehlt oder ist keine Zahl.", "Eine Spalte mit Anzahlen "
                   "(z. B. Einwohner) angeben oder boundaries_weight weglassen (dann nach Fläche).",
                   file=str(cfg.path), column=weight_column)
        weight_column = None
    targets = pd.Index(quarters["quarter_id"], name="quarter_id")
    groups = frame.groupby(by, sort=True) if by else [(None, frame)]
    parts = []
    for key, group in groups:
        table = group.set_index("quarter_id")
        carried = pd.DataFrame(index=targets)
        if counts:
            carried[counts] = interpolate_extensive(table[counts], weights, targets=targets)
        if rates:
            weight_by = table[weight_column] if weight_column else None
            carried[rates] = interpolate_intensive(table[rates], weights, weight_by=weight_by,
                                                   targets=targets, min_coverage=0.5)
        carried = carried[values].dropna(how="all").reset_index()
        if by:
            carried.insert(1, by, key)
        parts.append(carried)
    result = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["quarter_id"])
    _report_carried(frame, result, counts, rates, weight_column, cfg, boundary_name,
                    len(source), len(quarters), report)
    return result


def _report_carried(frame: pd.DataFrame, result: pd.DataFrame, counts: list[str],
                    rates: list[str], weight_column: str | None, cfg: DatasetConfig,
                    boundary_name: str, n_sources: int, n_targets: int,
                    report: ValidationReport) -> None:
    """A note saying that and how the values were carried, with the share of counts kept."""
    how = []
    if counts:
        before = float(np.nansum(frame[counts[0]].to_numpy(dtype=float)))
        after = float(np.nansum(result[counts[0]].to_numpy(dtype=float)))
        kept = f" (Summe {counts[0]}: {before:,.0f} → {after:,.0f})".replace(",", ".")
        how.append(f"{len(counts)} Anzahlen nach Flächenanteil{kept}")
    if rates:
        weighting = f"mit {weight_column} gewichtet" if weight_column else "flächengewichtet"
        how.append(f"{len(rates)} Quoten als {weighting}e Mittel")
    report.add("note", "other_boundaries", cfg.name, f"Die Werte aus {cfg.path.name} liegen auf "
               f"anderen Grenzen ({boundary_name}, {n_sources} Gebiete) und wurden auf die "
               f"{n_targets} Quartiere übertragen: {'; '.join(how)}. Übertragene Werte sind "
               "Schätzungen unter der Annahme gleichmäßiger Verteilung in jedem Gebiet.",
               "Werte auf den eigenen Quartieren verwenden, sobald es sie gibt.",
               file=str(cfg.path))
