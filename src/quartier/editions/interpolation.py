"""Areal interpolation: values of one set of quarters carried onto another by intersection area.

* :func:`interpolate_extensive` carries counts (residents, facilities, places) by the share of
  the source quarter;
* :func:`interpolate_intensive` carries rates, shares and indices as a mean weighted by
  intersection area or by residents.

Both take the weights of :func:`quartier.editions.overlay.area_weights` and assume, as areal
interpolation always does, that what is counted is spread evenly over each source quarter.
Every name is also importable from :mod:`quartier.editions.boundaries`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from quartier.editions.overlay import QUARTER_ID, check_weights

__all__ = ["DEFAULT_MIN_COVERAGE", "interpolate_extensive", "interpolate_intensive"]

#: Share of a target quarter's area that must be covered by sources with a known value for an
#: intensive value to be carried (see :func:`interpolate_intensive`).
DEFAULT_MIN_COVERAGE = 0.5


def _by_source(values: pd.Series | pd.DataFrame, name: str) -> pd.DataFrame:
    """`values` as a float DataFrame with a unique index of source ids."""
    if not isinstance(values, (pd.Series, pd.DataFrame)):
        raise TypeError(f"The {name} must be a Series or DataFrame indexed by quarter id, not "
                        f"{type(values).__name__}.")
    frame = values.to_frame() if isinstance(values, pd.Series) else values
    duplicated = frame.index[frame.index.duplicated()]
    if len(duplicated):
        raise ValueError(f"The {name} have duplicate quarter ids in their index: "
                         f"{', '.join(sorted(set(map(str, duplicated)))[:10])}.")
    try:
        return frame.astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"The {name} must be numbers ({exc}); carry only numeric columns.") \
            from exc


def _shaped(result: pd.DataFrame, values: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
    result.index.name = QUARTER_ID
    if isinstance(values, pd.Series):
        return result.iloc[:, 0].rename(values.name)
    return result


def _target_codes(weights: pd.DataFrame, targets: Sequence | pd.Index | None
                  ) -> tuple[np.ndarray, pd.Index]:
    """Position of each pair's target in the output index (−1 for targets left out)."""
    index = pd.Index(pd.unique(weights["target_id"]) if targets is None else targets,
                     name=QUARTER_ID)
    return index.get_indexer(weights["target_id"]), index


def _sum_by_target(contributions: np.ndarray, codes: np.ndarray, n: int) -> np.ndarray:
    """Σ of `contributions` (pairs × columns) per target code; rows with code −1 are dropped."""
    keep = codes >= 0
    out = np.zeros((n, contributions.shape[1]))
    np.add.at(out, codes[keep], contributions[keep])
    return out


def interpolate_extensive(values: pd.Series | pd.DataFrame, weights: pd.DataFrame, *,
                          targets: Sequence | pd.Index | None = None
                          ) -> pd.Series | pd.DataFrame:
    """Carry counts (residents, facilities, places) from source to target quarters.

    Parameters
    ----------
    values : Series or DataFrame
        Counts per source quarter, indexed by source ``quarter_id`` (one column per variable
        in a DataFrame). Missing values (NaN) contribute nothing.
    weights : DataFrame
        From :func:`area_weights`.
    targets : sequence, optional
        Target ids of the result, in this order; default: the targets in `weights`, in order
        of first appearance. A target without any overlapping source with a known value gets
        NaN (unknown, not zero).

    Returns
    -------
    Series or DataFrame
        Like `values`, indexed by target ``quarter_id``.

    Notes
    -----
    y_t = Σ_s (A_st / A_s) · x_s   over the sources s with a known x_s.

    Each source's count is split by its share of area, so Σ_t y_t = Σ_s x_s for every source
    whose area is entirely covered by the targets (the total is conserved); sources partly
    outside the targets lose the part outside.

    Compared with PySAL tobler (``tobler.area_weighted.area_interpolate``, checked in
    ``tests/test_boundaries_tobler.py``): this is tobler's ``allocate_total=False``, equal to
    machine precision. tobler's default divides by the covered part of the source,
    Σ_k A_sk, instead of A_s and so hands the part outside every target to the targets that
    overlap the source; here it is dropped, because people outside the new quarters do not
    live in them (the two agree where the targets cover every source). A target without a
    source with a known value is NaN (unknown) here and 0 in tobler, which reads missing
    values as 0; tobler also keeps its intersection areas in float32, so its own results
    agree to about 7 significant digits.

    Examples
    --------
    >>> import pandas as pd
    >>> weights = pd.DataFrame({"source_id": ["A", "A"], "target_id": ["1", "2"],
    ...                         "area": [25.0, 75.0], "share_of_source": [0.25, 0.75],
    ...                         "share_of_target": [1.0, 1.0]})
    >>> interpolate_extensive(pd.Series({"A": 400.0}, name="residents"), weights).to_dict()
    {'1': 100.0, '2': 300.0}
    """
    check_weights(weights)
    frame = _by_source(values, "values")
    codes, index = _target_codes(weights, targets)
    x = frame.reindex(weights["source_id"].to_numpy()).to_numpy()
    known = ~np.isnan(x)
    share = weights["share_of_source"].to_numpy()[:, None]
    total = _sum_by_target(np.where(known, share * np.nan_to_num(x), 0.0), codes, len(index))
    counted = _sum_by_target(known.astype(float), codes, len(index))
    result = pd.DataFrame(np.where(counted > 0, total, np.nan), index=index,
                          columns=frame.columns)
    return _shaped(result, values)


