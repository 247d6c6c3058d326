"""Population surface: conservation of totals, splitting, spreading, reference groups."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import X0, Y0, square

import quartier
from quartier.compute import population_surface
from quartier.population import (
    PopulationMethod,
    band_overlap,
    calibrate_to_quarters,
    cells_from_grid,
    check_grid_size,
    fill_suppressed_bands,
    reference_population,
    spread_quarter_totals,
)
from quartier.report.population_text import population_method_text
from quartier.report.texts import texts
from quartier.validation import StudyError, ValidationReport

CRS = 25832


def quarters_two_squares():
    return gpd.GeoDataFrame({"quarter_id": ["A", "B"]},
                            geometry=[shapely.box(0, 0, 1000, 1000),
                                      shapely.box(1000, 0, 2000, 1000)], crs=CRS)


def grid(points, totals, **bands):
    frame = pd.DataFrame({"cell_id": [f"c{i}" for i in range(len(points))], "total": totals,
                          **bands})
    return gpd.GeoDataFrame(frame, geometry=[shapely.Point(p) for p in points], crs=CRS)


def test_cells_by_centre_conserve_totals_and_drop_outside():
    cells = grid([(50, 50), (950, 950), (1050, 50), (3050, 50)], [10.0, 5.0, 7.0, 99.0])
    result = cells_from_grid(cells, quarters_two_squares())
    assert result.groupby("quarter_id")["total"].sum().to_dict() == {"A": 15.0, "B": 7.0}
    assert "c3" not in set(result["cell_id"])  # outside every quarter


def test_split_boundary_cells_by_area_share():
    # a cell centred on the A/B boundary: 50 m × 100 m on each side → half each
    cells = grid([(1000, 50), (500, 500)], [10.0, 4.0], age_0_5=[2.0, 1.0],
                 age_6_plus=[8.0, 3.0])
    result = cells_from_grid(cells, quarters_two_squares(), split_boundary=True)
    sums = result.groupby("quarter_id")[["total", "age_0_5"]].sum()
    assert sums.loc["A"].tolist() == pytest.approx([5.0 + 4.0, 1.0 + 1.0])
    assert sums.loc["B"].tolist() == pytest.approx([5.0, 1.0])
    piece = result[(result["cell_id"] == "c0") & (result["quarter_id"] == "B")].geometry.iloc[0]
    assert (piece.x, piece.y) == pytest.approx((1025, 50))  # centroid of the B half


def test_suppressed_bands_are_estimated_from_the_quarter_structure():
    # known cell: 6 young, 4 old (60/40); suppressed cell with total 5 → 3 and 2
    frame = pd.DataFrame({"total": [10.0, 5.0, 4.0], "age_0_9": [6.0, np.nan, 1.0],
                          "age_10_plus": [4.0, np.nan, np.nan]})
    result = fill_suppressed_bands(frame, pd.Series(["A", "A", "A"]))
    assert result.loc[1, ["age_0_9", "age_10_plus"]].tolist() == pytest.approx([3.0, 2.0])
    # a known band is kept and only the remainder (4 − 1 = 3) goes to the missing band
    assert result.loc[2, ["age_0_9", "age_10_plus"]].tolist() == pytest.approx([1.0, 3.0])


def test_calibration_conserves_register_figures_per_quarter_and_band():
    cells = grid([(100, 100), (600, 600), (1500, 500)], [30.0, 10.0, 20.0],
                 age_0_9=[6.0, 4.0, 2.0], age_10_plus=[24.0, 6.0, 18.0])
    cells = cells_from_grid(cells, quarters_two_squares())
    register = pd.DataFrame({"quarter_id": ["A", "B"], "total": [50.0, 22.0],
                             "age_0_5": [7.0, 3.0], "age_6_plus": [43.0, 19.0]})
    result = calibrate_to_quarters(cells, register)
    sums = result.groupby("quarter_id")[["total", "age_0_5", "age_6_plus"]].sum()
    assert sums.to_numpy() == pytest.approx(register.set_index("quarter_id").to_numpy())
    # age_0_5 lies in the grid's age_0_9 band, so it follows that band: 6 : 4 in quarter A
    a = result[result["quarter_id"] == "A"].set_index("cell_id")["age_0_5"]
    assert a.tolist() == pytest.approx([7.0 * 0.6, 7.0 * 0.4])


def test_spread_conserves_every_figure_and_follows_residential_land():
    table = pd.DataFrame({"quarter_id": ["A", "B"], "total": [1000.0, 333.0],
                          "age_0_5": [60.0, 20.0], "age_6_plus": [940.0, 313.0]})
    quarters = quarters_two_squares()
    uniform = spread_quarter_totals(table, quarters)
    sums = uniform.groupby("quarter_id")[["total", "age_0_5", "age_6_plus"]].sum()
    assert sums.to_numpy() == pytest.approx(table.set_index("quarter_id").to_numpy(), rel=1e-12)
    assert len(uniform) == 200 and uniform["total"].iloc[0] == pytest.approx(10.0)
    housing = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 200, 1000)], crs=CRS)  # in A only
    weighted = spread_quarter_totals(table, quarters, residential=housing)
    a = weighted[weighted["quarter_id"] == "A"]
    assert a["total"].sum() == pytest.approx(1000.0)
    assert a.loc[a.geometry.x > 200, "total"].sum() == 0  # nobody outside the housing
    b = weighted[weighted["quarter_id"] == "B"]  # no housing in B: uniform fallback
    assert b["total"].sum() == pytest.approx(333.0) and b["total"].nunique() == 1


def test_reference_population_sums_and_splits_bands():
    frame = pd.DataFrame({"total": [100.0], "age_0_2": [6.0], "age_3_5": [9.0],
                          "age_6_9": [8.0], "age_10_64": [57.0], "age_65_plus": [20.0]})
    exact, estimated = reference_population(frame, "0-5")
    assert exact.tolist() == [15.0] and not estimated
    everyone, _ = reference_population(frame, "all")
    assert everyone.tolist() == [100.0]
    split, estimated = reference_population(frame, "0-7")  # 6–7 of 6–9 by Germany's ages
    ages_6_7, ages_8_9 = 837_665 + 844_977, 821_316 + 813_613  # Destatis 31.12.2023
    assert split.tolist() == pytest.approx([15.0 + 8.0 * ages_6_7 / (ages_6_7 + ages_8_9)])
    assert estimated
    assert band_overlap("age_10_64", 65, None) == 0.0
    with pytest.raises(ValueError, match="age bands"):
        reference_population(pd.DataFrame({"total": [1.0]}), "80+")


# --- residents where they live: residential and uninhabited land layers ---------------------

def land(*geometries, **columns):
    return gpd.GeoDataFrame(columns, geometry=list(geometries), crs=CRS)


def test_uninhabited_land_gets_nobody_and_totals_are_conserved_per_band():
    table = pd.DataFrame({"quarter_id": ["A", "B"], "total": [900.0, 50.0],
                          "age_0_5": [90.0, 5.0], "age_6_plus": [810.0, 45.0]})
    # forest over A below y = 550 (a row of half cells at 500–600); lake over all of B
    forest = shapely.box(-50, -50, 1000, 550)
    lake = shapely.box(1000, -10, 2010, 1010)
    result = spread_quarter_totals(table, quarters_two_squares(),
                                   uninhabited=land(forest, lake))
    sums = result.groupby("quarter_id")[["total", "age_0_5", "age_6_plus"]].sum()
    assert sums.to_numpy() == pytest.approx(table.set_index("quarter_id").to_numpy(), rel=1e-12)
    a = result[result["quarter_id"] == "A"]
    # habitable: 1000 m × 450 m = 450,000 m²; a whole cell 10,000 m² → 900 · 1/45 = 20
    assert len(a) == 50  # 40 whole cells above y = 600 and 10 half cells
    whole = a[a.geometry.y > 600]
    assert whole["total"].tolist() == pytest.approx([20.0] * 40)
    half = a[a.geometry.y < 600]
    assert half["total"].tolist() == pytest.approx([10.0] * 10)
    # the point of a half cell is the centre of its habitable half (y 550–600)
    assert half.geometry.y.tolist() == pytest.approx([575.0] * 10)
    assert not (a.geometry.y < 550).any()
    method = result.attrs["population_method"]
    assert method.kind == "uninhabited" and method.evenly_spread == ("B",)
    b = result[result["quarter_id"] == "B"]  # nothing left: spread evenly over the area
    assert len(b) == 100 and b["total"].tolist() == pytest.approx([0.5] * 100)


def test_overlapping_land_cover_counts_once_and_slivers_count_as_uninhabited():
    table = pd.DataFrame({"quarter_id": ["A", "B"], "total": [100.0, 100.0]})
    quarters = quarters_two_squares()
    union = spread_quarter_totals(table, quarters, uninhabited=land(shapely.box(0, 0, 500,
                                                                                1000)))
    # the same land as two overlapping polygons (grass inside a forest, say)
    overlapping = spread_quarter_totals(table, quarters, uninhabited=land(
        shapely.box(0, 0, 500, 1000), shapely.box(100, 100, 300, 300)))
    assert overlapping["total"].to_numpy() == pytest.approx(union["total"].to_numpy())
    a = union[union["quarter_id"] == "A"]
    assert a["total"].tolist() == pytest.approx([2.0] * 50) and (a.geometry.x > 500).all()
    # a forest leaving a 0.5 m strip (50 m² per cell) at the edge of B: the strip is a sliver
    nearly = spread_quarter_totals(table, quarters,
                                   uninhabited=land(shapely.box(1000, 0, 2000, 999.5)))
    b = nearly[nearly["quarter_id"] == "B"]
    assert nearly.attrs["population_method"].evenly_spread == ("B",)
    assert len(b) == 100 and b["total"].sum() == pytest.approx(100.0)


def test_residential_weights_share_residents_by_weight_and_area():
    table = pd.DataFrame({"quarter_id": ["A", "B"], "total": [400.0, 10.0]})
    # block 1 (weight 300) spans two cells of A equally; block 2 (weight 100) lies in one cell
    blocks = land(shapely.box(100, 100, 300, 200), shapely.box(510, 510, 590, 590),
                  weight=[300.0, 100.0])
    result = spread_quarter_totals(table, quarters_two_squares(), residential=blocks)
    a = result[result["quarter_id"] == "A"].set_index("cell_id")["total"]
    assert a.to_dict() == pytest.approx({"100mN100E100": 150.0, "100mN100E200": 150.0,
                                         "100mN500E500": 100.0})
    point = result[result["cell_id"] == "100mN500E500"].geometry.iloc[0]
    assert (point.x, point.y) == pytest.approx((550.0, 550.0))
    assert result.attrs["population_method"].kind == "residential_weighted"
    assert result.attrs["population_method"].evenly_spread == ("B",)


def test_grid_size_is_checked_before_allocation():
    quarters = quarters_two_squares()
    # a vertex typo: one corner of B some 900 km away (63 million cells of 100 m)
    quarters.loc[1, "geometry"] = shapely.Polygon([(1000, 0), (900_000, 700_000),
                                                   (2000, 1000), (1000, 1000)])
    table = pd.DataFrame({"quarter_id": ["A", "B"], "total": [1.0, 1.0]})
    with pytest.raises(StudyError) as caught:
        spread_quarter_totals(table, quarters)
    finding = caught.value.report.errors[0]
    assert finding.code == "grid_too_large"
    assert finding.rows.split(", ")[0] == "B" and "B bis " in finding.message
    assert check_grid_size(quarters_two_squares()) == 200
    with pytest.raises(StudyError):
        check_grid_size(quarters_two_squares(), max_cells=199)


def _land_geojson(features: list[tuple[dict, list]]) -> str:
    return json.dumps({"type": "FeatureCollection", "crs": {"type": "name", "properties": {
        "name": "urn:ogc:def:crs:EPSG::25832"}}, "features": [
        {"type": "Feature", "properties": properties,
         "geometry": {"type": "Polygon", "coordinates": [square(*corner, size=size)]}}
        for properties, (corner, size) in features]})


def test_study_with_uninhabited_layer_filter_and_report_sentence(make_study):
    # Neustadt (02) is all lake; a forest covers the west half of Altstadt (01); a meadow
    # polygon over Altstadt's east half is filtered out (class not listed)
    cover = _land_geojson([
        ({"klasse": "forest"}, ((X0, Y0), 500.0)),
        ({"klasse": "water"}, ((X0 + 1000, Y0), 1000.0)),
        ({"klasse": "meadow"}, ((X0 + 500, Y0 + 500), 500.0)),
    ])
    path = make_study(files={"landbedeckung.geojson": cover}, extra='''
        [population.uninhabited]
        path = "landbedeckung.geojson"
        filter = { klasse = ["forest", "water"] }
        ''')
    study, report = quartier.validate_study(path)
    assert report.ok and "unknown_key" not in report.codes(), report.format()
    findings = ValidationReport()
    surface = population_surface(study, findings)
    method = surface.attrs["population_method"]
    assert method.kind == "uninhabited" and method.sources == ("landbedeckung.geojson",)
    assert method.evenly_spread == ("02",)
    warning = next(f for f in findings if f.code == "evenly_spread")
    assert warning.severity == "warning" and "02 (Neustadt)" in warning.message
    altstadt = surface[surface["quarter_id"] == "01"]
    # 1,000,000 m² minus the forest's 250,000 m²: 75 cells of 1200/75 = 16 residents
    assert len(altstadt) == 75 and altstadt["total"].tolist() == pytest.approx([16.0] * 75)
    assert surface.groupby("quarter_id")["total"].sum().to_dict() == pytest.approx(
        {"01": 1200.0, "02": 800.0})
    de = population_method_text(method, texts("de"))
    assert "landbedeckung.geojson" in de and "Grenzen:" in de and "02" in de
    assert "Limits:" in population_method_text(method, texts("en"))


def test_uninhabited_filter_column_missing_is_an_error(make_study):
    cover = _land_geojson([({"klasse": "forest"}, ((X0, Y0), 500.0))])
    path = make_study(files={"landbedeckung.geojson": cover}, extra='''
        [population.uninhabited]
        path = "landbedeckung.geojson"
        filter = { fclass = ["forest"] }
        ''')
    _, report = quartier.validate_study(path)
    error = next(f for f in report.errors if f.code == "missing_column")
    assert error.column == "fclass" and "klasse" in error.hint


def test_study_without_land_layer_names_the_even_spread():
    method = PopulationMethod("uniform")
    assert "gleichmäßig über die ganze Fläche" in population_method_text(method, texts("de"))
    assert population_method_text(None, texts("de")) == ""


def test_residential_layer_with_weight_column_from_the_config(make_study):
    # two housing blocks in Altstadt: 3 of 4 residents in the western one; Neustadt has none
    blocks = _land_geojson([({"wohnungen": 30}, ((X0 + 100, Y0 + 100), 100.0)),
                            ({"wohnungen": 10}, ((X0 + 700, Y0 + 700), 100.0)),
                            ({"wohnungen": None}, ((X0 + 300, Y0 + 300), 100.0))])
    path = make_study(files={"bloecke.geojson": blocks}, extra='''
        [population.residential]
        path = "bloecke.geojson"
        columns = { weight = "wohnungen" }
        ''')
    study, report = quartier.validate_study(path)
    assert report.ok, report.format()
    assert "missing_weight" in report.codes("warning")  # the block without a weight counts 0
    surface = population_surface(study, ValidationReport())
    altstadt = surface[surface["quarter_id"] == "01"].set_index("cell_id")["total"]
    assert altstadt.to_dict() == pytest.approx({"100mN5465100E476100": 900.0,
                                                "100mN5465700E476700": 300.0})
    assert surface.attrs["population_method"].kind == "residential_weighted"


def test_residential_weight_column_missing_is_an_error(make_study):
    blocks = _land_geojson([({"wohnungen": 30}, ((X0 + 100, Y0 + 100), 100.0))])
    path = make_study(files={"bloecke.geojson": blocks}, extra='''
        [population.residential]
        path = "bloecke.geojson"
        columns = { weight = "wohneinheiten" }
        ''')
    _, report = quartier.validate_study(path)
    assert any(f.code == "missing_column" and f.column == "wohneinheiten"
               for f in report.errors), report.format()


def test_grid_size_ignores_empty_quarters_and_refuses_infinite_coordinates():
    quarters = quarters_two_squares()
    with_empty = pd.concat([quarters, gpd.GeoDataFrame(
        {"quarter_id": ["C"]}, geometry=[shapely.Polygon()], crs=CRS)], ignore_index=True)
    assert check_grid_size(with_empty) == 200
    broken = quarters.copy()
    broken.loc[1, "geometry"] = shapely.Polygon([(1000, 0), (np.inf, 0), (1000, 1000)])
    with pytest.raises(StudyError) as caught:
        check_grid_size(broken)
    assert "B ohne gültige Koordinaten" in caught.value.report.errors[0].message
