"""The report's judgements as plain data: status cells, gap sizes in words, counts kept apart
by kind, the ranking by need and the first screen's key findings.

Standard judgements (Lücke / erfüllt / deutlich über Richtwert) and town judgements (unter dem
Stadtmittel / im Mittel / über dem Stadtmittel) are never counted together; a town judgement is
never called Lücke or Ressource (see :mod:`quartier.judgements`).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from quartier.catalogue import parse_combined, reference_group_label
from quartier.fields import FIELDS, field_label
from quartier.format import format_number, format_percent
from quartier.indicators.priorities import need_in_people, priorities
from quartier.indicators.registry import social_class_label
from quartier.judgements import (
    STANDARD_STATUSES,
    TOWN_STATUSES,
    judgement_kind,
    judgement_label,
    need_text,
    reference_label,
    resource_label,
    served_label,
)
from quartier.report.texts import texts

__all__ = ["status_cell", "row_need_text", "standard_rows", "judgement_counts",
           "summary_context", "prepared_gaps", "check_location_note"]

#: Contract columns a gaps table may lack (e.g. before the model carried them); filled empty.
_OPTIONAL = {"resource": False, "served_by_neighbours": False, "unmet_people": math.nan,
             "missing_places": math.nan, "demand": math.nan, "reason": ""}


def prepared_gaps(gaps: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """``results.gaps`` with ``field`` and every optional contract column present."""
    frame = gaps.copy()
    if "field" not in frame.columns:
        frame["field"] = frame["category"].map(catalogue["field"])
    for column, empty in _OPTIONAL.items():
        if column not in frame.columns:
            frame[column] = empty
    frame["resource"] = frame["resource"].fillna(False).astype(bool)
    frame["served_by_neighbours"] = frame["served_by_neighbours"].fillna(False).astype(bool)
    frame["reason"] = frame["reason"].fillna("")
    return frame


def status_cell(record: dict, language: str) -> dict:
    """Badge data of one judgement: key, kind, label, resource and neighbour markers."""
    status = record.get("status")
    if not isinstance(status, str):
        return {"key": "none", "kind": "none", "label": "", "resource": "", "served": "",
                "edge": "", "reason": ""}
    reason = record.get("reason")
    return {"key": status, "kind": judgement_kind(status),
            "label": judgement_label(status, language),
            # why not assessed (few residents, incomplete data, part of a combined standard …)
            "reason": texts(language).get(f"reason_{reason}", "")
            if status == "not_assessed" and isinstance(reason, str) and reason else "",
            "resource": resource_label(language) if record.get("resource") is True else "",
            "served": served_label(language) if record.get("served_by_neighbours") is True
            else "",
            # Randlage (quartier.indicators.edges): no data beyond the study boundary; only
            # where something was judged (a "nicht bewertet" needs no caveat)
            "edge": texts(language)["edge_marker"]
            if record.get("edge") is True and status != "not_assessed" else "",
            "edge_title": texts(language)["edge_marker_title"]}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def row_need_text(record: dict, catalogue: pd.DataFrame, labels: dict[str, str],
                  language: str, with_category: bool = False) -> str:
    """The size of a Lücke in words ("es fehlen rund 190 Plätze"); empty for other rows."""
    if record.get("status") != "gap" or record.get("basis") != "standard":
        return ""
    category = record["category"]
    entry = catalogue.loc[category] if category in catalogue.index else pd.Series(dtype=object)
    distance = entry.get("max_distance_m", math.nan)
    by_group = _text(entry.get("distance_by_group", ""))
    unit = _text(entry.get(f"capacity_unit_{language}", ""))
    label = labels.get(category, category)
    sentence = need_text(unmet_people=_number(record.get("unmet_people")),
                         missing_places=_number(record.get("missing_places")),
                         reference_group=_text(entry.get("reference_group", "all")) or "all",
                         category=label, unit=unit,
                         distance_m=math.nan if by_group else _number(distance),
                         language=language)
    combined = _text(entry.get("combined_of", ""))  # each member its own distance
    if sentence and (by_group or combined) and not _is_number(record.get("missing_places")):
        sentence += " " + texts(language)["need_within_standard_distance"]
    if sentence and with_category and not _is_number(record.get("unmet_people")):
        sentence = f"{label}: {sentence}"
    return sentence


def _number(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number


def _is_number(value: object) -> bool:
    number = _number(value)
    return not math.isnan(number) and number > 0


def standard_rows(catalogue: pd.DataFrame, categories: list[str], labels: dict[str, str],
                  language: str) -> list[dict]:
    """The standards of the methods chapter: target, group, source, year, binding."""
    text = texts(language)
    rows = []
    for key in categories:
        if key not in catalogue.index:
            continue
        entry = catalogue.loc[key]
        demand = _text(entry.get("demand_rates", ""))
        by_group = _text(entry.get("distance_by_group", ""))
        combined = _text(entry.get("combined_of", ""))
        per_1000, distance = entry.get("per_1000", math.nan), entry.get("max_distance_m",
                                                                        math.nan)
        if demand:
            target = text["demand_target"].format(rates=demand.replace(";", "; "))
        elif not pd.isna(per_1000):
            target = text["per_1000"].format(value=format_number(per_1000, 2, language))
        elif combined:
            target = text["within_combined"].format(
                values="; ".join(f"{labels.get(k, k)} {format_number(d, 0, language)} m"
                                 for k, d in parse_combined(combined).items()))
        elif by_group:
            target = text["within_by_group"].format(values=by_group.replace(";", "; "))
        elif not pd.isna(distance):
            target = text["within_m"].format(value=format_number(distance, 0, language))
        else:
            continue
        binding = entry.get("standard_binding", entry.get("binding", False))
        rows.append({"label": labels.get(key, key), "target": target,
                     "group": reference_group_label(entry["reference_group"], language),
                     "source": _text(entry.get("standard_source", "")) or "–",
                     "year": _text(str(entry.get("standard_year", "") or "")) or "–",
                     "binding": text["yes"] if binding is True or binding == 1 else text["no"]})
    return rows


def judgement_counts(frame: pd.DataFrame) -> dict[str, int]:
    """Counts of every status and of resources / served quarters (assessed rows only)."""
    counts = {key: int((frame["status"] == key).sum())
              for key in (*STANDARD_STATUSES, *TOWN_STATUSES, "not_assessed")}
    counts["resource"] = int(frame["resource"].sum())
    counts["served"] = int(frame["served_by_neighbours"].sum())
    counts["standard_categories"] = int(frame.loc[frame["basis"] == "standard",
                                                  "category"].nunique())
    counts["town_categories"] = int(frame.loc[frame["basis"] == "town", "category"].nunique())
    return counts


def judgement_counts_by_quarter(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`judgement_counts` for every quarter at once: one row per ``quarter_id`` of
    ``frame`` (in sorted order), one integer column per count.
    """
    by = frame["quarter_id"]
    quarters = pd.Index(sorted(by.unique()), name="quarter_id")
    statuses = (*STANDARD_STATUSES, *TOWN_STATUSES, "not_assessed")
    counts = pd.crosstab(by, frame["status"]).reindex(index=quarters, columns=list(statuses),
                                                      fill_value=0)
    counts["resource"] = frame["resource"].astype(bool).groupby(by).sum()
    counts["served"] = frame["served_by_neighbours"].astype(bool).groupby(by).sum()
    for basis in ("standard", "town"):
        own = frame[frame["basis"] == basis]
        counts[f"{basis}_categories"] = (own.groupby("quarter_id")["category"].nunique()
                                         .reindex(quarters, fill_value=0))
    counts.columns.name = None
    return counts.astype(int)


