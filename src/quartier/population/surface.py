"""The population surface: residents (by age band) on 100 m cells, each cell in one quarter.

Three ways to build it, all conserving the totals they start from:

- :func:`cells_from_grid` — a census grid (Zensus 2022): each cell goes to the quarter that
  contains its centre, or (``split_boundary=True``) boundary cells are split by area share;
- :func:`spread_quarter_totals` — only quarter totals: spread over a 100 m grid clipped to each
  quarter, only where people live (a residential layer, or the quarter minus land cover where
  nobody lives) or, failing both, uniformly by area;
- :func:`calibrate_to_quarters` — a grid *and* a register table per quarter: the register's
  figures per quarter and band are distributed over the quarter's cells in proportion to the
  grid (the grid gives the *where*, the register the *how many*).

The parts live in :mod:`quartier.population.cells` (cell size, :class:`PopulationMethod`),
:mod:`quartier.population.grid` (census grid cells, calibration) and
:mod:`quartier.population.spreading` (quarter totals spread over a grid); every name stays
importable from here.
"""

from __future__ import annotations

from quartier.population.cells import CELL_SIZE_M, PopulationMethod
from quartier.population.grid import (
    calibrate_to_quarters,
    cells_from_grid,
    context_cells_from_grid,
    fill_suppressed_bands,
)
from quartier.population.spreading import (
    MAX_GRID_CELLS,
    MIN_HABITABLE_M2,
    check_grid_size,
    spread_quarter_totals,
    spread_where_people_live,
)

__all__ = ["cells_from_grid", "context_cells_from_grid", "spread_quarter_totals",
           "spread_where_people_live", "calibrate_to_quarters",
           "check_grid_size", "fill_suppressed_bands", "PopulationMethod", "CELL_SIZE_M",
           "MAX_GRID_CELLS", "MIN_HABITABLE_M2"]
