"""The methods chapter's sentence on where residents are placed (the population surface)."""

from __future__ import annotations

from typing import Any

from quartier.population.surface import PopulationMethod
from quartier.validation import format_ids

__all__ = ["population_method_text"]


def population_method_text(method: PopulationMethod | None, text: dict[str, Any]) -> str:
    """Name the method of the population surface and its limits, in the report's language.

    Parameters
    ----------
    method : PopulationMethod or None
        ``results.surface.attrs["population_method"]``; None (e.g. a surface built by hand)
        gives an empty text.
    text : dict
        The report texts of one language (:func:`quartier.report.texts.texts`).
    """
    if method is None or f"population_method_{method.kind}" not in text:
        return ""
    sentence = text[f"population_method_{method.kind}"].format(
        sources=", ".join(method.sources) or "–")
    if method.evenly_spread:
        sentence += " " + text["population_method_evenly"].format(
            n=len(method.evenly_spread), quarters=format_ids(method.evenly_spread))
    return sentence
