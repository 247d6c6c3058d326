"""Demand beyond the study boundary in the 2SFCA (issue 11, 5): residents of the grid outside
every quarter but within ``[indicators] context_buffer_m`` share the places of facilities near
the boundary; they enter no quarter's figures."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import SAMPLE
from scipy.spatial.distance import cdist
from shapely.geometry import Point, box

from quartier import load_study
from quartier.compute import compute
from quartier.indicators.accessibility import accessibility_by_quarter, cell_access
from quartier.population import cells_from_grid, context_cells_from_grid

CRS = "EPSG:25832"
X0, Y0 = 476000.0, 5465000.0


def _points(xy: list[tuple[float, float]], **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=[Point(X0 + x, Y0 + y) for x, y in xy], crs=CRS)


@pytest.fixture
def quarter() -> gpd.GeoDataFrame:
    """One quarter, a 1 km square; the town boundary runs along its east side (x = 1000)."""
    return gpd.GeoDataFrame({"quarter_id": ["A"]}, geometry=[box(X0, Y0, X0 + 1000, Y0 + 1000)],
                            crs=CRS)


@pytest.fixture
def grid() -> gpd.GeoDataFrame:
    """1,000 residents just inside, 1,000 just outside, 1,000 far beyond the buffer."""
    return _points([(950, 500), (1050, 500), (5050, 500)], cell_id=["in", "near", "far"],
                   total=[1000.0, 1000.0, 1000.0], age_0_5=[60.0, 50.0, np.nan])


@pytest.fixture
def facility() -> gpd.GeoDataFrame:
    return _points([(1000, 500)], capacity=[100.0])


def test_context_cells_are_the_grid_outside_the_quarters_within_the_buffer(grid, quarter):
    context = context_cells_from_grid(grid, quarter, 2000.0)
    assert context["cell_id"].tolist() == ["near"]  # "far" lies 4,050 m beyond the boundary
    assert context["total"].tolist() == [1000.0]
    assert "quarter_id" not in context.columns
    # the complement of the quarters' cells: nothing counted twice
    inside = cells_from_grid(grid, quarter)
    assert inside["cell_id"].tolist() == ["in"]
    assert context_cells_from_grid(grid, quarter, 4100.0)["cell_id"].tolist() == ["near", "far"]
    assert len(context_cells_from_grid(grid, quarter, 40.0)) == 0


def test_split_boundary_cell_keeps_its_outside_part_as_context(quarter):
    # a cell from x = 930 to 1030: 70 % inside, 30 % outside (centroid of that part at 1015)
    grid = _points([(980, 500)], cell_id=["edge"], total=[200.0], age_0_5=[20.0])
    inside = cells_from_grid(grid, quarter, split_boundary=True)
    context = context_cells_from_grid(grid, quarter, 2000.0, split_boundary=True)
    assert inside["total"].tolist() == pytest.approx([140.0])
    assert context["total"].tolist() == pytest.approx([60.0])
    assert context["age_0_5"].tolist() == pytest.approx([6.0])
    assert context.geometry.x.iloc[0] == pytest.approx(X0 + 1015.0)
    assert context.geometry.y.iloc[0] == pytest.approx(Y0 + 500.0)


def test_facility_at_the_boundary_shares_its_places_with_the_neighbours(grid, quarter, facility):
    cells = cells_from_grid(grid, quarter)
    context = context_cells_from_grid(grid, quarter, 2000.0)
    arguments = dict(max_distance=300.0, catchment=500.0, supply=facility["capacity"].to_numpy())
    alone = accessibility_by_quarter(cells, cells["total"].to_numpy(), facility, **arguments)
    shared = accessibility_by_quarter(cells, cells["total"].to_numpy(), facility, **arguments,
                                      context_cells=context,
                                      context_demand=context["total"].to_numpy())
    # R = 100 / (1,000 + 1,000) = 0.05 places per resident → 50 per 1,000 (not 100)
    assert alone.loc["A", "fca_access"] == pytest.approx(100.0)
    assert shared.loc["A", "fca_access"] == pytest.approx(50.0)
    # the outside residents are in no quarter's figures
    assert shared.index.tolist() == ["A"]
    for column in ("median_distance", "coverage", "unmet_people"):
        assert shared.loc["A", column] == alone.loc["A", column]
    assert shared.loc["A", "median_distance"] == pytest.approx(50.0)
    assert shared.loc["A", "coverage"] == pytest.approx(100.0)
    # the identity over inside and outside cells: 1,000 · 0.05 + 1,000 · 0.05 = 100 places
    access = cell_access(cells, cells["total"].to_numpy(), facility, catchment=500.0,
                         supply=facility["capacity"].to_numpy(), context_cells=context,
                         context_demand=context["total"].to_numpy())
    assert access.tolist() == pytest.approx([0.05, 0.05])


def test_context_demand_beyond_the_catchment_changes_nothing(grid, quarter, facility):
    cells = cells_from_grid(grid, quarter)
    far = context_cells_from_grid(grid, quarter, 4100.0).iloc[[1]]  # 4,050 m away
    arguments = dict(max_distance=300.0, catchment=500.0, supply=facility["capacity"].to_numpy())
    alone = accessibility_by_quarter(cells, cells["total"].to_numpy(), facility, **arguments)
    with_far = accessibility_by_quarter(cells, cells["total"].to_numpy(), facility, **arguments,
                                        context_cells=far,
                                        context_demand=far["total"].to_numpy())
    pd.testing.assert_frame_equal(with_far, alone)


def test_two_step_identity_holds_over_inside_and_outside_cells():
    """Σ_i P_i A_i over the cells inside and outside = Σ S_j over facilities with demand in
    reach; the facilities with demand are found independently from the full distance matrix."""
    rng = np.random.default_rng(11)
    quarters = gpd.GeoDataFrame({"quarter_id": ["A", "B"]},
                                geometry=[box(X0, Y0, X0 + 1500, Y0 + 3000),
                                          box(X0 + 1500, Y0, X0 + 3000, Y0 + 3000)], crs=CRS)
    xy = rng.uniform(-1500, 4500, size=(400, 2))
    grid = _points([tuple(p) for p in xy], cell_id=[f"c{i}" for i in range(len(xy))],
                   total=rng.integers(0, 60, len(xy)).astype(float))
    facilities = _points([tuple(p) for p in rng.uniform(-300, 3300, size=(25, 2))],
                         capacity=rng.integers(5, 80, 25).astype(float))
    cells = cells_from_grid(grid, quarters)
    context = context_cells_from_grid(grid, quarters, 1000.0)
    assert len(cells) > 100 and len(context) > 100
    demand = np.concatenate([cells["total"].to_numpy(), context["total"].to_numpy()])
    access = cell_access(cells, cells["total"].to_numpy(), facilities, catchment=600.0,
                         supply=facilities["capacity"].to_numpy(), context_cells=context,
                         context_demand=context["total"].to_numpy())
    points = np.concatenate([shapely.get_coordinates(cells.geometry.to_numpy()),
                             shapely.get_coordinates(context.geometry.to_numpy())])
    distance = cdist(points, shapely.get_coordinates(facilities.geometry.to_numpy()))
    served = ((distance <= 600.0) * demand[:, None]).sum(axis=0) > 0
    assert 0 < served.sum() < len(facilities) or served.all()
    total = np.nansum(np.where(demand > 0, access, 0.0) * demand)
    assert total == pytest.approx(facilities["capacity"].to_numpy()[served].sum(), rel=1e-12)
    # without the outside cells the inside alone would claim every place
    inside_only = cell_access(cells, cells["total"].to_numpy(), facilities, catchment=600.0,
                              supply=facilities["capacity"].to_numpy())
    inside_total = np.nansum(inside_only * cells["total"].to_numpy())
    inside_share = np.nansum(access[:len(cells)] * cells["total"].to_numpy())
    assert inside_share < inside_total


def test_walking_distances_share_the_places_too(grid, quarter, facility):
    from quartier.streets import network_from_edges

    # a street along y = 500 from x = 900 to 1100: both cells 50 m from the facility
    xs = X0 + np.array([900.0, 950.0, 1000.0, 1050.0, 1100.0])
    network = network_from_edges(xs, np.full(5, Y0 + 500.0), np.arange(4), np.arange(1, 5), CRS)
    cells = cells_from_grid(grid, quarter)
    context = context_cells_from_grid(grid, quarter, 2000.0)
    shared = accessibility_by_quarter(cells, cells["total"].to_numpy(), facility,
                                      max_distance=300.0, catchment=500.0,
                                      supply=facility["capacity"].to_numpy(), network=network,
                                      context_cells=context,
                                      context_demand=context["total"].to_numpy())
    assert shared.loc["A", "fca_access"] == pytest.approx(50.0)
    assert shared.loc["A", "coverage"] == pytest.approx(100.0)


def test_dask_path_adds_the_context_demand(grid, quarter, facility):
    pytest.importorskip("dask_geopandas", reason="dask-geopandas is not installed")
    from quartier.scale import accessibility_by_quarter_dask

    cells = cells_from_grid(grid, quarter)
    context = context_cells_from_grid(grid, quarter, 2000.0)
    result = accessibility_by_quarter_dask(cells, cells["total"].to_numpy(), facility,
                                           max_distance=300.0, catchment=500.0,
                                           supply=facility["capacity"].to_numpy(),
                                           context_cells=context,
                                           context_demand=context["total"].to_numpy())
    assert result.loc["A", "fca_access"] == pytest.approx(50.0)
    assert result.loc["A", "coverage"] == pytest.approx(100.0)


@pytest.fixture(scope="module")
def sample_study():
    return load_study(SAMPLE / "quartier.toml")


@pytest.fixture(scope="module")
def sample_results(sample_study):
    return compute(sample_study)


def test_sample_grid_has_no_cells_outside_the_quarters(sample_study, sample_results):
    # the sample's Zensus grid stops at the town boundary: nothing beyond it to add
    assert len(sample_results.context_surface) == 0
    assert not any(f.code == "context_demand" for f in sample_results.findings)


def test_sample_with_neighbours_beyond_the_boundary(sample_study, sample_results):
    """Copy the sample's grid 1,500 m east and west and keep the copies outside the town: the
    quarters' populations, coverage and median distances stay, access can only fall (more
    demand on the same places) and falls somewhere; the outside cells are in no quarter."""
    grid = sample_study.population_grid
    quarters = sample_study.quarters
    union = shapely.union_all(quarters.geometry.to_numpy())
    moved = []
    for dx in (-1500.0, 1500.0):
        shifted = grid.copy()
        shifted["cell_id"] = shifted["cell_id"] + f"_{dx:+.0f}"
        shifted = shifted.set_geometry(grid.geometry.translate(dx, 0))
        moved.append(shifted[~shapely.intersects(union, shifted.geometry.to_numpy())])
    far = grid.copy()
    far["cell_id"] = far["cell_id"] + "_far"
    far = far.set_geometry(grid.geometry.translate(50_000, 0))  # beyond the buffer
    extended = gpd.GeoDataFrame(pd.concat([grid, *moved, far], ignore_index=True),
                                geometry="geometry", crs=grid.crs)
    study = dataclasses.replace(sample_study, population_grid=extended)
    results = compute(study)
    outside = results.context_surface
    assert len(outside) == sum(len(m) for m in moved) > 0
    assert not outside["cell_id"].str.endswith("_far").any()
    assert results.surface["quarter_id"].notna().all()
    pd.testing.assert_frame_equal(results.surface.drop(columns="geometry"),
                                  sample_results.surface.drop(columns="geometry"))
    before = sample_results.indicators.set_index(["quarter_id", "category", "indicator"])
    after = results.indicators.set_index(["quarter_id", "category", "indicator"])
    for indicator in ("population", "count", "capacity", "supply_rate", "median_distance",
                      "coverage"):
        pd.testing.assert_series_equal(after.xs(indicator, level="indicator")["value"],
                                       before.xs(indicator, level="indicator")["value"])
    access_before = before.xs("fca_access", level="indicator")["value"]
    access_after = after.xs("fca_access", level="indicator")["value"]
    assert (access_after <= access_before * (1 + 1e-12) + 1e-12).all()
    assert (access_after < access_before * (1 - 1e-6)).any()
    assert any(f.code == "context_demand" for f in results.findings)
