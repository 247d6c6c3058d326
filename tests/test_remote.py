"""The plausibility check "Wohnlage prüfen" (quartier.indicators.remote): residents placed in
cells with no facility of any category within 400 m, worked out by hand, on the sample town and
on Berlin (recomputed there with shapely, not with the k-d tree of the module)."""

import html
import math
import re
from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import requires_berlin

from quartier.indicators.priorities import priorities
from quartier.indicators.remote import remote_flags, remote_residents

CRS = "EPSG:25832"


def _cells() -> gpd.GeoDataFrame:
    # quarter, residents, x, y; facilities at A (0, 0) and B (1000, 0)
    rows = [
        ("01", 10.0, 0, 300),      # 300 m from A: reached
        ("01", 20.0, 0, 400),      # exactly 400 m from A: reached (inclusive)
        ("01", 30.0, 500, 0),      # 500 m from A and from B: remote
        ("01", 40.0, 1000, 401),   # 401 m from B: remote
        ("02", 5.0, 1300, 0),      # 300 m from B: reached
        ("02", 0.0, 1000, -100),   # nobody lives here
        ("03", 0.0, 5000, 5000),   # a quarter without residents
    ]
    frame = pd.DataFrame(rows, columns=["quarter_id", "total", "x", "y"])
    return gpd.GeoDataFrame(frame[["quarter_id", "total"]],
                            geometry=gpd.points_from_xy(frame["x"], frame["y"]), crs=CRS)


def _facilities() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"category": ["supermarket", "transit_stop"]},
                            geometry=gpd.points_from_xy([0, 1000], [0, 0]), crs=CRS)


def test_remote_residents_worked_by_hand():
    table = remote_residents(_cells(), _facilities()).set_index("quarter_id")
    # 01: 30 + 40 of 10 + 20 + 30 + 40 = 100 residents are farther than 400 m from A and B
    assert table.loc["01", "residents"] == 100.0
    assert table.loc["01", "remote_residents"] == 70.0
    assert table.loc["01", "remote_share"] == pytest.approx(0.7)
    assert table.loc["02", "remote_residents"] == 0.0 and table.loc["02", "remote_share"] == 0.0
    # no residents: the share is unknown, not 0 and not 1
    assert table.loc["03", "residents"] == 0.0 and math.isnan(table.loc["03", "remote_share"])


def test_a_larger_radius_reaches_the_cell_exactly_at_it():
    table = remote_residents(_cells(), _facilities(), radius_m=500.0).set_index("quarter_id")
    # the 500 m cell is reached at 500 m, the 401 m cell too
    assert table.loc["01", "remote_residents"] == 0.0
    table = remote_residents(_cells(), _facilities(), radius_m=350.0).set_index("quarter_id")
    # at 350 m the cell 400 m from A falls out as well: 20 + 30 + 40 of 100
    assert table.loc["01", "remote_share"] == pytest.approx(0.9)


def test_without_any_facility_everybody_is_remote():
    empty = _facilities().iloc[:0]
    table = remote_residents(_cells(), empty).set_index("quarter_id")
    assert table.loc["01", "remote_share"] == 1.0 and table.loc["02", "remote_share"] == 1.0
    # conservation: remote residents never exceed the residents, and all of them are counted
    assert table["remote_residents"].sum() == _cells()["total"].sum()


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="radius_m"):
        remote_residents(_cells(), _facilities(), radius_m=0.0)
    with pytest.raises(ValueError, match="total"):
        remote_residents(_cells().drop(columns="total"), _facilities())
    with pytest.raises(ValueError, match="same projected CRS"):
        remote_residents(_cells(), _facilities().to_crs("EPSG:25833"))


