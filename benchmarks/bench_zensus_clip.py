"""Time and peak memory of reading a national Zensus 2022 grid only for a town (issue 14, 4).

Writes, once, a synthetic national file in the Destatis format (3.1 million populated 100 m
cells spread over Germany's extent in EPSG:3035, ``GITTER_ID_100m;x_mp_100m;y_mp_100m;
Einwohner``, suppressed values as ``–``) and the matching "Alter in 10er-Jahresgruppen" file
with a ``werterlaeuternde_Zeichen`` column, into a temporary folder outside the project
(``$TMPDIR/quartier-bench-zensus``, reused by later runs). Then, each in a fresh process so
that the peak memory (``resource.getrusage``, maximum resident set size) belongs to one step:

* ``cold``: :func:`quartier.load.zensus.clip_grid_csv` on both files for a 10 km × 10 km town
  plus a 2 km buffer, no cache;
* ``cached``: the same through :func:`quartier.load.zensus.cached_clip`, first filling the
  cache (timed as ``fill``), then reading it (``cached``);
* ``zip``: the population file inside a ZIP archive (deflate), clipped from the stream;
* ``whole``: ``pandas.read_csv`` of the whole population file as text, the old way, for
  comparison.

Targets (2-core machine): cold clip of both files ≤ 5 s, from the cache ≤ 0.5 s, peak memory
≤ 400 MB in every step, of which about 215 MB is the imported libraries (measured: cold 2.1 s
and 361 MB, cached 0.03 s, ZIP 1.2 s and 368 MB; the whole population file read as text by
pandas 4.7 s and 751 MB).

    python benchmarks/bench_zensus_clip.py [--rows 3100000] [--chunksize 250000]
                                           [--steps cold cached zip whole]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

#: Germany's extent in EPSG:3035 (metres), rounded outwards to 100 m cells.
EXTENT = (4_030_000, 2_680_000, 4_680_000, 3_560_000)
#: The town: a 10 km square in the middle of the extent, plus the context buffer.
TOWN = (4_350_000.0, 3_100_000.0, 4_360_000.0, 3_110_000.0)
BUFFER_M = 2_000.0
AGE_COLUMNS = ["Unter10", "a10bis19", "a20bis29", "a30bis39", "a40bis49", "a50bis59",
               "a60bis69", "a70bis79", "a80undaelter"]


def write_national_files(folder: Path, rows: int, seed: int = 0) -> tuple[Path, Path, Path]:
    """The population file, the 10-year age file and the population file zipped (once)."""
    folder.mkdir(parents=True, exist_ok=True)
    population = folder / f"Zensus2022_Bevoelkerungszahl_100m-Gitter_{rows}.csv"
    ages = folder / f"Zensus2022_Alter_in_10er-Jahresgruppen_100m-Gitter_{rows}.csv"
    archive = folder / f"Zensus2022_Bevoelkerungszahl_{rows}.zip"
    if population.exists() and ages.exists() and archive.exists():
        return population, ages, archive
    rng = np.random.default_rng(seed)
    columns = (EXTENT[2] - EXTENT[0]) // 100
    cells = (EXTENT[3] - EXTENT[1]) // 100 * columns
    drawn = np.unique(rng.integers(0, cells, size=int(rows * 1.1)))
    index = np.sort(rng.choice(drawn, size=rows, replace=False))
    east = EXTENT[0] + (index % columns) * 100
    north = EXTENT[1] + (index // columns) * 100
    ids = pd.Series(["CRS3035RES100mN"] * rows) + pd.Series(north).astype(str) + "E" + \
        pd.Series(east).astype(str)
    total = rng.geometric(0.08, size=rows)
    frame = pd.DataFrame({"GITTER_ID_100m": ids, "x_mp_100m": east + 50,
                          "y_mp_100m": north + 50, "Einwohner": total})
    frame.to_csv(population, sep=";", index=False)
    shares = rng.dirichlet(np.ones(len(AGE_COLUMNS)), size=rows)
    counts = np.floor(shares * total[:, None]).astype(int)
    counts[:, 0] += total - counts.sum(axis=1)
    age_frame = pd.DataFrame(counts, columns=AGE_COLUMNS).astype(str)
    small = total < 3
    age_frame.loc[small, :] = "–"
    age_frame.insert(0, "Insgesamt_Bevoelkerung", total)
    age_frame.insert(0, "y_mp_100m", north + 50)
    age_frame.insert(0, "x_mp_100m", east + 50)
    age_frame.insert(0, "GITTER_ID_100m", ids)
    age_frame["werterlaeuternde_Zeichen"] = np.where(rng.random(rows) < 0.02, "KLAMMERN", "")
    age_frame.to_csv(ages, sep=";", index=False, encoding="utf-8")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(population, "Zensus2022_Bevoelkerungszahl_100m-Gitter.csv")
    return population, ages, archive


def _box() -> tuple[float, float, float, float]:
    return (TOWN[0] - BUFFER_M, TOWN[1] - BUFFER_M, TOWN[2] + BUFFER_M, TOWN[3] + BUFFER_M)


def run_step(step: str, files: list[str], chunksize: int, cache: str) -> dict:
    """One step in this process; returns its figures."""
    from quartier.load.zensus import cached_clip, clip_grid_csv

    box = _box()
    paths = [Path(f) for f in files]
    figures: dict = {"step": step}
    start = time.perf_counter()
    if step == "cold":
        kept = [clip_grid_csv(p, box, chunksize=chunksize) for p in paths[:2]]
    elif step == "zip":
        kept = [clip_grid_csv(paths[2], box, chunksize=chunksize)]
    elif step in ("fill", "cached"):
        kept = [cached_clip(p, box, Path(cache), chunksize=chunksize) for p in paths[:2]]
        figures["from_cache"] = all(k.from_cache for k in kept)
    elif step == "whole":
        table = pd.read_csv(paths[0], sep=";", dtype=str, keep_default_na=False)
        figures.update(seconds=time.perf_counter() - start, rows_kept=len(table))
        figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return figures
    else:
        raise ValueError(step)
    figures["seconds"] = time.perf_counter() - start
    figures["rows_read"] = sum(k.rows_read for k in kept)
    figures["rows_kept"] = sum(len(k.table) for k in kept)
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_100_000)
    parser.add_argument("--chunksize", type=int, default=250_000)
    parser.add_argument("--steps", nargs="+", default=["cold", "cached", "zip", "whole"])
    parser.add_argument("--run-step", help=argparse.SUPPRESS)
    parser.add_argument("--files", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_step:
        print(json.dumps(run_step(args.run_step, args.files, args.chunksize, args.cache)))
        return
    folder = Path(tempfile.gettempdir()) / "quartier-bench-zensus"
    start = time.perf_counter()
    files = write_national_files(folder, args.rows)
    print(f"national files ({args.rows:,} cells) in {folder}: "
          f"{time.perf_counter() - start:.1f} s to write or find; sizes "
          + ", ".join(f"{p.name} {p.stat().st_size / 2**20:.0f} MB" for p in files))
    with tempfile.TemporaryDirectory() as cache:
        steps = [s for step in args.steps for s in (("fill", "cached") if step == "cached"
                                                     else (step,))]
        for step in steps:
            output = subprocess.run(
                [sys.executable, __file__, "--run-step", step, "--chunksize",
                 str(args.chunksize), "--cache", cache, "--files", *map(str, files)],
                capture_output=True, text=True, check=True).stdout
            figures = json.loads(output.strip().splitlines()[-1])
            extra = f", from cache: {figures['from_cache']}" if "from_cache" in figures else ""
            print(f"{step:>7}: {figures['seconds']:6.2f} s, peak {figures['peak_mb']:6.0f} MB, "
                  f"{figures['rows_kept']:,} cells kept{extra}")


if __name__ == "__main__":
    main()
