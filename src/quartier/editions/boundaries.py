"""Carrying values across boundary changes: area-weighted interpolation between quarter sets.

When the quarters of two editions differ (a quarter split, two merged, a boundary moved), the
older edition's values are re-expressed on the current quarters before they are compared:

* :func:`boundary_changes` / :func:`boundaries_changed` tell whether the quarters changed at
  all (ids only in one edition, geometries that moved by more than a small share of area);
* :func:`area_weights` intersects the two sets of quarters and gives, per overlapping pair, the
  intersection area and its share of the source and of the target quarter;
* :func:`interpolate_extensive` carries counts (residents, facilities, places) by the share of
  the source quarter, :func:`interpolate_intensive` carries rates, shares and indices as a mean
  weighted by intersection area or by residents;
* :func:`carry_indicators` and :func:`carry_status` do this for the tidy indicator table and
  the social index of a stored edition.

Every function assumes, as areal interpolation always does, that what is counted is spread
evenly over each source quarter. Values carried this way are estimates; the report says so.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

__all__ = [
    "DEFAULT_MIN_COVERAGE",
    "DEFAULT_TOLERANCE",
    "EXTENSIVE_INDICATORS",
    "WEIGHT_COLUMNS",
    "BoundaryChanges",
    "area_weights",
    "boundaries_changed",
    "boundary_changes",
    "carry_indicators",
    "carry_status",
    "interpolate_extensive",
    "interpolate_intensive",
]

#: Share of area (symmetric difference over union) below which a quarter counts as unchanged:
#: 0.1 %, well above the noise of reprojecting or rounding coordinates.
DEFAULT_TOLERANCE = 0.001
#: Share of a target quarter's area that must be covered by sources with a known value for an
#: intensive value to be carried (see :func:`interpolate_intensive`).
DEFAULT_MIN_COVERAGE = 0.5
#: Indicators of the tidy results table that are counts (sums over the quarter) and are carried
#: by share of source area; every other indicator is a rate, share, distance or index.
EXTENSIVE_INDICATORS = ("residents", "population", "count", "capacity")
#: Columns of the table returned by :func:`area_weights`.
WEIGHT_COLUMNS = ["source_id", "target_id", "area", "share_of_source", "share_of_target"]

_ID = "quarter_id"
_TIDY_COLUMNS = ["quarter_id", "field", "category", "indicator", "value", "unit",
                 "reference_group", "target", "status", "basis"]
# Group key of the rows without a category (residents, social index); not "\0", which numpy
# strips from strings.
_NO_CATEGORY = "<no category>"
# Columns of the social index that are kept as they are (the same for every quarter).
_STATUS_CONSTANT = ("year",)


# --------------------------------------------------------------------------------------------
# input checks


def _check_quarters(quarters: gpd.GeoDataFrame, role: str) -> None:
    """Raise a clear error when `quarters` breaks the quarters contract."""
    if not isinstance(quarters, gpd.GeoDataFrame):
        raise TypeError(f"The {role} quarters must be a GeoDataFrame, not "
                        f"{type(quarters).__name__}.")
    if _ID not in quarters.columns:
        raise ValueError(f"The {role} quarters have no column '{_ID}' (columns: "
                         f"{', '.join(map(str, quarters.columns))}); rename the id column to "
                         f"'{_ID}'.")
    ids = quarters[_ID]
    if ids.isna().any():
        rows = [str(i) for i in quarters.index[ids.isna().to_numpy()][:5]]
        raise ValueError(f"The {role} quarters have rows without '{_ID}' (rows "
                         f"{', '.join(rows)}); give every quarter an id.")
    duplicated = ids[ids.duplicated(keep=False)]
    if len(duplicated):
        names = sorted(set(map(str, duplicated)))
        raise ValueError(f"The {role} quarters have duplicate ids in '{_ID}': "
                         f"{', '.join(names[:10])}; each quarter needs its own id.")
    geometry = quarters.geometry.to_numpy()
    empty = shapely.is_missing(geometry) | shapely.is_empty(geometry)
    if empty.any():
        names = [str(i) for i in ids.to_numpy()[empty][:10]]
        raise ValueError(f"The {role} quarters {', '.join(names)} have no geometry; add their "
                         "boundaries or leave them out.")
    polygonal = np.isin(shapely.get_type_id(geometry), (3, 6))  # Polygon, MultiPolygon
    if not polygonal.all():
        names = [str(i) for i in ids.to_numpy()[~polygonal][:10]]
        raise ValueError(f"The {role} quarters {', '.join(names)} are not polygons; quarters "
                         "need (multi)polygon boundaries.")


def _aligned(source: gpd.GeoDataFrame, target: gpd.GeoDataFrame
             ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Both quarter sets in one projected CRS (the source's, else the target's)."""
    if source.crs is None and target.crs is None:
        return source, target
    if source.crs is None or target.crs is None:
        which = "previous (source)" if source.crs is None else "current (target)"
        raise ValueError(f"The {which} quarters have no CRS while the others have "
                         f"{source.crs or target.crs}; set it with .set_crs() first.")
    source_crs, target_crs = CRS.from_user_input(source.crs), CRS.from_user_input(target.crs)
    if source_crs.is_projected:
        if not target_crs.equals(source_crs):
            target = target.to_crs(source_crs)
        return source, target
    if target_crs.is_projected:
        return source.to_crs(target_crs), target
    raise ValueError(f"Neither set of quarters is in a projected CRS ({source_crs.name}, "
                     f"{target_crs.name}); areas in degrees cannot weight anything. Reproject "
                     "both to a metric CRS, e.g. .to_crs('EPSG:25832').")


