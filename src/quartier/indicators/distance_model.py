"""Which distance model each category uses, and the study's walking network.

A category is measured on the street network (``network``) or by the straight line
(``straight``): its ``distance`` column in the catalogue or ``[standards]`` decides, else
``[network] distance`` (``network`` by default when ``[network] path`` is given). The network is
read once per study, clipped to the quarters plus ``[indicators] context_buffer_m``, and cached
beside the config (:func:`quartier.streets.load_walking_network`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from quartier.config import NetworkConfig
from quartier.validation import ValidationReport

__all__ = ["distance_models", "study_network", "coverage_disagreement", "STRAIGHT", "NETWORK"]

STRAIGHT = "straight"
NETWORK = "network"


def distance_models(catalogue: pd.DataFrame, categories: list[str],
                    network: NetworkConfig) -> dict[str, str]:
    """The distance model per category: its own ``distance`` cell, else the study's default.

    A category asking for ``network`` in a study without ``[network] path`` gets
    ``straight`` (:func:`study_network` reports it).

    Examples
    --------
    >>> import pandas as pd
    >>> cat = pd.DataFrame({"distance": ["", "straight", "network"]}, index=["a", "b", "c"])
    >>> distance_models(cat, ["a", "b", "c"], NetworkConfig(path=None, distance="straight"))
    {'a': 'straight', 'b': 'straight', 'c': 'straight'}
    >>> from pathlib import Path
    >>> distance_models(cat, ["a", "b", "c"], NetworkConfig(path=Path("x.pbf"), distance="network"))
    {'a': 'network', 'b': 'straight', 'c': 'network'}
    """
    own = (catalogue["distance"].reindex(categories).fillna("").astype(str)
           if "distance" in catalogue else pd.Series("", index=categories))
    models = {key: own[key] or network.distance for key in categories}
    if network.path is None:
        return {key: STRAIGHT for key in models}
    return models


def study_network(study: Any, report: ValidationReport) -> Any:
    """The study's walking network clipped to the quarters plus the context buffer, or None.

    Returns None (with a warning in ``report``) when the extract cannot be read; the categories
    are then measured by the straight line.
    """
    config: NetworkConfig = study.config.network
    if config.path is None:
        return None
    from quartier.streets import load_walking_network

    buffer = float(study.config.indicators.context_buffer_m)
    x0, y0, x1, y1 = study.quarters.total_bounds
    bbox = (x0 - buffer, y0 - buffer, x1 + buffer, y1 + buffer)
    try:
        network = load_walking_network(config.path, study.config.crs, bbox=bbox,
                                       mode=config.mode, cache_dir=config.cache_dir)
    except (OSError, ValueError, RuntimeError) as exc:
        report.add("warning", "network_unreadable", "network",
                   f"Das Wegenetz {config.path.name} ließ sich nicht lesen ({exc}); alle "
                   "Entfernungen sind Luftlinien.",
                   "Einen OpenStreetMap-Auszug (.osm.pbf) angeben und das Paket osmium "
                   "installieren (pip install 'quartier[osm]').", file=str(config.path))
        return None
    if len(network.x) == 0:
        report.add("warning", "network_empty", "network",
                   f"Das Wegenetz {config.path.name} hat im Untersuchungsgebiet keine Fußwege; "
                   "alle Entfernungen sind Luftlinien.",
                   "Prüfen, ob der Auszug das Gebiet abdeckt und [study] crs stimmt.",
                   file=str(config.path))
        return None
    if network.dropped_nodes:
        report.add("note", "network_dropped_nodes", "network",
                   f"{network.dropped_nodes} Knoten des Wegenetzes {config.path.name} hängen "
                   "nicht mit dem größten zusammenhängenden Netz zusammen und werden nicht "
                   "verwendet.", "Normal an den Rändern eines Auszugs.", file=str(config.path))
    return network


def coverage_disagreement(comparison: pd.DataFrame, category: str, top: int = 5
                          ) -> pd.DataFrame:
    """The quarters of one category whose coverage drops most from straight line to walking.

    Parameters
    ----------
    comparison : DataFrame
        :attr:`quartier.compute.Results.distance_comparison` (``quarter_id``, ``category``,
        ``coverage_straight``, ``coverage_network``, ``median_straight``,
        ``median_network``).
    category : str
        The category.
    top : int
        How many quarters.

    Returns
    -------
    DataFrame
        The rows of the category with ``drop`` = straight − walking coverage (percentage
        points), largest first; quarters without a coverage are left out.

    Examples
    --------
    >>> table = pd.DataFrame({"quarter_id": ["1", "2"], "category": "kita",
    ...                       "coverage_straight": [90.0, 80.0], "coverage_network": [50.0, 78.0],
    ...                       "median_straight": [300.0, 400.0], "median_network": [500.0, 420.0]})
    >>> coverage_disagreement(table, "kita")[["quarter_id", "drop"]].values.tolist()
    [['1', 40.0], ['2', 2.0]]
    """
    rows = comparison[comparison["category"] == category]
    rows = rows.assign(drop=rows["coverage_straight"] - rows["coverage_network"])
    rows = rows[np.isfinite(rows["drop"].to_numpy(dtype=float))]
    return rows.sort_values(["drop", "quarter_id"], ascending=[False, True]).head(top)
