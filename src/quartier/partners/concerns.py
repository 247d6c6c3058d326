"""Residents' concerns (Anliegen): counts per quarter, field and period, with small counts hidden.

A count of concerns is published only when nobody can be recognised in it. The rule, applied
to every count the report, its maps and its publishable exports show:

1. **Primary suppression.** A count ``n`` with ``0 < n < threshold`` (default 3) is shown as
   ``"< 3"``. Zero is shown as ``0``: that nobody raised a concern identifies nobody.
2. **Secondary suppression.** Totals (per quarter, per field, per period, the town) are
   published too, and a hidden count could be worked out as the total minus the shown
   counts. So every *line* of a published table (a row with its row total, a column with its
   column total, the totals with the grand total) must hide either nothing or at least two of
   its numbers. Where a line hides exactly one, the smallest shown count of that line that is
   at least ``threshold`` (a cell before a total when equal) is hidden as well and shown as
   ``"x"``. Totals shared by several tables (the quarter total appears in the quarter × period
   and in the quarter × field table) are one and the same number, hidden in all or none.
3. **Audit.** Hiding two numbers of a line can still give one away through the bounds a reader
   knows (a hidden small count lies between 1 and ``threshold - 1``, an ``x`` is at least
   ``threshold``, nothing is negative). For every hidden small count the smallest and the
   largest value consistent with everything published are computed by linear programming over
   the underlying counts (quarter × field × period × status); when both round to the same
   whole number, one more number of its lines is hidden and the audit repeats. When no
   number is left to hide, the small totals of its lines are shown as ``"x"`` instead of
   ``"< 3"`` (a small total would bound its small members), and when nothing at all is left,
   the count itself. ``"x"`` says only: withheld. Small counts withheld as ``"x"`` are
   audited too, once no ``"< 3"`` is disclosed. Figures that sum the same counts (the only
   period of a quarter and the quarter's total) are one number, shown or hidden alike.

This module counts the concerns and publishes them; steps 1 and 2 are in
:mod:`quartier.partners.protection` (:func:`protect_counts`, :class:`Protection`, both
importable from here too), step 3 in :mod:`quartier.partners._audit`.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"2024": [5, 1], "2025": [7, 9]}, index=["01", "02"])
>>> suppress_counts(table, threshold=3)
      2024 2025 Summe
01       x    x    12
02     < 3    x    10
Summe    6   16    22
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from quartier.fields import FIELDS
from quartier.format import format_number
from quartier.partners.protection import (
    SECONDARY,
    Protection,
    disclosed_counts,
    protect_counts,
)

__all__ = ["period_of", "concern_counts", "suppress_counts", "protect_counts", "Protection",
           "disclosed_counts", "published_concerns", "PUBLISHED_TABLES", "SECONDARY", "DIMENSIONS"]

#: The dimensions of the counts cube, in this order.
DIMENSIONS = ("quarter_id", "field", "period", "status")


def period_of(dates: pd.Series, period: str = "year") -> pd.Series:
    """The period label of each date: ``"2024"`` (``year``) or ``"2024-H1"`` (``half_year``).

    Examples
    --------
    >>> period_of(pd.Series(pd.to_datetime(["2024-03-01", "2024-07-01"])), "half_year").tolist()
    ['2024-H1', '2024-H2']
    """
    dates = pd.to_datetime(dates)
    years = dates.dt.year.astype("Int64").astype(str)
    if period == "year":
        return years.where(dates.notna(), None)
    if period == "half_year":
        half = np.where(dates.dt.month <= 6, "-H1", "-H2")
        return (years + half).where(dates.notna(), None)
    raise ValueError(f"Unknown period {period!r}; use 'year' or 'half_year'.")


def _all_periods(labels: Sequence[str], period: str) -> list[str]:
    """Every period from the first to the last label (years without concerns count 0)."""
    if not labels:
        return []
    years = sorted({int(label[:4]) for label in labels})
    if period == "year":
        return [str(y) for y in range(years[0], years[-1] + 1)]
    full = [f"{y}-H{h}" for y in range(years[0], years[-1] + 1) for h in (1, 2)]
    first, last = min(labels), max(labels)
    return [p for p in full if first <= p <= last]


def concern_counts(concerns: pd.DataFrame, quarter_ids: Sequence[str], *,
                   period: str = "year", fields: Sequence[str] = FIELDS,
                   statuses: Sequence[str] | None = None) -> pd.Series:
    """Concerns counted per quarter × field × period × status (every combination, zeros too).

    Parameters
    ----------
    concerns : DataFrame
        The ``concerns`` contract (``quarter_id``, ``field``, ``date``, ``status``).
    quarter_ids : sequence of str
        The quarters of the study; concerns without a quarter or with another id are left out.
    period : {"year", "half_year"}
        How dates are grouped.
    fields : sequence of str
        Field keys (default: the six action fields).
    statuses : sequence of str, optional
        Status values in display order; default the values found (missing as ``"–"``).

    Returns
    -------
    Series
        Integer counts with a MultiIndex over :data:`DIMENSIONS`; its sum is the number of
        placed concerns with a date.

    Examples
    --------
    >>> import pandas as pd
    >>> concerns = pd.DataFrame({"quarter_id": ["01", "01", "02", None],
    ...                          "field": ["housing", "housing", "health_care", "housing"],
    ...                          "date": pd.to_datetime(["2024-03-01", "2024-07-01", "2025-01-10",
    ...                                                  "2024-05-05"]),
    ...                          "status": ["offen", "offen", "erledigt", "offen"]})
    >>> counts = concern_counts(concerns, ["01", "02"], fields=["housing", "health_care"])
    >>> int(counts.sum()), int(counts.loc[("01", "housing", "2024", "offen")])
    (3, 2)
    >>> len(counts)  # 2 quarters x 2 fields x 2 years x 2 statuses, zeros included
    16
    """
    frame = concerns[concerns["quarter_id"].isin(list(quarter_ids))
                     & concerns["date"].notna()].copy()
    frame["period"] = period_of(frame["date"], period)
    frame["status"] = frame["status"].astype(object).where(frame["status"].notna(), "–") \
        if "status" in frame else "–"
    if statuses is None:
        statuses = sorted(frame["status"].unique()) or ["–"]
    periods = _all_periods(list(frame["period"].unique()), period)
    index = pd.MultiIndex.from_product([list(quarter_ids), list(fields), periods,
                                        list(statuses)], names=list(DIMENSIONS))
    counts = frame.groupby(list(DIMENSIONS)).size()
    return counts.reindex(index, fill_value=0).astype(int)


def suppress_counts(counts: pd.DataFrame, threshold: int = 3, *, totals: bool = True,
                    language: str = "de") -> pd.DataFrame:
    """A table of counts as display strings with small counts hidden (see the module rule).

    Parameters
    ----------
    counts : DataFrame
        Non-negative whole numbers; rows and columns are two categories (quarters × fields,
        quarters × years, …).
    threshold : int, default 3
        Counts ``0 < n < threshold`` are shown as ``"< threshold"``.
    totals : bool, default True
        Add a total column and row (``Summe``/``Total``); counts that would let a reader work
        out a hidden count from the totals are hidden as ``"x"``. Without totals only the
        small counts themselves are hidden.
    language : {"de", "en"}
        Number format and the label of the totals.

    Returns
    -------
    DataFrame
        Strings, same rows and columns (plus the totals).

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"housing": [5, 1], "health_care": [4, 0]}, index=["01", "02"])
    >>> suppress_counts(counts, totals=False)
       housing health_care
    01       5           4
    02     < 3           0
    """
    if not totals:
        return counts.apply(lambda column: column.map(
            lambda n: f"< {threshold}" if 0 < n < threshold else format_number(n, 0, language)))
    rows = counts.index.name or "rows"
    columns = counts.columns.name or "columns"
    cube = counts.rename_axis(index=rows, columns=columns).stack()
    cube.index = cube.index.set_names([rows, columns])
    protection = protect_counts(cube.astype(int), [(rows, columns)], threshold)
    table = protection.table(rows, columns, language=language)
    table.index.name, table.columns.name = counts.index.name, counts.columns.name
    return table


#: The tables the report and its exports publish, as (rows, columns).
PUBLISHED_TABLES = (("quarter_id", "period"), ("quarter_id", "field"), ("field", "period"),
                    ("status", "period"))


def published_concerns(concerns: pd.DataFrame, quarter_ids: Sequence[str], *,
                       threshold: int = 3, period: str = "year") -> Protection:
    """The protected counts behind every published number on concerns (report, map, CSV).

    All of :data:`PUBLISHED_TABLES` are protected together, so a total shown in one of them is
    the same figure (shown or hidden) everywhere.
    """
    cube = concern_counts(concerns, quarter_ids, period=period)
    return protect_counts(cube, PUBLISHED_TABLES, threshold)
