"""Interactive maps (Leaflet via folium) that open offline inside the HTML report.

:func:`interactive_map` builds a :class:`folium.Map` with

- one choropleth layer per indicator (:class:`IndicatorLayer`), classed and coloured exactly
  like the static maps (:func:`quartier.maps.static.classify` and
  :func:`~quartier.maps.static.class_colours`); the layers are *base layers* (radio buttons in
  the layer control), so exactly one is visible at a time and the legend shows its classes;
- one overlay per facility category, named "<field>: <category>" and listed field by field,
  coloured per action field (Okabe–Ito) with a popup giving name, category, operator
  (Träger), capacity and address;
- an OpenStreetMap background that can be switched off and is not needed: without network
  the quarters and facilities show on a light grey background;
- optionally one overlay per category with the facilities' walking catchments
  (:class:`CatchmentLayer`, e.g. from :func:`quartier.streets.walking_catchments`), off at
  the start, the facility's name in a tooltip.

:func:`map_document` renders the map as one standalone HTML document. Leaflet 1.9 (from the
``xstatic-leaflet`` package) is inlined as ``<style>``/``<script>`` text and folium's CDN links
(jQuery, Bootstrap, Font Awesome, awesome-markers) are not emitted, so the document loads no
script, stylesheet, font or image from anywhere; only the background tiles need the network.
:func:`map_iframe` wraps the document in an ``<iframe srcdoc="…">`` for the report page, which
keeps Leaflet's CSS and scripts apart from the report's.

Security: every text that comes from user data (names, operators, addresses, labels, units,
sources) is HTML-escaped in Python before it reaches the page, and data reach the scripts only
as JSON in which ``<`` and ``>`` are written as ``\\u003c``/``\\u003e``; no user text can end
a ``<script>`` element, leave a JavaScript string or add markup.

Size: the quarter polygons are stored once (simplified as a coverage, coordinates rounded to
five decimals, about 1 m) and shared by all indicator layers; facilities are compact JSON
rows turned into circle markers by one small function per page (popups are built on click).
Berlin's 542 planning areas with 18,000 facilities give a document of about 2.2 MB. Above
:data:`MANY_FACILITIES` facilities the markers are drawn on a canvas and start hidden.
"""

from __future__ import annotations

import base64
import html
import itertools
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.map import FitBounds, Layer
from folium.template import Template

from quartier.fields import FIELDS, field_label
from quartier.format import format_number, format_percent
from quartier.maps.static import NO_DATA_COLOUR, align_to_quarters, class_colours, classify

__all__ = [
    "FIELD_COLOURS",
    "CatchmentLayer",
    "MANY_FACILITIES",
    "IndicatorLayer",
    "interactive_map",
    "leaflet_assets",
    "map_document",
    "map_iframe",
]

#: Marker colour per action field, from the Okabe–Ito palette (distinct for the common forms
#: of colour-vision deficiency). Facilities of an unknown field are drawn black.
FIELD_COLOURS: dict[str, str] = {
    "housing": "#E69F00",
    "environment": "#009E73",
    "social_infrastructure": "#0072B2",
    "counselling": "#CC79A7",
    "everyday_help": "#56B4E9",
    "health_care": "#D55E00",
}
_OTHER_FIELD = "other"
_OTHER_COLOUR = "#000000"

#: Above this number of facilities the markers are drawn on one canvas (fast for tens of
#: thousands of points) and their layers start switched off.
MANY_FACILITIES = 5000

_DECIMALS = 5  # coordinates in degrees: 1e-5° ≈ 1.1 m north–south, 0.7 m east–west at 50° N
_OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_OSM_ATTRIBUTION = ('&copy; <a href="https://www.openstreetmap.org/copyright" '
                    'target="_blank" rel="noopener">OpenStreetMap</a> contributors')
_CSS_LENGTH = re.compile(r"^\d+(\.\d+)?(px|em|rem|vh|vw|%)$")
_EXTERNAL = re.compile(
    r"<(?:script|link|img|iframe|embed|object|source|audio|video)\b[^>]*?\b(?:src|href|data)"
    r"\s*=\s*[\"']?\s*(?:https?:)?//"
    r"|@import"
    r"|url\(\s*[\"']?\s*(?:https?:)?//",
    re.IGNORECASE,
)

_TEXTS = {
    "de": {"no_data": "keine Angabe", "operator": "Träger", "capacity": "Kapazität",
           "places": "Plätze", "address": "Adresse", "facilities": "Angebote",
           "sources": "Quellen", "background": "Hintergrundkarte (OpenStreetMap)",
           "quarters": "Quartiere", "other": "Sonstige", "quarter": "Quartier",
           "zoom_in": "Vergrößern", "zoom_out": "Verkleinern", "layers": "Kartenebenen",
           "search": "Quartier suchen", "profile": "Quartiersprofil öffnen",
           "labels": "Quartiersnamen"},
    "en": {"no_data": "no data", "operator": "Operator", "capacity": "Capacity",
           "places": "places", "address": "Address", "facilities": "Facilities",
           "sources": "Sources", "background": "Background map (OpenStreetMap)",
           "quarters": "Quarters", "other": "Other", "quarter": "Quarter",
           "zoom_in": "Zoom in", "zoom_out": "Zoom out", "layers": "Map layers",
           "search": "Find a quarter", "profile": "Open the quarter profile",
           "labels": "Quarter names"},
}


# --------------------------------------------------------------------------------------------
# Indicator layers
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class IndicatorLayer:
    """One value per quarter, shown as a switchable choropleth layer.

    Attributes
    ----------
    label : str
        Name in the layer control, the legend and the tooltip, e.g. ``"Kita-Plätze je 100
        Kinder"``.
    values : Series
        Indexed by ``quarter_id``; quarters without a value are drawn grey ("keine Angabe").
    unit : str
        Unit after each value: ``"%"`` formats as ``12,5 %`` (English ``12.5%``), any other
        text follows the number after a space (``"850 m"``); also shown in the legend title.
    decimals : int, optional
        Decimals of the values in tooltips; default 0 when all values are whole numbers,
        else 1.
    breaks : sequence of float, optional
        Fixed upper class bounds (see :func:`quartier.maps.static.classify`), to keep the
        classes of several editions or of the static map.
    scheme, k : str, int
        Classification from the data when ``breaks`` is not given.
    cmap : str, optional
        Matplotlib colormap; default ``"YlGnBu"`` (``"PuOr"`` with ``diverging_center``).
    diverging_center : float, optional
        Colour the classes diverging around this value, as in
        :func:`~quartier.maps.static.class_colours`.

    Examples
    --------
    >>> layer = IndicatorLayer("Abdeckung Supermarkt", pd.Series({"01": 80.0, "02": 45.5}),
    ...                        unit="%", breaks=[50, 75])
    >>> layer.unit
    '%'
    """

    label: str
    values: pd.Series
    unit: str = ""
    decimals: int | None = None
    breaks: Sequence[float] | None = None
    scheme: str = "quantiles"
    k: int = 5
    cmap: str | None = None
    diverging_center: float | None = None