def test_flags_travel_with_the_priority_row_without_changing_the_rank():
    gaps = pd.DataFrame({
        "quarter_id": ["01", "02"], "category": ["supermarket", "supermarket"],
        "field": ["environment", "environment"], "indicator": ["coverage", "coverage"],
        "value": [30.0, 90.0], "target": [75.0, 75.0], "basis": ["standard", "standard"],
        "status": ["gap", "gap"], "reason": ["", ""], "unmet_people": [70.0, 400.0],
        "missing_places": [np.nan, np.nan], "demand": [np.nan, np.nan]})
    indicators = pd.DataFrame({"quarter_id": ["01", "02"], "category": [None, None],
                               "indicator": ["residents", "residents"],
                               "value": [1000.0, 5000.0]})
    remote = remote_residents(_cells(), _facilities())
    plain = priorities(gaps, indicators)
    checked = priorities(gaps, indicators, remote=remote)
    # the ranking stays by need (02 has 400 people without a supermarket, 01 70)
    assert checked["quarter_id"].tolist() == plain["quarter_id"].tolist() == ["02", "01"]
    assert checked["rank"].tolist() == plain["rank"].tolist()
    flags = checked.set_index("quarter_id")
    assert flags.loc["01", "remote_share"] == pytest.approx(0.7)
    assert bool(flags.loc["01", "check_location"]) and not flags.loc["02", "check_location"]
    # without results.remote nothing is flagged, the share is unknown
    assert not plain["check_location"].any() and plain["remote_share"].isna().all()
    # the threshold is a parameter: above 0.7 nothing is flagged
    assert not priorities(gaps, indicators, remote=remote,
                          remote_share_flag=0.7)["check_location"].any()


def test_remote_flags_align_to_the_quarters():
    remote = remote_residents(_cells(), _facilities())
    flags = remote_flags(remote, pd.Index(["03", "01", "99"]), threshold=0.5)
    assert flags["check_location"].tolist() == [False, True, False]
    assert flags["remote_share"].isna().tolist() == [True, False, True]


def test_sample_town_has_no_quarter_to_check(sample):
    """Musterstadt: a Zensus grid where every populated cell has some facility nearby.

    The farthest populated cell from any facility lies in quarter 06 (a small settlement of 118
    residents) at about 378 m – recomputed here with shapely distances to all facility points –
    so at 400 m nobody is remote and no quarter is flagged; at 300 m only cells of 06 are
    remote, and the figures match the shapely recomputation.
    """
    study, results = sample
    assert results.remote is not None
    assert (results.remote["remote_residents"] == 0).all()
    ranking = priorities(results.gaps, results.indicators, results.social_index,
                         remote=results.remote)
    assert not ranking["check_location"].any()
    everything = shapely.MultiPoint(shapely.get_coordinates(study.facilities.geometry.to_numpy()))
    distance = shapely.distance(results.surface.geometry.to_numpy(), everything)
    farthest = pd.Series(distance).groupby(results.surface["quarter_id"].to_numpy()).max()
    assert farthest.idxmax() == "06" and 370 < farthest.max() < 400
    near = remote_residents(results.surface, study.facilities, radius_m=300.0)
    expected = (pd.Series(np.where(distance > 300.0, results.surface["total"], 0.0))
                .groupby(results.surface["quarter_id"].to_numpy()).sum())
    got = near.set_index("quarter_id")["remote_residents"]
    assert np.allclose(got.to_numpy(), expected.reindex(got.index).to_numpy())
    assert got["06"] > 0 and got.drop("06").eq(0).all()


