"""Benchmark of the dask path (quartier.scale) on the synthetic Germany-sized grid.

Prints figures, not a test. The grid and the facilities come from ``bench_accessibility.py``
(3.1 million populated 100 m cells in 10,000 quarter-like groups, 500,000 facilities in 20
categories). They run through the dask path on a ``distributed.LocalCluster`` of worker
processes with a memory limit each (default 2 workers x 1.5 GB, one thread each):

1. partition the cells by quarter (Hilbert curve) and scatter them to the workers;
2. nearest distance for all 20 categories;
3. 2SFCA, 1 km, for the largest category;
4. per quarter (``accessibility_by_quarter_dask``): median distance, coverage within 1 km and
   2SFCA access, for all 20 categories.

After each stage: wall time and the peak resident memory of each worker (sampled every 0.2 s
with ``client.run``; at the end the process peak VmHWM) and the time the workers spent
computing, transferring data and spilling it to disk (from the task stream). Then a random
subset of cells and of quarters is computed with the single-machine functions and compared:
nearest distance from the subset cells to all facilities; 2SFCA from the cells within 2 x 1 km
of the subset (which holds all the demand their facilities see); per-quarter figures from the
cells within 2 x 1 km of the chosen quarters. ``--single`` also times the single-machine path
on all cells (stages 2-4).

Usage::

    python benchmarks/bench_dask.py [--quick] [--workers 2] [--memory-limit 1.5GB]
        [--cells N] [--facilities N] [--groups N] [--partition-size N] [--single]
        [--scheduler tcp://host:8786]

``--quick`` runs 100,000 cells in well under a minute. ``--scheduler`` uses an existing
cluster instead of starting a local one (memory figures then come from its workers).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any, Self

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

# the synthetic grid of bench_accessibility.py is imported, not copied
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_accessibility import (
    COVERAGE_DISTANCE,
    CRS,
    current_rss_gb,
    quarter_like_groups,
    synthetic_cells,
    synthetic_facilities,
)

from quartier.indicators.accessibility import accessibility_by_quarter
from quartier.indicators.catchment import two_step_fca
from quartier.indicators.distance import nearest_distance
from quartier.scale import (
    accessibility_by_quarter_dask,
    nearest_distance_dask,
    partition_cells,
    two_step_fca_dask,
)
from quartier.scale.partition import POSITION

# --------------------------------------------------------------------------------------------
# worker memory
# --------------------------------------------------------------------------------------------


def _worker_rss() -> int:
    """Current resident set size of a worker process, in bytes (runs on the worker)."""
    import psutil

    return psutil.Process().memory_info().rss


def _worker_peak_rss() -> int:
    """Peak resident set size of this process so far (VmHWM), in bytes.

    Not ``ru_maxrss``: Linux carries that over an exec, so a worker started from a large
    driver process would report the driver's peak.
    """
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


class MemorySampler:
    """Samples every worker's RSS with ``client.run`` in a background thread."""

    def __init__(self, client: Any, interval: float = 0.2) -> None:
        self.client, self.interval = client, interval
        self.peaks: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Self:
        self._sample()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._sample()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        try:
            found = self.client.run(_worker_rss)
        except (OSError, TimeoutError, KeyError):  # a worker restarting: try again next time
            return
        for worker, rss in found.items():
            self.peaks[worker] = max(self.peaks.get(worker, 0), rss)


# --------------------------------------------------------------------------------------------
# stages
# --------------------------------------------------------------------------------------------


def facility_frames(facilities: list[np.ndarray]) -> list[gpd.GeoDataFrame]:
    return [gpd.GeoDataFrame({"places": np.ones(len(xy))},
                             geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=CRS)
            for xy in facilities]


def stage(name: str, client: Any, figures: list[tuple[str, float, dict[str, int], str]],
          function: Any) -> Any:
    """Run one stage: wall time, sampled worker RSS peaks, and where the workers spent time."""
    import distributed

    with distributed.get_task_stream(client=client) as stream, MemorySampler(client) as sampler:
        start = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - start
    spent: dict[str, float] = {}
    for task in stream.data:
        for part in task.get("startstops", ()):
            spent[part["action"]] = spent.get(part["action"], 0.0) + part["stop"] - part["start"]
    actions = ", ".join(f"{action} {seconds:.1f} s" for action, seconds in sorted(spent.items()))
    figures.append((name, elapsed, sampler.peaks, actions))
    print(f"  {name}: {elapsed:.1f} s, worker peak RSS "
          f"{', '.join(f'{v / 1e9:.2f}' for v in sampler.peaks.values())} GB; "
          f"{len(stream.data)} tasks, worker time: {actions}", flush=True)
    return result


