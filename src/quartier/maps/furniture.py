"""Map furniture of the static maps: title, sources, scale bar, north arrow, legend, labels.

:func:`map_figure` lays out a figure — the title on top, the map with a scale bar and a north
arrow in a strip below it, the legend to the right, the sources at the bottom — and returns
the map axes and the map scale; :func:`draw_legend` and :func:`draw_quarter_labels` complete
it once the layers are drawn (:mod:`quartier.maps.draw`). Texts are measured with
Matplotlib's :class:`~matplotlib.textpath.TextToPath`, so the layout needs no renderer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Polygon, Rectangle
from matplotlib.textpath import TextToPath

from quartier.format import format_number
from quartier.maps.style import MATPLOTLIB_STYLE, TEXT_COLOUR, map_texts

__all__ = ["draw_legend", "draw_quarter_labels", "map_figure", "scale_bar_length"]

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


def map_figure(quarters: gpd.GeoDataFrame, *, title: str, attribution: Sequence[str],
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
             fontsize=_TITLE_SIZE, fontweight="bold", color=TEXT_COLOUR, gid="title")
    if source_lines:
        fig.text(_LEFT / fig_w, 0.1 / fig_h, "\n".join(source_lines), ha="left", va="bottom",
                 fontsize=_SOURCE_SIZE, color="#555555", linespacing=1.35, gid="attribution")
    x0, y0 = minx - pad, miny - pad - _STRIP / scale
    _draw_scale_bar(ax, x0 + 0.1 / scale, y0 + 0.12 / scale, scale_bar_length(dx), scale,
                    language)
    if north_arrow:
        _draw_north_arrow(ax, maxx + pad - 0.22 / scale, y0 + 0.08 / scale, scale,
                          map_texts(language)["north"])
    return fig, ax, scale


def _wrap(text: str, width_in: float, size: float, bold: bool = False) -> list[str]:
    """Break text into lines no wider than ``width_in`` inches (measured in the map font)."""
    return list(_wrapped(text, width_in, size, bold))


@lru_cache(maxsize=256)  # a report wraps the same sources and titles for every map
def _wrapped(text: str, width_in: float, size: float, bold: bool) -> tuple[str, ...]:
    font = FontProperties(family=MATPLOTLIB_STYLE["font.family"], size=size,
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
    return tuple(line for line in lines if line) if text.strip() else ()


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
    style: dict[str, Any] = {"fontsize": 7, "ha": "center", "va": "bottom",
                             "color": TEXT_COLOUR, "zorder": 6}
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
            va="bottom", color=TEXT_COLOUR, zorder=6, gid="north-arrow")


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


def draw_legend(ax: Axes, handles: list, title: str) -> None:
    """The legend to the right of the map, its title wrapped to the legend's width."""
    bbox = ax.get_position()
    figure = ax.figure
    assert isinstance(figure, Figure), "quartier draws its maps on a Figure, not a SubFigure"
    fig_w = figure.get_figwidth()
    wrapped_title = "\n".join(_wrap(title, _LEGEND_WIDTH - 0.2, 8.5, bold=True))
    legend = ax.legend(handles=handles, loc="upper left", frameon=False,
                       bbox_to_anchor=(1 + _GAP / (bbox.width * fig_w), 1.0),
                       borderaxespad=0.0, fontsize=8, title=wrapped_title,
                       title_fontsize=8.5, alignment="left", handlelength=1.8,
                       handleheight=1.2, labelspacing=0.45)
    legend.get_title().set_fontweight("bold")
    legend.set_gid("legend")


def draw_quarter_labels(ax: Axes, quarters: gpd.GeoDataFrame, scale: float, *,
                        label_by: str, max_labels: int, zorder: float = 5,
                        colour: str = TEXT_COLOUR, halo_width: float = 2.2) -> None:
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
    font = FontProperties(family=MATPLOTLIB_STYLE["font.family"], size=size)
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
