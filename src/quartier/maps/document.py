"""The interactive map as a standalone HTML document that opens offline.

Leaflet 1.9 (from the ``xstatic-leaflet`` package) is inlined as ``<style>``/``<script>`` text
(:func:`leaflet_assets`, :func:`make_offline`) and folium's CDN links (jQuery, Bootstrap, Font
Awesome, awesome-markers) are not emitted, so :func:`map_document` loads no script,
stylesheet, font or image from anywhere; only the background tiles need the network.
:func:`map_iframe` wraps the document in an ``<iframe srcdoc="…">`` for the report page, which
keeps Leaflet's CSS and scripts apart from the report's.
"""

from __future__ import annotations

import base64
import html
import re
from functools import lru_cache
from pathlib import Path

import folium
from branca.element import Element, Figure

from quartier.maps.style import LANGUAGES

__all__ = ["leaflet_assets", "make_offline", "map_document", "map_iframe"]

_CSS_LENGTH = re.compile(r"^\d+(\.\d+)?(px|em|rem|vh|vw|%)$")
_EXTERNAL = re.compile(
    r"<(?:script|link|img|iframe|embed|object|source|audio|video)\b[^>]*?\b(?:src|href|data)"
    r"\s*=\s*[\"']?\s*(?:https?:)?//"
    r"|@import"
    r"|url\(\s*[\"']?\s*(?:https?:)?//",
    re.IGNORECASE,
)


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

    Examples
    --------
    >>> css, js = leaflet_assets()
    >>> "images/" in css, "data:image/png;base64," in css  # icons inlined
    (False, True)
    >>> "</script" in js.lower()  # cannot end the <script> element it is put into
    False
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


def make_offline(m: folium.Map) -> None:
    """Drop folium's CDN links from ``m`` and inline Leaflet into its page (idempotent)."""
    m.default_js = []  # instance attributes: folium's module-level lists stay untouched
    m.default_css = []
    css, js = leaflet_assets()
    header = _page(m).header
    header.add_child(Element(f"<style>{css}</style>"), name="quartier_leaflet_css")
    header.add_child(Element(f"<script>{js}</script>"), name="quartier_leaflet_js")


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

    Examples
    --------
    >>> document = map_document(folium.Map(tiles=None))
    >>> document.startswith("<!DOCTYPE html>"), "<script src" in document
    (True, False)
    """
    if not isinstance(m, folium.Map):
        raise TypeError(f"m must be a folium.Map, not {type(m).__name__}")
    make_offline(m)
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
    if language in LANGUAGES:
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


def _page(m: folium.Map) -> Figure:
    """The page of ``m``: folium types ``get_root()`` as any Element, a map's root is a Figure."""
    page = m.get_root()
    assert isinstance(page, Figure), "a folium Map's root is the Figure of its page"
    return page


def _forget_rendering(m: folium.Map) -> None:
    """Drop what earlier renderings left in the page, so rendering again repeats nothing.

    Rendering puts each element's header, body and script text into the figure, keyed by the
    element's name; folium's layers also make a new helper element (``layer.addTo(map)``,
    named ``macro_element_…``) each time, whose text an earlier rendering left behind.
    Entries that users put into the figure directly are kept.
    """
    figure = _page(m)
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
