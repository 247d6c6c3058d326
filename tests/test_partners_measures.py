"""Measures monitoring: budget per field and quarter, measures per gap, target movement."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import SAMPLE

import quartier
from quartier.editions import load_edition, store_edition
from quartier.partners.measures import (
    SEVERAL,
    TOWN_WIDE,
    budget_by_field,
    budget_by_quarter,
    edition_for_start,
    gaps_without_measure,
    measures_per_gap,
    target_movement,
)


@pytest.fixture
def measures() -> pd.DataFrame:
    return pd.DataFrame({
        "measure_id": ["M1", "M2", "M3", "M4"],
        "title": ["Kita", "Haltestellen", "Beratung", "Bus"],
        "field": ["social_infrastructure", "environment", "counselling", "environment"],
        "quarter_id": ["01", "01;02;03", "", "02"],
        "target": ["kita", "transit_stop:coverage", "debt_counselling", "transit_stop"],
        "budget_planned": [90.0, 300.0, 40.0, np.nan],
        "budget_spent": [30.0, 60.0, 0.0, 10.0],
        "status": ["laufend", "laufend", "geplant", "abgebrochen"],
        "start": pd.to_datetime(["2024-03-01", "2023-05-01", None, "2025-01-01"]),
        "end": pd.to_datetime(["2025-01-01", "2026-01-01", None, "2025-06-01"]),
    })


def test_budget_by_field_by_hand(measures):
    table = budget_by_field(measures)
    assert list(table.index) == ["environment", "social_infrastructure", "counselling"]
    assert table.loc["environment", "budget_planned"] == 300.0      # NaN counts as 0
    assert table.loc["environment", "budget_spent"] == 70.0
    assert table.loc["environment", "measures"] == 2
    assert table.loc["social_infrastructure", "spent_share"] == pytest.approx(100 / 3)
    assert table.loc["counselling", "spent_share"] == 0
    assert table["budget_planned"].sum() == 430.0 and table["budget_spent"].sum() == 100.0


def test_budget_by_quarter_even_split_conserves_the_total(measures):
    table = budget_by_quarter(measures, ["01", "02", "03", "04"])
    assert list(table.index) == ["01", "02", "03", "04", TOWN_WIDE]
    assert table.loc["01", "budget_planned"] == 90 + 100
    assert table.loc["02", "budget_spent"] == 20 + 10
    assert table.loc["04", "measures"] == 0 and table.loc["04", "budget_planned"] == 0
    assert table.loc[TOWN_WIDE, "budget_planned"] == 40
    assert table["budget_planned"].sum() == pytest.approx(430.0)
    assert table["budget_spent"].sum() == pytest.approx(100.0)


def test_budget_by_quarter_several(measures):
    table = budget_by_quarter(measures, ["01", "02", "03"], split="several")
    assert table.loc[SEVERAL, "budget_planned"] == 300 and table.loc[SEVERAL, "measures"] == 1
    assert table.loc["01", "budget_planned"] == 90
    assert table["budget_planned"].sum() == pytest.approx(430.0)
    with pytest.raises(ValueError, match="split"):
        budget_by_quarter(measures, split="half")


def test_measures_per_gap(measures):
    gaps = pd.DataFrame({"quarter_id": ["01", "02", "02", "03", "04"],
                         "category": ["kita", "transit_stop", "kita", "debt_counselling",
                                      "debt_counselling"],
                         "status": ["gap", "gap", "gap", "gap", "ok"]})
    table = measures_per_gap(measures, gaps)
    assert table["measure_ids"].tolist() == ["M1", "M2", "", "M3"]     # M4 was cancelled
    assert gaps_without_measure(measures, gaps).values.tolist() == [["02", "kita"]]


def test_edition_for_start():
    assert edition_for_start(pd.Timestamp("2024-03-01"), ["2023", "2024", "2025"]) == "2024"
    assert edition_for_start(pd.Timestamp("2026-01-01"), ["2023", "2024"]) == "2024"
    assert edition_for_start(pd.Timestamp("2022-12-31"), ["2023"]) is None
    assert edition_for_start(None, ["2023"]) is None


def test_target_movement_by_hand(measures):
    def indicators(values: dict) -> pd.DataFrame:
        rows = []
        for (q, c, i), (v, s) in values.items():
            rows.append({"quarter_id": q, "category": c, "indicator": i, "value": v,
                         "status": s})
        return pd.DataFrame(rows)

    now = indicators({("01", "kita", "fca_access"): (80.0, "ok"),
                      ("01", "kita", "coverage"): (50.0, None),
                      ("01", "transit_stop", "coverage"): (90.0, "ok"),
                      ("02", "transit_stop", "coverage"): (70.0, "gap"),
                      ("03", "transit_stop", "coverage"): (99.0, "resource"),
                      ("01", "debt_counselling", "fca_access"): (0.1, "ok")})
    before = indicators({("01", "kita", "fca_access"): (60.0, "gap"),
                         ("01", "transit_stop", "coverage"): (95.0, "resource"),
                         ("02", "transit_stop", "coverage"): (70.0, "gap")})
    table = target_movement(measures, now, {"2023": before, 2024: before},
                            current_edition="2025")
    kita = table[table["measure_id"] == "M1"].iloc[0]
    assert kita["indicator"] == "fca_access"          # the judged one
    assert kita["edition"] == "2024" and kita["before"] == 60 and kita["now"] == 80
    assert kita["change"] == 20 and kita["direction"] == "better"
    stops = table[table["measure_id"] == "M2"].set_index("quarter_id")
    assert stops.loc["01", "edition"] == "2023" and stops.loc["01", "direction"] == "worse"
    assert stops.loc["02", "direction"] == "same"
    assert stops.loc["03", "note"] == "no_value"      # not in the 2023 table
    town_wide = table[table["measure_id"] == "M3"].set_index("quarter_id")["note"]
    assert list(town_wide.index) == ["01", "02", "03"]              # all quarters
    assert town_wide["01"] == "no_start" and town_wide["02"] == "no_value"
    assert table.loc[table["measure_id"] == "M4", "note"].iloc[0] == "current"
    no_history = target_movement(measures, now, {})
    assert set(no_history.loc[no_history["measure_id"] == "M1", "note"]) == {"no_edition"}


def test_target_movement_with_stored_sample_edition(tmp_path):
    store = tmp_path / "musterstadt.editions.sqlite"
    study_2024 = quartier.load_study(SAMPLE / "quartier.toml", edition="2024")
    store_edition(store, study_2024, quartier.compute(study_2024))
    history = {"2024": load_edition(store, "2024").indicators}
    study = quartier.load_study(SAMPLE / "quartier.toml")
    results = quartier.compute(study)
    table = target_movement(study.measures, results.indicators, history,
                            current_edition=study.edition).set_index(["measure_id", "quarter_id"])
    # M01 enlarged Kita Regenbogen (45 → 70 places) in quarter 02: the supply rate rose
    kita = table.loc[("M01", "02")]
    assert kita["indicator"] == "supply_rate" and kita["edition"] == "2024"
    old = history["2024"]
    expected = old[(old["quarter_id"] == "02") & (old["category"] == "kita")
                   & (old["indicator"] == "supply_rate")]["value"].iloc[0]
    assert kita["before"] == pytest.approx(expected)
    assert kita["now"] > kita["before"] and kita["direction"] == "better"
    # M02 (village shop opened in 07): the median distance fell, which is better
    shop = table.loc[("M02", "07")]
    assert shop["indicator"] == "median_distance" and shop["direction"] == "better"
    # M04 started in 2025, the current edition: no comparison yet
    assert table.loc[("M04", "07"), "note"] == "current"


def test_sample_budget_totals():
    study = quartier.load_study(SAMPLE / "quartier.toml")
    raw = pd.read_csv(SAMPLE / "massnahmen.csv", sep=";", dtype=str)
    planned = raw["budget_geplant"].str.replace(",", ".").astype(float).sum()
    by_quarter = budget_by_quarter(study.measures, list(study.quarters["quarter_id"]))
    assert by_quarter["budget_planned"].sum() == pytest.approx(planned)
    assert budget_by_field(study.measures)["budget_planned"].sum() == pytest.approx(planned)