def unjudged_categories(gaps: pd.DataFrame, labels: dict[str, str],
                        language: str) -> dict[str, list[str]]:
    """Categories judged in no quarter for a reason of their own (incomplete data, part of a
    combined standard), as ``{reason text: [category labels]}``; quarters' own reasons (few
    residents …) do not count.

    Examples
    --------
    >>> rows = pd.DataFrame({"category": ["a", "a", "b", "c"],
    ...                      "status": ["not_assessed", "not_assessed", "gap", "not_assessed"],
    ...                      "reason": ["combined_member", "few_residents", "", "few_residents"]})
    >>> unjudged_categories(rows, {"a": "Bus"}, "en")
    {'judged as part of a combined standard': ['Bus']}
    """
    category = gaps["category"].astype(str)
    judged = gaps["status"].astype(str).ne("not_assessed").groupby(category).any()
    reason = gaps["reason"].fillna("").astype(str)
    own = reason.isin(["incomplete_data", "combined_member"])
    reason_of = reason[own].groupby(category[own]).first()
    text = texts(language)
    grouped: dict[str, list[str]] = {}
    for key, why in reason_of.items():
        if not judged.get(key, False):
            grouped.setdefault(text[f"reason_{why}"], []).append(labels.get(str(key), str(key)))
    return grouped


def check_location_note(share: float, radius_m: float, language: str) -> str:
    """The footnote of "Wohnlage prüfen": the share of residents placed far from everything.

    Examples
    --------
    >>> check_location_note(0.234, 400, "en").split(" – ")[0]
    '23% of the residents are placed on land with no facility of any kind within 400 m'
    """
    return texts(language)["check_location_note"].format(
        share=format_percent(100 * share, 0, language),
        radius=format_number(radius_m, 0, language))


