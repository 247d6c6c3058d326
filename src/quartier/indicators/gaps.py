"""Judging each quarter × category: against a standard, relative to the town, and resources.

Three kinds of judgement, never mixed (see ``results.gaps`` and :mod:`quartier.judgements`):
a standard with a source gives ``gap`` / ``met`` / ``well_above``; without a standard the
quarter is compared with the median of the quarters (``below_town`` / ``town_average`` /
``above_town``); and, independently, a quarter whose own facilities serve more than its own
need is a ``resource``.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from quartier.catalogue import combined_members, standard_kind
from quartier.settings import IndicatorSettings

__all__ = ["assess_gaps", "GAP_COLUMNS"]

#: Columns of :func:`assess_gaps`' result (the contract of ``results.gaps``).
GAP_COLUMNS = ["quarter_id", "category", "field", "indicator", "value", "target", "basis",
               "status", "reason", "resource", "served_by_neighbours", "unmet_people",
               "missing_places", "demand", "standard_source", "standard_year",
               "standard_binding"]


def _column(table: pd.DataFrame, name: str, default: float = np.nan) -> pd.Series:
    if name in table:
        return pd.to_numeric(table[name], errors="coerce").astype(float)
    return pd.Series(default, index=table.index, dtype=float)


def assess_gaps(table: pd.DataFrame, catalogue: pd.DataFrame, settings: IndicatorSettings,
                incomplete: Collection[str] = ()) -> pd.DataFrame:
    """The three kinds of judgement per quarter and category.

    Parameters
    ----------
    table : DataFrame
        One row per quarter × category with ``quarter_id``, ``category``, ``residents`` (all
        residents of the quarter), ``population`` (its reference population), ``count`` and
        ``capacity`` (facilities and their capacity located in the quarter), ``measure``
        (``capacity`` or ``count``), ``coverage`` (%), ``fca_access`` (per 1,000) and, where
        they apply, ``unmet_people`` (reference population beyond the standard's distance),
        ``demand`` (places needed, demand-type standards), ``supply_rate`` (located supply per
        1,000) and ``non_residential`` (bool: mostly non-residential quarter). Missing optional
        columns count as NaN (False).
    catalogue : DataFrame
        The study's catalogue (standards, sources, years, binding flags, see
        :func:`quartier.catalogue.standard_kind`).
    settings : IndicatorSettings
        Thresholds.
    incomplete : collection of str, optional
        Categories whose data are known to be incomplete (``complete = false`` in
        ``[[facilities]]``, or set by :func:`quartier.load.completeness.check_completeness`):
        not judged.

    Returns
    -------
    DataFrame
        Columns :data:`GAP_COLUMNS`, one row per row of ``table``.

    Notes
    -----
    Notation for quarter *q*: :math:`P_q` reference population, :math:`S_q` supply located in
    *q* (capacity where the category is measured in capacity, else the number of
    facilities), :math:`a_q` accessible supply per 1,000 (2SFCA), :math:`C_q` coverage (% of
    the reference population within the standard's distance), :math:`f` = ``resource_factor``
    (1.5), :math:`g` = ``coverage_gap_below`` (75 %), :math:`h` = ``coverage_resource_from``
    (95 %).

    **Not assessed** (``basis`` and ``status`` ``not_assessed``): residents < ``min_population``
    (``reason`` ``few_residents``), a mostly non-residential quarter
    (``mostly_non_residential``) or :math:`P_q = 0` (``no_reference_population``).
    ``unmet_people`` and ``missing_places`` are NaN there (such quarters are listed apart).
    A category in ``incomplete`` is not assessed in any quarter (``reason``
    ``incomplete_data``; a quarter's own reason above takes precedence) and is never a
    resource: judging incomplete data against a standard or the town would invent Lücken.
    Its distances and coverage are still computed and shown. A member of a combined standard
    (``combined_of``, e.g. bus stops and stations in ``public_transport``) without a standard
    of its own is judged only as part of the combination (``reason`` ``combined_member``,
    never a resource); its indicators are still computed and shown.

    **Against a standard** (``basis`` ``standard``):

    - *demand* (``demand_rates``, e.g. Kita): demand :math:`D_q = \\sum_k r_k P_{q,k}` over the
      age groups *k* with rates :math:`r_k` (computed by :func:`quartier.compute`); judged is
      the capacity in the quarter (``indicator`` ``capacity``, value :math:`S_q`, target
      :math:`D_q`), as municipal Kita planning compares places and demand per planning area:
      gap if :math:`S_q < D_q`, well above if :math:`S_q \\ge f D_q`, else met;
      ``missing_places`` :math:`= \\max(0, D_q - S_q)`. Needs capacities (``measure`` =
      capacity); a category counted in facilities falls back to the town basis.
    - *rate* (``per_1000`` *t*, e.g. GPs): judged is :math:`a_q` (``fca_access``): gap if
      :math:`a_q < t`, well above if :math:`a_q \\ge f t`, else met; ``missing_places``
      :math:`= \\max(0, t - a_q) \\cdot P_q / 1000` (facilities or capacity units in reach
      that are missing).
    - *distance* (``max_distance_m`` or ``distance_by_group``): judged is :math:`C_q`
      (``coverage``, target *g*): gap if :math:`C_q < g`, well above if :math:`C_q \\ge h`,
      else met; ``unmet_people`` = reference population of the quarter's cells whose nearest
      facility is farther than the standard's distance (per age group for
      ``distance_by_group``).

    **Relative to the town** (``basis`` ``town``; no standard): :math:`a_q` against the median
    *m* of :math:`a` over the assessed quarters (``target`` = *m*, the "median of the
    quarters", never a Richtwert): below town if :math:`a_q <` ``median_gap_factor`` · *m*,
    above town if :math:`a_q \\ge` ``median_resource_factor`` · *m*, else town average. Where
    :math:`m = 0`, a quarter that reaches some supply is above town, one that reaches none is
    town average. Never a gap.

    **Resource** (``resource``, independent of the status): :math:`S_q > N_q` for a quarter
    with at least one facility of the category located in it, where the own need
    :math:`N_q` is :math:`D_q` (demand), :math:`t \\cdot P_q / 1000` (rate), or, without a
    quantity standard (distance or town), :math:`f \\cdot \\tilde v \\cdot P_q / 1000` with
    :math:`\\tilde v` the median located supply per 1,000 (``supply_rate``) of the assessed
    quarters: clearly more than a typical quarter holds (with *f* = 1 half of all quarters
    with a facility would be resources by construction; where :math:`\\tilde v = 0`, any
    facility in the quarter serves beyond it). A quarter without a facility of the category
    is never a resource.

    **Served by neighbours** (``served_by_neighbours``): no facility in the quarter, the
    quarter is assessed, and access from outside meets the standard — demand:
    :math:`a_q P_q / 1000 \\ge D_q` (places in reach by 2SFCA); rate: :math:`a_q \\ge t`;
    distance: :math:`C_q \\ge g`; town: :math:`a_q > 0` and :math:`a_q \\ge m`.

    ``standard_source``, ``standard_year`` and ``standard_binding`` come from the catalogue
    for basis standard and are empty (False) otherwise.

    Examples
    --------
    >>> from quartier.catalogue import default_catalogue
    >>> rows = pd.DataFrame({"quarter_id": ["A"], "category": ["kita"], "residents": [5000.0],
    ...                      "population": [330.0], "count": [1], "capacity": [45.0],
    ...                      "measure": ["capacity"], "coverage": [np.nan],
    ...                      "fca_access": [300.0], "demand": [233.0]})
    >>> out = assess_gaps(rows, default_catalogue(), IndicatorSettings())
    >>> out.loc[0, ["basis", "status"]].tolist(), float(out.loc[0, "missing_places"])
    (['standard', 'gap'], 188.0)
    """
    out = table[["quarter_id", "category"]].copy()
    category = out["category"]
    kind = category.map(standard_kind(catalogue)).fillna("town")
    residents = _column(table, "residents")
    population = _column(table, "population")
    count = _column(table, "count", 0.0).fillna(0.0)
    capacity = _column(table, "capacity")
    measure = table["measure"] if "measure" in table else pd.Series("count", index=table.index)
    located = np.where(measure == "capacity", capacity.fillna(0.0), count)
    located = pd.Series(located, index=table.index, dtype=float)
    coverage = _column(table, "coverage")
    access = _column(table, "fca_access")
    demand = _column(table, "demand")
    supply_rate = _column(table, "supply_rate")
    per_1000 = category.map(catalogue["per_1000"]).astype(float)
    non_residential = (table["non_residential"].fillna(False).astype(bool)
                       if "non_residential" in table else pd.Series(False, index=table.index))
    kind = kind.mask((kind == "demand") & (measure != "capacity"), "town")

    # a member of a combined standard without a standard of its own (bus stops, stations in
    # public_transport) is judged only as part of the combination: "no railway station, below
    # the town median" says nothing a planner could act on
    members = {m for key, parts in combined_members(catalogue).items()
               if (category == key).any() for m in parts}
    member = category.isin(list(members)) & (kind == "town")
    reason = np.select([residents < settings.min_population, non_residential.to_numpy(),
                        ~(population > 0), category.isin(list(incomplete)).to_numpy(),
                        member.to_numpy()],
                       ["few_residents", "mostly_non_residential", "no_reference_population",
                        "incomplete_data", "combined_member"], default="")
    assessed = pd.Series(reason == "", index=table.index)
    is_demand, is_rate = kind == "demand", kind == "rate"
    is_distance, is_town = kind == "distance", kind == "town"

    def median_of(values: pd.Series, where: pd.Series) -> pd.Series:
        medians = values[assessed & where].groupby(category[assessed & where]).median()
        return category.map(medians).astype(float)

    town_median = median_of(access, is_town)
    rate_median = median_of(supply_rate, ~is_demand & ~is_rate)
    gap_below = settings.coverage_gap_below * 100
    resource_from = settings.coverage_resource_from * 100
    factor = settings.resource_factor

    out["field"] = category.map(catalogue["field"])
    out["indicator"] = np.select([is_demand, is_distance], ["capacity", "coverage"],
                                 default="fca_access")
    value = pd.Series(np.select([is_demand, is_distance], [located, coverage], default=access),
                      index=table.index)
    target = pd.Series(np.select([is_demand, is_rate, is_distance],
                                 [demand, per_1000, np.full(len(out), gap_below)],
                                 default=town_median), index=table.index)
    out["value"], out["target"] = value, target

    with np.errstate(invalid="ignore"):
        standard_status = np.select(
            [(is_demand | is_rate) & (value < target), is_distance & (value < gap_below),
             (is_demand | is_rate) & (value >= factor * target),
             is_distance & (value >= resource_from)],
            ["gap", "gap", "well_above", "well_above"], default="met")
        positive = town_median > 0
        town_status = np.select(
            [positive & (value < settings.median_gap_factor * town_median),
             positive & (value >= settings.median_resource_factor * town_median),
             ~positive & (value > 0)],
            ["below_town", "above_town", "above_town"], default="town_average")
    out["basis"] = np.where(is_town, "town", "standard")
    out["status"] = np.where(is_town, town_status, standard_status)
    out.loc[~assessed, ["basis", "status"]] = "not_assessed"
    out["reason"] = reason

    # without a quantity standard the town's median supply is no need: a resource must hold
    # clearly more than a typical quarter (resource_factor times the median), else half of all
    # quarters with a facility would be resources by construction
    need = pd.Series(np.select([is_demand, is_rate], [demand, per_1000 * population / 1000],
                               default=factor * rate_median * population / 1000),
                     index=table.index)
    out["resource"] = (count > 0) & (located > need.fillna(0.0)) & ~category.isin(
        list(incomplete)) & ~member
    in_reach = access * population / 1000
    with np.errstate(invalid="ignore"):
        served = np.select([is_demand, is_rate, is_distance],
                           [in_reach >= demand, access >= per_1000, coverage >= gap_below],
                           # a quarter reaching the same facilities as the median quarter
                           # has the median's value up to the order of float additions
                           # (dask): compare with a relative tolerance of 1e-9
                           default=(access > 0) & (access >= town_median * (1 - 1e-9)))
    out["served_by_neighbours"] = (count == 0) & assessed & served.astype(bool)

    unmet = _column(table, "unmet_people")
    out["unmet_people"] = unmet.where(is_distance & assessed)
    missing = np.where(is_demand, demand - located, (per_1000 - access) * population / 1000)
    out["missing_places"] = pd.Series(np.maximum(missing, 0.0), index=table.index).where(
        (is_demand | is_rate) & assessed)
    out["demand"] = demand.where(is_demand)
    standard = out["basis"].eq("standard") | (out["basis"].eq("not_assessed") & ~is_town)
    out["standard_source"] = category.map(catalogue["standard_source"]).where(standard, "")
    out["standard_year"] = category.map(catalogue["standard_year"]).where(standard, "") \
        if "standard_year" in catalogue else ""
    out["standard_binding"] = category.map(catalogue["binding"]).where(standard, False).astype(bool)
    out["resource"] = out["resource"].astype(bool)
    return out[GAP_COLUMNS].reset_index(drop=True)
