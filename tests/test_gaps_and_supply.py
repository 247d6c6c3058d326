"""Supply rates and the gap assessment, on small examples worked out by hand."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from quartier.catalogue import default_catalogue
from quartier.indicators.gaps import assess_gaps
from quartier.indicators.supply import capacity_based, supply_by_quarter
from quartier.settings import IndicatorSettings

CRS = 25832


def facilities(rows):
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=["category", "capacity", "x", "y"]),
                            geometry=[shapely.Point(r[2], r[3]) for r in rows], crs=CRS)


def test_supply_rate_uses_capacity_only_when_every_capacity_is_known():
    quarters = gpd.GeoDataFrame({"quarter_id": ["A", "B"]},
                                geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)],
                                crs=CRS)
    sites = facilities([("kita", 60.0, 1, 1), ("kita", 40.0, 2, 2), ("kita", 50.0, 15, 5),
                        ("gp", np.nan, 3, 3), ("pharmacy", np.nan, 30, 30)])
    catalogue = default_catalogue()
    assert capacity_based(sites, catalogue).to_dict() == {"gp": False, "kita": True,
                                                           "pharmacy": False}
    reference = pd.DataFrame({"quarter_id": ["A", "B", "A", "B"],
                              "category": ["kita", "kita", "gp", "gp"],
                              "population": [200.0, 0.0, 2000.0, 1000.0]})
    table = supply_by_quarter(sites, quarters, reference, catalogue).set_index(
        ["quarter_id", "category"])
    # A: (60 + 40) places / 200 children · 1,000 = 500; B has no children → NaN
    assert table.at[("A", "kita"), "supply_rate"] == 500.0
    assert np.isnan(table.at[("B", "kita"), "supply_rate"])
    assert table.at[("B", "kita"), "capacity"] == 50.0
    # gp counts practices: 1 / 2,000 · 1,000 = 0.5; none in B → 0
    assert table.at[("A", "gp"), "supply_rate"] == 0.5
    assert table.at[("B", "gp"), "supply_rate"] == 0.0 and table.at[("B", "gp"), "count"] == 0


def test_gap_status_against_rate_distance_and_median():
    catalogue = default_catalogue()
    settings = IndicatorSettings()
    rows = pd.DataFrame({
        "quarter_id": ["A", "B", "C", "A", "B", "C", "A", "B", "C", "D"],
        "category": ["gp"] * 3 + ["supermarket"] * 3 + ["kita"] * 4,
        "residents": [5000, 5000, 100, 5000, 5000, 5000, 5000, 5000, 5000, 5000],
        "coverage": [np.nan] * 3 + [74.9, 75.0, 95.0] + [np.nan] * 4,
        # gp standard 0.6215 per 1,000; resource from 1.5 × 0.6215 = 0.93225
        "fca_access": [0.62, 0.9323, 5.0, np.nan, np.nan, np.nan, 100.0, 200.0, 300.0, 600.0],
    })
    result = assess_gaps(rows, catalogue, settings).set_index(["quarter_id", "category"])
    status = result["status"]
    assert status[("A", "gp")] == "gap" and status[("B", "gp")] == "resource"
    assert status[("C", "gp")] == "not_assessed"  # 100 residents < 300
    assert result.at[("C", "gp"), "basis"] == "few_residents"
    assert [status[(q, "supermarket")] for q in "ABC"] == ["gap", "ok", "resource"]
    assert result.at[("A", "supermarket"), "indicator"] == "coverage"
    # kita has no standard: median of 100, 200, 300, 600 = 250 → gap < 125, resource ≥ 375
    assert result.at[("A", "kita"), "target"] == 250.0
    assert [status[(q, "kita")] for q in "ABCD"] == ["gap", "ok", "ok", "resource"]
    assert set(result.xs("kita", level="category")["basis"]) == {"median"}


def test_zero_median_marks_only_quarters_with_supply_as_resource():
    rows = pd.DataFrame({"quarter_id": list("ABC"), "category": ["food_bank"] * 3,
                         "residents": [1000] * 3, "coverage": [np.nan] * 3,
                         "fca_access": [0.0, 0.0, 2.0]})
    result = assess_gaps(rows, default_catalogue(), IndicatorSettings())
    assert result["status"].tolist() == ["ok", "ok", "resource"]
