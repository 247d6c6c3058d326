"""Datasets on other boundaries carried onto the study's quarters (``boundaries = "…"``)."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
from conftest import BERLIN, X0, Y0, requires_berlin
from pyproj import CRS

from quartier.config import DatasetConfig
from quartier.load.attributes import load_housing
from quartier.load.quarters import load_quarters
from quartier.study import validate_study
from quartier.validation import ValidationReport


def _boxes(features: dict[str, tuple[float, float, float, float]]) -> str:
    """GeoJSON in EPSG:25832 with one rectangle (x0, y0, x1, y1) per id."""
    return json.dumps({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
        "features": [{"type": "Feature", "properties": {"gebiet": key},
                      "geometry": {"type": "Polygon", "coordinates": [[
                          [x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}}
                     for key, (x0, y0, x1, y1) in features.items()]})


# Old areas: A covers quarter 01 and the left half of 02, B the right half of 02.
OLD_AREAS = _boxes({"A": (X0, Y0, X0 + 1500, Y0 + 1000),
                    "B": (X0 + 1500, Y0, X0 + 2000, Y0 + 1000)})
HOUSING = "gebiet;wohnungen;leerstand;einwohner\nA;300;10;600\nB;100;30;100\n"


def _study(make_study, extra: str, files: dict[str, str] | None = None):
    path = make_study({"alt.geojson": OLD_AREAS, "wohnen.csv": HOUSING, **(files or {})},
                      extra=extra)
    study, report = validate_study(path)
    assert study is not None, report.format()
    return study, report


def test_counts_split_by_area_share_and_totals_kept(make_study):
    study, report = _study(make_study, """
        [housing]
        path = "wohnen.csv"
        columns = { quarter_id = "gebiet" }
        boundaries = "alt.geojson"
        boundaries_columns = { quarter_id = "gebiet" }
        boundaries_rates = ["leerstand"]
        """)
    housing = study.housing.set_index("quarter_id")
    # 01 = 2/3 of A; 02 = 1/3 of A + all of B
    assert housing.loc["01", "wohnungen"] == pytest.approx(200.0)
    assert housing.loc["02", "wohnungen"] == pytest.approx(100.0 + 100.0)
    assert housing["wohnungen"].sum() == pytest.approx(400.0)
    assert housing.loc["02", "einwohner"] == pytest.approx(200.0 + 100.0)
    # rates: mean weighted by area (02 is half A, half B)
    assert housing.loc["01", "leerstand"] == pytest.approx(10.0)
    assert housing.loc["02", "leerstand"] == pytest.approx(20.0)
    note = next(f for f in report.findings if f.code == "other_boundaries")
    assert note.dataset == "housing" and "alt.geojson" in note.message
    assert note.severity == "note" and note.file.endswith("wohnen.csv")


def test_rates_weighted_by_a_count_column(make_study):
    study, _ = _study(make_study, """
        [housing]
        path = "wohnen.csv"
        columns = { quarter_id = "gebiet" }
        boundaries = "alt.geojson"
        boundaries_columns = { quarter_id = "gebiet" }
        boundaries_rates = ["leerstand"]
        boundaries_weight = "einwohner"
        """)
    housing = study.housing.set_index("quarter_id")
    # 02: residents of A in 02 = 600/3 = 200 at 10 %, of B = 100 at 30 %
    assert housing.loc["02", "leerstand"] == pytest.approx((200 * 10 + 100 * 30) / 300)


def test_social_indicators_carried_year_by_year_as_means(make_study):
    social = "gebiet;jahr;sgb2\nA;2023;10\nB;2023;30\nA;2024;12\nB;2024;20\n"
    study, _ = _study(make_study, """
        [[social]]
        path = "sozial.csv"
        columns = { quarter_id = "gebiet", year = "jahr" }
        boundaries = "alt.geojson"
        boundaries_columns = { quarter_id = "gebiet" }
        """, {"sozial.csv": social})
    table = study.social.set_index(["quarter_id", "year"])["sgb2"]
    assert table.loc[("01", 2023)] == pytest.approx(10.0)
    assert table.loc[("02", 2023)] == pytest.approx(20.0)
    assert table.loc[("02", 2024)] == pytest.approx(16.0)


def test_missing_boundary_file_and_unknown_ids_are_reported(make_study):
    path = make_study({"wohnen.csv": HOUSING}, extra="""
[housing]
path = "wohnen.csv"
columns = { quarter_id = "gebiet" }
boundaries = "fehlt.geojson"
""")
    _, report = validate_study(path)
    assert any(f.code == "missing_file" and "fehlt.geojson" in f.message for f in report.errors)

    path = make_study({"alt.geojson": OLD_AREAS, "wohnen.csv": HOUSING + "C;5;1;1\n"}, extra="""
[housing]
path = "wohnen.csv"
columns = { quarter_id = "gebiet" }
boundaries = "alt.geojson"
boundaries_columns = { quarter_id = "gebiet" }
""")
    study, report = validate_study(path)
    warning = next(f for f in report.findings if f.code == "unknown_quarter")
    assert "C" in warning.message and "alt.geojson" in warning.message
    assert study.housing["wohnungen"].sum() == pytest.approx(400.0)


@requires_berlin
def test_berlin_housing_stock_carried_onto_the_2021_planning_areas():
    report = ValidationReport()
    crs = CRS.from_epsg(25833)
    quarters, width = load_quarters(DatasetConfig(
        "quarters", (BERLIN / "plr_2021" / "lor_planungsraeume_2021.shp",),
        {"quarter_id": "PLR_ID", "name": "PLR_NAME"}), crs, report)
    old = BERLIN / "plr_until_2020" / "berlin-lor-planning-areas-until-2020.geojson"
    source_csv = BERLIN / "housing" / "berlin-lor-housing-stock-2022-00.csv"
    cfg = DatasetConfig("housing", (source_csv,), {"quarter_id": "id"}, {
        "boundaries": old, "boundaries_columns": {"quarter_id": "id"},
        "boundaries_id_corrections": {"124": "04030417"}})
    housing = load_housing(cfg, report, id_width=width, quarters=quarters, working_crs=crs)
    assert not report.errors, report.format()
    assert set(housing["quarter_id"]) <= set(quarters["quarter_id"])
    assert len(housing) >= 530  # a few new areas lie only on old areas without figures
    source = pd.read_csv(source_csv, dtype={"id": str})
    for column in ("apartments", "apartments_living_area", "residential_buildings"):
        # conserved up to slivers of old areas beyond the 2021 outline (< 0.01 %)
        assert housing[column].sum() == pytest.approx(source[column].sum(), rel=1e-4)
        assert housing[column].sum() <= source[column].sum() + 1e-6
    # three quarters by a second method: an overlay of both boundary sets
    carried = housing.set_index("quarter_id")["apartments"]
    targets = quarters[quarters["quarter_id"].isin(carried.nlargest(3).index)]
    old_areas = gpd.read_file(old).to_crs(crs)
    old_areas.loc[123, "id"] = "04030417"
    old_areas["old_area"] = old_areas.area
    old_areas = old_areas[old_areas.intersects(targets.union_all())]
    pieces = gpd.overlay(old_areas[["id", "old_area", "geometry"]],
                         targets[["quarter_id", "geometry"]], how="intersection")
    pieces = pieces.merge(source, on="id")
    expected = (pieces["apartments"] * pieces.area / pieces["old_area"]).groupby(
        pieces["quarter_id"]).sum()
    assert carried[expected.index].to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-6)
    assert (expected > 1000).all()
