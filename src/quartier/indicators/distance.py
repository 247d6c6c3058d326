"""Straight-line distance to the nearest facility, and its summaries per quarter.

Every populated cell (or address point) gets the straight-line distance to the nearest facility
of a category; per quarter the report shows the population-weighted median of that distance and
the *coverage*, the share of the reference population within the distance a standard asks for
(BBSR: everyday services within 1,000 m straight line).

All functions are vectorised: the nearest neighbour comes from a k-d tree
(:class:`scipy.spatial.cKDTree`), the summaries per group from one sort and cumulative sums, with
no Python loop over cells or groups.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

__all__ = [
    "coverage",
    "coverage_by_group",
    "nearest_distance",
    "nearest_index",
    "weighted_median_by_group",
]


# --------------------------------------------------------------------------------------------
# input handling, shared with quartier.indicators.catchment
# --------------------------------------------------------------------------------------------


def check_metric_crs(crs: Any, what: str) -> None:
    """Raise ValueError unless ``crs`` is None or a projected CRS in metres."""
    if crs is None:
        return
    if crs.is_geographic:
        raise ValueError(
            f"{what} is in a geographic CRS ({crs.to_string()}, degrees); distances need a "
            "projected metric CRS: reproject first, e.g. with .to_crs('EPSG:25832')."
        )
    units = {axis.unit_name.lower() for axis in crs.axis_info}
    if not crs.is_projected or not units <= {"metre", "meter"}:
        raise ValueError(
            f"{what} is in a CRS whose units are not metres ({crs.to_string()}, units "
            f"{sorted(units)}); reproject first, e.g. with .to_crs('EPSG:25832')."
        )


def point_coordinates(points: Any, what: str) -> tuple[np.ndarray, Any]:
    """(n, 2) float64 coordinates and the CRS (None for arrays) of points or a coordinate array."""
    if isinstance(points, gpd.GeoDataFrame | gpd.GeoSeries):
        geometry = points.geometry.to_numpy()
        crs = points.crs
        check_metric_crs(crs, what)
        if len(geometry) == 0:
            return np.empty((0, 2), dtype=np.float64), crs
        missing = shapely.is_missing(geometry) | shapely.is_empty(geometry)
        if missing.any():
            raise ValueError(
                f"{what} has {int(missing.sum())} missing or empty geometries; drop them first."
            )
        kinds = shapely.get_type_id(geometry)
        if (kinds != shapely.GeometryType.POINT).any():
            raise ValueError(
                f"{what} must hold points only; convert polygons first, e.g. with "
                ".representative_point() or .centroid."
            )
        xy = np.column_stack([shapely.get_x(geometry), shapely.get_y(geometry)])
        return np.ascontiguousarray(xy, dtype=np.float64), crs
    try:
        xy = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{what} must be a GeoSeries, a GeoDataFrame or an (n, 2) array of coordinates, "
            f"not {type(points).__name__}."
        ) from error
    if xy.ndim == 1 and xy.size == 0:
        xy = xy.reshape(0, 2)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ValueError(f"{what} must have shape (n, 2), not {xy.shape}.")
    if not np.isfinite(xy).all():
        raise ValueError(f"{what} holds coordinates that are NaN or infinite.")
    return np.ascontiguousarray(xy), None


def check_same_crs(crs_a: Any, crs_b: Any, what_a: str, what_b: str) -> None:
    """Raise ValueError if two inputs with CRS information disagree.

    Arrays carry no CRS (None) and are taken to be in the CRS of the other input. Two
    GeoSeries/GeoDataFrames must both have no CRS or the same CRS.
    """
    if crs_a is None and crs_b is None:
        return
    if crs_a is None or crs_b is None or not crs_a.equals(crs_b):
        name_a = "no CRS" if crs_a is None else crs_a.to_string()
        name_b = "no CRS" if crs_b is None else crs_b.to_string()
        raise ValueError(
            f"{what_a} ({name_a}) and {what_b} ({name_b}) must be in the same projected CRS; "
            "reproject one of them with .to_crs() first."
        )


def _paired_coordinates(
    origins: Any, targets: Any, what_a: str = "origins", what_b: str = "targets"
) -> tuple[np.ndarray, np.ndarray]:
    xy_a, crs_a = point_coordinates(origins, what_a)
    xy_b, crs_b = point_coordinates(targets, what_b)
    if isinstance(origins, gpd.GeoDataFrame | gpd.GeoSeries) and isinstance(
        targets, gpd.GeoDataFrame | gpd.GeoSeries
    ):
        check_same_crs(crs_a, crs_b, what_a, what_b)
    return xy_a, xy_b


def _as_float_array(values: Any, what: str, n: int | None = None) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional, not of shape {array.shape}.")
    if n is not None and len(array) != n:
        raise ValueError(f"{what} has {len(array)} values, expected {n}.")
    return array


def as_weights(weights: Any, n: int) -> np.ndarray:
    """``n`` weights as float64; ValueError unless all are finite and non-negative."""
    array = _as_float_array(weights, "weights", n)
    if not np.isfinite(array).all() or (array < 0).any():
        raise ValueError("weights must be finite and non-negative.")
    return array


def group_codes(groups: Any, n: int) -> tuple[np.ndarray, pd.Index]:
    """Integer codes 0..G-1 (-1 for missing labels) and the sorted group labels."""
    if not hasattr(groups, "__len__"):
        raise TypeError("groups must be a sequence of labels, one per value.")
    if len(groups) != n:
        raise ValueError(f"groups has {len(groups)} labels, expected {n}.")
    if not isinstance(groups, pd.Series | pd.Index | np.ndarray | pd.api.extensions.ExtensionArray):
        groups = pd.Series(list(groups))
    codes, labels = pd.factorize(groups, sort=True)
    labels = pd.Index(labels, name=groups.name if isinstance(groups, pd.Series) else None)
    return np.asarray(codes, dtype=np.int64), labels


# --------------------------------------------------------------------------------------------
# nearest distance
# --------------------------------------------------------------------------------------------


def nearest_index(
    origins: Any, targets: Any, *, workers: int = -1
) -> tuple[np.ndarray, np.ndarray]:
    """Distance to, and position of, the nearest target for each origin.

    Parameters
    ----------
    origins, targets : GeoSeries, GeoDataFrame or array of shape (n, 2)
        Points. GeoSeries/GeoDataFrames must be in the same projected CRS in metres (a
        geographic CRS or a mismatch raises ValueError); coordinate arrays are taken to be in
        metres, in the CRS of the other input.
    workers : int, default -1
        Threads for the k-d tree query (-1: all cores).

    Returns
    -------
    distances : ndarray of float64, shape (n_origins,)
        Straight-line distance in metres; ``inf`` for every origin when there are no targets.
    indices : ndarray of int64, shape (n_origins,)
        Position (0-based, not the index label) of the nearest target in ``targets``. Where
        there is no target the position is ``len(targets)``, as in
        :meth:`scipy.spatial.cKDTree.query`, so that using it raises IndexError. Among targets at
        the same distance any one may be returned.

    Notes
    -----
    With origin :math:`o` and targets :math:`t_1, \\dots, t_m`,

    .. math:: d(o) = \\min_j \\sqrt{(x_o - x_{t_j})^2 + (y_o - y_{t_j})^2},
              \\qquad d(o) = \\infty \\text{ if } m = 0.

    The nearest target comes from :class:`scipy.spatial.cKDTree`; the distance is then
    recomputed from the coordinates with the formula above in float64 (as
    :func:`scipy.spatial.distance.cdist` computes it), so that a distance exactly at a standard's
    threshold compares the same way here and in :mod:`quartier.indicators.catchment`.

    Examples
    --------
    >>> import numpy as np
    >>> d, j = nearest_index(np.array([[0.0, 0.0], [900.0, 0.0]]),
    ...                      np.array([[300.0, 400.0], [1000.0, 0.0]]))
    >>> d.tolist(), j.tolist()
    ([500.0, 100.0], [0, 1])
    """
    xy_o, xy_t = _paired_coordinates(origins, targets)
    n_targets = len(xy_t)
    if n_targets == 0 or len(xy_o) == 0:
        return (
            np.full(len(xy_o), np.inf, dtype=np.float64),
            np.full(len(xy_o), n_targets, dtype=np.int64),
        )
    tree = cKDTree(xy_t)
    _, index = tree.query(xy_o, k=1, workers=workers)
    index = np.asarray(index, dtype=np.int64)
    dx = xy_o[:, 0] - xy_t[index, 0]
    dy = xy_o[:, 1] - xy_t[index, 1]
    distance = np.sqrt(dx * dx + dy * dy)
    return distance, index


def nearest_distance(origins: Any, targets: Any, *, workers: int = -1) -> np.ndarray:
    """Straight-line distance in metres from each origin to the nearest target.

    Parameters
    ----------
    origins, targets : GeoSeries, GeoDataFrame or array of shape (n, 2)
        Points, see :func:`nearest_index`.
    workers : int, default -1
        Threads for the k-d tree query (-1: all cores).

    Returns
    -------
    ndarray of float64, shape (n_origins,)
        In the order of ``origins``; all ``inf`` when ``targets`` is empty (no facility of the
        category: nobody is covered at any distance).

    Notes
    -----
    .. math:: d(o) = \\min_j \\sqrt{(x_o - x_{t_j})^2 + (y_o - y_{t_j})^2}

    Examples
    --------
    >>> import numpy as np
    >>> nearest_distance(np.array([[0.0, 0.0], [900.0, 0.0]]),
    ...                  np.array([[300.0, 400.0], [1000.0, 0.0]])).tolist()
    [500.0, 100.0]
    >>> nearest_distance(np.array([[0.0, 0.0]]), np.empty((0, 2))).tolist()
    [inf]
    """
    return nearest_index(origins, targets, workers=workers)[0]


# --------------------------------------------------------------------------------------------
# summaries: coverage and weighted median
# --------------------------------------------------------------------------------------------


def coverage(distances: Any, weights: Any, max_distance: float) -> float:
    """Share of the weight (population) within ``max_distance`` (inclusive).

    Parameters
    ----------
    distances : array-like of float
        Distance of each cell to the nearest facility, e.g. from :func:`nearest_distance`;
        ``inf`` (no facility) counts as not covered, NaN raises ValueError.
    weights : array-like of float
        Reference population of each cell; finite and non-negative.
    max_distance : float
        Distance the standard asks for, in metres.

    Returns
    -------
    float
        Between 0 and 1; NaN when the total weight is zero.

    Notes
    -----
    .. math:: C = \\frac{\\sum_i w_i \\,[d_i \\le d_{max}]}{\\sum_i w_i}

    Examples
    --------
    >>> coverage([200.0, 800.0, 1000.0, 1500.0], [10, 20, 30, 40], 1000.0)
    0.6
    """
    d = _as_float_array(distances, "distances")
    w = as_weights(weights, len(d))
    _check_distances(d)
    total = w.sum()
    if total == 0:
        return float("nan")
    return float(w[d <= max_distance].sum() / total)


def _check_distances(d: np.ndarray) -> None:
    if np.isnan(d).any():
        raise ValueError("distances must not be NaN (use inf for 'no facility').")


def coverage_by_group(
    distances: Any, weights: Any, groups: Any, max_distance: float
) -> pd.Series:
    """Share of the weight within ``max_distance`` (inclusive), per group (quarter).

    Parameters
    ----------
    distances : array-like of float
        Distance of each cell to the nearest facility; ``inf`` counts as not covered, NaN
        raises ValueError.
    weights : array-like of float
        Reference population of each cell; finite and non-negative.
    groups : array-like
        Group label (e.g. ``quarter_id``) of each cell. Cells with a missing label (None/NaN)
        are left out.
    max_distance : float
        Distance the standard asks for, in metres.

    Returns
    -------
    Series of float64
        Indexed by the sorted group labels that occur in ``groups`` (index name taken from
        ``groups`` if it is a named Series), named ``"coverage"``; NaN for a group whose total
        weight is zero.

    Notes
    -----
    For group :math:`g`,

    .. math:: C_g = \\frac{\\sum_{i \\in g} w_i \\,[d_i \\le d_{max}]}{\\sum_{i \\in g} w_i}

    Examples
    --------
    >>> coverage_by_group([200.0, 800.0, 1500.0, 50.0], [10, 30, 60, 0], ["a", "a", "b", "c"],
    ...                   1000.0).to_dict()
    {'a': 1.0, 'b': 0.0, 'c': nan}
    """
    d = _as_float_array(distances, "distances")
    w = as_weights(weights, len(d))
    _check_distances(d)
    codes, labels = group_codes(groups, len(d))
    keep = codes >= 0
    if not keep.all():
        codes, d, w = codes[keep], d[keep], w[keep]
    n_groups = len(labels)
    total = np.bincount(codes, weights=w, minlength=n_groups)
    covered = np.bincount(codes, weights=np.where(d <= max_distance, w, 0.0), minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, covered / total, np.nan)
    return pd.Series(share, index=labels, name="coverage", dtype=np.float64)


def weighted_median_by_group(values: Any, weights: Any, groups: Any) -> pd.Series:
    """Weighted (lower) median of ``values`` per group, e.g. population-weighted distance.

    Parameters
    ----------
    values : array-like of float
        Value of each cell, e.g. distance to the nearest facility (``inf`` allowed, NaN raises
        ValueError).
    weights : array-like of float
        Weight of each cell, e.g. its population; finite and non-negative.
    groups : array-like
        Group label (e.g. ``quarter_id``) of each cell. Cells with a missing label (None/NaN)
        are left out.

    Returns
    -------
    Series of float64
        Indexed by the sorted group labels that occur in ``groups`` (index name taken from
        ``groups`` if it is a named Series), named ``"median"``; NaN for a group whose total
        weight is zero.

    Notes
    -----
    The *lower weighted median* of group :math:`g` with total weight
    :math:`W_g = \\sum_{i \\in g} w_i > 0` is the smallest value whose cumulative weight reaches
    half the total:

    .. math:: m_g = \\min \\Big\\{ v_k : k \\in g,\\ \\sum_{i \\in g,\\ v_i \\le v_k} w_i
              \\ge \\tfrac{1}{2} W_g \\Big\\}

    Half the residents of the group live at a value of at most :math:`m_g`. It is always one of
    the values of the group (no interpolation); with equal weights and an even count it is the
    lower of the two middle values. Cells of weight zero never move it.

    Computation: one sort by (group, value), a cumulative sum of the weights, and per group the
    first position where the within-group cumulative sum reaches :math:`W_g / 2`; no loop over
    groups. The within-group cumulative sums are differences of one global cumulative sum, exact
    for integer weights (below :math:`2^{53}`) and otherwise exact up to rounding.

    Examples
    --------
    >>> weighted_median_by_group([100.0, 300.0, 200.0, 900.0], [1, 1, 1, 5],
    ...                          ["a", "a", "b", "b"]).to_dict()
    {'a': 100.0, 'b': 900.0}
    """
    v = _as_float_array(values, "values")
    w = as_weights(weights, len(v))
    if np.isnan(v).any():
        raise ValueError("values must not be NaN.")
    codes, labels = group_codes(groups, len(v))
    keep = codes >= 0
    if not keep.all():
        codes, v, w = codes[keep], v[keep], w[keep]
    n_groups = len(labels)
    result = np.full(n_groups, np.nan, dtype=np.float64)
    if len(v) == 0:
        return pd.Series(result, index=labels, name="median", dtype=np.float64)

    # sort by (group, value): by value first, then a stable sort by group (a radix sort while
    # the group codes fit 16 bits); several times faster than np.lexsort
    by_value = np.argsort(v)
    code_type = np.uint16 if n_groups <= 1 << 16 else np.int64
    order = by_value[np.argsort(codes[by_value].astype(code_type), kind="stable")]
    sorted_codes = codes[order]
    sorted_values = v[order]
    cumulative = np.cumsum(w[order])
    counts = np.bincount(codes, minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    before = np.concatenate(([0.0], cumulative))[starts]  # weight of all earlier groups
    total = cumulative[starts + counts - 1] - before
    within = cumulative - before[sorted_codes]
    # `within` is non-decreasing inside a group: positions below half the total come first.
    below = within < 0.5 * total[sorted_codes]
    first = starts + np.bincount(sorted_codes, weights=below, minlength=n_groups).astype(np.int64)
    first = np.minimum(first, starts + counts - 1)
    has_weight = (counts > 0) & (total > 0)
    result[has_weight] = sorted_values[first[has_weight]]
    return pd.Series(result, index=labels, name="median", dtype=np.float64)
