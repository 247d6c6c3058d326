"""Writing the Sozialraumanalyse report: ``index.html`` (self-contained) plus exports.

Each file is written under a temporary name and renamed when complete, so an interrupted run
never leaves a half-written report behind.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from quartier._atomic import write_text_atomic
from quartier._background import start
from quartier._paths import inside
from quartier.catalogue import category_labels
from quartier.compute import Results, compute
from quartier.editions.compare import Comparison
from quartier.editions.history import EditionHistory
from quartier.fields import FIELDS, field_label
from quartier.format import slug, unique_slugs
from quartier.partners.analysis import PartnerAnalysis, analyse_partners
from quartier.report.context import report_context
from quartier.report.texts import texts
from quartier.study import Study

__all__ = ["build_report", "profile_pages", "render_report", "report_folder",
           "write_text_atomic"]

Progress = Callable[[str], None]


def report_folder(study: Study, root: Path | None = None) -> Path:
    """``reports/<study>/<edition>/`` below ``root`` (default: the working directory).

    Study name and edition label pass through :func:`quartier.format.slug`.

    Examples
    --------
    >>> from pathlib import Path
    >>> from quartier.sample import sample_study
    >>> report_folder(sample_study(), Path("/tmp/projekt")).as_posix()
    '/tmp/projekt/reports/musterstadt/2025'
    """
    return inside(root or Path("."), "reports", slug(study.name), slug(study.edition))


def profile_pages(quarter_ids) -> dict[str, str]:
    """Quarter id → its profile page ``quartiere/<slug>.html`` (large reports).

    Every id gets its own file, also when ids differ only in case or in characters a file
    name cannot hold (see :func:`quartier.format.unique_slugs`).
    """
    return {quarter_id: f"quartiere/{name}.html"
            for quarter_id, name in unique_slugs(quarter_ids, default="quartier").items()}


def _environment() -> Environment:
    return Environment(loader=PackageLoader("quartier", "report/templates"),
                       autoescape=select_autoescape(["html"]), trim_blocks=True,
                       lstrip_blocks=True)


def _figures(study: Study, language: str) -> Callable[..., str]:
    """A callback that draws a static map and returns it as a PNG data URI."""
    from quartier.maps.static import choropleth, figure_to_png_base64, status_map

    label_by = "auto" if len(study.quarters) <= 60 else "id"

    def draw(kind: str, **kw) -> str:
        if kind == "status":
            fig = status_map(study.quarters, kw["status"], title=kw["title"], language=language,
                             resource=kw.get("resource"),
                             attribution=study.config.attribution, label_by=label_by)
        else:
            fig = choropleth(study.quarters, kw["values"], title=kw["title"],
                             legend_title=kw.get("legend_title", "z"), language=language,
                             breaks=kw.get("breaks", [-1, 1, 1.5]), cmap=kw.get("cmap"),
                             diverging_center=kw.get("diverging_center", 0),
                             class_labels=kw.get("class_labels"),
                             attribution=study.config.attribution, label_by=label_by)
        return "data:image/png;base64," + figure_to_png_base64(fig, dpi=80)

    return draw


def _overview_map(study: Study, results: Results, text: dict) -> dict[str, str]:
    """The overview map of the first screen and of print (where the interactive map is
    hidden): number of categories with a Lücke against a standard per quarter, labelled.

    Returns ``{"img": PNG data URI, "alt": title}``.
    """
    from quartier.maps.static import choropleth, figure_to_png_base64

    standard_gaps = results.gaps[(results.gaps["status"] == "gap")
                                 & (results.gaps["basis"] == "standard")]
    counts = (standard_gaps.groupby("quarter_id").size()
              .reindex(study.quarters["quarter_id"], fill_value=0))
    most = int(counts.max()) if len(counts) else 0
    breaks = [b for b in (0, 1, 2, 4) if b < most] + [float("inf")]  # 0, 1, 2, 3–4, more
    fig = choropleth(study.quarters, counts, title=text["overview_map"],
                     legend_title=text["overview_map_legend"], language=study.config.language,
                     breaks=breaks, cmap="OrRd", attribution=study.config.attribution,
                     label_by="auto" if len(study.quarters) <= 60 else "id", counts=True)
    return {"img": "data:image/png;base64," + figure_to_png_base64(fig, dpi=110),
            "alt": text["overview_map"]}


def _profile_links(study: Study) -> dict[str, str]:
    """Quarter id → its profile: an anchor in ``index.html`` or, for large studies, a page."""
    from quartier.report.context import LARGE_STUDY

    ids = [str(q) for q in study.quarters["quarter_id"]]
    return profile_pages(ids) if len(ids) > LARGE_STUDY else {q: f"#q-{q}" for q in ids}


def _interactive(study: Study, results: Results) -> str:
    from quartier.maps.interactive import interactive_map, map_iframe
    from quartier.report.catchment_layers import catchment_layers

    language = study.config.language
    text = texts(language)
    assert results.quarters is not None, "results of quartier.compute carry Results.quarters"
    area = results.quarters["area_km2"]
    residents = results.quarters["residents"]
    gaps = results.gaps[(results.gaps["status"] == "gap")
                        & (results.gaps["basis"] == "standard")]  # Lücken only, never relative
    layers = [(text["map_layer_density"], residents / area)]
    for key in FIELDS:
        own = gaps[gaps["category"].map(study.catalogue["field"]) == key]
        if len(own):
            layers.append((text["map_layer_gaps"].format(field=field_label(key, language)),
                           own.groupby("quarter_id").size().reindex(area.index, fill_value=0)))
    fmap = interactive_map(study.quarters, study.facilities, layers=layers, language=language,
                           title=study.name, attribution=study.config.attribution,
                           category_labels=category_labels(study.catalogue, language),
                           field_of_category=study.catalogue["field"].to_dict(),
                           profile_links=_profile_links(study),
                           catchments=catchment_layers(study, results))
    return map_iframe(fmap, title=text["map_title"].format(study=study.name))


def render_report(study: Study, results: Results, *, downloads: dict[str, str] | None = None,
                  maps: bool = True, interactive: bool = True,
                  comparison: Comparison | None = None,
                  history: EditionHistory | None = None,
                  partners: PartnerAnalysis | None = None) -> dict[str, str]:
    """The report's pages as HTML text: ``{"index.html": …}`` plus, for large studies,
    ``anhang.html`` and one page per quarter (:func:`profile_pages`).

    ``partners``: :func:`quartier.partners.analysis.analyse_partners`, computed when missing.
    """
    language = study.config.language
    context = report_context(
        study, results, downloads=downloads,
        interactive_map=_interactive(study, results) if interactive else "",
        figures=_figures(study, language) if maps else None, comparison=comparison,
        history=history, partners=partners)
    css = files("quartier").joinpath("report/templates/style.css").read_text(encoding="utf-8")
    common = {"css": css, "attribution": study.config.attribution, "lang": language,
              "text": context["text"], "study": study.name, "edition": study.edition,
              "generated": context["generated"]}
    environment = _environment()
    links = profile_pages(p["id"] for p in context["profiles"]) if context["large"] else {}
    overview = _overview_map(study, results, context["text"]) if maps else None
    pages = {"index.html": environment.get_template("report.html").render(
        **context, css=css, attribution=study.config.attribution, profile_pages=links,
        overview=overview)}
    if context["large"]:
        pages["anhang.html"] = environment.get_template("appendix_page.html").render(
            **common, appendix=context["appendix"],
            appendix_indicators=context["appendix_indicators"])
        profile = environment.get_template("profile_page.html")
        for p in context["profiles"]:
            pages[links[str(p["id"])]] = profile.render(**common, p=p, profile_pages=links)
    return pages


def build_report(study: Study, results: Results | None = None, *, output: Path | None = None,
                 maps: bool = True, interactive: bool = True, exports: bool = True,
                 comparison: Comparison | None = None,
                 history: EditionHistory | None = None, parallel: bool = True,
                 progress: Progress | None = None) -> Path:
    """Compute (if needed) and write the whole report; returns the path of ``index.html``.

    Parameters
    ----------
    study : Study
    results : Results, optional
        From :func:`quartier.compute`; computed when missing.
    output : Path, optional
        Folder; default :func:`report_folder`.
    maps, interactive, exports : bool
        Switch off static maps, the interactive map or the export files (faster tests).
    parallel : bool, default True
        Write the export files (Excel, GeoPackage, CSV) in a second process while the maps and
        pages are drawn, when the machine has more than one core.
    comparison : Comparison, optional
        Changes since the previous stored edition (:func:`compare_with_stored`).
    history : EditionHistory, optional
        All stored editions (:func:`quartier.editions.history.load_history`): trend table,
        chart, profile trend lines and the CSV of every indicator in every edition.

    Examples
    --------
    Writing a report takes a while and writes files, so this is not run here:

    >>> from pathlib import Path
    >>> from quartier.sample import sample_results, sample_study
    >>> page = build_report(sample_study(), sample_results(),
    ...                     output=Path("bericht"))  # doctest: +SKIP
    >>> page.name  # doctest: +SKIP
    'index.html'
    """
    step = progress or (lambda _message: None)
    if results is None:
        results = compute(study, progress=step)
    folder = Path(output) if output else report_folder(study)
    folder.mkdir(parents=True, exist_ok=True)
    downloads: dict[str, str] = {}
    pending, partners = None, None
    if exports:
        step("Tabellen und Geodaten exportieren")
        from quartier.export import export_targets, write_exports

        written = export_targets(study, results, folder)
        pending = start(write_exports, study, results, folder, parallel=parallel)
        # computed once, while the exports run: read by the tables below and the chapters
        partners = analyse_partners(study, results, history)
        for key, name in (("csv", "indicators"), ("gaps", "gaps"), ("xlsx", "excel"),
                          ("gpkg", "geopackage")):
            if name in written:
                downloads[key] = Path(written[name]).relative_to(folder).as_posix()
        from quartier.partners.export import write_network_exports

        for key, path in write_network_exports(study, folder,  # publishable only
                                               partners=partners).items():
            downloads[key] = path.relative_to(folder).as_posix()
        if history is not None and len(history.labels) > 1:
            from quartier.export.series import write_series_csv

            path = write_series_csv(history, folder, study.catalogue, study.config.language)
            downloads["series"] = path.relative_to(folder).as_posix()
    step("Karten und Bericht erstellen")
    try:
        pages = render_report(study, results, downloads=downloads, maps=maps,
                              interactive=interactive, comparison=comparison, history=history,
                              partners=partners)
    finally:
        if pending is not None:  # wait for the exports, also when rendering failed
            pending.result()
    for name, html in pages.items():
        write_text_atomic(inside(folder, *name.split("/")), html)
    return folder / "index.html"
