"""What every chapter builder of the report reads: the study, its results and the few tables
derived from them once (names, residents, areas, prepared judgements, category labels).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from quartier.catalogue import category_labels
from quartier.compute import Results
from quartier.format import format_number
from quartier.report.judgement_context import prepared_gaps
from quartier.report.texts import texts
from quartier.study import Study

__all__ = ["ReportInputs", "report_inputs", "residents_per_quarter"]


def residents_per_quarter(results: Results, quarter_ids) -> pd.Series:
    """Residents per quarter as :func:`quartier.compute` stored them (:attr:`Results.quarters`).

    Parameters
    ----------
    results : Results
    quarter_ids : sequence of str
        The order of the returned Series; a quarter without a row gets 0.

    Returns
    -------
    Series
        Residents by ``quarter_id``.
    """
    assert results.quarters is not None, "results of quartier.compute carry Results.quarters"
    return results.quarters["residents"].reindex(pd.Index(quarter_ids, name="quarter_id"),
                                                 fill_value=0.0)


@dataclass(frozen=True)
class ReportInputs:
    """The study, its results and what the chapters derive from them once.

    Attributes
    ----------
    study, results
        The loaded study and :func:`quartier.compute` results.
    language : {"de", "en"}
    text : dict
        The report's texts in ``language`` (:mod:`quartier.report.texts`).
    labels : dict
        Category key → label in ``language``.
    quarters : DataFrame
        ``quarter_id`` and ``name`` in the study's order.
    names : Series
        Quarter name by ``quarter_id``.
    residents : Series
        Residents by ``quarter_id`` (:func:`residents_per_quarter`).
    area_km2 : Series
        Area in km² by ``quarter_id``.
    gaps : DataFrame
        The judgements prepared for the report (:func:`prepared_gaps`).
    categories : list of str
        The judged categories in the order of ``gaps``.
    judged : DataFrame
        ``gaps`` indexed by ``quarter_id`` and ``category``.
    large : bool
        Profiles and the appendix go on pages of their own.
    """

    study: Study
    results: Results
    language: str
    text: dict
    labels: dict[str, str]
    quarters: pd.DataFrame
    names: pd.Series
    residents: pd.Series
    area_km2: pd.Series
    gaps: pd.DataFrame
    categories: list[str]
    judged: pd.DataFrame
    large: bool

    def number(self, value: float, decimals: int = 0) -> str:
        """``value`` in the report's number format."""
        return format_number(value, decimals, self.language)


def report_inputs(study: Study, results: Results, *, large: bool) -> ReportInputs:
    """Derive the shared tables of :class:`ReportInputs` from a study and its results."""
    language = study.config.language
    quarters = study.quarters[["quarter_id", "name"]].copy()
    gaps = prepared_gaps(results.gaps, study.catalogue)
    assert results.quarters is not None, "results of quartier.compute carry Results.quarters"
    return ReportInputs(
        study=study, results=results, language=language, text=texts(language),
        labels=category_labels(study.catalogue, language), quarters=quarters,
        names=quarters.set_index("quarter_id")["name"],
        residents=residents_per_quarter(results, quarters["quarter_id"]),
        area_km2=results.quarters["area_km2"].reindex(quarters["quarter_id"]),
        gaps=gaps, categories=list(dict.fromkeys(gaps["category"])),
        judged=gaps.set_index(["quarter_id", "category"]), large=large)