def _valid(geometry: np.ndarray) -> np.ndarray:
    """The geometries with invalid ones repaired by ``make_valid``."""
    invalid = ~shapely.is_valid(geometry)
    if invalid.any():
        geometry = geometry.copy()
        geometry[invalid] = shapely.make_valid(geometry[invalid])
    return geometry


def _check_weights(weights: pd.DataFrame) -> None:
    missing = [c for c in WEIGHT_COLUMNS if c not in weights.columns]
    if missing:
        raise ValueError(f"The weights lack the columns {', '.join(missing)}; build them with "
                         "area_weights(source, target).")


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
    result.index.name = _ID
    if isinstance(values, pd.Series):
        return result.iloc[:, 0].rename(values.name)
    return result


def _target_codes(weights: pd.DataFrame, targets: Sequence | pd.Index | None
                  ) -> tuple[np.ndarray, pd.Index]:
    """Position of each pair's target in the output index (−1 for targets left out)."""
    index = pd.Index(pd.unique(weights["target_id"]) if targets is None else targets,
                     name=_ID)
    return index.get_indexer(weights["target_id"]), index


def _sum_by_target(contributions: np.ndarray, codes: np.ndarray, n: int) -> np.ndarray:
    """Σ of `contributions` (pairs × columns) per target code; rows with code −1 are dropped."""
    keep = codes >= 0
    out = np.zeros((n, contributions.shape[1]))
    np.add.at(out, codes[keep], contributions[keep])
    return out


# --------------------------------------------------------------------------------------------
# did the boundaries change?


@dataclass(frozen=True)
class BoundaryChanges:
    """How the quarters of two editions differ.

    Attributes
    ----------
    only_previous : tuple of str
        Quarter ids of the previous edition that the current one no longer has.
    only_current : tuple of str
        Quarter ids that are new in the current edition.
    change : Series
        For every id in both editions, the share of area that differs,
        area(A △ B) / area(A ∪ B) (0 = identical, 1 = disjoint), indexed by ``quarter_id``.
    tolerance : float
        Shares up to this value count as unchanged.
    """

    only_previous: tuple[str, ...]
    only_current: tuple[str, ...]
    change: pd.Series
    tolerance: float

    @property
    def moved(self) -> tuple[str, ...]:
        """Ids in both editions whose geometry changed by more than `tolerance`."""
        return tuple(self.change.index[self.change > self.tolerance])

    @property
    def changed(self) -> bool:
        """Whether anything changed: ids added or removed, or a geometry moved."""
        return bool(self.only_previous or self.only_current or self.moved)


