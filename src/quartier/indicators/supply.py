"""Supply per quarter and category: count, capacity and rate per 1,000 of the reference group."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from quartier.assign import assign_points
from quartier.indicators.edges import context_mask

__all__ = ["capacity_based", "supply_by_quarter"]


def capacity_based(facilities: pd.DataFrame, catalogue: pd.DataFrame) -> pd.Series:
    """Per category: True when supply is measured in capacity units rather than facilities.

    A category is capacity-based when the catalogue gives it a capacity unit and *every* one of
    its facilities in the study has a known capacity; otherwise facilities are counted (a GP
    practice without a known number of doctors counts as one).
    """
    known = facilities.groupby("category")["capacity"].apply(lambda s: bool(s.notna().all()))
    has_unit = catalogue["capacity_unit_de"].fillna("").astype(str).str.len() > 0
    return (has_unit.reindex(known.index, fill_value=False) & known).rename("capacity_based")


def supply_by_quarter(facilities: gpd.GeoDataFrame, quarters: gpd.GeoDataFrame,
                      reference: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Count, capacity and supply rate of every category in every quarter.

    Parameters
    ----------
    facilities : GeoDataFrame
        Facility contract (``category``, ``capacity`` …).
    quarters : GeoDataFrame
        ``quarter_id`` and polygons.
    reference : DataFrame
        Reference population per quarter and category: columns ``quarter_id``, ``category``,
        ``population``.
    catalogue : DataFrame
        The study's catalogue (for the capacity unit).

    Returns
    -------
    DataFrame
        One row per quarter × category with ``count``, ``capacity`` (NaN when no capacity is
        known), ``measure`` (``capacity`` or ``count``) and ``supply_rate``.

    Notes
    -----
    :math:`V_q = S_q / P_q \\cdot 1000` with :math:`S_q` the capacity (capacity-based
    categories, :func:`capacity_based`) or number of facilities in quarter *q* and
    :math:`P_q` its reference population; NaN where :math:`P_q = 0`.
    Context facilities (:func:`quartier.indicators.edges.context_mask`: from a
    ``context = true`` dataset) are never counted in a quarter, even when they lie in it.
    """
    own = facilities[~context_mask(facilities)]  # context facilities serve, never belong
    located = own.assign(quarter_id=assign_points(own, quarters))
    located = located[located["quarter_id"].notna()]
    grouped = located.groupby(["quarter_id", "category"])
    counts = grouped.size().rename("count")
    capacity = grouped["capacity"].sum(min_count=1).rename("capacity")
    table = reference.set_index(["quarter_id", "category"])[["population"]].join(
        counts, how="left").join(capacity, how="left")
    table["count"] = table["count"].fillna(0).astype(int)
    by_capacity = table.index.get_level_values("category").map(
        capacity_based(facilities, catalogue)).fillna(False).to_numpy(dtype=bool)
    table["measure"] = np.where(by_capacity, "capacity", "count")
    supply = np.where(by_capacity, table["capacity"].fillna(0.0), table["count"])
    with np.errstate(divide="ignore", invalid="ignore"):
        table["supply_rate"] = np.where(table["population"] > 0,
                                        supply / table["population"] * 1000, np.nan)
    return table.reset_index()
