"""Maps of quarters: static figures (PNG/SVG) and interactive Leaflet maps for the report.

:mod:`quartier.maps.static` draws choropleth, facility and gap-status maps with Matplotlib;
the classification (:func:`classify`) and the colours (:func:`class_colours`) it uses are
shared so that other map kinds can show the same classes. :mod:`quartier.maps.interactive`
builds folium maps with Leaflet inlined, so they work offline (only background tiles need
the network).
"""

from quartier.maps.interactive import (
    FIELD_COLOURS,
    MANY_FACILITIES,
    IndicatorLayer,
    interactive_map,
    leaflet_assets,
    map_document,
    map_iframe,
)
from quartier.maps.static import (
    NO_DATA_COLOUR,
    OKABE_ITO,
    STATUS_COLOURS,
    Classification,
    choropleth,
    class_colours,
    classify,
    facility_map,
    figure_to_png_base64,
    figure_to_svg_text,
    save_figure,
    scale_bar_length,
    status_map,
)

__all__ = ["FIELD_COLOURS", "MANY_FACILITIES", "NO_DATA_COLOUR", "OKABE_ITO", "STATUS_COLOURS",
           "Classification", "IndicatorLayer", "choropleth", "class_colours", "classify",
           "facility_map", "figure_to_png_base64", "figure_to_svg_text", "interactive_map",
           "leaflet_assets", "map_document", "map_iframe", "save_figure", "scale_bar_length",
           "status_map"]
