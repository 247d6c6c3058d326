"""The report's content as plain data (dicts and lists), computed from a study and its results.

The templates only lay this out; every number shown comes from ``results`` through
:func:`format_indicator`, so a test can compare the report with the results table.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from quartier import __version__
from quartier.catalogue import category_labels, reference_group_label
from quartier.compute import Results
from quartier.editions.compare import Comparison
from quartier.editions.history import EditionHistory
from quartier.fields import FIELDS, field_label
from quartier.format import format_date, format_number, format_percent
from quartier.indicators.edges import boundary_quarters
from quartier.indicators.registry import INDICATORS, social_class_label
from quartier.load.population import age_bands, parse_age_band
from quartier.report.changes import changes_context, quarter_trends
from quartier.report.judgement_context import (
    judgement_counts,
    prepared_gaps,
    reference_cell,
    row_need_text,
    standard_rows,
    status_cell,
    summary_context,
)
from quartier.report.reconcile import facility_reconciliation
from quartier.report.network_context import network_context
from quartier.report.population_text import population_method_text
from quartier.report.distance_context import distance_comparison_context, distance_method_text
from quartier.report.profile_context import neighbour_links, profile_parts, quarter_groups
from quartier.report.social_context import social_chapter
from quartier.report.texts import texts
from quartier.study import Study

__all__ = ["format_indicator", "report_context", "LARGE_STUDY", "CATEGORY_INDICATORS"]

#: From this many quarters on, profiles and the appendix go on pages of their own.
LARGE_STUDY = 50
CATEGORY_INDICATORS = ("population", "count", "capacity", "supply_rate", "median_distance",
                       "coverage", "fca_access")


def format_indicator(value: float, indicator: str, language: str = "de") -> str:
    """Format one indicator value the way the report prints it.

    Examples
    --------
    >>> format_indicator(12.345, "coverage")
    '12,3\\xa0%'
    >>> format_indicator(0.6215, "fca_access"), format_indicator(751.3, "fca_access")
    ('0,62', '751')
    >>> format_indicator(1234.0, "median_distance", "en")
    '1,234 m'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if indicator == "coverage":
        return format_percent(value, 1, language)
    if indicator == "median_distance":
        return f"{format_number(value, 0, language)} m"
    if indicator in ("status_index", "dynamics_index"):
        return format_number(value, 2, language)
    if indicator in ("supply_rate", "fca_access"):
        size = abs(value)
        return format_number(value, 2 if size < 10 else 1 if size < 100 else 0, language)
    return format_number(value, 0, language)


