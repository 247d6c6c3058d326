"""Two-step floating catchment area (2SFCA) accessibility and its distance-decay variants.

The two-step floating catchment method (Luo and Wang 2003) relates the supply of each facility
(places, doctors, or simply 1 per facility) to the demand that can reach it, and then adds up,
for each demand location, the supply-to-demand ratios of every facility it can reach. With a
distance-decay weight it becomes the enhanced 2SFCA (E2SFCA, Luo and Qi 2009).

Results and conventions are those of PySAL ``access`` (``Access.two_stage_fca`` and
``Access.enhanced_two_stage_fca``, version 1.1.10), which the tests compare against; the
computation itself is two sparse matrix-vector products on the pairs found with a k-d tree, so
it needs neither an all-pairs cost table nor a dense demand-by-supply matrix.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse
from scipy.spatial import cKDTree

from quartier.indicators.distance import check_same_crs, point_coordinates

__all__ = [
    "Decay",
    "gaussian_decay",
    "gravity_decay",
    "step_decay",
    "two_step_fca",
]

#: A distance-decay weight: takes an array of distances (metres), returns weights of the same
#: shape, finite and non-negative.
Decay = Callable[[np.ndarray], np.ndarray]

# The pair search uses a radius enlarged by this relative (and absolute, in metres) margin, so
# that rounding inside the tree cannot lose a pair; pairs are then kept by the exact test
# d <= max_distance on distances recomputed from the coordinates.
_SEARCH_MARGIN = 1e-9
# Demand points per chunk of the pair search (bounds the temporary memory of one search), and
# the fewest demand points worth a chunk of their own when spreading the search over threads.
_CHUNK = 250_000
_MIN_CHUNK = 2_000


# --------------------------------------------------------------------------------------------
# decay functions (definitions identical to access.weights)
# --------------------------------------------------------------------------------------------


def step_decay(steps: Mapping[float, float]) -> Decay:
    """Step-function distance decay, as ``access.weights.step_fn``.

    Parameters
    ----------
    steps : mapping of float to float
        Upper distance bound of each step (metres) to its weight, e.g.
        ``{500: 1.0, 1000: 0.68, 1500: 0.22}``. Weights must be non-negative.

    Returns
    -------
    callable
        ``w(d)`` for an array of distances.

    Notes
    -----
    With bounds sorted :math:`b_1 < b_2 < \\dots < b_k` and weights :math:`v_1, \\dots, v_k`,

    .. math:: w(d) = \\begin{cases} v_1 & d \\le b_1 \\\\
                                    v_m & b_{m-1} < d \\le b_m \\\\
                                    0   & d > b_k \\end{cases}

    Each bound belongs to its own step (``d <= b``), as in ``access``. Beyond the largest bound
    the weight is 0, but a pair within the catchment cut-off still counts as *reached* (a demand
    location whose facilities all have weight 0 gets access 0, not NaN).

    Examples
    --------
    >>> import numpy as np
    >>> w = step_decay({20: 1, 40: 0.68, 60: 0.22})
    >>> w(np.array([0, 10, 20, 30, 40, 50, 60, 70])).tolist()
    [1.0, 1.0, 1.0, 0.68, 0.68, 0.22, 0.22, 0.0]
    """
    if not isinstance(steps, Mapping):
        raise TypeError(f"steps must be a dict of distance bound -> weight, not {type(steps)}.")
    if len(steps) == 0:
        raise ValueError("steps must have at least one distance bound.")
    bounds = np.array(sorted(steps), dtype=np.float64)
    values = np.array([steps[b] for b in sorted(steps)], dtype=np.float64)
    if not np.isfinite(values).all() or (values < 0).any():
        raise ValueError("All step weights must be finite and non-negative.")
    if np.isnan(bounds).any():
        raise ValueError("Step bounds must not be NaN.")
    table = np.append(values, 0.0)

    def weight(distance: np.ndarray) -> np.ndarray:
        # first bound b with d <= b; past the last bound -> index k -> weight 0
        return table[np.searchsorted(bounds, np.asarray(distance, dtype=np.float64), "left")]

    return weight


def gaussian_decay(sigma: float) -> Decay:
    """Gaussian distance decay, as ``access.weights.gaussian``.

    Parameters
    ----------
    sigma : float
        Width in metres, > 0.

    Returns
    -------
    callable
        ``w(d)`` for an array of distances.

    Notes
    -----
    .. math:: w(d) = \\exp\\!\\Big(-\\frac{d^2}{2 \\sigma^2}\\Big)

    Not normalised (:math:`w(0) = 1`) and not truncated: it is never 0 inside the catchment,
    the cut-off ``max_distance`` of :func:`two_step_fca` alone decides which pairs count (as in
    ``access``, where ``max_cost`` applies along with the weight).

    Examples
    --------
    >>> import numpy as np
    >>> w = gaussian_decay(20)
    >>> np.round(w(np.array([0.0, 20.0, 40.0])), 6).tolist()
    [1.0, 0.606531, 0.135335]
    """
    sigma = float(sigma)
    if not np.isfinite(sigma) or sigma <= 0:
        raise ValueError(f"sigma must be a positive number of metres, not {sigma}.")
    denominator = 2.0 * sigma**2

    def weight(distance: np.ndarray) -> np.ndarray:
        d = np.asarray(distance, dtype=np.float64)
        return np.exp(-d * d / denominator)

    return weight


def gravity_decay(scale: float, alpha: float, min_distance: float = 0.0) -> Decay:
    """Gravity (power) distance decay, as ``access.weights.gravity``.

    Parameters
    ----------
    scale : float
        Distance that gets weight 1, in metres, > 0.
    alpha : float
        Exponent; **not** implicitly negative: pass e.g. ``-1`` or ``-2`` for a decay.
    min_distance : float, default 0
        Distances below it count as ``min_distance``. With ``alpha < 0`` a facility at distance
        0 would otherwise get an infinite weight, which :func:`two_step_fca` rejects: set a
        ``min_distance`` > 0 (e.g. 50 m, half a grid cell) when demand and supply can coincide.

    Returns
    -------
    callable
        ``w(d)`` for an array of distances.

    Notes
    -----
    .. math:: w(d) = \\Big(\\frac{\\max(d, d_{min})}{s}\\Big)^{\\alpha}

    Examples
    --------
    >>> import numpy as np
    >>> w = gravity_decay(scale=20, alpha=-2, min_distance=1)
    >>> np.round(w(np.array([0.0, 1.0, 2.0, 20.0, 40.0])), 2).tolist()
    [400.0, 400.0, 100.0, 1.0, 0.25]
    """
    scale, alpha, min_distance = float(scale), float(alpha), float(min_distance)
    if not np.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be a positive number of metres, not {scale}.")
    if not np.isfinite(alpha):
        raise ValueError(f"alpha must be finite, not {alpha}.")
    if not np.isfinite(min_distance) or min_distance < 0:
        raise ValueError(f"min_distance must be a non-negative number, not {min_distance}.")

    def weight(distance: np.ndarray) -> np.ndarray:
        d = np.maximum(np.asarray(distance, dtype=np.float64), min_distance)
        with np.errstate(divide="ignore"):
            return np.power(d / scale, alpha)

    return weight


# --------------------------------------------------------------------------------------------
# pairs within reach
# --------------------------------------------------------------------------------------------


def decay_weights(distance: np.ndarray, decay: Decay | None) -> np.ndarray:
    """w(d) for pairs in reach (1 without a decay), checked to be finite and non-negative."""
    if decay is None:
        return np.ones(len(distance), dtype=np.float64)
    weight = np.asarray(decay(distance), dtype=np.float64)
    if weight.shape != distance.shape:
        raise ValueError(
            f"decay returned shape {weight.shape} for distances of shape {distance.shape}; it "
            "must work element-wise on an array."
        )
    if not np.isfinite(weight).all() or (weight < 0).any():
        raise ValueError(
            "decay returned weights that are negative, NaN or infinite (a gravity decay "
            "with alpha < 0 at distance 0? give it a min_distance > 0)."
        )
    return weight


def pairs_within(
    demand_xy: np.ndarray, supply_xy: np.ndarray, max_distance: float, workers: int = -1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All (demand i, supply j, distance d) with d <= max_distance, in no particular order.

    ``d`` is the float64 Euclidean distance as computed by
    :meth:`scipy.spatial.cKDTree.sparse_distance_matrix` (square root of the summed squared
    coordinate differences). The demand points are searched in chunks, several at a time on
    ``workers`` threads (the tree search releases the GIL), so that the temporary memory stays
    bounded by the chunks in flight; the result needs 16 bytes per pair (int32 positions,
    float64 distance), or 20 bytes per pair with 2**31 demand points or more.
    """
    n_demand = len(demand_xy)
    index_type = np.int32 if n_demand < np.iinfo(np.int32).max else np.int64
    empty = (np.empty(0, index_type), np.empty(0, np.int32), np.empty(0, np.float64))
    if n_demand == 0 or len(supply_xy) == 0:
        return empty
    radius = max_distance * (1.0 + _SEARCH_MARGIN) + _SEARCH_MARGIN
    supply_tree = cKDTree(supply_xy)
    n_workers = (os.cpu_count() or 1) if workers == -1 else max(1, int(workers))
    n_chunks = max(-(-n_demand // _CHUNK), min(n_workers, n_demand // _MIN_CHUNK))
    bounds = np.linspace(0, n_demand, max(n_chunks, 1) + 1).astype(np.int64)

    def search(start: int, stop: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        tree = cKDTree(demand_xy[start:stop])
        found = tree.sparse_distance_matrix(supply_tree, radius, output_type="ndarray")
        d = found["v"]
        keep = d <= max_distance  # the exact, inclusive cut-off
        i = found["i"][keep].astype(index_type)
        if start:
            i += start
        return i, found["j"][keep].astype(np.int32), d[keep]

    if len(bounds) == 2 or n_workers == 1:
        parts = [search(a, b) for a, b in itertools.pairwise(bounds)]
    else:
        with ThreadPoolExecutor(max_workers=n_workers) as pool:
            parts = list(pool.map(search, bounds[:-1], bounds[1:]))
    if len(parts) == 1:
        return parts[0]
    return tuple(np.concatenate(column) for column in zip(*parts, strict=True))  # type: ignore


# --------------------------------------------------------------------------------------------
# 2SFCA
# --------------------------------------------------------------------------------------------


def column_values(frame: gpd.GeoDataFrame, column: str | None, what: str) -> np.ndarray:
    """A column as non-negative float64 (ones without a column); ``what`` names the input.

    Raises KeyError for a missing column and ValueError for missing, negative or infinite values.
    """
    if column is None:
        return np.ones(len(frame), dtype=np.float64)
    if column not in frame.columns:
        raise KeyError(f"{what} has no column {column!r}; columns: {list(frame.columns)}.")
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float64,
                                                                     na_value=np.nan)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        raise ValueError(
            f"{what}[{column!r}] must be finite and non-negative numbers; {int(bad.sum())} "
            "values are missing, not numeric, infinite or negative (fill or drop them first)."
        )
    return values


def two_step_fca(
    demand: gpd.GeoDataFrame,
    supply: gpd.GeoDataFrame,
    max_distance: float,
    *,
    demand_column: str,
    supply_column: str | None = None,
    decay: Decay | None = None,
    workers: int = -1,
) -> pd.Series:
    """Two-step floating catchment accessibility (2SFCA; E2SFCA with a decay).

    Parameters
    ----------
    demand : GeoDataFrame
        Demand locations (populated cells, address points) as points.
    supply : GeoDataFrame
        Facilities as points, in the same projected metric CRS as ``demand`` (a geographic CRS
        or a mismatch raises ValueError).
    max_distance : float
        Catchment cut-off :math:`d_0` in metres (straight line), inclusive.
    demand_column : str
        Column of ``demand`` with the demand :math:`P_i` (e.g. residents of the reference age
        group); finite and non-negative.
    supply_column : str or None, default None
        Column of ``supply`` with the supply :math:`S_j` (e.g. places); finite and
        non-negative. None counts each facility as 1.
    decay : callable or None, default None
        Distance-decay weight :math:`w(d)`: None for plain 2SFCA (:math:`w \\equiv 1`), or one
        of :func:`step_decay`, :func:`gaussian_decay`, :func:`gravity_decay`, or any callable
        that maps an array of distances (metres) to an array of finite, non-negative weights of
        the same shape.
    workers : int, default -1
        Threads for the neighbour search (-1: all cores).

    Returns
    -------
    Series of float64
        Accessibility :math:`A_i`, indexed like ``demand``, named ``"access"``; in units of
        supply per unit of demand (e.g. places per resident). NaN where a demand location
        reaches no facility within ``max_distance``.

    Notes
    -----
    With distance :math:`d_{ij} = \\sqrt{(x_i - x_j)^2 + (y_i - y_j)^2}` between demand location
    :math:`i` and facility :math:`j`, and :math:`N_j = \\{i : d_{ij} \\le d_0\\}`,
    :math:`N_i = \\{j : d_{ij} \\le d_0\\}`:

    step 1, for each facility :math:`j`:

    .. math:: R_j = \\frac{S_j}{\\sum_{i \\in N_j} w(d_{ij}) \\, P_i}

    step 2, for each demand location :math:`i`:

    .. math:: A_i = \\sum_{j \\in N_i} w(d_{ij}) \\, R_j

    Both steps use the same weight (as in ``access``). Conventions, identical to PySAL
    ``access`` 1.1.10 (``two_stage_fca`` / ``enhanced_two_stage_fca`` with ``max_cost`` =
    :math:`d_0`):

    - the cut-off is inclusive (``cost <= max_cost``); a pair counts as *reached* even where
      its weight is 0 (e.g. beyond the last step of a step decay);
    - :math:`A_i` is NaN if :math:`N_i` is empty;
    - a facility whose weighted demand in reach is 0 (only residents with :math:`P_i = 0`, or
      weight 0) gets :math:`R_j = S_j / 0`: :math:`+\\infty` if :math:`S_j > 0`, NaN if
      :math:`S_j = 0`. In step 2 a term :math:`w(d_{ij}) R_j` that is NaN (:math:`R_j` NaN,
      or :math:`0 \\cdot \\infty`) is left out of the sum (pandas' ``sum`` skips NaN) and an
      infinite term makes :math:`A_i = +\\infty`. Only demand locations with :math:`P_i = 0`
      (or weight 0) can get such a value, so population-weighted summaries are unaffected
      when they leave out zero-population cells.

    Conservation: if every facility has weighted demand > 0 in reach,
    :math:`\\sum_i P_i A_i = \\sum_j S_j` over the facilities reached (with :math:`A_i` NaN
    counted as 0).

    Distances and the cut-off: pairs are found with
    :meth:`scipy.spatial.cKDTree.sparse_distance_matrix` within
    :math:`d_0 (1 + 10^{-9}) + 10^{-9}` m, then kept by the exact test :math:`d_{ij} \\le d_0` on
    the float64 distance the tree reports (the formula above, as
    :func:`scipy.spatial.distance.cdist` and :func:`~quartier.indicators.distance.nearest_distance`
    compute it), so a pair exactly at :math:`d_0` is included. Memory: 16 bytes per pair within
    reach (a COO sparse matrix :math:`W_{ij} = w(d_{ij})`), no dense matrix; step 1 is
    :math:`W^T P`, step 2 is :math:`W R`.

    Examples
    --------
    Three residents' cells and two facilities on a line (metres):

    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> demand = gpd.GeoDataFrame({"pop": [100, 200, 50]},
    ...     geometry=[Point(0, 0), Point(1000, 0), Point(5000, 0)], crs="EPSG:25832")
    >>> supply = gpd.GeoDataFrame({"places": [30, 20]},
    ...     geometry=[Point(500, 0), Point(1500, 0)], crs="EPSG:25832")
    >>> two_step_fca(demand, supply, 1000, demand_column="pop",
    ...              supply_column="places").round(4).tolist()
    [0.1, 0.2, nan]
    """
    d0 = check_fca_arguments(demand, supply, max_distance, decay)
    demand_xy, demand_crs = point_coordinates(demand, "demand")
    supply_xy, supply_crs = point_coordinates(supply, "supply")
    check_same_crs(demand_crs, supply_crs, "demand", "supply")
    population = column_values(demand, demand_column, "demand")
    capacity = column_values(supply, supply_column, "supply")

    access = _two_step_fca_arrays(demand_xy, population, supply_xy, capacity, d0, decay,
                                  workers)
    return pd.Series(access, index=demand.index, name="access", dtype=np.float64)


def check_fca_arguments(demand: object, supply: object, max_distance: object,
                        decay: object) -> float:
    """The cut-off as a float, after checking the arguments common to every 2SFCA."""
    if not isinstance(demand, gpd.GeoDataFrame) or not isinstance(supply, gpd.GeoDataFrame):
        raise TypeError("demand and supply must be GeoDataFrames of points.")
    try:
        d0 = float(max_distance)  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"max_distance must be a number of metres, not {max_distance!r}."
        ) from error
    if not np.isfinite(d0) or d0 < 0:
        raise ValueError(f"max_distance must be a finite, non-negative number, not {d0}.")
    if decay is not None and not callable(decay):
        raise TypeError("decay must be None or a callable w(distances) -> weights.")
    return d0


def _two_step_fca_arrays(
    demand_xy: np.ndarray,
    population: np.ndarray,
    supply_xy: np.ndarray,
    capacity: np.ndarray,
    max_distance: float,
    decay: Decay | None,
    workers: int = -1,
) -> np.ndarray:
    """2SFCA on coordinate arrays; see :func:`two_step_fca`."""
    i, j, d = pairs_within(demand_xy, supply_xy, max_distance, workers)
    return access_from_pairs(i, j, d, population, capacity, decay)


def access_from_pairs(
    i: np.ndarray,
    j: np.ndarray,
    d: np.ndarray,
    population: np.ndarray,
    capacity: np.ndarray,
    decay: Decay | None,
) -> np.ndarray:
    """2SFCA steps 1 and 2 on the pairs (demand i, supply j, distance d) within the cut-off."""
    n_demand, n_supply = len(population), len(capacity)
    if n_supply == 0:  # the products below would give a scalar
        return np.full(n_demand, np.nan, dtype=np.float64)
    weight = decay_weights(d, decay)
    del d
    # W[i, j] = w(d_ij) for every pair in reach, in COO form; explicit zeros are kept (a pair
    # of weight 0 is still 'reached'), and the products below never sum duplicates or sort.
    reached = np.bincount(i, minlength=n_demand) > 0
    w_matrix = scipy.sparse.coo_array((weight, (i, j)), shape=(n_demand, n_supply))
    del i, j, weight

    # step 1: weighted demand in reach of each facility, and the supply-to-demand ratio
    # np.atleast_1d: scipy gives a scalar for a 1 x 1 matrix times a vector
    demand_in_reach = np.atleast_1d(w_matrix.T @ population)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = capacity / demand_in_reach  # S/0 -> inf (S > 0) or NaN (S = 0), as in access

    # step 2: sum of weighted ratios; NaN terms are skipped and inf terms propagate (access)
    finite = np.isfinite(ratio)
    access = np.atleast_1d(w_matrix @ np.where(finite, ratio, 0.0))
    if not finite.all():
        infinite = np.isposinf(ratio)
        if infinite.any():
            # weights are >= 0, so this is > 0 exactly where some w_ij > 0 meets R_j = inf
            hits = np.atleast_1d(w_matrix @ infinite.astype(np.float64))
            access[hits > 0] = np.inf
    access[~reached] = np.nan
    return access