@dataclass(frozen=True, eq=False)
class CatchmentLayer:
    """Areas around facilities (walking catchments), one switchable overlay.

    Attributes
    ----------
    label : str
        Name in the layer control, e.g. ``"Fußweg-Einzugsbereich: Spielplatz (500 m)"``.
    areas : GeoSeries
        One polygon per facility, in any CRS (none means that of the quarters); empty or
        missing geometries are left out.
    names : sequence of str
        Tooltip of each area (the facility's name), in the order of ``areas``.
    colour : str
        Outline and fill colour (CSS), e.g. the field's colour from :data:`FIELD_COLOURS`.

    Examples
    --------
    >>> import shapely
    >>> layer = CatchmentLayer("Fußweg-Einzugsbereich: Kita (500 m)",
    ...                        gpd.GeoSeries([shapely.box(0, 0, 500, 500)], crs="EPSG:25832"),
    ...                        ["Kita Sonnenschein"])
    >>> layer.colour
    '#555555'
    """

    label: str
    areas: gpd.GeoSeries
    names: Sequence[str]
    colour: str = "#555555"


def _as_layer(item: IndicatorLayer | Mapping[str, Any] | tuple) -> IndicatorLayer:
    if isinstance(item, IndicatorLayer):
        return item
    if isinstance(item, tuple):
        if not 2 <= len(item) <= 4:
            raise TypeError(f"an indicator layer given as a tuple needs (label, values[, unit"
                            f"[, breaks]]), got {len(item)} item(s)")
        label, values, *rest = item
        unit = rest[0] if rest and rest[0] is not None else ""
        breaks = rest[1] if len(rest) > 1 else None
        return IndicatorLayer(label, values, unit=unit, breaks=breaks)
    if isinstance(item, Mapping):
        try:
            return IndicatorLayer(**item)
        except TypeError as error:
            raise TypeError(f"cannot make an indicator layer from {dict(item)!r}: {error}; "
                            "give label, values and optionally unit, decimals, breaks, "
                            "scheme, k, cmap, diverging_center") from error
    raise TypeError("layers must be IndicatorLayer objects, (label, values[, unit[, breaks]]) "
                    f"tuples or dicts of IndicatorLayer's fields, not {type(item).__name__}")


# --------------------------------------------------------------------------------------------
# Offline Leaflet
# --------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's CSS and JavaScript as text, ready to inline into a page.

    Returns
    -------
    tuple of (str, str)
        ``(css, js)`` of Leaflet from the ``xstatic-leaflet`` package. The images that the CSS
        refers to (layer-control icon, default marker) are inlined as ``data:`` URLs, the
        old-IE VML rule and the source-map comment are removed, so neither text refers to
        another file.

    Raises
    ------
    ImportError
        If ``xstatic-leaflet`` is not installed (``pip install xstatic-leaflet``).
    """
    try:
        import xstatic.pkg.leaflet as xstatic_leaflet
    except ImportError as error:  # pragma: no cover - a declared dependency
        raise ImportError("interactive maps need Leaflet from the package 'xstatic-leaflet' "
                          "(pip install xstatic-leaflet)") from error
    base = Path(xstatic_leaflet.BASE_DIR)
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def inline_image(match: re.Match) -> str:
        data = (base / "images" / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(data).decode('ascii')})"

    css = re.sub(r"url\(\s*['\"]?images/([\w.-]+\.png)['\"]?\s*\)", inline_image, css)
    css = re.sub(r"behavior:\s*url\(#default#VML\);?", "", css)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    js = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", js)
    js = re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)  # cannot end the element
    css = re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)
    return css, js


def _make_offline(m: folium.Map) -> None:
    """Drop folium's CDN links from ``m`` and inline Leaflet into its page (idempotent)."""
    m.default_js = []  # instance attributes: folium's module-level lists stay untouched
    m.default_css = []
    css, js = leaflet_assets()
    header = m.get_root().header
    header.add_child(Element(f"<style>{css}</style>"), name="quartier_leaflet_css")
    header.add_child(Element(f"<script>{js}</script>"), name="quartier_leaflet_js")


# --------------------------------------------------------------------------------------------
# folium elements (templates are plain Leaflet; data are JSON made by _js)
# --------------------------------------------------------------------------------------------

