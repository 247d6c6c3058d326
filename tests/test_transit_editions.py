"""Follow-ups of the combined public-transport standard (issue 11): a stop or a station of a
member category is the cause of a changed ``public_transport`` judgement, a basis changed by
the catalogue is a method change (hand-built editions of two 1 km quarters), and the sample's
combined judgement recomputed from its cells."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from quartier.editions.compare import compare_editions

CRS = "EPSG:25832"
MEMBERS = {"public_transport": {"transit_stop": 300.0, "rail_station": 600.0}}


def _quarters() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"quarter_id": ["A", "B"], "name": ["West", "Ost"]},
                            geometry=[shapely.box(0, 0, 1000, 1000),
                                      shapely.box(1000, 0, 2000, 1000)], crs=CRS)


def _facilities(rows: list[tuple[str, str, float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"facility_id": [r[0] for r in rows], "name": [f"Halt {r[0]}" for r in rows],
         "category": [r[1] for r in rows], "field": "environment"},
        geometry=[shapely.Point(r[2], r[3]) for r in rows], crs=CRS)


def _gaps(status: str) -> pd.DataFrame:
    return pd.DataFrame({"quarter_id": ["A"], "category": ["public_transport"],
                         "status": [status], "indicator": ["coverage"],
                         "basis": ["standard"], "value": [0.0 if status == "gap" else 90.0],
                         "target": [80.0], "standard_source": ["VDV"],
                         "standard_year": ["2001"]})


def _indicators(value: float) -> pd.DataFrame:
    return pd.DataFrame({"quarter_id": ["A"], "category": ["public_transport"],
                         "indicator": ["coverage"], "value": [value], "status": ["x"]})


def _compare(members):
    # 2024: a bus stop in A's middle. 2025: it is gone; a station and a bus stop opened in B's
    # middle, 500 m from A's edge: the station (600 m) reaches A, the bus stop (300 m) does not;
    # a station far east (1,900 m from A) does not either.
    before = _facilities([("T1", "transit_stop", 500, 500)])
    after = _facilities([("R1", "rail_station", 1500, 500), ("T2", "transit_stop", 1500, 500),
                         ("R2", "rail_station", 2900, 500)])
    return compare_editions(
        "2024", "2025", previous_indicators=_indicators(100.0),
        current_indicators=_indicators(0.0), previous_gaps=_gaps("met"),
        current_gaps=_gaps("gap"), previous_facilities=before, current_facilities=after,
        quarters=_quarters(), reach={"transit_stop": 300.0, "rail_station": 600.0},
        default_reach=1500.0, members=members)


def test_member_facilities_are_named_as_causes_of_a_combined_judgement():
    comparison = _compare(MEMBERS)
    assert comparison.transitions[["quarter_id", "category"]].values.tolist() == [
        ["A", "public_transport"]]
    causes = comparison.causes
    named = causes[causes["facility_id"].notna()]
    # by hand: T1 stands in A (0 m); R1 is 500 m from A's edge at x = 1000 (≤ 600 m)
    assert named[["cause", "facility_id", "distance_m"]].values.tolist() == [
        ["facility_opened", "R1", 500.0], ["facility_closed", "T1", 0.0]]
    assert set(named["category"]) == {"public_transport"}
    assert "other_change" not in set(causes["cause"])


def test_without_members_no_facility_explains_a_combined_judgement():
    causes = _compare(None).causes
    assert causes["cause"].tolist() == ["other_change"]


def _older_and_newer_judgements():
    """An edition stored before the combined standard (bus stops against the 300 m standard,
    no public_transport) and one after it (bus stops against the town, public_transport
    against the standard); one kita judgement changed in the quarter itself."""
    rows = {"quarter_id": ["A", "B", "A"], "indicator": ["coverage", "coverage", "supply"],
            "value": [90.0, 70.0, 1.0], "target": [80.0, 80.0, 2.0]}
    before = pd.DataFrame({**rows, "category": ["transit_stop", "transit_stop", "kita"],
                           "status": ["met", "gap", "below_town"],
                           "basis": ["standard", "standard", "town"]})
    after = pd.DataFrame({
        "quarter_id": ["A", "B", "A", "B", "A"],
        "category": ["transit_stop", "transit_stop", "public_transport", "public_transport",
                     "kita"],
        "indicator": ["fca_access", "fca_access", "coverage", "coverage", "supply"],
        "value": [1.2, 0.8, 95.0, 85.0, 3.0], "target": [1.0, 1.0, 80.0, 80.0, 2.0],
        "status": ["town_average", "town_average", "met", "met", "above_town"],
        "basis": ["town", "town", "standard", "standard", "town"]})
    return before, after


def test_a_basis_changed_by_the_catalogue_is_a_method_change_not_a_change_in_the_quarter():
    before, after = _older_and_newer_judgements()
    facilities = _facilities([("K1", "kita", 500, 500)])
    # the bus stops' 2SFCA catchment grew from 300 m to 1,500 m with the method: −87.5 %
    # there is no change of quarter A, the kita's +100 % is
    def access(stop: float, kita: float) -> pd.DataFrame:
        return pd.DataFrame({"quarter_id": ["A", "A"], "category": ["transit_stop", "kita"],
                             "indicator": ["fca_access", "fca_access"], "value": [stop, kita],
                             "status": [None, None]})

    comparison = compare_editions(
        "2024", "2025", previous_indicators=access(8.0, 1.0),
        current_indicators=access(1.0, 2.0),
        previous_gaps=before, current_gaps=after, previous_facilities=facilities,
        current_facilities=facilities, quarters=_quarters())
    # by hand: transit_stop changed its basis in both quarters, public_transport is new in
    # both; only the kita judgement of A changed in the quarter
    assert comparison.method_changes.fillna("–").values.tolist() == [
        ["public_transport", "–", "standard", 2], ["transit_stop", "standard", "town", 2]]
    assert comparison.transitions[["quarter_id", "category"]].values.tolist() == [
        ["A", "kita"]]
    assert set(comparison.causes["category"]) == {"kita"}

    from quartier.report.changes import changes_context

    names = pd.Series({"A": "West", "B": "Ost"})
    labels = {"transit_stop": "Bushaltestelle", "public_transport": "ÖPNV insgesamt",
              "kita": "Kita"}
    chapter = changes_context(comparison, names, labels, "de", chart=False)
    [note] = chapter["notes"]
    assert note.startswith("Bewertungsgrundlage geändert seit der Ausgabe 2024")
    assert ("ÖPNV insgesamt neu gegen einen Richtwert bewertet; Bushaltestelle wird jetzt mit "
            "dem Stadtmittel verglichen (vorher gegen einen Richtwert)") in note
    assert chapter["lead"].endswith("1 Bewertung hat sich geändert.")
    assert [t["category_key"] for t in chapter["transitions"]] == ["kita"]
    [largest] = chapter["largest"]
    assert [(row["category"], row["change"]) for row in largest["rows"]] == [
        ("Kita", "+100\u00a0%")]
    english = changes_context(comparison, names, labels, "en", chart=False)
    assert "Bushaltestelle is now compared with the town average" in english["notes"][0]


def test_sample_public_transport_is_the_bus_stops_plus_the_station(sample_current):
    # the sample town has one railway station (Bahnhof Musterstadt) beside its 39 stops: the
    # combined coverage, recomputed from shapely distances of the cells, equals the bus-only
    # share wherever residents live near stops, and the station serves Gewerbegebiet Ost
    study, results = sample_current
    stops = study.facilities[study.facilities["category"].isin(["transit_stop",
                                                                "rail_station"])]
    assert stops["category"].value_counts().to_dict() == {"transit_stop": 39,
                                                          "rail_station": 1}
    gaps = results.gaps[results.gaps["category"] == "public_transport"].set_index("quarter_id")
    shares = {}
    for quarter, cells in results.surface.groupby("quarter_id"):
        reached = {}
        for key, limit in (("transit_stop", 300.0), ("rail_station", 600.0)):
            tree = shapely.STRtree(stops[stops["category"] == key].geometry.to_numpy())
            hits = tree.query(cells.geometry.to_numpy(), predicate="dwithin", distance=limit)
            reached[key] = np.isin(np.arange(len(cells)), hits[0])
        people = cells["total"].to_numpy()
        either = reached["transit_stop"] | reached["rail_station"]
        shares[quarter] = (100 * people[reached["transit_stop"]].sum() / people.sum(),
                           100 * people[either].sum() / people.sum())
        assert gaps.at[quarter, "value"] == pytest.approx(shares[quarter][1])
        if gaps.at[quarter, "basis"] == "standard":
            assert gaps.at[quarter, "unmet_people"] == pytest.approx(people[~either].sum())
    assert shares["06"][0] == pytest.approx(2.54, abs=0.01) and shares["06"][1] == 100.0
    assert all(bus == pytest.approx(both) for quarter, (bus, both) in shares.items()
               if quarter != "06")
    # residential quarters: met or well above the standard, none a Lücke; 06 (118 residents)
    # is not assessed
    assert gaps["status"].to_dict() == {
        "01": "well_above", "02": "well_above", "03": "met", "04": "met", "05": "met",
        "06": "not_assessed", "07": "met"}
