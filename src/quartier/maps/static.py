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
"""

from __future__ import annotations

import base64
import io
import math
import os
import sys
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import mapclassify
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib import colormaps, patheffects
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex

from quartier.judgements import (
    MAP_COLOURS,
    RESOURCE_COLOUR,
    STANDARD_STATUSES,
    STATUS_ORDER,
    TOWN_STATUSES,
    judgement_label,
    kind_label,
    resource_label,
)
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.textpath import TextToPath

from quartier.format import format_number

__all__ = [
    "NO_DATA_COLOUR",
    "OKABE_ITO",
    "SCHEMES",
    "STATUS_COLOURS",
    "STATUS_KEYS",
    "Classification",
    "QuarterMap",
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

# --------------------------------------------------------------------------------------------
# Palettes and texts
# --------------------------------------------------------------------------------------------

#: Okabe & Ito (2008), "Color Universal Design": eight colours that stay distinct for
#: protanopia, deuteranopia and tritanopia. Used in this order for facility categories.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
             "#000000")
#: Marker shapes; categories 1–8 are circles, 9–16 squares, and so on.
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")

#: Judgement → fill colour (:data:`quartier.judgements.MAP_COLOURS`): a traffic light for
#: standard judgements, a neutral purple–grey–blue scheme for judgements relative to the town,
#: white (hatched) where a quarter was not assessed.
STATUS_COLOURS = dict(MAP_COLOURS)
#: The status values, in legend order.
STATUS_KEYS = STATUS_ORDER

#: Fill of quarters without a value (drawn hatched).
NO_DATA_COLOUR = "#EDEDED"
_HATCH = "////"
_HATCH_COLOUR = "#9E9E9E"
_EDGE_COLOUR = "#5F5F5F"
_TEXT_COLOUR = "#1A1A1A"

_DEFAULT_SEQUENTIAL = "YlGnBu"
_DEFAULT_DIVERGING = "PuOr"

_TEXTS = {
    "de": {"no_data": "keine Angabe", "up_to": "bis {b}", "between": "{a} bis {b}",
           "over": "über {a}", "all": "alle Werte", "facilities": "Angebote",
           "category": "Kategorie", "status": "Bewertung", "north": "N"},
    "en": {"no_data": "no data", "up_to": "up to {b}", "between": "{a} to {b}",
           "over": "over {a}", "all": "all values", "facilities": "Facilities",
           "category": "Category", "status": "Assessment", "north": "N"},
}

# Fixed settings for drawing and saving: one font, fixed SVG ids, paths instead of fonts in
# SVG (opens identically everywhere).
_STYLE = {
    "font.family": "DejaVu Sans",
    "svg.hashsalt": "quartier",
    "svg.fonttype": "path",
    "hatch.linewidth": 0.6,
    "path.simplify": True,
}

# Layout in inches.
_MAP_MAX_WIDTH = 5.4
_MAP_MAX_HEIGHT = 6.4
_STRIP = 0.5            # strip below the map for scale bar and north arrow
_LEFT = 0.15
_GAP = 0.2
_LEGEND_WIDTH = 2.5
_TITLE_SIZE = 12.0
_TEXT_TO_PATH = TextToPath()  # measures text without a renderer
_SOURCE_SIZE = 6.5

# --------------------------------------------------------------------------------------------
# Classification
# --------------------------------------------------------------------------------------------

#: Classification schemes of :func:`classify` and the mapclassify classifier behind each.
SCHEMES = {
    "quantiles": mapclassify.Quantiles,
    "equal_interval": mapclassify.EqualInterval,
    "natural_breaks": mapclassify.FisherJenks,
    "fisher_jenks": mapclassify.FisherJenks,
}
_FISHER_JENKS_MAX = 1000  # above this, Fisher–Jenks runs on an evenly spaced subsample


@dataclass(frozen=True, eq=False)
class Classification:
    """Classes of a value per quarter, as returned by :func:`classify`.

    Attributes
    ----------
    scheme : str
        ``"quantiles"``, ``"equal_interval"``, ``"natural_breaks"``, ``"fisher_jenks"`` or
        ``"user_defined"`` (fixed breaks).
    breaks : tuple of float
        Upper bound of each class, included in the class: class ``i`` holds the values
        ``breaks[i-1] < x <= breaks[i]``; the first class is open below. The last bound is
        ``inf`` (the top class is open above) except when all values were equal, where the
        single class is that value. Pass ``breaks`` to :func:`classify` again to put the
        values of another edition into the same classes.
    bins : Series of int
        Class index per value, aligned with the input; ``-1`` where the value is missing.
    """

    scheme: str
    breaks: tuple[float, ...]
    bins: pd.Series

    @property
    def k(self) -> int:
        """Number of classes."""
        return len(self.breaks)

    @property
    def counts(self) -> np.ndarray:
        """Number of values in each class."""
        bins = self.bins.to_numpy()
        return np.bincount(bins[bins >= 0], minlength=self.k)[: self.k]

    @property
    def n_missing(self) -> int:
        """Number of missing values (class ``-1``)."""
        return int((self.bins.to_numpy() < 0).sum())

    def labels(self, language: str = "de", decimals: int | None = None,
               counts: bool = False) -> list[str]:
        """Legend label of each class, with the reader's number format.

        Parameters
        ----------
        language : {"de", "en"}
        decimals : int, optional
            Decimals of the bounds; by default the fewest that show every bound exactly
            (at most four), the same for all labels.
        counts : bool
            The values are whole counts and the bounds whole numbers: label the classes by
            the counts they hold ("0", "1", "3 bis 4", "5 und mehr") instead of by bounds.

        Returns
        -------
        list of str
            ``["bis 2,8", "2,8 bis 4,6", …, "über 8,2"]``; English ``"up to 2.8"``,
            ``"2.8 to 4.6"``, ``"over 8.2"``.

        Examples
        --------
        >>> classify(pd.Series([5.0, 15.0, 30.0, 50.0]), breaks=[12.5, 20, 40]).labels()
        ['bis 12,5', '12,5 bis 20,0', '20,0 bis 40,0', 'über 40,0']
        >>> classify(pd.Series([5.0, 15.0]), breaks=[12.5]).labels("en")
        ['up to 12.5', 'over 12.5']
        >>> classify(pd.Series([0, 1, 3, 7]), breaks=[0, 1, 2, 4, np.inf]).labels(counts=True)
        ['0', '1', '2', '3 bis 4', '5 und mehr']
        """
        texts = _texts(language)
        if self.k == 0:
            return []
        if counts:
            return _count_labels(self.breaks, language)
        finite = [b for b in self.breaks if math.isfinite(b)]
        if decimals is None:
            decimals = _display_decimals(finite)

        def fmt(value: float) -> str:
            return format_number(value, decimals, language)

        if self.k == 1:
            only = self.breaks[0]
            return [fmt(only) if math.isfinite(only) else texts["all"]]
        labels = [texts["up_to"].format(b=fmt(self.breaks[0]))]
        for lower, upper in zip(self.breaks[:-2], self.breaks[1:-1], strict=True):
            labels.append(texts["between"].format(a=fmt(lower), b=fmt(upper)))
        last_lower, last_upper = self.breaks[-2], self.breaks[-1]
        labels.append(texts["over"].format(a=fmt(last_lower)) if math.isinf(last_upper)
                      else texts["between"].format(a=fmt(last_lower), b=fmt(last_upper)))
        return labels


def _count_labels(breaks: Sequence[float], language: str) -> list[str]:
    """Labels of classes of whole counts: class *i* holds the integers in (b_{i-1}, b_i]."""
    between, plus = (("{a} bis {b}", "{a} und mehr") if language == "de"
                     else ("{a} to {b}", "{a} or more"))
    labels, lower = [], None
    for upper in breaks:
        first = 0 if lower is None else int(math.floor(lower)) + 1
        if math.isinf(upper):
            labels.append(plus.format(a=format_number(first, 0, language)))
        else:
            last = int(math.floor(upper))
            labels.append(format_number(last, 0, language) if lower is None or first == last
                          else between.format(a=format_number(first, 0, language),
                                              b=format_number(last, 0, language)))
        lower = upper
    return labels


def classify(values: pd.Series | Sequence[float], *, scheme: str = "quantiles", k: int = 5,
             breaks: Sequence[float] | None = None) -> Classification:
    """Put values into classes for a choropleth map.

    Parameters
    ----------
    values : Series
        One value per quarter; missing and infinite values get class ``-1``.
    scheme : {"quantiles", "equal_interval", "natural_breaks", "fisher_jenks"}
        How to find the breaks from the data (mapclassify's ``Quantiles``, ``EqualInterval``
        and ``FisherJenks``; ``natural_breaks`` means Fisher–Jenks, which is deterministic).
        Ignored when ``breaks`` is given.
    k : int
        Number of classes wanted. Fewer are made when the data have at most ``k`` distinct
        values (one class per distinct value), when breaks coincide, and one when all values
        are equal.
    breaks : sequence of float, optional
        Fixed upper class bounds, strictly increasing (mapclassify's ``UserDefined``). An open
        top class ("über …") is added unless the last bound is ``inf``. Use the ``breaks`` of
        an earlier :class:`Classification` so that the maps of two editions compare.

    Returns
    -------
    Classification

    Notes
    -----
    Class ``i`` holds ``breaks[i-1] < x <= breaks[i]``. Breaks found from the data are rounded
    up to three significant digits of the value range (so that a legend showing them is
    exact and every value stays in the class it was found in or the one below), breaks at or
    above the largest value are dropped and the top class is left open (``inf``), so the
    breaks can be reused for data that reach further.

    Examples
    --------
    >>> c = classify(pd.Series(range(1, 11)), k=5)
    >>> c.breaks
    (2.8, 4.6, 6.4, 8.2, inf)
    >>> c.bins.tolist()
    [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    >>> classify(pd.Series([3.0, None, 25.0]), breaks=c.breaks).bins.tolist()
    [1, -1, 4]
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    numbers = pd.to_numeric(series, errors="raise").to_numpy(dtype=float, na_value=np.nan)
    finite = np.isfinite(numbers)
    if breaks is not None:
        upper = _checked_breaks(breaks)
        used = "user_defined"
    else:
        if scheme not in SCHEMES:
            raise ValueError(f"unknown classification scheme {scheme!r}; use one of "
                             f"{', '.join(SCHEMES)} or give fixed breaks=[…]")
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(f"k must be a positive whole number of classes, not {k!r}")
        upper = _data_breaks(numbers[finite], scheme, int(k))
        used = scheme
    bins = np.full(numbers.shape, -1, dtype=np.int64)
    if upper:
        found = np.searchsorted(np.asarray(upper), numbers[finite], side="left")
        bins[finite] = np.minimum(found, len(upper) - 1)
    return Classification(scheme=used, breaks=upper,
                          bins=pd.Series(bins, index=series.index, name="class"))


def _checked_breaks(breaks: Sequence[float]) -> tuple[float, ...]:
    """Validate fixed breaks and add the open top class."""
    try:
        bounds = np.asarray(list(breaks), dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"breaks must be numbers, got {breaks!r}") from error
    if bounds.ndim != 1 or bounds.size == 0:
        raise ValueError("breaks must be a non-empty list of upper class bounds")
    if np.isnan(bounds).any() or np.isneginf(bounds).any():
        raise ValueError(f"breaks must be finite numbers (the last may be inf), got {breaks!r}")
    if np.isinf(bounds[:-1]).any() or (np.diff(bounds) <= 0).any():
        raise ValueError(f"breaks must be strictly increasing, got {list(breaks)!r}")
    if not np.isinf(bounds[-1]):
        bounds = np.append(bounds, np.inf)
    return tuple(float(b) for b in bounds)


def _data_breaks(x: np.ndarray, scheme: str, k: int) -> tuple[float, ...]:
    """Upper bounds from the data: rounded up, deduplicated, top class open."""
    if x.size == 0:
        return ()
    distinct = np.unique(x)
    if distinct.size == 1:
        return (float(distinct[0]),)
    if distinct.size <= k:
        inner = distinct[:-1]
    else:
        sample = x
        if SCHEMES[scheme] is mapclassify.FisherJenks and x.size > _FISHER_JENKS_MAX:
            sample = np.quantile(x, np.linspace(0, 1, _FISHER_JENKS_MAX), method="nearest")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Numba not installed", "not enough unique values"
            inner = np.asarray(SCHEMES[scheme](sample, k=k).bins, dtype=float)[:-1]
    decimals = _rounding_decimals(float(distinct[-1] - distinct[0]))
    scale = 10.0 ** decimals
    inner = np.round(np.ceil(inner * scale - 1e-9) / scale, decimals) + 0.0  # no -0.0
    inner = np.unique(inner)
    inner = inner[inner < distinct[-1]]
    return tuple(float(b) for b in inner) + (math.inf,)


def _rounding_decimals(value_range: float) -> int:
    """Decimals (negative: tens, hundreds, …) keeping three significant digits of a range."""
    if value_range <= 0 or not math.isfinite(value_range):
        return 2
    return int(min(6, max(-9, 2 - math.floor(math.log10(value_range)))))


def _display_decimals(bounds: Sequence[float], most: int = 4) -> int:
    """Fewest decimals (up to ``most``) that show every bound exactly."""
    for decimals in range(most + 1):
        if all(abs(round(b, decimals) - b) <= 1e-9 * max(1.0, abs(b)) for b in bounds):
            return decimals
    return most


def class_colours(classification: Classification, cmap: str | None = None, *,
                  diverging_center: float | None = None) -> list[str]:
    """Fill colour of each class as hex strings.

    Parameters
    ----------
    classification : Classification
    cmap : str, optional
        A Matplotlib colormap name. Default ``"YlGnBu"`` (sequential) or, with
        ``diverging_center``, ``"PuOr"``; both are ColorBrewer schemes marked safe for
        colour-blind readers.
    diverging_center : float, optional
        Value at the centre of a diverging scheme (e.g. 0 for an index, 100 for percent of a
        target). Classes below it take one side of the colormap, classes above the other,
        each side from pale to strong; a class containing the centre gets the middle colour.

    Returns
    -------
    list of str

    Examples
    --------
    >>> class_colours(classify(pd.Series([1.0, 2.0]), k=2))
    ['#eef8b3', '#1a2b7e']
    """
    k = classification.k
    if k == 0:
        return []
    name = cmap or (_DEFAULT_DIVERGING if diverging_center is not None else _DEFAULT_SEQUENTIAL)
    try:
        colormap = colormaps[name]
    except KeyError as error:
        raise ValueError(f"unknown colormap {name!r}") from error
    if diverging_center is None:
        positions = np.array([0.55]) if k == 1 else np.linspace(0.12, 0.92, k)
    else:
        upper = np.asarray(classification.breaks)
        lower = np.r_[-np.inf, upper[:-1]]
        below = upper <= diverging_center
        above = lower >= diverging_center
        positions = np.full(k, 0.5)
        n_below, n_above = int(below.sum()), int(above.sum())
        if n_below:
            positions[below] = 0.5 - 0.42 * np.arange(n_below, 0, -1) / n_below
        if n_above:
            positions[above] = 0.5 + 0.42 * np.arange(1, n_above + 1) / n_above
    return [to_hex(colormap(p)) for p in positions]


# --------------------------------------------------------------------------------------------
# Public map functions
# --------------------------------------------------------------------------------------------

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
    texts = _texts(language)
    _check_quarters(quarters)
    aligned = _aligned(values, quarters, "values")
    classification = classify(aligned, scheme=scheme, k=k, breaks=breaks)
    colours = np.asarray(class_colours(classification, cmap, diverging_center=diverging_center)
                         + [NO_DATA_COLOUR])
    bins = classification.bins.to_numpy()
    with _style():
        fig, ax, scale = _map_figure(quarters, title=title, attribution=attribution,
                                     language=language, north_arrow=north_arrow)
        paths = _geometry_paths(quarters.geometry.to_numpy(), scale)
        width = _edge_width(len(quarters))
        has_value = bins >= 0
        _add_polygons(ax, paths[has_value], colours[bins[has_value]], width, gid="quarters")
        _add_polygons(ax, paths[~has_value], NO_DATA_COLOUR, width, gid="quarters-no-data",
                      hatch=_HATCH)
        legend_labels = classification.labels(language, counts=counts)
        if class_labels is not None:
            if len(class_labels) != len(legend_labels):
                raise ValueError(f"class_labels has {len(class_labels)} entries for "
                                 f"{len(legend_labels)} classes")
            legend_labels = list(class_labels)
        handles = [Patch(facecolor=c, edgecolor=_EDGE_COLOUR, linewidth=0.5, label=label)
                   for c, label in zip(colours[:-1], legend_labels, strict=True)]
        if not has_value.all():
            handles.append(_hatched_patch(NO_DATA_COLOUR, no_data_label or texts["no_data"]))
        if facilities is not None:
            handles.append(_draw_facility_points(ax, quarters, facilities,
                                                 facility_label or texts["facilities"]))
        if label_quarters:
            _draw_quarter_labels(ax, quarters, scale, label_by=label_by, max_labels=max_labels)
        _legend(ax, handles, legend_title)
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
    texts = _texts(language)
    _check_quarters(quarters)
    _check_facilities(facilities, quarters)
    x, y, category = _facility_points(facilities)
    found = pd.Series(category).value_counts(sort=False)
    if categories is None:
        order = sorted(found.index, key=lambda c: (-found[c], c))
    else:
        order = list(dict.fromkeys(categories))
    labels = dict(labels or {})
    with _style():
        fig, ax, scale = _map_figure(quarters, title=title, attribution=attribution,
                                     language=language, north_arrow=north_arrow)
        paths = _geometry_paths(quarters.geometry.to_numpy(), scale)
        _add_polygons(ax, paths, "#F3F3F3", _edge_width(len(quarters)), gid="quarters",
                      edgecolor="#8A8A8A")
        size = 30.0 if len(x) <= 300 else 14.0 if len(x) <= 3000 else 6.0
        handles = []
        drawn = []
        for i, key in enumerate(order):
            colour, marker = OKABE_ITO[i % len(OKABE_ITO)], _MARKERS[(i // 8) % len(_MARKERS)]
            mask = category == key
            label = labels.get(key, key)
            if show_counts:
                label = f"{label} ({format_number(int(mask.sum()), 0, language)})"
            handles.append(Line2D([], [], linestyle="", marker=marker, markersize=6.5,
                                  markerfacecolor=colour, markeredgecolor=_TEXT_COLOUR,
                                  markeredgewidth=0.5, label=label))
            drawn.append((int(mask.sum()), i, mask, colour, marker))
        # frequent categories at the bottom, rare ones on top
        for z, (_, i, mask, colour, marker) in enumerate(sorted(drawn, key=lambda d: -d[0])):
            ax.scatter(x[mask], y[mask], s=size, c=colour, marker=marker,
                       edgecolors=_TEXT_COLOUR, linewidths=0.4, zorder=4 + z * 1e-3,
                       gid=f"facilities-{i}")
        if label_quarters:
            _draw_quarter_labels(ax, quarters, scale, label_by=label_by, max_labels=max_labels,
                                 zorder=5, colour="#333333", halo_width=1.4)
        _legend(ax, handles, legend_title or texts["category"])
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
    texts = _texts(language)
    _check_quarters(quarters)
    aligned = _aligned(status, quarters, "status").astype(object)
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
        flags = _aligned(resource, quarters, "resource")
        outlined = flags.fillna(False).astype(bool).to_numpy()
    with _style():
        fig, ax, scale = _map_figure(quarters, title=title, attribution=attribution,
                                     language=language, north_arrow=north_arrow)
        paths = _geometry_paths(quarters.geometry.to_numpy(), scale)
        width = _edge_width(len(quarters))
        _add_polygons(ax, paths[assessed], list(fills[assessed]), width, gid="quarters")
        _add_polygons(ax, paths[~assessed], STATUS_COLOURS["not_assessed"], width,
                      gid="quarters-not-assessed", hatch=_HATCH)
        if outlined.any():
            collection = _add_polygons(ax, paths[outlined], "none", width * 4, gid="resources",
                                       edgecolor=RESOURCE_COLOUR)
            collection.set_zorder(3)
        handles = []
        present = set(codes)
        for kind, keys in (("standard", STANDARD_STATUSES), ("town", TOWN_STATUSES)):
            if present & set(keys):
                if handles or present & set(TOWN_STATUSES if kind == "standard"
                                            else STANDARD_STATUSES):
                    handles.append(Patch(facecolor="none", edgecolor="none",
                                         label=kind_label(kind, language)))
                handles += [Patch(facecolor=STATUS_COLOURS[key], edgecolor=_EDGE_COLOUR,
                                  linewidth=0.5, label=judgement_label(key, language))
                            for key in keys]
        if not handles:  # nothing judged: show the traffic light so the legend reads
            handles += [Patch(facecolor=STATUS_COLOURS[key], edgecolor=_EDGE_COLOUR,
                              linewidth=0.5, label=judgement_label(key, language))
                        for key in STANDARD_STATUSES]
        handles.append(_hatched_patch(STATUS_COLOURS["not_assessed"],
                                      judgement_label("not_assessed", language)))
        if outlined.any():
            handles.append(Patch(facecolor="none", edgecolor=RESOURCE_COLOUR, linewidth=2.0,
                                 label=resource_label(language)))
        if label_quarters:
            _draw_quarter_labels(ax, quarters, scale, label_by=label_by, max_labels=max_labels)
        _legend(ax, handles, legend_title or texts["status"])
    return fig


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------

_METADATA = {"png": {"Software": None}, "svg": {"Date": None},
             "pdf": {"CreationDate": None, "ModDate": None}}


def save_figure(fig: Figure, path: str | os.PathLike, formats: Sequence[str] = ("png", "svg"),
                dpi: int = 200) -> list[Path]:
    """Write a figure in each format and close it.

    Parameters
    ----------
    fig : Figure
    path : path-like
        Target without suffix; ``karten/kita`` gives ``karten/kita.png`` and
        ``karten/kita.svg``. Missing folders are created.
    formats : sequence of {"png", "svg", "pdf"}
    dpi : int
        Resolution of the PNG.

    Returns
    -------
    list of Path
        The files written, in the order of ``formats``.

    Notes
    -----
    No dates or software versions are written and SVG ids come from a fixed salt, so running
    the same code on the same data again gives byte-identical files (with the same
    Matplotlib version).
    """
    target = Path(path)
    unknown = [f for f in formats if f not in _METADATA]
    if unknown:
        raise ValueError(f"unsupported format(s) {unknown}; use png, svg or pdf")
    target.parent.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        for fmt in formats:
            out = target.with_name(f"{target.name}.{fmt}")
            _save(fig, out, fmt, dpi)
            written.append(out)
    finally:
        _close(fig)
    return written


def figure_to_svg_text(fig: Figure) -> str:
    """The figure as an ``<svg>`` element (without XML prolog) to inline into HTML."""
    buffer = io.BytesIO()
    _save(fig, buffer, "svg", 72)
    text = buffer.getvalue().decode("utf-8")
    return text[text.index("<svg"):]


def figure_to_png_base64(fig: Figure, dpi: int = 150) -> str:
    """The figure as base64 PNG, for ``<img src="data:image/png;base64,…">``."""
    buffer = io.BytesIO()
    _save(fig, buffer, "png", dpi)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _save(fig: Figure, target: Path | io.BytesIO, fmt: str, dpi: int) -> None:
    with _style():
        fig.savefig(target, format=fmt, dpi=dpi, metadata=_METADATA[fmt],
                    bbox_inches="tight", pad_inches=0.1, facecolor="white")


def _close(fig: Figure) -> None:
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt

        plt.close(fig)


def scale_bar_length(extent: float, fraction: float = 0.25) -> float:
    """A round scale-bar length (1, 2 or 5 × 10ⁿ metres) of at most ``fraction`` of ``extent``.

    Examples
    --------
    >>> scale_bar_length(3710)
    500.0
    >>> scale_bar_length(45786)
    10000.0
    """
    target = max(extent * fraction, 1e-9)
    power = 10.0 ** math.floor(math.log10(target))
    for step in (5.0, 2.0, 1.0):
        if step * power <= target:
            return step * power
    return power  # pragma: no cover - target >= power always


# --------------------------------------------------------------------------------------------
# Helpers: validation
# --------------------------------------------------------------------------------------------

def _texts(language: str) -> dict[str, str]:
    if language not in _TEXTS:
        raise ValueError(f"language must be one of {', '.join(_TEXTS)}, not {language!r}")
    return _TEXTS[language]


def _check_quarters(quarters: gpd.GeoDataFrame) -> None:
    if not isinstance(quarters, gpd.GeoDataFrame):
        raise TypeError(f"quarters must be a GeoDataFrame, not {type(quarters).__name__}")
    if "quarter_id" not in quarters.columns:
        raise ValueError("quarters need a 'quarter_id' column")
    crs = quarters.crs
    if crs is None:
        raise ValueError("quarters have no CRS; set it (quarters.set_crs(…)) and reproject to "
                         "a metric CRS such as EPSG:25832")
    if crs.is_geographic or not crs.is_projected:
        raise ValueError(f"quarters are in a geographic CRS ({crs.to_string()}); maps need a "
                         "projected CRS in metres: quarters.to_crs('EPSG:25832') (or 25833)")
    units = {axis.unit_name for axis in crs.axis_info}
    if not units <= {"metre", "meter", "m"}:
        raise ValueError(f"the CRS of quarters ({crs.to_string()}) is not in metres but "
                         f"{', '.join(sorted(units))}; reproject to a metric CRS")
    if quarters.geometry.isna().all() or quarters.geometry.is_empty.all():
        raise ValueError("quarters have no geometry to draw")


def _check_facilities(facilities: gpd.GeoDataFrame, quarters: gpd.GeoDataFrame) -> None:
    if not isinstance(facilities, gpd.GeoDataFrame):
        raise TypeError(f"facilities must be a GeoDataFrame, not {type(facilities).__name__}")
    if facilities.crs is not None and facilities.crs != quarters.crs:
        raise ValueError(f"facilities are in {facilities.crs.to_string()}, quarters in "
                         f"{quarters.crs.to_string()}; reproject first: "
                         "facilities.to_crs(quarters.crs)")


def align_to_quarters(values: pd.Series, ids: np.ndarray | Sequence[str], name: str
                      ) -> pd.Series:
    """``values`` reordered to the quarter ids ``ids`` (text), NaN where a quarter has none.

    Shared by the static and the interactive maps. Raises TypeError for a non-Series and
    ValueError for duplicate labels or an index that matches no quarter id at all (a series
    indexed 0…n−1 instead of by ``quarter_id`` is the usual mistake).
    """
    if not isinstance(values, pd.Series):
        raise TypeError(f"{name} must be a pandas Series indexed by quarter_id, "
                        f"not {type(values).__name__}")
    if values.index.has_duplicates:
        doubled = values.index[values.index.duplicated()].unique()[:5]
        raise ValueError(f"{name} has several entries for quarter(s) "
                         f"{', '.join(map(str, doubled))}; give one value per quarter_id")
    index = values.index.astype(str)
    if len(values) and not index.isin(ids).any():
        example = ", ".join(map(repr, values.index[:3]))
        raise ValueError(f"none of the index labels of {name} ({example}, …) is a quarter_id; "
                         "index the series by quarter_id (text), e.g. "
                         "table.set_index('quarter_id')['value']")
    return pd.Series(values.to_numpy(), index=index).reindex(ids)


def _aligned(values: pd.Series, quarters: gpd.GeoDataFrame, name: str) -> pd.Series:
    return align_to_quarters(values, quarters["quarter_id"].astype(str).to_numpy(), name)


# --------------------------------------------------------------------------------------------
# Helpers: drawing
# --------------------------------------------------------------------------------------------

@contextmanager
def _style() -> Iterator[None]:
    with matplotlib.rc_context(_STYLE):
        yield


def _map_figure(quarters: gpd.GeoDataFrame, *, title: str, attribution: Sequence[str],
                language: str, north_arrow: bool) -> tuple[Figure, Axes, float]:
    """Figure with title, sources, an equal-aspect map axes, scale bar and north arrow.

    Returns the figure, the map axes and the map scale in inches per metre.
    """
    minx, miny, maxx, maxy = quarters.geometry.total_bounds
    dx, dy = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    pad = 0.03 * max(dx, dy)
    scale = min(_MAP_MAX_WIDTH / (dx + 2 * pad), (_MAP_MAX_HEIGHT - _STRIP) / (dy + 2 * pad))
    map_w, map_h = (dx + 2 * pad) * scale, (dy + 2 * pad) * scale + _STRIP
    fig_w = _LEFT + map_w + _GAP + _LEGEND_WIDTH
    title_lines = _wrap(title, fig_w - 2 * _LEFT, _TITLE_SIZE, bold=True) or [""]
    source_lines = [line for source in attribution
                    for line in _wrap(str(source), fig_w - 2 * _LEFT, _SOURCE_SIZE)]
    top = 0.2 + len(title_lines) * _TITLE_SIZE * 1.3 / 72 + 0.1
    bottom = 0.1 + (len(source_lines) * _SOURCE_SIZE * 1.35 / 72 + 0.1 if source_lines else 0)
    fig_h = top + map_h + bottom
    fig = Figure(figsize=(fig_w, fig_h))
    ax = fig.add_axes((_LEFT / fig_w, bottom / fig_h, map_w / fig_w, map_h / fig_h))
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad - _STRIP / scale, maxy + pad)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    fig.text(_LEFT / fig_w, 1 - 0.2 / fig_h, "\n".join(title_lines), ha="left", va="top",
             fontsize=_TITLE_SIZE, fontweight="bold", color=_TEXT_COLOUR, gid="title")
    if source_lines:
        fig.text(_LEFT / fig_w, 0.1 / fig_h, "\n".join(source_lines), ha="left", va="bottom",
                 fontsize=_SOURCE_SIZE, color="#555555", linespacing=1.35, gid="attribution")
    x0, y0 = minx - pad, miny - pad - _STRIP / scale
    _draw_scale_bar(ax, x0 + 0.1 / scale, y0 + 0.12 / scale, scale_bar_length(dx), scale,
                    language)
    if north_arrow:
        _draw_north_arrow(ax, maxx + pad - 0.22 / scale, y0 + 0.08 / scale, scale,
                          _texts(language)["north"])
    return fig, ax, scale


def _wrap(text: str, width_in: float, size: float, bold: bool = False) -> list[str]:
    """Break text into lines no wider than ``width_in`` inches (measured in the map font)."""
    font = FontProperties(family=_STYLE["font.family"], size=size,
                          weight="bold" if bold else "normal")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            trial = f"{current} {word}" if current else word
            if current and _line_width(trial, font) > width_in:
                lines.append(current)
                current = word
            else:
                current = trial
        lines.append(current)
    return [line for line in lines if line] if text.strip() else []


def _line_width(text: str, font: FontProperties) -> float:
    """Width of one line of text in inches."""
    return _TEXT_TO_PATH.get_text_width_height_descent(text, font, ismath=False)[0] / 72


def _draw_scale_bar(ax: Axes, x: float, y: float, length: float, scale: float,
                    language: str) -> None:
    """Two-segment black/white bar with "0" and the length ("500 m", "1 km") above it."""
    height = 0.055 / scale
    half = length / 2
    for i, fill in enumerate(("#1A1A1A", "#FFFFFF")):
        ax.add_patch(Rectangle((x + i * half, y), half, height, facecolor=fill,
                               edgecolor="#1A1A1A", linewidth=0.6, zorder=6,
                               gid="scale-bar"))
    if length >= 1000:
        text = f"{format_number(length / 1000, 0, language)} km"
    else:
        text = f"{format_number(length, 0, language)} m"
    style = {"fontsize": 7, "ha": "center", "va": "bottom", "color": _TEXT_COLOUR,
             "zorder": 6}
    ax.text(x, y + height + 0.03 / scale, "0", **style)
    ax.text(x + length, y + height + 0.03 / scale, text, gid="scale-bar-label", **style)


def _draw_north_arrow(ax: Axes, x: float, y: float, scale: float, letter: str) -> None:
    """Half-filled arrow pointing to grid north with the letter above it."""
    w, h = 0.07 / scale, 0.24 / scale
    tip, base = (x, y + h), y
    ax.add_patch(Polygon([(x - w, base), tip, (x, base + 0.3 * h)], closed=True,
                         facecolor="#1A1A1A", edgecolor="#1A1A1A", linewidth=0.6, zorder=6))
    ax.add_patch(Polygon([(x + w, base), tip, (x, base + 0.3 * h)], closed=True,
                         facecolor="#FFFFFF", edgecolor="#1A1A1A", linewidth=0.6, zorder=6))
    ax.text(tip[0], tip[1] + 0.02 / scale, letter, fontsize=8, fontweight="bold", ha="center",
            va="bottom", color=_TEXT_COLOUR, zorder=6, gid="north-arrow")


def _geometry_paths(geometries: np.ndarray, scale: float) -> np.ndarray:
    """One compound Matplotlib path per (multi)polygon, holes cut out; vectorised.

    The polygons are first simplified to a quarter of a pixel at 300 dpi (shared boundaries
    alike, as a coverage), which is invisible but keeps Berlin's 200,000 vertices from
    bloating SVG files.
    """
    n = len(geometries)
    polygons = np.asarray(geometries, dtype=object).copy()
    present = ~(shapely.is_missing(polygons) | shapely.is_empty(polygons))
    tolerance = 0.25 / (300 * scale)
    try:
        polygons[present] = shapely.coverage_simplify(polygons[present], tolerance)
    except (AttributeError, shapely.errors.GEOSException):  # old GEOS or not a coverage
        polygons[present] = shapely.simplify(polygons[present], tolerance)
    polygons = shapely.normalize(polygons)  # holes run against their shell: cut out on fill
    parts, part_of = shapely.get_parts(polygons, return_index=True)
    keep = shapely.get_type_id(parts) == 3  # polygons only (drop stray lines/points)
    parts, part_of = parts[keep], part_of[keep]
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    # Rings are closed (last point = first), so MOVETO/LINETO suffice; without CLOSEPOLY
    # codes Matplotlib may simplify the paths, which keeps rendering and SVGs light.
    codes = np.full(len(coords), MplPath.LINETO, dtype=MplPath.code_type)
    if len(coords):
        codes[np.r_[0, np.flatnonzero(np.diff(ring_of)) + 1]] = MplPath.MOVETO
    owner = part_of[ring_part[ring_of]]
    cuts = np.searchsorted(owner, np.arange(1, n))
    paths = np.empty(n, dtype=object)
    for i, (vertices, kinds) in enumerate(zip(np.split(coords, cuts), np.split(codes, cuts),
                                              strict=True)):
        paths[i] = MplPath(vertices, kinds) if len(vertices) else MplPath(np.empty((0, 2)))
    return paths


def _edge_width(n: int) -> float:
    return 0.7 if n <= 60 else 0.4 if n <= 200 else 0.25


def _add_polygons(ax: Axes, paths: np.ndarray, facecolors: str | Sequence[str],
                  linewidth: float, *, gid: str, hatch: str | None = None,
                  edgecolor: str = _EDGE_COLOUR) -> PathCollection | None:
    if len(paths) == 0:
        return None
    options = {"facecolors": facecolors, "edgecolors": edgecolor, "linewidths": linewidth,
               "zorder": 2 if hatch is None else 2.1}
    if hatch is not None:
        options["hatch"] = hatch
    try:
        collection = PathCollection(list(paths), hatchcolor=_HATCH_COLOUR, **options)
    except (TypeError, AttributeError):  # Matplotlib < 3.10: hatches take the edge colour
        collection = PathCollection(list(paths), **options)
    collection.set_gid(gid)
    ax.add_collection(collection, autolim=False)
    return collection


def _hatched_patch(facecolor: str, label: str) -> Patch:
    try:
        return Patch(facecolor=facecolor, edgecolor=_EDGE_COLOUR, linewidth=0.5, hatch=_HATCH,
                     hatchcolor=_HATCH_COLOUR, label=label)
    except (TypeError, AttributeError):  # Matplotlib < 3.10
        return Patch(facecolor=facecolor, edgecolor=_HATCH_COLOUR, linewidth=0.5,
                     hatch=_HATCH, label=label)


def _legend(ax: Axes, handles: list, title: str) -> None:
    bbox = ax.get_position()
    fig_w = ax.figure.get_figwidth()
    wrapped_title = "\n".join(_wrap(title, _LEGEND_WIDTH - 0.2, 8.5, bold=True))
    legend = ax.legend(handles=handles, loc="upper left", frameon=False,
                       bbox_to_anchor=(1 + _GAP / (bbox.width * fig_w), 1.0),
                       borderaxespad=0.0, fontsize=8, title=wrapped_title,
                       title_fontsize=8.5, alignment="left", handlelength=1.8,
                       handleheight=1.2, labelspacing=0.45)
    legend.get_title().set_fontweight("bold")
    legend.set_gid("legend")


def _facility_points(facilities: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray,
                                                             np.ndarray]:
    if "category" not in facilities.columns:
        raise ValueError("facilities need a 'category' column")
    geometry = facilities.geometry.to_numpy()
    present = ~(shapely.is_missing(geometry) | shapely.is_empty(geometry))
    points = shapely.point_on_surface(geometry[present])
    xy = shapely.get_coordinates(points)
    category = facilities["category"].to_numpy(dtype=object)[present]
    return xy[:, 0], xy[:, 1], category


def _draw_facility_points(ax: Axes, quarters: gpd.GeoDataFrame,
                          facilities: gpd.GeoDataFrame, label: str) -> Line2D:
    _check_facilities(facilities, quarters)
    geometry = facilities.geometry.to_numpy()
    present = ~(shapely.is_missing(geometry) | shapely.is_empty(geometry))
    xy = shapely.get_coordinates(shapely.point_on_surface(geometry[present]))
    size = 14.0 if len(xy) <= 300 else 5.0
    ax.scatter(xy[:, 0], xy[:, 1], s=size, c=_TEXT_COLOUR, edgecolors="white",
               linewidths=0.5, zorder=4, gid="facilities")
    return Line2D([], [], linestyle="", marker="o", markersize=5, markerfacecolor=_TEXT_COLOUR,
                  markeredgecolor="white", markeredgewidth=0.5, label=label)


def _draw_quarter_labels(ax: Axes, quarters: gpd.GeoDataFrame, scale: float, *,
                         label_by: str, max_labels: int, zorder: float = 5,
                         colour: str = _TEXT_COLOUR, halo_width: float = 2.2) -> None:
    """Label each quarter at the centre of its largest inscribed circle.

    A name is written on one line, else broken onto two lines, else two lines in a smaller
    font — the first that lies (almost) inside the quarter; otherwise the quarter id (also in
    a smaller font if that fits). Labels that would overlap an already placed one are left
    out, placing first those that fit their quarter, larger quarters first. Nothing is
    written above ``max_labels`` quarters.
    """
    if label_by not in ("auto", "name", "id"):
        raise ValueError(f"label_by must be 'auto', 'name' or 'id', not {label_by!r}")
    n = len(quarters)
    if n > max_labels or n == 0:
        return
    use_names = "name" in quarters.columns and (
        label_by == "name" or (label_by == "auto" and n <= 20))
    size = 8.0 if n <= 20 else 6.5 if n <= 40 else 5.5
    geometry = quarters.geometry.to_numpy()
    drawable = np.flatnonzero(~(shapely.is_missing(geometry) | shapely.is_empty(geometry)))
    if hasattr(shapely, "maximum_inscribed_circle"):  # Shapely >= 2.1: visual centre
        centres = shapely.get_point(shapely.maximum_inscribed_circle(geometry[drawable]), 0)
    else:
        centres = shapely.point_on_surface(geometry[drawable])
    ids = quarters["quarter_id"].astype(str).to_numpy()
    names = (quarters["name"].astype(object).where(quarters["name"].notna(), None).to_numpy()
             if use_names else np.full(n, None, dtype=object))
    candidates = []
    for i, centre in zip(drawable, centres, strict=True):
        x, y = shapely.get_x(centre), shapely.get_y(centre)
        candidates.append((i, x, y) + _fitting_label(names[i], ids[i], geometry[i], x, y,
                                                     scale, size))
    areas = shapely.area(geometry)
    candidates.sort(key=lambda c: (not c[5], -areas[c[0]]))
    halo = [patheffects.withStroke(linewidth=halo_width, foreground="white")]
    placed: list[shapely.Geometry] = []
    for _, x, y, text, text_size, _, box in candidates:
        if placed and shapely.intersects(box, np.asarray(placed, dtype=object)).any():
            continue
        placed.append(box)
        ax.text(x, y, text, fontsize=text_size, ha="center", va="center", ma="center",
                color=colour, zorder=zorder, path_effects=halo, linespacing=1.05,
                gid="quarter-label")


def _fitting_label(name: str | None, quarter_id: str, polygon: shapely.Geometry, x: float,
                   y: float, scale: float, size: float
                   ) -> tuple[str, float, bool, shapely.Geometry]:
    """The first form of the label whose text box lies inside the quarter.

    Returns the text, its font size, whether it fits and its box (map units, with a margin
    for the white halo). Falls back to the id in the smaller size when nothing fits.
    """
    forms: list[tuple[str, float]] = []
    if name:
        broken = _two_lines(name)
        forms += [(name, size), (broken, size), (broken, max(size * 0.8, 5.0))]
    forms += [(quarter_id, size), (quarter_id, max(size * 0.8, 5.0))]
    margin = 1.2 / 72 / scale
    boxes = []
    for text, text_size in forms:
        width, height = _text_extent(text, text_size)
        half_w, half_h = width / scale / 2 + margin, height / scale / 2 + margin
        box = shapely.box(x - half_w, y - half_h, x + half_w, y + half_h)
        if shapely.area(shapely.intersection(box, polygon)) >= 0.95 * shapely.area(box):
            return text, text_size, True, box
        boxes.append(box)
    return quarter_id, forms[-1][1], False, boxes[-1]


def _text_extent(text: str, size: float) -> tuple[float, float]:
    """Width and height in inches of (multi-line) text in the map font."""
    font = FontProperties(family=_STYLE["font.family"], size=size)
    lines = text.split("\n")
    return max(_line_width(line, font) for line in lines), len(lines) * size * 1.15 / 72


def _two_lines(name: str) -> str:
    """Break a name at the space or hyphen closest to its middle."""
    candidates = [i for i, ch in enumerate(name) if ch in " -/"]
    if not candidates:
        return name
    cut = min(candidates, key=lambda i: abs(i - len(name) / 2))
    if name[cut] == " ":
        return name[:cut] + "\n" + name[cut + 1:]
    return name[: cut + 1] + "\n" + name[cut + 1:]


# --------------------------------------------------------------------------------------------
# Small vector maps of single quarters (profiles)
# --------------------------------------------------------------------------------------------

_QUARTER_FILL = "#fde9c8"
_NEIGHBOUR_FILL = "#f4f4f2"
_OTHER_POINT = "#1a1a1a"


@dataclass(frozen=True)
class QuarterMap:
    """A small map of one quarter as inline SVG.

    Attributes
    ----------
    svg : str
        ``<svg role="img">…</svg>`` with a ``<title>``: the quarter filled, its neighbours
        outlined and named, the facilities in view as points coloured by action field, a
        scale bar.
    fields : tuple of str
        Action fields of the facilities drawn, in the order of ``field_colours`` (for a
        legend next to the map).
    """

    svg: str
    fields: tuple[str, ...]


def quarter_maps(quarters: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame | None = None, *,
                 field_colours: Mapping[str, str] | None = None,
                 titles: Mapping[str, str] | None = None, margin: float = 0.15,
                 min_extent_m: float = 600.0, width_px: int = 320) -> dict[str, QuarterMap]:
    """One small map per quarter (profiles), written directly as SVG text.

    Parameters
    ----------
    quarters : GeoDataFrame
        ``quarter_id``, optionally ``name``, polygons in a projected CRS in metres.
    facilities : GeoDataFrame, optional
        Points with ``field`` (action field key) in any CRS; drawn where they fall into a
        quarter's view, coloured by ``field_colours``.
    field_colours : mapping, optional
        Action field → colour; default :data:`quartier.maps.interactive.FIELD_COLOURS`. Other
        fields are drawn black.
    titles : mapping, optional
        Quarter id → accessible title of its map (``<title>``); default the quarter's name.
    margin : float
        Share of the quarter's extent added around it, so that neighbours show.
    min_extent_m : float
        Smallest width and height of a view in metres (small quarters keep context).
    width_px : int
        Width of the SVG element in CSS pixels (it scales to its container).

    Returns
    -------
    dict of str to QuarterMap
        By quarter id; quarters without geometry are left out.

    Notes
    -----
    The boundaries are simplified and projected once (coordinates rounded to whole metres,
    tolerance 1/400 of the median quarter size, at least 1 m) and each map only picks the
    quarters and points inside its view (a spatial index query), so a map costs well under a
    millisecond: Berlin's 542 maps take about a second, where a Matplotlib figure per quarter
    took about 60 ms each. Line widths do not scale with the view
    (``vector-effect: non-scaling-stroke``), so every map reads the same.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> q = gpd.GeoDataFrame({"quarter_id": ["01", "02"], "name": ["Nord", "Süd"]},
    ...                      geometry=[box(0, 1000, 1000, 2000), box(0, 0, 1000, 1000)],
    ...                      crs="EPSG:25832")
    >>> maps = quarter_maps(q)
    >>> maps["01"].svg.startswith("<svg") and "Süd" in maps["01"].svg
    True
    """
    import html as _html

    _check_quarters(quarters)
    if field_colours is None:
        from quartier.maps.interactive import FIELD_COLOURS as field_colours
    ids = quarters["quarter_id"].astype(str).to_numpy()
    names = (quarters["name"].astype(object).to_numpy() if "name" in quarters.columns
             else np.full(len(quarters), None, dtype=object))
    geometry = np.asarray(quarters.geometry.to_numpy(), dtype=object)
    present = ~(shapely.is_missing(geometry) | shapely.is_empty(geometry))
    if not present.any():
        return {}
    sizes = np.sqrt(shapely.area(geometry[present]))
    tolerance = max(float(np.median(sizes)) / 400.0, 1.0)
    simple = geometry.copy()
    simple[present] = shapely.simplify(geometry[present], tolerance, preserve_topology=True)
    paths = np.array([_svg_path(g) if ok else "" for g, ok in zip(simple, present,
                                                                    strict=True)], dtype=object)
    tree = shapely.STRtree(np.where(present, geometry, None))
    bounds = shapely.bounds(geometry)

    points_xy = np.empty((0, 2))
    points_colour = np.empty(0, dtype=object)
    points_field = np.empty(0, dtype=object)
    if facilities is not None and len(facilities):
        points = facilities if facilities.crs is not None else facilities.set_crs(quarters.crs)
        if points.crs != quarters.crs:
            points = points.to_crs(quarters.crs)
        coords = np.asarray(points.geometry.to_numpy(), dtype=object)
        ok = ~(shapely.is_missing(coords) | shapely.is_empty(coords))
        points_xy = shapely.get_coordinates(shapely.point_on_surface(coords[ok]))
        fields = (points["field"].astype(object).to_numpy()[ok] if "field" in points.columns
                  else np.full(int(ok.sum()), None, dtype=object))
        points_field = fields
        points_colour = np.array([field_colours.get(f, _OTHER_POINT) if isinstance(f, str)
                                  else _OTHER_POINT for f in fields], dtype=object)
    points_text = np.array([f"M{x:.0f} {-y:.0f}h0" for x, y in points_xy.tolist()],
                           dtype=object)
    order = list(field_colours)

    maps: dict[str, QuarterMap] = {}
    for i in np.flatnonzero(present):
        x0, y0, x1, y1 = bounds[i]
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        extent = max(x1 - x0, y1 - y0) * (1 + 2 * margin)
        extent = max(extent, min_extent_m)
        half = extent / 2
        view = (cx - half, cy - half, cx + half, cy + half)
        inside = tree.query(shapely.box(*view))
        neighbours = [j for j in inside.tolist() if j != i]
        scale = width_px / extent  # pixels per metre
        parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="quarter-map" role="img" '
                 f'width="{width_px}" height="{width_px}" '
                 f'viewBox="{view[0]:.0f} {-view[3]:.0f} {extent:.0f} {extent:.0f}">',
                 "<style>svg.quarter-map path,svg.quarter-map text"
                 "{vector-effect:non-scaling-stroke}</style>",
                 f"<title>{_html.escape(str((titles or {}).get(ids[i], names[i] or ids[i])))}"
                 "</title>",
                 f'<rect x="{view[0]:.0f}" y="{-view[3]:.0f}" width="{extent:.0f}" '
                 f'height="{extent:.0f}" fill="#ffffff"/>']
        if neighbours:
            parts.append(f'<g fill="{_NEIGHBOUR_FILL}" stroke="#8a8a8a" stroke-width="0.8" '
                         f'fill-rule="evenodd">'
                         + "".join(f'<path d="{paths[j]}"/>' for j in neighbours) + "</g>")
        parts.append(f'<path d="{paths[i]}" fill="{_QUARTER_FILL}" fill-rule="evenodd" '
                     f'stroke="#1a1a1a" stroke-width="2"/>')
        drawn_fields: set[str] = set()
        if len(points_xy):
            mask = ((points_xy[:, 0] >= view[0]) & (points_xy[:, 0] <= view[2])
                    & (points_xy[:, 1] >= view[1]) & (points_xy[:, 1] <= view[3]))
            if mask.any():
                # points as round caps of zero-length lines: their size is in pixels
                # (non-scaling stroke), so each point's text is made once for all maps
                selected = np.flatnonzero(mask)
                outline = "".join(points_text[selected])
                parts.append(f'<g fill="none" stroke-linecap="round">'
                             f'<path d="{outline}" stroke="#1a1a1a" stroke-width="7.5"/>')
                for colour in dict.fromkeys(points_colour[selected]):
                    own = selected[points_colour[selected] == colour]
                    parts.append(f'<path d="{"".join(points_text[own])}" stroke="{colour}" '
                                 f'stroke-width="6"/>')
                parts.append("</g>")
                drawn_fields = {f for f in points_field[selected] if isinstance(f, str)}
        font = 10.5 / scale
        labels = []
        inner = (view[0] + 0.12 * extent, view[1] + 0.08 * extent,
                 view[2] - 0.12 * extent, view[3] - 0.08 * extent)
        seen = (shapely.clip_by_rect(simple[neighbours], *inner) if neighbours
                else np.empty(0, dtype=object))
        named = shapely.area(seen) >= 0.02 * extent * extent  # enough in view to name
        where = shapely.get_coordinates(shapely.point_on_surface(seen[named]))
        for j, (x, y) in zip(np.asarray(neighbours)[named], where, strict=True):
            text = str(names[j] if isinstance(names[j], str) and names[j] else ids[j])
            text = text if len(text) <= 24 else text[:23] + "…"
            labels.append(f'<text x="{x:.0f}" y="{-y:.0f}">{_html.escape(text)}</text>')
        if labels:
            parts.append(f'<g font-size="{font:.1f}" font-family="sans-serif" fill="#3a3a3a" '
                         f'text-anchor="middle" stroke="#ffffff" stroke-width="3" '
                         f'paint-order="stroke">{"".join(labels)}</g>')
        bar = scale_bar_length(extent, 0.3)
        bx, by = view[0] + 0.04 * extent, -(view[1] + 0.05 * extent)
        bar_text = f"{format_number(bar / 1000, 1)} km" if bar >= 1000 else \
            f"{format_number(bar, 0)} m"
        parts.append(f'<g><path d="M{bx:.0f} {by:.0f}h{bar:.0f}" '
                     f'stroke="#1a1a1a" stroke-width="3"/>'
                     f'<text x="{bx:.0f}" y="{by - 0.3 * font:.0f}" font-size="{font:.1f}" '
                     f'font-family="sans-serif" fill="#1a1a1a" stroke="#ffffff" '
                     f'stroke-width="3" paint-order="stroke">{bar_text}</text></g>')
        parts.append("</svg>")
        maps[ids[i]] = QuarterMap("".join(parts),
                                  tuple(f for f in order if f in drawn_fields))
    return maps


def _svg_path(geometry: shapely.Geometry) -> str:
    """SVG path data of a (multi)polygon in metres, y pointing down (``-y``), whole metres."""
    parts = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            xy = np.round(np.asarray(ring.coords)[:-1, :2]).astype(np.int64)
            if len(xy) < 3:
                continue
            xy[:, 1] = -xy[:, 1]
            steps = np.diff(xy, axis=0)  # relative moves keep the text short
            parts.append(f"M{xy[0, 0]} {xy[0, 1]}"
                         + "l" + " ".join(f"{dx} {dy}" for dx, dy in steps.tolist()) + "z")
    return "".join(parts)
