"""Monitoring the measures of quarter development (Maßnahmen): budget, gaps and effect.

A measure (``measures`` contract) has an action field, one or several quarters (``;``-separated;
empty = the whole town), a ``target`` (the category of a gap it addresses, or
``category:indicator``), planned and spent budget, a status and start and end dates.

Budget per quarter: a measure in several quarters is split **evenly** between them by default
(``split="even"``): the per-quarter sums then add up to the total budget and every quarter sees
its share, which is an accounting convention, not what was actually spent where. With
``split="several"`` such a measure is booked once on a row "several quarters" instead. Measures
without a quarter are booked on a row "town-wide" either way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from quartier.fields import FIELDS

__all__ = ["measure_quarters", "parse_target", "budget_by_field", "budget_by_quarter",
           "measures_per_gap", "gaps_without_measure", "target_movement", "edition_for_start",
           "SEVERAL", "TOWN_WIDE", "LOWER_IS_BETTER", "INACTIVE_STATUSES", "status_label"]

#: Row label of measures booked on several quarters (``split="several"``).
SEVERAL = "several"
#: Row label of measures without a quarter.
TOWN_WIDE = "town"
#: Indicators where a smaller value is better.
LOWER_IS_BETTER = {"median_distance"}
#: Measures with these statuses do not count as addressing a gap.
INACTIVE_STATUSES = {"abgebrochen"}
#: English words for the measure statuses the loader accepts (German is the data's own word).
_STATUS_EN = {"geplant": "planned", "laufend": "running", "abgeschlossen": "completed",
              "abgebrochen": "cancelled"}


def status_label(status: str, language: str = "de") -> str:
    """A measure's status in the reader's language.

    Examples
    --------
    >>> status_label("laufend", "en"), status_label("laufend")
    ('running', 'laufend')
    """
    return _STATUS_EN.get(status, status) if language == "en" else status


def _split(value: object) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [part for part in str(value).split(";") if part]


def measure_quarters(measures: pd.DataFrame) -> pd.DataFrame:
    """One row per measure and quarter: ``measure_id``, ``quarter_id`` (None = town-wide),
    ``share`` (1 / number of quarters of the measure).
    """
    rows = []
    for measure_id, value in zip(measures["measure_id"], measures["quarter_id"], strict=True):
        quarters: list[str | None] = [*_split(value)]
        for q in quarters or [None]:
            rows.append((measure_id, q, 1.0 / max(len(quarters), 1)))
    return pd.DataFrame(rows, columns=["measure_id", "quarter_id", "share"])


def parse_target(target: object) -> tuple[str | None, str | None]:
    """``"kita"`` → ``("kita", None)``; ``"kita:coverage"`` → ``("kita", "coverage")``.

    Examples
    --------
    >>> parse_target("gp:fca_access"), parse_target(" kita "), parse_target(None)
    (('gp', 'fca_access'), ('kita', None), (None, None))
    """
    if target is None or (isinstance(target, float) and np.isnan(target)):
        return None, None
    category, _, indicator = str(target).strip().partition(":")
    return category.strip() or None, indicator.strip() or None


def _budget(measures: pd.DataFrame) -> pd.DataFrame:
    frame = measures[["measure_id", "field", "budget_planned", "budget_spent"]].copy()
    for column in ("budget_planned", "budget_spent"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").fillna(0.0)
    return frame


def budget_by_field(measures: pd.DataFrame) -> pd.DataFrame:
    """Planned and spent budget and number of measures per action field.

    Returns
    -------
    DataFrame
        Index the fields in :data:`~quartier.fields.FIELDS` order (only those with measures),
        columns ``measures``, ``budget_planned``, ``budget_spent``, ``spent_share`` (percent of
        planned, NaN where nothing is planned). The sums equal the sums over all measures
        (missing budgets count as 0).

    Examples
    --------
    >>> import pandas as pd
    >>> measures = pd.DataFrame({"measure_id": ["M1", "M2", "M3"],
    ...                          "field": ["housing", "housing", "health_care"],
    ...                          "quarter_id": ["01;02", "01", None],
    ...                          "budget_planned": [1000.0, 200.0, 300.0],
    ...                          "budget_spent": [500.0, 200.0, None]})
    >>> budget_by_field(measures).round(1)  # doctest: +NORMALIZE_WHITESPACE
                 measures  budget_planned  budget_spent  spent_share
    field
    housing             2          1200.0         700.0         58.3
    health_care         1           300.0           0.0          0.0
    """
    frame = _budget(measures)
    table = frame.groupby("field").agg(measures=("measure_id", "size"),
                                       budget_planned=("budget_planned", "sum"),
                                       budget_spent=("budget_spent", "sum"))
    order = [f for f in FIELDS if f in table.index] + [f for f in table.index if f not in FIELDS]
    table = table.reindex(order)
    table["spent_share"] = np.where(table["budget_planned"] > 0,
                                    table["budget_spent"] / table["budget_planned"].where(
                                        table["budget_planned"] > 0) * 100, np.nan)
    return table


def budget_by_quarter(measures: pd.DataFrame, quarter_ids: list[str] | None = None, *,
                      split: str = "even") -> pd.DataFrame:
    """Planned and spent budget per quarter.

    Parameters
    ----------
    measures : DataFrame
        The ``measures`` contract.
    quarter_ids : list of str, optional
        Quarters in display order (quarters without measures get 0); default those found.
    split : {"even", "several"}
        ``even``: a measure in *k* quarters adds budget / *k* to each; ``several``: it is
        booked on the row :data:`SEVERAL`.

    Returns
    -------
    DataFrame
        Index the quarter ids, then :data:`SEVERAL` (``split="several"``, when any) and
        :data:`TOWN_WIDE` (when any measure has no quarter); columns ``measures`` (measures
        touching the row), ``budget_planned``, ``budget_spent``.

    Notes
    -----
    With ``split="even"`` the budget of measure *m* in quarter *q* is
    :math:`b_m / k_m` for each of its :math:`k_m` quarters, so
    :math:`\\sum_q \\text{budget}_q = \\sum_m b_m` (nothing is lost or counted twice).

    Examples
    --------
    >>> import pandas as pd
    >>> measures = pd.DataFrame({"measure_id": ["M1", "M2", "M3"],
    ...                          "field": ["housing", "housing", "health_care"],
    ...                          "quarter_id": ["01;02", "01", None],
    ...                          "budget_planned": [1000.0, 200.0, 300.0],
    ...                          "budget_spent": [500.0, 200.0, 0.0]})
    >>> budget_by_quarter(measures, ["01", "02", "03"])  # doctest: +NORMALIZE_WHITESPACE
                measures  budget_planned  budget_spent
    quarter_id
    01                 2           700.0         450.0
    02                 1           500.0         250.0
    03                 0             0.0           0.0
    town               1           300.0           0.0
    """
    if split not in ("even", "several"):
        raise ValueError(f"split must be 'even' or 'several', got {split!r}.")
    budget = _budget(measures).set_index("measure_id")
    long = measure_quarters(measures)
    if split == "several":
        counts = long.groupby("measure_id")["quarter_id"].transform("size")
        long.loc[counts > 1, "quarter_id"] = SEVERAL
        long = long.drop_duplicates("measure_id").assign(share=1.0)
    long["quarter_id"] = long["quarter_id"].fillna(TOWN_WIDE)
    for column in ("budget_planned", "budget_spent"):
        long[column] = long["measure_id"].map(budget[column]) * long["share"]
    table = long.groupby("quarter_id", sort=False).agg(
        measures=("measure_id", "nunique"), budget_planned=("budget_planned", "sum"),
        budget_spent=("budget_spent", "sum"))
    quarters = list(quarter_ids) if quarter_ids is not None else sorted(
        q for q in table.index if q not in (SEVERAL, TOWN_WIDE))
    order = quarters + [q for q in (SEVERAL, TOWN_WIDE) if q in table.index]
    order += [q for q in table.index if q not in order]
    table = table.reindex(order)
    table["measures"] = table["measures"].fillna(0).astype(int)
    return table.fillna({"budget_planned": 0.0, "budget_spent": 0.0})


def _targets(measures: pd.DataFrame) -> pd.DataFrame:
    """One row per measure and quarter with the target category and indicator."""
    long = measure_quarters(measures)
    parsed = measures.set_index("measure_id")["target"].map(parse_target)
    long["category"] = long["measure_id"].map(parsed.map(lambda t: t[0]))
    long["indicator"] = long["measure_id"].map(parsed.map(lambda t: t[1]))
    return long


def measures_per_gap(measures: pd.DataFrame, gaps: pd.DataFrame) -> pd.DataFrame:
    """Every open gap with the measures that address it.

    A measure addresses the gap of quarter *q* in category *c* when its target category is *c*
    and *q* is one of its quarters (or it has none: town-wide) and its status is not
    ``abgebrochen``.

    Parameters
    ----------
    measures : DataFrame
        The ``measures`` contract.
    gaps : DataFrame
        ``results.gaps`` (``quarter_id``, ``category``, ``status``).

    Returns
    -------
    DataFrame
        ``quarter_id``, ``category``, ``measures`` (number), ``measure_ids`` (``;``-separated),
        one row per gap (``status == "gap"``), in the order of ``gaps``.

    Examples
    --------
    >>> import pandas as pd
    >>> measures = pd.DataFrame({"measure_id": ["M1", "M2"], "quarter_id": ["01;02", "02"],
    ...                          "target": ["kita", "kita:coverage"],
    ...                          "status": ["laufend", "abgebrochen"]})
    >>> gaps = pd.DataFrame({"quarter_id": ["01", "02", "03"], "category": ["kita"] * 3,
    ...                      "status": ["gap", "gap", "met"]})
    >>> measures_per_gap(measures, gaps)
      quarter_id category  measures measure_ids
    0         01     kita         1          M1
    1         02     kita         1          M1
    """
    open_gaps = gaps.loc[gaps["status"] == "gap", ["quarter_id", "category"]].reset_index(
        drop=True)
    active = measures[~measures["status"].isin(INACTIVE_STATUSES)]
    long = _targets(active).dropna(subset=["category"])
    ids = []
    for q, c in zip(open_gaps["quarter_id"], open_gaps["category"], strict=True):
        hit = long[(long["category"] == c) & (long["quarter_id"].isna()
                                              | (long["quarter_id"] == q))]
        ids.append(list(dict.fromkeys(hit["measure_id"])))
    open_gaps["measures"] = [len(i) for i in ids]
    open_gaps["measure_ids"] = [";".join(i) for i in ids]
    return open_gaps


def gaps_without_measure(measures: pd.DataFrame, gaps: pd.DataFrame) -> pd.DataFrame:
    """The open gaps no measure addresses (``quarter_id``, ``category``).

    Examples
    --------
    >>> import pandas as pd
    >>> measures = pd.DataFrame({"measure_id": ["M1"], "quarter_id": ["01"], "target": ["kita"],
    ...                          "status": ["geplant"]})
    >>> gaps = pd.DataFrame({"quarter_id": ["01", "02"], "category": ["kita", "kita"],
    ...                      "status": ["gap", "gap"]})
    >>> gaps_without_measure(measures, gaps)
      quarter_id category
    0         02     kita
    """
    table = measures_per_gap(measures, gaps)
    return table.loc[table["measures"] == 0, ["quarter_id", "category"]].reset_index(drop=True)


def _year(label: str) -> int | None:
    match = re.match(r"^\s*(\d{4})", str(label))
    return int(match.group(1)) if match else None


def edition_for_start(start: object, labels: list[str]) -> str | None:
    """The edition a measure started in: the latest label whose year is ≤ the start year.

    Examples
    --------
    >>> edition_for_start(pd.Timestamp("2024-03-01"), ["2023", "2024", "2025"])
    '2024'
    >>> edition_for_start(pd.Timestamp("2022-01-01"), ["2024"]) is None
    True
    """
    if start is None or pd.isna(start):
        return None
    year = pd.Timestamp(start).year
    candidates = [(y, label) for label in labels if (y := _year(label)) is not None
                  and y <= year]
    return max(candidates)[1] if candidates else None


def _judged(indicators: pd.DataFrame) -> pd.DataFrame:
    """Per quarter and category the judged indicator (the row with a status)."""
    rows = indicators[indicators["category"].notna() & indicators["status"].notna()]
    return rows.drop_duplicates(["quarter_id", "category"]).set_index(
        ["quarter_id", "category"])


def _value(table: pd.DataFrame | None, quarter: str, category: str, indicator: str) -> tuple:
    if table is None:
        return np.nan, None
    hit = table[(table["quarter_id"] == quarter) & (table["category"] == category)
                & (table["indicator"] == indicator)]
    if hit.empty:
        return np.nan, None
    status = hit["status"].iloc[0]
    return float(hit["value"].iloc[0]), (status if isinstance(status, str) else None)


def target_movement(measures: pd.DataFrame, current_indicators: pd.DataFrame,
                    history: Mapping[str, pd.DataFrame], *,
                    current_edition: str | None = None) -> pd.DataFrame:
    """How the target indicator of each measure moved since the edition it started in.

    Parameters
    ----------
    measures : DataFrame
        The ``measures`` contract.
    current_indicators : DataFrame
        ``results.indicators`` of the current edition (tidy: ``quarter_id``, ``category``,
        ``indicator``, ``value``, ``status``).
    history : mapping of str to DataFrame
        Edition label → the tidy indicators table of that stored edition (on the current
        quarters), e.g. ``{"2024": load_edition(store, "2024").indicators}``.
    current_edition : str, optional
        Label of the current edition; a measure whose start edition is this one has no
        comparison yet (``note = "current"``).

    Returns
    -------
    DataFrame
        One row per measure and quarter: ``measure_id``, ``quarter_id``, ``category``,
        ``indicator``, ``edition`` (the comparison edition or None), ``before``, ``status_before``,
        ``now``, ``status_now``, ``change`` (now − before), ``direction`` (``better``,
        ``worse``, ``same`` or None) and ``note``: ``ok``, ``no_edition`` (no stored edition
        at or before the start: "keine Vergleichsedition"), ``current`` (started in the
        current edition), ``no_start``, ``no_target`` or ``no_value``.

    Notes
    -----
    The indicator is the one named in the target (``category:indicator``), else the one the
    category is judged by in that quarter (the indicator with a status in
    ``current_indicators``, the same as ``results.gaps["indicator"]``). The comparison edition
    of a measure starting in year *y* is the latest stored label whose year is ≤ *y*. For
    ``median_distance`` a smaller value is better, for every other indicator a larger one.

    Examples
    --------
    >>> import pandas as pd
    >>> measures = pd.DataFrame({"measure_id": ["M1"], "quarter_id": ["01"],
    ...                          "target": ["kita:coverage"],
    ...                          "start": pd.to_datetime(["2024-03-01"])})
    >>> def coverage(value):
    ...     return pd.DataFrame({"quarter_id": ["01"], "category": ["kita"],
    ...                          "indicator": ["coverage"], "value": [value], "status": ["gap"]})
    >>> moved = target_movement(measures, coverage(75.0), {"2024": coverage(60.0)},
    ...                         current_edition="2025")
    >>> moved[["measure_id", "edition", "before", "now", "change", "direction", "note"]]
      measure_id edition  before   now  change direction note
    0         M1    2024    60.0  75.0    15.0    better   ok
    """
    judged = _judged(current_indicators)
    history = {str(label): table for label, table in history.items()}
    labels = list(history) + ([str(current_edition)] if current_edition is not None else [])
    rows = []
    starts = measures.set_index("measure_id")["start"]
    for record in _targets(measures).itertuples(index=False):
        quarters = [record.quarter_id] if isinstance(record.quarter_id, str) else sorted(
            current_indicators["quarter_id"].dropna().unique())
        start = starts.get(record.measure_id)
        edition = edition_for_start(start, labels)
        for q in quarters:
            row = {"measure_id": record.measure_id, "quarter_id": q,
                   "category": record.category if isinstance(record.category, str) else None,
                   "indicator": record.indicator if isinstance(record.indicator, str) else None,
                   "edition": edition, "before": np.nan, "status_before": None, "now": np.nan,
                   "status_now": None, "change": np.nan, "direction": None, "note": "ok"}
            if row["category"] is None:
                row["note"] = "no_target"
                rows.append(row)
                continue
            if row["indicator"] is None:
                key = (q, row["category"])
                row["indicator"] = judged.at[key, "indicator"] if key in judged.index else None
            if row["indicator"] is None:
                row["note"] = "no_value"
                rows.append(row)
                continue
            row["now"], row["status_now"] = _value(current_indicators, q, row["category"],
                                                   row["indicator"])
            if start is None or pd.isna(start):
                row["note"] = "no_start"
            elif edition is None:
                row["note"] = "no_edition"
            elif current_edition is not None and edition == str(current_edition):
                row["note"] = "current"
            else:
                row["before"], row["status_before"] = _value(history[edition], q,
                                                             row["category"], row["indicator"])
                if np.isnan(row["before"]) or np.isnan(row["now"]):
                    row["note"] = "no_value"
                else:
                    change = row["now"] - row["before"]
                    row["change"] = change
                    sign = -1 if row["indicator"] in LOWER_IS_BETTER else 1
                    row["direction"] = ("same" if abs(change) < 1e-9 else
                                        "better" if sign * change > 0 else "worse")
            rows.append(row)
    return pd.DataFrame(rows, columns=["measure_id", "quarter_id", "category", "indicator",
                                       "edition", "before", "status_before", "now", "status_now",
                                       "change", "direction", "note"])
