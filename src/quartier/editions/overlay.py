"""Do two editions' quarters differ, and how do they overlap: the geometry of boundary changes.

* :func:`boundary_changes` / :func:`boundaries_changed` tell whether the quarters changed at
  all (ids only in one edition, geometries that moved by more than a small share of area);
* :func:`area_weights` intersects the two sets of quarters and gives, per overlapping pair, the
  intersection area and its share of the source and of the target quarter, the weights of the
  areal interpolation in :mod:`quartier.editions.interpolation`.

Both sets of quarters are checked against the quarters contract and brought into one projected
CRS first; invalid polygons are repaired with ``make_valid``. Every name is also importable from
:mod:`quartier.editions.boundaries`.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

__all__ = [
    "DEFAULT_TOLERANCE",
    "QUARTER_ID",
    "WEIGHT_COLUMNS",
    "BoundaryChanges",
    "area_weights",
    "boundaries_changed",
    "boundary_changes",
    "check_quarters",
    "check_weights",
    "in_common_crs",
    "repaired",
]

#: Share of area (symmetric difference over union) below which a quarter counts as unchanged:
#: 0.1 %, well above the noise of reprojecting or rounding coordinates.
DEFAULT_TOLERANCE = 0.001
#: Columns of the table returned by :func:`area_weights`.
WEIGHT_COLUMNS = ["source_id", "target_id", "area", "share_of_source", "share_of_target"]

#: The id column of the quarters contract.
QUARTER_ID = "quarter_id"


# --------------------------------------------------------------------------------------------
# input checks


def check_quarters(quarters: gpd.GeoDataFrame, role: str) -> None:
    """Raise a clear error when `quarters` breaks the quarters contract."""
    if not isinstance(quarters, gpd.GeoDataFrame):
        raise TypeError(f"The {role} quarters must be a GeoDataFrame, not "
                        f"{type(quarters).__name__}.")
    if QUARTER_ID not in quarters.columns:
        raise ValueError(f"The {role} quarters have no column '{QUARTER_ID}' (columns: "
                         f"{', '.join(map(str, quarters.columns))}); rename the id column to "
                         f"'{QUARTER_ID}'.")
    ids = quarters[QUARTER_ID]
    if ids.isna().any():
        rows = [str(i) for i in quarters.index[ids.isna().to_numpy()][:5]]
        raise ValueError(f"The {role} quarters have rows without '{QUARTER_ID}' (rows "
                         f"{', '.join(rows)}); give every quarter an id.")
    duplicated = ids[ids.duplicated(keep=False)]
    if len(duplicated):
        names = sorted(set(map(str, duplicated)))
        raise ValueError(f"The {role} quarters have duplicate ids in '{QUARTER_ID}': "
                         f"{', '.join(names[:10])}; each quarter needs its own id.")
    geometry = quarters.geometry.to_numpy()
    empty = shapely.is_missing(geometry) | shapely.is_empty(geometry)
    if empty.any():
        names = [str(i) for i in ids.to_numpy()[empty][:10]]
        raise ValueError(f"The {role} quarters {', '.join(names)} have no geometry; add their "
                         "boundaries or leave them out.")
    polygonal = np.isin(shapely.get_type_id(geometry), (3, 6))  # Polygon, MultiPolygon
    if not polygonal.all():
        names = [str(i) for i in ids.to_numpy()[~polygonal][:10]]
        raise ValueError(f"The {role} quarters {', '.join(names)} are not polygons; quarters "
                         "need (multi)polygon boundaries.")


def in_common_crs(source: gpd.GeoDataFrame, target: gpd.GeoDataFrame
                  ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Both quarter sets in one projected CRS (the source's, else the target's)."""
    if source.crs is None and target.crs is None:
        return source, target
    if source.crs is None or target.crs is None:
        which = "previous (source)" if source.crs is None else "current (target)"
        raise ValueError(f"The {which} quarters have no CRS while the others have "
                         f"{source.crs or target.crs}; set it with .set_crs() first.")
    source_crs, target_crs = CRS.from_user_input(source.crs), CRS.from_user_input(target.crs)
    if source_crs.is_projected:
        if not target_crs.equals(source_crs):
            target = target.to_crs(source_crs)
        return source, target
    if target_crs.is_projected:
        return source.to_crs(target_crs), target
    raise ValueError(f"Neither set of quarters is in a projected CRS ({source_crs.name}, "
                     f"{target_crs.name}); areas in degrees cannot weight anything. Reproject "
                     "both to a metric CRS, e.g. .to_crs('EPSG:25832').")