def _js(value: Any) -> str:
    """JSON for a ``<script>`` element: ``<`` and ``>`` escaped so no tag can start or end."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


class _Setup(MacroElement):
    """Page style, the facility pane and the functions that build layers from JSON."""

    _template = Template("""
{% macro header(this, kwargs) %}
<style>
.leaflet-container { background: #eef0ed; font: 13px/1.4 system-ui, -apple-system,
  "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.quartier-box { background: rgba(255,255,255,0.93); padding: 6px 9px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.35); color: #1a1a1a; max-width: 280px; }
.quartier-title { font-weight: 600; font-size: 15px; }
.quartier-legend h4 { margin: 2px 0 4px; font-size: 13px; }
.quartier-legend h4 + div { margin-bottom: 4px; }
.quartier-legend .row { display: flex; align-items: center; gap: 6px; margin: 1px 0; }
.quartier-legend .box { width: 16px; height: 12px; border: 1px solid #4d4d4d;
  flex: none; opacity: 0.8; }
.quartier-legend .nodata { background: repeating-linear-gradient(45deg, #ededed 0 3px,
  #9e9e9e 3px 4px); }
.quartier-legend .dot { width: 10px; height: 10px; border-radius: 50%;
  border: 1px solid #1a1a1a; flex: none; margin: 0 3px; }
.quartier-popup td, .quartier-popup th { text-align: left; vertical-align: top;
  padding: 0 6px 0 0; font-weight: normal; }
.quartier-popup th { color: #555; }
.leaflet-control-attribution details { display: inline; }
.leaflet-control-attribution details[open] div { white-space: normal; max-width: 460px;
  text-align: left; }
.leaflet-control-attribution summary { display: inline; cursor: pointer; }
.quartier-label { background: transparent; border: 0; box-shadow: none; padding: 0;
  font-size: 11px; font-weight: 600; color: #1a1a1a;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; }
.quartier-label::before { display: none; }
.quartier-search label { display: block; font-weight: 600; font-size: 12px; }
.quartier-search input { font: inherit; width: 200px; }
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
var quartierTexts = {{ this.texts }};
{{ this.map_name }}.createPane("quartierFacilities").style.zIndex = 450;
var quartierRenderer = {% if this.canvas %}L.canvas({pane: "quartierFacilities"})
                         {%- else %}undefined{% endif %};
function quartierChoropleth(data, classes, values, colours, label, weight) {
  return L.geoJson(data, {
    style: function (f) {
      var c = classes[f.properties.i];
      return {color: "#4d4d4d", weight: weight, opacity: 0.9,
              fillColor: c >= 0 ? colours[c] : {{ this.no_data_colour }},
              fillOpacity: c >= 0 ? 0.8 : 0.6};
    },
    onEachFeature: function (f, layer) {
      var p = f.properties;
      var head = p.name ? "<strong>" + p.name + "</strong> (" + p.id + ")"
                        : "<strong>" + quartierTexts.quarter + " " + p.id + "</strong>";
      var text = values === null ? head : head + "<br>" + label + ": " + values[p.i];
      layer.bindTooltip(text, {sticky: true});
      if (p.href) {
        layer.bindPopup(head + '<br><a target="_top" href="' + p.href + '">' +
                        quartierTexts.profile + "</a>");
      }
      layer.on("mouseover", function () { layer.setStyle({weight: weight + 2}); });
      layer.on("mouseout", function () { layer.setStyle({weight: weight}); });
    }
  });
}
function quartierPopup(r, category, capacityLabel) {
  var rows = "";
  if (r[3]) { rows += "<tr><th>" + quartierTexts.operator + "</th><td>" + r[3] + "</td></tr>"; }
  if (r[4]) { rows += "<tr><th>" + capacityLabel + "</th><td>" + r[4] + "</td></tr>"; }
  if (r[5]) { rows += "<tr><th>" + quartierTexts.address + "</th><td>" + r[5] + "</td></tr>"; }
  return '<div class="quartier-popup"><strong>' + (r[2] || category) + "</strong><br>" +
         category + (rows ? "<table>" + rows + "</table>" : "") + "</div>";
}
function quartierCatchments(data, colour) {
  return L.geoJson(data, {
    style: function () {
      return {color: colour, weight: 1.5, opacity: 0.9, fillColor: colour, fillOpacity: 0.15};
    },
    onEachFeature: function (f, layer) {
      layer.bindTooltip(f.properties.name, {sticky: true});
    }
  });
}
function quartierFacilities(rows, colour, category, capacityLabel, radius) {
  var group = L.featureGroup();
  rows.forEach(function (r) {
    var marker = L.circleMarker([r[0], r[1]], {
      pane: "quartierFacilities", renderer: quartierRenderer, radius: radius,
      color: "#1a1a1a", weight: 1, fillColor: colour, fillOpacity: 0.9});
    marker.bindTooltip(r[2] || category);
    marker.bindPopup(function () { return quartierPopup(r, category, capacityLabel); });
    group.addLayer(marker);
  });
  return group;
}
{% endmacro %}
""")

    def __init__(self, map_name: str, texts: Mapping[str, str], canvas: bool) -> None:
        super().__init__()
        self._name = "QuartierSetup"
        self.map_name = map_name
        self.texts = _js(dict(texts))
        self.canvas = canvas
        self.no_data_colour = _js(NO_DATA_COLOUR)


class _QuarterData(MacroElement):
    """The quarter polygons as one GeoJSON object, shared by all choropleth layers."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = {{ this.data }};
{% endmacro %}
""")

    def __init__(self, data: str) -> None:
        super().__init__()
        self._name = "QuartierQuarters"
        self.data = data


class _FindAndLabel(MacroElement):
    """Quarter names on the map (shown once few enough are in view), a search field that
    zooms to a quarter and opens its popup, and the controls' titles in the map's language.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
(function (map, data) {
  var texts = {{ this.texts }}, maxLabels = {{ this.max_labels }};
  map.removeControl(map.zoomControl);
  L.control.zoom({position: "topleft", zoomInTitle: texts.zoom_in,
                  zoomOutTitle: texts.zoom_out}).addTo(map);
  var labels = L.layerGroup(), places = [];
  data.features.forEach(function (f) {
    var layer = L.geoJson(f), centre = f.properties.c;
    var where = centre ? L.latLng(centre[0], centre[1]) : layer.getBounds().getCenter();
    places.push({f: f, bounds: layer.getBounds(), at: where});
    labels.addLayer(L.tooltip({permanent: true, direction: "center",
                               className: "quartier-label", interactive: false})
                    .setLatLng(where).setContent(f.properties.name || f.properties.id));
  });
  function refresh() {
    var view = map.getBounds(), n = 0;
    places.forEach(function (p) { if (view.contains(p.at)) { n += 1; } });
    if (n <= maxLabels) { if (!map.hasLayer(labels)) { labels.addTo(map); } }
    else if (map.hasLayer(labels)) { map.removeLayer(labels); }
  }
  map.on("moveend zoomend", refresh);
  map.whenReady(refresh);
  var search = L.control({position: "topleft"});
  search.onAdd = function () {
    var div = L.DomUtil.create("div", "quartier-box quartier-search");
    L.DomEvent.disableClickPropagation(div);
    var options = places.map(function (p) {
      return '<option value="' + p.f.properties.id + " " + (p.f.properties.name || "") + '">';
    }).join("");
    div.innerHTML = '<label for="quartier-karte-suche">' + texts.search + "</label>" +
      '<input id="quartier-karte-suche" type="search" list="quartier-karte-namen" ' +
      'autocomplete="off"><datalist id="quartier-karte-namen">' + options + "</datalist>";
    var input = div.querySelector("input");
    function go() {
      var value = input.value.trim().toLowerCase();
      if (!value) { return; }
      var hit = null;
      places.forEach(function (p) {
        var key = (p.f.properties.id + " " + (p.f.properties.name || "")).toLowerCase();
        if (!hit && (key === value || p.f.properties.id.toLowerCase() === value)) { hit = p; }
      });
      places.forEach(function (p) {
        var key = (p.f.properties.id + " " + (p.f.properties.name || "")).toLowerCase();
        if (!hit && key.indexOf(value) >= 0) { hit = p; }
      });
      if (!hit) { return; }
      map.fitBounds(hit.bounds, {maxZoom: 16});
      var text = "<strong>" + (hit.f.properties.name || hit.f.properties.id) + "</strong> (" +
                 hit.f.properties.id + ")";
      if (hit.f.properties.href) {
        text += '<br><a target="_top" href="' + hit.f.properties.href + '">' + texts.profile +
                "</a>";
      }
      L.popup().setLatLng(hit.at).setContent(text).openOn(map);
    }
    input.addEventListener("change", go);
    input.addEventListener("keydown", function (e) { if (e.key === "Enter") { go(); } });
    return div;
  };
  search.addTo(map);
  setTimeout(function () {
    var toggle = map.getContainer().querySelector(".leaflet-control-layers-toggle");
    if (toggle) { toggle.title = texts.layers; toggle.setAttribute("aria-label", texts.layers); }
  }, 0);
})({{ this.map_name }}, {{ this.data_name }});
{% endmacro %}
""")

    def __init__(self, map_name: str, data_name: str, texts: Mapping[str, str],
                 max_labels: int) -> None:
        super().__init__()
        self._name = "QuartierFindAndLabel"
        self.map_name = map_name
        self.data_name = data_name
        self.texts = _js({key: texts[key] for key in ("zoom_in", "zoom_out", "layers",
                                                      "search", "profile")})
        self.max_labels = _js(int(max_labels))


class _ChoroplethLayer(Layer):
    """A choropleth of the shared quarter polygons (a base layer: one shown at a time)."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = quartierChoropleth({{ this.data_name }}, {{ this.classes }},
    {{ this.values }}, {{ this.colours }}, {{ this.label }}, {{ this.weight }});
{% endmacro %}
""")

    def __init__(self, name: str, data_name: str, classes: list[int],
                 values: list[str] | None, colours: list[str], weight: float,
                 show: bool) -> None:
        super().__init__(name=name, overlay=False, control=True, show=show)
        self._name = "QuartierChoropleth"
        self.data_name = data_name
        self.classes = _js(classes)
        self.values = _js(values)
        self.colours = _js(colours)
        self.label = _js(name)
        self.weight = _js(weight)


class _FacilityLayer(Layer):
    """Circle markers of one facility category (an overlay with a checkbox)."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = quartierFacilities(
{{ this.rows }},
{{ this.colour }}, {{ this.category }}, {{ this.capacity_label }}, {{ this.radius }});
{% endmacro %}
""")

    def __init__(self, name: str, rows: list[list[Any]], colour: str, category: str,
                 capacity_label: str, radius: float, show: bool) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "QuartierFacilities"
        self.n = len(rows)
        self.rows = _js(rows)
        self.colour = _js(colour)
        self.category = _js(category)
        self.capacity_label = _js(capacity_label)
        self.radius = _js(radius)


class _CatchmentOverlay(Layer):
    """Walking catchments of one category (an overlay, off at the start)."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = quartierCatchments({{ this.data }}, {{ this.colour }});
{% endmacro %}
""")

    def __init__(self, name: str, data: dict, colour: str) -> None:
        super().__init__(name=name, overlay=True, control=True, show=False)
        self._name = "QuartierCatchments"
        self.data = _js(data)
        self.colour = _js(colour)


class _FitOnLayout(MacroElement):
    """Fit the map to the study area again once the page is laid out and on resizes.

    A map inside an iframe may be created before the frame has its final size, and Leaflet
    would then keep a world-wide view; until the reader pans or zooms, the view follows the
    frame's size.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
(function (map, bounds) {
  var touched = false;
  ["mousedown", "touchstart", "wheel", "keydown"].forEach(function (name) {
    map.getContainer().addEventListener(name, function () { touched = true; });
  });
  function refit() {
    map.invalidateSize();
    if (!touched) { map.fitBounds(bounds); }
  }
  window.addEventListener("load", refit);
  window.addEventListener("resize", refit);
  setTimeout(refit, 0);
})({{ this.map_name }}, {{ this.bounds }});
{% endmacro %}
""")

    def __init__(self, map_name: str, bounds: list[list[float]]):
        super().__init__()
        self._name = "FitOnLayout"
        self.map_name = map_name
        self.bounds = json.dumps(bounds)


class _Controls(MacroElement):
    """Title, legend (following the shown choropleth), sources, scale and wheel zoom."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function (map) {
  {%- if this.title %}
  var title = L.control({position: "topleft"});
  title.onAdd = function () {
    var div = L.DomUtil.create("div", "quartier-box quartier-title");
    div.innerHTML = {{ this.title }};
    return div;
  };
  title.addTo(map);
  var corner = title.getContainer().parentNode;
  corner.insertBefore(title.getContainer(), corner.firstChild);
  {%- endif %}
  L.control.scale({imperial: false}).addTo(map);
  var legends = [{% for name, text in this.legends %}[{{ name }}, {{ text }}],{% endfor %}];
  var legend = L.control({position: "bottomleft"});
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "quartier-box quartier-legend");
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    div.innerHTML = '<div class="classes"></div>' + {{ this.facility_legend }};
    return div;
  };
  function showLegend(layer) {
    legends.forEach(function (entry) {
      if (entry[0] === layer) {
        legend.getContainer().querySelector(".classes").innerHTML = entry[1];
      }
    });
  }
  {%- if this.has_legend %}
  legend.addTo(map);
  if (legends.length) { showLegend(legends[0][0]); }
  map.on("baselayerchange", function (e) { showLegend(e.layer); });
  {%- endif %}
  {%- if this.sources %}
  map.attributionControl.addAttribution({{ this.sources }});
  {%- endif %}
  map.scrollWheelZoom.disable();
  map.on("click focus", function () { map.scrollWheelZoom.enable(); });
  map.getContainer().addEventListener("mouseleave", function () {
    map.scrollWheelZoom.disable();
  });
})({{ this.map_name }});
{% endmacro %}
""")

    def __init__(self, map_name: str, *, title: str | None,
                 legends: list[tuple[str, str]], facility_legend: str, sources: str | None
                 ) -> None:
        super().__init__()
        self._name = "QuartierControls"
        self.map_name = map_name
        self.title = _js(title) if title else None
        self.legends = [(name, _js(text)) for name, text in legends]
        self.facility_legend = _js(facility_legend)
        self.has_legend = bool(legends) or bool(facility_legend)
        self.sources = _js(sources) if sources else None


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------

def interactive_map(quarters: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame | None, *,
                    layers: Sequence[IndicatorLayer | Mapping[str, Any]],
                    language: str = "de", title: str | None = None,
                    attribution: Sequence[str] = (),
                    category_labels: Mapping[str, str] | None = None,
                    field_of_category: Mapping[str, str] | None = None,
                    capacity_units: Mapping[str, str] | None = None,
                    tiles: bool = True, show_facilities: bool | None = None,
                    simplify_tolerance: float = 5.0,
                    profile_links: Mapping[str, str] | None = None,
                    max_labels: int = 60,
                    catchments: Sequence[CatchmentLayer] = ()) -> folium.Map:
    """An interactive map of quarters, indicator values and facilities that works offline.

    Parameters
    ----------
    quarters : GeoDataFrame
        ``quarter_id`` (and optionally ``name``) with polygons in a projected CRS in metres
        (a geographic CRS is accepted and projected to UTM for simplifying).
    facilities : GeoDataFrame or None
        Points with ``category`` and optionally ``name``, ``field``, ``operator``,
        ``capacity`` and ``address``; any CRS (none means that of ``quarters``). ``None`` or
        an empty table draws no facility layer.
    layers : sequence of IndicatorLayer
        One choropleth layer each, in the order of the layer control; the first is shown.
        A tuple ``(label, values[, unit[, breaks]])`` or a dict of :class:`IndicatorLayer`'s
        fields is also accepted.
        The layers are base layers (radio buttons): one is visible at a time and the legend
        follows it. Without layers the quarters are drawn as outlines ("Quartiere").
    language : {"de", "en"}
        Language of the texts and number format of tooltips, popups and legend.
    title : str, optional
        Title box on the map (top left) and ``<title>`` of the document.
    attribution : sequence of str
        Data sources, shown behind "Quellen" in the attribution line.
    category_labels : mapping, optional
        Category key → label; default the labels of the default catalogue in ``language``,
        else the key.
    field_of_category : mapping, optional
        Category key → action field key; default the ``field`` column of ``facilities``,
        else the default catalogue. Categories of no known field are listed as "Sonstige".
    capacity_units : mapping, optional
        Category key → what a capacity counts ("Plätze", "Wohnungen"), shown in the popup;
        default from the default catalogue, else "Kapazität".
    tiles : bool
        Add the OpenStreetMap background (switchable overlay, "© OpenStreetMap
        contributors"). Without network, or with ``tiles=False``, the map shows on a light
        grey background.
    show_facilities : bool, optional
        Whether the facility layers start switched on; default on up to
        :data:`MANY_FACILITIES` facilities, off above.
    simplify_tolerance : float
        Simplification of the quarter boundaries in metres (as a coverage, so neighbours keep
        a common border); 0 keeps every vertex.
    profile_links : mapping, optional
        Quarter id → link to its profile (``"#q-01"``, ``"quartiere/01.html"``); a click on
        the quarter opens a popup with the link, which opens in the whole window.
    max_labels : int
        Quarter names are written on the map once at most this many quarters are in view.
    catchments : sequence of CatchmentLayer
        Facility catchments, one overlay each after the facility categories, switched off at
        the start; polygons in WGS 84 rounded like the quarters (no further simplification:
        simplify them before, e.g. :func:`quartier.streets.walking_catchments` does).

    Returns
    -------
    folium.Map
        Render it with :func:`map_document` or :func:`map_iframe` (``Map.save`` also writes
        an offline file).

    Raises
    ------
    TypeError, ValueError
        For quarters that are no GeoDataFrame, lack ``quarter_id`` or a CRS, facilities
        without ``category``, values not indexed by ``quarter_id`` or an unknown language.

    Notes
    -----
    The layer control lists the indicator layers as radio buttons, then the background and
    the facility categories as checkboxes ("Wohnen: Betreutes Wohnen", sorted by field in
    report order, then by label; a dot in the field's colour before each). Facilities are
    coloured by action field (:data:`FIELD_COLOURS`). Tooltips and popups use the reader's
    number format (``12,5 %``, ``1.234``). The mouse wheel zooms only after a click on the
    map, so that scrolling through the report is not caught by it.

    The map is kept small: polygons are stored once for all layers, and facilities are JSON
    rows drawn by one function (no folium object per marker). Every text from the data is
    HTML-escaped before it is written into the page.

    Examples
    --------
    >>> import quartier
    >>> study = quartier.load_study("data/sample/quartier.toml")  # doctest: +SKIP
    >>> coverage = quartier.wide(quartier.compute(study).indicators,
    ...                          "coverage")  # doctest: +SKIP
    >>> m = interactive_map(study.quarters, study.facilities,
    ...                     layers=[IndicatorLayer("Nahversorgung", coverage["supermarket"],
    ...                                            unit="%")],
    ...                     title="Musterstadt",
    ...                     attribution=study.config.attribution)  # doctest: +SKIP
    >>> html = map_iframe(m, title="Karte: Nahversorgung")  # doctest: +SKIP
    """
    texts = _texts(language)
    _check_quarters(quarters)
    specs = [_as_layer(item) for item in layers]
    if simplify_tolerance < 0 or not math.isfinite(simplify_tolerance):
        raise ValueError(f"simplify_tolerance must be a distance >= 0 in metres, "
                         f"not {simplify_tolerance!r}")

    ids = quarters["quarter_id"].astype(str).to_numpy()
    features, drawn, bounds = _quarter_features(quarters, simplify_tolerance)
    names = (quarters["name"].to_numpy(dtype=object) if "name" in quarters.columns
             else np.full(len(quarters), None, dtype=object))
    links = {str(k): str(v) for k, v in (profile_links or {}).items()}
    centres = _label_points(quarters, drawn)
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {
            "i": k, "id": _esc(ids[i]), "name": _esc(names[i]), "c": centres[k],
            **({"href": _esc(links[ids[i]])} if ids[i] in links else {})},
         "geometry": geometry}
        for k, (i, geometry) in enumerate(zip(drawn, features, strict=True))]}

    south, west, north, east = bounds[1], bounds[0], bounds[3], bounds[2]
    counter = itertools.count()

    def add(element: Element) -> Element:
        """Give ``element`` a numbered name (same input, same HTML) and add it to the map."""
        element._id = f"{next(counter):04d}"
        m.add_child(element)
        return element

    m = folium.Map(location=[round((south + north) / 2, _DECIMALS),
                             round((west + east) / 2, _DECIMALS)],
                   zoom_start=12, tiles=None, control_scale=False, max_zoom=19, zoom_snap=0.25,
                   zoom_control=True)
    m._id = f"{next(counter):04d}"
    _make_offline(m)
    if title:
        m.get_root().title = _esc(title)
    add(_Setup(m.get_name(), _js_texts(texts),
               canvas=facilities is not None and len(facilities) > MANY_FACILITIES))
    if tiles:
        add(folium.TileLayer(tiles=_OSM_URL, attr=_OSM_ATTRIBUTION, name=texts["background"],
                             overlay=True, control=True, show=True, max_zoom=19,
                             max_native_zoom=19))
    data = add(_QuarterData(_js(collection)))

    weight = 1.0 if len(drawn) <= 100 else 0.6
    legends: list[tuple[str, str]] = []
    if not specs:
        add(_ChoroplethLayer(texts["quarters"], data.get_name(), [-1] * len(drawn), None, [],
                             weight, show=True))
    for number, spec in enumerate(specs):
        layer, legend = _indicator_layer(spec, ids, drawn, data.get_name(), weight, language,
                                         texts, show=number == 0)
        add(layer)
        legends.append((layer.get_name(), legend))

    facility_layers, fields_shown = _facility_layers(
        facilities, quarters, language, texts, category_labels, field_of_category,
        capacity_units, show_facilities)
    for layer in facility_layers:
        add(layer)
    catchment_overlays = [_catchment_overlay(spec, quarters) for spec in catchments]
    for overlay in catchment_overlays:
        add(overlay)

    facility_legend = ""
    if fields_shown:
        facility_legend = f"<h4>{_esc(texts['facilities'])}</h4>" + "".join(
            f'<div class="row"><span class="dot" style="background:{colour}"></span>'
            f"{_esc(label)}</div>" for label, colour in fields_shown)
    add(_Controls(m.get_name(), title=_esc(title) if title else None, legends=legends,
                  facility_legend=facility_legend, sources=_sources_html(attribution, texts)))
    entries = len(specs) + len(facility_layers) + len(catchment_overlays) + int(tiles)
    add(folium.LayerControl(position="topright", collapsed=entries > 8))
    add(_FindAndLabel(m.get_name(), data.get_name(), texts, max_labels))
    add(FitBounds([[south, west], [north, east]]))
    add(_FitOnLayout(m.get_name(), [[south, west], [north, east]]))
    m._quartier_language = language  # for <html lang> in map_document
    return m


def map_document(m: folium.Map) -> str:
    """The map as a complete, standalone HTML document.

    Parameters
    ----------
    m : folium.Map
        Typically from :func:`interactive_map`; any folium map works as long as it uses no
        plugin that needs another JavaScript library.

    Returns
    -------
    str
        ``<!DOCTYPE html>…``: Leaflet's CSS and JavaScript inlined, no link to any script,
        stylesheet, font or image outside the document (tile URLs are built by Leaflet at
        run time).

    Raises
    ------
    ValueError
        If something on the map still loads a resource from the network (e.g. a folium
        plugin); the message names it.
    """
    if not isinstance(m, folium.Map):
        raise TypeError(f"m must be a folium.Map, not {type(m).__name__}")
    _make_offline(m)
    _forget_rendering(m)
    document = m.get_root().render()
    external = sorted({match.group(0)[:120] for match in _EXTERNAL.finditer(document)})
    if external:
        raise ValueError("the map still loads resources from the network and would not open "
                         "offline; remove the plugin or element that adds them: "
                         + "; ".join(external))
    # folium's page forbids zooming (user-scalable=no); readers with low vision need it
    document = re.sub(r'<meta name="viewport"[^>]*>',
                      '<meta name="viewport" content="width=device-width, initial-scale=1">',
                      document, count=1)
    language = getattr(m, "_quartier_language", None)
    if language in _TEXTS:
        document = document.replace("<html>", f'<html lang="{language}">', 1)
    return document


def map_iframe(m: folium.Map, *, title: str, height: str = "600px") -> str:
    """The map as an ``<iframe srcdoc="…">`` element to inline into the report page.

    Parameters
    ----------
    m : folium.Map
    title : str
        Accessible name of the frame (``title`` attribute), e.g. "Karte: Kita-Versorgung".
    height : str
        CSS height such as ``"600px"``, ``"70vh"`` or ``"40rem"``; the width is 100 %.

    Returns
    -------
    str
        One ``<iframe>`` element; its ``srcdoc`` holds :func:`map_document`, attribute-escaped.
        The frame is sandboxed (scripts and opening links in a new tab only), so the map can
        neither read nor change the report page.

    Examples
    --------
    >>> frame = map_iframe(folium.Map(tiles=None), title="Karte", height="400px")
    >>> frame[:56]
    '<iframe title="Karte" style="width:100%;height:400px;bor'
    >>> "<script" in frame  # the whole document is inside the (escaped) attribute
    False
    """
    if not isinstance(height, str) or not _CSS_LENGTH.match(height.strip()):
        raise ValueError(f"height must be a CSS length such as '600px' or '70vh', not "
                         f"{height!r}")
    document = map_document(m)
    return (f'<iframe title="{html.escape(str(title), quote=True)}" '
            f'style="width:100%;height:{height.strip()};border:0;display:block" '
            'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox '
            'allow-top-navigation-by-user-activation" '
            f'srcdoc="{html.escape(document, quote=True)}"></iframe>')


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

def _forget_rendering(m: folium.Map) -> None:
    """Drop what earlier renderings left in the page, so rendering again repeats nothing.

    Rendering puts each element's header, body and script text into the figure, keyed by the
    element's name; folium's layers also make a new helper element (``layer.addTo(map)``,
    named ``macro_element_…``) each time, whose text an earlier rendering left behind.
    Entries that users put into the figure directly are kept.
    """
    figure = m.get_root()
    names = set()
    stack: list[Element] = [figure]
    while stack:
        element = stack.pop()
        names.add(element.get_name())
        stack.extend(element._children.values())
    for part in (figure.header, figure.html, figure.script):
        stale = [name for name in part._children
                 if name in names or name.startswith("macro_element_")]
        for name in stale:
            del part._children[name]


def _texts(language: str) -> dict[str, str]:
    if language not in _TEXTS:
        raise ValueError(f"language must be one of {', '.join(_TEXTS)}, not {language!r}")
    return _TEXTS[language]


def _js_texts(texts: Mapping[str, str]) -> dict[str, str]:
    return {key: _esc(texts[key]) for key in ("operator", "address", "quarter")}


def _esc(value: Any) -> str:
    """HTML-escaped text of a value; ``""`` for missing values."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return html.escape(str(value), quote=True)


def _check_quarters(quarters: gpd.GeoDataFrame) -> None:
    if not isinstance(quarters, gpd.GeoDataFrame):
        raise TypeError(f"quarters must be a GeoDataFrame, not {type(quarters).__name__}")
    if "quarter_id" not in quarters.columns:
        raise ValueError("quarters need a 'quarter_id' column")
    if quarters.crs is None:
        raise ValueError("quarters have no CRS; set it (quarters.set_crs(…)), e.g. "
                         "EPSG:25832")
    geometry = quarters.geometry
    if geometry.isna().all() or geometry.is_empty.all():
        raise ValueError("quarters have no geometry to draw")


def _quarter_features(quarters: gpd.GeoDataFrame, tolerance: float
                      ) -> tuple[list[dict], np.ndarray, np.ndarray]:
    """GeoJSON geometries in WGS 84 of the drawable quarters, their positions and bounds.

    Simplifies in metres (as a coverage, so that neighbours keep one common border), then
    reprojects to EPSG:4326 and rounds to :data:`_DECIMALS` decimals.
    """
    work = quarters
    if quarters.crs.is_geographic:
        work = quarters.to_crs(quarters.estimate_utm_crs())
    geometry = np.asarray(work.geometry.to_numpy(), dtype=object)
    present = ~(shapely.is_missing(geometry) | shapely.is_empty(geometry))
    drawn = np.flatnonzero(present)
    polygons = geometry[present]
    if tolerance > 0 and len(polygons):
        try:
            polygons = shapely.coverage_simplify(polygons, tolerance)
        except (AttributeError, shapely.errors.GEOSException):  # old GEOS or no coverage
            polygons = shapely.simplify(polygons, tolerance, preserve_topology=True)
    lonlat = gpd.GeoSeries(polygons, crs=work.crs).to_crs("EPSG:4326").to_numpy()
    lonlat = shapely.transform(lonlat, lambda xy: np.round(xy, _DECIMALS))
    features = [shapely.geometry.mapping(g) for g in lonlat]
    bounds = shapely.total_bounds(lonlat)
    return features, drawn, bounds


def _label_points(quarters: gpd.GeoDataFrame, drawn: np.ndarray) -> list[list[float]]:
    """A point inside each drawn quarter (``[lat, lon]``, rounded) where its name goes."""
    points = shapely.point_on_surface(np.asarray(quarters.geometry.to_numpy(),
                                                 dtype=object)[drawn])
    lonlat = gpd.GeoSeries(points, crs=quarters.crs).to_crs("EPSG:4326")
    xy = np.round(shapely.get_coordinates(lonlat.to_numpy()), _DECIMALS)
    return [[float(y), float(x)] for x, y in xy]


def _aligned(values: pd.Series, ids: np.ndarray, label: str) -> pd.Series:
    aligned = align_to_quarters(values, ids, f"values of layer {label!r}")
    return pd.to_numeric(aligned, errors="raise").astype(float)


def _value_text(value: float, unit: str, decimals: int, language: str,
                no_data: str) -> str:
    if not math.isfinite(value):
        return no_data
    if unit.strip() == "%":
        return format_percent(value, decimals, language)
    number = format_number(value, decimals, language)
    return f"{number}\u00a0{unit.strip()}" if unit.strip() else number


def _indicator_layer(spec: IndicatorLayer, ids: np.ndarray, drawn: np.ndarray,
                     data_name: str, weight: float, language: str, texts: Mapping[str, str],
                     show: bool) -> tuple[_ChoroplethLayer, str]:
    """The choropleth layer of one indicator and its legend (HTML, escaped)."""
    values = _aligned(spec.values, ids, spec.label)
    classification = classify(values, scheme=spec.scheme, k=spec.k, breaks=spec.breaks)
    colours = class_colours(classification, spec.cmap, diverging_center=spec.diverging_center)
    numbers = values.to_numpy()
    decimals = spec.decimals
    if decimals is None:
        finite = numbers[np.isfinite(numbers)]
        decimals = 0 if np.all(finite == np.round(finite)) else 1
    bins = classification.bins.to_numpy()[drawn]
    shown = [_esc(_value_text(float(v), spec.unit, decimals, language, texts["no_data"]))
             for v in numbers[drawn]]
    layer = _ChoroplethLayer(_esc(spec.label), data_name, [int(b) for b in bins], shown,
                             colours, weight, show=show)
    unit = f" ({_esc(spec.unit.strip())})" if spec.unit.strip() else ""
    rows = [f'<div class="row"><span class="box" style="background:{colour}"></span>'
            f"{_esc(label)}</div>"
            for colour, label in zip(colours, classification.labels(language), strict=True)]
    if classification.n_missing:
        rows.append(f'<div class="row"><span class="box nodata"></span>'
                    f"{_esc(texts['no_data'])}</div>")
    legend = f"<h4>{_esc(spec.label)}{unit}</h4><div>{''.join(rows)}</div>"
    return layer, legend


@lru_cache(maxsize=2)
def _catalogue_defaults(language: str) -> tuple[dict[str, str], dict[str, str],
                                                  dict[str, str]]:
    """Labels, fields and capacity units of the default catalogue."""
    from quartier.catalogue import default_catalogue

    catalogue = default_catalogue()
    labels = {str(k): str(v) for k, v in catalogue[f"label_{language}"].items()}
    fields = {str(k): str(v) for k, v in catalogue["field"].items()}
    units = {str(k): str(v) for k, v in catalogue[f"capacity_unit_{language}"].items()
             if isinstance(v, str) and v.strip()}
    return labels, fields, units


def _facility_layers(facilities: gpd.GeoDataFrame | None, quarters: gpd.GeoDataFrame,
                     language: str, texts: Mapping[str, str],
                     category_labels: Mapping[str, str] | None,
                     field_of_category: Mapping[str, str] | None,
                     capacity_units: Mapping[str, str] | None,
                     show: bool | None) -> tuple[list[_FacilityLayer], list[tuple[str, str]]]:
    """One marker layer per category, sorted by field then label, and the fields shown."""
    if facilities is None or len(facilities) == 0:
        return [], []
    if not isinstance(facilities, gpd.GeoDataFrame):
        raise TypeError(f"facilities must be a GeoDataFrame, not {type(facilities).__name__}")
    if "category" not in facilities.columns:
        raise ValueError("facilities need a 'category' column")
    default_labels, default_fields, default_units = _catalogue_defaults(language)
    labels = {**default_labels, **dict(category_labels or {})}
    units = {**default_units, **dict(capacity_units or {})}

    points = facilities if facilities.crs is not None else facilities.set_crs(quarters.crs)
    geometry = points.geometry.to_numpy()
    present = ~(shapely.is_missing(geometry) | shapely.is_empty(geometry))
    points = points[present]
    if not len(points):
        return [], []
    xy = shapely.get_coordinates(shapely.point_on_surface(
        points.geometry.to_crs("EPSG:4326").to_numpy()))
    lat = np.round(xy[:, 1], _DECIMALS)
    lon = np.round(xy[:, 0], _DECIMALS)

    categories = points["category"].astype(str).to_numpy()
    field_column = (points["field"].astype(object).to_numpy() if "field" in points.columns
                    else np.full(len(points), None, dtype=object))
    column = {name: (points[name].to_numpy(dtype=object) if name in points.columns
                     else np.full(len(points), None, dtype=object))
              for name in ("name", "operator", "capacity", "address")}

    def field_of(category: str, first: int) -> str:
        if field_of_category is not None and category in field_of_category:
            key = str(field_of_category[category])
        elif isinstance(field_column[first], str) and field_column[first]:
            key = field_column[first]
        else:
            key = default_fields.get(category, _OTHER_FIELD)
        return key if key in FIELDS else _OTHER_FIELD

    groups: dict[str, list[int]] = {}
    for position, category in enumerate(categories):
        groups.setdefault(category, []).append(position)
    order = FIELDS + (_OTHER_FIELD,)
    entries = []
    for category, positions in groups.items():
        field = field_of(category, positions[0])
        entries.append((order.index(field), labels.get(category, category).casefold(),
                        category, field, positions))
    entries.sort()

    many = len(points) > MANY_FACILITIES
    visible = (not many) if show is None else bool(show)
    radius = 6 if len(points) <= 300 else 4.5 if not many else 3.5
    layers = []
    fields_shown: list[tuple[str, str]] = []
    for _, _, category, field, positions in entries:
        field_text = (field_label(field, language) if field != _OTHER_FIELD
                      else texts["other"])
        colour = FIELD_COLOURS.get(field, _OTHER_COLOUR)
        if (field_text, colour) not in fields_shown:
            fields_shown.append((field_text, colour))
        category_text = labels.get(category, category)
        rows = []
        for p in positions:
            row = [float(lat[p]), float(lon[p]), _esc(column["name"][p]),
                   _esc(column["operator"][p]),
                   _capacity_text(column["capacity"][p], language), _esc(column["address"][p])]
            while row[-1] == "":
                row.pop()
            rows.append(row)
        capacity_label = units.get(category) or texts["capacity"]
        name = (f'<span aria-hidden="true" style="color:{colour}">\u25cf</span> '
                f"{_esc(f'{field_text}: {category_text}')}")
        layers.append(_FacilityLayer(
            name, rows, colour, _esc(category_text),
            _esc(capacity_label), radius, show=visible))
    return layers, fields_shown


def _catchment_overlay(spec: CatchmentLayer, quarters: gpd.GeoDataFrame) -> _CatchmentOverlay:
    """The overlay of one :class:`CatchmentLayer`: its areas as GeoJSON in WGS 84, escaped."""
    if not isinstance(spec, CatchmentLayer):
        raise TypeError(f"catchments must be CatchmentLayer objects, not {type(spec).__name__}")
    areas = spec.areas if spec.areas.crs is not None else spec.areas.set_crs(quarters.crs)
    names = list(spec.names)
    if len(names) != len(areas):
        raise ValueError(f"catchment layer {spec.label!r} has {len(areas)} areas but "
                         f"{len(names)} names")
    geometry = areas.to_numpy()
    present = np.flatnonzero(~(shapely.is_missing(geometry) | shapely.is_empty(geometry)))
    lonlat = areas.iloc[present].to_crs("EPSG:4326").to_numpy()
    lonlat = shapely.transform(lonlat, lambda xy: np.round(xy, _DECIMALS))
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": _esc(names[i])},
         "geometry": shapely.geometry.mapping(g)}
        for i, g in zip(present, lonlat, strict=True)]}
    name = (f'<span aria-hidden="true" style="color:{_esc(spec.colour)}">\u25a7</span> '
            f"{_esc(spec.label)}")
    return _CatchmentOverlay(name, data, spec.colour)


def _capacity_text(value: Any, language: str) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return _esc(value)
    if not math.isfinite(number):
        return ""
    return _esc(format_number(number, 0 if number == round(number) else 1, language))


def _sources_html(attribution: Sequence[str], texts: Mapping[str, str]) -> str | None:
    if isinstance(attribution, str):
        attribution = [attribution]
    lines = [_esc(line) for line in attribution if str(line).strip()]
    if not lines:
        return None
    return (f"<details><summary>{_esc(texts['sources'])}</summary>"
            f"<div>{'<br>'.join(lines)}</div></details>")
