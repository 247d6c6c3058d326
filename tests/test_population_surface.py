"""Population surface: conservation of totals, splitting, spreading, reference groups."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from quartier.population import (
    band_overlap,
    calibrate_to_quarters,
    cells_from_grid,
    fill_suppressed_bands,
    reference_population,
    spread_quarter_totals,
)

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
