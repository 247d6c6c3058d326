"""What changed between two editions: indicators, assessments, facilities opened and closed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from quartier.assign import assign_points
from quartier.editions.labels import edition_sort_key

__all__ = ["CAUSES", "Comparison", "category_reach", "compare_editions", "compare_with_stored",
           "edition_sort_key", "method_changes", "previous_edition", "transition_causes"]

#: Indicators in percent: their change is given in percentage points.
PERCENT_INDICATORS = ("coverage",)

#: Causes of a changed judgement (column ``cause`` of :attr:`Comparison.causes`), in the order
#: a reader is told them.
CAUSES = ("standard_changed", "facility_opened", "facility_closed", "facility_moved",
          "places_changed", "population_changed", "reference_moved", "status_index_changed",
          "other_change")

#: A reference group that changed by less than this share is not named as a cause.
POPULATION_CHANGE_SHARE = 0.01

#: A facility whose location moved by more than this many metres counts as moved.
MOVED_M = 1.0

CAUSE_COLUMNS = ["quarter_id", "category", "cause", "facility_id", "name", "facility_quarter",
                 "distance_m", "previous", "current"]
METHOD_COLUMNS = ["category", "previous_basis", "current_basis", "quarters"]
#: Bases of a judgement that a change of method (the catalogue or the town's standards) sets.
JUDGED_BASES = ("standard", "town")
TRANSITION_COLUMNS = ["quarter_id", "category", "previous_status", "current_status",
                      "indicator", "previous_basis", "current_basis", "previous_value",
                      "current_value", "previous_target", "current_target"]


@dataclass(frozen=True)
class Comparison:
    """Changes from edition ``previous`` to edition ``current``.

    Attributes
    ----------
    indicators : DataFrame
        ``quarter_id``, ``category``, ``indicator``, ``previous``, ``current``, ``change``
        (current − previous; percentage points for indicators in %) and ``change_percent``
        (relative change in %, NaN where the previous value is 0 or missing).
    transitions : DataFrame
        Assessments that changed: ``quarter_id``, ``category``, ``previous_status``,
        ``current_status``, the ``indicator`` judged, ``previous_basis``/``current_basis``
        and the judged value and its reference (standard or median of the quarters) in both
        editions (``previous_value``, ``current_value``, ``previous_target``,
        ``current_target``). Changed classes of the social index have category
        ``"status_index"`` and the status index as value.
    opened, closed : DataFrame
        Facilities (by ``facility_id``) only in the current / only in the previous edition,
        with ``name``, ``category``, ``field`` and the ``quarter_id`` they lie in (None outside).
    boundaries_changed : bool
        The previous edition had other quarter boundaries; its values were carried onto the
        current quarters by area-weighted interpolation and no assessment transitions exist.
    previous_quarter_count : int or None
        Number of quarters of the previous edition.
    facilities_compared : bool
        False when the previous edition has no facility register (opened/closed are empty).
    causes : DataFrame
        Why each transition happened, worked out from the data (:func:`transition_causes`):
        one row per transition and cause (``CAUSE_COLUMNS``).
    method_changes : DataFrame
        Categories judged on another basis than in the previous edition because the catalogue
        or the study's standards changed, not the quarters (:func:`method_changes`): one row
        per category with ``previous_basis``/``current_basis`` (``standard``, ``town`` or
        None where the category was not judged) and the number of ``quarters`` whose
        judgement changed with it. Their transitions are not in ``transitions``.
    """

    previous: str
    current: str
    indicators: pd.DataFrame
    transitions: pd.DataFrame
    opened: pd.DataFrame
    closed: pd.DataFrame
    boundaries_changed: bool = False
    previous_quarter_count: int | None = None
    facilities_compared: bool = True
    causes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CAUSE_COLUMNS))
    method_changes: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=METHOD_COLUMNS))


def previous_edition(labels: Iterable[str], current: str) -> str | None:
    """The latest stored edition before ``current`` (labels compared as numbers when they are).

    Examples
    --------
    >>> previous_edition(["2023", "2024", "2026"], "2025")
    '2024'
    >>> previous_edition(["2025"], "2025") is None
    True
    """
    earlier = [label for label in labels if edition_sort_key(label) < edition_sort_key(current)]
    return max(earlier, key=edition_sort_key) if earlier else None


def _located(facilities: gpd.GeoDataFrame, quarters: gpd.GeoDataFrame) -> pd.DataFrame:
    """Facility id, name, category, field, capacity, point and the quarter it stands in."""
    if len(facilities) and facilities.crs is not None and quarters.crs is not None \
            and facilities.crs != quarters.crs:
        facilities = facilities.to_crs(quarters.crs)
    capacity = (pd.to_numeric(facilities["capacity"], errors="coerce").to_numpy(dtype=float)
                if "capacity" in facilities.columns else np.full(len(facilities), np.nan))
    frame = pd.DataFrame({"facility_id": facilities["facility_id"].to_numpy(),
                          "name": facilities["name"].to_numpy(),
                          "category": facilities["category"].to_numpy(),
                          "field": facilities["field"].to_numpy(),
                          "capacity": capacity,
                          "point": shapely.point_on_surface(facilities.geometry.to_numpy())
                          if len(facilities) else np.empty(0, dtype=object)})
    frame["quarter_id"] = assign_points(facilities, quarters).to_numpy()
    return frame


def category_reach(catalogue: pd.DataFrame, catchment_m: float) -> dict[str, float]:
    """Per category how far a facility reaches residents: the standard's distance (the
    largest one where it depends on the age group), else the study's catchment.

    Examples
    --------
    >>> catalogue = pd.DataFrame({"max_distance_m": [300.0, None, None],
    ...                           "distance_by_group": ["", "0-5:175;6-11:350", ""]},
    ...                          index=["transit_stop", "playground", "library"])
    >>> category_reach(catalogue, 1500.0)
    {'transit_stop': 300.0, 'playground': 350.0, 'library': 1500.0}
    """
    from quartier.catalogue import parse_group_values

    reach = {}
    for key, row in catalogue.iterrows():
        distances = list(parse_group_values(row.get("distance_by_group", "") or "").values())
        if pd.notna(row.get("max_distance_m")):
            distances.append(float(row["max_distance_m"]))
        reach[str(key)] = max(distances) if distances else float(catchment_m)
    return reach


def _facility_events(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Facilities opened, closed, moved or with other capacity between two snapshots: one row
    per event with ``cause``, ``previous``/``current`` (capacity) and both points.
    """
    both = before.merge(after, on="facility_id", suffixes=("_previous", "_current"))
    moved = shapely.distance(both["point_previous"].to_numpy(),
                             both["point_current"].to_numpy()) > MOVED_M
    capacity_previous = both["capacity_previous"].to_numpy(dtype=float)
    capacity_current = both["capacity_current"].to_numpy(dtype=float)
    places = ~(np.isclose(capacity_previous, capacity_current)
               | (np.isnan(capacity_previous) & np.isnan(capacity_current)))
    frames = []
    for cause, rows in (("facility_moved", both[moved]), ("places_changed", both[places])):
        frames.append(pd.DataFrame({
            "cause": cause, "facility_id": rows["facility_id"], "name": rows["name_current"],
            "category": rows["category_current"], "facility_quarter": rows["quarter_id_current"],
            "previous": rows["capacity_previous"], "current": rows["capacity_current"],
            "point_previous": rows["point_previous"], "point_current": rows["point_current"]}))
    opened = after[~after["facility_id"].isin(before["facility_id"])]
    closed = before[~before["facility_id"].isin(after["facility_id"])]
    for cause, rows, previous, current in (
            ("facility_opened", opened, np.nan, opened["capacity"]),
            ("facility_closed", closed, closed["capacity"], np.nan)):
        frames.append(pd.DataFrame({
            "cause": cause, "facility_id": rows["facility_id"], "name": rows["name"],
            "category": rows["category"], "facility_quarter": rows["quarter_id"],
            "previous": previous, "current": current,
            "point_previous": rows["point"], "point_current": rows["point"]}))
    return pd.concat([f for f in frames if len(f)], ignore_index=True) if any(
        len(f) for f in frames) else pd.DataFrame(columns=[
            "cause", "facility_id", "name", "category", "facility_quarter", "previous",
            "current", "point_previous", "point_current"])


