"""Time and peak memory of every stage of the Berlin report (issue 6: < 60 s and < 2 GB).

Runs the whole pipeline of ``quartier report examples/berlin/quartier.toml`` stage by stage
on the real data in ``../shared/data/berlin`` (542 planning areas) and prints, per stage, the
wall time and the peak resident memory of the process during that stage:

    python benchmarks/bench_berlin.py [--with-2019] [--output DIR]

Stages: load (config, boundaries, population, 21 facility files, social data), population
surface, indicators (supply, distances, 2SFCA, assessment, social index), exports (CSV,
Excel, GeoPackage), static maps, interactive map, report pages, editions (comparison with
the stored editions, trend history, storing). With ``--with-2019`` the 2019 edition on the old
planning areas is stored first (not timed), so the comparison carries it across the boundary
change, as in a real yearly update.

Peak memory per stage comes from the kernel's high-water mark (``VmHWM``), reset before each
stage through ``/proc/self/clear_refs``; where that is not allowed the figure is the peak
since the start (marked ``*``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
CONFIG = PROJECT / "examples" / "berlin" / "quartier.toml"
CONFIG_2019 = PROJECT / "examples" / "berlin" / "quartier_2019.toml"
TARGET_SECONDS = 60.0
TARGET_GB = 2.0


def _status_kb(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class Stages:
    """Collects (name, seconds, peak GB, peak-is-exact) per stage."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float, bool]] = []
        self.extra: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str):
        exact = _reset_peak()
        start = time.perf_counter()
        yield
        seconds = time.perf_counter() - start
        self.rows.append((name, seconds - self.extra.pop(name + ":inner", 0.0),
                          _status_kb("VmHWM") / 1024 ** 2, exact))

    def print(self) -> float:
        total = sum(r[1] for r in self.rows)
        import resource

        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 ** 2
        peak = max(r[2] for r in self.rows) + child
        print(f"\n{'Stufe':<22}{'Zeit (s)':>10}{'Spitze (GB)':>14}")
        for name, seconds, gb, exact in self.rows:
            print(f"{name:<22}{seconds:>10.1f}{gb:>13.2f}{'' if exact else '*'}")
        if child:
            print(f"{'zweiter Prozess':<22}{'':>10}{child:>13.2f}")
        print(f"{'gesamt':<22}{total:>10.1f}{peak:>13.2f}   (Speicher: Summe beider Prozesse)")
        print(f"Ziel: < {TARGET_SECONDS:.0f} s und < {TARGET_GB:.0f} GB -> "
              f"{'erreicht' if total < TARGET_SECONDS and peak < TARGET_GB else 'VERFEHLT'}")
        return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--with-2019", action="store_true",
                        help="store the 2019 edition on the old planning areas first")
    parser.add_argument("--output", type=Path, default=None, help="report folder")
    parser.add_argument("--sequential", action="store_true",
                        help="write the exports in this process, after the maps (no 2nd process)")
    args = parser.parse_args()
    if not CONFIG.parent.joinpath("..", "..", "..", "shared", "data", "berlin").resolve().is_dir():
        print("Berlin data not found: ../shared/data/berlin beside the project.", file=sys.stderr)
        return 2

    import quartier
    from quartier.compute import population_surface
    from quartier.editions import store_edition
    from quartier.editions.compare import compare_with_stored
    from quartier.editions.history import load_history
    from quartier.report import build
    from quartier.validation import ValidationReport

    work = Path(tempfile.mkdtemp(prefix="bench_berlin_"))
    output = args.output or work / "report"
    store = work / "berlin.editions.sqlite"
    if args.with_2019:
        old = quartier.load_study(CONFIG_2019)
        store_edition(store, old, quartier.compute(old))
        del old

    stages = Stages()
    print(f"quartier {quartier.__version__}, {os.cpu_count()} CPUs, Bericht in {output}")
    with stages.stage("Laden"):
        study = quartier.load_study(CONFIG)
    print(f"{len(study.quarters)} Planungsräume, {len(study.facilities):,} Einrichtungen")
    with stages.stage("Bevölkerung"):
        population_surface(study, ValidationReport())
    with stages.stage("Indikatoren"):
        # compute() builds the surface again; its own progress marks say how long that took
        marks: list[tuple[str, float]] = []
        results = quartier.compute(study, progress=lambda m: marks.append(
            (m, time.perf_counter())))
        surface_seconds = marks[1][1] - marks[0][1]
        stages.extra["Indikatoren:inner"] = surface_seconds
    print(f"{len(results.surface):,} Zellen, {len(results.indicators):,} Indikatorwerte "
          f"(Oberfläche in compute: {surface_seconds:.1f} s, abgezogen)")
    with stages.stage("Editionen: Vergleich"):
        history = load_history(store, study, results)
        comparison = compare_with_stored(store, study, results, history)
    output.mkdir(parents=True, exist_ok=True)

    # The report as `quartier report` writes it: the exports (Excel, GeoPackage, CSV) in a
    # second process while this one draws the maps and the pages (build_report).
    timers = {"maps": 0.0, "interactive": 0.0}
    figures, interactive = build._figures, build._interactive

    def timed_figures(*a, **kw):
        draw = figures(*a, **kw)

        def wrapped(*b, **kwb):
            start = time.perf_counter()
            try:
                return draw(*b, **kwb)
            finally:
                timers["maps"] += time.perf_counter() - start
        return wrapped

    def timed_interactive(*a, **kw):
        start = time.perf_counter()
        try:
            return interactive(*a, **kw)
        finally:
            timers["interactive"] += time.perf_counter() - start

    build._figures, build._interactive = timed_figures, timed_interactive
    exact = _reset_peak()
    start = time.perf_counter()
    build.build_report(study, results, output=output, comparison=comparison, history=history,
                       parallel=not args.sequential)
    report_seconds = time.perf_counter() - start
    peak = _status_kb("VmHWM") / 1024 ** 2
    build._figures, build._interactive = figures, interactive
    stages.rows.append(("Bericht gesamt", report_seconds, peak, exact))
    print(f"  darin im Hauptprozess: statische Karten {timers['maps']:.1f} s, interaktive Karte "
          f"{timers['interactive']:.1f} s, Seiten und Übriges "
          f"{report_seconds - timers['maps'] - timers['interactive']:.1f} s"
          + ("" if args.sequential else "; Exporte parallel im zweiten Prozess"))
    pages = list(output.rglob("*.html"))
    with stages.stage("Editionen: Speichern"):
        store_edition(store, study, results)
    size = (output / "index.html").stat().st_size / 1024 ** 2
    print(f"index.html {size:.1f} MB, {len(pages)} Seiten")
    stages.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
