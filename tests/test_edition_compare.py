"""Comparison of two editions: facilities opened and closed, changed indicators and statuses."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import SAMPLE

from quartier.editions.compare import compare_editions, previous_edition


@pytest.fixture(scope="module")
def comparison(sample_editions):
    (old, old_results), (new, new_results) = sample_editions["2024"], sample_editions["2025"]
    return old, new, compare_editions(
        "2024", "2025", previous_indicators=old_results.indicators,
        current_indicators=new_results.indicators, previous_gaps=old_results.gaps,
        current_gaps=new_results.gaps, previous_facilities=old.facilities,
        current_facilities=new.facilities, quarters=new.quarters)


def test_opened_and_closed_facilities_match_the_two_files(comparison):
    _, _, result = comparison
    # worked out from the files themselves: ids in one edition's CSV but not the other's
    read = lambda year: set(pd.read_csv(SAMPLE / f"einrichtungen_{year}.csv", sep=";",  # noqa: E731
                                        dtype=str)["id"])
    assert set(result.opened["facility_id"]) == read("2025") - read("2024")
    assert set(result.closed["facility_id"]) == read("2024") - read("2025")
    assert set(result.opened["facility_id"]) == {f"E0{n}" for n in range(195, 202)}
    village = result.opened[result.opened["quarter_id"] == "07"]
    assert len(village) == 2  # Dorfladen and Nachbarschaftshilfe St. Ilgenau


def test_indicator_changes_are_differences(comparison):
    _, _, result = comparison
    rows = result.indicators.dropna(subset=["previous", "current"])
    assert (rows["change"] == rows["current"] - rows["previous"]).all()
    kita = rows[(rows["quarter_id"] == "02") & (rows["category"] == "kita")
                & (rows["indicator"] == "capacity")].iloc[0]
    assert kita["change"] == 70 - 45  # Kita Regenbogen grew from 45 to 70 places
    coverage = rows[rows["indicator"] == "coverage"]
    assert set(coverage["unit"]) == {"pp"}


def test_status_transitions_only_list_changes(comparison):
    _, _, result = comparison
    assert (result.transitions["previous_status"] != result.transitions["current_status"]).all()
    village_shop = result.transitions[(result.transitions["quarter_id"] == "07")
                                      & (result.transitions["category"] == "convenience_store")]
    assert village_shop[["previous_status", "current_status"]].values.tolist() == [
        ["below_town", "above_town"]]  # no standard: town judgements


def test_previous_edition():
    assert previous_edition(["2022", "2024", "2025"], "2025") == "2024"
    assert previous_edition(["2026"], "2025") is None
