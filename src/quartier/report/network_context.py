"""The report chapters on network partners, measures and residents' concerns, as plain data.

Only publishable content gets here: the partner register's public view (contact data only for
rows marked public), measures, and concern counts protected by
:func:`quartier.partners.concerns.published_concerns` (small counts ``"< 3"``, secondary
suppressions ``"x"``). Free-text columns of concerns are never read.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from quartier.catalogue import category_labels
from quartier.compute import Results
from quartier.editions.history import EditionHistory
from quartier.fields import FIELDS, field_label
from quartier.format import format_number, format_percent
from quartier.judgements import judgement_label as status_label
from quartier.load.concerns import concern_settings
from quartier.partners.analysis import PartnerAnalysis, analyse_partners
from quartier.partners.concerns import Protection
from quartier.partners.measures import SEVERAL, TOWN_WIDE, parse_target
from quartier.partners.measures import status_label as measure_status_label
from quartier.partners.partners import missing_partners, partner_coverage, public_view
from quartier.report.formatting import format_indicator
from quartier.report.texts import texts
from quartier.study import Study

__all__ = ["network_context"]

#: The register's own words for where a partner comes from (quartier.partners.partners) and
#: their text keys (:mod:`quartier.report.texts`).
_REGISTER_WORDS = {"Träger": "register_operator", "Akteure": "register_actors"}
#: A concern's status code (quartier.partners.concerns) and its text key.
_CONCERN_STATUS = {"offen": "concern_status_open", "in bearbeitung": "concern_status_in_progress",
                   "weitergeleitet": "concern_status_passed_on",
                   "erledigt": "concern_status_done"}


def register_word(value: object, language: str) -> str:
    """A partner's type or source in the reader's language (``"Akteure; Träger"``)."""
    if not isinstance(value, str) or not value:
        return "–"
    text = texts(language)
    parts = (part.strip() for part in value.split(";"))
    return "; ".join(text[_REGISTER_WORDS[part]] if part in _REGISTER_WORDS else part
                     for part in parts)


def _money(value: float, language: str) -> str:
    return f"{format_number(value, 0, language)} €"


def network_context(study: Study, results: Results,
                    history: Mapping[str, pd.DataFrame] | EditionHistory | None = None,
                    language: str = "de",
                    *, maps: bool = False, partners: PartnerAnalysis | None = None) -> dict:
    """The three chapters as plain data: ``{"partners": …, "measures": …, "concerns": …}``.

    Each entry is None when the study has no data for it.

    Parameters
    ----------
    study, results, history
        As for :func:`quartier.partners.analysis.analyse_partners` (``history``: the stored
        editions, for the movement of measures' targets).
    language : {"de", "en"}
    maps : bool
        Draw the static map of concerns per quarter (PNG data URI).
    partners : PartnerAnalysis, optional
        The register, concerns, budgets and target movement computed once for the whole
        report (:func:`quartier.partners.analysis.analyse_partners`); computed here from
        ``history`` when missing.
    """
    text = texts(language)
    names = study.quarters.set_index("quarter_id")["name"]
    quarter_ids = list(study.quarters["quarter_id"])
    if partners is None:
        partners = analyse_partners(study, results, history)
    per_quarter: dict[str, list[str]] = {q: [] for q in quarter_ids}
    context = {
        "partners": _partners(partners.register, names, quarter_ids, text, language,
                              per_quarter),
        "measures": _measures(study, partners, names, text, language, per_quarter),
        "concerns": _concerns(study, partners.concerns, names, text, language, maps,
                              per_quarter),
    }
    context["per_quarter"] = per_quarter
    return context


def _fields_text(value: str, language: str) -> str:
    return ", ".join(field_label(f, language) for f in str(value).split(";") if f in FIELDS)


def _quarters_text(value: str, town_wide: bool, names: pd.Series, text: dict) -> str:
    parts = [f"{q} {names.get(q, '')}".strip() for q in str(value).split(";") if q]
    if town_wide:
        parts.insert(0, text["nw_town_wide"])
    return ", ".join(parts) or "–"


def _partners(register: pd.DataFrame | None, names: pd.Series, quarter_ids: list[str],
              text: dict, language: str, per_quarter: dict[str, list[str]]) -> dict | None:
    if register is None:
        return None
    view = public_view(register)
    rows = [{"organisation": r.organisation, "type": register_word(r.type, language),
             "source": register_word(r.source, language),
             "fields": _fields_text(r.fields, language),
             "quarters": _quarters_text(r.quarters, r.town_wide, names, text),
             "facilities": format_number(r.facilities, 0, language) if r.facilities else "",
             "contact": " · ".join(str(v) for v in (r.contact_person, r.email, r.phone) if v)}
            for r in view.itertuples()]
    coverage = partner_coverage(register, quarter_ids)
    missing = missing_partners(register, quarter_ids)
    listed = register["quarters"].astype(str).str.split(";").explode()
    local_counts = listed[~listed.index.duplicated() | ~listed.duplicated()].reset_index() \
        .drop_duplicates().iloc[:, 1].value_counts()  # partners naming the quarter, once each
    active = coverage.gt(0).sum(axis=1)
    for q in quarter_ids:
        per_quarter[q].append(text["nw_profile_partners"].format(
            n=format_number(int(active.get(q, 0)), 0, language),
            fields=format_number(len(FIELDS), 0, language),
            local=format_number(int(local_counts.get(q, 0)), 0, language)))
    return {
        "lead": text["nw_partners_lead"].format(
            n=format_number(len(view), 0, language),
            actors=format_number(int(register["source"].str.contains("Akteure").sum()), 0,
                                 language),
            operators=format_number(int(register["source"].str.contains("Träger").sum()), 0,
                                    language)),
        "rows": rows,
        "fields": [field_label(f, language) for f in FIELDS],
        "coverage": [{"id": q, "name": names.get(q, q),
                      "cells": [{"n": format_number(int(coverage.at[q, f]), 0, language),
                                 "empty": int(coverage.at[q, f]) == 0} for f in FIELDS]}
                     for q in quarter_ids],
        "missing": [{"quarter": f"{r.quarter_id} {names.get(r.quarter_id, '')}",
                     "field": field_label(r.field, language),
                     "town_wide": r.town_wide or "–"} for r in missing.itertuples()],
    }


def _measures(study: Study, partners: PartnerAnalysis, names: pd.Series, text: dict,
              language: str, per_quarter: dict[str, list[str]]) -> dict | None:
    measures = partners.measures
    if measures is None:
        return None
    assert (partners.budget_by_field is not None and partners.budget_by_quarter is not None
            and partners.measures_per_gap is not None and partners.target_movement is not None), \
        "analyse_partners fills the budgets, gaps and movement whenever there are measures"
    labels = category_labels(study.catalogue, language)

    def status_text(value: object) -> str:
        if not isinstance(value, str):
            return "–"
        return measure_status_label(value, language)

    def target_text(value: object) -> str:
        category, indicator = parse_target(value)
        if category is None:
            return "–"
        label = labels.get(category, category)
        return f"{label} ({text.get(indicator, indicator)})" if indicator else label

    def date_text(value: object) -> str:
        return pd.Timestamp(value).strftime("%m/%Y") if not pd.isna(value) else "–"

    rows = []
    for r in measures.itertuples():
        planned, spent = r.budget_planned, r.budget_spent
        rows.append({
            "id": r.measure_id, "title": r.title,
            "field": field_label(r.field, language) if r.field in FIELDS else "–",
            "quarters": _quarters_text(r.quarter_id, not str(r.quarter_id or ""), names, text),
            "target": target_text(r.target),
            "planned": _money(planned, language) if not pd.isna(planned) else "–",
            "spent": _money(spent, language) if not pd.isna(spent) else "–",
            "share": (format_percent(spent / planned * 100, 0, language)
                      if not pd.isna(planned) and planned > 0 and not pd.isna(spent) else "–"),
            "status": status_text(r.status), "status_key": r.status or "none",
            "period": f"{date_text(r.start)}–{date_text(r.end)}"})

    by_field = partners.budget_by_field
    field_rows = [{"label": field_label(f, language) if f in FIELDS else str(f),
                   "n": format_number(row["measures"], 0, language),
                   "planned": _money(row["budget_planned"], language),
                   "spent": _money(row["budget_spent"], language),
                   "share": format_percent(row["spent_share"], 0, language)}
                  for f, row in by_field.iterrows()]
    total_planned, total_spent = by_field["budget_planned"].sum(), by_field["budget_spent"].sum()
    field_total = {"n": format_number(int(by_field["measures"].sum()), 0, language),
                   "planned": _money(total_planned, language),
                   "spent": _money(total_spent, language),
                   "share": (format_percent(total_spent / total_planned * 100, 0, language)
                             if total_planned > 0 else "–")}
    quarter_ids = list(study.quarters["quarter_id"])
    by_quarter = partners.budget_by_quarter
    quarter_rows = [{"label": (text["nw_town_wide"] if q == TOWN_WIDE else
                               text["nw_several"] if q == SEVERAL else
                               f"{q} {names.get(q, '')}"),
                     "n": format_number(row["measures"], 0, language),
                     "planned": _money(row["budget_planned"], language),
                     "spent": _money(row["budget_spent"], language)}
                    for q, row in by_quarter.iterrows()]

    gaps = partners.measures_per_gap
    addressed = [{"quarter": f"{g.quarter_id} {names.get(g.quarter_id, '')}",
                  "category": labels.get(g.category, g.category),
                  "measures": ", ".join(
                      f"{m} {measures.set_index('measure_id').at[m, 'title']}"
                      for m in g.measure_ids.split(";"))}
                 for g in gaps.itertuples() if g.measures > 0]
    without: dict[str, list[str]] = {}
    for g in gaps.itertuples():
        if g.measures == 0:
            without.setdefault(g.quarter_id, []).append(labels.get(g.category, g.category))
    without_rows = [{"quarter": f"{q} {names.get(q, '')}", "n": len(items),
                     "categories": ", ".join(items)} for q, items in without.items()]

    movement = partners.target_movement
    titles = measures.set_index("measure_id")["title"]
    movement_rows = []
    for m in movement.itertuples():
        note = {"ok": "", "no_edition": text["nw_no_edition"], "current": text["nw_current"],
                "no_start": text["nw_no_start"], "no_target": text["nw_no_target"],
                "no_value": text["nw_no_value"]}[m.note]
        indicator = m.indicator if isinstance(m.indicator, str) else None
        movement_rows.append({
            "measure": f"{m.measure_id} {titles.get(m.measure_id, '')}",
            "quarter": f"{m.quarter_id} {names.get(m.quarter_id, '')}",
            "target": (f"{labels.get(m.category, m.category)}: {text.get(indicator, indicator)}"
                       if indicator and m.category else "–"),
            "edition": m.edition if isinstance(m.edition, str) else "–",
            "before": format_indicator(m.before, indicator, language) if indicator else "–",
            "now": format_indicator(m.now, indicator, language) if indicator else "–",
            "status_before": (status_label(m.status_before, language)
                              if isinstance(m.status_before, str) else ""),
            "status_now": (status_label(m.status_now, language)
                           if isinstance(m.status_now, str) else ""),
            "direction": m.direction if isinstance(m.direction, str) else "none",
            "direction_label": (text[f"nw_{m.direction}"] if isinstance(m.direction, str)
                                else ""),
            "note": note})

    long = measures[["measure_id", "quarter_id", "status"]].copy()
    for q in quarter_ids:
        own = long[long["quarter_id"].map(lambda v, q=q: q in str(v or "").split(";"))]
        running = int(own["status"].isin(["geplant", "laufend"]).sum())
        per_quarter[q].append(text["nw_profile_measures_none"] if own.empty else
                              text["nw_profile_measures"].format(
                                  n=format_number(len(own), 0, language),
                                  open=format_number(running, 0, language)))
    return {
        "lead": text["nw_measures_lead"].format(
            n=format_number(len(measures), 0, language), planned=_money(total_planned, language),
            spent=_money(total_spent, language)),
        "rows": rows, "by_field": field_rows, "field_total": field_total,
        "by_quarter": quarter_rows, "addressed": addressed, "without": without_rows,
        "addressed_lead": text["nw_addressed_lead"].format(
            open=format_number(len(gaps), 0, language),
            without=format_number(int((gaps["measures"] == 0).sum()), 0, language)),
        "movement": movement_rows,
        "movement_lead": text["nw_movement_lead"].format(
            history=", ".join(sorted(partners.history_labels)) or "–"),
    }


def _concerns(study: Study, protection: Protection | None, names: pd.Series, text: dict,
              language: str, maps: bool, per_quarter: dict[str, list[str]]) -> dict | None:
    if protection is None:
        return None
    threshold, period = concern_settings(study.config.concerns)

    def label(dim: str, value: object) -> str:
        if dim == "quarter_id":
            return f"{value} {names.get(value, '')}"
        if dim == "field":
            return field_label(value, language) if value in FIELDS else str(value)
        if dim == "status":
            key = _CONCERN_STATUS.get(str(value))
            return text[key] if key else str(value)
        if dim == "period" and period == "half_year":
            year, dash_h, half = str(value).rpartition("-H")
            return (text["half_year"].format(year=year, half=half)
                    if dash_h and half in ("1", "2") else str(value))
        return str(value)

    tables = []
    for rows_dim, columns_dim, caption in (
            ("quarter_id", "period", text["nw_concerns_by_period"]),
            ("quarter_id", "field", text["nw_concerns_by_field"]),
            ("field", "period", text["nw_concerns_field_period"]),
            ("status", "period", text["nw_concerns_status"])):
        table = protection.table(rows_dim, columns_dim, language=language)
        total = table.index[-1]
        tables.append({
            "caption": caption,
            "head": [text[f"nw_dim_{rows_dim}"],
                     *[label(columns_dim, c) if c != table.columns[-1] else c
                       for c in table.columns]],
            "rows": [{"label": label(rows_dim, r) if r != total else r, "total": r == total,
                      "cells": [{"value": v, "hidden": not v[:1].isdigit()} for v in row]}
                     for r, row in zip(table.index, table.to_numpy().tolist(), strict=True)]})
    totals = {q: protection.display(protection.key(quarter_id=q), language)
              for q in names.index}
    for q, value in totals.items():
        per_quarter.setdefault(q, []).append(text["nw_profile_concerns"].format(n=value))
    figure = _concern_map(study, protection, text, language) if maps else ""
    return {
        "lead": text["nw_concerns_lead"].format(
            n=protection.display(protection.key(), language),
            periods=f"{min(_levels(protection, 'period'))}–{max(_levels(protection, 'period'))}"),
        "rule": text["nw_concerns_rule"].format(k=threshold, k_1=threshold - 1),
        "tables": tables, "map": figure,
        "map_alt": text["nw_concerns_map"].format(k=threshold),
    }


def _levels(protection: Protection, dim: str) -> list[str]:
    position = protection.dims.index(dim)
    return sorted({k[position] for k in protection.values if k[position] is not None})


def _concern_map(study: Study, protection: Protection, text: dict, language: str) -> str:
    """Choropleth of concerns per quarter; hidden counts drawn as 'no data' with the rule."""
    from quartier.maps.static import choropleth, figure_to_png_base64

    values = {}
    for q in study.quarters["quarter_id"]:
        key = protection.key(quarter_id=q)
        values[q] = protection.values[key] if protection.status[key] == "shown" else np.nan
    series = pd.Series(values, dtype=float)
    shown = series.dropna()
    breaks = sorted({float(np.floor(b)) for b in np.quantile(shown, [0.25, 0.5, 0.75])}) \
        if len(shown) >= 4 else None  # counts: whole-number class limits
    figure = choropleth(study.quarters, series, title=text["nw_concerns_map"].format(
                            k=protection.threshold),
                        legend_title=text["nw_concerns_legend"], language=language,
                        breaks=breaks, k=min(4, max(len(shown), 1)),
                        attribution=study.config.attribution,
                        no_data_label=text["nw_concerns_hidden"].format(k=protection.threshold))
    return "data:image/png;base64," + figure_to_png_base64(figure, dpi=80)