def summary_context(study_name: str, gaps: pd.DataFrame, results, catalogue: pd.DataFrame,
                    names: pd.Series, residents: pd.Series, labels: dict[str, str],
                    language: str, large: bool, min_population: float, *,
                    remote_radius_m: float = 400.0, remote_share_flag: float = 0.2) -> dict:
    """Counts per field (kept apart by kind), the ranking by need and the key findings.

    Quarters flagged ``check_location`` (:mod:`quartier.indicators.remote`: more than
    ``remote_share_flag`` of their residents placed with no facility within
    ``remote_radius_m``) carry the marker "Wohnlage prüfen" with its footnote.
    """
    text = texts(language)
    fmt = lambda v, d=0: format_number(v, d, language)  # noqa: E731
    field_rows = []
    for key in FIELDS:
        own = gaps[gaps["field"] == key]
        if not len(own) or (own["status"] == "not_assessed").all():
            continue
        counts = judgement_counts(own)
        field_rows.append({"key": key, "label": field_label(key, language),
                           "standard_categories": fmt(counts["standard_categories"]),
                           "town_categories": fmt(counts["town_categories"]),
                           **{k: fmt(counts[k]) for k in (*STANDARD_STATUSES, *TOWN_STATUSES,
                                                          "resource")}})
    ranking = priorities(gaps, results.indicators, results.social_index,
                         min_population=min_population, catalogue=catalogue,
                         remote=results.remote, remote_share_flag=remote_share_flag)
    ranked = ranking[ranking["ranked"]]
    # the people behind each Lücke, once for all quarters (as the ranking counts them)
    needs = gaps.assign(_people=need_in_people(gaps, results.indicators, catalogue))
    needs = needs[needs["_people"] > 0].sort_values("_people", ascending=False, kind="stable")
    by_quarter = {q: frame for q, frame in needs.groupby("quarter_id", sort=False)}

    def needs_of(q: str, limit: int = 3) -> list[str]:
        own = by_quarter.get(q)
        if own is None:
            return []
        own = own.head(limit)
        return [row_need_text(r, catalogue, labels, language, with_category=True)
                for r in own.to_dict("records")]

    def status_text(value: object) -> str:
        return social_class_label(value, language)

    attention = [{
        "rank": fmt(r.rank), "id": r.quarter_id, "name": names.get(r.quarter_id, r.quarter_id),
        "residents": fmt(residents.get(r.quarter_id, 0)), "status": status_text(r.status_class),
        "people": fmt(r.people), "weighted": fmt(r.weighted_need), "gaps": fmt(r.gaps),
        "below_town": fmt(r.below_town), "needs": "; ".join(needs_of(r.quarter_id)),
        "check": bool(r.check_location),
        "check_note": (check_location_note(r.remote_share, remote_radius_m, language)
                       if r.check_location else ""),
    } for r in ranked.head(10 if large else 7).itertuples() if r.people > 0]
    apart = [{"id": r.quarter_id, "name": names.get(r.quarter_id, r.quarter_id),
              "residents": fmt(residents.get(r.quarter_id, 0)),
              "reason": text.get(f"reason_{r.reason}", r.reason)}
             for r in ranking[~ranking["ranked"]].itertuples()]
    counts = judgement_counts(gaps)
    by_category = gaps.groupby(["category", "status"]).size().unstack(fill_value=0)

    def top(series: pd.Series) -> list[dict]:
        ranked_series = series.sort_values(ascending=False)
        return [{"label": labels.get(c, c),
                 "field": field_label(catalogue.at[c, "field"], language),
                 "n": text["quarters_with_one"] if n == 1
                 else text["quarters_with"].format(n=fmt(n))}
                for c, n in ranked_series.head(5).items() if n > 0]

    def column(status: str) -> pd.Series:
        return by_category[status] if status in by_category.columns else pd.Series(dtype=int)

    return {
        "lead": text["summary_lead"].format(
            study=study_name, residents=fmt(residents.sum()), quarters=fmt(len(names)),
            categories=fmt(gaps["category"].nunique()), fields=fmt(len(field_rows)),
            standard=fmt(counts["standard_categories"]), town=fmt(counts["town_categories"])),
        "counts": text["summary_counts"].format(
            gaps=fmt(counts["gap"]), met=fmt(counts["met"]),
            well_above=fmt(counts["well_above"]), below=fmt(counts["below_town"]),
            average=fmt(counts["town_average"]), above=fmt(counts["above_town"]),
            resources=fmt(counts["resource"]), served=fmt(counts["served"])),
        "findings": key_findings(ranking, gaps, results, catalogue, names, labels, language,
                                 needs_of, remote_radius_m),
        "fields": field_rows, "attention": attention, "apart": apart,
        "apart_lead": text["summary_apart_lead"].format(min_population=fmt(min_population)),
        "top_gaps": top(column("gap")), "top_below": top(column("below_town")),
        "top_resources": top(gaps[gaps["resource"]].groupby("category").size()),
        "ranking": ranking,
    }


