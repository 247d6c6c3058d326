"""Fuzzing the command line with broken and hostile variants of a small study (issue 15).

A seeded generator breaks the files and the config of the two-quarter study of
``conftest.py`` (random bytes, truncation, wrong types, extreme numbers, hostile strings,
other encodings) and runs ``quartier validate``, and for some variants ``quartier report``,
on each. Every run must end with exit code 0, 1 or 2 and a message — never 3, never a
traceback — write nothing outside the study's folder, and put no formula into a CSV or Excel
export. The seed is fixed, so a failure names a variant that can be replayed.
"""

from __future__ import annotations

import csv
import json
import random
import re
import signal
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CONFIG, FACILITIES_CSV, POPULATION_CSV, quarters_geojson

from quartier.cli import cli

SEED = 20261130
VALIDATE_VARIANTS = 40
SECONDS_PER_RUN = 60

HOSTILE_TEXT = [
    '=HYPERLINK("http://example.invalid/x","Kita")', "+1+2", "-2+3", "@SUM(A1:A9)",
    "\tTAB", "\rCR", "../../../etc/passwd", "..\\..\\evil", "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "CON", "NUL", "a/b", "\x07bell", "\x00nul", "x" * 5000,
    "Ünïcödé – „Zitat“ 🙂", "", " ", "'; DROP TABLE editions; --",
]
HOSTILE_NUMBERS = ["1e308", "-1e308", "nan", "inf", "-inf", "-5", "0", "4.318", "1.000,50",
                   "ca. 20", "9" * 40, "1e-320", "0x1F", "NaN", "-0"]
TOML_VALUES = ["-500", "nan", "inf", "-inf", '"text"', "[1, 2]", "{ a = 1 }", "true",
               "1e308", "0", '"../../x"', '"a/b"', '"CON"', '"\\u0007"', "[]", '""']


def _csv_cells(text: str) -> list[list[str]]:
    return [line.split(";") for line in text.splitlines()]


def _join_csv(rows: list[list[str]]) -> str:
    return "\n".join(";".join(row) for row in rows) + "\n"


def _mutate_csv_cell(text: str, rng: random.Random) -> str:
    rows = _csv_cells(text)
    row = rng.randrange(len(rows))
    column = rng.randrange(len(rows[row]))
    rows[row][column] = rng.choice(HOSTILE_TEXT + HOSTILE_NUMBERS).replace(";", ",").replace(
        "\n", " ")
    return _join_csv(rows)


def _mutate_geojson(text: str, rng: random.Random) -> str:
    collection = json.loads(text)
    feature = rng.choice(collection["features"])
    kind = rng.randrange(6)
    if kind == 0:  # a vertex far away or non-finite
        ring = feature["geometry"]["coordinates"][0]
        ring[rng.randrange(1, len(ring) - 1)] = [rng.choice([1e308, 4.7e8, float("nan"),
                                                             float("inf")]), 5465000.0]
    elif kind == 1:  # swapped axes
        feature["geometry"]["coordinates"] = [[[y, x] for x, y in ring]
                                              for ring in feature["geometry"]["coordinates"]]
    elif kind == 2:
        feature["geometry"] = None
    elif kind == 3:
        feature["geometry"] = {"type": "Polygon", "coordinates": []}
    elif kind == 4:
        feature["properties"][rng.choice(["nr", "name"])] = rng.choice(HOSTILE_TEXT)
    else:
        feature["properties"]["nr"] = rng.choice([1, 1.5, None, True, ["01"]])
    return json.dumps(collection)


