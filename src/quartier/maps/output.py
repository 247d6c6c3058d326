"""Writing figures: files (PNG, SVG, PDF) that are byte-identical on every run, inline text.

:func:`save_figure` writes a map as files, :func:`figure_to_svg_text` and
:func:`figure_to_png_base64` give text to inline into HTML; all of them save inside
:func:`quartier.maps.style.matplotlib_style` without dates or software versions.
"""

from __future__ import annotations

import base64
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from matplotlib.figure import Figure

from quartier.maps.style import matplotlib_style

__all__ = ["figure_to_png_base64", "figure_to_svg_text", "save_figure"]

_METADATA = {"png": {"Software": None}, "svg": {"Date": None},
             "pdf": {"CreationDate": None, "ModDate": None}}


def save_figure(fig: Figure, path: str | os.PathLike, formats: Sequence[str] = ("png", "svg"),
                dpi: int = 200) -> list[Path]:
    """Write a figure in each format and close it.

    Parameters
    ----------
    fig : Figure
    path : path-like
        Target without suffix; ``karten/kita`` gives ``karten/kita.png`` and
        ``karten/kita.svg``. Missing folders are created.
    formats : sequence of {"png", "svg", "pdf"}
    dpi : int
        Resolution of the PNG.

    Returns
    -------
    list of Path
        The files written, in the order of ``formats``.

    Notes
    -----
    No dates or software versions are written and SVG ids come from a fixed salt, so running
    the same code on the same data again gives byte-identical files (with the same
    Matplotlib version).

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.TemporaryDirectory()
    >>> fig = Figure(figsize=(2, 1))
    >>> first = save_figure(fig, Path(folder.name) / "karten" / "kita")
    >>> [path.name for path in first]
    ['kita.png', 'kita.svg']
    >>> again = save_figure(fig, Path(folder.name) / "kita")
    >>> [a.read_bytes() == b.read_bytes() for a, b in zip(first, again)]
    [True, True]
    >>> folder.cleanup()
    """
    target = Path(path)
    unknown = [f for f in formats if f not in _METADATA]
    if unknown:
        raise ValueError(f"unsupported format(s) {unknown}; use png, svg or pdf")
    target.parent.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        for fmt in formats:
            out = target.with_name(f"{target.name}.{fmt}")
            _save(fig, out, fmt, dpi)
            written.append(out)
    finally:
        _close(fig)
    return written


def figure_to_svg_text(fig: Figure) -> str:
    """The figure as an ``<svg>`` element (without XML prolog) to inline into HTML.

    Examples
    --------
    >>> figure_to_svg_text(Figure(figsize=(2, 1)))[:4]
    '<svg'
    """
    buffer = io.BytesIO()
    _save(fig, buffer, "svg", 72)
    text = buffer.getvalue().decode("utf-8")
    return text[text.index("<svg"):]


def figure_to_png_base64(fig: Figure, dpi: int = 150) -> str:
    """The figure as base64 PNG, for ``<img src="data:image/png;base64,…">``.

    Examples
    --------
    >>> base64.b64decode(figure_to_png_base64(Figure(figsize=(2, 1))))[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    buffer = io.BytesIO()
    _save(fig, buffer, "png", dpi)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _save(fig: Figure, target: Path | io.BytesIO, fmt: str, dpi: int) -> None:
    with matplotlib_style():
        fig.savefig(target, format=fmt, dpi=dpi, metadata=_METADATA[fmt],
                    bbox_inches="tight", pad_inches=0.1, facecolor="white")


def _close(fig: Figure) -> None:
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt

        plt.close(fig)
