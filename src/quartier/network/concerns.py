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

import heapq
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from quartier.fields import FIELDS
from quartier.format import format_number

__all__ = ["period_of", "concern_counts", "suppress_counts", "protect_counts", "Protection",
           "disclosed_counts", "published_concerns", "PUBLISHED_TABLES", "SECONDARY", "DIMENSIONS"]

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
        :data:`SECONDARY`) or ``"withheld"`` (a small count shown as :data:`SECONDARY`
        because its ``"< threshold"`` would bound its members or itself) per figure.
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
    For each hidden small count :math:`h = a_h^\\top x` the audit bounds
    :math:`\\min / \\max\\ a_h^\\top x` subject to :math:`x \\ge 0`,
    :math:`a_f^\\top x = n_f` for every shown figure, :math:`1 \\le a_f^\\top x \\le t - 1`
    for every figure shown as ``"< t"`` and :math:`a_f^\\top x \\ge t` for every ``"x"``,
    where :math:`x` are the underlying counts and :math:`a_f` the 0/1 vector of the counts a
    figure sums. A count is disclosed when :math:`\\lceil \\min \\rceil = \\lfloor \\max
    \\rfloor`, i.e. when no whole number other than its true value :math:`v` is feasible.

    **Guarantee.** Every hidden small count (``"< t"`` and small counts withheld as ``"x"``,
    whose own bounds are dropped) ends with a feasible interval containing at least two
    whole numbers: a reader of all published tables together cannot work any of them out
    exactly. The interval is not required to be wider than that. The only exception is a
    table where nothing is left to hide (every count at least ``t`` hidden, every small
    count withheld); :func:`disclosed_counts` names what is left then.

    **How the audit stays fast** (the result is the same as solving two linear programs
    per hidden small count after every added suppression, in the module's order, as the
    first version did; Berlin's 542 quarters with a year of concerns take seconds):

    * hiding more only enlarges the feasible set (an ``"x"`` replaces :math:`= n_f` by
      :math:`\\ge t \\le n_f`; a withheld total drops its bounds), so a count once proven
      safe stays safe and is not audited again;
    * safety is proven by a feasible point with :math:`a_h^\\top x \\ge v + 1` or
      :math:`\\le v - 1`; one linear program that pushes all unproven counts towards the
      other end of their range at once proves most of them (repeated while it helps);
    * disclosure is first tried on each line alone (a total equals the sum of its members,
      each within its bounds): that is a relaxation, so a count pinned there is pinned in
      the full problem and needs no linear program;
    * counts that are not disclosed by a line are proven safe near the figure first: a
      program in which only the counts of a few hidden figures along its lines may differ
      from the truth (every solution of it solves the full program), the full one after;
    * counts that lie in a published figure equal to 0 are 0 and leave the program; the
      constraint matrix is sparse and solved by HiGHS with ranged rows.
    """
    if threshold < 2:
        raise ValueError(f"threshold must be at least 2, got {threshold}.")
    dims = tuple(cube.index.names)
    for rows, columns in tables:
        if rows not in dims or columns not in dims or rows == columns:
            raise ValueError(f"Table ({rows!r}, {columns!r}) must name two different "
                             f"dimensions of the counts: {', '.join(dims)}.")
    counts = cube.to_numpy(dtype=float)
    if (counts < 0).any() or not np.allclose(counts, np.round(counts)):
        raise ValueError("Counts must be non-negative whole numbers.")
    keys, key_lines = _published_figures(cube, tables)
    key_membership = _membership(cube, keys)
    # figures summing the same counts (a quarter's only period and its total) are one number
    figure_of_key, first_key, lines = _same_figures(key_membership, key_lines)
    membership = key_membership[first_key]
    value = np.rint(membership @ counts).astype(np.int64)
    status = np.where((value > 0) & (value < threshold), _PRIMARY, _SHOWN).astype(np.int8)
    lines_of: list[list[int]] = [[] for _ in first_key]
    for i, line in enumerate(lines):
        for f in line:
            lines_of[f].append(i)
    is_total = np.zeros(len(first_key), dtype=bool)
    is_total[[line[-1] for line in lines]] = True

    def candidates(line: Sequence[int]) -> list[int]:
        return [f for f in line if status[f] == _SHOWN and value[f] >= threshold]

    def pick(options: list[int]) -> int:
        return min(options, key=lambda f: (value[f], is_total[f], f))

    def hide(figure: int) -> None:
        status[figure] = _SECONDARY
        _secondary(lines, lines_of, status, lines_of[figure], candidates, pick)

    _secondary(lines, lines_of, status, range(len(lines)), candidates, pick)
    if audit:
        auditor = _Auditor(membership, counts, value, threshold, lines)
        for _ in range(2 * len(keys)):
            leaked = auditor.first_disclosed(status)
            if leaked is None:   # and a small count withheld as "x"?
                leaked = auditor.first_disclosed(status, withheld=True)
            if leaked is None:
                break
            around = [f for i in lines_of[leaked] for f in candidates(lines[i])]
            # a small total ("< 3") bounds its small members: withhold it as "x" as well
            small_totals = [lines[i][-1] for i in lines_of[leaked]
                            if status[lines[i][-1]] == _PRIMARY]
            if around:
                hide(pick(around))
            elif small_totals:
                status[small_totals] = _WITHHELD
            else:
                around = [f for line in lines if (status[line] != _SHOWN).any()
                          for f in candidates(line)]
                if around:
                    hide(pick(around))
                elif status[leaked] == _PRIMARY:
                    # nothing left to hide: its own "< 3" bounds it, show "x" instead
                    status[leaked] = _WITHHELD
                else:
                    break
    return Protection(values={k: int(value[f]) for k, f in zip(keys, figure_of_key,
                                                                strict=True)},
                      status={k: _STATES[status[f]] for k, f in zip(keys, figure_of_key,
                                                                    strict=True)},
                      threshold=threshold, dims=dims)


def disclosed_counts(cube: pd.Series, protection: Protection) -> list[tuple]:
    """The hidden small counts of a protection that a reader can work out exactly.

    An audit of a finished :class:`Protection` against the counts it was made from (step 3
    of the module's rule, with the same linear programs and tolerance as
    :func:`protect_counts`): empty when every count shown as ``"< t"`` has at least two
    whole numbers consistent with everything published.

    Examples
    --------
    >>> table = pd.DataFrame({"a": [1, 3], "b": [4, 2]}, index=["01", "02"])
    >>> cube = table.rename_axis(index="q", columns="y").stack()
    >>> disclosed_counts(cube, protect_counts(cube, [("q", "y")]))
    []
    """
    keys = list(protection.status)
    membership = _membership(cube, keys)
    value = np.array([protection.values[k] for k in keys], dtype=np.int64)
    status = np.array([_STATES.index(protection.status[k]) for k in keys], dtype=np.int8)
    auditor = _Auditor(membership, cube.to_numpy(dtype=float), value, protection.threshold,
                       _lines_of_figures(keys))
    return [keys[f] for f in auditor.disclosed(status)]


_SHOWN, _PRIMARY, _SECONDARY, _WITHHELD = 0, 1, 2, 3
_STATES = ("shown", "primary", "secondary", "withheld")
#: Tolerance on the optimum of a linear program (as in the first version of the audit).
_TOLERANCE = 1e-6


def _published_figures(cube: pd.Series, tables: Sequence[tuple[str, str]]) -> tuple[
        list[tuple], list[list[int]]]:
    """Every published figure's key (in a fixed order) and every line of the tables.

    A line is the figures of one row or column of a table followed by its total (figure
    indices); the row and column totals with the grand total are lines too.
    """
    dims = tuple(cube.index.names)
    levels = {d: list(pd.unique(cube.index.get_level_values(d))) for d in dims}
    ids: dict[tuple, int] = {}

    def figure(**where: str) -> int:
        key = tuple(where.get(d) for d in dims)
        return ids.setdefault(key, len(ids))

    lines: list[list[int]] = []
    for rows, columns in tables:
        grand = figure()
        row_totals = [figure(**{rows: r}) for r in levels[rows]]
        column_totals = [figure(**{columns: c}) for c in levels[columns]]
        cells = [[figure(**{rows: r, columns: c}) for c in levels[columns]]
                 for r in levels[rows]]
        lines += [[*row, total] for row, total in zip(cells, row_totals, strict=True)]
        lines += [[*column, total] for column, total in zip(zip(*cells, strict=True),
                                                              column_totals, strict=True)]
        lines += [[*row_totals, grand], [*column_totals, grand]]
    return list(ids), lines


def _lines_of_figures(keys: Sequence[tuple]) -> list[list[int]]:
    """The lines of the tables, found from the figures' keys alone.

    A figure and every figure that differs from it in one dimension summed over there form
    a line (members first, the total last).
    """
    index = {key: f for f, key in enumerate(keys)}
    lines: dict[tuple, list[int]] = {}
    for f, key in enumerate(keys):
        for position, v in enumerate(key):
            if v is None:
                continue
            total = index.get((*key[:position], None, *key[position + 1:]))
            if total is not None:
                lines.setdefault((total, position), []).append(f)
    return [[*members, total] for (total, _), members in lines.items()]


def _same_figures(membership: sparse.csr_matrix, lines: list[list[int]]) -> tuple[
        np.ndarray, np.ndarray, list[list[int]]]:
    """Keys that sum the same counts, as one figure.

    Returns the figure of every key, the first key of every figure and the lines over
    figures; a line whose only member is its own total (a table with one column) says
    nothing and is left out.
    """
    membership = membership.tocsr()
    figures: dict[bytes, int] = {}
    figure_of_key = np.empty(membership.shape[0], dtype=np.int64)
    first_key = []
    for k in range(membership.shape[0]):
        counts = membership.indices[membership.indptr[k]:membership.indptr[k + 1]]
        signature = np.sort(counts).tobytes()
        if signature not in figures:
            figures[signature] = len(first_key)
            first_key.append(k)
        figure_of_key[k] = figures[signature]
    figure_lines = []
    for line in lines:
        members = [int(figure_of_key[k]) for k in line]
        if members[:-1] != [members[-1]]:
            figure_lines.append(members)
    return figure_of_key, np.array(first_key, dtype=np.int64), figure_lines


def _membership(cube: pd.Series, keys: Sequence[tuple]) -> sparse.csr_matrix:
    """0/1 matrix (figures × counts of the cube): which counts each figure sums."""
    dims = tuple(cube.index.names)
    codes, levels = {}, {}
    for d in dims:
        codes[d], levels[d] = pd.factorize(cube.index.get_level_values(d))
    position = {d: {v: i for i, v in enumerate(levels[d])} for d in dims}
    by_kind: dict[tuple[int, ...], list[int]] = {}
    for f, key in enumerate(keys):
        by_kind.setdefault(tuple(i for i, v in enumerate(key) if v is not None), []).append(f)
    figure_rows, count_columns = [], []
    for kind, figures in by_kind.items():
        shape = tuple(len(levels[dims[i]]) for i in kind)
        lookup = np.full(shape, -1, dtype=np.int64)
        for f in figures:
            lookup[tuple(position[dims[i]][keys[f][i]] for i in kind)] = f
        figure_of_count = lookup[tuple(codes[dims[i]] for i in kind)] if kind else \
            np.full(len(cube), lookup.item())
        figure_rows.append(figure_of_count)
        count_columns.append(np.arange(len(cube)))
    row = np.concatenate(figure_rows)
    column = np.concatenate(count_columns)
    keep = row >= 0
    return sparse.csr_matrix((np.ones(keep.sum()), (row[keep], column[keep])),
                             shape=(len(keys), len(cube)))


def _secondary(lines: list[list[int]], lines_of: list[list[int]], status: np.ndarray,
               dirty: Sequence[int], candidates, pick) -> None:
    """Hide one more figure in every line that hides exactly one (step 2 of the rule).

    Lines are swept in their order, again and again until no line changes, as a plain loop
    over all lines would; only lines that contain a changed figure can change, so only those
    are visited (a line hit behind the sweep position waits for the next sweep).
    """
    pending = sorted(set(dirty))
    while pending:
        heap, later, position = list(pending), set(), -1
        heapq.heapify(heap)
        while heap:
            i = heapq.heappop(heap)
            if i <= position:
                continue
            position = i
            line = lines[i]
            if np.count_nonzero(status[line] != _SHOWN) != 1:
                continue
            figure = pick(candidates(line))
            status[figure] = _SECONDARY
            for j in lines_of[figure]:
                if j > i:
                    heapq.heappush(heap, j)
                elif j < i:
                    later.add(j)
        pending = sorted(later)


class _Auditor:
    """Bounds of hidden small counts under the published figures (step 3 of the rule).

    Remembers the counts proven safe: hiding more never makes one of them disclosed again.
    """

    #: Counts of the cube freed around a figure for its local linear program (about), and
    #: the largest figure (in counts) whose counts are freed with it.
    LOCAL_COUNTS = 400
    LOCAL_FIGURE = 64
    #: Hidden figures taken from one line into the neighbourhood.
    LOCAL_BRANCHES = 6

    def __init__(self, membership: sparse.csr_matrix, counts: np.ndarray, value: np.ndarray,
                 threshold: int, lines: list[list[int]]):
        zero_counts = np.asarray(membership[value == 0].sum(axis=0)).ravel() > 0
        self.matrix = membership[:, ~zero_counts].tocsr()   # counts in a 0 figure are 0
        self.by_count = self.matrix.T.tocsr()
        self.counts = counts[~zero_counts]
        self.value = value
        self.threshold = threshold
        self.lines = lines
        self.lines_of: list[list[int]] = [[] for _ in value]
        for i, line in enumerate(lines):
            for f in line:
                self.lines_of[f].append(i)
        self.size = np.diff(self.matrix.indptr)
        self.proven = np.zeros(len(value), dtype=bool)
        # could a "< t" count be one more, or one less? (a withheld one always)
        self.up = value + 1 <= threshold - 1
        self.down = value - 1 >= 1
        self.small = (value > 0) & (value < threshold)
        self.batched = False

    # -- relaxation: each line alone --------------------------------------------------------

    def _bounds(self, status: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """What a reader knows of every figure on its own."""
        t = self.threshold
        low = np.select([status == _SHOWN, status == _PRIMARY, status == _SECONDARY],
                        [self.value, 1, t], 0).astype(float)
        high = np.select([status == _SHOWN, status == _PRIMARY], [self.value, t - 1],
                         np.inf).astype(float)
        return low, high

    def pinned_by_a_line(self, figure: int, status: np.ndarray) -> bool:
        """Whether one line of the figure alone leaves it no other whole number."""
        low, high = self._bounds(status)
        lo, hi = low[figure], high[figure]
        for i in self.lines_of[figure]:
            line = self.lines[i]
            members, total = line[:-1], line[-1]
            if figure == total:
                lo, hi = max(lo, low[members].sum()), min(hi, high[members].sum())
            else:
                others = [f for f in members if f != figure]
                lo = max(lo, low[total] - high[others].sum())
                hi = min(hi, high[total] - low[others].sum())
        return bool(np.isfinite(hi)) and math.ceil(lo - _TOLERANCE) >= math.floor(
            hi + _TOLERANCE)

    # -- linear programs --------------------------------------------------------------------

    def _solve(self, weights: np.ndarray, status: np.ndarray,
               free: np.ndarray | None = None) -> np.ndarray | None:
        """The published figures at a point maximising ``weights @ figures``, or None.

        With ``free`` (indices of counts) only those counts may differ from the true ones:
        a smaller program whose every solution is also a solution of the full one.
        """
        low, high = self._bounds(status)
        rows = status != _WITHHELD
        if free is None:
            matrix, start = self.matrix, np.zeros(len(self.value))
        else:
            matrix = self.matrix[:, free]
            start = self.value - matrix @ self.counts[free]     # the part held at the truth
            rows &= np.diff(matrix.tocsr().indptr) > 0
        rows = np.flatnonzero(rows)
        objective = -(sparse.csr_matrix(weights) @ matrix).toarray().ravel()
        result = milp(objective, bounds=Bounds(0, np.inf), constraints=LinearConstraint(
            matrix[rows], low[rows] - start[rows], high[rows] - start[rows]))
        if result.status != 0 or result.x is None:  # pragma: no cover - the true counts fit
            return None
        return start + matrix @ result.x

    def _prove(self, figures: np.ndarray, at: np.ndarray | None) -> None:
        """Mark the figures whose value at a feasible point differs from the truth by ≥ 1."""
        if at is None:
            return
        v = self.value[figures]
        moved = (at[figures] >= v + 1 - _TOLERANCE) | (at[figures] <= v - 1 + _TOLERANCE)
        self.proven[figures[moved]] = True

    def _open(self, status: np.ndarray, withheld: bool = True) -> np.ndarray:
        """The small counts hidden as ``"< t"`` (and withheld) not yet proven safe."""
        self.up[status == _WITHHELD] = True
        self.down[status == _WITHHELD] = True
        hidden = (status == _PRIMARY) | ((status == _WITHHELD) & self.small & withheld)
        return np.flatnonzero(hidden & ~self.proven)

    def prove_together(self, status: np.ndarray) -> None:
        """Push all unproven small counts towards another value at once, while that helps."""
        self.batched = True
        for prefer_up in (True, False) if (self.up & self.down).any() else (True,):
            while len(open_ := self._open(status)) > 1:
                up = self.up[open_] & (prefer_up | ~self.down[open_])
                weights = np.zeros(len(self.value))
                weights[open_] = np.where(up, 1.0, -1.0)
                before = self.proven.sum()
                self._prove(open_, self._solve(weights, status))
                if self.proven.sum() == before:
                    break

    def _around(self, figure: int, status: np.ndarray) -> np.ndarray:
        """Counts of the hidden figures near one figure, for its local linear program.

        Breadth first along lines; a short line (a quarter's row) adds all its hidden
        figures, a long one (a column over all quarters) only the first few, so that the
        neighbourhood holds whole rows of a few other quarters: the cycles of hidden figures
        that let a count move.
        """
        seen, queue, free = {figure}, deque([figure]), set(self._counts_of(figure))
        while queue and len(free) < self.LOCAL_COUNTS:
            for i in self.lines_of[queue.popleft()]:
                taken = 0
                for g in self.lines[i]:
                    if g in seen or status[g] == _SHOWN or self.size[g] > self.LOCAL_FIGURE:
                        continue
                    seen.add(g)
                    queue.append(g)
                    free.update(self._counts_of(g))
                    taken += 1
                    if taken == self.LOCAL_BRANCHES:
                        break
        return np.array(sorted(free), dtype=np.int64)

    def _counts_of(self, figure: int) -> np.ndarray:
        return self.matrix.indices[self.matrix.indptr[figure]:self.matrix.indptr[figure + 1]]

    def is_safe(self, figure: int, status: np.ndarray) -> bool:
        """Can the count be one more, or one less? Tried near the figure first, then in full."""
        open_ = self._open(status)
        around = self._around(figure, status)
        for free in (around, None):
            for sign, possible in ((1.0, self.up[figure]), (-1.0, self.down[figure])):
                if not possible:
                    continue
                weights = np.zeros(len(self.value))
                weights[figure] = sign
                at = self._solve(weights, status, free)
                if at is None:  # pragma: no cover - as in the first audit: not disclosed
                    return free is None
                self._prove(open_, at)
                if self.proven[figure]:
                    return True
        return False

    def first_disclosed(self, status: np.ndarray, withheld: bool = False) -> int | None:
        """The first count shown as ``"< t"`` (or withheld) a reader can work out, or None."""
        for figure in self._open(status, withheld):
            if self.proven[figure]:
                continue
            if self.pinned_by_a_line(figure, status):
                return int(figure)
            if not self.batched:
                self.prove_together(status)
                if self.proven[figure]:
                    continue
            if not self.is_safe(figure, status):
                return int(figure)
        return None

    def disclosed(self, status: np.ndarray) -> list[int]:
        """Every hidden small count a reader can work out."""
        self.prove_together(status)
        return [int(f) for f in self._open(status)
                if self.pinned_by_a_line(f, status) or not self.is_safe(f, status)]


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