def test_report_marks_the_quarters_to_check(sample):
    """The sample at 200 m and a 5 % threshold: quarters 07 (rank 2) and 04 (rank 3) have
    6.6 % and 9.6 % of their residents farther than 200 m from every facility (recomputed with
    shapely below), 02 (rank 1) none; 06 (98 %, listed apart) is flagged too."""
    from quartier.format import format_percent
    from quartier.report.build import render_report

    study, results = sample
    settings = replace(study.config.indicators, remote_radius_m=200.0, remote_share_flag=0.05)
    study = replace(study, config=replace(study.config, indicators=settings))
    results = replace(results, remote=remote_residents(results.surface, study.facilities,
                                                       200.0))
    everything = shapely.MultiPoint(shapely.get_coordinates(study.facilities.geometry.to_numpy()))
    far = shapely.distance(results.surface.geometry.to_numpy(), everything) > 200.0
    people = results.surface["total"].to_numpy(dtype=float)
    by = results.surface["quarter_id"].to_numpy()
    share = (pd.Series(np.where(far, people, 0.0)).groupby(by).sum()
             / pd.Series(people).groupby(by).sum())
    assert set(share[share > 0.05].index) == {"04", "06", "07"}
    names = study.quarters.set_index("quarter_id")["name"]

    index = render_report(study, results, maps=False, interactive=False)["index.html"]
    table = index[index.index('<table class="attention">'):]
    table = table[:table.index("</table>")]
    rows = dict(re.findall(r'<tr data-quarter="([^"]+)">(.*?)</tr>', table))
    assert "Wohnlage prüfen" in rows["07"] and "Wohnlage prüfen" in rows["04"]
    assert "Wohnlage prüfen" not in rows["02"]
    def flat(text: str) -> str:  # tags dropped, every kind of space one blank
        return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))

    plain = flat(index)
    note = ("{} der Einwohner*innen sind Flächen ohne jede Einrichtung im Umkreis von 200 m "
            "zugeordnet – etwa Parks oder Kleingärten")
    for quarter in ("04", "07"):
        assert flat(f"Wohnlage prüfen – {names[quarter]}: "
                    + note.format(format_percent(100 * share[quarter], 0))) in plain
    first_screen = plain[:plain.index(" Quartiere mit Handlungsbedarf ")]
    # the marker sits beside the social status: 07 is "mittel", 02 "sehr niedrig"
    assert f"{names['07']} (sozialer Status mittel; Wohnlage prüfen)" in first_screen
    assert f"{names['02']} (sozialer Status sehr niedrig)" in first_screen
    profile = index[index.index('id="q-07"'):]
    profile = flat(profile[:profile.index("</section>")])
    assert flat("Wohnlage prüfen: " + note.format(format_percent(100 * share["07"], 0))) \
        in profile
    citywide = format_percent(100 * people[far].sum() / people.sum(), 1)
    assert flat(f"Über 5 % wird ein Quartier markiert (3 Quartiere; in der ganzen Stadt "
                f"{citywide} der Einwohner*innen)") in plain


@requires_berlin
def test_berlin_parks_and_airfields_are_flagged(berlin_study):
    """Berlin: totals per planning area spread over land minus OSM green and water, which
    lack parks, cemeteries and allotments. Märchenland, TXL and Afrikanische Straße (rank 1 of
    the priorities, residents placed in Volkspark Rehberge and the allotments) are flagged;
    citywide about 3 % of the residents are remote. The three quarters are recomputed with
    shapely ``dwithin`` against every facility point."""
    from quartier.compute import population_surface

    surface = population_surface(berlin_study)
    facilities = berlin_study.facilities
    remote = remote_residents(surface, facilities)
    citywide = remote["remote_residents"].sum() / remote["residents"].sum()
    assert 0.02 < citywide < 0.04
    flags = remote_flags(remote, berlin_study.quarters["quarter_id"])
    names = berlin_study.quarters.set_index("quarter_id")["name"]
    flagged = set(names[flags["check_location"].to_numpy()])
    assert {"Märchenland", "TXL", "Afrikanische Straße"} <= flagged
    assert 30 <= len(flagged) <= 50

    ids = names[names.isin(["Märchenland", "TXL", "Afrikanische Straße"])].index
    own = surface[surface["quarter_id"].isin(ids)]
    everything = shapely.MultiPoint(shapely.get_coordinates(facilities.geometry.to_numpy()))
    shapely.prepare(everything)
    reached = shapely.dwithin(own.geometry.to_numpy(), everything, 400.0)
    by_hand = (pd.Series(np.where(reached, 0.0, own["total"].to_numpy(dtype=float)))
               .groupby(own["quarter_id"].to_numpy()).sum()
               / own.groupby("quarter_id")["total"].sum())
    shares = remote.set_index("quarter_id")["remote_share"]
    for quarter in ids:
        assert shares[quarter] == pytest.approx(by_hand[quarter], abs=1e-9)
        assert by_hand[quarter] > 0.2
    # Märchenland about two thirds, TXL more than half, Afrikanische Straße just above 20 %
    by_name = by_hand.rename(names)
    assert 0.6 < by_name["Märchenland"] < 0.75 and 0.5 < by_name["TXL"] < 0.65
    assert 0.2 < by_name["Afrikanische Straße"] < 0.26