def interpolate_intensive(values: pd.Series | pd.DataFrame, weights: pd.DataFrame, *,
                          weight_by: pd.Series | None = None,
                          targets: Sequence | pd.Index | None = None,
                          min_coverage: float = DEFAULT_MIN_COVERAGE
                          ) -> pd.Series | pd.DataFrame:
    """Carry rates, shares, distances and indices from source to target quarters.

    Parameters
    ----------
    values : Series or DataFrame
        Values per source quarter, indexed by source ``quarter_id``. Missing values (NaN, and
        infinite ones) are left out together with their weight.
    weights : DataFrame
        From :func:`area_weights`.
    weight_by : Series, optional
        An extensive weight per source quarter, indexed by ``quarter_id`` — the residents (or
        the reference group) the values refer to. Without it, the mean is weighted by
        intersection area. Sources whose weight is missing are left out like missing values.
    targets : sequence, optional
        Target ids of the result, in this order; default: the targets in `weights`.
    min_coverage : float, default :data:`DEFAULT_MIN_COVERAGE` (0.5)
        Smallest share of a target's area that must be covered by sources with a known value
        (and a known weight); below it the target gets NaN rather than the value of a sliver
        of a neighbour. ``0`` keeps every target with any overlap.

    Returns
    -------
    Series or DataFrame
        Like `values`, indexed by target ``quarter_id``. Targets with no overlap, no known
        source, a total weight of 0 or too little coverage get NaN.

    Raises
    ------
    ValueError
        When `weight_by` has negative values or `min_coverage` is not in [0, 1].

    Notes
    -----
    With w_st = A_st (area weighting) or w_st = P_s · A_st / A_s (the residents of source s
    living in the intersection, assuming them evenly spread):

    y_t = Σ_s w_st · x_s / Σ_s w_st   over the sources s with a known x_s (and P_s),

    and y_t is kept only where coverage_t = Σ_s A_st / A_t (same sources) ≥ min_coverage.

    For a share of the residents (e.g. % unemployed) weighting by residents is exact in the
    sense that y_t equals the share obtained by carrying numerator and denominator as counts
    (:func:`interpolate_extensive`) and dividing: Σ P_s a_s x_s / Σ P_s a_s, a_s = A_st / A_s.

    Compared with PySAL tobler (``tobler.area_weighted.area_interpolate``, checked in
    ``tests/test_boundaries_tobler.py``): area weighting is tobler's intensive estimate
    Σ_s A_st x_s / Σ_k A_kt, equal to machine precision wherever a target has at least
    `min_coverage` known sources. It differs by design in three places: a source without a
    value is left out with its area (tobler reads it as 0 and keeps its area, which pulls the
    mean towards 0); a target covered less than `min_coverage` is NaN (tobler gives the mean
    of the sliver that is covered); a target with no overlap is NaN (tobler: 0). tobler has no
    weighting by residents; the test checks it as tobler's carried counts Σ P_s x_s a_s over
    Σ P_s a_s, as above.

    Examples
    --------
    >>> import pandas as pd
    >>> weights = pd.DataFrame({"source_id": ["A", "B"], "target_id": ["1", "1"],
    ...                         "area": [30.0, 10.0], "share_of_source": [1.0, 1.0],
    ...                         "share_of_target": [0.75, 0.25]})
    >>> shares = pd.Series({"A": 10.0, "B": 30.0})
    >>> float(interpolate_intensive(shares, weights)["1"])  # (30·10 + 10·30) / 40
    15.0
    >>> residents = pd.Series({"A": 100.0, "B": 300.0})
    >>> float(interpolate_intensive(shares, weights, weight_by=residents)["1"])
    25.0
    """
    check_weights(weights)
    if not 0 <= min_coverage <= 1:
        raise ValueError(f"min_coverage must be a share in [0, 1], got {min_coverage!r}.")
    frame = _by_source(values, "values")
    codes, index = _target_codes(weights, targets)
    sources = weights["source_id"].to_numpy()
    x = frame.reindex(sources).to_numpy()
    if weight_by is None:
        w = weights["area"].to_numpy(dtype=float)
    else:
        population = _by_source(weight_by, "weights (weight_by)").iloc[:, 0]
        if (population < 0).any():
            negative = population.index[(population < 0).to_numpy()]
            raise ValueError(f"weight_by must not be negative; quarters "
                             f"{', '.join(map(str, negative[:10]))} are.")
        w = population.reindex(sources).to_numpy() * weights["share_of_source"].to_numpy()
    known = np.isfinite(x) & np.isfinite(w)[:, None]
    w_known = np.where(known, np.nan_to_num(w)[:, None], 0.0)
    numerator = _sum_by_target(w_known * np.nan_to_num(x), codes, len(index))
    denominator = _sum_by_target(w_known, codes, len(index))
    coverage = _sum_by_target(np.where(known, weights["share_of_target"].to_numpy()[:, None],
                                       0.0), codes, len(index))
    usable = (denominator > 0) & (coverage > 0) & (coverage >= min_coverage - 1e-12)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(usable, numerator / np.where(usable, denominator, 1.0), np.nan)
    return _shaped(pd.DataFrame(mean, index=index, columns=frame.columns), values)

