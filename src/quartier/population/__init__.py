"""The population surface: residents by age band on 100 m cells, each in one quarter."""

from quartier.population.reference import band_overlap, reference_population
from quartier.population.surface import (
    MAX_GRID_CELLS,
    PopulationMethod,
    calibrate_to_quarters,
    cells_from_grid,
    spread_quarter_totals,
    spread_where_people_live,
)
from quartier.population.surface import check_grid_size as check_grid_size
from quartier.population.surface import context_cells_from_grid as context_cells_from_grid
from quartier.population.surface import fill_suppressed_bands as fill_suppressed_bands

# check_grid_size, context_cells_from_grid and fill_suppressed_bands are steps of
# quartier.compute.population_surface; importable here, not part of the curated API.
__all__ = ["MAX_GRID_CELLS", "PopulationMethod", "band_overlap", "calibrate_to_quarters",
           "cells_from_grid", "reference_population", "spread_quarter_totals",
           "spread_where_people_live"]