def method_changes(transitions: pd.DataFrame, previous_gaps: pd.DataFrame,
                   current_gaps: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split changed judgements into changes of method and changes in the quarters.

    Parameters
    ----------
    transitions : DataFrame
        :attr:`Comparison.transitions` (``TRANSITION_COLUMNS``).
    previous_gaps, current_gaps : DataFrame
        The two editions' judgements (``results.gaps``).

    Returns
    -------
    method, rest : DataFrame
        ``method`` (``METHOD_COLUMNS``, one row per category) and the transitions that remain.

    Notes
    -----
    A transition is a change of method when its basis changed between a standard and the
    median of the quarters (``standard`` ↔ ``town``: the basis follows from the catalogue
    and the town's standards, never from a quarter's data), or when its category was not
    judged at all in one of the two editions (a category new in the catalogue, such as the
    combined ``public_transport``). ``previous_basis``/``current_basis`` of a category is
    the basis most of its quarters had. Changes to or from ``not_assessed`` (few residents)
    stay changes in the quarter.

    Examples
    --------
    >>> t = pd.DataFrame({"quarter_id": ["01", "02", "01"],
    ...                   "category": ["transit_stop", "transit_stop", "kita"],
    ...                   "previous_basis": ["standard", "standard", "standard"],
    ...                   "current_basis": ["town", "town", "standard"]})
    >>> gaps = pd.DataFrame({"category": ["transit_stop", "kita"]})
    >>> method, rest = method_changes(t, gaps, gaps)
    >>> method.values.tolist(), rest["category"].tolist()
    ([['transit_stop', 'standard', 'town', 2]], ['kita'])
    """
    previous_judged = set(previous_gaps["category"].dropna()) if len(previous_gaps) else set()
    current_judged = set(current_gaps["category"].dropna()) if len(current_gaps) else set()
    category = transitions["category"]
    switched = (transitions["previous_basis"].isin(JUDGED_BASES)
                & transitions["current_basis"].isin(JUDGED_BASES)
                & (transitions["previous_basis"] != transitions["current_basis"]))
    appeared = (category != "status_index") & (~category.isin(list(previous_judged))
                                                | ~category.isin(list(current_judged)))
    method = transitions[switched | appeared]

    def usual(bases: pd.Series) -> object:
        judged = bases[bases.isin(JUDGED_BASES)]
        return judged.mode().iloc[0] if len(judged) else None

    table = pd.DataFrame([
        {"category": key,
         "previous_basis": usual(rows["previous_basis"]) if key in previous_judged else None,
         "current_basis": usual(rows["current_basis"]) if key in current_judged else None,
         "quarters": len(rows)}
        for key, rows in method.groupby("category", sort=True)], columns=METHOD_COLUMNS)
    return table, transitions[~(switched | appeared)].reset_index(drop=True)


def _member_events(events: pd.DataFrame,
                   members: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
    """Facility events of member categories, once more under each combined category they
    belong to, with the member's own distance as ``limit``.
    """
    links = pd.DataFrame([(str(combined), str(member), float(distance))
                          for combined, parts in members.items()
                          for member, distance in parts.items()],
                         columns=["combined", "category", "limit"])
    linked = events.merge(links, on="category")
    return linked.drop(columns="category").rename(columns={"combined": "category"})


def transition_causes(transitions: pd.DataFrame, *, previous_indicators: pd.DataFrame,
                      current_indicators: pd.DataFrame, previous_gaps: pd.DataFrame,
                      current_gaps: pd.DataFrame, before: pd.DataFrame, after: pd.DataFrame,
                      quarters: gpd.GeoDataFrame,
                      reach: Mapping[str, float] | None = None,
                      default_reach: float = 1500.0,
                      members: Mapping[str, Mapping[str, float]] | None = None
                      ) -> pd.DataFrame:
    """Why each changed judgement changed, worked out from the two editions' data.

    Parameters
    ----------
    transitions : DataFrame
        :attr:`Comparison.transitions` (with values and references of both editions).
    previous_indicators, current_indicators, previous_gaps, current_gaps : DataFrame
        The two editions' tidy indicator tables and judgements.
    before, after : DataFrame
        The two facility snapshots, located in the current quarters (``_located``).
    quarters : GeoDataFrame
        The current quarters.
    reach : mapping, optional
        Metres a facility of a category reaches (:func:`category_reach`); facilities farther
        from the quarter cannot have changed its judgement and are not named.
    default_reach : float
        Reach of a category missing from ``reach``.
    members : mapping, optional
        Combined categories and their members with each member's own distance
        (:func:`quartier.catalogue.combined_members`): a facility of a member category counts
        for the combined category within the member's distance.

    Returns
    -------
    DataFrame
        ``CAUSE_COLUMNS``: one row per transition and cause. ``cause`` is one of
        :data:`CAUSES`; facility causes name the facility (``facility_id``, ``name``, the
        quarter it stands in and its distance from the quarter, 0 inside) and give the
        capacity before and after; ``population_changed`` the reference group before and
        after; ``reference_moved`` and ``standard_changed`` the reference before and after;
        ``status_index_changed`` and ``other_change`` the quarter's value before and after.

    Notes
    -----
    A transition gets, in this order:

    * ``standard_changed`` – the basis changed (standard ↔ median of the quarters), or the
      standard's source or year changed, or (standards not derived from the population) its
      target changed;
    * ``facility_opened`` / ``facility_closed`` / ``facility_moved`` / ``places_changed`` –
      a facility of the category whose point lies within the category's reach of the quarter
      polygon (distance point–polygon ≤ reach); for a combined category (``members``) a
      facility of a member category within that member's distance (a stop within 300 m, a
      station within 600 m for ``public_transport``);
    * ``population_changed`` – the quarter's reference group changed by at least
      ``POPULATION_CHANGE_SHARE`` (and at least one person);
    * ``reference_moved`` – a judgement against the median of the quarters whose median
      changed;
    * ``status_index_changed`` – for classes of the social index;
    * ``other_change`` – none of the above: the value changed for reasons outside the reach
      (e.g. other quarters' demand for the same facilities in the 2SFCA).
    """
    if not len(transitions):
        return pd.DataFrame(columns=CAUSE_COLUMNS)
    reach = dict(reach or {})
    keys = ["quarter_id", "category"]
    found: list[pd.DataFrame] = []
    judged = transitions[transitions["category"] != "status_index"]

    # the standard itself
    meta = ["quarter_id", "category", "basis", "target", "demand", "standard_source",
            "standard_year"]
    standards = previous_gaps.reindex(columns=meta).merge(
        current_gaps.reindex(columns=meta), on=keys, suffixes=("_previous", "_current"))
    standards = judged[keys].merge(standards, on=keys)
    both_standard = (standards["basis_previous"] == "standard") \
        & (standards["basis_current"] == "standard")
    source_changed = both_standard & (
        (standards["standard_source_previous"].astype(object).fillna("").astype(str)
         != standards["standard_source_current"].astype(object).fillna("").astype(str))
        | (standards["standard_year_previous"].astype(object).fillna("").astype(str)
           != standards["standard_year_current"].astype(object).fillna("").astype(str))
        | (standards["demand_previous"].isna() & standards["demand_current"].isna()
           & ~np.isclose(standards["target_previous"].astype(float),
                         standards["target_current"].astype(float), equal_nan=True)))
    basis_changed = standards["basis_previous"].isin(["standard", "town"]) \
        & standards["basis_current"].isin(["standard", "town"]) \
        & (standards["basis_previous"] != standards["basis_current"])
    rows = standards[source_changed | basis_changed]
    found.append(pd.DataFrame({"quarter_id": rows["quarter_id"], "category": rows["category"],
                               "cause": "standard_changed", "previous": rows["target_previous"],
                               "current": rows["target_current"]}))

    # facilities within reach
    events = _facility_events(before, after)
    events = pd.concat([events.assign(limit=events["category"].map(reach).fillna(default_reach)),
                        _member_events(events, members or {})], ignore_index=True)
    pairs = judged[keys].merge(events, on="category")
    if len(pairs):
        polygons = quarters.set_index(quarters["quarter_id"].astype(str)).geometry
        polygon = polygons.reindex(pairs["quarter_id"].astype(str)).to_numpy()
        distance = np.fmin(shapely.distance(pairs["point_previous"].to_numpy(), polygon),
                           shapely.distance(pairs["point_current"].to_numpy(), polygon))
        limit = pairs["limit"].to_numpy(dtype=float)
        pairs = pairs.assign(distance_m=distance)[distance <= limit]
        found.append(pairs.drop(columns=["point_previous", "point_current", "limit"]))

    # the reference group
    def population(table: pd.DataFrame) -> pd.DataFrame:
        rows = table[table["indicator"] == "population"]
        return rows[keys + ["value"]].dropna(subset=["category"])

    people = judged[keys].merge(population(previous_indicators), on=keys).merge(
        population(current_indicators), on=keys, suffixes=("_previous", "_current"))
    moved_people = (people["value_current"] - people["value_previous"]).abs()
    people = people[(moved_people >= 1)
                    & (moved_people >= POPULATION_CHANGE_SHARE * people["value_previous"].abs())]
    found.append(pd.DataFrame({"quarter_id": people["quarter_id"],
                               "category": people["category"], "cause": "population_changed",
                               "previous": people["value_previous"],
                               "current": people["value_current"]}))

    # the median of the quarters
    town = judged[(judged["previous_basis"] == "town") & (judged["current_basis"] == "town")]
    town = town[~np.isclose(town["previous_target"].astype(float),
                            town["current_target"].astype(float), equal_nan=True)]
    found.append(pd.DataFrame({"quarter_id": town["quarter_id"], "category": town["category"],
                               "cause": "reference_moved", "previous": town["previous_target"],
                               "current": town["current_target"]}))

    # the social index
    social = transitions[transitions["category"] == "status_index"]
    found.append(pd.DataFrame({"quarter_id": social["quarter_id"],
                               "category": social["category"],
                               "cause": "status_index_changed",
                               "previous": social["previous_value"],
                               "current": social["current_value"]}))

    causes = pd.concat([f for f in found if len(f)], ignore_index=True) if any(
        len(f) for f in found) else pd.DataFrame(columns=CAUSE_COLUMNS)
    causes = causes.reindex(columns=CAUSE_COLUMNS)
    explained = set(zip(causes["quarter_id"], causes["category"], strict=True))
    rest = transitions[[pair not in explained for pair in
                        zip(transitions["quarter_id"], transitions["category"], strict=True)]]
    if len(rest):
        causes = pd.concat([causes, pd.DataFrame({
            "quarter_id": rest["quarter_id"], "category": rest["category"],
            "cause": "other_change", "previous": rest["previous_value"],
            "current": rest["current_value"]}).reindex(columns=CAUSE_COLUMNS)],
            ignore_index=True)
    order = causes["cause"].map({c: i for i, c in enumerate(CAUSES)})
    return (causes.assign(_order=order)
            .sort_values(["quarter_id", "category", "_order", "distance_m", "facility_id"],
                         na_position="first")
            .drop(columns="_order").reset_index(drop=True))


def compare_editions(previous: str, current: str, *,
                     previous_indicators: pd.DataFrame, current_indicators: pd.DataFrame,
                     previous_gaps: pd.DataFrame, current_gaps: pd.DataFrame,
                     previous_facilities: gpd.GeoDataFrame,
                     current_facilities: gpd.GeoDataFrame,
                     quarters: gpd.GeoDataFrame, boundaries_changed: bool = False,
                     previous_quarter_count: int | None = None,
                     reach: Mapping[str, float] | None = None,
                     default_reach: float = 1500.0,
                     members: Mapping[str, Mapping[str, float]] | None = None) -> Comparison:
    """Compare two editions on the current quarters.

    Facilities are matched by ``facility_id``; both snapshots are located in ``quarters`` (the
    current boundaries), so a facility counts in the quarter where it stands now. With
    ``boundaries_changed`` the previous indicators must already be carried onto the current
    quarters (:func:`quartier.editions.history.carry_edition_indicators`); assessments are then
    not compared. Judgements whose basis changed with the catalogue or the standards are
    set apart as :attr:`Comparison.method_changes` (:func:`method_changes`), not as
    transitions. Transitions include the social index's status classes (category
    ``"status_index"``); each transition's causes are worked out by
    :func:`transition_causes` (``reach``: metres per category, :func:`category_reach`;
    ``members``: the members of combined categories, whose facilities count for them).

    Notes
    -----
    change = x_current − x_previous (percentage points for shares in %);
    change_percent = (x_current − x_previous) / x_previous · 100.
    """
    keys = ["quarter_id", "category", "indicator"]
    left = previous_indicators[keys + ["value", "status"]].fillna({"category": ""})
    right = current_indicators[keys + ["value", "status"]].fillna({"category": ""})
    merged = left.rename(columns={"value": "previous", "status": "_previous_status"}).merge(
        right.rename(columns={"value": "current", "status": "_current_status"}), on=keys,
        how="outer")
    merged["change"] = merged["current"] - merged["previous"]
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = merged["change"] / merged["previous"].abs() * 100
    merged["change_percent"] = relative.where(merged["previous"].fillna(0) != 0)
    merged["unit"] = np.where(merged["indicator"].isin(PERCENT_INDICATORS), "pp", "")

    compared = len(previous_facilities) > 0
    before = _located(previous_facilities, quarters)
    after = _located(current_facilities, quarters)
    if boundaries_changed:  # assessments of other quarters: nothing to compare
        transitions = pd.DataFrame(columns=TRANSITION_COLUMNS)
        causes = pd.DataFrame(columns=CAUSE_COLUMNS)
        methods = pd.DataFrame(columns=METHOD_COLUMNS)
    else:
        judged = ["quarter_id", "category", "status", "indicator", "basis", "value", "target"]
        status = previous_gaps.reindex(columns=judged).merge(
            current_gaps.reindex(columns=judged), on=["quarter_id", "category"],
            how="outer", suffixes=("_previous", "_current"))
        changed = status["status_previous"].fillna("") != status["status_current"].fillna("")
        status = status[changed]
        transitions = pd.DataFrame({
            "quarter_id": status["quarter_id"], "category": status["category"],
            "previous_status": status["status_previous"],
            "current_status": status["status_current"],
            "indicator": status["indicator_current"].fillna(status["indicator_previous"]),
            "previous_basis": status["basis_previous"], "current_basis": status["basis_current"],
            "previous_value": status["value_previous"], "current_value": status["value_current"],
            "previous_target": status["target_previous"],
            "current_target": status["target_current"]})
        # classes of the social index (status rows of the tidy table, category "")
        social = merged[(merged["indicator"] == "status_index")
                        & (merged["_previous_status"].fillna("")
                           != merged["_current_status"].fillna(""))]
        transitions = pd.concat([transitions, pd.DataFrame({
            "quarter_id": social["quarter_id"], "category": "status_index",
            "previous_status": social["_previous_status"],
            "current_status": social["_current_status"], "indicator": "status_index",
            "previous_value": social["previous"], "current_value": social["current"]})],
            ignore_index=True).reindex(columns=TRANSITION_COLUMNS)
        transitions = transitions.sort_values(["quarter_id", "category"]).reset_index(drop=True)
        methods, transitions = method_changes(transitions, previous_gaps, current_gaps)
        causes = transition_causes(
            transitions, previous_indicators=previous_indicators,
            current_indicators=current_indicators, previous_gaps=previous_gaps,
            current_gaps=current_gaps, before=before if compared else after[:0],
            after=after if compared else after[:0], quarters=quarters, reach=reach,
            default_reach=default_reach, members=members)
    merged = merged.drop(columns=["_previous_status", "_current_status"])
    merged["category"] = merged["category"].replace("", None)

    listed = ["facility_id", "name", "category", "field", "quarter_id"]
    opened = after[~after["facility_id"].isin(before["facility_id"])] if compared else after[:0]
    closed = before[~before["facility_id"].isin(after["facility_id"])]
    return Comparison(previous=previous, current=current,
                      indicators=merged.sort_values(keys, na_position="first")
                      .reset_index(drop=True),
                      transitions=transitions,
                      opened=opened[listed].sort_values("facility_id").reset_index(drop=True),
                      closed=closed[listed].sort_values("facility_id").reset_index(drop=True),
                      boundaries_changed=boundaries_changed,
                      previous_quarter_count=previous_quarter_count,
                      facilities_compared=compared, causes=causes,
                      method_changes=methods)


def compare_with_stored(store, study, results, history=None) -> Comparison | None:
    """Compare a study's results with the latest edition stored before it (None if none).

    Parameters
    ----------
    store : path
        The edition store (see :func:`quartier.editions.default_store_path`).
    study, results
        The current edition's study and :func:`quartier.compute` results.
    history : EditionHistory, optional
        From :func:`quartier.editions.history.load_history` for the same store and study:
        its indicators, already on the current quarters, are used instead of carrying the
        previous edition again.
    """
    from quartier.editions.store import list_editions, load_edition

    labels = [str(label) for label in list_editions(store)["label"]]
    label = previous_edition(labels, study.edition)
    if label is None:
        return None
    stored = load_edition(store, label)
    from quartier.editions.compat import upgrade_judgements

    stored = replace(stored, indicators=upgrade_judgements(stored.indicators),
                     gaps=upgrade_judgements(stored.gaps))
    from quartier.catalogue import combined_members
    from quartier.editions.history import carry_edition_indicators
    from quartier.editions.overlay import boundaries_changed

    if history is not None and label in history.labels:
        changed = label in history.carried
        previous_indicators = history.indicators[history.indicators["edition"] == label] \
            .drop(columns="edition").reset_index(drop=True)
    else:
        changed = boundaries_changed(stored.quarters, study.quarters)
        previous_indicators = (carry_edition_indicators(stored.indicators, stored.quarters,
                                                        study.quarters)
                               if changed else stored.indicators)
    return compare_editions(label, study.edition,
                            previous_indicators=previous_indicators,
                            current_indicators=results.indicators,
                            previous_gaps=stored.gaps, current_gaps=results.gaps,
                            previous_facilities=stored.facilities,
                            current_facilities=study.facilities, quarters=study.quarters,
                            boundaries_changed=changed,
                            previous_quarter_count=len(stored.quarters),
                            reach=category_reach(study.catalogue,
                                                 study.config.indicators.catchment_m),
                            default_reach=study.config.indicators.catchment_m,
                            members=combined_members(study.catalogue))
