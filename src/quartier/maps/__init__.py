"""Maps of quarters: static figures (PNG/SVG) and interactive Leaflet maps for the report.

:mod:`quartier.maps.static` draws choropleth, facility and gap-status maps with Matplotlib;
the classification (:func:`classify`) and the colours (:func:`class_colours`) it uses are
shared so that other map kinds can show the same classes. :mod:`quartier.maps.interactive`
builds folium maps with Leaflet inlined, so they work offline (only background tiles need
the network).

Modules, lowest first: ``style`` (palettes, texts, Matplotlib settings), ``inputs`` (checks,
values aligned to the quarters), ``classification``, ``draw`` (polygons, points),
``furniture`` (layout, legend, scale bar, north arrow, labels), ``output`` (files, inline
text), ``quarter_maps`` (SVG maps of the profiles), ``static`` (the three static map kinds);
``elements`` (folium elements, JS/CSS in ``templates/``), ``layers``, ``document`` (offline
HTML), ``interactive``.
"""

from quartier.maps.classification import Classification, class_colours, classify
from quartier.maps.document import leaflet_assets, map_document, map_iframe
from quartier.maps.furniture import scale_bar_length
from quartier.maps.interactive import interactive_map
from quartier.maps.layers import MANY_FACILITIES, IndicatorLayer
from quartier.maps.output import figure_to_png_base64, figure_to_svg_text, save_figure
from quartier.maps.static import choropleth, facility_map, status_map
from quartier.maps.style import FIELD_COLOURS, NO_DATA_COLOUR, OKABE_ITO, STATUS_COLOURS

__all__ = ["FIELD_COLOURS", "MANY_FACILITIES", "NO_DATA_COLOUR", "OKABE_ITO", "STATUS_COLOURS",
           "Classification", "IndicatorLayer", "choropleth", "class_colours", "classify",
           "facility_map", "figure_to_png_base64", "figure_to_svg_text", "interactive_map",
           "leaflet_assets", "map_document", "map_iframe", "save_figure", "scale_bar_length",
           "status_map"]
