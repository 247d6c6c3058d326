"""Indicators: supply, accessibility, floating catchments, gaps, the social status index and
the ranking of quarters by need (Handlungsbedarf).
"""

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
from quartier.indicators.mss import status_index
from quartier.indicators.priorities import priorities
from quartier.indicators.registry import (
    INDICATORS,
    indicator_table,
    social_class_label,
    status_label,
)
from quartier.indicators.remote import remote_residents
from quartier.indicators.social import social_status

__all__ = ["INDICATORS", "coverage_by_group", "gaussian_decay", "gravity_decay",
           "indicator_table", "nearest_distance", "priorities", "remote_residents",
           "social_class_label",
           "social_status", "status_index", "status_label", "step_decay", "two_step_fca",
           "weighted_median_by_group"]
