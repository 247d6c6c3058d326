"""The population surface: residents by age band on 100 m cells, each in one quarter."""

from quartier.population.reference import band_overlap, reference_population
from quartier.population.surface import (
    MAX_GRID_CELLS,
    PopulationMethod,
    calibrate_to_quarters,
    cells_from_grid,
    context_cells_from_grid,
    check_grid_size,
    fill_suppressed_bands,
    spread_quarter_totals,
    spread_where_people_live,
)

__all__ = ["band_overlap", "calibrate_to_quarters", "cells_from_grid", "check_grid_size",
           "context_cells_from_grid",
           "fill_suppressed_bands", "reference_population", "spread_quarter_totals",
           "spread_where_people_live", "PopulationMethod", "MAX_GRID_CELLS"]
