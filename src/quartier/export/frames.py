"""The plain tables of the exports, shared by the CSV files, the workbook and the GeoPackage.

Housing figures in the order of the quarters, facilities with their coordinates, the social
index with the quarter id as a column, and the catalogue rows of the categories used.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from quartier.compute import Results
from quartier.export.naming import category_rows
from quartier.study import Study

__all__ = ["facility_coordinates", "housing_table", "status_table", "used_categories",
           "whole_numbers"]


def housing_table(study: Study) -> pd.DataFrame | None:
    """The housing figures per quarter as loaded (``quarter_id``, every further column), in
    the order of the quarters; None when the study has no housing data.

    Quarters without a row are left out; rows of unknown quarters were already reported by
    :func:`quartier.load_study`.
    """
    housing = study.housing
    if housing is None or not len(housing):
        return None
    order = {q: i for i, q in enumerate(study.quarters["quarter_id"])}
    table = housing.copy()
    table["_order"] = table["quarter_id"].map(order)
    table = table.sort_values("_order", kind="stable", na_position="last")
    table = table.drop(columns="_order").reset_index(drop=True)
    for column in table.columns:  # counts stay whole numbers (2560, not 2560,0)
        if column != "quarter_id" and pd.api.types.is_float_dtype(table[column]) and \
                whole_numbers(table[column]):
            table[column] = table[column].round().astype("Int64")
    return table


def whole_numbers(column: pd.Series) -> bool:
    """Whether every number in `column` is whole (and there is at least one)."""
    values = pd.to_numeric(column, errors="coerce").dropna()
    return bool(len(values)) and bool((values == values.round()).all())


def facility_coordinates(facilities: gpd.GeoDataFrame) -> pd.DataFrame:
    """The facility table without geometry, with ``x``/``y`` (working CRS, cm) and
    ``lon``/``lat`` (WGS 84, 7 decimals); empty points get NaN.
    """
    geometry = facilities.geometry
    empty = geometry.isna() | geometry.is_empty
    wgs84 = geometry.to_crs(4326) if facilities.crs is not None else geometry
    table = pd.DataFrame(facilities.drop(columns=facilities.geometry.name))
    table["x"] = np.where(empty, np.nan, geometry.x.round(2))
    table["y"] = np.where(empty, np.nan, geometry.y.round(2))
    table["lon"] = np.where(empty, np.nan, wgs84.x.round(7))
    table["lat"] = np.where(empty, np.nan, wgs84.y.round(7))
    return table


def status_table(results: Results) -> pd.DataFrame | None:
    """The social index with ``quarter_id`` as a column (text, None for missing); None when
    it was not computed.
    """
    if results.social_index is None:
        return None
    table = results.social_index.reset_index()
    table["quarter_id"] = table["quarter_id"].astype(object)
    for column in table.columns:
        if table[column].dtype == object or pd.api.types.is_string_dtype(table[column]):
            table[column] = table[column].astype(object).where(table[column].notna(), None)
    return table


def used_categories(study: Study, results: Results) -> pd.DataFrame:
    """The catalogue rows of the categories in the results, in results order."""
    used = list(dict.fromkeys(category_rows(results.indicators)["category"]))
    table = study.catalogue.loc[[c for c in used if c in study.catalogue.index]]
    table = table.rename_axis("category").reset_index()
    if "binding" in table:
        table["binding"] = table["binding"].astype(bool)
    return table
