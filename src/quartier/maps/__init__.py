"""Maps of quarters: static figures (PNG/SVG) for the report and for print.

:mod:`quartier.maps.static` draws choropleth, facility and gap-status maps with Matplotlib;
the classification (:func:`classify`) and the colours (:func:`class_colours`) it uses are
shared so that other map kinds can show the same classes.
"""

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

__all__ = ["NO_DATA_COLOUR", "OKABE_ITO", "STATUS_COLOURS", "Classification", "choropleth",
           "class_colours", "classify", "facility_map", "figure_to_png_base64",
           "figure_to_svg_text", "save_figure", "scale_bar_length", "status_map"]
