"""Colours, texts and drawing settings that all maps share.

The palettes are safe for the common forms of colour-vision deficiency: the Okabe–Ito palette
for facility categories (:data:`OKABE_ITO`) and action fields (:data:`FIELD_COLOURS`), the
judgement colours of :mod:`quartier.judgements` for status maps (:data:`STATUS_COLOURS`).
:func:`matplotlib_style` fixes the font and the SVG ids so that repeated runs give identical
files.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import matplotlib

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

from quartier.judgements import MAP_COLOURS, STATUS_ORDER

__all__ = [
    "EDGE_COLOUR",
    "FIELD_COLOURS",
    "HATCH",
    "HATCH_COLOUR",
    "LANGUAGES",
    "MARKERS",
    "MATPLOTLIB_STYLE",
    "NO_DATA_COLOUR",
    "OKABE_ITO",
    "STATUS_COLOURS",
    "STATUS_KEYS",
    "TEXT_COLOUR",
    "map_texts",
    "matplotlib_style",
]

#: Okabe & Ito (2008), "Color Universal Design": eight colours that stay distinct for
#: protanopia, deuteranopia and tritanopia. Used in this order for facility categories.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
             "#000000")
#: Marker shapes; categories 1–8 are circles, 9–16 squares, and so on.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")

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

#: Judgement → fill colour (:data:`quartier.judgements.MAP_COLOURS`): a traffic light for
#: standard judgements, a neutral purple–grey–blue scheme for judgements relative to the town,
#: white (hatched) where a quarter was not assessed.
STATUS_COLOURS = dict(MAP_COLOURS)
#: The status values, in legend order.
STATUS_KEYS = STATUS_ORDER

#: Fill of quarters without a value (drawn hatched).
NO_DATA_COLOUR = "#EDEDED"
HATCH = "////"
HATCH_COLOUR = "#9E9E9E"
EDGE_COLOUR = "#5F5F5F"
TEXT_COLOUR = "#1A1A1A"

_TEXTS = {
    "de": {"no_data": "keine Angabe", "up_to": "bis {b}", "between": "{a} bis {b}",
           "over": "über {a}", "all": "alle Werte", "facilities": "Angebote",
           "category": "Kategorie", "status": "Bewertung", "north": "N"},
    "en": {"no_data": "no data", "up_to": "up to {b}", "between": "{a} to {b}",
           "over": "over {a}", "all": "all values", "facilities": "Facilities",
           "category": "Category", "status": "Assessment", "north": "N"},
}
#: Languages of the map texts.
LANGUAGES = tuple(_TEXTS)

#: Fixed settings for drawing and saving: one font, fixed SVG ids, paths instead of fonts in
#: SVG (opens identically everywhere).
MATPLOTLIB_STYLE: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",
    "svg.hashsalt": "quartier",
    "svg.fonttype": "path",
    "hatch.linewidth": 0.6,
    "path.simplify": True,
    # negative tick labels with U+2212 like quartier.format, whatever a matplotlibrc says
    "axes.unicode_minus": True,
}


def map_texts(language: str) -> dict[str, str]:
    """The texts of the static maps (legend entries, class labels) in ``language``.

    Raises
    ------
    ValueError
        For a language other than those in :data:`LANGUAGES`.

    Examples
    --------
    >>> map_texts("en")["no_data"]
    'no data'
    """
    if language not in _TEXTS:
        raise ValueError(f"language must be one of {', '.join(_TEXTS)}, not {language!r}")
    return _TEXTS[language]


@contextmanager
def matplotlib_style() -> Iterator[None]:
    """Draw or save inside :data:`MATPLOTLIB_STYLE` (the global settings stay untouched)."""
    with matplotlib.rc_context(MATPLOTLIB_STYLE):
        yield
