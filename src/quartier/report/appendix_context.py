"""The appendix (Anhang) as plain data: every indicator of every category per quarter."""

from __future__ import annotations

from quartier.catalogue import reference_group_label
from quartier.fields import field_label
from quartier.report.formatting import format_indicator
from quartier.report.inputs import ReportInputs

__all__ = ["appendix_chapter", "CATEGORY_INDICATORS"]

#: The indicators of each category, in the order of the appendix's columns.
CATEGORY_INDICATORS = ("population", "count", "capacity", "supply_rate", "median_distance",
                       "coverage", "fca_access")


def appendix_chapter(inputs: ReportInputs) -> list[dict]:
    """One table per judged category: ``key``, ``label``, ``field``, ``group`` (reference
    group) and ``rows`` (per quarter one cell per :data:`CATEGORY_INDICATORS`).
    """
    language, catalogue = inputs.language, inputs.study.catalogue
    indicators = inputs.results.indicators
    per_category = indicators[indicators["category"].notna()]
    wide = per_category.pivot_table(index=["category", "quarter_id"], columns="indicator",
                                    values="value", aggfunc="first", dropna=False)
    quarter_ids, names = inputs.quarters["quarter_id"], inputs.quarters["name"]
    tables = []
    for c in inputs.categories:
        block = wide.xs(c, level="category").reindex(index=quarter_ids,
                                                      columns=list(CATEGORY_INDICATORS))
        tables.append({
            "key": c, "label": inputs.labels.get(c, c),
            "field": field_label(catalogue.at[c, "field"], language),
            "group": reference_group_label(catalogue.at[c, "reference_group"], language),
            "rows": [{"id": q, "name": name,
                      "cells": [{"indicator": i, "raw": v,
                                 "value": format_indicator(v, i, language)}
                                for i, v in zip(CATEGORY_INDICATORS, row.tolist(),
                                                strict=True)]}
                     for q, name, row in zip(quarter_ids, names,
                                             block.to_numpy(dtype=float), strict=True)],
        })
    return tables