def _mutate_config(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    assignments = [i for i, line in enumerate(lines) if re.match(r"^\w+ = ", line)]
    kind = rng.randrange(5)
    if kind == 0:  # a value of the wrong type or out of range
        i = rng.choice(assignments)
        key = lines[i].split(" = ")[0]
        lines[i] = f"{key} = {rng.choice(TOML_VALUES)}"
    elif kind == 1:  # an unknown or misspelt key
        i = rng.choice(assignments)
        key = lines[i].split(" = ")[0]
        lines[i] = f"{key}x = {lines[i].split(' = ', 1)[1]}"
    elif kind == 2:  # a line lost
        del lines[rng.choice(assignments)]
    elif kind == 3:  # an [indicators] section with hostile numbers
        key = rng.choice(["catchment_m", "min_population", "resource_factor",
                          "coverage_gap_below"])
        lines += ["[indicators]", f"{key} = {rng.choice(TOML_VALUES)}"]
    else:  # a hostile edition label or study name
        value = rng.choice(HOSTILE_TEXT).replace("\\", "\\\\").replace('"', '\\"')
        value = value.replace("\x07", "\\u0007").replace("\x00", "\\u0000").replace(
            "\t", "\\t").replace("\r", "\\r")
        key = rng.choice(["edition", "name"])
        lines = [f'{key} = "{value}"' if line.startswith(f"{key} = ") else line
                 for line in lines]
    return "\n".join(lines) + "\n"


def _random_bytes(_text: str, rng: random.Random) -> bytes:
    return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))


def _truncate(text: str, rng: random.Random) -> str:
    return text[: rng.randrange(len(text))]


def _reencode(text: str, rng: random.Random) -> bytes:
    return text.replace("Altstadt", "Südstadt – „Mitte“").encode(
        rng.choice(["cp1252", "utf-16", "utf-8-sig", "latin-1"]))


FILES: dict[str, Callable[[], str]] = {
    "quartiere.geojson": quarters_geojson,
    "einwohner.csv": lambda: POPULATION_CSV,
    "einrichtungen.csv": lambda: FACILITIES_CSV,
    "quartier.toml": lambda: CONFIG.format(extra=""),
}
MUTATORS: dict[str, list[Callable]] = {
    "quartiere.geojson": [_mutate_geojson, _mutate_geojson, _random_bytes, _truncate],
    "einwohner.csv": [_mutate_csv_cell, _mutate_csv_cell, _random_bytes, _truncate, _reencode],
    "einrichtungen.csv": [_mutate_csv_cell, _mutate_csv_cell, _random_bytes, _truncate,
                          _reencode],
    "quartier.toml": [_mutate_config, _mutate_config, _mutate_config, _random_bytes, _truncate],
}


def _variant(seed: int) -> tuple[str, dict[str, str | bytes]]:
    """A study with one or two of its files broken; a description to replay it."""
    rng = random.Random(seed)
    contents: dict[str, str | bytes] = {name: make() for name, make in FILES.items()}
    broken = []
    for name in rng.sample(sorted(FILES), rng.choice([1, 1, 2])):
        mutator = rng.choice(MUTATORS[name])
        original = contents[name]
        contents[name] = mutator(original if isinstance(original, str) else "", rng)
        broken.append(f"{name}:{mutator.__name__}")
    return f"seed {seed} ({', '.join(broken)})", contents


def _write(folder: Path, contents: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True)
    for name, content in contents.items():
        target = folder / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8", errors="surrogatepass")
    return folder / "quartier.toml"


@contextmanager
def _time_limit(seconds: int):
    """Fail (rather than hang the suite) when one run takes longer than ``seconds``."""

    def stop(_signum, _frame):
        raise TimeoutError(f"run took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def _run(args: list[str], description: str):
    with _time_limit(SECONDS_PER_RUN):
        result = CliRunner().invoke(cli, args)
    assert result.exit_code in (0, 1, 2), (
        f"{description}: exit {result.exit_code}\n{result.output}\n{result.exception!r}")
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), (
            f"{description}: {result.exception!r}\n{result.output}")
    assert "Traceback" not in result.output, f"{description}\n{result.output}"
    assert result.output.strip(), f"{description}: no message at all"
    return result


