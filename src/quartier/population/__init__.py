"""The population surface: residents by age band on 100 m cells, each in one quarter."""

from quartier.population.reference import band_overlap, reference_population
from quartier.population.surface import (
    calibrate_to_quarters,
    cells_from_grid,
    fill_suppressed_bands,
    spread_quarter_totals,
)

__all__ = ["band_overlap", "calibrate_to_quarters", "cells_from_grid", "fill_suppressed_bands",
           "reference_population", "spread_quarter_totals"]
