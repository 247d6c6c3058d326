"""Residents placed far from every facility: the plausibility check "Wohnlage prüfen".

Where only totals per quarter exist, residents are spread over the quarter's area minus the
land known to be uninhabited (:func:`quartier.population.spread_where_people_live`). Parks,
cemeteries, allotments or forests missing from that land cover receive residents who do not
live there, and they lie far from any supermarket, stop or Kita: the quarter then shows people
"without access" who are an artefact of the model. No data can settle that inside the library,
so the report gives the planner the check: the share of a quarter's residents that the model
placed in cells with no facility of *any* category (stops and facilities beyond the boundary
included) within a short distance. Real housing almost always has some facility within 400 m;
a high share marks a quarter whose top place in the ranking by need must be checked on the map
before a decision.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from quartier.indicators.distance import nearest_distance

__all__ = ["REMOTE_COLUMNS", "remote_residents", "remote_flags"]

#: Columns of :func:`remote_residents`.
REMOTE_COLUMNS = ["quarter_id", "residents", "remote_residents", "remote_share"]


def remote_residents(surface: gpd.GeoDataFrame, facilities: Any, radius_m: float = 400.0
                     ) -> pd.DataFrame:
    r"""Residents per quarter in cells with no facility of any kind within ``radius_m``.

    Parameters
    ----------
    surface : GeoDataFrame
        The population surface: points (cell centres) with ``quarter_id`` and ``total``
        (:func:`quartier.compute.population_surface`).
    facilities : GeoDataFrame or GeoSeries
        Every facility point of the study, all categories, facilities beyond the study
        boundary included (same projected CRS as ``surface``).
    radius_m : float, default 400
        The distance in metres (``[indicators] remote_radius_m``); > 0.

    Returns
    -------
    DataFrame
        One row per ``quarter_id`` of ``surface`` (sorted): ``residents``,
        ``remote_residents`` and ``remote_share`` (NaN where a quarter has no residents).

    Notes
    -----
    With cells *i* of quarter *q*, residents :math:`P_i` and :math:`d_i` the straight-line
    distance from the cell centre to the nearest facility of any category (a k-d tree,
    :func:`quartier.indicators.distance.nearest_distance`; :math:`d_i = \infty` without any
    facility):

    .. math:: R_q = \sum_{i \in q,\ d_i > r} P_i, \qquad
              s_q = R_q \Big/ \sum_{i \in q} P_i

    A cell exactly at the distance *r* counts as reached (as the standards' distances do).

    Examples
    --------
    >>> import geopandas as gpd
    >>> cells = gpd.GeoDataFrame({"quarter_id": ["01", "01", "02"],
    ...                           "total": [30.0, 10.0, 5.0]},
    ...                          geometry=gpd.points_from_xy([0, 1000, 0], [0, 0, 900]),
    ...                          crs="EPSG:25832")
    >>> shops = gpd.GeoSeries.from_xy([300], [0], crs="EPSG:25832")
    >>> remote_residents(cells, shops)
      quarter_id  residents  remote_residents  remote_share
    0         01       40.0              10.0          0.25
    1         02        5.0               5.0          1.00
    """
    if not np.isfinite(radius_m) or radius_m <= 0:
        raise ValueError(f"radius_m must be a finite distance > 0 in metres, got {radius_m!r}.")
    missing = [c for c in ("quarter_id", "total") if c not in surface.columns]
    if missing:
        raise ValueError(f"surface lacks the column(s) {', '.join(missing)}; pass the "
                         "population surface of quartier.compute.population_surface.")
    points = facilities.geometry if isinstance(facilities, gpd.GeoDataFrame) else facilities
    if isinstance(points, gpd.GeoSeries):
        points = points[points.notna() & ~points.is_empty]
    if len(points) == 0:  # no facility at all: every resident is remote
        points = np.empty((0, 2))
    distance = nearest_distance(surface, points)
    people = pd.to_numeric(surface["total"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    frame = pd.DataFrame({"quarter_id": surface["quarter_id"].to_numpy(), "residents": people,
                          "remote_residents": np.where(distance > radius_m, people, 0.0)})
    table = frame.groupby("quarter_id", sort=True)[["residents", "remote_residents"]].sum()
    share = table["remote_residents"] / table["residents"].where(table["residents"] > 0)
    return table.assign(remote_share=share).reset_index()[REMOTE_COLUMNS]


def remote_flags(remote: pd.DataFrame | None, quarter_ids: pd.Series | pd.Index,
                 threshold: float = 0.2) -> pd.DataFrame:
    """Per quarter its ``remote_share`` and whether to check where its residents live.

    Parameters
    ----------
    remote : DataFrame or None
        :func:`remote_residents` (``quarter_id``, ``remote_share``); None: not computed.
    quarter_ids : Series or Index
        The quarters wanted, in this order.
    threshold : float, default 0.2
        ``[indicators] remote_share_flag``: a share above it sets ``check_location``.

    Returns
    -------
    DataFrame
        ``remote_share`` (NaN where unknown) and ``check_location`` (bool: ``remote_share >
        threshold``), indexed like ``quarter_ids``.

    Examples
    --------
    >>> import pandas as pd
    >>> remote = pd.DataFrame({"quarter_id": ["01", "02"], "remote_share": [0.25, 0.1]})
    >>> remote_flags(remote, pd.Index(["02", "01", "03"]))["check_location"].tolist()
    [False, True, False]
    """
    ids = pd.Index(quarter_ids)
    if remote is None or not len(remote):
        share = pd.Series(np.nan, index=ids, dtype=float)
    else:
        share = remote.drop_duplicates("quarter_id").set_index("quarter_id")[
            "remote_share"].astype(float).reindex(ids)
    return pd.DataFrame({"remote_share": share.to_numpy(),
                         "check_location": (share > threshold).to_numpy()}, index=ids)
