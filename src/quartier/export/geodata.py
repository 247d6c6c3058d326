"""The spatial layers of the exports and the GeoPackage file that holds them.

:func:`quarter_table` (quarters with every indicator in wide form) and :func:`facility_table`
(facilities with the quarter containing them) are the two layers; :func:`write_geopackage`
writes them with the attribute tables into one GeoPackage in the study's working CRS, with
the English contract names and codes (the machine-readable form for scripts and QGIS).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from quartier.assign import assign_points
from quartier.catalogue import category_labels
from quartier.compute import Results
from quartier.export.naming import STATUS_COLUMNS, category_rows, column_plan
from quartier.export.texts import TEXT
from quartier.indicators.registry import INDICATORS
from quartier.study import Study

__all__ = ["FACILITY_COLUMNS", "LAYERS", "check_inputs", "columns_table", "facility_table",
           "quarter_table", "text_columns", "write_geopackage"]

#: Layer names of the GeoPackage (stable, whatever the language).
LAYERS: tuple[str, ...] = ("quartiere", "einrichtungen", "indikatoren", "bewertung",
                           "kategorien", "spalten", "sozialindex")

#: The facility contract columns written to the exports (those present), in this order.
FACILITY_COLUMNS: tuple[str, ...] = ("facility_id", "name", "field", "category", "capacity",
                                     "operator", "target_group", "address", "source")

def check_inputs(study: Study, results: Results) -> None:
    """Raise TypeError unless `study` is a Study and `results` are Results."""
    if not isinstance(study, Study):
        raise TypeError(f"study must be a quartier.Study, got {type(study).__name__}; "
                        "load one with quartier.load_study().")
    if not isinstance(results, Results):
        raise TypeError(f"results must be quartier.Results, got {type(results).__name__}; "
                        "compute them with quartier.compute(study).")


def quarter_table(study: Study, results: Results) -> gpd.GeoDataFrame:
    """The quarters with every indicator in wide form (the GeoPackage layer ``quartiere``).

    Parameters
    ----------
    study : Study
        The loaded study.
    results : Results
        What :func:`quartier.compute` returned for it.

    Returns
    -------
    GeoDataFrame
        One row per quarter in the order of ``study.quarters``: ``quarter_id`` (text),
        ``name``, ``residents`` (all residents placed in the quarter), the social index
        columns ``status_index``, ``status_class``, ``dynamics_index``, ``dynamics_class``,
        ``combined_class`` (when computed), then per category its indicators
        (``<category>__<indicator>``, float, exactly the values of ``results.indicators``) and
        ``<category>__status`` (``gap``, ``ok``, ``resource`` or ``not_assessed``; see
        :func:`column_name`), and the geometry, in the study's CRS.

    Examples
    --------
    >>> import quartier
    >>> study = quartier.load_study("data/sample/quartier.toml")  # doctest: +SKIP
    >>> table = quarter_table(study, quartier.compute(study))  # doctest: +SKIP
    >>> table.loc[0, ["quarter_id", "kita__status"]].tolist()  # doctest: +SKIP
    ['01', 'ok']
    """
    check_inputs(study, results)
    ids = study.quarters["quarter_id"].astype(object).to_numpy()
    frame = pd.DataFrame({"quarter_id": ids,
                          "name": study.quarters["name"].astype(object).to_numpy()})
    assert results.quarters is not None, "results of quartier.compute carry Results.quarters"
    frame["residents"] = results.quarters["residents"].reindex(ids, fill_value=0.0).to_numpy()
    if results.social_index is not None:
        status = results.social_index.reindex(pd.Index(ids, name="quarter_id"))
        for column in STATUS_COLUMNS:
            if column in status.columns:
                values = status[column]
                frame[column] = (values.to_numpy(dtype=float) if column.endswith("_index")
                                 else values.astype(object).where(values.notna(), None)
                                 .to_numpy())
    plan = column_plan(results)
    rows = category_rows(results.indicators)
    values = rows.pivot(index="quarter_id", columns=["category", "indicator"], values="value")
    gaps = results.gaps.pivot(index="quarter_id", columns="category", values="status")
    columns: dict[str, np.ndarray] = {}
    for item in plan.itertuples(index=False):
        if item.indicator == "status":
            source = gaps[item.category] if item.category in gaps.columns else \
                pd.Series(dtype=object)
            series = source.reindex(ids)
            columns[item.column] = series.astype(object).where(series.notna(), None).to_numpy()
        else:
            columns[item.column] = values[(item.category, item.indicator)].reindex(ids).to_numpy(
                dtype=float)
    frame = pd.concat([frame, pd.DataFrame(columns, index=frame.index)], axis=1)
    return gpd.GeoDataFrame(frame, geometry=study.quarters.geometry.to_numpy(),
                            crs=study.quarters.crs)


def facility_table(study: Study) -> gpd.GeoDataFrame:
    """The facilities with their contract columns and the quarter containing them.

    Parameters
    ----------
    study : Study
        The loaded study.

    Returns
    -------
    GeoDataFrame
        The columns of :data:`FACILITY_COLUMNS` that the study has, ``quarter_id`` (None for a
        facility outside every quarter; a point on a shared boundary goes to the first quarter)
        and the point geometry in the study's CRS.

    Examples
    --------
    >>> study = quartier.load_study("data/sample/quartier.toml")  # doctest: +SKIP
    >>> facility_table(study)["quarter_id"].isna().sum()  # doctest: +SKIP
    3
    """
    if not isinstance(study, Study):
        raise TypeError(f"study must be a quartier.Study, got {type(study).__name__}.")
    facilities = study.facilities
    columns = [c for c in FACILITY_COLUMNS if c in facilities.columns]
    table = pd.DataFrame({c: facilities[c].to_numpy() for c in columns})
    for column in columns:
        if column != "capacity":
            values = table[column].astype(object)
            table[column] = values.where(values.notna(), None)
    if "capacity" in table:
        table["capacity"] = table["capacity"].astype(float)
    points = facilities.to_crs(study.quarters.crs) if facilities.crs is not None and \
        not facilities.crs.equals(study.quarters.crs) else facilities
    table["quarter_id"] = assign_points(points, study.quarters).to_numpy()
    return gpd.GeoDataFrame(table, geometry=points.geometry.to_numpy(), crs=study.quarters.crs)


def columns_table(plan: pd.DataFrame, study: Study, language: str) -> pd.DataFrame:
    """The ``spalten`` table: `plan` (:func:`~quartier.export.naming.column_plan`) with a label
    per wide column, "<category> – <indicator>" in `language`.
    """
    labels = category_labels(study.catalogue, language)
    return plan.assign(
        label=[f"{labels.get(c, c)} – " + (INDICATORS[i].label_de if language == "de" else
                                            INDICATORS[i].label_en)
               if i in INDICATORS else f"{labels.get(c, c)} – {TEXT[language]['status']}"
               for c, i in zip(plan["category"], plan["indicator"])])


def text_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as object with None for missing (GDAL writes str and None cleanly)."""
    frame = frame.copy()
    for column in frame.columns:
        if column == getattr(frame, "_geometry_column_name", None):
            continue
        if pd.api.types.is_string_dtype(frame[column]) or frame[column].dtype == object:
            values = frame[column].astype(object)
            frame[column] = values.where(values.notna(), None)
    return frame


