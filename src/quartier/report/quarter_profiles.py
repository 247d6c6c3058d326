"""The chapter "Quartiersprofile" (quarter profiles, Steckbriefe) as plain data.

Each profile gathers: residents and age structure, the quarter's position in the town (rank by
residents, Lücken, rank by need, social classes), its judgements per action field, the changes
since the previous edition and trend lines, network lines, and the working parts of
:func:`quartier.report.profile_context.profile_parts` (facilities, partners, measures, housing,
social values, concerns, map) with the links to find a quarter.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from quartier.editions.compare import Comparison
from quartier.editions.history import EditionHistory
from quartier.fields import FIELDS, field_label
from quartier.format import format_number, format_percent
from quartier.indicators.registry import social_class_label
from quartier.load.population import age_band_limits, age_bands
from quartier.partners.analysis import PartnerAnalysis
from quartier.report.changes import quarter_trends
from quartier.report.formatting import format_indicator
from quartier.report.inputs import ReportInputs
from quartier.report.judgement_context import (
    check_location_note,
    judgement_counts_by_quarter,
    reference_cell,
    row_need_text,
    status_cell,
)
from quartier.report.profile_context import neighbour_links, profile_parts, quarter_groups

__all__ = ["profiles_chapter", "profile_summaries"]


def profiles_chapter(inputs: ReportInputs, ranking: pd.DataFrame, *,
                     changes: dict | None = None, comparison: Comparison | None = None,
                     history: EditionHistory | None = None, network: dict | None = None,
                     maps: bool = False, partners: PartnerAnalysis | None = None
                     ) -> tuple[list[dict], list[dict]]:
    """Every quarter's profile and the groups of quarters to find them by.

    Parameters
    ----------
    inputs : ReportInputs
    ranking : DataFrame
        :func:`quartier.priorities` of the summary (rank by need).
    changes : dict, optional
        The change chapter's context (its ``per_quarter`` lines).
    comparison : Comparison, optional
        Changes since the previous stored edition (titles of the change lines).
    history : EditionHistory, optional
        All stored editions (trend lines).
    network : dict, optional
        The network chapters' context (its ``per_quarter`` lines).
    maps : bool
        Draw the small map of each quarter.
    partners : PartnerAnalysis, optional
        The partner register and protected concerns computed once for the report.

    Returns
    -------
    profiles : list of dict
        One per quarter in the study's order.
    groups : list of dict
        :func:`quartier.report.profile_context.quarter_groups`.
    """
    text, language = inputs.text, inputs.language
    profiles = profile_summaries(inputs, ranking)
    trends = quarter_trends(history, language) if history is not None else {}
    per_quarter_changes = changes["per_quarter"] if changes else {}
    network_lines = network["per_quarter"] if network else {}
    parts = profile_parts(inputs.study, list(inputs.quarters["quarter_id"]), inputs.labels,
                          language, maps=maps, partners=partners)
    groups = quarter_groups(inputs.quarters, inputs.study, language)
    steps = neighbour_links(groups)
    for p in profiles:
        q = p["id"]
        p["changes"] = per_quarter_changes.get(q, []) if changes else None
        p["changes_title"] = (text["profile_changes"].format(previous=comparison.previous)
                              if comparison is not None else "")
        p["changes_none"] = (text["profile_no_changes"].format(previous=comparison.previous)
                             if comparison is not None else "")
        p["trends"] = trends.get(q, [])
        p["network"] = network_lines.get(q, [])
        p.update(parts.get(q, {}))
        p.update(steps.get(q, {}))
    return profiles, groups


def profile_summaries(inputs: ReportInputs, ranking: pd.DataFrame) -> list[dict]:
    """Per quarter: ``id``, ``name``, ``residents``, ``ages`` (age table), ``fields``
    (judgements per action field) and ``position`` (sentences on its place in the town).
    """
    ages = _age_rows(inputs)
    fields = _field_tables(inputs)
    positions = _positions(inputs, ranking)
    return [{"id": q, "name": name, "residents": inputs.number(inputs.residents[q]),
             "ages": ages.get(q, []), "fields": fields.get(q, []), "position": positions[q]}
            for q, name in zip(inputs.quarters["quarter_id"], inputs.quarters["name"],
                               strict=True)]


def _age_rows(inputs: ReportInputs) -> dict[str, list[dict]]:
    """Per quarter the rows of its age table: band, residents, share and bar width."""
    text, language = inputs.text, inputs.language
    surface = inputs.results.surface
    bands = age_bands(surface.columns)
    if not bands:
        return {}
    labels = []
    for band in bands:
        lower, upper = age_band_limits(band)
        labels.append(f"{lower}–{upper} {text['years']}" if upper is not None
                      else f"{lower} {text['years_plus']}")
    ages = surface.groupby("quarter_id")[bands].sum()
    rows: dict[str, list[dict]] = {}
    for q, values in zip(ages.index, ages.to_numpy(dtype=float), strict=True):
        total = inputs.residents.get(q, 0.0)
        if not total > 0:
            continue
        shares = values / total * 100
        rows[q] = [{"label": label, "value": inputs.number(value),
                    "share": format_percent(share, 1, language),
                    "width": f"{min(share * 3, 100):.1f}"}
                   for label, value, share in zip(labels, values.tolist(), shares.tolist(),
                                                  strict=True)]
    return rows


def _field_tables(inputs: ReportInputs) -> dict[str, list[dict]]:
    """Per quarter its judgements grouped by action field (count, capacity, value, reference,
    judgement and need per category).
    """
    text, language, labels = inputs.text, inputs.language, inputs.labels
    catalogue, fmt = inputs.study.catalogue, inputs.number
    indicators = inputs.results.indicators
    counts = indicators[indicators["indicator"].isin(["count", "capacity"])].pivot_table(
        index=["quarter_id", "category"], columns="indicator", values="value", aggfunc="first")
    counts = counts.reindex(columns=["count", "capacity"]).to_dict("index")
    field_of = catalogue["field"].to_dict()
    order = {key: i for i, key in enumerate(FIELDS)}
    tables: dict[str, dict[str, list[dict]]] = {}
    for (q, c), row in inputs.judged.to_dict("index").items():
        if field_of[c] not in order:
            continue
        known = counts.get((q, c))
        record = {**row, "category": c}
        target = (format_indicator(record["target"], record["indicator"], language)
                  if not pd.isna(record["target"]) else "–")
        tables.setdefault(q, {}).setdefault(field_of[c], []).append({
            "label": labels.get(c, c), "category": c,
            "count": fmt(known["count"] if known else 0),
            "capacity": fmt(known["capacity"] if known else np.nan),
            "indicator": text.get(record["indicator"], record["indicator"]),
            "value": format_indicator(record["value"], record["indicator"], language),
            "target": reference_cell(record, target, language),
            "status": status_cell(record, language),
            "need": row_need_text(record, catalogue, labels, language)})
    return {q: [{"label": field_label(key, language), "items": items}
                for key, items in sorted(own.items(), key=lambda item: order[item[0]])]
            for q, own in tables.items()}


def _positions(inputs: ReportInputs, ranking: pd.DataFrame) -> dict[str, list[str]]:
    """Per quarter the sentences on its place in the town."""
    text, language, fmt = inputs.text, inputs.language, inputs.number
    quarter_ids = inputs.quarters["quarter_id"]
    rank = inputs.residents.rank(ascending=False, method="min").astype(int)
    counts = judgement_counts_by_quarter(inputs.gaps)
    mean_gaps = counts["gap"].sum() / max(len(quarter_ids), 1)
    per_quarter = counts.to_dict("index")
    need_of = ranking.set_index("quarter_id").to_dict("index")
    ranked_total = int(ranking["ranked"].sum())
    social = inputs.results.social_index
    social_of = social.to_dict("index") if social is not None else {}
    positions = {}
    for q in quarter_ids:
        position = [text["rank_residents"].format(rank=int(rank[q]), n=len(quarter_ids))]
        row = per_quarter.get(q)
        if row is not None:
            position.append(text["gaps_in_quarter"].format(
                gaps=fmt(row["gap"]), standard=fmt(row["standard_categories"]),
                below=fmt(row["below_town"]), town=fmt(row["town_categories"]),
                resources=fmt(row["resource"]),
                mean_gaps=format_number(mean_gaps, 1, language)))
        need = need_of.get(q)
        if need is not None and need["ranked"]:
            position.append(text["rank_need"].format(rank=fmt(need["rank"]),
                                                     n=fmt(ranked_total),
                                                     people=fmt(need["people"])))
        elif need is not None:
            position.append(text["rank_apart"].format(
                reason=text.get(f"reason_{need['reason']}", need["reason"])))
        if need is not None and need.get("check_location"):  # quartier.indicators.remote
            position.append(f"{text['check_location']}: " + check_location_note(
                need["remote_share"], inputs.study.config.indicators.remote_radius_m,
                language))
        classes = social_of.get(q)
        if classes is not None and isinstance(classes["status_class"], str):
            position.append(f"{text['status_class']}: "
                            f"{social_class_label(classes['status_class'], language)}, "
                            f"{text['dynamics_class']}: "
                            f"{social_class_label(classes['dynamics_class'], language)} "
                            f"({classes['combined_class']})")
        positions[q] = position
    return positions