def ring(cells: np.ndarray, seeds: np.ndarray, radius: float) -> np.ndarray:
    """Sorted positions of the cells within ``radius`` of any seed point (seeds included)."""
    near = cKDTree(cells).query_ball_point(seeds, radius)
    return np.unique(np.concatenate([np.asarray(n, dtype=np.int64) for n in near]))


def relative_difference(a: np.ndarray, b: np.ndarray) -> float:
    """Largest |a - b| / |b| over finite b, inf if NaN/inf patterns differ."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if not (np.array_equal(np.isnan(a), np.isnan(b)) and np.array_equal(np.isinf(a),
                                                                         np.isinf(b))):
        return np.inf
    finite = np.isfinite(b) & (b != 0)
    same_zero = np.array_equal(a[b == 0], b[b == 0])
    if not same_zero:
        return np.inf
    return float(np.max(np.abs(a[finite] - b[finite]) / np.abs(b[finite]), initial=0.0))


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", type=int, default=None, help="populated cells (3,100,000)")
    parser.add_argument("--facilities", type=int, default=None,
                        help="facilities in all 20 categories (500,000)")
    parser.add_argument("--groups", type=int, default=None, help="quarter-like groups (10,000)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--memory-limit", default="1.5GB", help="per worker (1.5GB)")
    parser.add_argument("--partition-size", type=int, default=100_000,
                        help="cells per partition (100,000)")
    parser.add_argument("--sample", type=int, default=1_000,
                        help="random cells compared with the single-machine path (1,000)")
    parser.add_argument("--sample-quarters", type=int, default=50,
                        help="random quarters compared with the single-machine path (50)")
    parser.add_argument("--single", action="store_true",
                        help="also time the single-machine path on all cells")
    parser.add_argument("--scheduler", default=None,
                        help="address of an existing dask scheduler instead of a LocalCluster")
    parser.add_argument("--quick", action="store_true", help="a small version")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)

    import dask
    import distributed

    quick = args.quick
    n_cells = args.cells or (100_000 if quick else 3_100_000)
    n_facilities = args.facilities or (20_000 if quick else 500_000)
    n_groups = args.groups or (1_000 if quick else 10_000)
    partition_size = args.partition_size if not quick else min(args.partition_size, 20_000)
    d0 = COVERAGE_DISTANCE
    rng = np.random.default_rng(args.seed)

    print(f"quartier dask benchmark{' (quick)' if quick else ''}: {os.cpu_count()} cores, "
          f"dask {dask.__version__}, distributed {distributed.__version__}, "
          f"geopandas {gpd.__version__}, pandas {pd.__version__}")
    start = time.perf_counter()
    xy, population = synthetic_cells(n_cells, rng)
    facilities = synthetic_facilities(n_facilities, xy, population, rng)
    groups = quarter_like_groups(xy, n_groups)
    quarter_id = np.char.add("q", np.char.zfill(groups.astype(str), 5)).astype(object)
    cells = gpd.GeoDataFrame({"quarter_id": quarter_id, "pop": population},
                             geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=CRS)
    supply = facility_frames(facilities)
    sizes = [len(f) for f in facilities]
    print(f"data: {len(cells):,} cells ({population.sum():,.0f} residents) in "
          f"{len(np.unique(groups)):,} quarters, {sum(sizes):,} facilities in {len(sizes)} "
          f"categories ({max(sizes):,} ... {min(sizes):,}); made in "
          f"{time.perf_counter() - start:.1f} s, driver RSS {current_rss_gb():.2f} GB",
          flush=True)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if args.scheduler:
            cluster = None
            client = distributed.Client(args.scheduler)
        else:
            cluster = distributed.LocalCluster(
                n_workers=args.workers, threads_per_worker=1, processes=True,
                memory_limit=args.memory_limit, dashboard_address=None)
            client = distributed.Client(cluster)
    workers = client.scheduler_info()["workers"]
    limits = {w: info.get("memory_limit", 0) for w, info in workers.items()}
    print(f"cluster: {len(workers)} workers x 1 thread, memory limit "
          f"{', '.join(f'{v / 1e9:.2f}' for v in limits.values())} GB; worker RSS at start "
          f"{', '.join(f'{v / 1e9:.2f}' for v in client.run(_worker_rss).values())} GB",
          flush=True)

    figures: list[tuple[str, float, dict[str, int], str]] = []
    try:
        frame = stage("1. partition by quarter + scatter", client, figures, lambda: partition_cells(
            cells, partition_size=partition_size, by="quarter_id", client=client))
        positions = frame[POSITION].compute().to_numpy()
        order_of = np.empty(len(positions), dtype=np.int64)
        order_of[positions] = np.arange(len(positions))  # input position -> partition order
        print(f"  {frame.npartitions} partitions", flush=True)

        def nearest_all() -> list[np.ndarray]:
            return [nearest_distance_dask(frame, f, client=client).compute().to_numpy()
                    for f in supply]

        nearest = stage(f"2. nearest distance, {len(supply)} categories", client, figures,
                        nearest_all)
        largest = supply[0]
        access = stage(f"3. 2SFCA {d0:,.0f} m, largest category ({len(largest):,})", client,
                       figures, lambda: two_step_fca_dask(
                           frame, largest, d0, demand_column="pop", supply_column="places",
                           client=client).compute().to_numpy())

        def per_quarter() -> list[pd.DataFrame]:
            return [accessibility_by_quarter_dask(
                frame, "pop", f, max_distance=d0, catchment=d0, supply=f["places"].to_numpy(),
                client=client) for f in supply]

        tables = stage(f"4. per quarter (median, coverage, 2SFCA), {len(supply)} categories",
                       client, figures, per_quarter)
        peak_rss = client.run(_worker_peak_rss)
        restarted = set(client.scheduler_info()["workers"]) != set(workers)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

    # ---- comparison with the single-machine path on random subsets
    print("comparing with the single-machine path ...", flush=True)
    t0 = time.perf_counter()
    sample = np.sort(rng.choice(len(xy), min(args.sample, len(xy)), replace=False))
    diff_nearest = max(
        float(np.max(np.abs(nearest[k][order_of[sample]] - nearest_distance(xy[sample],
                                                                           facilities[k]))))
        for k in range(len(supply)))
    around = ring(xy, xy[sample], 2 * d0)
    local = two_step_fca(cells.iloc[around], largest, d0, demand_column="pop",
                         supply_column="places")
    diff_access = relative_difference(access[order_of[sample]],
                                      local.loc[cells.index[sample]].to_numpy())
    chosen = rng.choice(np.unique(quarter_id), min(args.sample_quarters, n_groups),
                        replace=False)
    members = np.flatnonzero(np.isin(quarter_id, chosen))
    around_q = ring(xy, xy[members], 2 * d0)
    sub = cells.iloc[around_q]
    diff_quarter = 0.0
    for k, f in enumerate(supply):
        single = accessibility_by_quarter(sub, sub["pop"].to_numpy(), f, max_distance=d0,
                                          catchment=d0, supply=f["places"].to_numpy())
        for column in ("median_distance", "coverage", "fca_access"):
            diff_quarter = max(diff_quarter, relative_difference(
                tables[k].loc[chosen, column].to_numpy(), single.loc[chosen, column].to_numpy()))
    t_compare = time.perf_counter() - t0

    single_times: dict[str, float] = {}
    if args.single:
        print("single-machine path on all cells ...", flush=True)
        t = time.perf_counter()
        for f in supply:
            nearest_distance(cells, f)
        single_times["2"] = time.perf_counter() - t
        t = time.perf_counter()
        two_step_fca(cells, largest, d0, demand_column="pop", supply_column="places")
        single_times["3"] = time.perf_counter() - t
        t = time.perf_counter()
        for f in supply:
            accessibility_by_quarter(cells, population, f, max_distance=d0, catchment=d0,
                                     supply=f["places"].to_numpy())
        single_times["4"] = time.perf_counter() - t

    rows: list[tuple[str, str, str]] = []
    for name, elapsed, peaks, _ in figures:
        note = f"worker peak {max(peaks.values(), default=0) / 1e9:.2f} GB"
        if name[0] in single_times:
            note += f"; single machine {single_times[name[0]]:.1f} s"
        rows.append((name, f"{elapsed:.1f} s", note))
    limit = max(limits.values(), default=0)
    peak = max(peak_rss.values(), default=0)
    rows += [
        ("worker peak RSS, whole run (VmHWM)",
         ", ".join(f"{v / 1e9:.2f}" for v in peak_rss.values()) + " GB",
         f"limit {limit / 1e9:.2f} GB: {'within' if 0 < peak <= limit else 'EXCEEDED'}"
         + ("; a worker was restarted" if restarted else "")),
        (f"nearest distance, {len(sample):,} random cells x {len(supply)} categories",
         f"{diff_nearest:.1e} m", "max |dask - single machine|"),
        (f"2SFCA, same cells (single machine on {len(around):,} cells within {2 * d0:,.0f} m)",
         f"{diff_access:.1e}", "max relative difference"),
        (f"per quarter, {len(chosen)} random quarters x {len(supply)} categories",
         f"{diff_quarter:.1e}", f"max relative difference ({len(around_q):,} cells)"),
        ("comparison took", f"{t_compare:.1f} s", ""),
        ("driver peak RSS", f"{_worker_peak_rss() / 1e9:.2f} GB", "(holds the generated data)"),
    ]
    width = max(len(r[0]) for r in rows) + 2
    print()
    for label, value, note in rows:
        print(f"{label:<{width}}{value:>14}   {note}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
