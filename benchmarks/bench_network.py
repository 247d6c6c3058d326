"""Walking-network distances: speed against scipy's bare Dijkstra, networkx and pandana.

Run:  .venv/bin/python benchmarks/bench_network.py [--skip-berlin]

Part 1, the real OpenStreetMap extract of Heidelberg/Leimen (../shared/data/heidelberg): time to
read and build the walking graph, the nearest walking distance of every cell of a 100 m grid
over the extract's street network to the nearest of 30 facilities (seeded random points, one
"category"), against

- the limit: scipy's plain multi-source Dijkstra (``min_only=True``) from the facilities' nodes
  on the same graph, cells already snapped (no legs, no snapping);
- networkx ``multi_source_dijkstra_path_length`` on the same graph;
- pandana (contraction hierarchies), if importable: put its wheel on the path with
  ``pip install --target /tmp/pandana_site pandana`` and ``PANDANA_PATH=/tmp/pandana_site``
  (it is not a quartier dependency);

and a network 2SFCA (1,000 m catchment) for the same category. osmnx is not timed: it cannot read
``.osm.pbf`` and computes shortest paths with networkx, so the networkx figure stands for it.

Part 2, a synthetic network of Berlin's size: a perturbed 1,000 x 1,000 grid (about 1 million
nodes, 30 m apart, a tenth of the edges removed), a 100 m grid of 90,000 cells, 20 categories of
20 to 2,000 facilities: nearest walking distance for all 20 and 2SFCA for 5 of them; total time
and peak memory (resident set size of the process, resource.getrusage).

Targets (issue 12): within 1.5x of the scipy limit, at least 10x faster than networkx, Berlin
size with 20 categories under 60 s and 4 GB.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
from scipy.sparse.csgraph import dijkstra

from quartier.streets import (
    build_walking_network,
    network_from_edges,
    network_nearest_distance,
    network_two_step_fca,
    snap_to_network,
)

CRS = "EPSG:25832"
HEIDELBERG = Path(__file__).resolve().parents[2] / "shared" / "data" / "heidelberg" / \
    "heidelberg.test.pbf"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(function, *args, repeat: int = 1, **kwargs):
    """(best wall time in seconds, result of the last call)."""
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return best, result


def grid_cells(network, spacing: float = 100.0) -> np.ndarray:
    """Cell centres of a grid over the network, kept where a node lies within the cell."""
    x0, y0 = np.floor(network.x.min() / spacing), np.floor(network.y.min() / spacing)
    column = (np.floor(network.x / spacing) - x0).astype(np.int64)
    row = (np.floor(network.y / spacing) - y0).astype(np.int64)
    occupied = np.unique(row * (column.max() + 1) + column)
    row, column = np.divmod(occupied, column.max() + 1)
    return np.column_stack([(x0 + column + 0.5) * spacing, (y0 + row + 0.5) * spacing])


def as_points(xy: np.ndarray, **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=CRS)


def heidelberg() -> None:
    if not HEIDELBERG.is_file():
        print(f"Heidelberg extract not found at {HEIDELBERG}: part 1 skipped")
        return
    print(f"== Heidelberg/Leimen extract ({HEIDELBERG.name}, "
          f"{HEIDELBERG.stat().st_size / 1e6:.1f} MB)")
    t_build, network = timed(build_walking_network, HEIDELBERG, CRS)
    print(f"read + build walking graph: {t_build:.2f} s  ({network.n_nodes:,} nodes, "
          f"{network.n_edges:,} edges, {network.dropped_nodes:,} nodes outside the largest "
          "component)")
    rng = np.random.default_rng(2025)
    cells = grid_cells(network)
    facilities = np.column_stack([network.x, network.y])[
        rng.choice(network.n_nodes, 30, replace=False)] + rng.normal(0, 20, (30, 2))
    print(f"one category: {len(facilities)} facilities, {len(cells):,} cells (100 m grid "
          "cells holding a street node)")

    t_first, distance = timed(network_nearest_distance, cells, facilities, network)
    t_ours, _ = timed(network_nearest_distance, cells, facilities, network, repeat=5)
    cell_node, _ = snap_to_network(cells[:, 0], cells[:, 1], network)
    facility_node, _ = snap_to_network(facilities[:, 0], facilities[:, 1], network)
    sources = np.unique(facility_node)

    def scipy_limit():
        return dijkstra(network.graph, directed=True, indices=sources, min_only=True)[cell_node]

    t_limit, _ = timed(scipy_limit, repeat=5)
    print(f"quartier network_nearest_distance: {t_ours * 1000:.0f} ms "
          f"(first call, snapping the cells: {t_first * 1000:.0f} ms)")
    print(f"scipy multi-source Dijkstra (the limit): {t_limit * 1000:.0f} ms  -> "
          f"quartier / limit = {t_ours / t_limit:.2f}x (target <= 1.5x)")

    try:
        import networkx as nx
    except ImportError:
        print("networkx: not installed")
    else:
        t_convert, graph = timed(nx.from_scipy_sparse_array, network.graph)
        t_nx, _ = timed(nx.multi_source_dijkstra_path_length, graph, set(sources.tolist()))
        print(f"networkx multi_source_dijkstra_path_length: {t_nx * 1000:.0f} ms (+ "
              f"{t_convert:.1f} s to build its graph)  -> networkx / quartier = "
              f"{t_nx / t_ours:.0f}x (target >= 10x)")
    pandana_figures(network, cells, facilities, t_ours)

    population = rng.integers(0, 80, len(cells)).astype(float)
    cell_frame = as_points(cells, pop=population)
    facility_frame = as_points(facilities, places=rng.integers(20, 100, 30).astype(float))
    t_fca, access = timed(network_two_step_fca, cell_frame, facility_frame, network, 1000.0,
                          demand_column="pop", supply_column="places")
    print(f"network 2SFCA, 1,000 m catchment: {t_fca * 1000:.0f} ms "
          f"({int(access.notna().sum()):,} cells reach a facility)")
    straight = np.hypot(*(cells[:, None, :] - facilities[None, :, :]).transpose(2, 0, 1)).min(1)
    ratio = distance / np.maximum(straight, 1.0)
    print(f"walking / straight-line distance to the nearest facility: median "
          f"{np.median(ratio[straight > 100]):.2f} (cells more than 100 m away)")


def pandana_figures(network, cells, facilities, t_ours: float) -> None:
    extra = os.environ.get("PANDANA_PATH")
    if extra:
        sys.path.append(extra)
    try:
        import pandana
        import pandas as pd
    except ImportError:
        print("pandana: not importable (see the module docstring), skipped")
        return
    coo = network.graph.tocoo()
    upper = coo.row < coo.col
    nodes = pd.DataFrame({"x": network.x, "y": network.y})
    edges = pd.DataFrame({"from": coo.row[upper], "to": coo.col[upper],
                          "length": coo.data[upper]})
    start = time.perf_counter()
    net = pandana.Network(nodes["x"], nodes["y"], edges["from"], edges["to"],
                          edges[["length"]], twoway=True)
    t_prepare = time.perf_counter() - start
    net.set_pois("kita", 50_000, 1, pd.Series(facilities[:, 0]), pd.Series(facilities[:, 1]))
    t_pandana, _ = timed(net.nearest_pois, 50_000, "kita", num_pois=1, repeat=3)
    print(f"pandana nearest_pois (contraction hierarchies): {t_pandana * 1000:.0f} ms "
          f"(+ {t_prepare:.1f} s preprocessing)  -> pandana / quartier = "
          f"{t_pandana / t_ours:.1f}x")


def synthetic_berlin() -> None:
    print("== synthetic network of Berlin's size")
    rng = np.random.default_rng(1)
    side, spacing = 1000, 30.0
    row, column = np.divmod(np.arange(side * side), side)
    x = 370_000 + column * spacing + rng.uniform(-8, 8, side * side)
    y = 5_800_000 + row * spacing + rng.uniform(-8, 8, side * side)
    node = np.arange(side * side).reshape(side, side)
    u = np.concatenate([node[:, :-1].ravel(), node[:-1, :].ravel()])
    v = np.concatenate([node[:, 1:].ravel(), node[1:, :].ravel()])
    keep = rng.random(len(u)) > 0.1
    start = time.perf_counter()
    network = network_from_edges(x, y, u[keep], v[keep], CRS, "synthetic")
    t_build = time.perf_counter() - start
    print(f"graph from edges: {t_build:.1f} s ({network.n_nodes:,} nodes, "
          f"{network.n_edges:,} edges, {network.dropped_nodes:,} dropped)")
    cx, cy = np.meshgrid(np.arange(370_050, 370_000 + side * spacing, 100.0),
                         np.arange(5_800_050, 5_800_000 + side * spacing, 100.0))
    cells_xy = np.column_stack([cx.ravel(), cy.ravel()])
    cells = as_points(cells_xy, pop=rng.integers(0, 300, len(cells_xy)).astype(float))
    counts = np.geomspace(20, 2000, 20).astype(int)
    categories = [
        as_points(rng.uniform([x.min(), y.min()], [x.max(), y.max()], (count, 2)),
                  places=rng.integers(10, 100, count).astype(float))
        for count in counts
    ]
    print(f"{len(cells):,} cells, 20 categories of {counts.min()} to {counts.max()} facilities")
    start = time.perf_counter()
    for facilities in categories:
        network_nearest_distance(cells, facilities, network)
    t_nearest = time.perf_counter() - start
    start = time.perf_counter()
    for facilities in categories[::4]:
        network_two_step_fca(cells, facilities, network, 1000.0, demand_column="pop",
                             supply_column="places")
    t_fca = time.perf_counter() - start
    total = t_build + t_nearest + t_fca
    print(f"nearest walking distance, 20 categories: {t_nearest:.1f} s; 2SFCA (1,000 m) for 5 "
          f"of them ({', '.join(str(c) for c in counts[::4])} facilities): {t_fca:.1f} s")
    print(f"total {total:.1f} s (target < 60 s), peak resident memory of the process "
          f"{peak_mb() / 1024:.2f} GB (target < 4 GB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-berlin", action="store_true", help="only the Heidelberg part")
    arguments = parser.parse_args()
    heidelberg()
    if not arguments.skip_berlin:
        synthetic_berlin()


if __name__ == "__main__":
    main()
