"""Integration: the Musterstadt sample loads through its config, for both editions."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

import quartier
from quartier.assign import assign_points
from quartier.fields import FIELDS
from quartier.report.simple import facility_counts, render_simple_report
from quartier.summary import population_by_quarter
from conftest import SAMPLE

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


def test_facility_counts_conserve_every_facility(study):
    counts = facility_counts(study)
    assert counts["count"].sum() == len(study.facilities)
    assert counts.loc[counts["quarter_id"].isna(), "count"].sum() == 3  # outside the town
    assert counts["capacity"].sum() == study.facilities["capacity"].sum()


def test_other_tables(study):
    assert sorted(study.social["year"].unique()) == [2022, 2023, 2024, 2025]
    assert len(study.actors) == 40 and study.actors["public"].dtype == bool
    assert len(study.measures) == 10
    assert study.measures["start"].notna().all()
    assert study.housing["quarter_id"].tolist() == ["01", "02", "03", "04", "05", "06", "07"]


def test_simple_report_renders_in_both_languages(study):
    html = render_simple_report(study)
    assert 'lang="de"' in html and "27.267" in html and "Bahnhofsviertel" in html
    english = render_simple_report(replace(study, config=replace(study.config, language="en")))
    assert 'lang="en"' in english and "27,267" in english and "Social infrastructure" in english
