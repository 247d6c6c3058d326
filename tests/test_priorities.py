"""Priorities by need: hand-built judgements with worked-out people and ranks."""

import math

import numpy as np
import pandas as pd
import pytest

from quartier.indicators.priorities import need_in_people, priorities

NAN = np.nan
#: The category of the rate standard in the fixture (a paediatrician, planned per quarter).
RATE = "paediatrician"


def _gaps() -> pd.DataFrame:
    # the rate standard is a paediatrician's (planned per quarter here): GPs are planned per
    # Mittelbereich and never ranked, see test_gp_lucken_are_shown_but_not_ranked
    rows = [
        # quarter, category, field, indicator, value, target, basis, status, reason,
        # unmet_people, missing_places, demand
        ("A", "kita", "social_infrastructure", "places_vs_demand", 60.0, 100.0, "standard", "gap",
         "", NAN, 120.0, 300.0),
        ("A", "playground", "environment", "coverage", 50.0, 75.0, "standard", "gap", "",
         400.0, NAN, NAN),
        ("A", "supermarket", "environment", "coverage", 60.0, 75.0, "standard", "gap", "",
         300.0, NAN, NAN),
        ("A", "library", "social_infrastructure", "fca_access", 0.1, 0.3, "town", "below_town",
         "", 999.0, NAN, NAN),
        ("B", RATE, "health_care", "fca_access", 0.558, 0.62, "standard", "gap", "", NAN,
         0.496, NAN),
        ("B", "playground", "environment", "coverage", 80.0, 75.0, "standard", "met", "",
         150.0, NAN, NAN),
        ("B", "library", "social_infrastructure", "fca_access", 0.9, 0.3, "town", "above_town",
         "", NAN, NAN, NAN),
        ("D", RATE, "health_care", "fca_access", 0.0, 0.62, "standard", "gap", "", NAN, 3.1,
         NAN),
        ("D", "kita", "social_infrastructure", "places_vs_demand", 110.0, 100.0, "standard",
         "met", "", NAN, 0.0, 80.0),
        ("C", "kita", "social_infrastructure", "places_vs_demand", NAN, NAN, "not_assessed",
         "not_assessed", "few_residents", NAN, NAN, NAN),
        ("C", RATE, "health_care", "fca_access", NAN, NAN, "not_assessed", "not_assessed",
         "few_residents", NAN, NAN, NAN),
        ("F", RATE, "health_care", "fca_access", NAN, NAN, "not_assessed", "not_assessed",
         "mostly_non_residential", NAN, NAN, NAN),
        ("E", RATE, "health_care", "fca_access", 0.0, 0.62, "standard", "gap", "", NAN, 0.155,
         NAN),
    ]
    return pd.DataFrame(rows, columns=["quarter_id", "category", "field", "indicator", "value",
                                       "target", "basis", "status", "reason", "unmet_people",
                                       "missing_places", "demand"])


def _indicators() -> pd.DataFrame:
    residents = {"A": 5000.0, "B": 8000.0, "C": 200.0, "D": 4000.0, "E": 250.0, "F": 40.0}
    rows = [{"quarter_id": q, "category": None, "indicator": "residents", "value": v}
            for q, v in residents.items()]
    rows += [{"quarter_id": q, "category": category, "indicator": "population", "value": v}
             for q, v in residents.items() for category in ("paediatrician", "gp")]
    return pd.DataFrame(rows)


def _social() -> pd.DataFrame:
    return pd.DataFrame({"status_class": ["sehr niedrig", "mittel", "hoch", None]},
                        index=pd.Index(["A", "B", "C", "D"], name="quarter_id"))


def test_need_in_people_per_rule():
    gaps = _gaps()
    people = need_in_people(gaps, _indicators())
    by_row = dict(zip(zip(gaps["quarter_id"], gaps["category"]), people))
    assert by_row[("A", "kita")] == 120.0          # demand standard: one place, one child
    assert by_row[("A", "playground")] == 400.0    # distance standard: unmet people
    assert by_row[("A", "supermarket")] == 300.0
    assert by_row[("A", "library")] == 0.0         # town judgement: never a need
    assert by_row[("B", RATE)] == pytest.approx(0.496 * 1000 / 0.62)   # = 800 people
    assert by_row[("B", "playground")] == 0.0      # met: not counted although 150 unmet
    assert by_row[("D", RATE)] == 4000.0           # 3.1 · 1000 / 0.62 = 5000, capped at P
    assert by_row[("C", RATE)] == 0.0


