"""The report's distance model: the methods paragraph and the straight-line/walk comparison."""

from __future__ import annotations

from typing import Any

import pandas as pd

from quartier.format import format_number, format_percent
from quartier.indicators.distance_model import NETWORK, coverage_disagreement

__all__ = ["distance_method_text", "distance_comparison_context"]


def distance_method_text(results: Any, network: Any, labels: dict[str, str],
                         text: dict[str, Any], language: str) -> list[str]:
    """Paragraphs naming the distance model of every category; empty when all are straight.

    Parameters
    ----------
    results : Results
        With ``distance_models`` (:func:`quartier.compute`).
    network : NetworkConfig
        ``study.config.network`` (file and walking speed).
    labels : dict
        Category labels.
    text : dict
        The report texts of ``language``.
    """
    models = getattr(results, "distance_models", {}) or {}
    walked = [labels.get(c, c) for c, model in models.items() if model == NETWORK]
    if not walked:
        return []
    speed = network.speed_kmh
    paragraphs = [text["distance_model_network"].format(
        categories=", ".join(walked), source=network.path.name if network.path else "–",
        speed=format_number(speed, 1, language),
        metres=format_number(speed * 1000 / 60, 0, language))]
    straight = [labels.get(c, c) for c, model in models.items() if model != NETWORK]
    if straight:
        paragraphs.append(text["distance_model_straight"].format(
            categories=", ".join(straight)))
    return paragraphs


def distance_comparison_context(results: Any, categories: list[str], names: pd.Series,
                                labels: dict[str, str], text: dict[str, Any],
                                language: str, top: int = 5) -> dict[str, Any] | None:
    """For one category of a field, the quarters whose coverage drops most on the network.

    The category is the one of ``categories`` (a field's) with the largest single drop
    (:func:`quartier.indicators.distance_model.coverage_disagreement`); None when no category
    of the field was measured on the network or none has a coverage.
    """
    comparison = getattr(results, "distance_comparison", None)
    if comparison is None:
        return None
    best, best_rows = None, None
    for category in categories:
        rows = coverage_disagreement(comparison, category, top)
        if len(rows) and (best_rows is None or rows["drop"].iloc[0] > best_rows["drop"].iloc[0]):
            best, best_rows = category, rows
    if best is None or best_rows is None:
        return None
    percent = lambda v: format_percent(v, 1, language)  # noqa: E731
    return {"title": text["distance_compare_title"].format(category=labels.get(best, best)),
            "lead": text["distance_compare_lead"],
            "rows": [{"id": row.quarter_id, "name": names.get(row.quarter_id, row.quarter_id),
                      "straight": percent(row.coverage_straight),
                      "network": percent(row.coverage_network),
                      "drop": format_number(row.drop, 1, language)}
                     for row in best_rows.itertuples()]}
