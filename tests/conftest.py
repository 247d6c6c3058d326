"""Shared fixtures: a tiny valid study built in code, which tests then break on purpose."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

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
columns = {{ quarter_id = "quartier", total = "einwohner", age_0_5 = "unter6", age_80_plus = "ab80" }}

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


@pytest.fixture(scope="session")
def sample_editions():
    """The sample's 2024 and 2025 editions, each loaded and computed once per test session:
    ``{"2024": (study, results), "2025": (study, results)}``. Treat them as read-only."""
    import quartier

    return {label: (study := quartier.load_study(SAMPLE / "quartier.toml", edition=label),
                    quartier.compute(study))
            for label in ("2024", "2025")}
