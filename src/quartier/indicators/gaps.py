"""Judging each quarter × category against its standard: gap, ok or resource."""

from __future__ import annotations

import numpy as np
import pandas as pd

from quartier.settings import IndicatorSettings

__all__ = ["assess_gaps"]


def assess_gaps(table: pd.DataFrame, catalogue: pd.DataFrame, settings: IndicatorSettings
                ) -> pd.DataFrame:
    """Gap status per quarter and category.

    Parameters
    ----------
    table : DataFrame
        One row per quarter × category with ``quarter_id``, ``category``, ``residents`` (all
        residents of the quarter), ``coverage`` (%) and ``fca_access`` (per 1,000).
    catalogue : DataFrame
        With the standards ``per_1000`` and ``max_distance_m``.
    settings : IndicatorSettings
        Thresholds.

    Returns
    -------
    DataFrame
        ``quarter_id``, ``category``, ``indicator`` (the one judged), ``value``, ``target``,
        ``basis`` (``standard``, ``median`` or ``few_residents``) and ``status`` (``gap``,
        ``ok``, ``resource``, ``not_assessed``).

    Notes
    -----
    - Standard per 1,000 (e.g. GPs 0.62 per 1,000): judged is the accessible supply
      :math:`a_q` (2SFCA per 1,000): gap if :math:`a_q < t`, resource if
      :math:`a_q \\ge f \\cdot t` (``resource_factor`` f, default 1.5), else ok.
    - Distance standard D: judged is the coverage :math:`C_q`: gap if below
      ``coverage_gap_below`` (75 %), resource from ``coverage_resource_from`` (95 %).
    - No standard: :math:`a_q` is compared with the median *m* of the judged quarters: gap if
      :math:`a_q < 0.5 m`, resource if :math:`a_q \\ge 1.5 m` (``median_gap_factor``,
      ``median_resource_factor``). Where *m* = 0 (most quarters reach nothing), a quarter that
      reaches some supply is a resource and one that reaches none is ok.
    - Quarters with fewer than ``min_population`` residents are not judged.
    """
    rows = table[["quarter_id", "category", "residents", "coverage", "fca_access"]].copy()
    per_1000 = rows["category"].map(catalogue["per_1000"]).astype(float)
    distance = rows["category"].map(catalogue["max_distance_m"]).astype(float)
    by_rate = per_1000.notna()
    by_distance = ~by_rate & distance.notna()
    rows["indicator"] = np.where(by_distance, "coverage", "fca_access")
    rows["value"] = np.where(by_distance, rows["coverage"], rows["fca_access"])
    judged = rows["residents"] >= settings.min_population
    medians = rows[judged & ~by_rate & ~by_distance].groupby("category")["value"].median()
    median = rows["category"].map(medians).astype(float)
    rows["target"] = np.where(by_rate, per_1000, np.where(
        by_distance, settings.coverage_gap_below * 100, median))
    rows["basis"] = np.where(by_rate | by_distance, "standard", "median")
    value = rows["value"]
    status = np.full(len(rows), "ok", dtype=object)
    rate_gap = by_rate & (value < per_1000)
    rate_resource = by_rate & (value >= settings.resource_factor * per_1000)
    cover_gap = by_distance & (value < settings.coverage_gap_below * 100)
    cover_resource = by_distance & (value >= settings.coverage_resource_from * 100)
    by_median = ~by_rate & ~by_distance
    positive_median = by_median & (median > 0)
    median_gap = positive_median & (value < settings.median_gap_factor * median)
    median_resource = (positive_median & (value >= settings.median_resource_factor * median)) | (
        by_median & (median == 0) & (value > 0))
    status[(rate_gap | cover_gap | median_gap).to_numpy()] = "gap"
    status[(rate_resource | cover_resource | median_resource).to_numpy()] = "resource"
    status[~judged.to_numpy()] = "not_assessed"
    rows["status"] = status
    rows.loc[~judged, "basis"] = "few_residents"
    return rows[["quarter_id", "category", "indicator", "value", "target", "basis", "status"]]
