"""Static maps of quarters for the report and for print (Matplotlib, PNG and SVG).

Three kinds of map share one layout — title on top, the map with a scale bar and a north arrow
below it, the legend to the right, the sources at the bottom:

- :func:`choropleth`: one value per quarter, coloured by class (:func:`classify`);
- :func:`facility_map`: facilities as points, one colour and marker per category;
- :func:`status_map`: the judgement of each quarter for one category: against a standard
  (Lücke / erfüllt / deutlich über Richtwert) or relative to the town (unter dem Stadtmittel /
  im Mittel / über dem Stadtmittel), each kind in its own colours, Ressourcen outlined.

All three return a :class:`matplotlib.figure.Figure` that is not registered with
``pyplot``; :func:`save_figure` writes it as PNG and SVG so that repeated runs give identical
files, :func:`figure_to_svg_text` and :func:`figure_to_png_base64` give text to inline into
HTML.

Colours are safe for the common forms of colour-vision deficiency: ColorBrewer's ``YlGnBu``
(sequential) and ``PuOr`` (diverging) for classes, the Okabe–Ito palette for categories and
vermillion / blue for gaps / resources (see :data:`STATUS_COLOURS`).

The parts live in their own modules and are re-exported here, where notebooks import them:
:mod:`~quartier.maps.classification` (:func:`classify`, :func:`class_colours`),
:mod:`~quartier.maps.style` (palettes, texts), :mod:`~quartier.maps.draw` (polygons, points),
:mod:`~quartier.maps.furniture` (layout, legend, scale bar, north arrow, labels),
:mod:`~quartier.maps.output` (files and inline text) and :mod:`~quartier.maps.quarter_maps`
(the small SVG maps of the quarter profiles).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from quartier.format import format_number
from quartier.judgements import (
    RESOURCE_COLOUR,
    STANDARD_STATUSES,
    TOWN_STATUSES,
    judgement_label,
    kind_label,
    resource_label,
)
from quartier.maps.classification import SCHEMES, Classification, class_colours, classify
from quartier.maps.draw import (
    add_polygons,
    draw_facility_points,
    edge_width,
    facility_points,
    geometry_paths,
    hatched_patch,
)
from quartier.maps.furniture import (
    draw_legend,
    draw_quarter_labels,
    map_figure,
    scale_bar_length,
)
from quartier.maps.inputs import align_to_quarters, check_facilities, check_quarters, quarter_values
from quartier.maps.output import figure_to_png_base64, figure_to_svg_text, save_figure
from quartier.maps.quarter_maps import QuarterMap, quarter_maps
from quartier.maps.style import (
    EDGE_COLOUR,
    HATCH,
    MARKERS,
    NO_DATA_COLOUR,
    OKABE_ITO,
    STATUS_COLOURS,
    STATUS_KEYS,
    TEXT_COLOUR,
    map_texts,
    matplotlib_style,
)

__all__ = [
    "NO_DATA_COLOUR",
    "OKABE_ITO",
    "SCHEMES",
    "STATUS_COLOURS",
    "STATUS_KEYS",
    "Classification",
    "QuarterMap",
    "align_to_quarters",
    "choropleth",
    "class_colours",
    "classify",
    "facility_map",
    "figure_to_png_base64",
    "figure_to_svg_text",
    "quarter_maps",
    "save_figure",
    "scale_bar_length",
    "status_map",
]


def choropleth(quarters: gpd.GeoDataFrame, values: pd.Series, *, title: str,
               legend_title: str, language: str = "de", scheme: str = "quantiles", k: int = 5,
               breaks: Sequence[float] | None = None, cmap: str | None = None,
               diverging_center: float | None = None,
               facilities: gpd.GeoDataFrame | None = None, facility_label: str | None = None,
               label_quarters: bool = True, label_by: str = "auto", max_labels: int = 60,
               attribution: Sequence[str] = (), no_data_label: str | None = None,
               north_arrow: bool = True, counts: bool = False,
               class_labels: Sequence[str] | None = None) -> Figure:
    """Map one value per quarter, coloured by class (``counts``: whole-number classes, see
    :meth:`Classification.labels`).

    Parameters
    ----------
    quarters : GeoDataFrame
        ``quarter_id`` (and optionally ``name``) with polygons in a projected CRS in metres.
    values : Series
        Indexed by ``quarter_id``; quarters without a value are drawn hatched grey as
        "keine Angabe" (``no_data_label``). Values of other ids are ignored.
    title, legend_title : str
        Title above the map and above the legend.
    language : {"de", "en"}
        Language and number format of the legend and scale bar.
    scheme, k, breaks
        Classification, see :func:`classify`; fixed ``breaks`` make editions comparable.
    cmap : str, optional
        Matplotlib colormap, default ``"YlGnBu"`` (``"PuOr"`` with ``diverging_center``).
    diverging_center : float, optional
        Use a diverging scheme around this value (see :func:`class_colours`).
    facilities : GeoDataFrame, optional
        Points drawn on top (same CRS as ``quarters``), in the legend as ``facility_label``
        (default "Angebote" / "Facilities").
    label_quarters : bool
        Write a label on each quarter (skipped when there are more than ``max_labels``).
    label_by : {"auto", "name", "id"}
        ``auto`` uses names up to 20 quarters, ids above; a name too long for its quarter
        is broken onto two lines or replaced by the id, and labels that would overlap
        another are left out.
    max_labels : int
        Most quarters that still get labels (default 60).
    attribution : sequence of str
        Source lines printed below the map.
    no_data_label : str, optional
        Legend entry for missing values, default "keine Angabe" / "no data".
    north_arrow : bool
        Draw a north arrow next to the scale bar (grid north of the projected CRS).
    class_labels : sequence of str, optional
        Legend entries of the classes instead of their value ranges (one per class, e.g. the
        names of social status classes with their index ranges).

    Returns
    -------
    matplotlib.figure.Figure
        The quarters with a value are one ``PathCollection`` with gid ``"quarters"``, those
        without one with gid ``"quarters-no-data"``.

    Raises
    ------
    ValueError
        For a geographic CRS or one not in metres, for ``values`` not indexed by
        ``quarter_id``, an unknown language or scheme.

    Examples
    --------
    >>> import quartier
    >>> study = quartier.load_study("data/sample/quartier.toml")  # doctest: +SKIP
    >>> coverage = quartier.wide(quartier.compute(study).indicators,
    ...                          "coverage")  # doctest: +SKIP
    >>> fig = choropleth(study.quarters, coverage["supermarket"],
    ...                  title="Nahversorgung", legend_title="Abdeckung (%)",
    ...                  attribution=study.config.attribution)  # doctest: +SKIP
    >>> save_figure(fig, "karten/supermarkt")  # doctest: +SKIP
    [PosixPath('karten/supermarkt.png'), PosixPath('karten/supermarkt.svg')]
    """
    texts = map_texts(language)
    check_quarters(quarters)
    aligned = quarter_values(values, quarters, "values")
    classification = classify(aligned, scheme=scheme, k=k, breaks=breaks)
    colours = np.asarray(class_colours(classification, cmap, diverging_center=diverging_center)
                         + [NO_DATA_COLOUR])
    bins = classification.bins.to_numpy()
    with matplotlib_style():
        fig, ax, scale = map_figure(quarters, title=title, attribution=attribution,
                                     language=language, north_arrow=north_arrow)
        paths = geometry_paths(quarters.geometry.to_numpy(), scale)
        width = edge_width(len(quarters))
        has_value = bins >= 0
        add_polygons(ax, paths[has_value], colours[bins[has_value]], width, gid="quarters")
        add_polygons(ax, paths[~has_value], NO_DATA_COLOUR, width, gid="quarters-no-data",
                      hatch=HATCH)
        legend_labels = classification.labels(language, counts=counts)
        if class_labels is not None:
            if len(class_labels) != len(legend_labels):
                raise ValueError(f"class_labels has {len(class_labels)} entries for "
                                 f"{len(legend_labels)} classes")
            legend_labels = list(class_labels)
        handles: list[Artist] = [
            Patch(facecolor=c, edgecolor=EDGE_COLOUR, linewidth=0.5, label=label)
            for c, label in zip(colours[:-1], legend_labels, strict=True)]
        if not has_value.all():
            handles.append(hatched_patch(NO_DATA_COLOUR, no_data_label or texts["no_data"]))
        if facilities is not None:
            handles.append(draw_facility_points(ax, quarters, facilities,
                                                 facility_label or texts["facilities"]))
        if label_quarters:
            draw_quarter_labels(ax, quarters, scale, label_by=label_by, max_labels=max_labels)
        draw_legend(ax, handles, legend_title)
    return fig


def facility_map(quarters: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame, *,
                 categories: Sequence[str] | None = None,
                 labels: Mapping[str, str] | None = None, title: str, language: str = "de",
                 attribution: Sequence[str] = (), legend_title: str | None = None,
                 show_counts: bool = True, label_quarters: bool = True,
                 label_by: str = "auto", max_labels: int = 60,
                 north_arrow: bool = True) -> Figure:
    """Map facilities as points, one colour (and marker) per category, over the quarters.

    Parameters
    ----------
    quarters : GeoDataFrame
        ``quarter_id`` (and optionally ``name``) with polygons in a projected CRS in metres.
    facilities : GeoDataFrame
        ``category`` and point geometry in the CRS of ``quarters``.
    categories : sequence of str, optional
        Categories to show, in legend order (also those without any facility, so that maps of
        two editions have the same legend). Default: all, most frequent first.
    labels : mapping, optional
        Category key → display label; keys not given are shown as they are.
    title : str
    language : {"de", "en"}
    attribution : sequence of str
    legend_title : str, optional
        Default "Kategorie" / "Category".
    show_counts : bool
        Add the number of facilities to each legend entry, e.g. "Kita (15)".
    label_quarters, label_by, max_labels, north_arrow
        As in :func:`choropleth`.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Colours follow the Okabe–Ito palette (:data:`OKABE_ITO`); the 9th to 16th category
    repeat the colours with squares, then triangles, … so that categories stay
    distinguishable without relying on colour alone.

    Examples
    --------
    >>> import quartier
    >>> study = quartier.load_study("data/sample/quartier.toml")  # doctest: +SKIP
    >>> fig = facility_map(study.quarters, study.facilities, categories=["kita", "gp"],
    ...                    labels={"kita": "Kita", "gp": "Hausarztpraxis"},
    ...                    title="Kitas und Hausärzte")  # doctest: +SKIP
    """
    texts = map_texts(language)
    check_quarters(quarters)
    check_facilities(facilities, quarters)
    x, y, category = facility_points(facilities)
    found = pd.Series(category).value_counts(sort=False)
    if categories is None:
        order = sorted(found.index, key=lambda c: (-found[c], c))
    else:
        order = list(dict.fromkeys(categories))
    labels = dict(labels or {})
    with matplotlib_style():
        fig, ax, scale = map_figure(quarters, title=title, attribution=attribution,
                                     language=language, north_arrow=north_arrow)
        paths = geometry_paths(quarters.geometry.to_numpy(), scale)
        add_polygons(ax, paths, "#F3F3F3", edge_width(len(quarters)), gid="quarters",
                      edgecolor="#8A8A8A")
        size = 30.0 if len(x) <= 300 else 14.0 if len(x) <= 3000 else 6.0
        handles = []
        drawn = []
        for i, key in enumerate(order):
            colour, marker = OKABE_ITO[i % len(OKABE_ITO)], MARKERS[(i // 8) % len(MARKERS)]
            mask = category == key
            label = labels.get(key, key)
            if show_counts:
                label = f"{label} ({format_number(int(mask.sum()), 0, language)})"
            handles.append(Line2D([], [], linestyle="", marker=marker, markersize=6.5,
                                  markerfacecolor=colour, markeredgecolor=TEXT_COLOUR,
                                  markeredgewidth=0.5, label=label))
            drawn.append((int(mask.sum()), i, mask, colour, marker))
        # frequent categories at the bottom, rare ones on top
        for z, (_, i, mask, colour, marker) in enumerate(sorted(drawn, key=lambda d: -d[0])):
            ax.scatter(x[mask], y[mask], s=size, c=colour, marker=marker,
                       edgecolors=TEXT_COLOUR, linewidths=0.4, zorder=4 + z * 1e-3,
                       gid=f"facilities-{i}")
        if label_quarters:
            draw_quarter_labels(ax, quarters, scale, label_by=label_by, max_labels=max_labels,
                                 zorder=5, colour="#333333", halo_width=1.4)
        draw_legend(ax, handles, legend_title or texts["category"])
    return fig


def status_map(quarters: gpd.GeoDataFrame, status: pd.Series, *, title: str,
               resource: pd.Series | None = None, language: str = "de",
               attribution: Sequence[str] = (), legend_title: str | None = None,
               label_quarters: bool = True, label_by: str = "auto", max_labels: int = 60,
               north_arrow: bool = True) -> Figure:
    """Map the judgement of each quarter for one category.

    Parameters
    ----------
    quarters : GeoDataFrame
        ``quarter_id`` (and optionally ``name``) with polygons in a projected CRS in metres.
    status : Series
        Indexed by ``quarter_id``, values of :data:`STATUS_KEYS` (as in ``Results.gaps``):
        ``gap`` / ``met`` / ``well_above`` (against a standard), ``below_town`` /
        ``town_average`` / ``above_town`` (relative to the town) or ``not_assessed``;
        quarters without a value count as not assessed.
    title : str
    resource : Series of bool, optional
        Indexed by ``quarter_id``: quarters that are a Ressource are outlined (thick dark
        edge), never filled differently.
    language : {"de", "en"}
    attribution : sequence of str
    legend_title : str, optional
        Default "Bewertung" / "Assessment".
    label_quarters, label_by, max_labels, north_arrow
        As in :func:`choropleth`.

    Returns
    -------
    matplotlib.figure.Figure
        Assessed quarters are one ``PathCollection`` with gid ``"quarters"``, the others one
        with gid ``"quarters-not-assessed"``, resources one with gid ``"resources"``. The
        legend lists every state of each kind present (standard: traffic light; town: neutral
        scheme, headed "Vergleich mit dem Median der Quartiere"), then "nicht bewertet".

    Examples
    --------
    >>> import quartier
    >>> study = quartier.load_study("data/sample/quartier.toml")  # doctest: +SKIP
    >>> gaps = quartier.compute(study).gaps.set_index("quarter_id")  # doctest: +SKIP
    >>> kita = gaps[gaps["category"] == "kita"]  # doctest: +SKIP
    >>> fig = status_map(study.quarters, kita["status"], resource=kita["resource"],
    ...                  title="Kitas")  # doctest: +SKIP
    """
    texts = map_texts(language)
    check_quarters(quarters)
    aligned = quarter_values(status, quarters, "status").astype(object)
    aligned = aligned.where(aligned.notna(), "not_assessed").astype(str)
    unknown = sorted(set(aligned) - set(STATUS_KEYS))
    if unknown:
        raise ValueError(f"unknown status value(s) {', '.join(map(repr, unknown))}; "
                         f"expected {', '.join(STATUS_KEYS)}")
    codes = aligned.to_numpy()
    assessed = codes != "not_assessed"
    fills = np.array([STATUS_COLOURS[c] for c in codes], dtype=object)
    outlined = np.zeros(len(codes), dtype=bool)
    if resource is not None:
        flags = quarter_values(resource, quarters, "resource")
        outlined = flags.fillna(False).astype(bool).to_numpy()
    with matplotlib_style():
        fig, ax, scale = map_figure(quarters, title=title, attribution=attribution,
                                     language=language, north_arrow=north_arrow)
        paths = geometry_paths(quarters.geometry.to_numpy(), scale)
        width = edge_width(len(quarters))
        add_polygons(ax, paths[assessed], list(fills[assessed]), width, gid="quarters")
        add_polygons(ax, paths[~assessed], STATUS_COLOURS["not_assessed"], width,
                      gid="quarters-not-assessed", hatch=HATCH)
        if outlined.any():
            collection = add_polygons(ax, paths[outlined], "none", width * 4, gid="resources",
                                       edgecolor=RESOURCE_COLOUR)
            if collection is not None:  # None only for no paths: outlined.any() drew some
                collection.set_zorder(3)
        handles: list[Artist] = []
        present = set(codes)
        for kind, keys in (("standard", STANDARD_STATUSES), ("town", TOWN_STATUSES)):
            if present & set(keys):
                if handles or present & set(TOWN_STATUSES if kind == "standard"
                                            else STANDARD_STATUSES):
                    handles.append(Patch(facecolor="none", edgecolor="none",
                                         label=kind_label(kind, language)))
                handles += [Patch(facecolor=STATUS_COLOURS[key], edgecolor=EDGE_COLOUR,
                                  linewidth=0.5, label=judgement_label(key, language))
                            for key in keys]
        if not handles:  # nothing judged: show the traffic light so the legend reads
            handles += [Patch(facecolor=STATUS_COLOURS[key], edgecolor=EDGE_COLOUR,
                              linewidth=0.5, label=judgement_label(key, language))
                        for key in STANDARD_STATUSES]
        handles.append(hatched_patch(STATUS_COLOURS["not_assessed"],
                                      judgement_label("not_assessed", language)))
        if outlined.any():
            handles.append(Patch(facecolor="none", edgecolor=RESOURCE_COLOUR, linewidth=2.0,
                                 label=resource_label(language)))
        if label_quarters:
            draw_quarter_labels(ax, quarters, scale, label_by=label_by, max_labels=max_labels)
        draw_legend(ax, handles, legend_title or texts["status"])
    return fig
