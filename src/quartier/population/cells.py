"""What every population surface shares: the cell size, the method record, the figures.

The lowest module of the population surface (:mod:`quartier.population.surface`): census grid
cells (:mod:`quartier.population.grid`) and quarter totals spread over a grid
(:mod:`quartier.population.spreading`) both build on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from quartier.load.population import age_bands

__all__ = ["CELL_SIZE_M", "PopulationMethod", "value_columns"]

#: Edge length of a cell of the population surface in metres.
CELL_SIZE_M = 100.0


@dataclass(frozen=True)
class PopulationMethod:
    """How a population surface placed residents (``surface.attrs["population_method"]``).

    Attributes
    ----------
    kind : str
        ``"grid"`` (census grid as it is), ``"grid_calibrated"`` (grid calibrated to register
        totals per quarter and band), ``"uniform"`` (quarter totals spread evenly over the
        area), ``"residential"`` (over residential land), ``"residential_weighted"`` (over
        residential polygons by their weight) or ``"uninhabited"`` (over the quarter minus
        land cover where nobody lives).
    evenly_spread : tuple of str
        Quarters with residents but no residential area left, spread evenly over their area.
    sources : tuple of str
        Files of the land layer used (names only).
    """

    kind: str
    evenly_spread: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


def value_columns(frame: pd.DataFrame) -> list[str]:
    """The figures of a population table: ``total`` and its ``age_*`` bands."""
    return ["total", *age_bands(frame.columns)]
