"""Priorities (Handlungsbedarf): quarters ranked by unmet need in people, with social status.

Counting labels ranks a village with many small categories above a dense quarter where
hundreds of children lack a Kita place. Here every Lücke (a gap against a standard) is sized
in people of its reference group; per quarter the largest need of each action field counts
(the same residents usually lack several services of one field), the fields are added up and
weighted by the quarter's social status class. Quarters where Lücken meet a low or very low
social status come first (the rule of programmes such as Soziale Stadt: need and disadvantage
together), then the other quarters with Lücken. Judgements relative to the town (no standard)
are counted but never enter the need: they say that a quarter has less than others, not that
anything is missing. Nor do Lücken of categories planned for a larger area than a quarter
(``planning_scale`` in the catalogue, e.g. GPs, planned per Mittelbereich by the G-BA): they
are shown with their standard but are not a quarter's need.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from quartier.catalogue import default_catalogue, unranked_categories
from quartier.indicators.remote import remote_flags

__all__ = ["STATUS_WEIGHTS", "LOW_STATUS", "PER_1000_INDICATORS", "need_in_people",
           "priorities", "not_ranked"]

#: Weight of the need of a quarter by its social status class (MSS classes, German and
#: English). Quarters without a class (no index, or left out of it) weigh 1.
STATUS_WEIGHTS: dict[str, float] = {"hoch": 1.0, "mittel": 1.0, "niedrig": 1.5,
                                    "sehr niedrig": 2.0, "high": 1.0, "medium": 1.0,
                                    "low": 1.5, "very low": 2.0}
#: Status classes whose quarters with Lücken are ranked before all others.
LOW_STATUS = frozenset({"niedrig", "sehr niedrig", "low", "very low"})
#: Judged indicators whose standard is a rate per 1,000 people of the reference group.
PER_1000_INDICATORS = ("supply_rate", "fca_access")
#: Reasons for which a quarter is listed apart instead of ranked.
_APART = ("few_residents", "mostly_non_residential")


def not_ranked(catalogue: pd.DataFrame | None = None) -> list[str]:
    """Categories whose Lücken do not enter the need: planned for a larger area than a quarter.

    From the catalogue's ``planning_scale`` (:func:`quartier.catalogue.unranked_categories`);
    without a catalogue, the default catalogue's (GPs).

    Examples
    --------
    >>> not_ranked()
    ['gp']
    """
    return unranked_categories(default_catalogue() if catalogue is None else catalogue)


def need_in_people(gaps: pd.DataFrame, indicators: pd.DataFrame | None = None,
                   catalogue: pd.DataFrame | None = None, *,
                   unranked: Collection[str] | None = None) -> pd.Series:
    """People of the reference group affected by each Lücke (0 for every other row).

    Parameters
    ----------
    gaps : DataFrame
        ``results.gaps``: ``quarter_id``, ``category``, ``indicator``, ``target``, ``basis``,
        ``status``, ``unmet_people``, ``missing_places``, ``demand``.
    indicators : DataFrame, optional
        ``results.indicators``; its ``population`` rows (reference population P per quarter
        and category) cap the people converted from a rate standard.
    catalogue : DataFrame, optional
        The study's catalogue: categories with a ``planning_scale`` larger than a quarter
        (:func:`not_ranked`) count 0. Default: the default catalogue (GPs count 0).
    unranked : collection of str, optional
        The categories counting 0, instead of those of the catalogue.

    Returns
    -------
    Series
        Aligned with ``gaps``, float, ≥ 0.

    Notes
    -----
    Only rows with ``basis == "standard"`` and ``status == "gap"`` count, and only of
    categories planned per quarter (not GPs, whose standard applies to the Mittelbereich).
    Per row:

    - distance standard: :math:`n = ` ``unmet_people`` (the reference group living beyond the
      standard's distance);
    - demand standard (``demand`` given, e.g. Kita places from children under 3 and 3 to
      school age × demand rates): :math:`n = M`, the missing places ``missing_places``: one
      place is the demand of one person;
    - rate standard *t* per 1,000 (``indicator`` in :data:`PER_1000_INDICATORS`, e.g. GPs
      0.62 per 1,000): :math:`n = \\min(M \\cdot 1000 / t,\\ P)`, the people the missing
      places (doctors) would serve at the standard's rate, at most the reference population
      *P*;
    - any other rate: :math:`n = M`.
    """
    excluded = list(not_ranked(catalogue) if unranked is None else unranked)
    status_gap = ((gaps["basis"] == "standard") & (gaps["status"] == "gap")
                  & ~gaps["category"].isin(excluded))
    unmet = pd.to_numeric(gaps.get("unmet_people"), errors="coerce") if "unmet_people" in gaps \
        else pd.Series(np.nan, index=gaps.index)
    missing = pd.to_numeric(gaps.get("missing_places"), errors="coerce") \
        if "missing_places" in gaps else pd.Series(np.nan, index=gaps.index)
    demand = pd.to_numeric(gaps.get("demand"), errors="coerce") if "demand" in gaps \
        else pd.Series(np.nan, index=gaps.index)
    target = pd.to_numeric(gaps["target"], errors="coerce")
    population = pd.Series(np.inf, index=gaps.index)
    if indicators is not None and len(indicators):
        groups = indicators[indicators["indicator"] == "population"].set_index(
            ["quarter_id", "category"])["value"]
        groups = groups[~groups.index.duplicated()]
        keys = pd.MultiIndex.from_frame(gaps[["quarter_id", "category"]])
        population = pd.Series(groups.reindex(keys).to_numpy(dtype=float),
                               index=gaps.index).fillna(np.inf)
    per_1000 = gaps["indicator"].isin(PER_1000_INDICATORS) & (target > 0) & demand.isna()
    with np.errstate(divide="ignore", invalid="ignore"):
        from_rate = np.minimum(missing * 1000.0 / target, population)
    people = unmet.where(unmet.notna(), missing.where(~per_1000, from_rate))
    return people.where(status_gap, 0.0).fillna(0.0).clip(lower=0.0).astype(float)


def priorities(gaps: pd.DataFrame, indicators: pd.DataFrame | None = None,
               social_index: pd.DataFrame | None = None, *, min_population: float = 300.0,
               status_weights: Mapping[str, float] | None = None,
               field_of: Mapping[str, str] | None = None,
               low_status_first: bool = True,
               catalogue: pd.DataFrame | None = None,
               remote: pd.DataFrame | None = None,
               remote_share_flag: float = 0.2) -> pd.DataFrame:
    """Quarters ranked by unmet need in people, weighted by their social status.

    Parameters
    ----------
    gaps : DataFrame
        ``results.gaps`` (see :func:`need_in_people`; ``field`` or ``field_of`` names the
        action field, ``reason`` why a row was not assessed).
    indicators : DataFrame, optional
        ``results.indicators``: residents per quarter (``residents`` rows) and reference
        populations (``population`` rows).
    social_index : DataFrame, optional
        ``results.social_index`` indexed by ``quarter_id`` with ``status_class``.
    min_population : float, default 300
        Quarters with fewer residents are listed apart (as are quarters whose rows are not
        assessed for ``few_residents`` or ``mostly_non_residential``).
    status_weights : mapping, optional
        Weight per status class; default :data:`STATUS_WEIGHTS`.
    field_of : mapping, optional
        Action field per category, where ``gaps`` has no ``field`` column.
    low_status_first : bool, default True
        Rank quarters with Lücken and a low or very low status class (:data:`LOW_STATUS`)
        before all others; False ranks by the weighted need alone.
    catalogue : DataFrame, optional
        The study's catalogue: Lücken of categories planned for a larger area than a quarter
        (``planning_scale``, :func:`not_ranked`) are not ranked; default catalogue if None.
    remote : DataFrame, optional
        ``results.remote`` (:func:`quartier.indicators.remote.remote_residents`): per quarter
        the share of residents placed with no facility of any kind nearby.
    remote_share_flag : float, default 0.2
        ``[indicators] remote_share_flag``: a larger ``remote_share`` sets ``check_location``.

    Returns
    -------
    DataFrame
        One row per quarter, ranked quarters first (``rank`` 1, 2, …), then the quarters
        listed apart (``rank`` NaN, ``ranked`` False, ``reason``). Columns: ``quarter_id``,
        ``rank``, ``ranked``, ``reason``, ``group`` (1 Lücken and low status, 2 other
        Lücken, 3 no Lücke), ``residents``, ``status_class``, ``weight``,
        ``people`` (need in people, see Notes), ``weighted_need``, ``people_<field>`` (the
        largest need of the field), ``gaps`` (Lücken, those of not-ranked categories such as
        GPs included), ``below_town`` (judgements "unter dem Stadtmittel",
        for information), ``top_category`` and ``top_people`` (the largest single need),
        ``remote_share`` (NaN without ``remote``) and ``check_location`` ("Wohnlage prüfen":
        the need may sit where nobody lives; the rank is not changed by it).

    Notes
    -----
    For quarter *q* with the Lücken *g* (standard judgements only, categories planned per
    quarter only: a GP Lücke has :math:`n_g = 0`), each sized in people
    :math:`n_g` by :func:`need_in_people`, and the action fields *f*:

    .. math:: N_{q,f} = \\max_{g \\in f} n_g, \\qquad N_q = \\sum_f N_{q,f}, \\qquad
              W_q = w(s_q) \\cdot N_q

    with :math:`w` = 1 for status class hoch/mittel or no class, 1.5 for niedrig, 2 for sehr
    niedrig. Quarters are ranked in three groups — 1: :math:`N_q > 0` and status class
    niedrig or sehr niedrig; 2: other quarters with :math:`N_q > 0`; 3: no Lücke — and within
    a group by :math:`W_q` (ties: :math:`N_q`, then quarter id). A village where everybody
    lives beyond a supermarket's 1,000 m does not push a quarter of very low status with a
    Kita shortage down the list; a town without a social index ranks by need alone. Within
    a field a person counts once (the largest need: residents without a pharmacy are mostly
    the same as those without a GP); a person lacking services of two fields counts twice, so
    *N* can exceed the residents.

    Examples
    --------
    On the sample town: Bahnhofsviertel (02) has less unmet need in people than St. Ilgenau
    (07), but its social status is ``sehr niedrig`` (weight 2), so it ranks first.

    >>> from quartier.sample import sample_results
    >>> results = sample_results()
    >>> ranking = priorities(results.gaps, results.indicators, results.social_index)
    >>> ranking[["quarter_id", "rank", "status_class", "weight"]].head(2)
      quarter_id  rank  status_class  weight
    0         02   1.0  sehr niedrig     2.0
    1         07   2.0        mittel     1.0
    >>> ranked = ranking[ranking["ranked"]]
    >>> bool(((ranked["weight"] * ranked["people"] - ranked["weighted_need"]).abs() < 1e-9).all())
    True
    """
    from quartier.fields import FIELDS

    weights = dict(STATUS_WEIGHTS if status_weights is None else status_weights)
    frame = gaps.copy()
    if "field" not in frame.columns:
        frame["field"] = frame["category"].map(dict(field_of or {}))
    frame["people"] = need_in_people(frame, indicators, catalogue)
    frame["is_gap"] = (frame["basis"] == "standard") & (frame["status"] == "gap")
    frame["is_below"] = (frame["basis"] == "town") & (frame["status"] == "below_town")
    quarters = pd.Index(pd.unique(frame["quarter_id"]), name="quarter_id")
    grouped = frame.groupby("quarter_id", sort=False)
    table = pd.DataFrame(index=quarters)
    per_field = frame.pivot_table(index="quarter_id", columns="field", values="people",
                                  aggfunc="max", fill_value=0.0)
    for key in FIELDS:
        table[f"people_{key}"] = (per_field[key].reindex(quarters).fillna(0.0)
                                  if key in per_field.columns else 0.0)
    table["people"] = table[[f"people_{key}" for key in FIELDS]].sum(axis=1)
    table["gaps"] = grouped["is_gap"].sum().reindex(quarters).fillna(0).astype(int)
    table["below_town"] = grouped["is_below"].sum().reindex(quarters).fillna(0).astype(int)
    largest = frame[frame["people"] > 0].sort_values(["people", "category"],
                                                     ascending=[False, True])
    largest = largest.drop_duplicates("quarter_id").set_index("quarter_id")
    table["top_category"] = largest["category"].reindex(quarters)
    table["top_people"] = largest["people"].reindex(quarters).fillna(0.0)

    residents = pd.Series(np.nan, index=quarters)
    if indicators is not None and len(indicators):
        rows = indicators[indicators["indicator"] == "residents"]
        residents = rows.groupby("quarter_id")["value"].first().reindex(quarters)
    table["residents"] = residents.astype(float)
    classes = pd.Series(None, index=quarters, dtype=object)
    if social_index is not None and "status_class" in social_index.columns:
        classes = social_index["status_class"].reindex(quarters)
    table["status_class"] = classes.where(classes.map(lambda c: isinstance(c, str)), None)
    table["weight"] = table["status_class"].map(lambda c: weights.get(c, 1.0)
                                                if isinstance(c, str) else 1.0).astype(float)
    table["weighted_need"] = table["people"] * table["weight"]
    low = table["status_class"].isin(LOW_STATUS) if low_status_first else False
    table["group"] = np.where(table["people"] > 0, np.where(low, 1, 2), 3)

    reasons = frame["reason"] if "reason" in frame.columns else pd.Series("", index=frame.index)
    apart = frame.assign(_reason=reasons.fillna("")).loc[
        lambda f: (f["status"] == "not_assessed") & f["_reason"].isin(_APART)]
    all_rows = grouped.size()
    apart_rows = apart.groupby("quarter_id").size().reindex(quarters).fillna(0)
    reason = apart.groupby("quarter_id")["_reason"].first().reindex(quarters)
    listed_apart = apart_rows >= all_rows.reindex(quarters)
    few = table["residents"] < min_population
    reason = reason.where(listed_apart, None)
    reason = reason.where(reason.notna() | ~few, "few_residents")
    table["reason"] = reason.where(reason.notna(), "")
    table["ranked"] = table["reason"] == ""

    ranked = table[table["ranked"]].reset_index().sort_values(
        ["group", "weighted_need", "people", "quarter_id"],
        ascending=[True, False, False, True])
    ranked["rank"] = np.arange(1, len(ranked) + 1, dtype=float)
    rest = table[~table["ranked"]].reset_index().sort_values("quarter_id")
    rest["rank"] = np.nan
    columns = ["quarter_id", "rank", "ranked", "reason", "group", "residents", "status_class",
               "weight", "people", "weighted_need", *[f"people_{key}" for key in FIELDS], "gaps",
               "below_town", "top_category", "top_people", "remote_share", "check_location"]
    result = pd.concat([ranked, rest], ignore_index=True)
    flags = remote_flags(remote, result["quarter_id"], remote_share_flag)
    result["remote_share"] = flags["remote_share"].to_numpy()
    result["check_location"] = flags["check_location"].to_numpy()
    return result[columns]
