"""Two-step floating catchment (quartier.indicators.catchment), by hand and against PySAL access."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import cdist

from quartier.indicators import catchment
from quartier.indicators.catchment import (
    gaussian_decay,
    gravity_decay,
    step_decay,
    two_step_fca,
)

# EPSG:3035-like offsets, so that rounding happens at realistic coordinate magnitudes
X0, Y0 = 4_300_000.0, 2_900_000.0
CRS = "EPSG:3035"

# access 1.1.10 calls DataFrame.set_index(inplace=True), deprecated in pandas 3
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword")


def frame(xy: np.ndarray, crs: str | None = CRS, index=None, **columns) -> gpd.GeoDataFrame:
    xy = np.asarray(xy, dtype=float)
    return gpd.GeoDataFrame(columns, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=crs,
                            index=index)


# --------------------------------------------------------------------------------------------
# worked by hand
# --------------------------------------------------------------------------------------------

# Demand (residents)              Facilities (places)
#   A at (0, 0),     P = 100        F at (0, 0),      S = 10
#   B at (600, 800), P = 300        G at (1200, 800), S = 6
#   C at (10000, 0), P = 50
# Distances (m):
#   A-F = 0                     A-G = sqrt(1200² + 800²) = 1442.2
#   B-F = sqrt(600² + 800²) = 1000 (exactly at the cut-off)
#   B-G = 600
#   C-F = 10000                 C-G = sqrt(8800² + 800²) = 8836.3
HAND_DEMAND = frame(np.array([[0, 0], [600, 800], [10_000, 0]]) + [X0, Y0],
                    index=pd.Index(["A", "B", "C"], name="cell"), pop=[100, 300, 50])
HAND_SUPPLY = frame(np.array([[0, 0], [1200, 800]]) + [X0, Y0],
                    index=["F", "G"], places=[10, 6])


def test_hand_example_plain_2sfca() -> None:
    # cut-off 1000 m, inclusive: pairs A-F (0), B-F (1000), B-G (600)
    # step 1: R_F = 10 / (100 + 300) = 0.025
    #         R_G =  6 / 300         = 0.02
    # step 2: A_A = R_F             = 0.025
    #         A_B = R_F + R_G       = 0.045
    #         A_C = (reaches nothing) NaN
    result = two_step_fca(HAND_DEMAND, HAND_SUPPLY, 1000,
                          demand_column="pop", supply_column="places")
    assert result.name == "access"
    assert result.index.equals(HAND_DEMAND.index)
    np.testing.assert_allclose(result.to_numpy(), [0.025, 0.045, np.nan], rtol=1e-15)
    # conservation: 100 * 0.025 + 300 * 0.045 = 2.5 + 13.5 = 16 = 10 + 6
    assert np.nansum(result.to_numpy() * HAND_DEMAND["pop"].to_numpy()) == pytest.approx(16)


def test_hand_example_just_below_the_cut_off() -> None:
    # cut-off 999.999 m: B-F (1000) drops out; pairs A-F, B-G
    # R_F = 10 / 100 = 0.1;  R_G = 6 / 300 = 0.02
    # A_A = 0.1;  A_B = 0.02;  A_C = NaN
    result = two_step_fca(HAND_DEMAND, HAND_SUPPLY, 999.999,
                          demand_column="pop", supply_column="places")
    np.testing.assert_allclose(result.to_numpy(), [0.1, 0.02, np.nan], rtol=1e-15)


def test_hand_example_facility_count_as_supply() -> None:
    # supply_column=None: S_F = S_G = 1
    # R_F = 1 / 400 = 0.0025;  R_G = 1 / 300
    # A_A = 0.0025;  A_B = 0.0025 + 1/300
    result = two_step_fca(HAND_DEMAND, HAND_SUPPLY, 1000, demand_column="pop")
    np.testing.assert_allclose(result.to_numpy(), [0.0025, 0.0025 + 1 / 300, np.nan],
                               rtol=1e-15)


def test_hand_example_e2sfca_step() -> None:
    # step decay {500: 1, 1000: 0.5}: w(A-F = 0) = 1, w(B-F = 1000) = 0.5, w(B-G = 600) = 0.5
    # R_F = 10 / (1 * 100 + 0.5 * 300) = 10 / 250 = 0.04
    # R_G =  6 / (0.5 * 300)            =  6 / 150 = 0.04
    # A_A = 1 * 0.04 = 0.04;  A_B = 0.5 * 0.04 + 0.5 * 0.04 = 0.04;  A_C = NaN
    # conservation: 100 * 0.04 + 300 * 0.04 = 16 = 10 + 6
    result = two_step_fca(HAND_DEMAND, HAND_SUPPLY, 1000, demand_column="pop",
                          supply_column="places", decay=step_decay({500: 1, 1000: 0.5}))
    np.testing.assert_allclose(result.to_numpy(), [0.04, 0.04, np.nan], rtol=1e-15)


def test_zero_demand_in_reach_follows_access() -> None:
    # Facility F (S = 5) is reached only by cell A with P = 0: R_F = 5 / 0 = inf -> A_A = inf.
    # Facility H (S = 0) is reached only by cell B with P = 0: R_H = 0 / 0 = NaN, skipped in the
    # sum -> A_B = 0 (B reaches something, so not NaN).
    # Cell C (P = 10) reaches G (S = 2) only: R_G = 2 / 10 = 0.2 -> A_C = 0.2.
    demand = frame(np.array([[0, 0], [5000, 0], [10_000, 0]]) + [X0, Y0], pop=[0, 0, 10])
    supply = frame(np.array([[100, 0], [5100, 0], [10_100, 0]]) + [X0, Y0], places=[5, 0, 2])
    result = two_step_fca(demand, supply, 500, demand_column="pop", supply_column="places")
    assert result.tolist() == [np.inf, 0.0, 0.2]
    # with a step decay whose weight is 0 at 100 m, w * R = 0 * inf = NaN is skipped -> 0
    result = two_step_fca(demand, supply, 500, demand_column="pop", supply_column="places",
                          decay=step_decay({50: 1.0}))
    # C: w(100 m) = 0 -> weighted demand 0 -> R_G = inf, and 0 * inf skipped -> 0
    assert result.tolist() == [0.0, 0.0, 0.0]


def test_empty_supply_gives_nan() -> None:
    supply = frame(np.empty((0, 2)), places=[])
    result = two_step_fca(HAND_DEMAND, supply, 1000, demand_column="pop",
                          supply_column="places")
    assert result.isna().all() and result.index.equals(HAND_DEMAND.index)


# --------------------------------------------------------------------------------------------
# decay functions
# --------------------------------------------------------------------------------------------


def test_decay_functions_hand_values() -> None:
    d = np.array([0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0])
    # step: each bound belongs to its own step; beyond the last bound 0
    assert step_decay({20: 1, 40: 0.68, 60: 0.22})(d).tolist() == [
        1.0, 1.0, 1.0, 0.68, 0.68, 0.22, 0.22, 0.0]
    # Gaussian exp(-d² / (2 σ²)), σ = 20: d = 20 -> exp(-1/2), d = 40 -> exp(-2)
    np.testing.assert_allclose(gaussian_decay(20)(d[[0, 2, 4]]),
                               [1.0, np.exp(-0.5), np.exp(-2.0)], rtol=1e-15)
    # gravity (max(d, 1) / 20) ** -2: d = 0 -> 20² = 400, d = 40 -> 0.25
    np.testing.assert_allclose(gravity_decay(20, -2, 1)(np.array([0.0, 1.0, 2.0, 20.0, 40.0])),
                               [400.0, 400.0, 100.0, 1.0, 0.25], rtol=1e-15)


def test_decay_validation() -> None:
    with pytest.raises(TypeError):
        step_decay([(20, 1)])
    with pytest.raises(ValueError, match="non-negative"):
        step_decay({20: -1})
    with pytest.raises(ValueError):
        gaussian_decay(0)
    with pytest.raises(ValueError):
        gravity_decay(0, -1)


def test_decay_equals_access_weights() -> None:
    weights = pytest.importorskip("access.weights")
    d = np.concatenate([np.linspace(0, 3000, 601), [250.0, 500.0, 1000.0, 1500.0]])
    cases = [
        (step_decay({500: 1, 1000: 0.68, 1500: 0.22}),
         weights.step_fn({500: 1, 1000: 0.68, 1500: 0.22})),
        (gaussian_decay(600), weights.gaussian(600)),
        (gravity_decay(1000, -1.5, 50), weights.gravity(1000, -1.5, 50)),
        (gravity_decay(250, 2), weights.gravity(250, 2)),
    ]
    for ours, theirs in cases:
        expected = np.array([theirs(x) for x in d], dtype=float)
        np.testing.assert_allclose(ours(d), expected, rtol=1e-15, atol=0)


# --------------------------------------------------------------------------------------------
# against PySAL access
# --------------------------------------------------------------------------------------------


def random_inputs(seed: int, n: int = 300, m: int = 40, size: float = 6000.0,
                  zero_share: float = 0.1):
    rng = np.random.default_rng(seed)
    demand_xy = np.round(rng.uniform(0, size, (n, 2))) + [X0, Y0]  # whole metres
    supply_xy = np.round(rng.uniform(0, size, (m, 2))) + [X0, Y0]
    # put one facility exactly 800 m from one cell (a 3-4-5 triangle): at the cut-off below
    supply_xy[0] = demand_xy[0] + [480.0, 640.0]
    population = rng.integers(1, 200, n).astype(float)
    population[rng.random(n) < zero_share] = 0.0
    places = rng.integers(0, 60, m).astype(float)
    population[0], places[0] = 100.0, 25.0
    demand = frame(demand_xy, pop=population)
    supply = frame(supply_xy, places=places)
    return demand, supply


def access_result(demand: gpd.GeoDataFrame, supply: gpd.GeoDataFrame, max_cost: float,
                  weight_fn=None, enhanced: bool = False) -> np.ndarray:
    """PySAL access on an all-pairs cost table (distances as in catchment: float64 Euclidean)."""
    access_module = pytest.importorskip("access")
    dxy = np.column_stack([demand.geometry.x, demand.geometry.y])
    sxy = np.column_stack([supply.geometry.x, supply.geometry.y])
    n, m = len(dxy), len(sxy)
    cost = pd.DataFrame({"origin": np.repeat(np.arange(n), m), "dest": np.tile(np.arange(m), n),
                         "cost": cdist(dxy, sxy).ravel()})
    model = access_module.Access(
        demand_df=pd.DataFrame({"geoid": np.arange(n), "pop": demand["pop"].to_numpy()}),
        demand_index="geoid", demand_value="pop",
        supply_df=pd.DataFrame({"geoid": np.arange(m), "places": supply["places"].to_numpy()}),
        supply_index="geoid", supply_value="places",
        cost_df=cost, cost_origin="origin", cost_dest="dest", cost_name="cost")
    if enhanced:
        frame_ = model.enhanced_two_stage_fca(name="fca", max_cost=max_cost, weight_fn=weight_fn)
    else:
        frame_ = model.two_stage_fca(name="fca", max_cost=max_cost, weight_fn=weight_fn)
    return frame_["fca_places"].reindex(np.arange(n)).to_numpy(dtype=float)


def assert_same(ours: np.ndarray, theirs: np.ndarray) -> None:
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    np.testing.assert_array_equal(np.isinf(ours), np.isinf(theirs))
    finite = np.isfinite(theirs)
    np.testing.assert_allclose(ours[finite], theirs[finite], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_plain_2sfca_equals_access(seed: int) -> None:
    pytest.importorskip("access")
    demand, supply = random_inputs(seed)
    ours = two_step_fca(demand, supply, 800, demand_column="pop", supply_column="places")
    theirs = access_result(demand, supply, 800)
    assert np.isnan(theirs).any() and np.isfinite(theirs).sum() > 200  # both cases occur
    # cell 0 and facility 0 are exactly 800 m apart: that pair is in (access: cost <= max_cost)
    dxy = np.column_stack([demand.geometry.x, demand.geometry.y])
    sxy = np.column_stack([supply.geometry.x, supply.geometry.y])
    assert cdist(dxy[:1], sxy[:1])[0, 0] == 800.0
    below = two_step_fca(demand, supply, np.nextafter(800.0, 0.0), demand_column="pop",
                         supply_column="places")
    assert below.iloc[0] != ours.iloc[0]
    assert_same(ours.to_numpy(), theirs)


@pytest.mark.parametrize(
    ("name", "ours", "theirs"),
    [
        ("step", lambda: step_decay({300: 1.0, 600: 0.68, 800: 0.22}),
         lambda w: w.step_fn({300: 1.0, 600: 0.68, 800: 0.22})),
        ("step-zero-tail", lambda: step_decay({400: 1.0, 600: 0.5}),
         lambda w: w.step_fn({400: 1.0, 600: 0.5})),
        ("gaussian", lambda: gaussian_decay(400.0), lambda w: w.gaussian(400.0)),
        ("gravity", lambda: gravity_decay(100.0, -1.5, 50.0),
         lambda w: w.gravity(100.0, -1.5, 50.0)),
    ],
)
def test_e2sfca_equals_access(name: str, ours, theirs) -> None:
    weights = pytest.importorskip("access.weights")
    demand, supply = random_inputs(7)
    result = two_step_fca(demand, supply, 800, demand_column="pop", supply_column="places",
                          decay=ours())
    expected = access_result(demand, supply, 800, weight_fn=theirs(weights), enhanced=True)
    assert_same(result.to_numpy(), expected)


@pytest.mark.parametrize("decay", [None, step_decay({150: 1.0, 300: 0.0})])
def test_zero_demand_and_zero_supply_equal_access(decay) -> None:
    """Many zero populations and supplies: R = inf and NaN occur; conventions as in access."""
    weights = pytest.importorskip("access.weights")
    demand, supply = random_inputs(3, size=8000.0, zero_share=0.6)
    result = two_step_fca(demand, supply, 600, demand_column="pop", supply_column="places",
                          decay=decay).to_numpy()
    theirs_fn = None if decay is None else weights.step_fn({150: 1.0, 300: 0.0})
    expected = access_result(demand, supply, 600, weight_fn=theirs_fn)
    assert np.isinf(expected).any() and np.isnan(expected).any()
    assert_same(result, expected)


# --------------------------------------------------------------------------------------------
# conservation and implementation details
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "decay", [None, step_decay({400: 1.0, 800: 0.6, 1200: 0.2}), gaussian_decay(500.0),
              gravity_decay(200.0, -1.0, 50.0)])
def test_conservation(decay) -> None:
    # Σ_i P_i A_i = Σ_i P_i Σ_j w_ij R_j = Σ_j R_j Σ_i w_ij P_i = Σ_j S_j
    demand, supply = random_inputs(11, n=400, m=30, size=5000.0, zero_share=0.0)
    dxy = np.column_stack([demand.geometry.x, demand.geometry.y])
    sxy = np.column_stack([supply.geometry.x, supply.geometry.y])
    # precondition: every facility has (positively weighted) demand in reach
    assert (cdist(dxy, sxy).min(axis=0) <= 1200).all()
    result = two_step_fca(demand, supply, 1200, demand_column="pop", supply_column="places",
                          decay=decay)
    total_access = np.nansum(result.to_numpy() * demand["pop"].to_numpy())
    assert total_access == pytest.approx(supply["places"].sum(), rel=1e-12)


def test_chunked_and_threaded_pair_search_give_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    demand, supply = random_inputs(4)
    kwargs = {"demand_column": "pop", "supply_column": "places"}
    whole = two_step_fca(demand, supply, 800, workers=1, **kwargs).to_numpy()
    monkeypatch.setattr(catchment, "_CHUNK", 37)  # 9 chunks, one after the other
    np.testing.assert_array_equal(two_step_fca(demand, supply, 800, workers=1, **kwargs), whole)
    monkeypatch.setattr(catchment, "_MIN_CHUNK", 10)  # and on 3 threads
    np.testing.assert_array_equal(two_step_fca(demand, supply, 800, workers=3, **kwargs), whole)
    monkeypatch.setattr(catchment, "_CHUNK", 10_000)  # one chunk per thread
    np.testing.assert_array_equal(two_step_fca(demand, supply, 800, workers=4, **kwargs), whole)


def test_index_is_kept() -> None:
    demand = HAND_DEMAND.set_axis(pd.Index(["z", "y", "x"], name="cell_id"))
    result = two_step_fca(demand, HAND_SUPPLY, 1000, demand_column="pop",
                          supply_column="places")
    assert result.index.equals(demand.index)
    assert result["y"] == pytest.approx(0.045)


def test_input_validation() -> None:
    kwargs = {"demand_column": "pop", "supply_column": "places"}
    with pytest.raises(ValueError, match=r"EPSG:3035.*EPSG:25832.*to_crs"):
        two_step_fca(HAND_DEMAND, HAND_SUPPLY.set_crs("EPSG:25832", allow_override=True),
                     1000, **kwargs)
    with pytest.raises(ValueError, match="geographic"):
        two_step_fca(HAND_DEMAND.set_crs("EPSG:4326", allow_override=True),
                     HAND_SUPPLY.set_crs("EPSG:4326", allow_override=True), 1000, **kwargs)
    with pytest.raises(KeyError, match="residents"):
        two_step_fca(HAND_DEMAND, HAND_SUPPLY, 1000, demand_column="residents")
    with pytest.raises(ValueError, match="non-negative"):
        two_step_fca(HAND_DEMAND.assign(pop=[1, -1, 1]), HAND_SUPPLY, 1000, **kwargs)
    with pytest.raises(ValueError, match="non-negative"):
        two_step_fca(HAND_DEMAND.assign(pop=[1, np.nan, 1]), HAND_SUPPLY, 1000, **kwargs)
    with pytest.raises(ValueError, match="max_distance"):
        two_step_fca(HAND_DEMAND, HAND_SUPPLY, -1, **kwargs)
    with pytest.raises(TypeError):
        two_step_fca(pd.DataFrame(HAND_DEMAND), HAND_SUPPLY, 1000, **kwargs)
    with pytest.raises(ValueError, match="min_distance"):  # gravity at distance 0 -> inf
        two_step_fca(HAND_DEMAND, HAND_SUPPLY, 1000, decay=gravity_decay(100, -1), **kwargs)
    with pytest.raises(ValueError, match="shape"):
        two_step_fca(HAND_DEMAND, HAND_SUPPLY, 1000, decay=lambda d: 1.0, **kwargs)
