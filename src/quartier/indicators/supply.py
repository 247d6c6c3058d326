"""Supply per quarter and category: count, capacity and rate per 1,000 of the reference group."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from quartier.assign import assign_points
from quartier.catalogue import combined_members
from quartier.indicators.edges import context_mask

__all__ = ["MEMBER_COLUMN", "capacity_based", "supply_by_quarter", "with_combined_categories"]

#: Column of :func:`with_combined_categories` naming the member category of a combined row.
MEMBER_COLUMN = "member_category"


def with_combined_categories(facilities: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """The facilities plus, for every combined category, its members' facilities under its key.

    A combined category (``combined_of`` in the catalogue, e.g. ``public_transport`` of bus
    and tram stops and rail stations) has no facilities of its own: each facility of a member
    is repeated with ``category`` set to the combined key and :data:`MEMBER_COLUMN` set to its
    own category (NaN on the original rows), so that counts, context facilities and edge
    flags of the combined category follow from the ordinary per-category code. Only for the
    computation: the study's facility list stays as loaded.

    Examples
    --------
    >>> from quartier.catalogue import default_catalogue
    >>> f = pd.DataFrame({"facility_id": ["b1", "s1", "k1"],
    ...                   "category": ["transit_stop", "rail_station", "kita"]})
    >>> out = with_combined_categories(f, default_catalogue())
    >>> out[out["category"] == "public_transport"][MEMBER_COLUMN].tolist()
    ['transit_stop', 'rail_station']
    """
    parts = [facilities]
    for key, members in combined_members(catalogue).items():
        own = facilities[facilities["category"].isin(list(members))]
        if len(own):
            parts.append(own.assign(**{MEMBER_COLUMN: own["category"].to_numpy(),
                                       "category": key}))
    if len(parts) == 1:
        return facilities
    return pd.concat(parts, ignore_index=True)


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