def boundary_changes(previous_quarters: gpd.GeoDataFrame, current_quarters: gpd.GeoDataFrame,
                     tolerance: float = DEFAULT_TOLERANCE) -> BoundaryChanges:
    """Compare the quarters of two editions by id and geometry.

    Parameters
    ----------
    previous_quarters, current_quarters : GeoDataFrame
        Quarters (``quarter_id`` and polygon geometry). They are brought into one projected
        CRS as in :func:`area_weights`.
    tolerance : float, default :data:`DEFAULT_TOLERANCE` (0.001)
        Largest share of area by which a quarter of the same id may differ and still count as
        unchanged; absorbs the noise of reprojecting or rounding coordinates.

    Returns
    -------
    BoundaryChanges
        Ids only in one edition and the area change of every common id.

    Notes
    -----
    For a quarter with geometry A before and B now, with I = area(A ∩ B):

    change = area(A △ B) / area(A ∪ B) = (|A| + |B| − 2 I) / (|A| + |B| − I)

    which is 0 for identical and 1 for disjoint geometries and the same in both directions.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> before = gpd.GeoDataFrame({"quarter_id": ["01"]}, geometry=[box(0, 0, 100, 100)],
    ...                           crs="EPSG:25832")
    >>> after = gpd.GeoDataFrame({"quarter_id": ["01", "02"]},
    ...                          geometry=[box(0, 0, 50, 100), box(50, 0, 100, 100)],
    ...                          crs="EPSG:25832")
    >>> changes = boundary_changes(before, after)
    >>> changes.only_current, changes.moved, float(changes.change["01"])
    (('02',), ('01',), 0.5)
    """
    if not 0 <= tolerance < 1:
        raise ValueError(f"tolerance must be a share of area in [0, 1), got {tolerance!r}.")
    _check_quarters(previous_quarters, "previous")
    _check_quarters(current_quarters, "current")
    previous_quarters, current_quarters = _aligned(previous_quarters, current_quarters)
    before = pd.Series(_valid(previous_quarters.geometry.to_numpy()),
                       index=previous_quarters[_ID].to_numpy())
    after = pd.Series(_valid(current_quarters.geometry.to_numpy()),
                      index=current_quarters[_ID].to_numpy())
    common = before.index[before.index.isin(after.index)]
    a = before.reindex(common).to_numpy()
    b = after.reindex(common).to_numpy()
    area_a, area_b = shapely.area(a), shapely.area(b)
    overlap = shapely.area(shapely.intersection(a, b))
    union = area_a + area_b - overlap
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(union > 0, (area_a + area_b - 2 * overlap) / union, 0.0)
    change = pd.Series(np.clip(share, 0.0, 1.0), index=pd.Index(common, name=_ID),
                       name="change")
    return BoundaryChanges(
        only_previous=tuple(map(str, before.index[~before.index.isin(after.index)])),
        only_current=tuple(map(str, after.index[~after.index.isin(before.index)])),
        change=change, tolerance=tolerance)


def boundaries_changed(previous_quarters: gpd.GeoDataFrame, current_quarters: gpd.GeoDataFrame,
                       tolerance: float = DEFAULT_TOLERANCE) -> bool:
    """Whether the quarters changed between two editions (see :func:`boundary_changes`).

    Equal ids with geometries that differ by at most `tolerance` of their area count as
    unchanged.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> quarters = gpd.GeoDataFrame({"quarter_id": ["01"]}, geometry=[box(0, 0, 100, 100)],
    ...                             crs="EPSG:25832")
    >>> boundaries_changed(quarters, quarters)
    False
    """
    return boundary_changes(previous_quarters, current_quarters, tolerance).changed


# --------------------------------------------------------------------------------------------
# weights


