"""Which published counts may be shown: primary and secondary suppression of small counts.

Steps 1 and 2 of the rule of :mod:`quartier.partners.concerns` over several published two-way
tables at once (:func:`protect_counts`), with the audit of step 3 from
:mod:`quartier.partners._audit`; the result is a :class:`Protection` that renders every table.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from quartier.format import format_number
from quartier.partners._audit import (
    STATE_PRIMARY,
    STATE_SECONDARY,
    STATE_SHOWN,
    STATE_WITHHELD,
    STATES,
    Auditor,
)

__all__ = ["SECONDARY", "Protection", "disclosed_counts", "protect_counts"]

#: How a secondarily suppressed count is shown.
SECONDARY = "x"
_TOTAL = {"de": "Summe", "en": "Total"}


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
    """Decide which counts of several published tables may be shown (the concerns rule).

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
    per hidden small count after every added suppression, in the rule's order, as the
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
    status = np.where((value > 0) & (value < threshold), STATE_PRIMARY, STATE_SHOWN).astype(np.int8)
    lines_of: list[list[int]] = [[] for _ in first_key]
    for i, line in enumerate(lines):
        for f in line:
            lines_of[f].append(i)
    is_total = np.zeros(len(first_key), dtype=bool)
    is_total[[line[-1] for line in lines]] = True

    def candidates(line: Sequence[int]) -> list[int]:
        return [f for f in line if status[f] == STATE_SHOWN and value[f] >= threshold]

    def pick(options: list[int]) -> int:
        return min(options, key=lambda f: (value[f], is_total[f], f))

    def hide(figure: int) -> None:
        status[figure] = STATE_SECONDARY
        _secondary(lines, lines_of, status, lines_of[figure], candidates, pick)

    _secondary(lines, lines_of, status, range(len(lines)), candidates, pick)
    if audit:
        auditor = Auditor(membership, counts, value, threshold, lines)
        for _ in range(2 * len(keys)):
            leaked = auditor.first_disclosed(status)
            if leaked is None:   # and a small count withheld as "x"?
                leaked = auditor.first_disclosed(status, withheld=True)
            if leaked is None:
                break
            around = [f for i in lines_of[leaked] for f in candidates(lines[i])]
            # a small total ("< 3") bounds its small members: withhold it as "x" as well
            small_totals = [lines[i][-1] for i in lines_of[leaked]
                            if status[lines[i][-1]] == STATE_PRIMARY]
            if around:
                hide(pick(around))
            elif small_totals:
                status[small_totals] = STATE_WITHHELD
            else:
                around = [f for line in lines if (status[line] != STATE_SHOWN).any()
                          for f in candidates(line)]
                if around:
                    hide(pick(around))
                elif status[leaked] == STATE_PRIMARY:
                    # nothing left to hide: its own "< 3" bounds it, show "x" instead
                    status[leaked] = STATE_WITHHELD
                else:
                    break
    return Protection(values={k: int(value[f]) for k, f in zip(keys, figure_of_key,
                                                                strict=True)},
                      status={k: STATES[status[f]] for k, f in zip(keys, figure_of_key,
                                                                    strict=True)},
                      threshold=threshold, dims=dims)


def disclosed_counts(cube: pd.Series, protection: Protection) -> list[tuple]:
    """The hidden small counts of a protection that a reader can work out exactly.

    An audit of a finished :class:`Protection` against the counts it was made from (step 3
    of the concerns rule, with the same linear programs and tolerance as
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
    status = np.array([STATES.index(protection.status[k]) for k in keys], dtype=np.int8)
    auditor = Auditor(membership, cube.to_numpy(dtype=float), value, protection.threshold,
                       _lines_of_figures(keys))
    return [keys[f] for f in auditor.disclosed(status)]


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
    first_key: list[int] = []
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
            if np.count_nonzero(status[line] != STATE_SHOWN) != 1:
                continue
            figure = pick(candidates(line))
            status[figure] = STATE_SECONDARY
            for j in lines_of[figure]:
                if j > i:
                    heapq.heappush(heap, j)
                elif j < i:
                    later.add(j)
        pending = sorted(later)
