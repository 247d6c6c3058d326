"""quartier.compute on the sample town and on Berlin: invariants and known results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import BERLIN, requires_berlin

from quartier.assign import assign_points
from quartier.catalogue import combined_members
from quartier.compute import RESULT_COLUMNS


def value(results, quarter, category, indicator):
    rows = results.indicators
    hit = rows[(rows["quarter_id"] == quarter) & (rows["category"] == category)
               & (rows["indicator"] == indicator)]
    return float(hit["value"].iloc[0])


def test_results_table_shape(sample):
    _, results = sample
    assert list(results.indicators.columns) == RESULT_COLUMNS
    assert not results.indicators.duplicated(["quarter_id", "category", "indicator"]).any()
    judged = results.indicators.dropna(subset=["status"])
    assert set(judged["status"]) <= {"gap", "met", "well_above", "below_town", "town_average",
                                     "above_town", "not_assessed", "hoch", "mittel",
                                     "niedrig", "sehr niedrig", "positiv", "stabil", "negativ"}


def test_surface_conserves_register_totals(sample):
    study, results = sample
    register = study.population_quarters.set_index("quarter_id")
    surface = results.surface.groupby("quarter_id")[["total", "age_0_2", "age_80_plus"]].sum()
    assert surface.to_numpy() == pytest.approx(
        register.loc[surface.index, ["total", "age_0_2", "age_80_plus"]].to_numpy())


def test_reference_population_and_counts_match_the_inputs(sample):
    study, results = sample
    register = study.population_quarters.set_index("quarter_id")
    kids = register["age_0_2"] + register["age_3_5"]
    for quarter in ("01", "02", "07"):
        assert value(results, quarter, "kita", "population") == pytest.approx(kids[quarter])
    located = assign_points(study.facilities, study.quarters)
    counts = results.indicators[results.indicators["indicator"] == "count"]
    # every facility inside, once (a combined category such as public_transport counts its
    # members' facilities again, by design)
    own = ~counts["category"].isin(list(combined_members(study.catalogue)))
    assert counts.loc[own, "value"].sum() == located.notna().sum()
    kita = study.facilities[(study.facilities["category"] == "kita") & (located == "02")]
    rate = kita["capacity"].sum() / kids["02"] * 1000
    assert value(results, "02", "kita", "supply_rate") == pytest.approx(rate)


def test_designed_gaps_of_the_sample_are_found(sample):
    _, results = sample
    gaps = results.gaps.set_index(["quarter_id", "category"])["status"]
    assert gaps[("07", "supermarket")] == "gap"  # the village has no supermarket
    assert value(results, "07", "supermarket", "coverage") == 0.0
    assert gaps[("06", "supermarket")] == "not_assessed"  # commercial quarter, 118 residents
    assert value(results, "07", "gp", "fca_access") == 0.0
    # the Bahnhofsviertel's Kita shortage: 70 places for 0.491 · 170 + 0.92 · 162 = 232.51
    # places needed (children 0–2 and 3–5 of the register) → a Lücke of 162.51 places
    kita = results.gaps.set_index(["quarter_id", "category"]).loc[("02", "kita")]
    assert kita["status"] == "gap" and kita["basis"] == "standard"
    assert kita["missing_places"] == pytest.approx(232.51 - 70)
    # no quarter without a facility of a category is a resource for it
    counts = results.indicators[results.indicators["indicator"] == "count"].set_index(
        ["quarter_id", "category"])["value"]
    resource = results.gaps.set_index(["quarter_id", "category"])["resource"]
    assert (counts.reindex(resource.index)[resource] > 0).all()


def test_fca_conserves_supply_when_all_supply_is_reached(sample):
    # Σ_q P_q·a_q / 1,000 = Σ_j S_j for pharmacies: every pharmacy has residents within 1 km
    study, results = sample
    rows = results.indicators[results.indicators["category"] == "pharmacy"].pivot_table(
        index="quarter_id", columns="indicator", values="value")
    reached = (rows["population"] * rows["fca_access"] / 1000).sum()
    assert reached == pytest.approx((study.facilities["category"] == "pharmacy").sum())


def test_status_index_of_the_sample(sample):
    _, results = sample
    status = results.status
    assert not status.at["06", "included"]  # 118 residents < 300
    assert status.at["02", "status_class"] == "sehr niedrig"
    included = status[status["included"]]
    assert included["status_index"].mean() == pytest.approx(0, abs=1e-12)
    assert included["status_index"].std(ddof=0) == pytest.approx(1)


@requires_berlin
def test_berlin_status_index_reproduces_published_2021_classes(berlin_sample):
    study, results = berlin_sample
    published = pd.read_csv(BERLIN / "mss" / "mss_2021_1.csv", dtype={"id": str}).set_index("id")
    ours = results.status["combined_class"].reindex(published.index)
    assert (ours.fillna("") == published["status_dynamik_index"].fillna("")).all()
    surface_total = results.surface["total"].sum()
    source = pd.read_csv(BERLIN / "einwohner_plr_2022-06.csv", sep=";", dtype=str,
                         encoding="utf-8-sig")
    assert surface_total == pytest.approx(pd.to_numeric(source["Gesamt"], errors="coerce").sum())
    assert np.isfinite(results.indicators.loc[results.indicators["indicator"] == "coverage",
                                              "value"].dropna()).all()
