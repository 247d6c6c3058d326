"""Social status and dynamics index after Berlin's Monitoring Soziale Stadtentwicklung (MSS).

The MSS summarises a few shares per quarter (unemployment, transfer payments, child poverty;
the *status* indicators) and their change over the last period (the *dynamics* indicators,
in percentage points) with a "gestuftes Indexverfahren": z-standardise every indicator, add
the z-values up, standardise the sum again and cut the result into classes at multiples of
the standard deviation. :func:`status_index` implements exactly that method, so that the
published Berlin classes of 2013 to 2021 can be reproduced.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from itertools import pairwise
from numbers import Real
from types import MappingProxyType

import numpy as np
import pandas as pd

__all__ = ["DEFAULT_THRESHOLDS", "status_index"]

#: Class limits of the MSS, in standard deviations of the (standardised) index.
DEFAULT_THRESHOLDS: Mapping[str, float] = MappingProxyType({
    "status_hoch": -1.0,
    "status_mittel": 1.0,
    "status_niedrig": 1.5,
    "dynamics_positiv": -1.0,
    "dynamics_stabil": 1.0,
})

STATUS_CLASSES = ("hoch", "mittel", "niedrig", "sehr niedrig")
DYNAMICS_CLASSES = ("positiv", "stabil", "negativ")
DYNAMICS_SIGNS = {"positiv": "+", "stabil": "+/-", "negativ": "-"}

# An index closer than this to a class limit counts as lying exactly on it. A standardised
# value that is mathematically 1.0 may come out as 1.0000000000000002 in floating point; the
# published classes treat it as 1.0 ("mittel"). Real index values are never this close to a
# limit by chance (the published tables round them to two decimals).
_BOUNDARY_TOLERANCE = 1e-9


def status_index(
    table: pd.DataFrame,
    status: list[str] | tuple[str, ...],
    dynamics: list[str] | tuple[str, ...] | None = None,
    *,
    population: str | None = "inhabitants",
    min_population: float = 300,
    exclude: Iterable[Hashable] = (),
    thresholds: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Status index, dynamics index and their classes per quarter (MSS method of Berlin).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per quarter, with a unique index (the quarter ids), the indicator columns
        named in `status` and `dynamics` and the `population` column.
    status : list of str or tuple of str
        Columns of the status indicators (shares in percent; higher = more disadvantage),
        e.g. ``["s1", "s3", "s4"]``. At least one.
    dynamics : list of str or tuple of str, optional
        Columns of the dynamics indicators (change of the status shares over the period in
        percentage points). ``None`` (default) computes the status index only.
    population : str or None, default "inhabitants"
        Column with the number of residents. ``None`` skips the population rule.
    min_population : float, default 300
        Rows whose population is below this value, or missing, are left out of the index.
    exclude : iterable of index labels, default ()
        Named exclusions: labels of `table`'s index whose rows are left out although they are
        large enough (e.g. a trade estate or a fair ground with few, atypical residents). A
        single string counts as one label.
    thresholds : mapping of str to float, optional
        Class limits, overriding any of the defaults in :data:`DEFAULT_THRESHOLDS`:

        ``status_hoch`` (-1.0)
            status index below this → ``hoch`` (high status, class 1);
        ``status_mittel`` (1.0)
            status index up to and including this → ``mittel`` (class 2);
        ``status_niedrig`` (1.5)
            status index up to and including this → ``niedrig`` (class 3); above it
            → ``sehr niedrig`` (class 4);
        ``dynamics_positiv`` (-1.0)
            dynamics index below this → ``positiv``;
        ``dynamics_stabil`` (1.0)
            dynamics index up to and including this → ``stabil``; above it → ``negativ``.

        The status limits and the dynamics limits must each be strictly increasing.

    Returns
    -------
    pandas.DataFrame
        On the same index as `table` (same order), with the columns

        ``included`` (bool)
            whether the row took part in the index;
        ``z_<indicator>`` (float)
            z-value of every status indicator, then of every dynamics indicator;
        ``status_sum``, ``status_index`` (float)
            sum of the status z-values and that sum standardised again;
        ``status_class`` (str), ``status_class_number`` (Int64, 1–4)
            ``hoch`` = 1, ``mittel`` = 2, ``niedrig`` = 3, ``sehr niedrig`` = 4;
        ``dynamics_sum``, ``dynamics_index`` (float), ``dynamics_class`` (str)
            the same for the dynamics indicators (``positiv``, ``stabil``, ``negativ``);
        ``combined_class`` (str)
            status class number followed by the dynamics sign: ``+`` (positiv), ``+/-``
            (stabil) or ``-`` (negativ), e.g. ``"4-"`` or ``"2+/-"``.

        Rows left out carry NaN (numbers) or None (text, class number ``<NA>``). Without
        `dynamics` the three dynamics columns are present but empty (NaN / None) and
        ``combined_class`` is the status class number alone (``"1"`` … ``"4"``).

    Raises
    ------
    TypeError
        If `table` is not a DataFrame, an indicator list is a bare string or holds
        non-strings, a used column is not numeric, or `min_population` / a threshold is not a
        real number.
    ValueError
        If no status indicator is given, an indicator is listed twice, columns are missing
        (all are named), the index has duplicates, `exclude` names labels that are not in the
        index, an included row holds an infinite value, no row is left, an indicator or a sum
        has zero standard deviation over the included rows, or `thresholds` has unknown keys
        or limits that do not increase.

    Notes
    -----
    Let :math:`I` be the set of included rows (population :math:`\\ge` `min_population`, not
    excluded by name, no missing value in any used indicator) and :math:`n = |I|`. For every
    indicator :math:`k` and row :math:`i \\in I`

    .. math::

        z_{ik} = \\frac{x_{ik} - \\bar{x}_k}{s_k}, \\qquad
        \\bar{x}_k = \\frac{1}{n} \\sum_{j \\in I} x_{jk}, \\qquad
        s_k = \\sqrt{\\frac{1}{n} \\sum_{j \\in I} (x_{jk} - \\bar{x}_k)^2}

    i.e. the plain (unweighted) mean of the quarters and the *population* standard deviation
    (``ddof = 0``). The status sum :math:`S_i = \\sum_{k \\in \\mathrm{status}} z_{ik}` is
    standardised the same way to the status index :math:`SI_i = (S_i - \\bar{S}) / s_S`; the
    dynamics index :math:`DI` is built alike from the dynamics indicators. Both indices have
    mean 0 and standard deviation 1 over :math:`I`, so the limits are multiples of the SD:

    - :math:`SI < -1` → ``hoch`` (1),
    - :math:`-1 \\le SI \\le 1` → ``mittel`` (2),
    - :math:`1 < SI \\le 1.5` → ``niedrig`` (3),
    - :math:`SI > 1.5` → ``sehr niedrig`` (4),

    and :math:`DI < -1` → positiv, :math:`-1 \\le DI \\le 1` → stabil, :math:`DI > 1` →
    negativ. An index within ``1e-9`` of a limit counts as lying on it, so that floating point
    noise (1.0000000000000002) does not move a quarter out of the class the method assigns.

    Examples
    --------
    >>> table = pd.DataFrame({"s1": [8.0, 12.0, 13.0, 7.0, 8.0, 10.0, 11.0, 11.0, 50.0],
    ...                       "inhabitants": [900] * 8 + [120]},
    ...                      index=list("abcdefghi"))
    >>> result = status_index(table, ["s1"])
    >>> result.loc[["a", "b", "c", "d", "i"], ["z_s1", "status_index", "combined_class"]]
       z_s1  status_index combined_class
    a  -1.0          -1.0              2
    b   1.0           1.0              2
    c   1.5           1.5              3
    d  -1.5          -1.5              1
    i   NaN           NaN           None
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    status_cols = _indicator_list(status, "status")
    if not status_cols:
        raise ValueError("status needs at least one indicator column, got none")
    dynamics_cols = [] if dynamics is None else _indicator_list(dynamics, "dynamics")
    if dynamics is not None and not dynamics_cols:
        raise ValueError("dynamics needs at least one indicator column (or pass None)")
    used = status_cols + dynamics_cols
    twice = sorted({c for c in used if used.count(c) > 1})
    if twice:
        raise ValueError(f"indicator columns listed more than once: {twice}")
    if population is not None and not isinstance(population, str):
        raise TypeError(f"population must be a column name (str) or None, "
                        f"got {type(population).__name__}")
    limits = _check_thresholds(thresholds)
    if isinstance(min_population, bool) or not isinstance(min_population, Real):
        raise TypeError(f"min_population must be a number, got {type(min_population).__name__}")
    if math.isnan(min_population):
        raise ValueError("min_population must not be NaN")

    needed = used + ([population] if population is not None else [])
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise ValueError(f"columns missing from the table: {missing} "
                         f"(available: {[str(c) for c in table.columns]})")
    not_numeric = [c for c in needed if not _is_numeric(table[c])]
    if not_numeric:
        raise TypeError(f"columns must be numeric: {not_numeric} "
                        f"(dtypes: {[str(table[c].dtype) for c in not_numeric]})")
    if not table.index.is_unique:
        dupes = table.index[table.index.duplicated()].unique().tolist()
        raise ValueError(f"the table index must be unique; duplicated labels: {dupes[:10]}")

    excluded_by_name = _excluded_mask(table.index, exclude)
    if population is not None:
        people = table[population].to_numpy(dtype=float, na_value=np.nan)
        too_small = ~(people >= min_population)  # NaN population counts as too small
    else:
        too_small = np.zeros(len(table), dtype=bool)
    values = {c: table[c].to_numpy(dtype=float, na_value=np.nan) for c in used}
    incomplete = np.zeros(len(table), dtype=bool)
    for column in used:
        incomplete |= np.isnan(values[column])
    included = ~too_small & ~excluded_by_name & ~incomplete
    if not included.any():
        raise ValueError(
            f"no rows left for the index: of {len(table)} rows, {int(too_small.sum())} have a "
            f"population below {min_population} or none, {int(excluded_by_name.sum())} are "
            f"excluded by name and {int(incomplete.sum())} lack an indicator value")
    infinite = [c for c in used if np.isinf(values[c][included]).any()]
    if infinite:
        raise ValueError(f"infinite values in included rows of columns {infinite}")

    n = len(table)
    result = pd.DataFrame({"included": included}, index=table.index)
    for column in used:
        z = np.full(n, np.nan)
        z[included] = _standardise(values[column][included], f"indicator {column!r}")
        result[f"z_{column}"] = z

    status_sum = np.full(n, np.nan)
    status_sum[included] = sum(result[f"z_{c}"].to_numpy()[included] for c in status_cols)
    status_idx = np.full(n, np.nan)
    status_idx[included] = _standardise(status_sum[included], "the status sum")
    status_labels = _classify(status_idx, (limits["status_hoch"], limits["status_mittel"],
                                           limits["status_niedrig"]), STATUS_CLASSES)
    result["status_sum"] = status_sum
    result["status_index"] = status_idx
    result["status_class"] = pd.Series(status_labels, index=table.index, dtype=object)
    numbers = [None if label is None else STATUS_CLASSES.index(label) + 1
               for label in status_labels]
    result["status_class_number"] = pd.array(numbers, dtype="Int64")

    dynamics_sum = np.full(n, np.nan)
    dynamics_idx = np.full(n, np.nan)
    dynamics_labels: list[str | None] = [None] * n
    if dynamics_cols:
        dynamics_sum[included] = sum(result[f"z_{c}"].to_numpy()[included]
                                     for c in dynamics_cols)
        dynamics_idx[included] = _standardise(dynamics_sum[included], "the dynamics sum")
        dynamics_labels = _classify(dynamics_idx, (limits["dynamics_positiv"],
                                                   limits["dynamics_stabil"]), DYNAMICS_CLASSES)
    result["dynamics_sum"] = dynamics_sum
    result["dynamics_index"] = dynamics_idx
    result["dynamics_class"] = pd.Series(dynamics_labels, index=table.index, dtype=object)

    combined: list[str | None] = []
    for number, label in zip(numbers, dynamics_labels):
        if number is None:
            combined.append(None)
        elif label is None:
            combined.append(str(number))
        else:
            combined.append(f"{number}{DYNAMICS_SIGNS[label]}")
    result["combined_class"] = pd.Series(combined, index=table.index, dtype=object)
    return result


def _indicator_list(columns: object, name: str) -> list[str]:
    """Check that `columns` is a list/tuple of column names and return it as a list."""
    if isinstance(columns, str) or not isinstance(columns, (list, tuple)):
        raise TypeError(f"{name} must be a list or tuple of column names, "
                        f"got {type(columns).__name__}"
                        + (f" (did you mean [{columns!r}]?)" if isinstance(columns, str) else ""))
    wrong = [c for c in columns if not isinstance(c, str)]
    if wrong:
        raise TypeError(f"{name} must hold column names (str); got {wrong}")
    return list(columns)


def _check_thresholds(thresholds: Mapping[str, float] | None) -> dict[str, float]:
    """Merge `thresholds` into the defaults and check them."""
    limits = dict(DEFAULT_THRESHOLDS)
    if thresholds is None:
        return limits
    if not isinstance(thresholds, Mapping):
        raise TypeError(f"thresholds must be a dict, got {type(thresholds).__name__}")
    unknown = sorted(str(k) for k in thresholds if k not in DEFAULT_THRESHOLDS)
    if unknown:
        raise ValueError(f"unknown threshold keys: {unknown} "
                         f"(known: {list(DEFAULT_THRESHOLDS)})")
    for key, value in thresholds.items():
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(f"threshold {key!r} must be a number, got {type(value).__name__}")
        if not math.isfinite(value):
            raise ValueError(f"threshold {key!r} must be finite, got {value}")
        limits[key] = float(value)
    for keys in (("status_hoch", "status_mittel", "status_niedrig"),
                 ("dynamics_positiv", "dynamics_stabil")):
        chosen = [limits[k] for k in keys]
        if any(a >= b for a, b in pairwise(chosen)):
            raise ValueError("thresholds must increase strictly: "
                             + " < ".join(f"{k}={limits[k]}" for k in keys))
    return limits


def _is_numeric(series: pd.Series) -> bool:
    return (pd.api.types.is_numeric_dtype(series.dtype)
            and not pd.api.types.is_bool_dtype(series.dtype))


def _excluded_mask(index: pd.Index, exclude: Iterable[Hashable]) -> np.ndarray:
    """Boolean mask of the rows named in `exclude`; unknown labels are an error."""
    if exclude is None:
        return np.zeros(len(index), dtype=bool)
    labels = [exclude] if isinstance(exclude, (str, bytes)) else list(exclude)
    unknown = [label for label in labels if label not in index]
    if unknown:
        example = f" (index labels look like {index[0]!r})" if len(index) else ""
        raise ValueError(f"exclude names labels that are not in the table's index: "
                         f"{unknown}{example}")
    return np.asarray(index.isin(labels), dtype=bool)


def _standardise(values: np.ndarray, what: str) -> np.ndarray:
    """z-values with the unweighted mean and the population SD (ddof = 0)."""
    mean = values.mean()
    sd = values.std(ddof=0)
    if values.size < 2 or sd == 0 or np.ptp(values) == 0:
        rows = "row" if values.size == 1 else "rows"
        raise ValueError(f"{what} has zero standard deviation over the {values.size} included "
                         f"{rows}, so it cannot be z-standardised")
    return (values - mean) / sd


def _classify(index: np.ndarray, limits: tuple[float, ...],
              labels: tuple[str, ...]) -> list[str | None]:
    """Classes of `index`: below the first limit, then up to and including each further one.

    ``labels[0]`` for ``x < limits[0]``, ``labels[j]`` for ``limits[j-1] <= x <= limits[j]``
    (``j = 1``) and ``limits[j-1] < x <= limits[j]`` (``j > 1``), ``labels[-1]`` above the last
    limit. Values within the boundary tolerance of a limit are set onto it first.
    """
    snapped = index.copy()
    for limit in limits:
        snapped[np.abs(snapped - limit) <= _BOUNDARY_TOLERANCE] = limit
    out: list[str | None] = []
    for x in snapped:
        if np.isnan(x):
            out.append(None)
        elif x < limits[0]:
            out.append(labels[0])
        else:
            position = 1
            while position < len(limits) and x > limits[position]:
                position += 1
            out.append(labels[position])
    return out
