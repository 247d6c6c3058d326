"""The dask path (quartier.scale) gives the single-machine results, on a LocalCluster."""

from __future__ import annotations

import functools
import importlib
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from conftest import SAMPLE
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

import quartier
from quartier.indicators.accessibility import accessibility_by_quarter
from quartier.indicators.catchment import (
    gaussian_decay,
    step_decay,
    two_step_fca,
)
from quartier.indicators.distance import nearest_distance
from quartier.scale import (
    accessibility_by_quarter_dask,
    facilities_in_reach,
    nearest_distance_dask,
    partition_cells,
    spatial_keys,
    two_step_fca_dask,
)
from quartier.scale.partition import KEY, POSITION

# quartier.scale imports without dask; its tests need dask-geopandas and distributed
pytest.importorskip("dask_geopandas", reason="dask-geopandas is not installed "
                    "(pip install \"quartier[dask]\")")
distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed "
                                  "(pip install \"quartier[dask]\")")

# EPSG:3035-like offsets, so that rounding happens at realistic coordinate magnitudes
X0, Y0 = 4_300_000.0, 2_900_000.0
CRS = "EPSG:3035"


@pytest.fixture(scope="module")
def client():
    """Two single-threaded worker processes; not the default client (see test_threaded...)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=None, memory_limit="1GiB")
    dask_client = distributed.Client(cluster, set_as_default=False)
    yield dask_client
    dask_client.close()
    cluster.close()


def points(xy: np.ndarray, crs: str | None = CRS, **columns) -> gpd.GeoDataFrame:
    xy = np.asarray(xy, dtype=float)
    return gpd.GeoDataFrame(columns, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=crs)


@pytest.fixture(scope="module")
def grid() -> dict[str, object]:
    """A 100 m grid of 6 km x 4 km with 2,400 cells in 24 quarters of 1 km x 1 km, a far-away
    hamlet of 36 cells 30 km east (quarter "far"), and 150 facilities on the main grid."""
    rng = np.random.default_rng(7)
    ix, iy = np.meshgrid(np.arange(60), np.arange(40), indexing="ij")
    main = np.column_stack([ix.ravel(), iy.ravel()]) * 100.0 + 50.0
    hx, hy = np.meshgrid(np.arange(6), np.arange(6), indexing="ij")
    hamlet = np.column_stack([hx.ravel(), hy.ravel()]) * 100.0 + [36_050.0, 1_050.0]
    xy = np.vstack([main, hamlet]) + [X0, Y0]
    quarter = np.array([f"{int(x // 1000):02d}{int(y // 1000)}" for x, y in main] +
                       ["far"] * len(hamlet), dtype=object)
    population = rng.integers(0, 60, len(xy)).astype(float)
    population[rng.choice(len(xy), 200, replace=False)] = 0.0  # empty cells
    population[quarter == "05" + "3"] = 0.0  # a quarter without residents (053)
    order = rng.permutation(len(xy))  # input order unrelated to space
    cells = points(xy[order], quarter_id=quarter[order], pop=population[order])
    cells.index = pd.Index([f"c{i}" for i in order], name="cell")
    fxy = rng.uniform([0, 0], [6_000, 4_000], (150, 2)) + [X0, Y0]
    places = rng.integers(1, 80, len(fxy)).astype(float)
    places[:5] = 0.0  # facilities without places
    facilities = points(fxy, places=places)
    return {"cells": cells, "facilities": facilities}


# --------------------------------------------------------------------------------------------
# partitioning
# --------------------------------------------------------------------------------------------


def test_facilities_in_reach_holds_every_facility_within_the_halo() -> None:
    rng = np.random.default_rng(1)
    cells = rng.uniform(0, 1_000, (200, 2)) + [X0, Y0]
    facilities = rng.uniform(-3_000, 4_000, (2_000, 2)) + [X0, Y0]
    bounds = (cells[:, 0].min(), cells[:, 1].min(), cells[:, 0].max(), cells[:, 1].max())
    for halo in (0.0, 250.0, 1_000.0):
        chosen = set(facilities_in_reach(bounds, facilities, halo).tolist())
        within = np.flatnonzero(cdist(facilities, cells).min(axis=1) <= halo)
        assert set(within.tolist()) <= chosen
        # and nothing outside the widened box
        x, y = facilities[list(chosen), 0], facilities[list(chosen), 1]
        assert (x >= bounds[0] - halo - 1e-3).all() and (y <= bounds[3] + halo + 1e-3).all()
    # a facility exactly at the halo distance (3-4-5 triangle) is kept, one a millimetre
    # further is not
    box = (X0, Y0, X0 + 10.0, Y0 + 10.0)
    edge = np.array([[X0 + 10.0 + 300.0, Y0 + 5.0], [X0 + 10.0 + 300.001, Y0 + 5.0]])
    assert facilities_in_reach(box, edge, 300.0).tolist() == [0]
    assert facilities_in_reach(box, edge, np.inf).tolist() == [0, 1]


def test_partition_keeps_quarters_whole_and_remembers_positions(grid) -> None:
    cells = grid["cells"]
    frame = partition_cells(cells, npartitions=6, by="quarter_id")
    assert frame.index.name == KEY and frame.known_divisions
    parts = [frame.get_partition(k).compute() for k in range(frame.npartitions)]
    assert 2 <= len(parts) <= 6 and all(len(p) for p in parts)
    # every cell exactly once, its position pointing back at the input row
    positions = np.concatenate([p[POSITION].to_numpy() for p in parts])
    assert np.array_equal(np.sort(positions), np.arange(len(cells)))
    first = parts[0]
    assert first["quarter_id"].tolist() == cells["quarter_id"].to_numpy()[
        first[POSITION].to_numpy()].tolist()
    # each quarter in one partition, its cells in input order
    owner = pd.concat([pd.Series(k, index=pd.unique(p["quarter_id"])) for k, p in
                       enumerate(parts)])
    assert owner.index.is_unique and len(owner) == cells["quarter_id"].nunique()
    for part in parts:
        for _, rows in part.groupby("quarter_id"):
            assert rows[POSITION].is_monotonic_increasing
    # the same key for all cells of a quarter: that of its mean point
    keys = spatial_keys(cells.get_coordinates().to_numpy(), cells["quarter_id"].to_numpy())
    assert (pd.Series(keys).groupby(cells["quarter_id"].to_numpy()).nunique() == 1).all()


def test_partition_of_a_dask_frame_by_quarter(grid, client) -> None:
    import dask_geopandas

    cells = grid["cells"]
    scattered = dask_geopandas.from_geopandas(cells, npartitions=5)  # not spatially sorted
    frame = partition_cells(scattered, npartitions=4, by="quarter_id")
    parts = client.compute(frame.to_delayed(), sync=True)
    labels = pd.Series(np.concatenate([pd.unique(p["quarter_id"]) for p in parts]))
    assert labels.is_unique and set(labels) == set(cells["quarter_id"])
    assert len(parts) > 1 and sum(len(p) for p in parts) == len(cells)


# --------------------------------------------------------------------------------------------
# nearest distance
# --------------------------------------------------------------------------------------------


def test_nearest_distance_equals_single_machine_with_far_away_facility(grid, client) -> None:
    cells, facilities = grid["cells"], grid["facilities"]
    # small halo: many cells, and all of the hamlet 30 km away, find no facility within it
    result = nearest_distance_dask(cells, facilities, halo=150.0, npartitions=8, client=client)
    expected = nearest_distance(cells, facilities)
    assert np.array_equal(result, expected)
    # second method: brute force over all pairs
    brute = cdist(cells.get_coordinates().to_numpy(), facilities.get_coordinates().to_numpy())
    np.testing.assert_allclose(result, brute.min(axis=1), rtol=1e-12)
    far = (cells["quarter_id"] == "far").to_numpy()
    assert (result[far] > 29_000).all()  # those needed the search beyond the halo
    assert (result[~far] > 150.0).any() and (result[~far] <= 150.0).any()


def test_nearest_distance_by_hand_single_facility_far_away(client) -> None:
    # cells at (0, 0) and (100, 0), the only facility at (-30 km, -40 km): 50,000 m and
    # sqrt(30,100² + 40,000²) = 50,060.0...; the halo of 1 km holds no facility at all
    cells = points(np.array([[0.0, 0.0], [100.0, 0.0]]) + [X0, Y0])
    facility = points(np.array([[-30_000.0, -40_000.0]]) + [X0, Y0])
    result = nearest_distance_dask(cells, facility, halo=1_000.0, npartitions=2, client=client)
    np.testing.assert_allclose(result, [50_000.0, np.hypot(30_100.0, 40_000.0)], rtol=1e-15)
    none = nearest_distance_dask(cells, facility.iloc[:0], client=client)
    assert np.isinf(none).all()


def test_nearest_distance_on_a_dask_frame_keeps_its_index(grid, client) -> None:
    import dask_geopandas

    cells, facilities = grid["cells"], grid["facilities"]
    frame = dask_geopandas.from_geopandas(cells, npartitions=3)
    lazy = nearest_distance_dask(frame, facilities, halo=200.0, client=client)
    result = lazy.compute(scheduler=client)
    assert result.index.equals(frame.index.compute(scheduler=client))  # dask sorted the index
    assert np.array_equal(result.reindex(cells.index).to_numpy(),
                          nearest_distance(cells, facilities))
    # the same after a Hilbert shuffle of the dask frame on the cluster
    shuffled = partition_cells(frame, npartitions=4)
    again = nearest_distance_dask(shuffled, facilities, halo=200.0).compute(scheduler=client)
    assert np.array_equal(again.to_numpy(), nearest_distance(
        shuffled.compute(scheduler=client), facilities))


# --------------------------------------------------------------------------------------------
# 2SFCA
# --------------------------------------------------------------------------------------------


def _assert_same_access(result: pd.Series, expected: pd.Series) -> None:
    assert result.index.equals(expected.index) and result.name == "access"
    a, b = result.to_numpy(), expected.to_numpy()
    assert np.array_equal(np.isnan(a), np.isnan(b)) and np.array_equal(np.isinf(a), np.isinf(b))
    finite = np.isfinite(b)
    np.testing.assert_allclose(a[finite], b[finite], rtol=1e-12, atol=0)


def test_two_step_fca_equals_single_machine_across_partition_edges(grid, client) -> None:
    cells, facilities = grid["cells"], grid["facilities"]
    d0 = 700.0
    frame = partition_cells(cells[["geometry"]], npartitions=8)
    part_of = np.empty(len(cells), dtype=np.int64)
    for k in range(frame.npartitions):
        part_of[frame.get_partition(k)[POSITION].compute().to_numpy()] = k
    # the test means something only if catchments straddle partition edges
    reach = cKDTree(cells.get_coordinates().to_numpy()).query_ball_point(
        facilities.get_coordinates().to_numpy(), d0)
    assert sum(len(set(part_of[r])) > 1 for r in reach) > 20

    expected = two_step_fca(cells, facilities, d0, demand_column="pop", supply_column="places")
    result = two_step_fca_dask(cells, facilities, d0, demand_column="pop",
                               supply_column="places", npartitions=8, client=client)
    _assert_same_access(result, expected)
    assert result.isna().sum() >= 36  # the hamlet reaches nothing
    # conservation: sum P_i A_i = sum S_j over the facilities with demand in reach
    population = cells["pop"].to_numpy()
    a = result.to_numpy()
    assert np.nansum(np.where(np.isfinite(a), a, 0) * population) == pytest.approx(
        expected.pipe(lambda s: np.nansum(np.where(np.isfinite(s), s, 0) * population)),
        rel=1e-12)


@pytest.mark.parametrize("decay", [gaussian_decay(400.0), step_decay({300: 1.0, 600: 0.4})],
                         ids=["gaussian", "step"])
def test_e2sfca_equals_single_machine(grid, client, decay) -> None:
    cells, facilities = grid["cells"], grid["facilities"]
    expected = two_step_fca(cells, facilities, 800.0, demand_column="pop",
                            supply_column="places", decay=decay)
    result = two_step_fca_dask(cells, facilities, 800.0, demand_column="pop",
                               supply_column="places", decay=decay, npartitions=7,
                               client=client)
    _assert_same_access(result, expected)


def test_two_step_fca_zero_demand_conventions(client) -> None:
    # as in test_catchment: F (S = 5) reached only by A with P = 0 -> A_A = inf; H (S = 0)
    # reached only by B with P = 0 -> R_H = NaN skipped -> A_B = 0; C reaches G: 2 / 10 = 0.2.
    # Each cell in its own partition, 5 km apart.
    demand = points(np.array([[0, 0], [5000, 0], [10_000, 0]]) + [X0, Y0], pop=[0, 0, 10])
    supply = points(np.array([[100, 0], [5100, 0], [10_100, 0]]) + [X0, Y0], places=[5, 0, 2])
    result = two_step_fca_dask(demand, supply, 500, demand_column="pop",
                               supply_column="places", npartitions=3, client=client)
    assert result.tolist() == [np.inf, 0.0, 0.2]


def test_two_step_fca_on_a_dask_frame(grid, client) -> None:
    cells, facilities = grid["cells"], grid["facilities"]
    frame = partition_cells(cells, npartitions=5).persist(scheduler=client)
    lazy = two_step_fca_dask(frame, facilities, 900.0, demand_column="pop", client=client)
    found = lazy.compute(scheduler=client)
    positions = frame[POSITION].compute(scheduler=client).to_numpy()
    expected = two_step_fca(cells, facilities, 900.0, demand_column="pop")
    result = pd.Series(found.to_numpy(), index=cells.index[positions], name="access")
    _assert_same_access(result.reindex(cells.index), expected)


# --------------------------------------------------------------------------------------------
# per quarter
# --------------------------------------------------------------------------------------------


def _single(cells, facilities, max_distance, catchment) -> pd.DataFrame:
    return accessibility_by_quarter(cells, cells["pop"].to_numpy(), facilities,
                                    max_distance=max_distance, catchment=catchment,
                                    supply=facilities["places"].to_numpy())


@pytest.mark.parametrize("max_distance", [400.0, None])
def test_accessibility_by_quarter_equals_single_machine(grid, client, max_distance) -> None:
    cells, facilities = grid["cells"], grid["facilities"]
    expected = _single(cells, facilities, max_distance, 800.0)
    result = accessibility_by_quarter_dask(
        cells, cells["pop"].to_numpy(), facilities, max_distance=max_distance, catchment=800.0,
        supply=facilities["places"].to_numpy(), npartitions=6, client=client)
    pd.testing.assert_frame_equal(result, expected, rtol=1e-12)
    # no residents: NaN, as single-machine, and nobody without access
    assert result.loc["053"].drop("unmet_people").isna().all()
    unmet = result.loc["053", "unmet_people"]
    assert unmet == 0.0 if max_distance is not None else np.isnan(unmet)
    assert result.loc["far", "fca_access"] == 0.0  # reaches nothing: counts as 0
    assert result.loc["far", "median_distance"] > 29_000


def test_accessibility_with_cells_outside_every_quarter(grid, client) -> None:
    # cells without quarter_id (None) are left out of every quarter, and their row is NaN
    cells, facilities = grid["cells"].copy(), grid["facilities"]
    quarter = cells["quarter_id"].to_numpy().copy()
    quarter[::97] = None
    cells["quarter_id"] = quarter
    expected = _single(cells, facilities, 400.0, 800.0)
    result = accessibility_by_quarter_dask(
        cells, cells["pop"].to_numpy(), facilities, max_distance=400.0, catchment=800.0,
        supply=facilities["places"].to_numpy(), npartitions=4, client=client)
    assert expected.index.isna().sum() == 1
    pd.testing.assert_frame_equal(result, expected, rtol=1e-12)


def test_accessibility_with_quarters_split_across_partitions(grid, client) -> None:
    # partitions by cell, not by quarter: sums are added across partitions and the medians of
    # the split quarters come from the gathered distances
    cells, facilities = grid["cells"], grid["facilities"]
    frame = partition_cells(cells, npartitions=9).persist(scheduler=client)
    labels = frame.map_partitions(lambda p: pd.DataFrame({"q": pd.unique(p["quarter_id"])}),
                                  meta={"q": object}).compute(scheduler=client)["q"]
    assert labels.duplicated().sum() >= 5  # quarters really are split
    result = accessibility_by_quarter_dask(frame, "pop", facilities, max_distance=400.0,
                                           catchment=800.0,
                                           supply=facilities["places"].to_numpy(),
                                           client=client)
    expected = _single(cells, facilities, 400.0, 800.0)
    assert set(result.index) == set(expected.index)
    pd.testing.assert_frame_equal(result.loc[expected.index], expected, rtol=1e-12)


def test_accessibility_without_facilities_and_threaded_scheduler(grid) -> None:
    # no client and no default client: dask's local threaded scheduler
    cells, facilities = grid["cells"], grid["facilities"]
    assert distributed.client._get_global_client() is None
    none = facilities.iloc[:0]
    pd.testing.assert_frame_equal(
        accessibility_by_quarter_dask(cells, cells["pop"].to_numpy(), none, max_distance=400.0,
                                      catchment=800.0, supply=np.empty(0)),
        _single(cells, none, 400.0, 800.0))
    pd.testing.assert_frame_equal(
        accessibility_by_quarter_dask(cells, cells["pop"].to_numpy(), facilities,
                                      max_distance=300.0, catchment=500.0,
                                      supply=facilities["places"].to_numpy(), npartitions=3),
        _single(cells, facilities, 300.0, 500.0), rtol=1e-12)


def test_sample_town_compute_with_the_dask_path(client, monkeypatch) -> None:
    study = quartier.load_study(SAMPLE / "quartier.toml")
    expected = quartier.compute(study)
    compute_module = importlib.import_module("quartier.compute")
    calls = []

    def dask_version(*args, **kwargs):
        calls.append(1)
        return accessibility_by_quarter_dask(*args, **kwargs, npartitions=4, client=client)

    monkeypatch.setattr(compute_module, "accessibility_by_quarter", dask_version)
    result = quartier.compute(study)
    assert len(calls) > 20
    pd.testing.assert_frame_equal(result.indicators, expected.indicators, rtol=1e-12)
    pd.testing.assert_frame_equal(result.gaps, expected.gaps, rtol=1e-12)


def test_compute_with_a_client_equals_the_single_machine_path(client) -> None:
    study = quartier.load_study(SAMPLE / "quartier.toml")
    expected = quartier.compute(study)
    result = quartier.compute(study, client=client)
    pd.testing.assert_frame_equal(result.indicators, expected.indicators, rtol=1e-12)
    pd.testing.assert_frame_equal(result.gaps, expected.gaps, rtol=1e-12)


# --------------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------------


def test_bad_input_gives_clear_errors(grid, client) -> None:
    cells, facilities = grid["cells"], grid["facilities"]
    with pytest.raises(ValueError, match="geographic CRS"):
        nearest_distance_dask(cells.to_crs("EPSG:4326"), facilities, client=client)
    with pytest.raises(ValueError, match="same projected CRS"):
        two_step_fca_dask(cells, facilities.to_crs("EPSG:25832"), 500, demand_column="pop",
                          client=client)
    with pytest.raises(KeyError, match="no column 'people'"):
        two_step_fca_dask(cells, facilities, 500, demand_column="people", client=client)
    frame = partition_cells(cells, npartitions=2)
    with pytest.raises(TypeError, match="name of the column"):
        accessibility_by_quarter_dask(frame, cells["pop"].to_numpy(), facilities,
                                      max_distance=None, catchment=500,
                                      supply=np.ones(len(facilities)), client=client)
    with pytest.raises(ValueError, match="one value per facility"):
        accessibility_by_quarter_dask(cells, cells["pop"].to_numpy(), facilities,
                                      max_distance=None, catchment=500, supply=np.ones(3),
                                      client=client)
    with pytest.raises(ValueError, match="npartitions"):
        nearest_distance_dask(cells, facilities, npartitions=0, client=client)
    with pytest.raises(ValueError, match="max_distance"):
        two_step_fca_dask(cells, facilities, -1, demand_column="pop", client=client)


def test_functools_partial_is_a_drop_in_for_compute(grid, client) -> None:
    # the hook compute would use: same positional/keyword arguments as accessibility_by_quarter
    cells, facilities = grid["cells"], grid["facilities"]
    hook = functools.partial(accessibility_by_quarter_dask, client=client, npartitions=3)
    pd.testing.assert_frame_equal(
        hook(cells, cells["pop"].to_numpy(), facilities, max_distance=500.0, catchment=500.0,
             supply=np.ones(len(facilities))),
        accessibility_by_quarter(cells, cells["pop"].to_numpy(), facilities, max_distance=500.0,
                                 catchment=500.0, supply=np.ones(len(facilities))),
        rtol=1e-12)
