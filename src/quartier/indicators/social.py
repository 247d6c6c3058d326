"""The social status and dynamics index of a study's quarters (from its social indicators)."""

from __future__ import annotations

import pandas as pd

from quartier.indicators.mss import status_index
from quartier.settings import StatusIndexSettings

__all__ = ["social_status"]


def social_status(social: pd.DataFrame, settings: StatusIndexSettings) -> pd.DataFrame:
    """Status and dynamics index per quarter for one year of the social table.

    Parameters
    ----------
    social : DataFrame
        Long table ``quarter_id``, ``year`` and indicator columns (shares in percent).
    settings : StatusIndexSettings
        Indicators, year (default: the latest), population column, minimum population,
        exclusions. Without explicit dynamics columns the dynamics of each status indicator is
        its change in percentage points since ``dynamics_years`` years before.

    Returns
    -------
    DataFrame
        Indexed by ``quarter_id``: the columns of :func:`quartier.status_index` plus ``year``.

    Raises
    ------
    ValueError
        When a named column or the comparison year is missing.

    Examples
    --------
    The sample's index, recomputed from its social table, is what :func:`quartier.compute` gives:

    >>> from quartier.sample import sample_results, sample_study
    >>> study = sample_study()
    >>> index = social_status(study.social, study.config.indicators.status_index)
    >>> index.equals(sample_results().social_index)
    True
    >>> index.loc["02", "status_class"], index.loc["02", "combined_class"]
    ('sehr niedrig', '4-')
    """
    year = settings.year if settings.year is not None else int(social["year"].max())
    current = social[social["year"] == year].set_index("quarter_id")
    if current.empty:
        raise ValueError(f"The social table has no rows for the year {year}.")
    missing = [c for c in (*settings.status, *settings.dynamics, settings.population)
               if c not in current.columns]
    if missing:
        raise ValueError(f"Columns missing in the social table: {', '.join(missing)}; "
                         f"available: {', '.join(map(str, current.columns))}.")
    table = current.copy()
    dynamics = list(settings.dynamics)
    if not dynamics:
        before = social[social["year"] == year - settings.dynamics_years].set_index("quarter_id")
        if before.empty:
            raise ValueError(f"The dynamics need the year {year - settings.dynamics_years} "
                             f"({settings.dynamics_years} years before {year}), which the social "
                             "table does not have; set dynamics_years or name dynamics columns.")
        for column in settings.status:
            name = f"change_{column}"
            table[name] = current[column] - before[column].reindex(current.index)
            dynamics.append(name)
    result = status_index(table, list(settings.status), dynamics,
                          population=settings.population,
                          min_population=settings.min_population, exclude=settings.exclude)
    result.insert(0, "year", year)
    return result