def test_priorities_rank_by_weighted_need():
    table = priorities(_gaps(), _indicators(), _social(), min_population=300)
    ranked = table[table["ranked"]]
    # A: (120 + max(400, 300)) × 2 (sehr niedrig) = 1040 – within a field the largest need
    # counts, the supermarket's 300 are mostly the playground's 400; A comes first as the
    # only quarter where Lücken meet a low status (group 1), then D: 4000 people × 1 = 4000
    # and B: 800 × 1 = 800 (group 2)
    assert ranked["quarter_id"].tolist() == ["A", "D", "B"]
    assert ranked["group"].tolist() == [1, 2, 2]
    assert ranked["rank"].tolist() == [1.0, 2.0, 3.0]
    a = table.set_index("quarter_id").loc["A"]
    assert a["people"] == 520.0 and a["weighted_need"] == 1040.0 and a["weight"] == 2.0
    assert a["people_social_infrastructure"] == 120.0 and a["people_environment"] == 400.0
    assert a["top_category"] == "playground" and a["top_people"] == 400.0
    assert a["gaps"] == 3 and a["below_town"] == 1
    assert a["status_class"] == "sehr niedrig"
    d = table.set_index("quarter_id").loc["D"]
    assert not isinstance(d["status_class"], str) and d["weight"] == 1.0


def test_priorities_list_small_and_non_residential_quarters_apart():
    table = priorities(_gaps(), _indicators(), _social(), min_population=300)
    apart = table[~table["ranked"]].set_index("quarter_id")
    # C: every row not assessed (few residents); F: mostly non-residential;
    # E: judged (a Lücke) but 250 residents < 300
    assert apart["reason"].to_dict() == {"C": "few_residents", "E": "few_residents",
                                         "F": "mostly_non_residential"}
    assert apart["rank"].isna().all()
    assert table["quarter_id"].tolist()[-3:] == ["C", "E", "F"]
    assert priorities(_gaps(), _indicators(), _social(), min_population=100).set_index(
        "quarter_id").at["E", "rank"] == 4.0


def test_priorities_weights_are_a_parameter_and_total_is_conserved():
    flat = priorities(_gaps(), _indicators(), _social(),
                      status_weights={"sehr niedrig": 1.0}, low_status_first=False)
    assert flat[flat["ranked"]]["quarter_id"].tolist() == ["D", "B", "A"]
    fields = [c for c in flat.columns if c.startswith("people_")]
    assert np.allclose(flat[fields].sum(axis=1), flat["people"])
    # every need counts except the smaller one of two in the same field (A's supermarket)
    assert math.isclose(flat["people"].sum(),
                        need_in_people(_gaps(), _indicators()).sum() - 300.0)


def _with_gp_in_d() -> pd.DataFrame:
    """The fixture with D's rate Lücke (3.1 doctors missing, 4000 people) a GP Lücke."""
    gaps = _gaps()
    gaps.loc[(gaps["quarter_id"] == "D") & (gaps["category"] == "paediatrician"),
             "category"] = "gp"
    return gaps


def test_gp_lucken_are_shown_but_not_ranked():
    # the G-BA ratio applies to the Mittelbereich (catalogue planning_scale = mittelbereich):
    # D's GP Lücke keeps its row (and counts as a Lücke) but is no need in people
    gaps = _with_gp_in_d()
    people = need_in_people(gaps, _indicators())
    assert people[(gaps["quarter_id"] == "D") & (gaps["category"] == "gp")].tolist() == [0.0]
    table = priorities(gaps, _indicators(), _social(), min_population=300).set_index(
        "quarter_id")
    assert table.at["D", "people"] == 0.0 and table.at["D", "group"] == 3
    assert table.at["D", "gaps"] == 1
    # A (1040, group 1), B (800, group 2), then D without need (group 3)
    ranked = table[table["ranked"]].sort_values("rank")
    assert ranked.index.tolist() == ["A", "B", "D"]


def test_gp_ranking_follows_the_catalogue():
    from quartier.catalogue import default_catalogue

    catalogue = default_catalogue()
    assert catalogue.at["gp", "planning_scale"] == "mittelbereich"
    catalogue.loc["gp", "planning_scale"] = ""  # a town planning GPs per quarter
    table = priorities(_with_gp_in_d(), _indicators(), _social(), min_population=300,
                       catalogue=catalogue).set_index("quarter_id")
    assert table.at["D", "people"] == 4000.0 and table.at["D", "rank"] == 2.0
    other = catalogue.copy()
    other.loc["kita", "planning_scale"] = "Bezirk"  # any larger area takes a category out
    assert need_in_people(_gaps(), _indicators(), other)[
        (_gaps()["quarter_id"] == "A") & (_gaps()["category"] == "kita")].tolist() == [0.0]