def area_weights(source: gpd.GeoDataFrame, target: gpd.GeoDataFrame) -> pd.DataFrame:
    """Intersection areas of every overlapping pair of source and target quarters.

    Parameters
    ----------
    source : GeoDataFrame
        The quarters the values are given on (the previous edition), with ``quarter_id``.
    target : GeoDataFrame
        The quarters to carry the values to (the current edition), with ``quarter_id``.
        Reprojected to the source's CRS when that is projected and differs (the source is
        reprojected to the target's when only the target's CRS is projected); two geographic
        CRS are an error. Invalid geometries are repaired with ``make_valid``.

    Returns
    -------
    DataFrame
        One row per pair with a positive intersection area, sorted by source and target id:
        ``source_id``, ``target_id``, ``area`` (in the square units of the CRS),
        ``share_of_source`` and ``share_of_target``. Pairs that only touch are left out.

    Raises
    ------
    TypeError
        When an input is not a GeoDataFrame.
    ValueError
        When ``quarter_id`` is missing or not unique, a geometry is missing or not polygonal,
        or no projected CRS is available.

    Notes
    -----
    With A_s the area of source s, A_t that of target t and A_st = area(s ∩ t):

    share_of_source = A_st / A_s,   share_of_target = A_st / A_t.

    Σ_t share_of_source = 1 for a source entirely covered by the targets, Σ_s
    share_of_target = 1 for a target entirely covered by the sources. Candidate pairs come from
    an STRtree query; the intersections are computed at once on the geometry arrays.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> old = gpd.GeoDataFrame({"quarter_id": ["A"]}, geometry=[box(0, 0, 100, 100)],
    ...                        crs="EPSG:25832")
    >>> new = gpd.GeoDataFrame({"quarter_id": ["1", "2"]},
    ...                        geometry=[box(0, 0, 25, 100), box(25, 0, 100, 100)],
    ...                        crs="EPSG:25832")
    >>> area_weights(old, new)[["target_id", "share_of_source", "share_of_target"]]
      target_id  share_of_source  share_of_target
    0         1             0.25              1.0
    1         2             0.75              1.0
    """
    _check_quarters(source, "previous (source)")
    _check_quarters(target, "current (target)")
    source, target = _aligned(source, target)
    source_geometry = _valid(source.geometry.to_numpy())
    target_geometry = _valid(target.geometry.to_numpy())
    tree = shapely.STRtree(source_geometry)
    target_index, source_index = tree.query(target_geometry, predicate="intersects")
    pieces = shapely.intersection(source_geometry[source_index], target_geometry[target_index])
    area = shapely.area(pieces)
    positive = area > 0
    source_index, target_index, area = (source_index[positive], target_index[positive],
                                        area[positive])
    weights = pd.DataFrame({
        "source_id": source[_ID].to_numpy()[source_index],
        "target_id": target[_ID].to_numpy()[target_index],
        "area": area,
        "share_of_source": area / shapely.area(source_geometry)[source_index],
        "share_of_target": area / shapely.area(target_geometry)[target_index],
    })
    return weights.sort_values(["source_id", "target_id"]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# interpolation


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
    _check_weights(weights)
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
    _check_weights(weights)
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


# --------------------------------------------------------------------------------------------
# stored results


def _constant(series: pd.Series) -> object:
    """The single value of `series` (ignoring missing ones), else None."""
    present = series.dropna().unique()
    return present[0] if len(present) == 1 else None


def carry_indicators(tidy_indicators: pd.DataFrame, previous_quarters: gpd.GeoDataFrame,
                     current_quarters: gpd.GeoDataFrame, *,
                     extensive: Collection[str] = EXTENSIVE_INDICATORS,
                     population: pd.Series | None = None,
                     weights: pd.DataFrame | None = None,
                     min_coverage: float = DEFAULT_MIN_COVERAGE) -> pd.DataFrame:
    """Re-express a tidy indicator table of the previous edition on the current quarters.

    Parameters
    ----------
    tidy_indicators : DataFrame
        The tidy results table of :func:`quartier.compute` on `previous_quarters` (columns
        ``quarter_id``, ``field``, ``category``, ``indicator``, ``value``, ``unit``,
        ``reference_group``, ``target``, ``status``, ``basis``).
    previous_quarters, current_quarters : GeoDataFrame
        The quarters of the two editions.
    extensive : collection of str, default :data:`EXTENSIVE_INDICATORS`
        Indicators that are counts and are carried by share of source area
        (:func:`interpolate_extensive`): ``residents`` (all residents of the quarter),
        ``population`` (the reference group of a category), ``count``, ``capacity``. Every
        other indicator is carried as a weighted mean (:func:`interpolate_intensive`).
    population : Series, optional
        Residents per previous quarter (indexed by ``quarter_id``). Weights the indicators
        without a reference population in the table (the social index), and those of
        categories that lack ``population`` rows. Default: the table's own ``residents``
        rows (indicator without a category); without those, these are weighted by area.
    weights : DataFrame, optional
        Precomputed :func:`area_weights` of `previous_quarters` onto `current_quarters`.
    min_coverage : float, default :data:`DEFAULT_MIN_COVERAGE`
        See :func:`interpolate_intensive`.

    Returns
    -------
    DataFrame
        The same columns, one row per current quarter and (field, category, indicator) of the
        input, in the input's order of indicators and the current quarters' order. ``status``
        is None throughout; ``unit``, ``field`` and ``reference_group`` are kept; ``target`` and
        ``basis`` are kept where they are the same for every previous quarter, else missing.

    Notes
    -----
    Which weight an intensive indicator of category c gets, in this order:

    1. the reference population of c in the table itself (``indicator == "population"``):
       supply rate, coverage, 2SFCA access and median distance are all per person of that
       group, so y_t = Σ P_cs a_st x_s / Σ P_cs a_st with a_st = A_st / A_s. For the supply
       rate this equals carried capacity / carried reference population · 1,000, i.e. the
       rate one gets from carrying its numerator and denominator as counts;
    2. the residents: `population` or the table's ``residents`` rows; for the status and
       dynamics index and for categories without ``population`` rows;
    3. the intersection area A_st.

    Status classes (``gap``/``ok``/``resource``, or ``hoch``/``mittel``/… of the social index)
    are not carried: a class is a judgement of a value against a limit and cannot be averaged
    across the parts of a quarter; taking the class of the largest part would state a judgement
    nobody made. Re-assess the carried values against the standards where a class is needed.

    Facility counts and capacities carried this way are fractional estimates (facilities are
    assumed spread evenly over the old quarter). Where the previous facility snapshot is kept
    (it is, in the edition store), locating those points in the current quarters gives the
    exact previous counts instead.
    """
    missing = [c for c in _TIDY_COLUMNS if c not in tidy_indicators.columns]
    if missing:
        raise ValueError(f"The indicator table lacks the columns {', '.join(missing)}; pass the "
                         "tidy table of quartier.compute (results.indicators).")
    _check_quarters(current_quarters, "current (target)")
    if weights is None:
        weights = area_weights(previous_quarters, current_quarters)
    _check_weights(weights)
    targets = pd.Index(current_quarters[_ID].to_numpy(), name=_ID)
    table = tidy_indicators.copy()
    table["_category"] = table["category"].fillna(_NO_CATEGORY)  # rows without one form a group
    keys = ["_category", "indicator"]

    def values_of(rows: pd.DataFrame) -> pd.Series:
        duplicated = rows["quarter_id"][rows["quarter_id"].duplicated()]
        if len(duplicated):
            raise ValueError(f"The indicator table has several rows of indicator "
                             f"'{rows['indicator'].iloc[0]}' (category "
                             f"{rows['category'].iloc[0]}) for the quarters "
                             f"{', '.join(sorted(set(map(str, duplicated)))[:10])}.")
        return pd.Series(rows["value"].to_numpy(dtype=float), index=rows["quarter_id"].to_numpy())

    reference = {category: values_of(rows) for (category, indicator), rows
                 in table.groupby(keys, sort=False) if indicator == "population"
                 and category != _NO_CATEGORY}
    own_residents = table[(table["_category"] == _NO_CATEGORY)
                          & (table["indicator"] == "residents")]
    if population is None and len(own_residents):
        population = values_of(own_residents)
    parts = []
    for (category, indicator), rows in table.groupby(keys, sort=False):
        values = values_of(rows)
        if indicator in extensive:
            carried = interpolate_extensive(values, weights, targets=targets)
        else:
            weight_by = reference.get(category, population)
            carried = interpolate_intensive(values, weights, weight_by=weight_by,
                                            targets=targets, min_coverage=min_coverage)
        first = rows.iloc[0]
        parts.append(pd.DataFrame({
            "quarter_id": targets.to_numpy(), "field": first["field"],
            "category": first["category"], "indicator": indicator,
            "value": carried.to_numpy(dtype=float), "unit": first["unit"],
            "reference_group": first["reference_group"],
            "target": _constant(rows["target"]), "status": None,
            "basis": _constant(rows["basis"])}))
    if not parts:
        return tidy_indicators.iloc[0:0][_TIDY_COLUMNS].copy()
    result = pd.concat(parts, ignore_index=True)
    result["target"] = pd.to_numeric(result["target"], errors="coerce").astype(float)
    for column in ("field", "category", "unit", "reference_group", "status", "basis"):
        try:  # keep the input's dtypes (text columns stay text)
            result[column] = result[column].astype(tidy_indicators[column].dtype)
        except (TypeError, ValueError):
            pass
    return result[_TIDY_COLUMNS]


def carry_status(status: pd.DataFrame, previous_quarters: gpd.GeoDataFrame,
                 current_quarters: gpd.GeoDataFrame, *, population: pd.Series | None = None,
                 weights: pd.DataFrame | None = None,
                 min_coverage: float = DEFAULT_MIN_COVERAGE) -> pd.DataFrame:
    """Re-express the social status and dynamics index of the previous edition.

    Parameters
    ----------
    status : DataFrame
        The social index (``results.social_index``), indexed by previous ``quarter_id``.
    previous_quarters, current_quarters : GeoDataFrame
        The quarters of the two editions.
    population : Series, optional
        Residents per previous quarter; the means are weighted by residents when given, by
        area otherwise.
    weights : DataFrame, optional
        Precomputed :func:`area_weights`.
    min_coverage : float, default :data:`DEFAULT_MIN_COVERAGE`
        See :func:`interpolate_intensive`.

    Returns
    -------
    DataFrame
        Indexed by current ``quarter_id``, with the same columns in the same order: every
        float column (``status_sum``, ``status_index``, ``dynamics_sum``, ``dynamics_index``,
        the ``z_…`` values) carried as a weighted mean; ``year`` kept; the classes
        (``status_class``, ``status_class_number``, ``dynamics_class``, ``combined_class``) and
        ``included`` missing.

    Notes
    -----
    y_t = Σ_s w_st · x_s / Σ_s w_st as in :func:`interpolate_intensive`. The carried indices
    are estimates of what the old index says about the area of each new quarter, not the index
    the old method would have computed on it (it standardises over the quarters, which change).
    Classes are not carried, for the reason given in :func:`carry_indicators`; whether a quarter
    was ``included`` depends on its own population and cannot be carried either.
    """
    if not isinstance(status, pd.DataFrame):
        raise TypeError(f"status must be a DataFrame, not {type(status).__name__}.")
    _check_quarters(current_quarters, "current (target)")
    if weights is None:
        weights = area_weights(previous_quarters, current_quarters)
    targets = pd.Index(current_quarters[_ID].to_numpy(), name=_ID)
    numeric = [c for c in status.columns if c not in _STATUS_CONSTANT
               and pd.api.types.is_float_dtype(status[c])]
    carried = interpolate_intensive(status[numeric], weights, weight_by=population,
                                    targets=targets, min_coverage=min_coverage)
    result = pd.DataFrame(index=targets)
    for column in status.columns:
        if column in numeric:
            result[column] = carried[column]
        elif column in _STATUS_CONSTANT and _constant(status[column]) is not None:
            result[column] = pd.Series(_constant(status[column]), index=targets,
                                       dtype=status[column].dtype)
        else:
            result[column] = pd.Series(pd.NA, index=targets, dtype=_missing_dtype(status[column]))
    return result


def _missing_dtype(column: pd.Series) -> object:
    """A dtype that can hold missing values in place of `column`'s."""
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "Int64"
    if isinstance(dtype, pd.CategoricalDtype):
        return dtype
    return object
