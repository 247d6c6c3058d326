"""The folium elements of the interactive map and the safe ways to put data into the page.

Each element is plain Leaflet: its JavaScript and the page's CSS are template files in
``quartier/maps/templates/`` (Jinja, read with :mod:`importlib.resources`), into which data
reach only as JSON made by :func:`js_value` and text only HTML-escaped by
:func:`escape_html`. The ``setup`` script defines the functions that build choropleth,
facility and catchment layers from JSON rows; the other elements call them.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping
from importlib.resources import files
from typing import Any

import pandas as pd
from branca.element import MacroElement
from folium.map import Layer
from folium.template import Template

from quartier.maps.style import NO_DATA_COLOUR

__all__ = ["COORDINATE_DECIMALS", "CatchmentOverlay", "ChoroplethLayer", "Controls",
           "FacilityLayer", "FindAndLabel", "FitOnLayout", "QuarterData", "Setup",
           "escape_html", "js_value"]

#: Decimals of coordinates in degrees: 1e-5° ≈ 1.1 m north–south, 0.7 m east–west at 50° N.
COORDINATE_DECIMALS = 5

_TEMPLATES = files("quartier.maps") / "templates"


def _page_template(script: str, style: str | None = None) -> Template:
    """A folium template of a script file (``templates/*.js.j2``) and a stylesheet for the page."""
    text = "\n"
    if style is not None:
        text += ("{% macro header(this, kwargs) %}\n<style>\n"
                 + (_TEMPLATES / style).read_text(encoding="utf-8")
                 + "</style>\n{% endmacro %}\n")
    text += ("{% macro script(this, kwargs) %}\n"
             + (_TEMPLATES / script).read_text(encoding="utf-8")
             + "{% endmacro %}\n")
    return Template(text)


def js_value(value: Any) -> str:
    """JSON for a ``<script>`` element: ``<`` and ``>`` escaped so no tag can start or end."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


class Setup(MacroElement):
    """Page style, the facility pane and the functions that build layers from JSON."""

    _template = _page_template("setup.js.j2", style="map.css")

    def __init__(self, map_name: str, texts: Mapping[str, str], canvas: bool) -> None:
        super().__init__()
        self._name = "QuartierSetup"
        self.map_name = map_name
        self.texts = js_value(dict(texts))
        self.canvas = canvas
        self.no_data_colour = js_value(NO_DATA_COLOUR)


class QuarterData(MacroElement):
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


class FindAndLabel(MacroElement):
    """Quarter names on the map (shown once few enough are in view), a search field that
    zooms to a quarter and opens its popup, and the controls' titles in the map's language.
    """

    _template = _page_template("find_and_label.js.j2")

    def __init__(self, map_name: str, data_name: str, texts: Mapping[str, str],
                 max_labels: int) -> None:
        super().__init__()
        self._name = "QuartierFindAndLabel"
        self.map_name = map_name
        self.data_name = data_name
        self.texts = js_value({key: texts[key] for key in ("zoom_in", "zoom_out", "layers",
                                                      "search", "profile", "map",
                                                      "leaflet")})
        self.max_labels = js_value(int(max_labels))


class ChoroplethLayer(Layer):
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
        self.classes = js_value(classes)
        self.values = js_value(values)
        self.colours = js_value(colours)
        self.label = js_value(name)
        self.weight = js_value(weight)


class FacilityLayer(Layer):
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
        self.rows = js_value(rows)
        self.colour = js_value(colour)
        self.category = js_value(category)
        self.capacity_label = js_value(capacity_label)
        self.radius = js_value(radius)


class CatchmentOverlay(Layer):
    """Walking catchments of one category (an overlay, off at the start)."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = quartierCatchments({{ this.data }}, {{ this.colour }});
{% endmacro %}
""")

    def __init__(self, name: str, data: dict, colour: str) -> None:
        super().__init__(name=name, overlay=True, control=True, show=False)
        self._name = "QuartierCatchments"
        self.data = js_value(data)
        self.colour = js_value(colour)


class FitOnLayout(MacroElement):
    """Fit the map to the study area again once the page is laid out and on resizes.

    A map inside an iframe may be created before the frame has its final size, and Leaflet
    would then keep a world-wide view; until the reader pans or zooms, the view follows the
    frame's size.
    """

    _template = _page_template("fit_on_layout.js.j2")

    def __init__(self, map_name: str, bounds: list[list[float]]):
        super().__init__()
        self._name = "FitOnLayout"
        self.map_name = map_name
        self.bounds = json.dumps(bounds)


class Controls(MacroElement):
    """Title, legend (following the shown choropleth), sources, scale and wheel zoom."""

    _template = _page_template("controls.js.j2")

    def __init__(self, map_name: str, *, title: str | None,
                 legends: list[tuple[str, str]], facility_legend: str, sources: str | None
                 ) -> None:
        super().__init__()
        self._name = "QuartierControls"
        self.map_name = map_name
        self.title = js_value(title) if title else None
        self.legends = [(name, js_value(text)) for name, text in legends]
        self.facility_legend = js_value(facility_legend)
        self.has_legend = bool(legends) or bool(facility_legend)
        self.sources = js_value(sources) if sources else None


def escape_html(value: Any) -> str:
    """HTML-escaped text of a value; ``""`` for missing values."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return html.escape(str(value), quote=True)
