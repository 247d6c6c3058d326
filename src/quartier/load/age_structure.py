"""A study's reference age structure: residents per single year of age (``[population]
age_structure``), used to split age bands into reference groups (see
:mod:`quartier.population.reference`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["OLDEST_AGE", "read_age_structure", "spread_open_band", "structure_from_table"]

#: Open bands ("80 and older") are taken to end at this age when they must be split.
OLDEST_AGE = 100


def spread_open_band(first_age: int, residents: float) -> np.ndarray:
    """Residents of an open final band (e.g. 85+) over the years ``first_age``–:data:`OLDEST_AGE`.

    The counts fall linearly to zero after :data:`OLDEST_AGE`: weight of age *a* is
    ``OLDEST_AGE + 1 − a``. Only groups whose limit lies inside the open band (e.g. 90+ from
    85+) depend on this assumption.
    """
    ages = np.arange(first_age, OLDEST_AGE + 1)
    weights = (OLDEST_AGE + 1 - ages).astype(float)
    return residents * weights / weights.sum()


def structure_from_table(table: pd.DataFrame, source: str) -> np.ndarray:
    """Residents per single year 0–:data:`OLDEST_AGE` from a table with ``age`` and ``residents``.

    ``age`` is a whole number, or ``"85+"`` for the open final band.
    """
    missing = {"age", "residents"} - set(table.columns)
    if missing:
        raise ValueError(f"{source}: die Altersstruktur braucht die Spalten 'age' und "
                         f"'residents' (es fehlt: {', '.join(sorted(missing))}).")
    structure = np.zeros(OLDEST_AGE + 1)
    ages = table["age"].astype(str).str.strip()
    residents = pd.to_numeric(table["residents"], errors="coerce")
    bad = residents.isna() | (residents < 0) | ~np.isfinite(residents.fillna(0))
    if bad.any():
        rows = ", ".join(str(i + 2) for i in np.flatnonzero(bad.to_numpy())[:5])
        raise ValueError(f"{source}: 'residents' muss eine Zahl ≥ 0 sein (Zeile {rows}).")
    is_open = ages.str.endswith("+")
    if is_open.sum() > 1:
        raise ValueError(f"{source}: nur die letzte Altersgruppe darf offen sein (z. B. '85+').")
    single = pd.to_numeric(ages[~is_open], errors="coerce")
    if single.isna().any() or (single < 0).any() or (single % 1 != 0).any():
        raise ValueError(f"{source}: 'age' muss ein ganzes Alter (0, 1, …) oder die offene "
                         "letzte Gruppe wie '85+' sein.")
    single = single.astype(int)
    if single.duplicated().any():
        raise ValueError(f"{source}: ein Alter steht mehrfach in 'age'.")
    inside = single <= OLDEST_AGE
    np.add.at(structure, single[inside].to_numpy(), residents[~is_open][inside].to_numpy())
    structure[OLDEST_AGE] += residents[~is_open][~inside].sum()
    if is_open.any():
        first = int(ages[is_open].iloc[0].rstrip("+"))
        if (single >= first).any():
            raise ValueError(f"{source}: die offene Gruppe '{first}+' überschneidet sich mit "
                             "einzelnen Jahren.")
        structure[first:] += spread_open_band(first, float(residents[is_open].iloc[0]))
    if structure.sum() <= 0:
        raise ValueError(f"{source}: die Altersstruktur enthält keine Einwohner.")
    return structure


def read_age_structure(path: str | Path) -> np.ndarray:
    """A study's own reference age structure from a CSV with ``age`` and ``residents``.

    The separator (``;`` or ``,``) is detected; ``age`` holds single years (0, 1, …) and at
    most one open final band such as ``"90+"``.

    Returns
    -------
    ndarray
        Residents per single year 0–:data:`OLDEST_AGE`.
    """
    path = Path(path)
    table = pd.read_csv(path, sep=None, engine="python", dtype={"age": str},
                        encoding="utf-8-sig")
    table.columns = [str(c).strip().lower() for c in table.columns]
    return structure_from_table(table, path.name)


