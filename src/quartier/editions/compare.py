"""What changed between two editions: indicators, assessments, facilities opened and closed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from quartier.assign import assign_points

__all__ = ["Comparison", "compare_editions", "compare_with_stored", "previous_edition"]

#: Indicators in percent: their change is given in percentage points.
PERCENT_INDICATORS = ("coverage",)


@dataclass(frozen=True)
class Comparison:
    """Changes from edition ``previous`` to edition ``current``.

    Attributes
    ----------
    indicators : DataFrame
        ``quarter_id``, ``category``, ``indicator``, ``previous``, ``current``, ``change``
        (current − previous; percentage points for indicators in %) and ``change_percent``
        (relative change in %, NaN where the previous value is 0 or missing).
    transitions : DataFrame
        Assessments that changed: ``quarter_id``, ``category``, ``previous_status``,
        ``current_status``.
    opened, closed : DataFrame
        Facilities (by ``facility_id``) only in the current / only in the previous edition,
        with ``name``, ``category``, ``field`` and the ``quarter_id`` they lie in (None outside).
    """

    previous: str
    current: str
    indicators: pd.DataFrame
    transitions: pd.DataFrame
    opened: pd.DataFrame
    closed: pd.DataFrame


def previous_edition(labels: Iterable[str], current: str) -> str | None:
    """The latest stored edition before ``current`` (labels compared as numbers when they are).

    Examples
    --------
    >>> previous_edition(["2023", "2024", "2026"], "2025")
    '2024'
    >>> previous_edition(["2025"], "2025") is None
    True
    """
    def key(label: str) -> tuple:
        return (0, float(label), label) if label.replace(".", "", 1).isdigit() else (1, 0, label)

    earlier = [label for label in labels if key(label) < key(current)]
    return max(earlier, key=key) if earlier else None


def _located(facilities: gpd.GeoDataFrame, quarters: gpd.GeoDataFrame) -> pd.DataFrame:
    frame = pd.DataFrame({"facility_id": facilities["facility_id"].to_numpy(),
                          "name": facilities["name"].to_numpy(),
                          "category": facilities["category"].to_numpy(),
                          "field": facilities["field"].to_numpy()})
    frame["quarter_id"] = assign_points(facilities, quarters).to_numpy()
    return frame


def compare_editions(previous: str, current: str, *,
                     previous_indicators: pd.DataFrame, current_indicators: pd.DataFrame,
                     previous_gaps: pd.DataFrame, current_gaps: pd.DataFrame,
                     previous_facilities: gpd.GeoDataFrame,
                     current_facilities: gpd.GeoDataFrame,
                     quarters: gpd.GeoDataFrame) -> Comparison:
    """Compare two editions on the same quarters.

    Facilities are matched by ``facility_id``; both snapshots are located in ``quarters`` (the
    current boundaries), so a facility counts in the quarter where it stands now.

    Notes
    -----
    change = x_current − x_previous (percentage points for shares in %);
    change_percent = (x_current − x_previous) / x_previous · 100.
    """
    keys = ["quarter_id", "category", "indicator"]
    left = previous_indicators[previous_indicators["category"].notna()][keys + ["value"]]
    right = current_indicators[current_indicators["category"].notna()][keys + ["value"]]
    merged = left.rename(columns={"value": "previous"}).merge(
        right.rename(columns={"value": "current"}), on=keys, how="outer")
    merged["change"] = merged["current"] - merged["previous"]
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = merged["change"] / merged["previous"].abs() * 100
    merged["change_percent"] = relative.where(merged["previous"].fillna(0) != 0)
    merged["unit"] = np.where(merged["indicator"].isin(PERCENT_INDICATORS), "pp", "")

    status = previous_gaps[["quarter_id", "category", "status"]].merge(
        current_gaps[["quarter_id", "category", "status"]], on=["quarter_id", "category"],
        how="outer", suffixes=("_previous", "_current"))
    changed = status["status_previous"].fillna("") != status["status_current"].fillna("")
    transitions = status[changed].rename(columns={"status_previous": "previous_status",
                                                  "status_current": "current_status"})

    before = _located(previous_facilities, quarters)
    after = _located(current_facilities, quarters)
    opened = after[~after["facility_id"].isin(before["facility_id"])]
    closed = before[~before["facility_id"].isin(after["facility_id"])]
    return Comparison(previous=previous, current=current,
                      indicators=merged.sort_values(keys).reset_index(drop=True),
                      transitions=transitions.sort_values(["quarter_id", "category"])
                      .reset_index(drop=True),
                      opened=opened.sort_values("facility_id").reset_index(drop=True),
                      closed=closed.sort_values("facility_id").reset_index(drop=True))


def compare_with_stored(store, study, results) -> Comparison | None:
    """Compare a study's results with the latest edition stored before it (None if none).

    Parameters
    ----------
    store : path
        The edition store (see :func:`quartier.editions.default_store_path`).
    study, results
        The current edition's study and :func:`quartier.compute` results.
    """
    from quartier.editions.store import list_editions, load_edition

    labels = [str(label) for label in list_editions(store)["label"]]
    label = previous_edition(labels, study.edition)
    if label is None:
        return None
    stored = load_edition(store, label)
    return compare_editions(label, study.edition,
                            previous_indicators=stored.indicators,
                            current_indicators=results.indicators,
                            previous_gaps=stored.gaps, current_gaps=results.gaps,
                            previous_facilities=stored.facilities,
                            current_facilities=study.facilities, quarters=study.quarters)
