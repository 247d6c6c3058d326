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

The overlay and the boundary check live in :mod:`quartier.editions.overlay`, the interpolation
in :mod:`quartier.editions.interpolation`; this module carries stored results and keeps every
name importable from here.

Every function assumes, as areal interpolation always does, that what is counted is spread
evenly over each source quarter. Values carried this way are estimates; the report says so.
"""

from __future__ import annotations

from collections.abc import Collection

import geopandas as gpd
import pandas as pd

from quartier.editions.interpolation import (
    DEFAULT_MIN_COVERAGE,
    interpolate_extensive,
    interpolate_intensive,
)
from quartier.editions.overlay import (
    DEFAULT_TOLERANCE,
    QUARTER_ID,
    WEIGHT_COLUMNS,
    BoundaryChanges,
    area_weights,
    boundaries_changed,
    boundary_changes,
    check_quarters,
    check_weights,
)

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

#: Indicators of the tidy results table that are counts (sums over the quarter) and are carried
#: by share of source area; every other indicator is a rate, share, distance or index.
EXTENSIVE_INDICATORS = ("residents", "population", "count", "capacity")

_TIDY_COLUMNS = ["quarter_id", "field", "category", "indicator", "value", "unit",
                 "reference_group", "target", "status", "basis"]
# Group key of the rows without a category (residents, social index); not "\0", which numpy
# strips from strings.
_NO_CATEGORY = "<no category>"
# Columns of the social index that are kept as they are (the same for every quarter).
_STATUS_CONSTANT = ("year",)


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
    check_quarters(current_quarters, "current (target)")
    if weights is None:
        weights = area_weights(previous_quarters, current_quarters)
    check_weights(weights)
    targets = pd.Index(current_quarters[QUARTER_ID].to_numpy(), name=QUARTER_ID)
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
    check_quarters(current_quarters, "current (target)")
    if weights is None:
        weights = area_weights(previous_quarters, current_quarters)
    targets = pd.Index(current_quarters[QUARTER_ID].to_numpy(), name=QUARTER_ID)
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