def key_findings(ranking: pd.DataFrame, gaps: pd.DataFrame, results, catalogue: pd.DataFrame,
                 names: pd.Series, labels: dict[str, str], language: str, needs_of,
                 remote_radius_m: float = 400.0) -> list[str]:
    """A few plain sentences for the first screen, generated from the ranking by need.

    The first three quarters flagged ``check_location`` get the marker "Wohnlage prüfen"
    beside their social status and a sentence with its footnote.
    """
    text = texts(language)
    fmt = lambda v, d=0: format_number(v, d, language)  # noqa: E731
    ranked = ranking[ranking["ranked"] & (ranking["people"] > 0)]
    sentences = []

    def status_part(value: object, check: bool = False) -> str:
        """The status in brackets; a flagged quarter gets "; Wohnlage prüfen" inside them."""
        part = (text["finding_status"].format(status=social_class_label(value, language))
                if isinstance(value, str) else "")
        if not check:
            return part
        return f"{part[:-1]}; {text['check_location']})" if part.endswith(")") \
            else f"{part} ({text['check_location']})"

    flagged = (ranked["check_location"].fillna(False).astype(bool)
               if "check_location" in ranked else pd.Series(False, index=ranked.index))

    if len(ranked):
        first = ranked.iloc[0]
        needs = needs_of(first["quarter_id"])
        sentences.append(text["finding_top"].format(
            name=names.get(first["quarter_id"], first["quarter_id"]),
            status=status_part(first["status_class"], bool(flagged.iloc[0])),
            needs="; ".join(needs),
            people=fmt(first["people"])))
        others = [text["finding_other"].format(
            name=names.get(r.quarter_id, r.quarter_id), people=fmt(r.people),
            status=status_part(r.status_class, check), need=(needs_of(r.quarter_id, 1) or [""])[0])
            for r, check in zip(ranked.iloc[1:3].itertuples(), flagged.iloc[1:3], strict=True)]
        if others:
            sentences.append(text["finding_next"].format(
                quarters=(" " + text["and"] + " ").join(others)))
        for r in ranked.iloc[:3][flagged.iloc[:3].to_numpy()].itertuples():
            sentences.append(text["finding_check_location"].format(
                name=names.get(r.quarter_id, r.quarter_id),
                note=check_location_note(r.remote_share, remote_radius_m, language)))
        fields = {key: ranking[f"people_{key}"][ranking["ranked"]].sum() for key in FIELDS}
        field, people = max(fields.items(), key=lambda item: item[1])
        if people > 0:
            quarters = int((ranking.loc[ranking["ranked"], f"people_{field}"] > 0).sum())
            sentences.append(text["finding_field"].format(field=field_label(field, language),
                                                          people=fmt(people),
                                                          quarters=fmt(quarters)))
    else:
        sentences.append(text["finding_no_gap"])
    counts = judgement_counts(gaps)
    sentences.append(text["finding_kinds"].format(
        standard=fmt(counts["standard_categories"]), gaps=fmt(counts["gap"]),
        town=fmt(counts["town_categories"]), below=fmt(counts["below_town"])))
    unjudged = unjudged_categories(gaps, labels, language)
    if unjudged:
        sentences.append(text["finding_unjudged"].format(
            n=fmt(sum(len(v) for v in unjudged.values())),
            groups="; ".join(f"{', '.join(v)} ({k})" for k, v in unjudged.items())))
    apart = ranking[~ranking["ranked"]]
    if len(apart):
        key = "finding_apart_one" if len(apart) == 1 else "finding_apart"
        sentences.append(text[key].format(
            n=fmt(len(apart)), names=", ".join(str(names.get(q, q))
                                               for q in apart["quarter_id"])))
    return sentences


def reference_cell(record: dict, formatted_target: str, language: str) -> str:
    """"Richtwert 75 %" or "Median der Quartiere 0,42" – the reference named with its kind."""
    basis = record.get("basis")
    if basis not in ("standard", "town") or formatted_target == "–":
        return "–"
    return f"{reference_label(basis, language)}: {formatted_target}"