def _assert_no_formula_in_exports(folder: Path, description: str) -> None:
    number = re.compile(r"^-[\d.]*\d(,\d+)?( ?%)?$")
    for path in folder.rglob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle, delimiter=";"):
                for cell in row:
                    if cell[:1] in ("=", "+", "@", "\t", "\r") or (
                            cell[:1] == "-" and not number.match(cell)):
                        pytest.fail(f"{description}: formula-like cell {cell!r} in {path.name}")
    openpyxl = pytest.importorskip("openpyxl")
    for path in folder.rglob("*.xlsx"):
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{description}: formula in {path.name}"
                    if isinstance(cell.value, str):
                        assert cell.value[:1] not in ("=", "+", "@", "\t", "\r"), (
                            f"{description}: {cell.value!r} in {path.name}")


@pytest.mark.parametrize("seed", range(SEED, SEED + VALIDATE_VARIANTS))
def test_validate_survives_broken_variants(tmp_path, monkeypatch, seed):
    description, contents = _variant(seed)
    config = _write(tmp_path / "studie", contents)
    monkeypatch.chdir(tmp_path / "studie")
    before = _files_under(tmp_path)
    _run(["validate", str(config)], description)
    assert _files_under(tmp_path) == before, f"{description}: validate wrote files"


HOSTILE_REPORT_CASES = {
    "hostile names": {
        "einrichtungen.csv": FACILITIES_CSV.replace("Kita Sonne", '=HYPERLINK("http://x","Kita")')
        .replace("Apotheke am Markt", "<script>alert(1)</script>"),
        "quartiere.geojson": quarters_geojson([
            {"nr": "01", "name": "@SUM(A1)", "coords": [[[476000.0, 5465000.0],
                                                        [477000.0, 5465000.0],
                                                        [477000.0, 5466000.0],
                                                        [476000.0, 5466000.0],
                                                        [476000.0, 5465000.0]]]},
            {"nr": "02", "name": "-1+2 <b>fett</b>", "coords": [[[477000.0, 5465000.0],
                                                                 [478000.0, 5465000.0],
                                                                 [478000.0, 5466000.0],
                                                                 [477000.0, 5466000.0],
                                                                 [477000.0, 5465000.0]]]}]),
    },
    "traversal in quarter ids": {
        "einwohner.csv": POPULATION_CSV.replace("01;", "../../01;"),
        "quartiere.geojson": quarters_geojson().replace('"01"', '"../../01"'),
    },
    "traversal in the edition label": {
        "quartier.toml": CONFIG.format(extra="").replace('edition = "2025"',
                                                         'edition = "../../2025"'),
    },
}
#: The exit code each case must end with: hostile text is data (0, with warnings); an edition
#: label that is a path is refused by validation (1).
EXPECTED_EXIT = {"hostile names": 0, "traversal in quarter ids": 0,
                 "traversal in the edition label": 1}


@pytest.mark.parametrize("case", sorted(HOSTILE_REPORT_CASES))
def test_report_with_hostile_text_stays_in_its_folder_and_exports_no_formula(
        tmp_path, monkeypatch, case):
    contents = {name: make() for name, make in FILES.items()}
    contents.update(HOSTILE_REPORT_CASES[case])
    study = tmp_path / "studie"
    config = _write(study, contents)
    monkeypatch.chdir(study)
    out = study / "bericht"
    before = _files_under(tmp_path)
    result = _run(["report", str(config), "--output", str(out)], case)
    assert result.exit_code == EXPECTED_EXIT[case], result.output
    assert (out / "index.html").exists() == (EXPECTED_EXIT[case] == 0)
    written = _files_under(tmp_path) - before
    outside = [p for p in written if study not in p.parents]
    assert not outside, f"{case}: written outside the study folder: {outside}"
    if out.exists():
        _assert_no_formula_in_exports(out, case)
        for page in out.rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            assert "<script>alert(1)</script>" not in text, f"{case}: script in {page.name}"
            assert "<b>fett</b>" not in text, f"{case}: markup in {page.name}"
