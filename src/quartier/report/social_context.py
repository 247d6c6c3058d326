"""The report's chapter "Sozialer Status und Dynamik": the index table, what the index and its
classes mean, and the map of the status classes.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from quartier.format import format_number
from quartier.indicators.mss import (
    DEFAULT_THRESHOLDS,
    DYNAMICS_CLASSES,
    DYNAMICS_SIGNS,
    STATUS_CLASSES,
)
from quartier.indicators.registry import social_class_label as class_label
from quartier.report.formatting import format_indicator
from quartier.report.texts import texts
from quartier.study import Study

__all__ = ["dynamics_class_ranges", "social_chapter", "status_class_ranges"]

#: Colours of the status class map: a sequential blue–purple scheme (light = hoch, dark = sehr
#: niedrig), apart from the red–green traffic light of the judgements.
STATUS_CMAP = "BuPu"


def _ranges(limits: list[float], language: str) -> list[str]:
    """Index ranges of classes bounded by ``limits``: below the first, between, above the last.

    The first class is open below (x < l₁), the second closed (l₁ ≤ x ≤ l₂), the others open
    below (lᵢ < x ≤ lᵢ₊₁), the last open above (x > lₙ) – the class rule of
    :func:`quartier.status_index`.
    """
    text = texts(language)

    def fmt(value: float) -> str:
        shown = format_number(abs(value), 1 if value != int(value) else 0, language)
        return ("−" if value < 0 else "") + shown

    ranges = [text["mss_range_bottom"].format(upper=fmt(limits[0]))]
    for number, (lower, upper) in enumerate(zip(limits[:-1], limits[1:], strict=True)):
        key = "mss_range_middle" if number == 0 else "mss_range_open"
        ranges.append(text[key].format(lower=fmt(lower), upper=fmt(upper)))
    ranges.append(text["mss_range_top"].format(lower=fmt(limits[-1])))
    return ranges


def status_class_ranges(language: str = "de") -> list[str]:
    """Legend labels of the four status classes with their index ranges.

    Examples
    --------
    >>> status_class_ranges()
    ['hoch (unter −1)', 'mittel (−1 bis 1)', 'niedrig (über 1 bis 1,5)', 'sehr niedrig (über 1,5)']
    """
    limits = [DEFAULT_THRESHOLDS[f"status_{c}"] for c in ("hoch", "mittel", "niedrig")]
    return [f"{class_label(c, language)} ({r})"
            for c, r in zip(STATUS_CLASSES, _ranges(limits, language), strict=True)]


def dynamics_class_ranges(language: str = "de") -> list[str]:
    """The three dynamics classes with their index ranges and signs.

    Examples
    --------
    >>> dynamics_class_ranges("en")[0]
    'positive (+, below −1)'
    """
    limits = [DEFAULT_THRESHOLDS["dynamics_positiv"], DEFAULT_THRESHOLDS["dynamics_stabil"]]
    return [f"{class_label(c, language)} ({DYNAMICS_SIGNS[c]}, {r})"
            for c, r in zip(DYNAMICS_CLASSES, _ranges(limits, language), strict=True)]


def _enumeration(items: list[str], language: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {texts(language)['and']} " + items[-1]


def social_chapter(social: pd.DataFrame, study: Study, names: pd.Series, language: str,
                   figures: Callable[..., str] | None = None) -> dict:
    """Context of the chapter "Sozialer Status und Dynamik".

    Parameters
    ----------
    social : DataFrame
        ``results.social_index`` (:func:`quartier.indicators.social.social_status`), by quarter id.
    study : Study
        For the indicator names and the dynamics settings.
    names : Series
        Quarter names by id, in the report's order.
    figures : callable, optional
        The report's map callback; None draws no map.

    Returns
    -------
    dict
        ``lead``, ``explain`` (paragraphs: direction of the index, the status classes, the
        dynamics classes, the combined class such as ``2+/-``), ``rows`` (class names in the
        report's language), ``map`` (status classes with their index ranges in the legend)
        and ``map_alt``.
    """
    from quartier.report.profile_context import column_label

    text = texts(language)
    fmt = lambda v, d=0: format_number(v, d, language)  # noqa: E731
    settings = study.config.indicators.status_index
    assert settings is not None, "a social index is computed only with [indicators.status_index]"
    year = int(social["year"].iloc[0])
    indicators = _enumeration([column_label(c, language) for c in settings.status], language)
    explain = [text["social_explain_status"].format(indicators=indicators),
               text["social_explain_classes"].format(
                   classes="; ".join(f"{n} {label}" for n, label in enumerate(
                       status_class_ranges(language), start=1)))]
    if social["dynamics_class"].notna().any():
        what = (text["social_dynamics_named"].format(names=_enumeration(
            [column_label(c, language) for c in settings.dynamics], language))
                if settings.dynamics else
                text["social_dynamics_since"].format(year=year - settings.dynamics_years))
        explain.append(text["social_explain_dynamics"].format(
            what=what, classes="; ".join(dynamics_class_ranges(language))))
        explain.append(text["social_explain_combined"])
    else:
        explain.append(text["social_explain_no_dynamics"])
    rows = [{"id": q, "name": names.get(q, q),
             "status_index": _index(row["status_index"], language),
             "status_class": class_label(row["status_class"], language),
             "dynamics_index": _index(row["dynamics_index"], language),
             "dynamics_class": class_label(row["dynamics_class"], language),
             "combined": row["combined_class"] or "–"}
            for q, row in social.reindex(names.index).iterrows() if not pd.isna(row["year"])]
    title = text["social_map"].format(year=year)
    image = ""
    if figures is not None:
        numbers = social["status_class_number"].astype("Float64").astype(float)
        image = figures("index", values=numbers, title=title, breaks=[1, 2, 3],
                        class_labels=status_class_ranges(language),
                        legend_title=text["social_legend"], cmap=STATUS_CMAP,
                        diverging_center=None)
    return {"lead": text["social_lead"].format(year=year, included=fmt(social["included"].sum())),
            "explain": explain, "rows": rows, "map": image, "map_alt": title,
            "legend": status_class_ranges(language)}


def _index(value: float, language: str) -> str:
    return format_indicator(value, "status_index", language)
