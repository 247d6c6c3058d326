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
   ``"< 3"`` (a small total would bound its small members). ``"x"`` says only: withheld.

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

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from quartier.fields import FIELDS
from quartier.format import format_number

__all__ = ["period_of", "concern_counts", "suppress_counts", "protect_counts", "Protection",
           "published_concerns", "PUBLISHED_TABLES", "SECONDARY", "DIMENSIONS"]

#: How a secondarily suppressed count is shown.
SECONDARY = "x"
#: The dimensions of the counts cube, in this order.
DIMENSIONS = ("quarter_id", "field", "period", "status")
_TOTAL = {"de": "Summe", "en": "Total"}


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


# --------------------------------------------------------------------------------------------
# suppression


@dataclass(frozen=True)
class Protection:
    """Which published counts are shown, and how.

    Attributes
    ----------
    values : dict
        The true count of every published figure; a figure is keyed by a tuple over the
        cube's dimensions with ``None`` where it sums over that dimension (so
        ``("01", None, None, None)`` is the total of quarter 01).
    status : dict
        ``"shown"``, ``"primary"`` (shown as ``"< threshold"``), ``"secondary"`` (shown as
        :data:`SECONDARY`) or ``"withheld"`` (a small total shown as :data:`SECONDARY`
        because its ``"< threshold"`` would bound its members) per figure.
    threshold : int
        Counts below this (and above 0) are hidden.
    dims : tuple of str
        Names of the cube's dimensions.
    """

    values: dict[tuple, int]
    status: dict[tuple, str]
    threshold: int
    dims: tuple[str, ...]

    def key(self, **where: str) -> tuple:
        """The figure key for the given dimension values (others summed over)."""
        return tuple(where.get(d) for d in self.dims)

    def display(self, key: tuple, language: str = "de") -> str:
        """The text shown for one figure."""
        state = self.status[key]
        if state == "primary":
            return f"< {self.threshold}"
        if state in ("secondary", "withheld"):
            return SECONDARY
        return format_number(self.values[key], 0, language)

    def table(self, rows: str, columns: str, *, totals: bool = True,
              language: str = "de") -> pd.DataFrame:
        """A published table as display strings, with a total row and column."""
        row_values = _levels(self, rows)
        column_values = _levels(self, columns)
        label = _TOTAL[language]
        data = {}
        for c in column_values:
            data[c] = [self.display(self.key(**{rows: r, columns: c}), language)
                       for r in row_values]
            if totals:
                data[c].append(self.display(self.key(**{columns: c}), language))
        frame = pd.DataFrame(data, index=[*row_values, *([label] if totals else [])])
        if totals:
            frame[label] = [self.display(self.key(**{rows: r}), language)
                            for r in row_values] + [self.display(self.key(), language)]
        frame.index.name = rows
        frame.columns.name = columns
        return frame

    def hidden(self) -> dict[tuple, str]:
        """The hidden figures and why (``primary`` or ``secondary``)."""
        return {k: s for k, s in self.status.items() if s != "shown"}


def _levels(protection: Protection, dim: str) -> list[str]:
    position = protection.dims.index(dim)
    seen: dict[str, None] = {}
    for key in protection.values:
        if key[position] is not None and all(v is None for i, v in enumerate(key)
                                             if i != position):
            seen.setdefault(key[position])
    return list(seen)