@contextmanager
def _gdal_date(stamp: _dt.datetime) -> Iterator[None]:
    """Let GDAL write ``stamp`` into ``gpkg_contents.last_change`` (reproducible files)."""
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": stamp.strftime("%Y-%m-%dT%H:%M:%SZ")})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})


def write_geopackage(path: Path, quarters: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame,
                      tables: dict[str, pd.DataFrame | None], stamp: _dt.datetime) -> None:
    """Write the quarters, facilities and tables as layers of one GeoPackage.

    Parameters
    ----------
    path : pathlib.Path
        The GeoPackage file to write.
    quarters, facilities : geopandas.GeoDataFrame
        Written as the layers ``quartiere`` (MultiPolygon) and ``einrichtungen`` (Point).
    tables : dict of str to pandas.DataFrame or None
        Further layers by name; None skips a layer.
    stamp : datetime.datetime
        The date recorded in the file (so that equal input gives an equal file).
    """
    with _gdal_date(stamp):
        pyogrio.write_dataframe(text_columns(quarters), path, layer="quartiere", driver="GPKG",
                                promote_to_multi=True, geometry_type="MultiPolygon")
        pyogrio.write_dataframe(text_columns(facilities), path, layer="einrichtungen",
                                driver="GPKG", geometry_type="Point")
        for layer, table in tables.items():
            if table is not None:
                pyogrio.write_dataframe(text_columns(table), path, layer=layer, driver="GPKG")
