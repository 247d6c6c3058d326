"""A first, simple HTML report: map of the quarters and facilities per quarter and field.

The full Sozialraumanalyse report comes later; this page is already self-contained (the map
is an inline SVG, styles are inline) so it opens offline from a USB stick or an e-mail.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from jinja2 import Environment, PackageLoader, select_autoescape  # noqa: E402

from quartier import __version__  # noqa: E402
from quartier.assign import assign_points  # noqa: E402
from quartier.catalogue import reference_group_label  # noqa: E402
from quartier.fields import FIELDS, field_label  # noqa: E402
from quartier.format import format_date, format_number  # noqa: E402
from quartier.study import Study  # noqa: E402
from quartier.summary import population_by_quarter  # noqa: E402

__all__ = ["facility_counts", "quarter_map_svg", "render_simple_report", "report_folder",
           "write_simple_report"]

_TEXT = {
    "de": {"title": "Sozialraumanalyse", "edition": "Ausgabe", "map": "Karte der Quartiere",
           "map_alt": "Karte der {n} Quartiere von {study} mit ihren Nummern",
           "overview": "Einrichtungen je Quartier und Handlungsfeld", "quarter": "Quartier",
           "population": "Einwohner*innen", "total": "Summe", "outside": "außerhalb der Quartiere",
           "profiles": "Quartiere im Einzelnen", "category": "Kategorie", "count": "Anzahl",
           "capacity": "Kapazität", "reference": "Bezugsgruppe", "none": "keine Einrichtungen",
           "sources": "Quellen und Hinweise", "generated": "Erstellt am {date} mit quartier {v}.",
           "note": "Vorläufige Übersicht: Versorgungsquoten, Erreichbarkeit und Bewertung "
                   "gegenüber Richtwerten folgen im vollständigen Bericht.",
           "id": "Nr."},
    "en": {"title": "Social space analysis", "edition": "Edition", "map": "Map of the quarters",
           "map_alt": "Map of the {n} quarters of {study} with their numbers",
           "overview": "Facilities per quarter and action field", "quarter": "Quarter",
           "population": "Residents", "total": "Total", "outside": "outside all quarters",
           "profiles": "Quarters in detail", "category": "Category", "count": "Number",
           "capacity": "Capacity", "reference": "Reference group", "none": "no facilities",
           "sources": "Sources and notes", "generated": "Generated on {date} with quartier {v}.",
           "note": "Preliminary overview: supply rates, accessibility and the assessment against "
                   "standards follow in the full report.",
           "id": "No."},
}


def facility_counts(study: Study) -> pd.DataFrame:
    """Facilities per quarter and category: ``quarter_id``, ``field``, ``category``, ``count``,
    ``capacity`` (sum of known capacities, NaN when none is known).

    Facilities outside every quarter get ``quarter_id`` None and are kept as their own rows.
    """
    facilities = study.facilities
    if facilities.empty:
        return pd.DataFrame(columns=["quarter_id", "field", "category", "count", "capacity"])
    assigned = facilities.assign(quarter_id=assign_points(facilities, study.quarters))
    grouped = assigned.groupby(["quarter_id", "field", "category"], dropna=False)
    counts = grouped.agg(count=("facility_id", "size"),
                         capacity=("capacity", lambda s: s.sum(min_count=1)))
    return counts.reset_index()


def quarter_map_svg(study: Study, *, width_cm: float = 16) -> str:
    """An SVG map of the quarters with their ids and all facilities as small dots."""
    quarters = study.quarters
    minx, miny, maxx, maxy = quarters.total_bounds
    aspect = (maxy - miny) / max(maxx - minx, 1)
    fig, ax = plt.subplots(figsize=(width_cm / 2.54, min(width_cm / 2.54 * aspect, 6.5)))
    quarters.plot(ax=ax, facecolor="#dbe9f6", edgecolor="#2b5c8a", linewidth=0.6)
    if len(study.facilities):
        study.facilities.plot(ax=ax, markersize=1.5, color="#b2182b", alpha=0.6)
    if len(quarters) <= 60:
        points = quarters.geometry.representative_point()
        for quarter_id, point in zip(quarters["quarter_id"], points):
            ax.annotate(str(quarter_id), (point.x, point.y), ha="center", va="center",
                        fontsize=7, color="#08306b")
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_axis_off()
    ax.set_aspect("equal")
    fig.tight_layout(pad=0.1)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]


def render_simple_report(study: Study) -> str:
    """The report page as HTML text."""
    language = study.config.language
    text = _TEXT[language]
    population = population_by_quarter(study)
    counts = facility_counts(study)
    per_field = counts.pivot_table(index="quarter_id", columns="field", values="count",
                                   aggfunc="sum", fill_value=0, dropna=False)
    rows = []
    for quarter in population.itertuples():
        cells = [int(per_field.at[quarter.quarter_id, f]) if quarter.quarter_id in per_field.index
                 and f in per_field.columns else 0 for f in FIELDS]
        rows.append({"id": quarter.quarter_id, "name": quarter.name,
                     "population": format_number(quarter.total, language=language),
                     "fields": [format_number(c, language=language) for c in cells]})
    outside = counts[counts["quarter_id"].isna()]
    outside_cells = [format_number(int(outside.loc[outside["field"] == f, "count"].sum()),
                                   language=language) for f in FIELDS]
    totals = [format_number(int(counts.loc[counts["field"] == f, "count"].sum()),
                            language=language) for f in FIELDS]
    catalogue = study.catalogue
    label_column = "label_de" if language == "de" else "label_en"
    profiles = []
    for quarter in population.itertuples():
        own = counts[counts["quarter_id"] == quarter.quarter_id]
        fields = []
        for key in FIELDS:
            items = own[own["field"] == key].sort_values("category")
            fields.append({
                "label": field_label(key, language),
                "items": [{"label": catalogue.at[r.category, label_column],
                           "count": format_number(r.count, language=language),
                           "capacity": format_number(r.capacity, language=language),
                           "reference": reference_group_label(
                               catalogue.at[r.category, "reference_group"], language)}
                          for r in items.itertuples()],
            })
        profiles.append({"id": quarter.quarter_id, "name": quarter.name,
                         "population": format_number(quarter.total, language=language),
                         "fields": fields})
    environment = Environment(loader=PackageLoader("quartier", "report/templates"),
                              autoescape=select_autoescape(["html"]))
    template = environment.get_template("simple.html")
    return template.render(
        lang=language, text=text, study=study.name, edition=study.edition,
        map_svg=quarter_map_svg(study),
        map_alt=text["map_alt"].format(n=len(study.quarters), study=study.name),
        field_labels=[field_label(f, language) for f in FIELDS], rows=rows,
        outside=outside_cells if len(outside) else None, totals=totals,
        population_total=format_number(population["total"].sum(), language=language),
        profiles=profiles, attribution=study.config.attribution,
        generated=text["generated"].format(date=format_date(_dt.date.today(), language),
                                           v=__version__),
    )


def report_folder(study: Study) -> Path:
    """``reports/<study>/<edition>/`` relative to the working directory."""
    return Path("reports") / _slug(study.name) / study.edition


def write_simple_report(study: Study, output: Path | None = None) -> Path:
    """Write ``index.html`` to ``output`` (default ``reports/<study>/<edition>/``).

    The file is written to a temporary name first and then renamed, so an interrupted run never
    leaves a half-written report behind.
    """
    folder = Path(output) if output else report_folder(study)
    folder.mkdir(parents=True, exist_ok=True)
    html = render_simple_report(study)
    target = folder / "index.html"
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".index-", suffix=".html")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(html)
    os.replace(temporary, target)
    return target


def _slug(name: str) -> str:
    keep = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name.strip())
    return keep.strip("-").lower() or "studie"
