"""The layers of the interactive map: indicator choropleths, facility markers, catchments.

:class:`IndicatorLayer` and :class:`CatchmentLayer` describe what a caller wants shown;
:func:`indicator_layer`, :func:`facility_layers` and :func:`catchment_overlay` turn them (and
the facilities) into the folium elements of :mod:`quartier.maps.elements`, with every text
from the data HTML-escaped and the classes and colours of the static maps
(:func:`~quartier.maps.classification.classify`,
:func:`~quartier.maps.classification.class_colours`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from quartier.fields import FIELDS, field_label
from quartier.format import format_number, format_percent
from quartier.maps.classification import class_colours, classify
from quartier.maps.elements import (
    COORDINATE_DECIMALS,
    CatchmentOverlay,
    ChoroplethLayer,
    FacilityLayer,
    escape_html,
)
from quartier.maps.inputs import align_to_quarters
from quartier.maps.style import FIELD_COLOURS

__all__ = ["MANY_FACILITIES", "CatchmentLayer", "IndicatorLayer", "as_layer",
           "catchment_overlay", "facility_layers", "indicator_layer"]

#: Above this number of facilities the markers are drawn on one canvas (fast for tens of
#: thousands of points) and their layers start switched off.
MANY_FACILITIES = 5000

_OTHER_FIELD = "other"
_OTHER_COLOUR = "#000000"


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
        Fixed upper class bounds (see :func:`quartier.maps.classification.classify`), to keep the
        classes of several editions or of the static map.
    scheme, k : str, int
        Classification from the data when ``breaks`` is not given.
    cmap : str, optional
        Matplotlib colormap; default ``"YlGnBu"`` (``"PuOr"`` with ``diverging_center``).
    diverging_center : float, optional
        Colour the classes diverging around this value, as in
        :func:`~quartier.maps.classification.class_colours`.

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
        Outline and fill colour (CSS), e.g. the field's colour from
        :data:`~quartier.maps.style.FIELD_COLOURS`.

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


def as_layer(item: IndicatorLayer | Mapping[str, Any] | tuple) -> IndicatorLayer:
    """An :class:`IndicatorLayer` made from ``item``.

    ``item`` may be one already, a ``(label, values[, unit[, breaks]])`` tuple or a dict of
    its fields.
    """
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
# From layers to folium elements
# --------------------------------------------------------------------------------------------

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


def indicator_layer(spec: IndicatorLayer, ids: np.ndarray, drawn: np.ndarray,
                    data_name: str, weight: float, language: str, texts: Mapping[str, str],
                    show: bool) -> tuple[ChoroplethLayer, str]:
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
    shown = [escape_html(_value_text(float(v), spec.unit, decimals, language, texts["no_data"]))
             for v in numbers[drawn]]
    layer = ChoroplethLayer(escape_html(spec.label), data_name, [int(b) for b in bins], shown,
                             colours, weight, show=show)
    unit = f" ({escape_html(spec.unit.strip())})" if spec.unit.strip() else ""
    rows = [f'<div class="row"><span class="box" style="background:{colour}"></span>'
            f"{escape_html(label)}</div>"
            for colour, label in zip(colours, classification.labels(language), strict=True)]
    if classification.n_missing:
        rows.append(f'<div class="row"><span class="box nodata"></span>'
                    f"{escape_html(texts['no_data'])}</div>")
    legend = f"<h2>{escape_html(spec.label)}{unit}</h2><div>{''.join(rows)}</div>"
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


def facility_layers(facilities: gpd.GeoDataFrame | None, quarters: gpd.GeoDataFrame,
                    language: str, texts: Mapping[str, str],
                    category_labels: Mapping[str, str] | None,
                    field_of_category: Mapping[str, str] | None,
                    capacity_units: Mapping[str, str] | None,
                    show: bool | None) -> tuple[list[FacilityLayer], list[tuple[str, str]]]:
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
    lat = np.round(xy[:, 1], COORDINATE_DECIMALS)
    lon = np.round(xy[:, 0], COORDINATE_DECIMALS)

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
            row = [float(lat[p]), float(lon[p]), escape_html(column["name"][p]),
                   escape_html(column["operator"][p]),
                   _capacity_text(column["capacity"][p], language),
                   escape_html(column["address"][p])]
            while row[-1] == "":
                row.pop()
            rows.append(row)
        capacity_label = units.get(category) or texts["capacity"]
        name = (f'<span aria-hidden="true" style="color:{colour}">\u25cf</span> '
                f"{escape_html(f'{field_text}: {category_text}')}")
        layers.append(FacilityLayer(
            name, rows, colour, escape_html(category_text),
            escape_html(capacity_label), radius, show=visible))
    return layers, fields_shown


def catchment_overlay(spec: CatchmentLayer, quarters: gpd.GeoDataFrame) -> CatchmentOverlay:
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
    lonlat = shapely.transform(lonlat, lambda xy: np.round(xy, COORDINATE_DECIMALS))
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": escape_html(names[i])},
         "geometry": shapely.geometry.mapping(g)}
        for i, g in zip(present, lonlat, strict=True)]}
    name = (f'<span aria-hidden="true" style="color:{escape_html(spec.colour)}">\u25a7</span> '
            f"{escape_html(spec.label)}")
    return CatchmentOverlay(name, data, spec.colour)


def _capacity_text(value: Any, language: str) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return escape_html(value)
    if not math.isfinite(number):
        return ""
    return escape_html(format_number(number, 0 if number == round(number) else 1, language))
