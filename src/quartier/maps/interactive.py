"""Interactive maps (Leaflet via folium) that open offline inside the HTML report.

:func:`interactive_map` builds a :class:`folium.Map` with

- one choropleth layer per indicator (:class:`IndicatorLayer`), classed and coloured exactly
  like the static maps (:func:`quartier.maps.classification.classify` and
  :func:`~quartier.maps.classification.class_colours`); the layers are *base layers* (radio
  buttons in the layer control), so exactly one is visible at a time and the legend shows its
  classes;
- one overlay per facility category, named "<field>: <category>" and listed field by field,
  coloured per action field (Okabe–Ito) with a popup giving name, category, operator
  (Träger), capacity and address;
- an OpenStreetMap background that can be switched off and is not needed: without network
  the quarters and facilities show on a light grey background;
- optionally one overlay per category with the facilities' walking catchments
  (:class:`CatchmentLayer`, e.g. from :func:`quartier.streets.walking_catchments`), off at
  the start, the facility's name in a tooltip.

:func:`map_document` renders the map as one standalone HTML document with Leaflet inlined
(:mod:`quartier.maps.document`); :func:`map_iframe` wraps it for the report page.

Security: every text that comes from user data (names, operators, addresses, labels, units,
sources) is HTML-escaped in Python before it reaches the page, and data reach the scripts only
as JSON in which ``<`` and ``>`` are written as ``\\u003c``/``\\u003e``; no user text can end
a ``<script>`` element, leave a JavaScript string or add markup.

Size: the quarter polygons are stored once (simplified as a coverage, coordinates rounded to
five decimals, about 1 m) and shared by all indicator layers; facilities are compact JSON
rows turned into circle markers by one small function per page (popups are built on click).
Berlin's 542 planning areas with 18,000 facilities give a document of about 2.2 MB. Above
:data:`MANY_FACILITIES` facilities the markers are drawn on a canvas and start hidden.

The parts live in their own modules and are re-exported here: the layers in
:mod:`~quartier.maps.layers`, the folium elements (their JavaScript and CSS are template
files in ``quartier/maps/templates/``) in :mod:`~quartier.maps.elements`, the offline
document in :mod:`~quartier.maps.document`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import Element
from folium.map import FitBounds

from quartier.maps.document import leaflet_assets, make_offline, map_document, map_iframe
from quartier.maps.elements import (
    COORDINATE_DECIMALS,
    ChoroplethLayer,
    Controls,
    FindAndLabel,
    FitOnLayout,
    QuarterData,
    Setup,
    escape_html,
    js_value,
)
from quartier.maps.layers import (
    MANY_FACILITIES,
    CatchmentLayer,
    IndicatorLayer,
    as_layer,
    catchment_overlay,
    facility_layers,
    indicator_layer,
)
from quartier.maps.style import FIELD_COLOURS

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

_OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_OSM_ATTRIBUTION = ('&copy; <a href="https://www.openstreetmap.org/copyright" '
                    'target="_blank" rel="noopener">OpenStreetMap</a> contributors')

_TEXTS = {
    "de": {"no_data": "keine Angabe", "operator": "Träger", "capacity": "Kapazität",
           "places": "Plätze", "address": "Adresse", "facilities": "Angebote",
           "sources": "Quellen", "background": "Hintergrundkarte (OpenStreetMap)",
           "quarters": "Quartiere", "other": "Sonstige", "quarter": "Quartier",
           "zoom_in": "Vergrößern", "zoom_out": "Verkleinern", "layers": "Kartenebenen",
           "search": "Quartier suchen", "profile": "Quartiersprofil öffnen",
           "labels": "Quartiersnamen", "map": "Karte",
           "leaflet": "JavaScript-Bibliothek für interaktive Karten"},
    "en": {"no_data": "no data", "operator": "Operator", "capacity": "Capacity",
           "places": "places", "address": "Address", "facilities": "Facilities",
           "sources": "Sources", "background": "Background map (OpenStreetMap)",
           "quarters": "Quarters", "other": "Other", "quarter": "Quarter",
           "zoom_in": "Zoom in", "zoom_out": "Zoom out", "layers": "Map layers",
           "search": "Find a quarter", "profile": "Open the quarter profile",
           "labels": "Quarter names", "map": "Map",
           "leaflet": "A JavaScript library for interactive maps"},
}


def interactive_map(quarters: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame | None, *,
                    layers: Sequence[IndicatorLayer | Mapping[str, Any] | tuple],
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
    specs = [as_layer(item) for item in layers]
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
            "i": k, "id": escape_html(ids[i]), "name": escape_html(names[i]), "c": centres[k],
            **({"href": escape_html(links[ids[i]])} if ids[i] in links else {})},
         "geometry": geometry}
        for k, (i, geometry) in enumerate(zip(drawn, features, strict=True))]}

    south, west, north, east = bounds[1], bounds[0], bounds[3], bounds[2]
    counter = itertools.count()

    def add(element: Element) -> Element:
        """Give ``element`` a numbered name (same input, same HTML) and add it to the map."""
        element._id = f"{next(counter):04d}"
        m.add_child(element)
        return element

    m = folium.Map(location=[round((south + north) / 2, COORDINATE_DECIMALS),
                             round((west + east) / 2, COORDINATE_DECIMALS)],
                   zoom_start=12, tiles=None, control_scale=False, max_zoom=19, zoom_snap=0.25,
                   zoom_control=True)
    m._id = f"{next(counter):04d}"
    make_offline(m)
    if title:
        page = m.get_root()
        assert isinstance(page, folium.Figure), "a folium Map's root is the Figure of its page"
        page.title = escape_html(title)
    add(Setup(m.get_name(), _js_texts(texts),
              canvas=facilities is not None and len(facilities) > MANY_FACILITIES))
    if tiles:
        add(folium.TileLayer(tiles=_OSM_URL, attr=_OSM_ATTRIBUTION, name=texts["background"],
                             overlay=True, control=True, show=True, max_zoom=19,
                             max_native_zoom=19))
    data = add(QuarterData(js_value(collection)))

    weight = 1.0 if len(drawn) <= 100 else 0.6
    legends: list[tuple[str, str]] = []
    if not specs:
        add(ChoroplethLayer(texts["quarters"], data.get_name(), [-1] * len(drawn), None, [],
                            weight, show=True))
    for number, spec in enumerate(specs):
        layer, legend = indicator_layer(spec, ids, drawn, data.get_name(), weight, language,
                                        texts, show=number == 0)
        add(layer)
        legends.append((layer.get_name(), legend))

    marker_layers, fields_shown = facility_layers(
        facilities, quarters, language, texts, category_labels, field_of_category,
        capacity_units, show_facilities)
    for marker_layer in marker_layers:
        add(marker_layer)
    catchment_overlays = [catchment_overlay(spec, quarters) for spec in catchments]
    for overlay in catchment_overlays:
        add(overlay)

    facility_legend = ""
    if fields_shown:
        facility_legend = f"<h2>{escape_html(texts['facilities'])}</h2>" + "".join(
            f'<div class="row"><span class="dot" style="background:{colour}"></span>'
            f"{escape_html(label)}</div>" for label, colour in fields_shown)
    add(Controls(m.get_name(), title=escape_html(title) if title else None, legends=legends,
                 facility_legend=facility_legend, sources=_sources_html(attribution, texts)))
    entries = len(specs) + len(marker_layers) + len(catchment_overlays) + int(tiles)
    add(folium.LayerControl(position="topright", collapsed=entries > 8))
    add(FindAndLabel(m.get_name(), data.get_name(), texts, max_labels))
    add(FitBounds([[south, west], [north, east]]))
    add(FitOnLayout(m.get_name(), [[south, west], [north, east]]))
    m._quartier_language = language  # type: ignore[attr-defined]  # for <html lang> in map_document
    return m


def _texts(language: str) -> dict[str, str]:
    if language not in _TEXTS:
        raise ValueError(f"language must be one of {', '.join(_TEXTS)}, not {language!r}")
    return _TEXTS[language]


def _js_texts(texts: Mapping[str, str]) -> dict[str, str]:
    return {key: escape_html(texts[key]) for key in ("operator", "address", "quarter")}


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
    reprojects to EPSG:4326 and rounds to :data:`COORDINATE_DECIMALS` decimals.
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
    lonlat = shapely.transform(lonlat, lambda xy: np.round(xy, COORDINATE_DECIMALS))
    features = [shapely.geometry.mapping(g) for g in lonlat]
    bounds = shapely.total_bounds(lonlat)
    return features, drawn, bounds


def _label_points(quarters: gpd.GeoDataFrame, drawn: np.ndarray) -> list[list[float]]:
    """A point inside each drawn quarter (``[lat, lon]``, rounded) where its name goes."""
    points = shapely.point_on_surface(np.asarray(quarters.geometry.to_numpy(),
                                                 dtype=object)[drawn])
    lonlat = gpd.GeoSeries(points, crs=quarters.crs).to_crs("EPSG:4326")
    xy = np.round(shapely.get_coordinates(lonlat.to_numpy()), COORDINATE_DECIMALS)
    return [[float(y), float(x)] for x, y in xy]


def _sources_html(attribution: Sequence[str], texts: Mapping[str, str]) -> str | None:
    if isinstance(attribution, str):
        attribution = [attribution]
    lines = [escape_html(line) for line in attribution if str(line).strip()]
    if not lines:
        return None
    return (f"<details><summary>{escape_html(texts['sources'])}</summary>"
            f"<div>{'<br>'.join(lines)}</div></details>")
