"""Reference population groups (e.g. children aged 0–5, residents aged 80+) from age bands."""

from __future__ import annotations

import numpy as np
import pandas as pd

from quartier.catalogue import parse_reference_group
from quartier.load.population import age_bands, parse_age_band

__all__ = ["reference_population", "band_overlap", "OLDEST_AGE"]

#: Open bands ("80 and older") are taken to end at this age when they must be split.
OLDEST_AGE = 100


def band_overlap(band: str, lower: int, upper: int | None) -> float:
    """Share of an age band that falls into the age range ``lower``–``upper`` (inclusive).

    Residents are assumed to be spread evenly over the years of a band; an open band runs to
    :data:`OLDEST_AGE`.

    Examples
    --------
    >>> band_overlap("age_0_9", 0, 5)
    0.6
    >>> round(band_overlap("age_65_plus", 80, None), 4)  # years 80–100 of 65–100: 21 / 36
    0.5833
    >>> band_overlap("age_6_14", 0, 5)
    0.0
    """
    band_lower, band_upper = parse_age_band(band)
    band_upper = OLDEST_AGE if band_upper is None else band_upper
    upper = OLDEST_AGE if upper is None else upper
    years = max(0, min(band_upper, upper) - max(band_lower, lower) + 1)
    return years / (band_upper - band_lower + 1)


def reference_population(frame: pd.DataFrame, group: str) -> tuple[pd.Series, bool]:
    """Residents of a reference group per row (cell or quarter).

    Parameters
    ----------
    frame : DataFrame
        ``total`` and ``age_*`` bands.
    group : str
        ``"all"``, ``"0-5"``, ``"80+"`` … (see :func:`quartier.catalogue.parse_reference_group`).

    Returns
    -------
    population : Series of float
    estimated : bool
        True when a band had to be split (the group's limits fall inside a band), so the figure
        rests on the assumption of evenly spread years; False when it is an exact sum of bands.

    Notes
    -----
    :math:`P_g = \\sum_b x_b \\cdot o_{bg}` with :math:`o_{bg}` the share of band *b*'s years that
    lie in group *g* (:func:`band_overlap`). Without age bands only ``"all"`` is available.
    """
    lower, upper = parse_reference_group(group)
    if lower == 0 and upper is None:
        return frame["total"].astype(float), False
    bands = age_bands(frame.columns)
    if not bands:
        raise ValueError(f"The reference group '{group}' needs age bands, but the population "
                         "has only totals; add age bands to the population data.")
    overlaps = np.array([band_overlap(b, lower, upper) for b in bands])
    population = frame[bands].to_numpy(dtype=float) @ overlaps
    estimated = bool(np.any((overlaps > 0) & (overlaps < 1)))
    return pd.Series(population, index=frame.index), estimated
