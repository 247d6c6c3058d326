"""The chapters of the six action fields (Handlungsfelder) as plain data: one table of the
judged indicator per quarter and category, the maps and the distance models compared.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from quartier.fields import FIELDS, field_label
from quartier.report.distance_context import distance_comparison_context
from quartier.report.formatting import format_indicator
from quartier.report.inputs import ReportInputs
from quartier.report.judgement_context import judgement_counts, row_need_text, status_cell

__all__ = ["field_chapters", "field_chapter"]


def field_chapters(inputs: ReportInputs, figures: Callable[..., str] | None = None
                   ) -> list[dict]:
    """One chapter per action field, in the order of :data:`quartier.fields.FIELDS`."""
    records = inputs.judged.to_dict("index")
    return [field_chapter(inputs, key, records, figures) for key in FIELDS]


def field_chapter(inputs: ReportInputs, key: str, records: dict[tuple[str, str], dict],
                  figures: Callable[..., str] | None = None) -> dict:
    """Context of the chapter of action field ``key``.

    Parameters
    ----------
    inputs : ReportInputs
    key : str
        The action field.
    records : dict
        ``inputs.judged`` as ``{(quarter_id, category): row}``.
    figures : callable, optional
        ``figures("status", …) -> str`` for the map of each category; None for no maps.

    Returns
    -------
    dict
        ``key``, ``label``, ``lead``, ``columns`` (per category), ``rows`` (per quarter, one
        cell per category), ``maps`` and ``distance_comparison``.
    """
    text, language, labels = inputs.text, inputs.language, inputs.labels
    catalogue, fmt = inputs.study.catalogue, inputs.number
    own = [c for c in inputs.categories if catalogue.at[c, "field"] == key]
    of_category = {c: inputs.judged.xs(c, level="category") for c in own}
    counts = judgement_counts(inputs.gaps[inputs.gaps["field"] == key])
    return {
        "key": key, "label": field_label(key, language),
        "lead": (text["field_lead"].format(
            n=fmt(len(own)), standard=fmt(counts["standard_categories"]),
            town=fmt(counts["town_categories"]), gaps=fmt(counts["gap"]),
            below=fmt(counts["below_town"]), resources=fmt(counts["resource"]))
            if own else text["field_none"]),
        "columns": [_column(c, rows, inputs) for c, rows in of_category.items()],
        "rows": [{"id": q, "name": inputs.names[q],
                  "cells": [_cell(records[(q, c)], c, inputs) for c in own]}
                 for q in inputs.quarters["quarter_id"]] if own else [],
        "maps": ([_map(c, rows, inputs, figures) for c, rows in of_category.items()]
                 if figures is not None else []),
        "distance_comparison": distance_comparison_context(
            inputs.results, own, inputs.names, labels, text, language),
    }


def _column(category: str, rows: pd.DataFrame, inputs: ReportInputs) -> dict:
    text = inputs.text
    bases = set(rows["basis"])
    reference = (text["target"] if "standard" in bases else
                 text["median_basis"] if "town" in bases else text["not_assessed"])
    indicator = rows["indicator"].iloc[0]
    return {"key": category, "label": inputs.labels.get(category, category),
            "indicator": text.get(indicator, indicator), "basis": reference}


def _cell(row: dict, category: str, inputs: ReportInputs) -> dict:
    language = inputs.language
    record = {**row, "category": category}
    return {"value": format_indicator(record["value"], record["indicator"], language),
            "status": status_cell(record, language),
            "need": row_need_text(record, inputs.study.catalogue, inputs.labels, language),
            "raw": record["value"], "indicator": record["indicator"], "category": category}


def _map(category: str, rows: pd.DataFrame, inputs: ReportInputs,
         figures: Callable[..., str]) -> dict:
    label = inputs.labels.get(category, category)
    return {"label": label,
            "img": figures("status", status=rows["status"], resource=rows["resource"],
                           title=label),
            "alt": inputs.text["map_of"].format(label=label)}
