"""The audit of protected counts: can a reader work out a hidden small count exactly?

Step 3 of the rule of :mod:`quartier.partners.concerns`: for every hidden small count the
smallest and largest value consistent with everything published, by linear programming over
the underlying counts (HiGHS through :func:`scipy.optimize.milp`), with the shortcuts described
in :func:`quartier.partners.protection.protect_counts`. The state codes of the figures are
defined here, the lowest of the three modules.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

#: Codes of a figure's state in the arrays of the protection and the audit.
STATE_SHOWN, STATE_PRIMARY, STATE_SECONDARY, STATE_WITHHELD = 0, 1, 2, 3
#: The names of the codes, as :class:`~quartier.partners.protection.Protection` keeps them.
STATES = ("shown", "primary", "secondary", "withheld")
#: Tolerance on the optimum of a linear program (as in the first version of the audit).
TOLERANCE = 1e-6


class Auditor:
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
        low = np.select([status == STATE_SHOWN, status == STATE_PRIMARY, status == STATE_SECONDARY],
                        [self.value, 1, t], 0).astype(float)
        high = np.select([status == STATE_SHOWN, status == STATE_PRIMARY], [self.value, t - 1],
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
        return bool(np.isfinite(hi)) and math.ceil(lo - TOLERANCE) >= math.floor(
            hi + TOLERANCE)

    # -- linear programs --------------------------------------------------------------------

    def _solve(self, weights: np.ndarray, status: np.ndarray,
               free: np.ndarray | None = None) -> np.ndarray | None:
        """The published figures at a point maximising ``weights @ figures``, or None.

        With ``free`` (indices of counts) only those counts may differ from the true ones:
        a smaller program whose every solution is also a solution of the full one.
        """
        low, high = self._bounds(status)
        rows = status != STATE_WITHHELD
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
        moved = (at[figures] >= v + 1 - TOLERANCE) | (at[figures] <= v - 1 + TOLERANCE)
        self.proven[figures[moved]] = True

    def _open(self, status: np.ndarray, withheld: bool = True) -> np.ndarray:
        """The small counts hidden as ``"< t"`` (and withheld) not yet proven safe."""
        self.up[status == STATE_WITHHELD] = True
        self.down[status == STATE_WITHHELD] = True
        hidden = (status == STATE_PRIMARY) | ((status == STATE_WITHHELD) & self.small & withheld)
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
                    if g in seen or status[g] == STATE_SHOWN or self.size[g] > self.LOCAL_FIGURE:
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
