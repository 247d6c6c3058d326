"""Indicators: supply, accessibility, floating catchments, gaps and the social status index."""

from quartier.indicators.catchment import (
    gaussian_decay,
    gravity_decay,
    step_decay,
    two_step_fca,
)
from quartier.indicators.distance import (
    coverage_by_group,
    nearest_distance,
    weighted_median_by_group,
)
from quartier.indicators.registry import INDICATORS, indicator_table
from quartier.indicators.mss import status_index

__all__ = ["INDICATORS", "coverage_by_group", "gaussian_decay", "gravity_decay",
           "indicator_table", "nearest_distance", "status_index", "step_decay", "two_step_fca",
           "weighted_median_by_group"]
