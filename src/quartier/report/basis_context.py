"""The chapter "Grundlagen" (basis) as plain data: study area, quarters, data sources,
methods, assessment rules and standards.
"""

from __future__ import annotations

from quartier.format import format_percent
from quartier.indicators.edges import boundary_quarters
from quartier.indicators.registry import INDICATORS
from quartier.report.distance_context import distance_method_text
from quartier.report.inputs import ReportInputs
from quartier.report.judgement_context import standard_rows
from quartier.report.population_text import population_method_text
from quartier.report.reconcile import facility_reconciliation

__all__ = ["basis_chapter", "source_rows"]


def basis_chapter(inputs: ReportInputs, interactive_map: str = "") -> dict:
    """Context of the chapter "Grundlagen".

    Parameters
    ----------
    inputs : ReportInputs
    interactive_map : str
        HTML of the interactive map, empty for none.

    Returns
    -------
    dict
        ``lead``, ``quarters``, ``sources``, ``attribution``, ``methods``, ``rules``,
        ``population_method``, ``ranking_rule``, ``standards``, ``notes``, ``data_notes``,
        ``distance_method``, ``reconciliation`` and ``map``.
    """
    study, results, text, language = inputs.study, inputs.results, inputs.text, inputs.language
    fmt = inputs.number
    facilities = study.facilities
    return {
        "lead": text["basis_area_lead"].format(
            quarters=fmt(len(inputs.quarters)), area=fmt(inputs.area_km2.sum(), 1),
            residents=fmt(inputs.residents.sum()), crs=study.config.crs.to_string()),
        "quarters": _quarter_rows(inputs), "sources": source_rows(inputs),
        "attribution": study.config.attribution,
        "methods": [{"label": getattr(i, f"label_{language}"),
                     "formula": getattr(i, f"formula_{language}"),
                     "unit": getattr(i, f"unit_{language}")} for i in INDICATORS.values()],
        "rules": _rules(inputs),
        "population_method": population_method_text(
            results.surface.attrs.get("population_method"), text),
        "ranking_rule": text["ranking_rule"].format(
            min_population=fmt(study.config.indicators.min_population)),
        "standards": standard_rows(study.catalogue, inputs.categories, inputs.labels, language),
        "notes": _facility_notes(inputs),
        "data_notes": [f.message for f in [*study.findings.warnings, *results.findings]  # German
                       if f.code != "outside_quarters"],
        "distance_method": distance_method_text(results, study.config.network, inputs.labels,
                                                text, language),
        "reconciliation": _reconciliation(inputs) if len(facilities) else [],
        "map": interactive_map,
    }


def _quarter_rows(inputs: ReportInputs) -> list[dict]:
    fmt, residents, area = inputs.number, inputs.residents, inputs.area_km2
    return [{"id": q, "name": inputs.names[q], "residents": fmt(residents[q]),
             "area": fmt(area[q], 2),
             "density": fmt(residents[q] / area[q]) if area[q] > 0 else "–"}
            for q in inputs.quarters["quarter_id"]]


def _rules(inputs: ReportInputs) -> list[str]:
    """How judgements are made, the Randlage and the demand beyond the boundary."""
    text, fmt, results, gaps = inputs.text, inputs.number, inputs.results, inputs.gaps
    settings = inputs.study.config.indicators
    rules = [paragraph.format(min_population=fmt(settings.min_population))
             for paragraph in text["assessment_kinds"]]
    if "edge" in gaps:  # Randlage: why, and how many quarters (quartier.indicators.edges)
        boundary = (results.boundary if results.boundary is not None
                    else boundary_quarters(inputs.study.quarters))
        rules.append(text["edge_method"].format(
            buffer=fmt(settings.context_buffer_m),
            edge=fmt(gaps.loc[gaps["edge"].fillna(False).astype(bool), "quarter_id"].nunique()),
            boundary=fmt(boundary.sum())))
    beyond = results.context_surface  # demand beyond the boundary (2SFCA)
    if beyond is not None and len(beyond):
        sentence = text["context_demand_method"].format(
            residents=fmt(beyond["total"].sum()), cells=fmt(len(beyond)),
            buffer=fmt(settings.context_buffer_m))
        if inputs.study.population_quarters is not None:  # the grid calibrated inside only
            sentence += " " + text["context_demand_uncalibrated"]
        rules.append(sentence)
    remote = getattr(results, "remote", None)  # Wohnlage prüfen (quartier.indicators.remote)
    if remote is not None and len(remote):
        everyone = remote["residents"].sum()
        rules.append(text["remote_method"].format(
            radius=fmt(settings.remote_radius_m),
            flag=format_percent(100 * settings.remote_share_flag, 0, inputs.language),
            n=fmt(int((remote["remote_share"] > settings.remote_share_flag).sum())),
            share=format_percent(100 * remote["remote_residents"].sum() / everyone
                                 if everyone > 0 else 0.0, 1, inputs.language)))
    if any(f.code == "estimated_reference_groups" for f in results.findings):  # split bands
        rules.append(text["age_estimation_method"].format(source=text[
            "age_structure_national" if inputs.study.age_structure is None
            else "age_structure_own"]))
    return rules


def _facility_notes(inputs: ReportInputs) -> list[str]:
    facilities, text, fmt = inputs.study.facilities, inputs.text, inputs.number
    if not len(facilities):
        return []
    outside = (int((~facilities["in_study_area"]).sum())
               if "in_study_area" in facilities.columns else 0)
    return [text["outside"].format(n=fmt(outside)) if outside else
            text["outside_none"].format(n=fmt(len(facilities)))]


def _reconciliation(inputs: ReportInputs) -> list[dict]:
    text, fmt = inputs.text, inputs.number
    return [{"source": source if isinstance(source, str) else text["reconcile_total"],
             "total": not isinstance(source, str),
             **{key: fmt(row[key]) for key in ("facilities", "inside", "outside", "capacity",
                                               "capacity_inside")}}
            for source, row in facility_reconciliation(inputs.study.facilities).iterrows()]


def source_rows(inputs: ReportInputs) -> list[dict[str, str]]:
    """One row per configured data source: label, file names, date and number of rows."""
    study, text = inputs.study, inputs.text
    config = study.config
    rows = []

    def add(label: str, cfg, count) -> None:
        if cfg is None:
            return
        files = ", ".join(p.name for p in cfg.paths)
        rows.append({"label": label, "file": files, "date": str(cfg.get("date", "–")),
                     "rows": inputs.number(count) if count is not None else "–"})

    add(text["source_quarters"], config.quarters, len(study.quarters))
    add(text["source_population_grid"], config.population_grid,
        None if study.population_grid is None else len(study.population_grid))
    add(text["source_population_quarters"], config.population_quarters,
        None if study.population_quarters is None else len(study.population_quarters))
    counts = study.facilities.groupby("source").size()
    for cfg in config.facilities:
        label = str(cfg.get("label", cfg.path.stem))
        add(label, cfg, int(counts.get(label, 0)))
    for key, block, frame in (("source_housing", config.housing, study.housing),
                              ("source_actors", config.actors, study.actors),
                              ("source_measures", config.measures, study.measures)):
        add(text[key], block, None if frame is None else len(frame))
    for cfg in config.social:
        add(text["source_social"], cfg, None)
    return rows
