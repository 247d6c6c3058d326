"""Beyond the study boundary: context facilities and quarters at the edge (Randlage).

Residents near the boundary of a town also use facilities in the neighbouring town. Those
*context facilities* (outside every quarter, or from a ``[[facilities]]`` dataset marked
``context = true``) count for distances, coverage and 2SFCA within
``[indicators] context_buffer_m`` of the study area, but never as a quarter's own facilities.
A quarter that touches the outline of the study area and has no context data for a category
is flagged ``edge`` (Randlage): its access may be better than the data show.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from quartier.format import format_number
from quartier.validation import ValidationReport

__all__ = ["study_outline", "boundary_quarters", "context_mask", "context_facilities",
           "edge_flags"]

#: Shared length with the outline from which a quarter counts as a boundary quarter (m).
MIN_SHARED_M = 50.0
#: How far the outline may lie from a quarter's boundary and still count as shared (m): slivers
#: and small misalignments between the quarters and the outline are tolerated.
TOLERANCE_M = 25.0


def study_outline(quarters: gpd.GeoDataFrame, *, tolerance_m: float = TOLERANCE_M
                  ) -> shapely.Geometry:
    """The outer boundary of the union of all quarters, as lines.

    Sliver gaps between quarters narrower than ``2 * tolerance_m`` are closed first
    (buffer out, buffer in), so that they do not count as boundary; holes of the union that
    remain (an area inside the town that belongs to no quarter) are not part of the outline.
    """
    union = shapely.union_all(quarters.geometry.to_numpy())
    closed = union.buffer(tolerance_m, join_style="mitre").buffer(-tolerance_m,
                                                                  join_style="mitre")
    parts = shapely.get_parts(closed)
    rings = [part.exterior for part in parts if isinstance(part, shapely.Polygon)]
    return shapely.MultiLineString(rings) if rings else shapely.MultiLineString()


def boundary_quarters(quarters: gpd.GeoDataFrame, *, min_shared_m: float = MIN_SHARED_M,
                      tolerance_m: float = TOLERANCE_M) -> pd.Series:
    """Whether each quarter lies at the study boundary.

    Parameters
    ----------
    quarters : GeoDataFrame
        ``quarter_id`` and polygons in a metric CRS.
    min_shared_m, tolerance_m : float
        A quarter is at the boundary when at least ``min_shared_m`` metres of the outline
        (:func:`study_outline`) lie within ``tolerance_m`` of it.

    Returns
    -------
    Series of bool
        Indexed by ``quarter_id``.

    Notes
    -----
    :math:`L_q = |O \\cap B_t(q)|` with *O* the outline and :math:`B_t(q)` quarter *q*
    buffered by *t*; boundary if :math:`L_q \\ge` ``min_shared_m``.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> row = gpd.GeoDataFrame({"quarter_id": ["A", "B", "C"]},
    ...                        geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000),
    ...                                  box(2000, 0, 3000, 1000)], crs=25832)
    >>> boundary_quarters(row).tolist()
    [True, True, True]
    """
    outline = study_outline(quarters, tolerance_m=tolerance_m)
    near = shapely.buffer(quarters.geometry.to_numpy(), tolerance_m)
    shared = shapely.length(shapely.intersection(outline, near))
    return pd.Series(shared >= min_shared_m, index=quarters["quarter_id"].to_numpy(),
                     name="boundary")


def context_mask(facilities: pd.DataFrame) -> pd.Series:
    """True for context facilities: outside every quarter, or from a ``context = true`` dataset.

    Context facilities count for access but are never listed as a quarter's facilities.
    """
    outside = (~facilities["in_study_area"].fillna(True).astype(bool)
               if "in_study_area" in facilities else pd.Series(False, index=facilities.index))
    dataset = (facilities["context"].fillna(False).astype(bool) if "context" in facilities
               else pd.Series(False, index=facilities.index))
    return outside | dataset


def _outside(facilities: gpd.GeoDataFrame, quarters: gpd.GeoDataFrame) -> np.ndarray:
    if "in_study_area" in facilities:
        return ~facilities["in_study_area"].fillna(True).astype(bool).to_numpy()
    union = shapely.union_all(quarters.geometry.to_numpy())
    shapely.prepare(union)
    return ~shapely.covers(union, facilities.geometry.to_numpy())


def context_facilities(facilities: gpd.GeoDataFrame, quarters: gpd.GeoDataFrame,
                       buffer_m: float, report: ValidationReport | None = None
                       ) -> gpd.GeoDataFrame:
    """The facilities that count for access: those in the quarters, and context within reach.

    Parameters
    ----------
    facilities : GeoDataFrame
        The study's facilities (``in_study_area`` when known, else derived from ``quarters``).
    quarters : GeoDataFrame
        The quarters (same CRS).
    buffer_m : float
        ``[indicators] context_buffer_m``: facilities outside every quarter farther than this
        from the study area are dropped.
    report : ValidationReport, optional
        Receives a note naming how many facilities were dropped.

    Returns
    -------
    GeoDataFrame
        ``facilities`` without the facilities beyond the buffer (same columns, same order).
    """
    if not len(facilities) or not len(quarters):
        return facilities
    outside = _outside(facilities, quarters)
    if not outside.any():
        return facilities
    reach = shapely.union_all(quarters.geometry.to_numpy()).buffer(buffer_m)
    shapely.prepare(reach)
    beyond = outside & ~shapely.covers(reach, facilities.geometry.to_numpy())
    if beyond.any() and report is not None:
        report.add("note", "context_beyond_buffer", "facilities",
                   f"{format_number(beyond.sum())} Einrichtungen liegen mehr als "
                   f"{format_number(buffer_m)} m außerhalb des Untersuchungsgebiets und werden "
                   f"nicht berücksichtigt; {format_number((outside & ~beyond).sum())} "
                   "Einrichtungen außerhalb, aber näher, zählen für Entfernungen und "
                   "Erreichbarkeit (nicht als Angebot eines Quartiers).",
                   "Die Entfernung mit [indicators] context_buffer_m anpassen.")
    return facilities[~beyond]


def edge_flags(gaps: pd.DataFrame, quarters: gpd.GeoDataFrame,
               facilities: gpd.GeoDataFrame, buffer_m: float,
               boundary: pd.Series | None = None) -> pd.Series:
    """Randlage: boundary quarters without context data for the category.

    Parameters
    ----------
    gaps : DataFrame
        ``quarter_id`` and ``category`` per row (``results.gaps``).
    quarters : GeoDataFrame
        The quarters.
    facilities : GeoDataFrame
        The facilities that count for access (:func:`context_facilities`).
    buffer_m : float
        ``[indicators] context_buffer_m``.
    boundary : Series of bool, optional
        :func:`boundary_quarters` of ``quarters`` when the caller has it already.

    Returns
    -------
    Series of bool
        Aligned with ``gaps``.

    Notes
    -----
    Row (*q*, *c*) is flagged when *q* is a boundary quarter (:func:`boundary_quarters`), no
    ``context = true`` dataset holds a facility of category *c*, and no facility of *c*
    outside every quarter lies within ``buffer_m`` of *q*. The flag does not change the
    judgement: a Lücke in Randlage stays a Lücke.
    """
    if boundary is None:
        boundary = boundary_quarters(quarters)
    flagged = gaps["quarter_id"].map(boundary).fillna(False).astype(bool)
    if not flagged.any() or not len(facilities):
        return flagged.rename("edge")
    dataset = (facilities["context"].fillna(False).astype(bool).to_numpy()
               if "context" in facilities else np.zeros(len(facilities), dtype=bool))
    covered_categories = set(facilities.loc[dataset, "category"])
    outside = _outside(facilities, quarters) & ~dataset
    points = facilities[outside]
    near: set[tuple[str, str]] = set()
    if len(points):
        point_index, quarter_index = shapely.STRtree(quarters.geometry.to_numpy()).query(
            points.geometry.to_numpy(), predicate="dwithin", distance=buffer_m)
        near = set(zip(quarters["quarter_id"].to_numpy()[quarter_index],
                       points["category"].to_numpy()[point_index], strict=True))
    keys = list(zip(gaps["quarter_id"], gaps["category"], strict=True))
    served = np.array([key in near for key in keys], dtype=bool)
    context = gaps["category"].isin(covered_categories).to_numpy()
    return (flagged & ~served & ~context).rename("edge")
