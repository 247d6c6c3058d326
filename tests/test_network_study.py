"""[network] in a study: the distance switch per study and category, minutes, byte-identity.

The stand-in network is one straight street along y = Y0 + 500 with a node every 10 m: a cell
centre reaches it at right angles and the facilities of the fixture lie on it, so the walking
distance from a cell to a facility is exactly the Manhattan distance |dx| + |dy| — a second,
independent computation of what the network indicators must give.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import X0, Y0

import quartier
import quartier.streets
from quartier.catalogue import default_catalogue, minutes_as_metres
from quartier.config import read_config
from quartier.indicators.distance import coverage_by_group, weighted_median_by_group
from quartier.streets import network_from_edges

FACILITY_X = {"kita": X0 + 500, "pharmacy": X0 + 1500}
STREET_Y = Y0 + 500


def street() -> quartier.streets.WalkingNetwork:
    x = np.arange(X0 - 1000, X0 + 3000 + 1, 10.0)
    nodes = np.arange(len(x))
    return network_from_edges(x, np.full(len(x), STREET_Y), nodes[:-1], nodes[1:],
                              "EPSG:25832", source="strasse.osm.pbf")


@pytest.fixture
def with_street(monkeypatch):
    calls = []

    def load(path, crs, bbox=None, mode="walk", cache_dir=None):
        calls.append({"path": path, "bbox": bbox, "mode": mode, "cache_dir": cache_dir})
        return street()

    monkeypatch.setattr(quartier.streets, "load_walking_network", load)
    return calls


NETWORK = """
[network]
path = "netz.osm.pbf"
speed_kmh = 4.5
"""


def study_with(make_study, extra: str = "", files: dict | None = None):
    path = make_study(files={"netz.osm.pbf": b"not read: the loader is replaced",
                             **(files or {})}, extra=extra)
    return quartier.load_study(path)


def indicator(results, category: str, name: str) -> pd.Series:
    rows = results.indicators
    rows = rows[(rows["category"] == category) & (rows["indicator"] == name)]
    return rows.set_index("quarter_id")["value"]


def test_config_reads_network_and_defaults(make_study):
    config, report = read_config(make_study(files={"netz.osm.pbf": b""}, extra=NETWORK))
    assert report.ok, report.format()
    assert config.network.path.name == "netz.osm.pbf"
    assert (config.network.mode, config.network.speed_kmh) == ("walk", 4.5)
    assert config.network.distance == "network"  # default once a path is given
    assert config.network.cache_dir == config.path.parent / ".quartier-cache"
    plain, _ = read_config(make_study())
    assert plain.network.path is None and plain.network.distance == "straight"


def test_config_network_errors(make_study):
    _, report = read_config(make_study(extra='[network]\ndistance = "network"\n'))
    assert "missing_key" in report.codes()
    _, report = read_config(make_study(files={"netz.osm.pbf": b""}, extra=NETWORK.replace(
        "4.5", "0") + 'mode = "bike"\n'))
    assert report.codes().count("bad_value") == 2


def test_minutes_become_metres_at_walking_speed():
    catalogue = default_catalogue()
    catalogue.loc["pharmacy", "max_minutes"] = 12.0
    converted = minutes_as_metres(catalogue, 5.0)
    assert converted.loc["pharmacy", "max_distance_m"] == pytest.approx(1000.0)  # 12 min · 83⅓ m
    assert converted.loc["supermarket", "max_distance_m"] == 1000.0  # metres kept


def test_straight_results_identical_without_network(make_study, with_street):
    plain = quartier.compute(quartier.load_study(make_study()))
    straight = quartier.compute(study_with(make_study, NETWORK + 'distance = "straight"\n'))
    pd.testing.assert_frame_equal(plain.indicators, straight.indicators, check_exact=True)
    pd.testing.assert_frame_equal(plain.gaps, straight.gaps, check_exact=True)
    assert not with_street  # the network is not even read when no category uses it
    assert set(plain.distance_models.values()) == {"straight"}
    assert plain.distance_comparison is None


def test_walking_distances_equal_manhattan_on_one_street(make_study, with_street):
    study = study_with(make_study, NETWORK)
    results = quartier.compute(study)
    assert results.distance_models == {"kita": "network", "pharmacy": "network"}
    assert len(with_street) == 1  # loaded once for both categories
    x0, y0, x1, y1 = study.quarters.total_bounds
    buffer = study.config.indicators.context_buffer_m
    assert with_street[0]["bbox"] == pytest.approx((x0 - buffer, y0 - buffer, x1 + buffer,
                                                    y1 + buffer))
    surface = results.surface
    centre = surface.geometry.centroid
    assert np.allclose((centre.x - X0) % 10, 0)  # cell centres meet the street at a node
    groups = surface["quarter_id"].to_numpy()
    weights = surface["total"].to_numpy(dtype=float)
    pharmacy = (np.abs(centre.x - FACILITY_X["pharmacy"]) + np.abs(centre.y - STREET_Y)
                ).to_numpy()
    expected = coverage_by_group(pharmacy, weights, groups, 1000.0) * 100
    got = indicator(results, "pharmacy", "coverage")
    assert got.to_dict() == pytest.approx(expected.to_dict(), abs=1e-9)
    median = weighted_median_by_group(pharmacy, weights, groups)
    assert indicator(results, "pharmacy", "median_distance").to_dict() == pytest.approx(
        median.to_dict(), abs=1e-6)
    # walking is never shorter than the straight line: coverage never higher
    compared = results.distance_comparison
    assert set(compared["category"]) == {"kita", "pharmacy"}
    covered = compared.dropna(subset=["coverage_network"])  # kita: demand standard, no D
    assert set(covered["category"]) == {"pharmacy"}
    assert (covered["coverage_network"] <= covered["coverage_straight"] + 1e-9).all()
    assert (compared["median_network"] >= compared["median_straight"] - 1e-9).all()
    assert (covered["coverage_network"] < covered["coverage_straight"]).any()


def test_category_override_and_minutes(make_study, with_street):
    files = {"kategorien.csv": "key;distance\nkita;straight\n",
             "richtwerte.csv": "category;max_minutes;distance;source\n"
                               "pharmacy;10;network;Test\n"}
    extra = NETWORK + ('[categories]\npath = "kategorien.csv"\n'
                       '[standards]\npath = "richtwerte.csv"\n')
    results = quartier.compute(study_with(make_study, extra, files))
    assert results.distance_models == {"kita": "straight", "pharmacy": "network"}
    surface = results.surface
    centre = surface.geometry.centroid
    pharmacy = (np.abs(centre.x - FACILITY_X["pharmacy"]) + np.abs(centre.y - STREET_Y)
                ).to_numpy()
    expected = coverage_by_group(pharmacy, surface["total"].to_numpy(dtype=float),
                                 surface["quarter_id"].to_numpy(), 750.0) * 100  # 10 min
    assert indicator(results, "pharmacy", "coverage").to_dict() == pytest.approx(
        expected.to_dict(), abs=1e-9)
    plain = quartier.compute(quartier.load_study(make_study(files=files, extra=(
        '[categories]\npath = "kategorien.csv"\n'))))
    assert indicator(results, "kita", "median_distance").equals(
        indicator(plain, "kita", "median_distance"))


def test_bad_distance_model_in_standards(make_study):
    path = make_study(files={"richtwerte.csv": "category;distance\npharmacy;fussweg\n"},
                      extra='[standards]\npath = "richtwerte.csv"\n')
    _, report = quartier.validate_study(path)
    assert "invalid_distance_model" in report.codes()


def test_report_names_the_model_and_the_largest_drop(make_study, with_street):
    from quartier.report.context import report_context

    study = study_with(make_study, NETWORK)
    results = quartier.compute(study)
    context = report_context(study, results)
    methods = " ".join(context["basis"]["distance_method"])
    assert "netz.osm.pbf" in methods and "4,5 km/h" in methods and "75 m je Minute" in methods
    health = next(f for f in context["fields"] if f["key"] == "health_care")
    table = health["distance_comparison"]
    assert "Apotheke" in table["title"]
    compared = results.distance_comparison
    pharmacy = compared[compared["category"] == "pharmacy"]
    drops = (pharmacy["coverage_straight"] - pharmacy["coverage_network"]).to_numpy()
    assert table["rows"][0]["drop"] == f"{max(drops):.1f}".replace(".", ",")
    plain = quartier.load_study(make_study())
    context = report_context(plain, quartier.compute(plain))
    assert context["basis"]["distance_method"] == []
    assert all(f["distance_comparison"] is None for f in context["fields"])
