"""Integration: the Musterstadt sample loads through its config, for both editions."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import SAMPLE

import quartier
from quartier.assign import assign_points
from quartier.fields import FIELDS
from quartier.summary import population_by_quarter

CONFIG = SAMPLE / "quartier.toml"


@pytest.fixture(scope="module")
def study():
    return quartier.load_study(CONFIG)


def test_sample_loads_with_expected_findings_only(study):
    assert study.report.codes("error") == []
    assert study.report.codes("warning") == ["outside_quarters"]
    assert sorted(study.report.codes("note")) == ["ids_padded", "suppressed_values"]


def test_quarters_and_population(study):
    assert study.quarters["quarter_id"].tolist() == ["01", "02", "03", "04", "05", "06", "07"]
    register = pd.read_csv(SAMPLE / "einwohner_quartiere.csv", sep=";", encoding="cp1252")
    per_quarter = population_by_quarter(study).set_index("quarter_id")["total"]
    assert per_quarter.sum() == register["Einwohner"].sum() == 27_267
    # the grid, summed by cell centre, gives the same totals as the register
    cells = study.population_grid
    grid_totals = cells["total"].groupby(assign_points(cells, study.quarters)).sum()
    assert grid_totals.to_dict() == per_quarter.to_dict()


@pytest.mark.parametrize("edition, expected", [("2024", 194), ("2025", 195)])
def test_editions_read_their_own_facility_file(edition, expected):
    study = quartier.load_study(CONFIG, edition=edition)
    source = pd.read_csv(SAMPLE / f"einrichtungen_{edition}.csv", sep=";", dtype=str)
    assert study.edition == edition
    assert len(study.facilities) == len(source) == expected
    assert set(study.facilities["field"]) == set(FIELDS)
    capacities = pd.to_numeric(source["plaetze"]).sum()
    assert study.facilities["capacity"].sum() == capacities


def test_other_tables(study):
    assert sorted(study.social["year"].unique()) == [2022, 2023, 2024, 2025]
    assert len(study.actors) == 40 and study.actors["public"].dtype == bool
    assert len(study.measures) == 13
    assert len(study.concerns) == 493 and study.concerns["quarter_id"].notna().all()
    assert study.measures["start"].notna().all()
    assert study.housing["quarter_id"].tolist() == ["01", "02", "03", "04", "05", "06", "07"]