def repaired(geometry: np.ndarray) -> np.ndarray:
    """The geometries with invalid ones repaired by ``make_valid``."""
    invalid = ~shapely.is_valid(geometry)
    if invalid.any():
        geometry = geometry.copy()
        geometry[invalid] = shapely.make_valid(geometry[invalid])
    return geometry


def check_weights(weights: pd.DataFrame) -> None:
    """Raise a ValueError when the overlay weights lack one of the columns it needs.

    Parameters
    ----------
    weights : pandas.DataFrame
        Overlay weights as built by ``area_weights(source, target)``.

    Raises
    ------
    ValueError
        Naming the missing columns of :data:`WEIGHT_COLUMNS`.
    """
    missing = [c for c in WEIGHT_COLUMNS if c not in weights.columns]
    if missing:
        raise ValueError(f"The weights lack the columns {', '.join(missing)}; build them with "
                         "area_weights(source, target).")



# --------------------------------------------------------------------------------------------
# did the boundaries change?


@dataclass(frozen=True)
class BoundaryChanges:
    """How the quarters of two editions differ.

    Attributes
    ----------
    only_previous : tuple of str
        Quarter ids of the previous edition that the current one no longer has.
    only_current : tuple of str
        Quarter ids that are new in the current edition.
    change : Series
        For every id in both editions, the share of area that differs,
        area(A △ B) / area(A ∪ B) (0 = identical, 1 = disjoint), indexed by ``quarter_id``.
    tolerance : float
        Shares up to this value count as unchanged.
    """

    only_previous: tuple[str, ...]
    only_current: tuple[str, ...]
    change: pd.Series
    tolerance: float

    @property
    def moved(self) -> tuple[str, ...]:
        """Ids in both editions whose geometry changed by more than `tolerance`."""
        return tuple(self.change.index[self.change > self.tolerance])

    @property
    def changed(self) -> bool:
        """Whether anything changed: ids added or removed, or a geometry moved."""
        return bool(self.only_previous or self.only_current or self.moved)


def boundary_changes(previous_quarters: gpd.GeoDataFrame, current_quarters: gpd.GeoDataFrame,
                     tolerance: float = DEFAULT_TOLERANCE) -> BoundaryChanges:
    """Compare the quarters of two editions by id and geometry.

    Parameters
    ----------
    previous_quarters, current_quarters : GeoDataFrame
        Quarters (``quarter_id`` and polygon geometry). They are brought into one projected
        CRS as in :func:`area_weights`.
    tolerance : float, default :data:`DEFAULT_TOLERANCE` (0.001)
        Largest share of area by which a quarter of the same id may differ and still count as
        unchanged; absorbs the noise of reprojecting or rounding coordinates.

    Returns
    -------
    BoundaryChanges
        Ids only in one edition and the area change of every common id.

    Notes
    -----
    For a quarter with geometry A before and B now, with I = area(A ∩ B):

    change = area(A △ B) / area(A ∪ B) = (|A| + |B| − 2 I) / (|A| + |B| − I)

    which is 0 for identical and 1 for disjoint geometries and the same in both directions.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> before = gpd.GeoDataFrame({"quarter_id": ["01"]}, geometry=[box(0, 0, 100, 100)],
    ...                           crs="EPSG:25832")
    >>> after = gpd.GeoDataFrame({"quarter_id": ["01", "02"]},
    ...                          geometry=[box(0, 0, 50, 100), box(50, 0, 100, 100)],
    ...                          crs="EPSG:25832")
    >>> changes = boundary_changes(before, after)
    >>> changes.only_current, changes.moved, float(changes.change["01"])
    (('02',), ('01',), 0.5)
    """
    if not 0 <= tolerance < 1:
        raise ValueError(f"tolerance must be a share of area in [0, 1), got {tolerance!r}.")
    check_quarters(previous_quarters, "previous")
    check_quarters(current_quarters, "current")
    previous_quarters, current_quarters = in_common_crs(previous_quarters, current_quarters)
    before = pd.Series(repaired(previous_quarters.geometry.to_numpy()),
                       index=previous_quarters[QUARTER_ID].to_numpy())
    after = pd.Series(repaired(current_quarters.geometry.to_numpy()),
                      index=current_quarters[QUARTER_ID].to_numpy())
    common = before.index[before.index.isin(after.index)]
    a = before.reindex(common).to_numpy()
    b = after.reindex(common).to_numpy()
    area_a, area_b = shapely.area(a), shapely.area(b)
    overlap = shapely.area(shapely.intersection(a, b))
    union = area_a + area_b - overlap
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(union > 0, (area_a + area_b - 2 * overlap) / union, 0.0)
    change = pd.Series(np.clip(share, 0.0, 1.0), index=pd.Index(common, name=QUARTER_ID),
                       name="change")
    return BoundaryChanges(
        only_previous=tuple(map(str, before.index[~before.index.isin(after.index)])),
        only_current=tuple(map(str, after.index[~after.index.isin(before.index)])),
        change=change, tolerance=tolerance)


