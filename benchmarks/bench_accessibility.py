"""Benchmark of quartier's accessibility indicators on a synthetic Germany-sized grid.

Prints figures, not a test. Three parts, from one run:

1. **Germany-sized grid**: 3.1 million populated 100 m cells clustered like settlements over
   640 km x 870 km (EPSG:3035-like coordinates), 500,000 facilities in 20 categories of uneven
   size, cells in 10,000 quarter-like groups. Time and peak memory of the nearest distance for
   all 20 categories, the coverage within 1,000 m per group, and (reported apart) the
   population-weighted median distance per group. Targets: <= 60 s and <= 4 GB on 2 cores.
   For information, also quartier's 2SFCA on every cell and the largest category (1 km).
2. **2SFCA vs PySAL access** on 20,000 cells x 2,000 facilities with a 2 km cut-off, both from
   the same inputs, points with population and places: access by its own route
   (``create_euclidean_distance``, a cross join of all pairs, then ``two_stage_fca``),
   quartier by ``two_step_fca`` including its neighbour search. Target: >= 50x. For
   information, access's ``two_stage_fca`` alone from a cost table of the pairs in reach that
   we build for it with scipy (not counted), and E2SFCA with a Gaussian decay.
3. **nearest distance vs geopandas sjoin_nearest** on 1 million cells x 25,000 facilities.

Usage::

    python benchmarks/bench_accessibility.py [--cells N] [--facilities N]
        [--fca-demand N] [--fca-supply N] [--quick]

``--quick`` runs a small version in a few seconds.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from quartier.indicators.catchment import gaussian_decay, pairs_within, two_step_fca
from quartier.indicators.distance import (
    coverage_by_group,
    nearest_distance,
    weighted_median_by_group,
)

# EPSG:3035 (LAEA Europe) extent of Germany, roughly: 640 km x 870 km
X_MIN, Y_MIN = 4_030_000.0, 2_680_000.0
WIDTH, HEIGHT = 640_000.0, 870_000.0
CELL = 100.0
CRS = "EPSG:3035"
N_CATEGORIES = 20
COVERAGE_DISTANCE = 1_000.0


# --------------------------------------------------------------------------------------------
# measuring
# --------------------------------------------------------------------------------------------


def peak_rss_gb() -> float:
    """Peak resident set size of this process so far, in GB (ru_maxrss is in KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    scale = 1 if sys.platform == "darwin" else 1024
    return peak * scale / 1e9


def current_rss_gb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e9


def timed(function: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best wall time of ``repeat`` runs, and the last result."""
    best, result = np.inf, None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


# --------------------------------------------------------------------------------------------
# synthetic data
# --------------------------------------------------------------------------------------------


def synthetic_cells(n_cells: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Populated 100 m cells clustered like settlements; (n, 2) centres and population.

    Settlement sizes follow a Pareto law; cells of a settlement scatter around its centre
    (normal, width growing with the size), snapped to the 100 m lattice; 8 % of the cells are
    scattered over the whole area (farms, hamlets). Cells come sorted by lattice id (x, then y),
    as a census grid file would be.
    """
    nx, ny = int(WIDTH // CELL), int(HEIGHT // CELL)
    n_settlements = max(n_cells // 250, 10)
    centres = rng.uniform([0, 0], [WIDTH, HEIGHT], (n_settlements, 2))
    size = rng.pareto(1.1, n_settlements) + 1.0
    codes = np.empty(0, dtype=np.int64)
    draws = np.empty(0, dtype=np.int64)
    factor = 1.3
    while len(codes) < n_cells:
        n_draw = int(n_cells * factor)
        n_rural = int(0.08 * n_draw)
        share = size / size.sum()
        per_settlement = rng.multinomial(n_draw - n_rural, share)
        owner = np.repeat(np.arange(n_settlements), per_settlement)
        sigma = CELL * 0.5 * np.sqrt(per_settlement[owner] + 1.0)
        xy = centres[owner] + rng.normal(size=(len(owner), 2)) * sigma[:, None]
        xy = np.vstack([xy, rng.uniform([0, 0], [WIDTH, HEIGHT], (n_rural, 2))])
        ix = np.clip((xy[:, 0] // CELL).astype(np.int64), 0, nx - 1)
        iy = np.clip((xy[:, 1] // CELL).astype(np.int64), 0, ny - 1)
        all_draws = np.concatenate([draws, ix * ny + iy])
        codes, counts = np.unique(all_draws, return_counts=True)
        draws = all_draws
        factor *= 1.5
    keep = np.sort(rng.choice(len(codes), n_cells, replace=False))
    codes, counts = codes[keep], counts[keep]
    xy = np.column_stack([X_MIN + (codes // ny + 0.5) * CELL, Y_MIN + (codes % ny + 0.5) * CELL])
    # denser cells hold more people (Zensus: ~27 per populated cell on average)
    population = np.maximum(1, np.round(counts**0.6 * rng.lognormal(2.4, 0.9, n_cells)))
    return xy, population


def synthetic_facilities(
    n_facilities: int, cells: np.ndarray, population: np.ndarray, rng: np.random.Generator
) -> list[np.ndarray]:
    """Facilities in 20 categories of uneven size (Zipf-like), placed where people live."""
    share = 1.0 / np.arange(1, N_CATEGORIES + 1) ** 1.1
    share /= share.sum()
    counts = np.floor(share * n_facilities).astype(int)
    counts[: n_facilities - counts.sum()] += 1  # largest remainder, roughly
    where = rng.choice(len(cells), n_facilities, p=population / population.sum())
    xy = cells[where] + rng.uniform(-CELL / 2, CELL / 2, (n_facilities, 2))
    return np.split(xy, np.cumsum(counts)[:-1])


def quarter_like_groups(cells: np.ndarray, n_groups: int) -> np.ndarray:
    """Integer group of each cell: cells ordered by 7.5 km block, then cut into equal runs."""
    block = np.floor((cells - [X_MIN, Y_MIN]) / 7_500.0).astype(np.int64)
    order = np.lexsort((cells[:, 1], cells[:, 0], block[:, 1], block[:, 0]))
    groups = np.empty(len(cells), dtype=np.int64)
    groups[order] = np.arange(len(cells)) * n_groups // len(cells)
    return groups


# --------------------------------------------------------------------------------------------
# the three parts
# --------------------------------------------------------------------------------------------


def part_germany(cells, population, facilities, groups) -> dict[str, float]:
    rss_before = current_rss_gb()
    t_nearest = t_coverage = t_median = 0.0
    covered_share = []
    start = time.perf_counter()
    for targets in facilities:
        t0 = time.perf_counter()
        distance = nearest_distance(cells, targets)
        t1 = time.perf_counter()
        cover = coverage_by_group(distance, population, groups, COVERAGE_DISTANCE)
        t2 = time.perf_counter()
        median = weighted_median_by_group(distance, population, groups)
        t3 = time.perf_counter()
        t_nearest += t1 - t0
        t_coverage += t2 - t1
        t_median += t3 - t2
        covered_share.append(float(np.average(cover.fillna(0), weights=None)))
        del distance, cover, median
    total = time.perf_counter() - start
    return {"nearest": t_nearest, "coverage": t_coverage, "median": t_median, "total": total,
            "rss_before": rss_before, "peak_rss": peak_rss_gb(),
            "mean_coverage": float(np.mean(covered_share))}


def part_fca_large(cells, population, facilities) -> dict[str, float]:
    """quartier 2SFCA on every cell and the largest category (1 km): time, memory, identity."""
    targets = facilities[0]
    demand = gpd.GeoDataFrame({"pop": population},
                              geometry=gpd.points_from_xy(cells[:, 0], cells[:, 1]), crs=CRS)
    supply = gpd.GeoDataFrame({"places": np.ones(len(targets))},
                              geometry=gpd.points_from_xy(targets[:, 0], targets[:, 1]), crs=CRS)
    elapsed, result = timed(lambda: two_step_fca(demand, supply, COVERAGE_DISTANCE,
                                                 demand_column="pop", supply_column="places"))
    result = result.to_numpy()
    conserved = np.nansum(result * population)
    return {"n_supply": len(targets), "time": elapsed, "peak_rss": peak_rss_gb(),
            "reached": float(np.isfinite(result).mean()),
            "identity_error": abs(conserved - len(targets)) / len(targets)}


def part_access(cells, population, facilities, n_demand, n_supply, cut_off, rng,
                access_own_route: bool) -> dict[str, Any]:
    """2SFCA on the cells around the largest cluster; quartier vs PySAL access."""
    import access as access_module

    pooled = np.vstack(facilities)
    # the densest spot: the facility with the most facilities within 2 km
    tree = cKDTree(pooled)
    sample = pooled[rng.choice(len(pooled), min(len(pooled), 2_000), replace=False)]
    centre = sample[np.argmax(tree.query_ball_point(sample, 2_000.0, return_length=True))]
    _, near_cells = cKDTree(cells).query(centre, k=n_demand)
    _, near_facilities = tree.query(centre, k=n_supply)
    dxy, sxy = cells[np.sort(near_cells)], pooled[np.sort(near_facilities)]
    pop = population[np.sort(near_cells)]
    places = rng.integers(1, 100, n_supply).astype(float)
    demand = gpd.GeoDataFrame({"pop": pop}, geometry=gpd.points_from_xy(dxy[:, 0], dxy[:, 1]),
                              crs=CRS)
    supply = gpd.GeoDataFrame({"places": places},
                              geometry=gpd.points_from_xy(sxy[:, 0], sxy[:, 1]), crs=CRS)

    # cost table for access: all pairs within reach (built with scipy; not in access's time)
    t_cost, found = timed(lambda: cKDTree(dxy).sparse_distance_matrix(
        cKDTree(sxy), cut_off, output_type="ndarray"))
    cost = pd.DataFrame({"origin": found["i"], "dest": found["j"], "cost": found["v"]})

    def run_access(weight_fn=None):
        model = access_module.Access(
            demand_df=pd.DataFrame({"geoid": np.arange(n_demand), "pop": pop}),
            demand_index="geoid", demand_value="pop",
            supply_df=pd.DataFrame({"geoid": np.arange(n_supply), "places": places}),
            supply_index="geoid", supply_value="places",
            cost_df=cost, cost_origin="origin", cost_dest="dest", cost_name="cost")
        result = model.two_stage_fca(name="fca", max_cost=cut_off, weight_fn=weight_fn)
        return result["fca_places"].reindex(np.arange(n_demand)).to_numpy(dtype=float)

    def run_access_own_route():
        model = access_module.Access(
            demand_df=demand.rename_axis("geoid"), demand_index=True, demand_value="pop",
            supply_df=supply.rename_axis("geoid"), supply_index=True, supply_value="places")
        # access keeps pairs with distance < threshold (strict), then cost <= max_cost
        model.create_euclidean_distance(name="euclidean", threshold=cut_off + 1.0)
        result = model.two_stage_fca(name="fca", max_cost=cut_off)
        return result["fca_places"].reindex(np.arange(n_demand)).to_numpy(dtype=float)

    sigma = cut_off / 2

    def ours_plain() -> np.ndarray:
        return two_step_fca(demand, supply, cut_off, demand_column="pop",
                            supply_column="places").to_numpy()

    def ours_gauss() -> np.ndarray:
        return two_step_fca(demand, supply, cut_off, demand_column="pop", supply_column="places",
                            decay=gaussian_decay(sigma)).to_numpy()

    t_search, _ = timed(lambda: pairs_within(dxy, sxy, cut_off), repeat=7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_ours, a_ours = timed(ours_plain, repeat=7)
        t_access, a_access = timed(run_access, repeat=3)
        t_ours_g, g_ours = timed(ours_gauss, repeat=7)
        t_access_g, g_access = timed(lambda: run_access(access_module.weights.gaussian(sigma)))
        t_own, a_own = (timed(run_access_own_route) if access_own_route else (np.nan, None))

    def max_difference(a: np.ndarray, b: np.ndarray) -> float:
        same_nan = np.array_equal(np.isnan(a), np.isnan(b))
        return float(np.nanmax(np.abs(a - b))) if same_nan else np.inf

    return {
        "pairs": len(cost), "t_cost": t_cost, "t_search": t_search,
        "t_ours": t_ours, "t_access": t_access, "diff": max_difference(a_ours, a_access),
        "t_ours_g": t_ours_g, "t_access_g": t_access_g, "diff_g": max_difference(g_ours, g_access),
        "t_own": t_own, "diff_own": max_difference(a_ours, a_own) if a_own is not None else np.nan,
    }


def part_sjoin(cells, facilities, n_cells, n_facilities, rng) -> dict[str, float]:
    pooled = np.vstack(facilities)
    cxy = cells[np.sort(rng.choice(len(cells), min(n_cells, len(cells)), replace=False))]
    fxy = pooled[rng.choice(len(pooled), min(n_facilities, len(pooled)), replace=False)]
    origins = gpd.GeoDataFrame(geometry=gpd.points_from_xy(cxy[:, 0], cxy[:, 1]), crs=CRS)
    targets = gpd.GeoDataFrame(geometry=gpd.points_from_xy(fxy[:, 0], fxy[:, 1]), crs=CRS)
    t_ours, ours = timed(lambda: nearest_distance(origins, targets), repeat=3)
    t_sjoin, joined = timed(lambda: gpd.sjoin_nearest(origins, targets, how="left",
                                                      distance_col="distance"))
    theirs = joined.groupby(level=0)["distance"].min().to_numpy()  # ties give several rows
    return {"n_cells": len(cxy), "n_facilities": len(fxy), "t_ours": t_ours,
            "t_sjoin": t_sjoin, "diff": float(np.max(np.abs(ours - theirs)))}


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", type=int, default=None, help="populated cells (3,100,000)")
    parser.add_argument("--facilities", type=int, default=None,
                        help="facilities in all 20 categories (500,000)")
    parser.add_argument("--groups", type=int, default=None, help="quarter-like groups (10,000)")
    parser.add_argument("--quick", action="store_true", help="a small version, a few seconds")
    parser.add_argument("--fca-demand", type=int, default=None,
                        help="demand cells of the comparison with access (20,000)")
    parser.add_argument("--fca-supply", type=int, default=None,
                        help="facilities of the comparison with access (2,000)")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)

    quick = args.quick
    n_cells = args.cells or (100_000 if quick else 3_100_000)
    n_facilities = args.facilities or (20_000 if quick else 500_000)
    n_groups = args.groups or (1_000 if quick else 10_000)
    n_demand, n_supply, cut_off = (1_000, 100, 2_000.0) if quick else (20_000, 2_000, 2_000.0)
    n_demand = args.fca_demand or n_demand
    n_supply = args.fca_supply or n_supply
    n_sjoin_cells = min(n_cells, 100_000 if quick else 1_000_000)
    n_sjoin_facilities = max(1, round(25_000 * n_facilities / 500_000))
    rng = np.random.default_rng(args.seed)

    print(f"quartier accessibility benchmark{' (quick)' if quick else ''}: "
          f"{os.cpu_count()} cores, numpy {np.__version__}, pandas {pd.__version__}, "
          f"geopandas {gpd.__version__}")
    start = time.perf_counter()
    cells, population = synthetic_cells(n_cells, rng)
    facilities = synthetic_facilities(n_facilities, cells, population, rng)
    groups = quarter_like_groups(cells, n_groups)
    sizes = [len(f) for f in facilities]
    print(f"data: {len(cells):,} cells ({population.sum():,.0f} residents), "
          f"{sum(sizes):,} facilities in {len(sizes)} categories "
          f"({max(sizes):,} ... {min(sizes):,}), {len(np.unique(groups)):,} groups; "
          f"made in {time.perf_counter() - start:.1f} s, RSS {current_rss_gb():.2f} GB")

    germany = part_germany(cells, population, facilities, groups)
    large = part_fca_large(cells, population, facilities)
    try:
        import access  # noqa: F401

        has_access = True
    except ImportError:
        has_access = False
    fca = (part_access(cells, population, facilities, n_demand, n_supply, cut_off, rng,
                       access_own_route=True) if has_access else None)
    sjoin = part_sjoin(cells, facilities, n_sjoin_cells, n_sjoin_facilities, rng)

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    rows: list[tuple[str, str, str]] = []
    core = germany["nearest"] + germany["coverage"]
    rows += [
        (f"1. grid: {len(cells):,} cells x {N_CATEGORIES} categories", "", ""),
        ("   nearest distance, all categories", f"{germany['nearest']:.1f} s", ""),
        (f"   coverage <= {COVERAGE_DISTANCE:,.0f} m per group", f"{germany['coverage']:.1f} s",
         ""),
        ("   nearest + coverage", f"{core:.1f} s",
         f"target <= 60 s: {verdict(core <= 60)}"),
        ("   weighted median per group (extra)", f"{germany['median']:.1f} s", ""),
        ("   all of part 1", f"{germany['total']:.1f} s", ""),
        ("   process peak RSS (ru_maxrss)", f"{germany['peak_rss']:.2f} GB",
         f"target <= 4 GB: {verdict(germany['peak_rss'] <= 4)}"),
        ("   RSS before part 1 (data)", f"{germany['rss_before']:.2f} GB", ""),
        ("   mean coverage over groups and categories", f"{germany['mean_coverage']:.3f}", ""),
        ((f"   2SFCA, all cells x largest category ({large['n_supply']:,}), "
          f"{COVERAGE_DISTANCE:,.0f} m"), f"{large['time']:.1f} s",
         f"{large['reached']:.0%} of cells reach one; "
         f"identity error {large['identity_error']:.0e}"),
        ("   process peak RSS after that", f"{large['peak_rss']:.2f} GB", ""),
    ]
    if fca is not None:
        ratio = fca["t_access"] / fca["t_ours"]
        ratio_g = fca["t_access_g"] / fca["t_ours_g"]
        ratio_own = fca["t_own"] / fca["t_ours"]
        rows += [
            ((f"2. 2SFCA {n_demand:,} x {n_supply:,}, cut-off {cut_off:,.0f} m, "
              f"{fca['pairs']:,} pairs in reach"), "", ""),
            ("   quartier two_step_fca (incl. neighbour search)", f"{fca['t_ours'] * 1e3:.1f} ms",
             ""),
            ("   of which neighbour search (quartier, cKDTree)",
             f"{fca['t_search'] * 1e3:.1f} ms", ""),
            ("   access, same inputs (points): create_euclidean_distance + two_stage_fca",
             f"{fca['t_own'] * 1e3:.1f} ms",
             f"ratio {ratio_own:.1f}x, target >= 50x: {verdict(ratio_own >= 50)}"),
            ("   access two_stage_fca alone, from a cost table built for it",
             f"{fca['t_access'] * 1e3:.1f} ms", f"ratio {ratio:.1f}x (information)"),
            ("   (that cost table, scipy, not counted)", f"{fca['t_cost'] * 1e3:.1f} ms", ""),
            ("   max |difference|", f"{fca['diff']:.1e}", ""),
            (f"   E2SFCA Gaussian sigma {cut_off / 2:,.0f} m: quartier",
             f"{fca['t_ours_g'] * 1e3:.1f} ms", ""),
            ("   E2SFCA Gaussian: access from the cost table", f"{fca['t_access_g'] * 1e3:.1f} ms",
             f"ratio {ratio_g:.1f}x (information)"),
            ("   max |difference| (E2SFCA)", f"{fca['diff_g']:.1e}", ""),
            ("   max |difference| (own route)", f"{fca['diff_own']:.1e}", ""),
        ]
    else:
        rows.append(("2. 2SFCA vs access", "skipped", "pip install access"))
    ratio_sj = sjoin["t_sjoin"] / sjoin["t_ours"]
    rows += [
        (f"3. nearest: {sjoin['n_cells']:,} cells x {sjoin['n_facilities']:,} facilities", "",
         ""),
        ("   quartier nearest_distance (GeoDataFrames)", f"{sjoin['t_ours']:.2f} s", ""),
        ("   geopandas sjoin_nearest", f"{sjoin['t_sjoin']:.2f} s", f"ratio {ratio_sj:.1f}x"),
        ("   max |difference|", f"{sjoin['diff']:.1e} m", ""),
        ("process peak RSS, whole run", f"{peak_rss_gb():.2f} GB", ""),
    ]
    width = max(len(r[0]) for r in rows) + 2
    print()
    for label, value, note in rows:
        print(f"{label:<{width}}{value:>11}   {note}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
