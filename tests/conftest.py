"""Shared fixtures: a tiny valid study built in code, which tests then break on purpose, and the
sample town loaded and computed once per test session (read-only, checked at the end)."""

from __future__ import annotations

import copy
import dataclasses
import json
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT / "data" / "sample"
BERLIN = PROJECT.parent / "shared" / "data" / "berlin"

requires_berlin = pytest.mark.skipif(
    not BERLIN.is_dir(), reason=f"Berlin real data not found at {BERLIN} (../shared is absent)")

# Two 1 km squares side by side in EPSG:25832 (quarters "01" and "02").
X0, Y0 = 476000.0, 5465000.0


def square(x: float, y: float, size: float = 1000.0) -> list[list[float]]:
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def quarters_geojson(features: list[dict] | None = None, crs: str | None = "EPSG:25832") -> str:
    if features is None:
        features = [
            {"nr": "01", "name": "Altstadt", "coords": [square(X0, Y0)]},
            {"nr": "02", "name": "Neustadt", "coords": [square(X0 + 1000, Y0)]},
        ]
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"nr": f["nr"], "name": f["name"]},
         "geometry": None if f["coords"] is None else
         {"type": f.get("type", "Polygon"), "coordinates": f["coords"]}}
        for f in features]}
    if crs:
        collection["crs"] = {"type": "name",
                             "properties": {"name": f"urn:ogc:def:crs:EPSG::{crs.split(':')[1]}"}}
    return json.dumps(collection)


POPULATION_CSV = "quartier;einwohner;unter6;ab80\n01;1200;80;60\n02;800;50;30\n"
FACILITIES_CSV = (
    "id;name;kategorie;plaetze;x;y\n"
    f"F1;Kita Sonne;kita;60;{X0 + 500:.1f};{Y0 + 500:.1f}\n"
    f"F2;Apotheke am Markt;pharmacy;;{X0 + 1500:.1f};{Y0 + 500:.1f}\n"
).replace(".0;", ",0;").replace(".0\n", ",0\n")

CONFIG = """
[study]
name = "Teststadt"
crs = "EPSG:25832"
edition = "2025"

[quarters]
path = "quartiere.geojson"
columns = {{ quarter_id = "nr", name = "name" }}

[population.quarters]
path = "einwohner.csv"
columns = {{ quarter_id = "quartier", total = "einwohner", age_0_5 = "unter6", \
age_80_plus = "ab80" }}

[[facilities]]
path = "einrichtungen.csv"
x = "x"
y = "y"
crs = "EPSG:25832"
columns = {{ facility_id = "id", name = "name", category = "kategorie", capacity = "plaetze" }}
{extra}
"""


@pytest.fixture
def make_study(tmp_path: Path):
    """Write a small study into ``tmp_path``; keyword arguments replace its files.

    ``files`` maps file names to text (str) or bytes; ``extra`` is appended to the config.
    Returns the path of ``quartier.toml``.
    """

    def build(files: dict[str, str | bytes] | None = None, extra: str = "",
              config: str | None = None) -> Path:
        contents: dict[str, str | bytes] = {
            "quartiere.geojson": quarters_geojson(),
            "einwohner.csv": POPULATION_CSV,
            "einrichtungen.csv": FACILITIES_CSV,
        }
        contents.update(files or {})
        for name, content in contents.items():
            target = tmp_path / name
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        path = tmp_path / "quartier.toml"
        path.write_text(config if config is not None else
                        CONFIG.format(extra=textwrap.dedent(extra)), encoding="utf-8")
        return path

    return build


def _frames(study=None, results=None) -> dict[str, object]:
    """Every table, array and mapping of a study (and its results), by attribute name."""
    kept = (pd.DataFrame, pd.Series, np.ndarray, dict, list)
    return {f"{owner}.{field.name}": getattr(item, field.name)
            for owner, item in (("study", study), ("results", results)) if item is not None
            for field in dataclasses.fields(item)
            if isinstance(getattr(item, field.name), kept)}


def _assert_unchanged(before: dict[str, object], after: dict[str, object]) -> None:
    for name, value in before.items():
        now = after[name]
        message = (f"A test changed the shared sample (work on a copy: .copy(), "
                   f"dataclasses.replace): {name}")
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(now, value, obj=message)
        elif isinstance(value, pd.Series):
            pd.testing.assert_series_equal(now, value, obj=message)
        elif isinstance(value, np.ndarray):
            np.testing.assert_array_equal(now, value, err_msg=message)
        else:
            assert now == value, message


@pytest.fixture(scope="session")
def sample_current():
    """The sample town's current edition (2025, the edition its ``quartier.toml`` names) as
    ``(study, results)``, loaded and computed once per test session and shared by every module.

    Tests must not change it: when the session ends, every table of the study and the results
    is compared with a copy taken before the first test, and a change fails the session. A
    test that needs to change something works on a copy.
    """
    import quartier

    study = quartier.load_study(SAMPLE / "quartier.toml")
    results = quartier.compute(study)
    before = copy.deepcopy(_frames(study, results))
    yield study, results
    _assert_unchanged(before, _frames(study, results))


@pytest.fixture(scope="session")
def sample(sample_current):
    """``(study, results)`` of the sample town's current edition, see :func:`sample_current`
    (a module may define its own ``sample`` on top of the shared ones)."""
    return sample_current


@pytest.fixture(scope="session")
def sample_editions(sample_current):
    """The sample's 2024 and 2025 editions, each loaded and computed once per test session:
    ``{"2024": (study, results), "2025": (study, results)}`` (2025 is :func:`sample_current`).
    Treat them as read-only."""
    import quartier

    earlier = quartier.load_study(SAMPLE / "quartier.toml", edition="2024")
    earlier_results = quartier.compute(earlier)
    before = copy.deepcopy(_frames(earlier, earlier_results))
    yield {"2024": (earlier, earlier_results), "2025": sample_current}
    _assert_unchanged(before, _frames(earlier, earlier_results))


@pytest.fixture(scope="session")
def berlin_study():
    """The Berlin example (``examples/berlin/quartier.toml``, 542 planning areas) loaded once
    per test session; skipped without ``../shared``. Read-only, checked like :func:`sample`."""
    if not BERLIN.is_dir():
        pytest.skip(f"Berlin real data not found at {BERLIN} (../shared is absent)")
    import quartier

    study = quartier.load_study(PROJECT / "examples" / "berlin" / "quartier.toml")
    before = copy.deepcopy(_frames(study))
    yield study
    _assert_unchanged(before, _frames(study))


@pytest.fixture(scope="session")
def berlin_sample(berlin_study):
    """``(study, results)`` of the Berlin example, computed once per test session. Read-only,
    checked like :func:`sample`."""
    import quartier

    results = quartier.compute(berlin_study)
    before = copy.deepcopy(_frames(results=results))
    yield berlin_study, results
    _assert_unchanged(before, _frames(results=results))