def boundaries_changed(previous_quarters: gpd.GeoDataFrame, current_quarters: gpd.GeoDataFrame,
                       tolerance: float = DEFAULT_TOLERANCE) -> bool:
    """Whether the quarters changed between two editions (see :func:`boundary_changes`).

    Equal ids with geometries that differ by at most `tolerance` of their area count as
    unchanged.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> quarters = gpd.GeoDataFrame({"quarter_id": ["01"]}, geometry=[box(0, 0, 100, 100)],
    ...                             crs="EPSG:25832")
    >>> boundaries_changed(quarters, quarters)
    False
    """
    return boundary_changes(previous_quarters, current_quarters, tolerance).changed


# --------------------------------------------------------------------------------------------
# weights


def area_weights(source: gpd.GeoDataFrame, target: gpd.GeoDataFrame) -> pd.DataFrame:
    """Intersection areas of every overlapping pair of source and target quarters.

    Parameters
    ----------
    source : GeoDataFrame
        The quarters the values are given on (the previous edition), with ``quarter_id``.
    target : GeoDataFrame
        The quarters to carry the values to (the current edition), with ``quarter_id``.
        Reprojected to the source's CRS when that is projected and differs (the source is
        reprojected to the target's when only the target's CRS is projected); two geographic
        CRS are an error. Invalid geometries are repaired with ``make_valid``.

    Returns
    -------
    DataFrame
        One row per pair with a positive intersection area, sorted by source and target id:
        ``source_id``, ``target_id``, ``area`` (in the square units of the CRS),
        ``share_of_source`` and ``share_of_target``. Pairs that only touch are left out.

    Raises
    ------
    TypeError
        When an input is not a GeoDataFrame.
    ValueError
        When ``quarter_id`` is missing or not unique, a geometry is missing or not polygonal,
        or no projected CRS is available.

    Notes
    -----
    With A_s the area of source s, A_t that of target t and A_st = area(s ∩ t):

    share_of_source = A_st / A_s,   share_of_target = A_st / A_t.

    Σ_t share_of_source = 1 for a source entirely covered by the targets, Σ_s
    share_of_target = 1 for a target entirely covered by the sources. Candidate pairs come from
    an STRtree query; the intersections are computed at once on the geometry arrays.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> old = gpd.GeoDataFrame({"quarter_id": ["A"]}, geometry=[box(0, 0, 100, 100)],
    ...                        crs="EPSG:25832")
    >>> new = gpd.GeoDataFrame({"quarter_id": ["1", "2"]},
    ...                        geometry=[box(0, 0, 25, 100), box(25, 0, 100, 100)],
    ...                        crs="EPSG:25832")
    >>> area_weights(old, new)[["target_id", "share_of_source", "share_of_target"]]
      target_id  share_of_source  share_of_target
    0         1             0.25              1.0
    1         2             0.75              1.0
    """
    check_quarters(source, "previous (source)")
    check_quarters(target, "current (target)")
    source, target = in_common_crs(source, target)
    source_geometry = repaired(source.geometry.to_numpy())
    target_geometry = repaired(target.geometry.to_numpy())
    tree = shapely.STRtree(source_geometry)
    target_index, source_index = tree.query(target_geometry, predicate="intersects")
    pieces = shapely.intersection(source_geometry[source_index], target_geometry[target_index])
    area = shapely.area(pieces)
    positive = area > 0
    source_index, target_index, area = (source_index[positive], target_index[positive],
                                        area[positive])
    weights = pd.DataFrame({
        "source_id": source[QUARTER_ID].to_numpy()[source_index],
        "target_id": target[QUARTER_ID].to_numpy()[target_index],
        "area": area,
        "share_of_source": area / shapely.area(source_geometry)[source_index],
        "share_of_target": area / shapely.area(target_geometry)[target_index],
    })
    return weights.sort_values(["source_id", "target_id"]).reset_index(drop=True)

