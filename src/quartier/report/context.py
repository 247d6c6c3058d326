"""The report's content as plain data (dicts and lists), computed from a study and its results.

:func:`report_context` composes one builder per chapter; each returns that chapter's context:

========================  =====================================================
summary                   :func:`quartier.report.judgement_context.summary_context`
changes                   :func:`changes_chapter` (:mod:`quartier.report.changes`)
basis (and methods)       :func:`quartier.report.basis_context.basis_chapter`
action fields             :func:`quartier.report.field_context.field_chapters`
social status, dynamics   :func:`quartier.report.social_context.social_chapter`
profiles                  :func:`quartier.report.quarter_profiles.profiles_chapter`
partners, measures, …     :func:`quartier.report.network_context.network_context`
appendix                  :func:`quartier.report.appendix_context.appendix_chapter`
========================  =====================================================

The templates only lay this out; every number shown comes from ``results`` through
:func:`format_indicator`, so a test can compare the report with the results table.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable

from quartier import __version__
from quartier.compute import Results
from quartier.editions.compare import Comparison
from quartier.editions.history import EditionHistory
from quartier.format import format_date
from quartier.partners.analysis import PartnerAnalysis, analyse_partners
from quartier.report.appendix_context import CATEGORY_INDICATORS, appendix_chapter
from quartier.report.basis_context import basis_chapter
from quartier.report.changes import changes_context
from quartier.report.field_context import field_chapters
from quartier.report.formatting import format_indicator
from quartier.report.inputs import ReportInputs, report_inputs
from quartier.report.judgement_context import summary_context
from quartier.report.network_context import network_context
from quartier.report.quarter_profiles import profiles_chapter
from quartier.report.social_context import social_chapter
from quartier.study import Study

__all__ = ["format_indicator", "report_context", "changes_chapter", "LARGE_STUDY",
           "CATEGORY_INDICATORS"]

#: From this many quarters on, profiles and the appendix go on pages of their own.
LARGE_STUDY = 50


def report_context(study: Study, results: Results, *, downloads: dict[str, str] | None = None,
                   interactive_map: str = "", figures: Callable[..., str] | None = None,
                   comparison: Comparison | None = None,
                   history: EditionHistory | None = None,
                   partners: PartnerAnalysis | None = None) -> dict:
    """Everything the templates need, as plain data.

    Parameters
    ----------
    study, results
        The loaded study and :func:`quartier.compute` results.
    downloads : dict, optional
        Link target (relative file name) per download key (``csv``, ``gaps``, ``xlsx``, ``gpkg``).
    interactive_map : str
        HTML of the interactive map (an ``<iframe srcdoc>``), empty for none.
    figures : callable, optional
        ``figures(kind, **kw) -> str`` returning an ``<img>`` data URI for a map; None skips
        static maps (used by fast tests).
    comparison : Comparison, optional
        Changes since the previous stored edition (chapter and profile lines); None for the
        first edition.
    history : EditionHistory, optional
        All stored editions up to this one (trend table, chart and profile trend lines).
    partners : PartnerAnalysis, optional
        Partners, measures and concerns computed once for the report and its exports
        (:func:`quartier.partners.analysis.analyse_partners`); computed here when missing.
    """
    inputs = report_inputs(study, results, large=len(study.quarters) > LARGE_STUDY)
    language, text, maps = inputs.language, inputs.text, figures is not None
    summary = summary_context(study.name, inputs.gaps, results, study.catalogue, inputs.names,
                              inputs.residents, inputs.labels, language, inputs.large,
                              study.config.indicators.min_population,
                              remote_radius_m=study.config.indicators.remote_radius_m,
                              remote_share_flag=study.config.indicators.remote_share_flag)
    ranking = summary.pop("ranking")
    changes = changes_chapter(inputs, comparison, history, chart=maps)
    if partners is None:
        partners = analyse_partners(study, results, history)
    network = network_context(study, results, history, language, maps=maps, partners=partners)
    profiles, groups = profiles_chapter(inputs, ranking, changes=changes, comparison=comparison,
                                        history=history, network=network, maps=maps,
                                        partners=partners)
    return {
        "lang": language, "text": text, "study": study.name, "edition": study.edition,
        "large": inputs.large, "summary": summary,
        "basis": basis_chapter(inputs, interactive_map),
        "fields": field_chapters(inputs, figures), "changes": changes, "network": network,
        "social": (social_chapter(results.social_index, study, inputs.names, language, figures)
                   if results.social_index is not None else None),
        "profiles": profiles, "appendix": appendix_chapter(inputs), "quarter_groups": groups,
        "appendix_indicators": [{"key": i, "label": text[i]} for i in CATEGORY_INDICATORS],
        "downloads": downloads or {},
        "generated": text["created"].format(date=format_date(_dt.date.today(), language),
                                            version=__version__),
    }


def changes_chapter(inputs: ReportInputs, comparison: Comparison | None,
                    history: EditionHistory | None = None, *, chart: bool = True
                    ) -> dict | None:
    """Context of the chapter "Veränderungen seit der letzten Fortschreibung"; None for the
    first edition (:func:`quartier.report.changes.changes_context`).
    """
    if comparison is None:
        return None
    catalogue, language = inputs.study.catalogue, inputs.language
    column = f"capacity_unit_{language}"
    units = ({c: str(catalogue.at[c, column] or "") for c in catalogue.index}
             if column in catalogue else {})
    return changes_context(comparison, inputs.names, inputs.labels, language, history=history,
                           chart=chart, units=units)