def report_context(study: Study, results: Results, *, downloads: dict[str, str] | None = None,
                   interactive_map: str = "", figures: Callable[..., str] | None = None,
                   comparison: Comparison | None = None,
                   history: EditionHistory | None = None) -> dict:
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
    """
    language = study.config.language
    text = texts(language)
    catalogue = study.catalogue
    labels = category_labels(catalogue, language)
    quarters = study.quarters[["quarter_id", "name"]].copy()
    names = quarters.set_index("quarter_id")["name"]
    residents = results.surface.groupby("quarter_id")["total"].sum().reindex(
        quarters["quarter_id"], fill_value=0.0)
    area_km2 = (study.quarters.set_index("quarter_id").geometry.area / 1e6)
    indicators = results.indicators
    per_category = indicators[indicators["category"].notna()]
    gaps = prepared_gaps(results.gaps, catalogue)
    categories = list(dict.fromkeys(gaps["category"]))
    fmt = lambda v, d=0: format_number(v, d, language)  # noqa: E731
    large = len(quarters) > LARGE_STUDY
    settings = study.config.indicators
    social = results.status

    # --- summary: counts kept apart by kind, ranking by need, key findings ---------------
    summary = summary_context(study.name, gaps, results, catalogue, names, residents, labels,
                              language, large, settings.min_population)
    ranking = summary.pop("ranking")

    # --- basis ---------------------------------------------------------------------------
    sources = _sources(study, text)
    standards = standard_rows(catalogue, categories, labels, language)
    methods = [{"label": getattr(i, f"label_{language}"),
                "formula": getattr(i, f"formula_{language}"),
                "unit": getattr(i, f"unit_{language}")} for i in INDICATORS.values()]
    rules = [paragraph.format(min_population=fmt(settings.min_population))
             for paragraph in text["assessment_kinds"]]
    if "edge" in gaps:  # Randlage: why, and how many quarters (quartier.indicators.edges)
        rules.append(text["edge_method"].format(
            buffer=fmt(settings.context_buffer_m), edge=fmt(gaps.loc[gaps["edge"].fillna(
                False).astype(bool), "quarter_id"].nunique()),
            boundary=fmt((results.boundary if results.boundary is not None
                          else boundary_quarters(study.quarters)).sum())))
    beyond = results.context_surface  # demand beyond the boundary (2SFCA)
    if beyond is not None and len(beyond):
        sentence = text["context_demand_method"].format(
            residents=fmt(beyond["total"].sum()), cells=fmt(len(beyond)),
            buffer=fmt(settings.context_buffer_m))
        if study.population_quarters is not None:  # the grid calibrated inside only
            sentence += " " + text["context_demand_uncalibrated"]
        rules.append(sentence)
    if any(f.code == "estimated_reference_groups" for f in results.findings):  # split bands
        rules.append(text["age_estimation_method"].format(source=text[
            "age_structure_national" if study.age_structure is None else "age_structure_own"]))
    ranking_rule = text["ranking_rule"].format(min_population=fmt(settings.min_population))
    quarter_rows = [{"id": q, "name": names[q], "residents": fmt(residents[q]),
                     "area": format_number(area_km2[q], 2, language),
                     "density": fmt(residents[q] / area_km2[q]) if area_km2[q] > 0 else "–"}
                    for q in quarters["quarter_id"]]
    outside = (int((~study.facilities["in_study_area"]).sum())
               if "in_study_area" in study.facilities.columns else 0)
    notes = [text["outside"].format(n=fmt(outside)) if outside else
             text["outside_none"].format(n=fmt(len(study.facilities)))] if len(
                 study.facilities) else []
    reconciliation = [
        {"source": source if isinstance(source, str) else text["reconcile_total"],
         "total": not isinstance(source, str),
         **{key: fmt(row[key]) for key in ("facilities", "inside", "outside", "capacity",
                                           "capacity_inside")}}
        for source, row in facility_reconciliation(study.facilities).iterrows()]
    data_notes = [f.message for f in [*study.report.warnings, *results.findings]  # German
                  if f.code != "outside_quarters"]
    basis = {
        "lead": text["basis_area_lead"].format(quarters=fmt(len(quarters)),
                                               area=format_number(area_km2.sum(), 1, language),
                                               residents=fmt(residents.sum()),
                                               crs=study.config.crs.to_string()),
        "quarters": quarter_rows, "sources": sources, "attribution": study.config.attribution,
        "methods": methods, "rules": rules,
        "population_method": population_method_text(results.surface.attrs.get(
            "population_method"), text), "ranking_rule": ranking_rule,
        "standards": standards, "notes": notes, "data_notes": data_notes,
        "distance_method": distance_method_text(results, study.config.network, labels, text,
                                                language),
        "reconciliation": reconciliation if len(study.facilities) else [],
        "map": interactive_map,
    }

    # --- action fields -------------------------------------------------------------------
    judged = gaps.set_index(["quarter_id", "category"])
    records = judged.to_dict("index")
    chapters = []
    for key in FIELDS:
        own = [c for c in categories if catalogue.at[c, "field"] == key]
        columns = []
        for c in own:
            rows_of = judged.xs(c, level="category")
            bases = set(rows_of["basis"])
            if "standard" in bases:
                reference = text["target"]
            elif "town" in bases:
                reference = text["median_basis"]
            else:
                reference = text["not_assessed"]
            columns.append({"key": c, "label": labels.get(c, c),
                            "indicator": text.get(rows_of["indicator"].iloc[0],
                                                  rows_of["indicator"].iloc[0]),
                            "basis": reference})
        rows = []
        for q in quarters["quarter_id"]:
            cells = []
            for c in own:
                record = {**records[(q, c)], "category": c}
                cells.append({"value": format_indicator(record["value"], record["indicator"],
                                                        language),
                              "status": status_cell(record, language),
                              "need": row_need_text(record, catalogue, labels, language),
                              "raw": record["value"], "indicator": record["indicator"],
                              "category": c})
            rows.append({"id": q, "name": names[q], "cells": cells})
        maps = []
        if figures is not None:
            for c in own:
                rows_of = judged.xs(c, level="category")
                maps.append({"label": labels.get(c, c),
                             "img": figures("status", status=rows_of["status"],
                                            resource=rows_of["resource"],
                                            title=labels.get(c, c)),
                             "alt": text["map_of"].format(label=labels.get(c, c))})
        counts = judgement_counts(gaps[gaps["field"] == key])
        chapters.append({"key": key, "label": field_label(key, language),
                         "lead": (text["field_lead"].format(
                             n=fmt(len(own)), standard=fmt(counts["standard_categories"]),
                             town=fmt(counts["town_categories"]), gaps=fmt(counts["gap"]),
                             below=fmt(counts["below_town"]),
                             resources=fmt(counts["resource"])) if own
                                  else text["field_none"]),
                         "columns": columns, "rows": rows if own else [], "maps": maps,
                         "distance_comparison": distance_comparison_context(
                             results, own, names, labels, text, language)})

    # --- social status -------------------------------------------------------------------
    social_context = (social_chapter(social, study, names, language, figures)
                      if social is not None else None)

    # --- changes since the previous edition ----------------------------------------------
    units = {c: str(catalogue.at[c, f"capacity_unit_{language}"] or "")
             for c in catalogue.index} if f"capacity_unit_{language}" in catalogue else {}
    changes = (changes_context(comparison, names, labels, language, history=history,
                               chart=figures is not None, units=units)
               if comparison is not None else None)
    trends = quarter_trends(history, language) if history is not None else {}

    # --- profiles --------------------------------------------------------------------------
    profiles = _profiles(study, results, quarters, residents, judged, labels, language,
                         ranking, social)
    for p in profiles:
        p["changes"] = changes["per_quarter"].get(p["id"], []) if changes else None
        p["changes_title"] = (text["profile_changes"].format(previous=comparison.previous)
                              if comparison is not None else "")
        p["changes_none"] = (text["profile_no_changes"].format(previous=comparison.previous)
                             if comparison is not None else "")
        p["trends"] = trends.get(p["id"], [])

    # --- network partners, measures, residents' concerns ----------------------------------
    network = network_context(study, results, history, language, maps=figures is not None)
    for p in profiles:
        p["network"] = network["per_quarter"].get(p["id"], [])

    # --- profiles: named facilities, partners, measures, housing, social values, concerns,
    #     map; finding a quarter (district groups, search list, previous/next) -------------
    parts = profile_parts(study, list(quarters["quarter_id"]), labels, language,
                          maps=figures is not None)
    groups = quarter_groups(quarters, study, language)
    steps = neighbour_links(groups)
    for p in profiles:
        p.update(parts.get(p["id"], {}))
        p.update(steps.get(p["id"], {}))

    # --- appendix --------------------------------------------------------------------------
    wide = per_category.pivot_table(index=["category", "quarter_id"], columns="indicator",
                                    values="value", aggfunc="first", dropna=False)
    appendix = []
    for c in categories:
        block = wide.xs(c, level="category").reindex(index=quarters["quarter_id"],
                                                      columns=list(CATEGORY_INDICATORS))
        values = block.to_numpy(dtype=float)
        appendix.append({
            "key": c, "label": labels.get(c, c),
            "field": field_label(catalogue.at[c, "field"], language),
            "group": reference_group_label(catalogue.at[c, "reference_group"], language),
            "rows": [{"id": q, "name": name,
                      "cells": [{"indicator": i, "raw": v,
                                 "value": format_indicator(v, i, language)}
                                for i, v in zip(CATEGORY_INDICATORS, row.tolist(),
                                                strict=True)]}
                     for q, name, row in zip(quarters["quarter_id"], quarters["name"], values,
                                             strict=True)],
        })
    return {
        "lang": language, "text": text, "study": study.name, "edition": study.edition,
        "large": large, "summary": summary, "basis": basis, "fields": chapters,
        "changes": changes, "network": network,
        "social": social_context, "profiles": profiles, "appendix": appendix,
        "quarter_groups": groups,
        "appendix_indicators": [{"key": i, "label": text[i]} for i in CATEGORY_INDICATORS],
        "downloads": downloads or {},
        "generated": text["created"].format(date=format_date(_dt.date.today(), language),
                                            version=__version__),
    }


def _sources(study: Study, text: dict[str, str]) -> list[dict[str, str]]:
    config = study.config
    rows = []

    def add(label: str, cfg, count) -> None:
        if cfg is None:
            return
        files = ", ".join(p.name for p in cfg.paths)
        rows.append({"label": label, "file": files, "date": str(cfg.get("date", "–")),
                     "rows": format_number(count, 0, config.language) if count is not None
                     else "–"})

    add("Quartiersgrenzen" if config.language == "de" else "Quarter boundaries", config.quarters,
        len(study.quarters))
    add("Einwohner (Gitter)" if config.language == "de" else "Population (grid)",
        config.population_grid,
        None if study.population_grid is None else len(study.population_grid))
    add("Einwohner je Quartier" if config.language == "de" else "Population per quarter",
        config.population_quarters,
        None if study.population_quarters is None else len(study.population_quarters))
    counts = study.facilities.groupby("source").size()
    for cfg in config.facilities:
        label = str(cfg.get("label", cfg.path.stem))
        add(label, cfg, int(counts.get(label, 0)))
    for label_de, label_en, cfg, frame in (
            ("Wohnen", "Housing", config.housing, study.housing),
            ("Akteure", "Actors", config.actors, study.actors),
            ("Maßnahmen", "Measures", config.measures, study.measures)):
        add(label_de if config.language == "de" else label_en, cfg,
            None if frame is None else len(frame))
    for cfg in config.social:
        add("Sozialindikatoren" if config.language == "de" else "Social indicators", cfg, None)
    return rows


def _profiles(study: Study, results: Results, quarters: pd.DataFrame, residents: pd.Series,
              judged: pd.DataFrame, labels: dict[str, str], language: str,
              ranking: pd.DataFrame, social: pd.DataFrame | None) -> list[dict]:
    text = texts(language)
    fmt = lambda v, d=0: format_number(v, d, language)  # noqa: E731
    surface = results.surface
    bands = age_bands(surface.columns)
    ages = surface.groupby("quarter_id")[bands].sum() if bands else pd.DataFrame()
    rank = residents.rank(ascending=False, method="min").astype(int)
    frame = judged.reset_index()
    per_quarter = {q: judgement_counts(own) for q, own in frame.groupby("quarter_id")}
    mean_gaps = sum(c["gap"] for c in per_quarter.values()) / max(len(quarters), 1)
    need_of = ranking.set_index("quarter_id").to_dict("index")
    ranked_total = int(ranking["ranked"].sum())
    indicators = results.indicators
    counts = indicators[indicators["indicator"].isin(["count", "capacity"])].pivot_table(
        index=["quarter_id", "category"], columns="indicator", values="value", aggfunc="first")
    counts = counts.reindex(columns=["count", "capacity"]).to_dict("index")
    catalogue = study.catalogue
    field_of = catalogue["field"].to_dict()
    by_quarter: dict[str, list[tuple[str, dict]]] = {}
    for (q, c), record in judged.to_dict("index").items():
        by_quarter.setdefault(q, []).append((c, record))
    ages_of = ages.to_dict("index") if len(ages) else {}
    social_of = social.to_dict("index") if social is not None else {}
    profiles = []
    for q, name in zip(quarters["quarter_id"], quarters["name"], strict=True):
        total = residents[q]
        age_rows = []
        if q in ages_of and total > 0:
            for band in bands:
                lower, upper = parse_age_band(band)
                label = (f"{lower}–{upper} {text['years']}" if upper is not None
                         else f"{lower} {text['years_plus']}")
                share = ages_of[q][band] / total * 100
                age_rows.append({"label": label, "value": fmt(ages_of[q][band]),
                                 "share": format_percent(share, 1, language),
                                 "width": f"{min(share * 3, 100):.1f}"})
        fields = []
        own = by_quarter.get(q, [])
        for key in FIELDS:
            items = []
            for c, record in own:
                if field_of[c] != key:
                    continue
                known = counts.get((q, c))
                count = known["count"] if known else 0
                capacity = known["capacity"] if known else np.nan
                record = {**record, "category": c}
                target = (format_indicator(record["target"], record["indicator"], language)
                          if not pd.isna(record["target"]) else "–")
                items.append({
                    "label": labels.get(c, c), "category": c, "count": fmt(count),
                    "capacity": fmt(capacity),
                    "indicator": text.get(record["indicator"], record["indicator"]),
                    "value": format_indicator(record["value"], record["indicator"], language),
                    "target": reference_cell(record, target, language),
                    "status": status_cell(record, language),
                    "need": row_need_text(record, catalogue, labels, language)})
            if items:
                fields.append({"label": field_label(key, language), "items": items})
        row = per_quarter.get(q)
        position = [text["rank_residents"].format(rank=int(rank[q]), n=len(quarters))]
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
        classes = social_of.get(q)
        if classes is not None and isinstance(classes["status_class"], str):
            position.append(f"{text['status_class']}: "
                            f"{social_class_label(classes['status_class'], language)}, "
                            f"{text['dynamics_class']}: "
                            f"{social_class_label(classes['dynamics_class'], language)} "
                            f"({classes['combined_class']})")
        profiles.append({"id": q, "name": name, "residents": fmt(total), "ages": age_rows,
                         "fields": fields, "position": position})
    return profiles

