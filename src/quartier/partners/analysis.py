"""Partners, measures and concerns of one study, computed once for every reader.

The report's chapters and quarter profiles, the public tables beside the report and the
internal register all read one :class:`PartnerAnalysis` from :func:`analyse_partners`: the
partner register, the protected concern counts (the disclosure audit solves linear programs),
the budget tables and the movement of each measure's target. Nothing is cached; the caller
passes the result on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from quartier.compute import Results
from quartier.editions.history import EditionHistory
from quartier.load.concerns import concern_settings
from quartier.partners.concerns import Protection, published_concerns
from quartier.partners.measures import (
    budget_by_field,
    budget_by_quarter,
    measures_per_gap,
    target_movement,
)
from quartier.partners.partners import partner_register
from quartier.study import Study

__all__ = ["PartnerAnalysis", "analyse_partners", "history_tables", "study_concerns",
           "study_register"]


@dataclass(frozen=True)
class PartnerAnalysis:
    """What :func:`analyse_partners` returns; every entry is None when the study lacks its data.

    Attributes
    ----------
    register : DataFrame or None
        The partner register (:func:`~quartier.partners.partners.partner_register`) with contact
        data: publish only :func:`~quartier.partners.partners.public_view` of it.
    concerns : Protection or None
        The concern counts with small counts protected
        (:func:`~quartier.partners.concerns.published_concerns`, the study's ``min_count`` and
        ``period``).
    measures : DataFrame or None
        The study's measures (None also for an empty table).
    budget_by_field, budget_by_quarter : DataFrame or None
        :func:`~quartier.partners.measures.budget_by_field`; budget per quarter with a measure
        in several quarters split evenly (``split="even"``).
    measures_per_gap : DataFrame or None
        Every open gap with the measures that address it.
    target_movement : DataFrame or None
        How each measure's target indicator moved since the edition it started in.
    history_labels : tuple of str
        The stored editions before this one that ``target_movement`` compared with.
    """

    register: pd.DataFrame | None
    concerns: Protection | None
    measures: pd.DataFrame | None
    budget_by_field: pd.DataFrame | None
    budget_by_quarter: pd.DataFrame | None
    measures_per_gap: pd.DataFrame | None
    target_movement: pd.DataFrame | None
    history_labels: tuple[str, ...] = ()


def study_register(study: Study) -> pd.DataFrame | None:
    """The partner register of a study; None without actors and facilities.

    Examples
    --------
    >>> from quartier.sample import sample_study
    >>> register = study_register(sample_study())
    >>> {"organisation", "source", "quarters"} <= set(register.columns)
    True
    """
    if study.actors is None and (study.facilities is None or not len(study.facilities)):
        return None
    return partner_register(study.actors, study.facilities, study.quarters)


def study_concerns(study: Study) -> Protection | None:
    """The protected concern counts of a study with its ``min_count`` and ``period``; None
    without concerns.

    Examples
    --------
    >>> from quartier.sample import sample_study
    >>> protection = study_concerns(sample_study())
    >>> protection is None or protection.threshold >= 1
    True
    """
    if study.concerns is None:
        return None
    threshold, period = concern_settings(study.config.concerns)
    return published_concerns(study.concerns, list(study.quarters["quarter_id"]),
                              threshold=threshold, period=period)


def history_tables(history: Mapping[str, pd.DataFrame] | EditionHistory | None
                   ) -> dict[str, pd.DataFrame]:
    """``{label: indicators}`` of the stored editions before the current one.

    Accepts such a mapping or a :class:`quartier.editions.history.EditionHistory`.

    Examples
    --------
    >>> history_tables(None)
    {}
    >>> list(history_tables({2024: pd.DataFrame()}))
    ['2024']
    """
    if history is None:
        return {}
    if isinstance(history, EditionHistory):
        table = history.indicators
        return {str(label): table[table["edition"] == label].drop(columns="edition")
                for label in history.previous_labels}
    return {str(label): table for label, table in dict(history).items()}


def analyse_partners(study: Study, results: Results,
                     history: Mapping[str, pd.DataFrame] | EditionHistory | None = None
                     ) -> PartnerAnalysis:
    """The partner register, protected concerns, budgets and target movement of a study, once.

    Parameters
    ----------
    study, results
        The loaded study and its :func:`quartier.compute` results.
    history : mapping of str to DataFrame or EditionHistory, optional
        Stored editions' indicator tables by label, on the current quarters (for the movement
        of measures' targets); an :class:`~quartier.editions.history.EditionHistory` gives its
        editions before the current one.

    Returns
    -------
    PartnerAnalysis
        Read by the report (:func:`quartier.report.network_context.network_context`, the
        quarter profiles) and the tables of :mod:`quartier.partners.export`.

    Examples
    --------
    >>> from quartier.sample import sample_results, sample_study
    >>> partners = analyse_partners(sample_study(), sample_results())
    >>> partners.register is not None, partners.history_labels
    (True, ())
    """
    tables = history_tables(history)
    measures = study.measures if study.measures is not None and len(study.measures) else None
    quarter_ids = list(study.quarters["quarter_id"])
    return PartnerAnalysis(
        register=study_register(study), concerns=study_concerns(study), measures=measures,
        budget_by_field=None if measures is None else budget_by_field(measures),
        budget_by_quarter=(None if measures is None else
                           budget_by_quarter(measures, quarter_ids, split="even")),
        measures_per_gap=None if measures is None else measures_per_gap(measures, results.gaps),
        target_movement=(None if measures is None else target_movement(
            measures, results.indicators, tables, current_edition=study.edition)),
        history_labels=tuple(tables))
