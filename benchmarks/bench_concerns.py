"""Time of the protection of residents' concern counts for 7, 60 and 542 quarters (issue 15).

Builds a year of synthetic concerns (about 20 per quarter and year, unevenly spread over the
six action fields and four statuses, so that most cells hold 0, 1 or 2 concerns) and times
:func:`quartier.partners.concerns.published_concerns` — primary and secondary suppression
with the audit — and, separately, the audit alone (an independent check that no hidden small
count can be worked out). The version of ``concerns.py`` in the last commit (``git show
HEAD:…``) or any other file given with ``--old`` is timed as well for the sizes given with
``--old-sizes`` (the old algorithm needs minutes for 60 quarters):

    python benchmarks/bench_concerns.py [--sizes 7 60 542] [--old-sizes 7]
                                         [--old PATH | --old-ref REF] [--years 1]
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd

from quartier.fields import FIELDS
from quartier.partners import concerns as new_concerns

PROJECT = Path(__file__).resolve().parents[1]
MODULE = "src/quartier/partners/concerns.py"
STATUSES = ("offen", "in Bearbeitung", "weitergeleitet", "erledigt")


def synthetic_concerns(n_quarters: int, *, years: int = 1, seed: int = 0) -> tuple[
        pd.DataFrame, list[str]]:
    """Concerns of ``years`` years for ``n_quarters`` quarters, and the quarter ids.

    Each quarter raises a Poisson number of concerns per year around its own rate (lognormal,
    median 15, a few busy quarters near 80); fields and statuses follow per-quarter weights,
    so that most quarter × field cells are small.
    """
    rng = np.random.default_rng(seed)
    quarter_ids = [f"{i + 1:08d}" for i in range(n_quarters)]
    rates = np.clip(rng.lognormal(np.log(15), 0.7, size=n_quarters), 1, 120)
    rows = []
    for year in range(2025 - years + 1, 2026):
        counts = rng.poisson(rates)
        for quarter, n in zip(quarter_ids, counts, strict=True):
            weights = rng.dirichlet(np.ones(len(FIELDS)))
            fields = rng.choice(len(FIELDS), size=n, p=weights)
            statuses = rng.choice(len(STATUSES), size=n, p=[0.2, 0.15, 0.1, 0.55])
            days = rng.integers(0, 365, size=n)
            for f, s, d in zip(fields, statuses, days, strict=True):
                rows.append((quarter, FIELDS[f], np.datetime64(f"{year}-01-01")
                             + np.timedelta64(int(d), "D"), STATUSES[s]))
    frame = pd.DataFrame(rows, columns=["quarter_id", "field", "date", "status"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame, quarter_ids


def load_module(path: Path) -> ModuleType:
    """Import a copy of ``concerns.py`` from a file under its own module name."""
    spec = importlib.util.spec_from_file_location("old_concerns", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module   # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def old_module(path: Path | None, ref: str) -> ModuleType:
    """The old ``concerns.py``: a given file, or the file at a git revision."""
    if path is not None:
        return load_module(path)
    text = subprocess.run(["git", "show", f"{ref}:{MODULE}"], cwd=PROJECT, check=True,
                          capture_output=True, text=True).stdout
    copy = Path(tempfile.mkdtemp()) / "old_concerns.py"
    copy.write_text(text, encoding="utf-8")
    return load_module(copy)


def timed(function, *args, **kwargs) -> tuple[object, float]:
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[7, 60, 542])
    parser.add_argument("--old-sizes", type=int, nargs="*", default=[7])
    parser.add_argument("--old", type=Path, help="a copy of the old concerns.py")
    parser.add_argument("--old-ref", default="HEAD", help="git revision of the old version")
    parser.add_argument("--years", type=int, default=1, help="years of concerns (default 1)")
    args = parser.parse_args(argv)
    old = old_module(args.old, args.old_ref) if args.old_sizes else None
    print(f"{'quarters':>8} {'concerns':>8} {'hidden':>7} {'suppression':>12} "
          f"{'protection':>11} {'audit':>8} {'disclosed':>9}  version")
    for n in args.sizes:
        concerns, quarter_ids = synthetic_concerns(n, years=args.years)
        cube = new_concerns.concern_counts(concerns, quarter_ids)
        tables = new_concerns.PUBLISHED_TABLES
        _, suppression = timed(new_concerns.protect_counts, cube, tables, audit=False)
        protection, total = timed(new_concerns.protect_counts, cube, tables)
        leaked, audit = timed(new_concerns.disclosed_counts, cube, protection)
        print(f"{n:>8} {len(concerns):>8} {len(protection.hidden()):>7} {suppression:>11.2f}s "
              f"{total:>10.2f}s {audit:>7.2f}s {len(leaked):>9}  new", flush=True)
        if old is not None and n in args.old_sizes:
            before, total = timed(old.protect_counts, cube, tables)
            leaked = new_concerns.disclosed_counts(cube, before)
            print(f"{n:>8} {len(concerns):>8} {len(before.hidden()):>7} {'':>12} "
                  f"{total:>10.2f}s {'':>8} {len(leaked):>9}  old ({args.old or args.old_ref})",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
