"""Reconciliation of the facility registers with the quarters: what was read, what lies in a
quarter, what lies outside, and the places (capacity) on each side.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["facility_reconciliation"]


def facility_reconciliation(facilities: pd.DataFrame) -> pd.DataFrame:
    """Facilities and capacity per source, split by inside / outside the quarters.

    Parameters
    ----------
    facilities : DataFrame
        ``study.facilities`` (columns ``source``, ``capacity``, ``in_study_area``).

    Returns
    -------
    DataFrame
        Index ``source`` (in order of appearance) plus a last row ``None`` for all sources;
        columns ``facilities``, ``inside``, ``outside``, ``capacity`` (sum of known
        capacities, NaN when a source has none), ``capacity_inside``, ``capacity_known``
        (facilities with a capacity).

    Notes
    -----
    inside + outside = facilities and capacity_inside + capacity of the facilities outside =
    capacity, per source and in total: every facility read is counted exactly once.
    """
    inside = (facilities["in_study_area"].astype(bool) if "in_study_area" in facilities
              else pd.Series(True, index=facilities.index))
    capacity = pd.to_numeric(facilities["capacity"], errors="coerce")
    frame = pd.DataFrame({"source": facilities["source"].astype(str), "inside": inside,
                          "capacity": capacity, "capacity_inside": capacity.where(inside),
                          "capacity_known": capacity.notna()})
    grouped = frame.groupby("source", sort=False)
    table = pd.DataFrame({
        "facilities": grouped.size(), "inside": grouped["inside"].sum(),
        "capacity": grouped["capacity"].sum(min_count=1),
        "capacity_inside": grouped["capacity_inside"].sum(min_count=1),
        "capacity_known": grouped["capacity_known"].sum()})
    table["outside"] = table["facilities"] - table["inside"]
    total = table.sum(min_count=1).to_frame().T
    total.index = pd.Index([None], name="source")
    table = pd.concat([table, total])
    table.loc[table["capacity"].notna() & table["capacity_inside"].isna(), "capacity_inside"] = 0
    columns = ["facilities", "inside", "outside", "capacity", "capacity_inside", "capacity_known"]
    return table[columns]
