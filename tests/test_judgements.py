"""The three kinds of judgement (issue 11), on hand-built examples worked out by hand."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import CONFIG

import quartier
from quartier.catalogue import default_catalogue
from quartier.editions.compat import upgrade_judgements
from quartier.indicators.accessibility import accessibility_by_quarter
from quartier.indicators.gaps import GAP_COLUMNS, assess_gaps
from quartier.settings import IndicatorSettings

TOWN = {"below_town", "town_average", "above_town"}


def rows(**columns):
    n = len(columns["quarter_id"])
    base = {"residents": [5000.0] * n, "population": [1000.0] * n, "count": [0] * n,
            "capacity": [np.nan] * n, "measure": ["count"] * n, "coverage": [np.nan] * n,
            "fca_access": [np.nan] * n, "supply_rate": [np.nan] * n}
    base.update(columns)
    return pd.DataFrame(base)


def judge(table):
    result = assess_gaps(table, default_catalogue(), IndicatorSettings())
    assert list(result.columns) == GAP_COLUMNS
    return result.set_index("quarter_id")


def test_town_judgement_uses_median_and_never_says_gap():
    # library has no standard: median of 100, 200, 300, 600 = 250 → below < 125, above ≥ 375
    result = judge(rows(quarter_id=list("ABCD"), category=["library"] * 4,
                        fca_access=[100.0, 200.0, 300.0, 600.0]))
    assert result["status"].tolist() == ["below_town", "town_average", "town_average",
                                         "above_town"]
    assert set(result["basis"]) == {"town"} and (result["target"] == 250.0).all()
    assert (result["standard_source"] == "").all() and not result["standard_binding"].any()
    assert result[["missing_places", "unmet_people"]].isna().all().all()


def test_town_judgements_stay_in_their_vocabulary_for_any_values():
    values = np.random.default_rng(1).gamma(1.0, 100.0, 40)
    values[:5] = 0.0
    result = judge(rows(quarter_id=[f"Q{i}" for i in range(40)], category=["food_bank"] * 40,
                        fca_access=values))
    assert set(result["status"]) <= TOWN and "gap" not in set(result["status"])


def test_quarter_without_facility_is_never_a_resource():
    # food bank, no standard: own need = median located rate (0 per 1,000 here) × population;
    # B reaches a lot but has no food bank of its own → not a resource, served by neighbours
    result = judge(rows(quarter_id=list("ABC"), category=["food_bank"] * 3,
                        count=[1, 0, 0], supply_rate=[1.0, 0.0, 0.0],
                        fca_access=[2.0, 5.0, 0.0]))
    assert result["resource"].tolist() == [True, False, False]
    assert result["served_by_neighbours"].tolist() == [False, True, False]
    # the median of 2, 5, 0 is 2: B (5 ≥ 1.5 · 2) is above the town median
    assert result.loc["B", "status"] == "above_town"


def test_resource_without_standard_needs_clearly_more_than_the_median_quarter():
    # library, no standard: located rates 0.2, 0.4, 0.5, 0.7, 1.0 per 1,000 (1,000 people
    # each): median 0.5, own need 1.5 · 0.5 · 1000 / 1000 = 0.75 → only D (0.7 < 0.75: no)
    # and E (1.0 > 0.75: yes); with the median alone C, D and E would have been resources
    result = judge(rows(quarter_id=list("ABCDE"), category=["library"] * 5,
                        count=[1, 1, 1, 1, 1], supply_rate=[0.2, 0.4, 0.5, 0.7, 1.0],
                        capacity=[0.2, 0.4, 0.5, 0.7, 1.0], measure=["capacity"] * 5,
                        fca_access=[1.0] * 5))
    assert result["resource"].tolist() == [False, False, False, False, True]


def test_rate_standard_missing_places():
    # GP standard t = 0.6215 per 1,000; A reaches 0.5 per 1,000 of 4,000 residents:
    # missing = (0.6215 − 0.5) · 4,000 / 1,000 = 0.486 doctors
    result = judge(rows(quarter_id=list("ABC"), category=["gp"] * 3,
                        population=[4000.0, 4000.0, 4000.0], fca_access=[0.5, 0.7, 0.94],
                        count=[1, 0, 3], capacity=[np.nan] * 3))
    assert result["status"].tolist() == ["gap", "met", "well_above"]  # 0.94 ≥ 1.5 · t
    assert result.loc["A", "missing_places"] == pytest.approx(0.486)
    assert result.loc["B", "missing_places"] == 0.0
    assert result["basis"].eq("standard").all()
    assert "1.609" in result.loc["A", "standard_source"]
    assert result.loc["A", "standard_year"] == "2019"
    # own need of C: 0.6215 · 4 = 2.486 < 3 GPs located in C → resource; A: 1 < 2.486 → not
    assert result["resource"].tolist() == [False, False, True]
    # B has no GP but reaches 0.7 ≥ t from its neighbours
    assert result["served_by_neighbours"].tolist() == [False, True, False]


def test_distance_standard_unmet_people_from_cells():
    # three cells of quarter A at 0, 400 and 1,200 m from the only pharmacy (standard 1,000 m)
    cells = gpd.GeoDataFrame({"quarter_id": ["A", "A", "A"]},
                             geometry=shapely.points([(0, 0), (400, 0), (1200, 0)]),
                             crs=25832)
    pharmacy = gpd.GeoDataFrame(geometry=shapely.points([(0, 0)]), crs=25832)
    access = accessibility_by_quarter(cells, np.array([10.0, 20.0, 30.0]), pharmacy,
                                      max_distance=1000.0, catchment=1000.0,
                                      supply=np.ones(1))
    assert access.at["A", "unmet_people"] == 30.0  # only the cell at 1,200 m
    assert access.at["A", "coverage"] == pytest.approx(50.0)  # 30 of 60 within 1,000 m
    result = judge(rows(quarter_id=["A"], category=["pharmacy"], population=[60.0], count=[1],
                        coverage=access["coverage"].tolist(),
                        unmet_people=access["unmet_people"].tolist()))
    assert result.loc["A", "status"] == "gap"  # 50 % < 75 %
    assert result.loc["A", "unmet_people"] == 30.0
    assert np.isnan(result.loc["A", "missing_places"])


def test_demand_standard_places_and_resource():
    # Kita: demand D = 0.491 · children 0–2 + 0.92 · children 3–5, given here per quarter
    result = judge(rows(quarter_id=list("ABC"), category=["kita"] * 3,
                        measure=["capacity"] * 3, count=[1, 2, 0],
                        capacity=[60.0, 250.0, np.nan], population=[220.0, 220.0, 100.0],
                        demand=[159.5, 159.5, 80.0], fca_access=[300.0, 900.0, 900.0]))
    assert result["indicator"].eq("capacity").all()
    assert result["status"].tolist() == ["gap", "well_above", "gap"]  # 250 ≥ 1.5 · 159.5
    assert result["missing_places"].tolist() == [99.5, 0.0, 80.0]
    assert result["resource"].tolist() == [False, True, False]
    # C has no Kita; in reach: 900 / 1,000 · 100 = 90 places ≥ demand 80
    assert result["served_by_neighbours"].tolist() == [False, False, True]
    assert result.loc["A", "target"] == 159.5 == result.loc["A", "demand"]


def test_not_assessed_quarters_carry_a_reason():
    result = judge(rows(quarter_id=list("ABC"), category=["gp"] * 3,
                        residents=[100.0, 5000.0, 5000.0], population=[100.0, 0.0, 5000.0],
                        fca_access=[1.0, 1.0, 0.1], count=[1, 1, 0],
                        non_residential=[False, False, False]))
    assert result["status"].tolist() == ["not_assessed", "not_assessed", "gap"]
    assert result["reason"].tolist() == ["few_residents", "no_reference_population", ""]
    assert result.loc[["A", "B"], "missing_places"].isna().all()
    assert result["resource"].tolist() == [True, True, False]  # facilities serve others


def test_compute_derives_kita_demand_from_age_bands(make_study):
    population = "quartier;einwohner;u3;a3bis5;ab80\n01;1200;100;120;60\n02;800;40;50;30\n"
    config = CONFIG.replace('age_0_5 = "unter6"', 'age_0_2 = "u3", age_3_5 = "a3bis5"')
    path = make_study({"einwohner.csv": population}, config=config.format(extra=""))
    results = quartier.compute(quartier.load_study(path))
    kita = results.gaps[results.gaps["category"] == "kita"].set_index("quarter_id")
    # 01: 0.491 · 100 + 0.92 · 120 = 159.5 places needed, 60 in the quarter → 99.5 missing
    assert kita.loc["01", "demand"] == pytest.approx(159.5)
    assert kita.loc["01", "missing_places"] == pytest.approx(99.5)
    # 02: 0.491 · 40 + 0.92 · 50 = 65.64, no Kita in the quarter → all missing, no resource
    assert kita.loc["02", "missing_places"] == pytest.approx(65.64)
    assert kita.loc["01", "status"] == kita.loc["02", "status"] == "gap"
    assert not kita["resource"].any()
    judged = results.indicators.dropna(subset=["status"])
    judged = judged[judged["basis"] != "mss"]
    assert set(judged["basis"]) <= {"standard", "town", "not_assessed"}
    kita_row = results.indicators[(results.indicators["category"] == "kita")
                                  & (results.indicators["indicator"] == "capacity")]
    assert kita_row["status"].tolist() == ["gap", "gap"]


def test_old_stored_judgements_are_mapped():
    old = pd.DataFrame({"quarter_id": ["01"] * 7, "category": ["x"] * 7,
                        "indicator": ["fca_access"] * 7, "value": [1.0] * 7,
                        "target": [1.0] * 7,
                        "basis": ["median", "median", "median", "standard", "standard",
                                  "standard", "few_residents"],
                        "status": ["gap", "ok", "resource", "gap", "ok", "resource",
                                   "not_assessed"]})
    new = upgrade_judgements(old)
    assert new["basis"].tolist() == ["town"] * 3 + ["standard"] * 3 + ["not_assessed"]
    assert new["status"].tolist() == ["below_town", "town_average", "above_town", "gap", "met",
                                      "well_above", "not_assessed"]
    assert new["reason"].tolist() == [""] * 6 + ["few_residents"]
    assert not new["resource"].any() and not new["served_by_neighbours"].any()
    # a frame in today's vocabulary passes unchanged
    pd.testing.assert_frame_equal(upgrade_judgements(new), new)
