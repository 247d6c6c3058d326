"""Real data: Berlin's 542 planning areas (../shared/data/berlin), loaded by the example config."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner

import quartier
from quartier.cli import cli
from quartier.load.ids import clean_ids, pad_ids
from quartier.summary import population_by_quarter
from conftest import BERLIN, PROJECT, requires_berlin

pytestmark = requires_berlin
CONFIG = PROJECT / "examples" / "berlin" / "quartier.toml"


@pytest.fixture(scope="module")
def berlin():
    study, report = quartier.validate_study(CONFIG)
    assert report.ok, report.format()
    return study


def test_542_planning_areas_with_eight_digit_ids(berlin):
    assert len(berlin.quarters) == 542
    assert berlin.quarters["quarter_id"].str.fullmatch(r"\d{8}").all()
    assert berlin.quarters["quarter_id"].iloc[0] == "01100101"
    assert berlin.quarters.crs.to_epsg() == 25833


def test_population_total_equals_source_file(berlin):
    source = pd.read_csv(BERLIN / "einwohner_plr_2022-06.csv", sep=";", dtype=str,
                         encoding="utf-8-sig")
    expected = pd.to_numeric(source["Gesamt"], errors="coerce").sum()
    assert expected == 3_821_881
    assert population_by_quarter(berlin)["total"].sum() == expected
    bands = berlin.population_quarters.set_index("quarter_id")
    assert bands.at["01100101", "age_0_5"] == 169 and bands.at["01100101", "age_65_plus"] == 714


def test_registers_are_complete_and_capacities_add_up(berlin):
    facilities = berlin.facilities
    for file, category, capacity in (("kindertagesstaetten", "kita", "e_platz"),
                                     ("pflegeeinrichtungen", "nursing_home", "platzzahl"),
                                     ("jugendfreizeiteinrichtungen", "youth_centre", "e_platz")):
        source = gpd.read_file(BERLIN / "facilities" / f"{file}.geojson")
        ours = facilities[facilities["category"] == category]
        assert len(ours) == len(source)
        assert ours["capacity"].sum() == pd.to_numeric(source[capacity]).sum()
    schools = facilities[facilities["source"] == "Schulen (Senatsverwaltung)"]
    assert len(schools) == 902
    assert (schools["category"] == "primary_school").sum() == 376
    pharmacies = facilities[facilities["category"] == "pharmacy"]
    assert len(pharmacies) == 732 and (pharmacies.geom_type == "Point").all()


def test_osm_planning_area_ids_join_after_padding(berlin):
    osm = gpd.read_file(BERLIN / "osm_poi" / "libraries.geojson")
    ids, changed = pad_ids(clean_ids(osm["planning-area-id"]), 8)
    assert changed > 0
    assert set(ids.dropna()) <= set(berlin.quarters["quarter_id"])


def test_cli_validate_and_info_run_clean():
    runner = CliRunner()
    validate = runner.invoke(cli, ["validate", str(CONFIG)])
    assert validate.exit_code == 0, validate.output
    assert "0 Fehler, 0 Warnungen" in validate.output
    info = runner.invoke(cli, ["info", str(CONFIG)])
    assert info.exit_code == 0, info.output
    assert "Quartiere: 542" in info.output and "3.821.881" in info.output


def test_places_assigned_to_planning_areas_add_up_to_the_source_totals(berlin):
    """Issue 6: places of all nursing homes and Kitas in planning areas = source totals."""
    from quartier.report.reconcile import facility_reconciliation

    results = quartier.compute(berlin)
    capacity = results.indicators[results.indicators["indicator"] == "capacity"]
    table = facility_reconciliation(berlin.facilities)
    plr = gpd.read_file(BERLIN / "plr_2021" / "lor_planungsraeume_2021.shp")
    for file, category, column, label in (
            ("kindertagesstaetten", "kita", "e_platz", "Kitas (Senatsverwaltung)"),
            ("pflegeeinrichtungen", "nursing_home", "platzzahl",
             "Pflegeeinrichtungen (Senatsverwaltung)")):
        source = gpd.read_file(BERLIN / "facilities" / f"{file}.geojson")
        total = pd.to_numeric(source[column]).sum()
        # second method: a spatial join of the source points with the planning areas
        joined = gpd.sjoin(source.to_crs(plr.crs), plr[["PLR_ID", "geometry"]],
                           predicate="within", how="left")
        assert joined["PLR_ID"].notna().all()  # no Kita, no nursing home outside Berlin
        per_area = pd.to_numeric(joined[column]).groupby(joined["PLR_ID"]).sum()
        ours = capacity[capacity["category"] == category].set_index("quarter_id")["value"]
        assert ours.sum() == total
        pd.testing.assert_series_equal(ours[ours > 0].sort_index(),
                                       per_area[per_area > 0].astype(float).sort_index(),
                                       check_names=False, check_index_type=False)
        assert table.at[label, "capacity_inside"] == total
        assert table.at[label, "outside"] == 0
    assert table.iloc[-1]["facilities"] == len(berlin.facilities) == 18079
    assert table.iloc[-1]["outside"] == 0


def test_2019_edition_on_the_old_planning_areas_validates():
    study, report = quartier.validate_study(PROJECT / "examples" / "berlin" / "quartier_2019.toml")
    assert report.ok, report.format()
    assert len(study.quarters) == 448 and study.quarters["quarter_id"].is_unique
    # the corrected object is Charlottenburg's Schloßstraße, which MSS 2019 lists as 04030417
    mss = pd.read_csv(BERLIN / "mss" / "mss_2019_2-1.csv", dtype={"id": str})
    assert "04030417" in set(study.quarters["quarter_id"]) and "04030417" in set(mss["id"])
    assert population_by_quarter(study)["total"].sum() == mss["inhabitants"].sum()
