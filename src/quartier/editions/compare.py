"""What changed between two editions: indicators, assessments, facilities opened and closed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pandas as pd

from quartier.assign import assign_points
from quartier.editions.labels import edition_sort_key

__all__ = ["Comparison", "compare_editions", "compare_with_stored", "edition_sort_key",
           "previous_edition"]

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
    boundaries_changed : bool
        The previous edition had other quarter boundaries; its values were carried onto the
        current quarters by area-weighted interpolation and no assessment transitions exist.
    previous_quarter_count : int or None
        Number of quarters of the previous edition.
    facilities_compared : bool
        False when the previous edition has no facility register (opened/closed are empty).
    """

    previous: str
    current: str
    indicators: pd.DataFrame
    transitions: pd.DataFrame
    opened: pd.DataFrame
    closed: pd.DataFrame
    boundaries_changed: bool = False
    previous_quarter_count: int | None = None
    facilities_compared: bool = True


def previous_edition(labels: Iterable[str], current: str) -> str | None:
    """The latest stored edition before ``current`` (labels compared as numbers when they are).

    Examples
    --------
    >>> previous_edition(["2023", "2024", "2026"], "2025")
    '2024'
    >>> previous_edition(["2025"], "2025") is None
    True
    """
    earlier = [label for label in labels if edition_sort_key(label) < edition_sort_key(current)]
    return max(earlier, key=edition_sort_key) if earlier else None


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
                     quarters: gpd.GeoDataFrame, boundaries_changed: bool = False,
                     previous_quarter_count: int | None = None) -> Comparison:
    """Compare two editions on the current quarters.

    Facilities are matched by ``facility_id``; both snapshots are located in ``quarters`` (the
    current boundaries), so a facility counts in the quarter where it stands now. With
    ``boundaries_changed`` the previous indicators must already be carried onto the current
    quarters (:func:`quartier.editions.history.carry_edition_indicators`); assessments are then
    not compared. Transitions include the social index's status classes (category
    ``"status_index"``).

    Notes
    -----
    change = x_current − x_previous (percentage points for shares in %);
    change_percent = (x_current − x_previous) / x_previous · 100.
    """
    keys = ["quarter_id", "category", "indicator"]
    left = previous_indicators[keys + ["value", "status"]].fillna({"category": ""})
    right = current_indicators[keys + ["value", "status"]].fillna({"category": ""})
    merged = left.rename(columns={"value": "previous", "status": "_previous_status"}).merge(
        right.rename(columns={"value": "current", "status": "_current_status"}), on=keys,
        how="outer")
    merged["change"] = merged["current"] - merged["previous"]
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = merged["change"] / merged["previous"].abs() * 100
    merged["change_percent"] = relative.where(merged["previous"].fillna(0) != 0)
    merged["unit"] = np.where(merged["indicator"].isin(PERCENT_INDICATORS), "pp", "")

    columns = ["quarter_id", "category", "previous_status", "current_status"]
    if boundaries_changed:  # assessments of other quarters: nothing to compare
        transitions = pd.DataFrame(columns=columns)
    else:
        status = previous_gaps[["quarter_id", "category", "status"]].merge(
            current_gaps[["quarter_id", "category", "status"]], on=["quarter_id", "category"],
            how="outer", suffixes=("_previous", "_current"))
        changed = status["status_previous"].fillna("") != status["status_current"].fillna("")
        transitions = status[changed].rename(columns={"status_previous": "previous_status",
                                                      "status_current": "current_status"})
        # classes of the social index (status rows of the tidy table, category "")
        social = merged[(merged["indicator"] == "status_index")
                        & (merged["_previous_status"].fillna("")
                           != merged["_current_status"].fillna(""))]
        transitions = pd.concat([transitions, pd.DataFrame({
            "quarter_id": social["quarter_id"], "category": "status_index",
            "previous_status": social["_previous_status"],
            "current_status": social["_current_status"]})], ignore_index=True)[columns]
    merged = merged.drop(columns=["_previous_status", "_current_status"])
    merged["category"] = merged["category"].replace("", None)

    compared = len(previous_facilities) > 0
    before = _located(previous_facilities, quarters)
    after = _located(current_facilities, quarters)
    opened = after[~after["facility_id"].isin(before["facility_id"])] if compared else after[:0]
    closed = before[~before["facility_id"].isin(after["facility_id"])]
    return Comparison(previous=previous, current=current,
                      indicators=merged.sort_values(keys, na_position="first")
                      .reset_index(drop=True),
                      transitions=transitions.sort_values(["quarter_id", "category"])
                      .reset_index(drop=True),
                      opened=opened.sort_values("facility_id").reset_index(drop=True),
                      closed=closed.sort_values("facility_id").reset_index(drop=True),
                      boundaries_changed=boundaries_changed,
                      previous_quarter_count=previous_quarter_count,
                      facilities_compared=compared)


def compare_with_stored(store, study, results, history=None) -> Comparison | None:
    """Compare a study's results with the latest edition stored before it (None if none).

    Parameters
    ----------
    store : path
        The edition store (see :func:`quartier.editions.default_store_path`).
    study, results
        The current edition's study and :func:`quartier.compute` results.
    history : EditionHistory, optional
        From :func:`quartier.editions.history.load_history` for the same store and study:
        its indicators, already on the current quarters, are used instead of carrying the
        previous edition again.
    """
    from quartier.editions.store import list_editions, load_edition

    labels = [str(label) for label in list_editions(store)["label"]]
    label = previous_edition(labels, study.edition)
    if label is None:
        return None
    stored = load_edition(store, label)
    from quartier.editions.compat import upgrade_judgements

    stored = replace(stored, indicators=upgrade_judgements(stored.indicators),
                     gaps=upgrade_judgements(stored.gaps))
    from quartier.editions.boundaries import boundaries_changed
    from quartier.editions.history import carry_edition_indicators

    if history is not None and label in history.labels:
        changed = label in history.carried
        previous_indicators = history.indicators[history.indicators["edition"] == label] \
            .drop(columns="edition").reset_index(drop=True)
    else:
        changed = boundaries_changed(stored.quarters, study.quarters)
        previous_indicators = (carry_edition_indicators(stored.indicators, stored.quarters,
                                                        study.quarters)
                               if changed else stored.indicators)
    return compare_editions(label, study.edition,
                            previous_indicators=previous_indicators,
                            current_indicators=results.indicators,
                            previous_gaps=stored.gaps, current_gaps=results.gaps,
                            previous_facilities=stored.facilities,
                            current_facilities=study.facilities, quarters=study.quarters,
                            boundaries_changed=changed,
                            previous_quarter_count=len(stored.quarters))
