"""examples/heidelberg end to end: OSM facilities and walking distances on the real extract.

Walking is never shorter than the straight line, so for every quarter and category the walking
coverage is at most the straight-line coverage and the walking median at least the straight one.
"""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import PROJECT

import quartier
from quartier.cli import cli

EXTRACT = PROJECT.parent / "shared" / "data" / "heidelberg" / "heidelberg.test.pbf"
CONFIG = PROJECT / "examples" / "heidelberg" / "quartier.toml"

pytestmark = pytest.mark.skipif(
    not EXTRACT.is_file(), reason=f"Heidelberg OSM extract not found at {EXTRACT} "
                                  "(../shared is absent)")


@pytest.fixture(scope="module")
def results():
    study = quartier.load_study(CONFIG)
    return study, quartier.compute(study)


def test_validate_has_no_errors():
    outcome = CliRunner().invoke(cli, ["validate", str(CONFIG)])
    assert outcome.exit_code == 0, outcome.output
    assert "Einrichtungen erkannt" in outcome.output  # the OSM extract was read


def test_every_category_with_facilities_is_walked(results):
    study, computed = results
    # public_transport: the combined standard of bus/tram stops and rail stations
    assert set(computed.distance_models) == (set(study.facilities["category"]) & set(
        study.catalogue.index)) | {"public_transport"}
    assert set(computed.distance_models.values()) == {"network"}
    assert {"playground", "public_transport", "kita"} <= set(computed.distance_models)


def test_walking_coverage_never_above_straight_line(results):
    study, computed = results
    compared = computed.distance_comparison
    assert set(compared["quarter_id"]) == set(study.quarters["quarter_id"])
    covered = compared.dropna(subset=["coverage_straight"])
    assert {"playground", "public_transport"} <= set(covered["category"])
    assert covered["coverage_network"].notna().all()
    assert (covered["coverage_network"] <= covered["coverage_straight"] + 1e-9).all()
    finite = compared.dropna(subset=["median_straight", "median_network"])
    assert (finite["median_network"] >= finite["median_straight"] - 1e-9).all()
    # the walk is clearly longer here: Neckar, railway and main roads
    ratio = np.median(finite["median_network"] / finite["median_straight"])
    assert 1.1 < ratio < 2.0


def test_results_table_holds_the_walking_figures(results):
    _, computed = results
    rows = computed.indicators
    coverage = rows[(rows["category"] == "public_transport")
                    & (rows["indicator"] == "coverage")]
    walked = computed.distance_comparison.query("category == 'public_transport'")
    assert coverage.set_index("quarter_id")["value"].sort_index().to_numpy() == pytest.approx(
        walked.set_index("quarter_id")["coverage_network"].sort_index().to_numpy())