def protect_counts(cube: pd.Series, tables: Sequence[tuple[str, str]], threshold: int = 3,
                   *, audit: bool = True) -> Protection:
    """Decide which counts of several published tables may be shown (the module's rule).

    Parameters
    ----------
    cube : Series
        Non-negative integer counts with a MultiIndex over every combination of the
        dimensions (as from :func:`concern_counts`).
    tables : sequence of (str, str)
        The published two-way tables as (row dimension, column dimension); each is published
        with its row totals, column totals and grand total, all summed over the other
        dimensions. A total shared by two tables is one figure.
    threshold : int, default 3
        Counts ``0 < n < threshold`` are hidden.
    audit : bool, default True
        Run the linear-programming audit (step 3 of the rule).

    Returns
    -------
    Protection

    Notes
    -----
    For each hidden small count :math:`h = a_h^\\top x` the audit solves
    :math:`\\min / \\max\\ a_h^\\top x` subject to :math:`x \\ge 0`,
    :math:`a_f^\\top x = n_f` for every shown figure, :math:`1 \\le a_f^\\top x \\le t - 1`
    for every figure shown as ``"< t"`` and :math:`a_f^\\top x \\ge t` for every ``"x"``,
    where :math:`x` are the underlying counts and :math:`a_f` the 0/1 vector of the counts a
    figure sums. A count is disclosed when :math:`\\lceil \\min \\rceil = \\lfloor \\max
    \\rfloor`.
    """
    if threshold < 2:
        raise ValueError(f"threshold must be at least 2, got {threshold}.")
    dims = tuple(cube.index.names)
    for rows, columns in tables:
        if rows not in dims or columns not in dims or rows == columns:
            raise ValueError(f"Table ({rows!r}, {columns!r}) must name two different "
                             f"dimensions of the counts: {', '.join(dims)}.")
    values = cube.to_numpy(dtype=float)
    if (values < 0).any() or not np.allclose(values, np.round(values)):
        raise ValueError("Counts must be non-negative whole numbers.")
    coords = {d: cube.index.get_level_values(d).to_numpy() for d in dims}
    members: dict[tuple, np.ndarray] = {}

    def figure(**where: str) -> tuple:
        key = tuple(where.get(d) for d in dims)
        if key not in members:
            mask = np.ones(len(cube), dtype=bool)
            for d, v in where.items():
                mask &= coords[d] == v
            members[key] = mask
        return key

    lines: list[list[tuple]] = []
    for rows, columns in tables:
        row_values = list(dict.fromkeys(coords[rows]))
        column_values = list(dict.fromkeys(coords[columns]))
        grand = figure()
        row_totals = [figure(**{rows: r}) for r in row_values]
        column_totals = [figure(**{columns: c}) for c in column_values]
        for r, total in zip(row_values, row_totals, strict=True):
            lines.append([*[figure(**{rows: r, columns: c}) for c in column_values], total])
        for c, total in zip(column_values, column_totals, strict=True):
            lines.append([*[figure(**{rows: r, columns: c}) for r in row_values], total])
        lines.append([*row_totals, grand])
        lines.append([*column_totals, grand])
    value = {k: round(float(values[m].sum())) for k, m in members.items()}
    status = {k: "primary" if 0 < v < threshold else "shown" for k, v in value.items()}
    order = {k: i for i, k in enumerate(members)}
    is_total = {k: any(line[-1] == k for line in lines) for k in members}

    def candidates(line: list[tuple]) -> list[tuple]:
        return [f for f in line if status[f] == "shown" and value[f] >= threshold]

    def pick(options: list[tuple]) -> tuple:
        return min(options, key=lambda f: (value[f], is_total[f], order[f]))

    def secondary() -> None:
        changed = True
        while changed:
            changed = False
            for line in lines:
                if sum(status[f] != "shown" for f in line) == 1:
                    status[pick(candidates(line))] = "secondary"
                    changed = True

    secondary()
    if audit:
        for _ in range(2 * len(members)):
            leaked = _disclosed(members, value, status, threshold, len(cube))
            if not leaked:
                break
            around = [f for line in lines if leaked in line for f in candidates(line)]
            # a small total ("< 3") bounds its small members: withhold it as "x" as well
            small_totals = [line[-1] for line in lines if leaked in line
                            and status[line[-1]] == "primary"]
            if around:
                status[pick(around)] = "secondary"
            elif small_totals:
                for total in small_totals:
                    status[total] = "withheld"
            else:
                around = [f for line in lines if any(status[g] != "shown" for g in line)
                          for f in candidates(line)]
                if not around:
                    break
                status[pick(around)] = "secondary"
            secondary()
    return Protection(values=value, status=status, threshold=threshold, dims=dims)


def _disclosed(members: dict[tuple, np.ndarray], value: dict[tuple, int],
               status: dict[tuple, str], threshold: int, size: int) -> tuple | None:
    """The first hidden small count whose value follows from what is published, or None."""
    equal_rows, equal_values, upper_rows, upper_values = [], [], [], []
    for key, mask in members.items():
        vector = mask.astype(float)
        if status[key] == "shown":
            equal_rows.append(vector)
            equal_values.append(value[key])
        elif status[key] == "primary":
            upper_rows += [vector, -vector]
            upper_values += [threshold - 1, -1]
        elif status[key] == "withheld":
            continue  # a small total shown as "x": the reader learns nothing about it
        else:
            upper_rows.append(-vector)
            upper_values.append(-threshold)
    a_eq = np.array(equal_rows) if equal_rows else None
    b_eq = np.array(equal_values, dtype=float) if equal_rows else None
    a_ub = np.array(upper_rows) if upper_rows else None
    b_ub = np.array(upper_values, dtype=float) if upper_rows else None
    for key, mask in members.items():
        if status[key] != "primary":
            continue
        bounds = []
        for sign in (1.0, -1.0):
            result = linprog(sign * mask.astype(float), A_ub=a_ub, b_ub=b_ub, A_eq=a_eq,
                             b_eq=b_eq, bounds=(0, None), method="highs")
            if result.status != 0:  # pragma: no cover - the true counts are always feasible
                bounds = []
                break
            bounds.append(sign * result.fun)
        if bounds and math.ceil(bounds[0] - 1e-6) >= math.floor(bounds[1] + 1e-6):
            return key
    return None


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
