"""All stored editions of a study side by side: indicator series and town-wide trend figures.

:func:`load_history` reads every edition stored before the current one and puts its indicator
values on the current quarters. Where the quarter boundaries of an older edition differ from
today's (the town redrew its quarters), the older values are carried over by area-weighted
interpolation (:mod:`quartier.editions.boundaries`); their assessments (Lücke / erfüllt /
unter dem Stadtmittel …) and social classes are not carried, because a class of an old quarter
says nothing reliable about a new quarter that only partly overlaps it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from quartier.editions.labels import edition_sort_key
from quartier.editions.overlay import boundaries_changed

if TYPE_CHECKING:
    import geopandas as gpd

    from quartier.compute import Results
    from quartier.study import Study

__all__ = ["EditionHistory", "EditionSnapshot", "carry_edition_indicators", "edition_history",
           "indicator_series",
           "load_history", "town_trends"]

#: Judgements of a quarter × category (standard and town kinds; not "not_assessed").
JUDGED_STATUSES = ("gap", "met", "well_above", "below_town", "town_average", "above_town")
#: Status classes of the social index counted as "low status" in the town-wide trend.
LOW_STATUS_CLASSES = ("niedrig", "sehr niedrig", "low", "very low")


@dataclass(frozen=True)
class EditionSnapshot:
    """What the trend figures need from one edition (stored or current)."""

    label: str
    quarters: gpd.GeoDataFrame
    indicators: pd.DataFrame
    gaps: pd.DataFrame
    status: pd.DataFrame | None
    facilities: pd.DataFrame


@dataclass(frozen=True)
class EditionHistory:
    """Every edition of a study up to the current one.

    Attributes
    ----------
    current : str
        Label of the current edition.
    labels : tuple of str
        All editions, oldest first, ending with ``current``.
    indicators : DataFrame
        Tidy indicator table of every edition (column ``edition``) on the *current* quarters;
        editions in ``carried`` were interpolated onto them (their ``status`` is empty).
    carried : tuple of str
        Editions whose quarter boundaries differ from the current ones.
    quarter_counts : dict
        Number of quarters per edition.
    town : DataFrame
        Town-wide figures per edition (see :func:`town_trends`).
    """

    current: str
    labels: tuple[str, ...]
    indicators: pd.DataFrame
    carried: tuple[str, ...]
    quarter_counts: dict[str, int]
    town: pd.DataFrame

    @property
    def previous_labels(self) -> tuple[str, ...]:
        """The labels of the editions before the current one, oldest first."""
        return self.labels[:-1]


def _on_current_quarters(snapshot: EditionSnapshot, current_quarters: gpd.GeoDataFrame
                         ) -> tuple[pd.DataFrame, bool]:
    """The snapshot's indicators on the current quarters, and whether they were carried."""
    if not boundaries_changed(snapshot.quarters, current_quarters):
        return snapshot.indicators, False
    return carry_edition_indicators(snapshot.indicators, snapshot.quarters,
                                    current_quarters), True


def carry_edition_indicators(indicators: pd.DataFrame, previous_quarters: gpd.GeoDataFrame,
                             current_quarters: gpd.GeoDataFrame) -> pd.DataFrame:
    """An edition's tidy indicators carried onto new quarter boundaries.

    Counts (the boundaries module's extensive indicators and ``residents``) are carried by
    area share; every other indicator as a mean weighted by the residents of the old quarters
    (by area where an edition has no residents).
    """
    from quartier.editions.boundaries import EXTENSIVE_INDICATORS, carry_indicators

    residents = indicators[indicators["indicator"] == "residents"]
    population = (residents.set_index("quarter_id")["value"].astype(float)
                  if len(residents) else None)
    return carry_indicators(indicators, previous_quarters, current_quarters,
                            extensive=(*EXTENSIVE_INDICATORS, "residents"),
                            population=population)


def edition_history(snapshots: Iterable[EditionSnapshot], current: EditionSnapshot
                    ) -> EditionHistory:
    """Combine earlier editions and the current one into an :class:`EditionHistory`."""
    ordered = sorted([s for s in snapshots if s.label != current.label],
                     key=lambda s: edition_sort_key(s.label))
    ordered = [s for s in ordered if edition_sort_key(s.label) < edition_sort_key(current.label)]
    frames, carried = [], []
    for snapshot in ordered:
        values, was_carried = _on_current_quarters(snapshot, current.quarters)
        frames.append(values.assign(edition=snapshot.label))
        if was_carried:
            carried.append(snapshot.label)
    frames.append(current.indicators.assign(edition=current.label))
    everything = [*ordered, current]
    return EditionHistory(
        current=current.label, labels=tuple(s.label for s in everything),
        indicators=pd.concat(frames, ignore_index=True), carried=tuple(carried),
        quarter_counts={s.label: len(s.quarters) for s in everything},
        town=town_trends(everything))


