"""Reference population groups (e.g. children aged 0–5, residents aged 80+) from age bands.

Where a group's limits fall inside a band of the data (children under 3 from a band 0–5,
residents 80+ from a band 65+), the band is split by a **reference age structure**: the
number of residents per single year of age. The default is Germany's population on
31.12.2023 (Destatis, GENESIS-Online table 12411-0005, "Bevölkerung: Deutschland, Stichtag,
Altersjahre", Fortschreibung auf Grundlage des Zensus 2011; file
``quartier/data/age_structure_de_2023.csv``); a study can give its own (a Land's or the town's
single-year table) with ``[population] age_structure = "datei.csv"``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from quartier.catalogue import parse_reference_group
from quartier.load.age_structure import OLDEST_AGE, read_age_structure, structure_from_table
from quartier.load.population import age_bands, parse_age_band

__all__ = ["reference_population", "band_overlap", "estimated_bands", "national_age_structure",
           "read_age_structure", "AGE_STRUCTURE_SOURCE", "OLDEST_AGE"]

#: Where the default reference age structure comes from (shown in the report's methods).
AGE_STRUCTURE_SOURCE = ("Statistisches Bundesamt (Destatis), GENESIS-Online 12411-0005: "
                        "Bevölkerung Deutschlands nach Altersjahren am 31.12.2023")


@lru_cache(maxsize=1)
def _national() -> np.ndarray:
    path = resources.files("quartier") / "data" / "age_structure_de_2023.csv"
    with resources.as_file(path) as file:
        table = pd.read_csv(file, sep=";", dtype={"age": str})
    structure = structure_from_table(table, "age_structure_de_2023.csv")
    structure.flags.writeable = False
    return structure


def national_age_structure() -> pd.Series:
    """Germany's residents per single year of age (31.12.2023), the default reference.

    Ages 0–84 as published; the open band 85+ spread over 85–100
    (:func:`quartier.load.age_structure.spread_open_band`).

    Examples
    --------
    >>> structure = national_age_structure()
    >>> int(round(structure.sum()))  # Destatis: 84,669,326 residents
    84669326
    >>> int(structure.loc[80:].sum())  # residents aged 80 and older
    6143862
    """
    return pd.Series(_national(), index=pd.RangeIndex(OLDEST_AGE + 1, name="age"),
                     name="residents")


def _structure(structure: np.ndarray | pd.Series | None) -> np.ndarray:
    if structure is None:
        return _national()
    values = np.asarray(structure, dtype=float)
    if values.shape != (OLDEST_AGE + 1,):
        raise ValueError(f"An age structure has {OLDEST_AGE + 1} values (ages 0–{OLDEST_AGE}).")
    return values


def band_overlap(band: str, lower: int, upper: int | None,
                 structure: np.ndarray | pd.Series | None = None) -> float:
    """Share of an age band's residents that fall into the age range ``lower``–``upper``.

    Parameters
    ----------
    band : str
        An age band column such as ``age_0_5`` or ``age_65_plus``.
    lower, upper : int
        The group's first and last year of age (inclusive); ``upper`` None for an open group.
    structure : array of 101 floats, optional
        Residents per single year of age 0–100; default Germany on 31.12.2023
        (:func:`national_age_structure`).

    Notes
    -----
    With :math:`w_a` the reference residents of age *a*, band *b* = [l_b, u_b] and group
    *g* = [l_g, u_g]:

    .. math:: o_{bg} = \\frac{\\sum_{a = \\max(l_b, l_g)}^{\\min(u_b, u_g)} w_a}
                              {\\sum_{a = l_b}^{u_b} w_a}

    Open bands and groups end at :data:`OLDEST_AGE`. A band with no reference residents
    falls back to evenly spread years.

    Examples
    --------
    >>> round(band_overlap("age_65_plus", 80, None), 4)  # 6,143,862 of 18,885,795
    0.3253
    >>> round(band_overlap("age_0_5", 0, 2), 4)  # 2,266,682 of 4,720,415
    0.4802
    >>> band_overlap("age_6_14", 0, 5)
    0.0
    >>> band_overlap("age_0_9", 0, 5, structure=np.ones(101))  # evenly spread years
    0.6
    """
    weights = _structure(structure)
    band_lower, band_upper = parse_age_band(band)
    band_upper = OLDEST_AGE if band_upper is None else min(band_upper, OLDEST_AGE)
    upper = OLDEST_AGE if upper is None else min(upper, OLDEST_AGE)
    first, last = max(band_lower, lower), min(band_upper, upper)
    if last < first:
        return 0.0
    total = weights[band_lower:band_upper + 1].sum()
    if total <= 0:
        return (last - first + 1) / (band_upper - band_lower + 1)
    return float(weights[first:last + 1].sum() / total)


def estimated_bands(bands: list[str], group: str) -> list[str]:
    """The bands that a group cuts (only part of their years belong to the group).

    Examples
    --------
    >>> estimated_bands(["age_0_5", "age_6_64", "age_65_plus"], "80+")
    ['age_65_plus']
    >>> estimated_bands(["age_0_5", "age_6_64", "age_65_plus"], "0-5")
    []
    """
    lower, upper = parse_reference_group(group)
    cut = []
    for band in bands:
        band_lower, band_upper = parse_age_band(band)
        band_upper = OLDEST_AGE if band_upper is None else band_upper
        group_upper = OLDEST_AGE if upper is None else upper
        inside = max(0, min(band_upper, group_upper) - max(band_lower, lower) + 1)
        if 0 < inside < band_upper - band_lower + 1:
            cut.append(band)
    return cut


def reference_population(frame: pd.DataFrame, group: str,
                         structure: np.ndarray | pd.Series | None = None
                         ) -> tuple[pd.Series, bool]:
    """Residents of a reference group per row (cell or quarter).

    Parameters
    ----------
    frame : DataFrame
        ``total`` and ``age_*`` bands.
    group : str
        ``"all"``, ``"0-5"``, ``"80+"`` … (see :func:`quartier.catalogue.parse_reference_group`).
    structure : array of 101 floats, optional
        Reference residents per single year of age, used to split bands the group cuts;
        default Germany on 31.12.2023 (:func:`national_age_structure`).

    Returns
    -------
    population : Series of float
    estimated : bool
        True when a band had to be split (the group's limits fall inside a band), so the figure
        rests on the reference age structure; False when it is an exact sum of bands.

    Notes
    -----
    :math:`P_g = \\sum_b x_b \\cdot o_{bg}` with :math:`o_{bg}` the share of band *b*'s
    reference residents whose age lies in group *g* (:func:`band_overlap`). Without age bands
    only ``"all"`` is available.

    Examples
    --------
    >>> frame = pd.DataFrame({"total": [1000.0], "age_0_5": [60.0], "age_6_64": [700.0],
    ...                       "age_65_plus": [240.0]})
    >>> population, estimated = reference_population(frame, "80+")
    >>> round(float(population[0]), 1), estimated  # 240 × 0.3253
    (78.1, True)
    """
    lower, upper = parse_reference_group(group)
    if lower == 0 and upper is None:
        return frame["total"].astype(float), False
    bands = age_bands(frame.columns)
    if not bands:
        raise ValueError(f"The reference group '{group}' needs age bands, but the population "
                         "has only totals; add age bands to the population data.")
    overlaps = np.array([band_overlap(b, lower, upper, structure) for b in bands])
    population = frame[bands].to_numpy(dtype=float) @ overlaps
    estimated = bool(estimated_bands(bands, group))
    return pd.Series(population, index=frame.index), estimated