def load_history(store: str | Path, study: Study, results: Results) -> EditionHistory:
    """Every edition stored before ``study.edition`` plus the current results.

    An absent store gives a history of the current edition alone.
    """
    from quartier.editions.compat import upgrade_judgements
    from quartier.editions.store import list_editions, load_edition

    current = EditionSnapshot(study.edition, study.quarters, results.indicators, results.gaps,
                              results.social_index, study.facilities)
    snapshots = []
    if Path(store).exists():
        for label in list_editions(store)["label"]:
            label = str(label)
            if label == study.edition or \
                    edition_sort_key(label) > edition_sort_key(study.edition):
                continue
            stored = load_edition(store, label)
            snapshots.append(EditionSnapshot(label, stored.quarters,
                                             upgrade_judgements(stored.indicators),
                                             upgrade_judgements(stored.gaps), stored.status,
                                             stored.facilities))
    return edition_history(snapshots, current)


def town_trends(snapshots: Iterable[EditionSnapshot]) -> pd.DataFrame:
    """Town-wide figures per edition, counted on each edition's own quarters.

    Returns
    -------
    DataFrame
        One row per edition (index ``edition``) with ``quarters``, ``facilities`` (in the study
        area; NaN when the edition has no facility register), ``gaps`` (Lücken: judged
        against a standard), ``below_town`` (unter dem Stadtmittel: judged relative to the
        town, counted apart) and ``resources`` (quarter × category pairs),
        ``gaps_<field>`` (Lücken) per action field and
        ``low_status`` (quarters with a low or very low social status class; NaN without a
        social index).
    """
    from quartier.fields import FIELDS

    rows = []
    for s in snapshots:
        known = s.indicators.dropna(subset=["category"]).drop_duplicates("category")
        field_of = known.set_index("category")["field"]
        in_area = s.facilities["in_study_area"] if "in_study_area" in s.facilities else None
        row: dict[str, object] = {
            "edition": s.label, "quarters": len(s.quarters),
            "facilities": (float(in_area.sum()) if in_area is not None else float(len(
                s.facilities))) if len(s.facilities) else np.nan}
        assessed = s.gaps[s.gaps["status"].isin(JUDGED_STATUSES)]
        if len(assessed):
            gap = assessed["status"] == "gap"
            if "basis" in assessed.columns:
                gap &= assessed["basis"] == "standard"
            row["gaps"] = float(gap.sum())
            row["below_town"] = float((assessed["status"] == "below_town").sum())
            # a Ressource stands apart from the judgement: counted in every row (also where
            # a quarter with few residents holds facilities that serve its neighbours)
            row["resources"] = (float(s.gaps["resource"].fillna(False).astype(bool).sum())
                                if "resource" in s.gaps.columns else np.nan)
            fields = assessed["category"].map(field_of)
            for key in FIELDS:
                row[f"gaps_{key}"] = float((gap & (fields == key)).sum())
        else:
            row.update({"gaps": np.nan, "below_town": np.nan, "resources": np.nan,
                        **{f"gaps_{key}": np.nan for key in FIELDS}})
        if s.status is not None and "status_class" in s.status.columns:
            row["low_status"] = float(s.status["status_class"].isin(LOW_STATUS_CLASSES).sum())
        else:
            row["low_status"] = np.nan
        rows.append(row)
    return pd.DataFrame(rows).set_index("edition")


def indicator_series(history: EditionHistory) -> pd.DataFrame:
    """Every indicator of every quarter with one column per edition, oldest first.

    Columns: ``quarter_id``, ``category``, ``indicator``, ``unit`` (of the current edition),
    one column per edition label, then ``change`` (current − previous edition) and
    ``change_first`` (current − oldest edition with a value). Changes of shares in % are in
    percentage points (unit ``%``).
    """
    table = history.indicators.copy()
    table["category"] = table["category"].fillna("")
    units = (table[table["edition"] == history.current]
             .drop_duplicates(["category", "indicator"])
             .set_index(["category", "indicator"])["unit"])
    wide = table.pivot_table(index=["quarter_id", "category", "indicator"], columns="edition",
                             values="value", aggfunc="first", dropna=False)
    wide = wide.reindex(columns=list(history.labels))
    current = wide[history.current]
    if len(history.labels) > 1:
        wide["change"] = current - wide[history.labels[-2]]
        first = wide[list(history.labels[:-1])].bfill(axis=1).iloc[:, 0]
        wide["change_first"] = current - first
    else:
        wide["change"] = np.nan
        wide["change_first"] = np.nan
    wide.columns.name = None
    result = wide.reset_index()
    keys = pd.MultiIndex.from_frame(result[["category", "indicator"]])
    result.insert(3, "unit", units.reindex(keys).to_numpy())
    result["category"] = result["category"].replace("", None)
    return result.dropna(subset=list(history.labels), how="all").reset_index(drop=True)
