"""quartier's area-weighted interpolation (editions/boundaries.py) against PySAL tobler.

``tobler.area_weighted.area_interpolate`` is the reference implementation of areal
interpolation. Where both methods are the same formula the results agree to machine precision;
where quartier differs by design (see the Notes of ``interpolate_extensive`` and
``interpolate_intensive``) the tests assert that the difference is exactly the documented one:

* counts of a source partly outside every target: quartier drops the outside part (tobler's
  ``allocate_total=False``), tobler's default hands it to the targets that overlap the source;
* a target without any overlapping source, or a source without a value: unknown (NaN) in
  quartier, 0 in tobler (tobler replaces missing values by 0; with pandas' copy-on-write it
  even fails on them, so the tests give tobler the zeros it would use);
* rates of a target covered less than ``min_coverage`` by known sources: NaN in quartier,
  the mean over the covered part in tobler.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from conftest import BERLIN, requires_berlin
from scipy.sparse import csr_matrix
from shapely.geometry import box

from quartier.editions.boundaries import area_weights, interpolate_extensive, interpolate_intensive

area_interpolate = pytest.importorskip("tobler.area_weighted").area_interpolate

CRS = "EPSG:25832"


def quarters(boxes: dict[str, tuple[float, float, float, float]], **columns) -> gpd.GeoDataFrame:
    """Quarters with the given ids and boxes, indexed by ``quarter_id`` (tobler keeps the
    target index), with further columns of values."""
    frame = gpd.GeoDataFrame({"quarter_id": list(boxes), **columns},
                             geometry=[box(*b) for b in boxes.values()], crs=CRS)
    return frame.set_index(pd.Index(list(boxes), name=None))


def overlay_areas(source: gpd.GeoDataFrame, target: gpd.GeoDataFrame) -> csr_matrix:
    """Intersection area of every source (rows) and target (columns) in float64, by geopandas'
    overlay: a second way to the areas, independent of quartier's STRtree query."""
    pieces = gpd.overlay(source[["geometry"]].assign(row=np.arange(len(source))),
                         target[["geometry"]].assign(column=np.arange(len(target))),
                         how="intersection", keep_geom_type=True)
    return csr_matrix((pieces.area.to_numpy(), (pieces["row"], pieces["column"])),
                      shape=(len(source), len(target)))


def tobler(source: gpd.GeoDataFrame, target: gpd.GeoDataFrame, *, extensive=(), intensive=(),
           allocate_total: bool = True, own_table: bool = False) -> pd.DataFrame:
    """tobler's estimates, indexed like `target`; missing values handed over as the 0 it would
    use.

    tobler keeps its own table of intersection areas in float32 (7 significant digits); unless
    `own_table`, it gets a float64 table from :func:`overlay_areas`, so that its formulas can
    be compared with quartier's to machine precision.
    """
    columns = [*extensive, *intensive]
    source = source.assign(**{c: source[c].fillna(0.0) for c in columns})
    return pd.DataFrame(area_interpolate(
        source, target, extensive_variables=list(extensive) or None,
        intensive_variables=list(intensive) or None, allocate_total=allocate_total,
        table=None if own_table else overlay_areas(source, target)))


# --------------------------------------------------------------------------------------------
# a hand-built case
#
#   A = [0, 100] x [0, 100], B = [100, 200] x [0, 100] (the sources)
#   T1 = [0, 50] x [0, 100]                inside A
#   T2 = [50, 150] x [0, 100]              half A, half B
#   T3 = [150, 200] x [-60, 40]            0.2 of B; only 40 % of T3 lies on a source
#   T4 = [300, 400] x [0, 100]             outside both
# B's part [150, 200] x [40, 100] (0.3 of B) lies in no target.

SOURCES = {"A": (0, 0, 100, 100), "B": (100, 0, 200, 100)}
TARGETS = {"T1": (0, 0, 50, 100), "T2": (50, 0, 150, 100), "T3": (150, -60, 200, 40),
           "T4": (300, 0, 400, 100)}


@pytest.fixture
def hand():
    source = quarters(SOURCES, residents=[400.0, 800.0], rate=[10.0, 40.0],
                      people=[100.0, 300.0])
    target = quarters(TARGETS)
    return source, target, area_weights(source, target)


def test_hand_built_counts_agree_with_tobler_without_allocating_the_total(hand):
    source, target, weights = hand
    ours = interpolate_extensive(source["residents"], weights, targets=target.index)
    # by hand: T1 = 0.5·400, T2 = 0.5·400 + 0.5·800, T3 = 0.2·800, T4 unknown
    np.testing.assert_allclose(ours, [200.0, 600.0, 160.0, np.nan], rtol=1e-12)
    theirs = tobler(source, target, extensive=["residents"], allocate_total=False)["residents"]
    np.testing.assert_allclose(ours.iloc[:3], theirs.iloc[:3], rtol=1e-12)
    # the documented difference: no overlap is unknown here, 0 in tobler
    assert np.isnan(ours["T4"]) and theirs["T4"] == 0


def test_hand_built_counts_differ_from_tobler_default_by_the_outside_part(hand):
    source, target, weights = hand
    ours = interpolate_extensive(source["residents"], weights, targets=target.index)
    theirs = tobler(source, target, extensive=["residents"])["residents"]
    # tobler's default spreads all of B over the 0.7 of B inside targets
    np.testing.assert_allclose(theirs, [200.0, 200.0 + 800 * 0.5 / 0.7, 800 * 0.2 / 0.7, 0.0],
                               rtol=1e-12)
    assert theirs.sum() == pytest.approx(source["residents"].sum(), rel=1e-12)
    # quartier keeps only what lies in the targets: B loses its outside 0.3
    assert ours.sum() == pytest.approx(400 + 0.7 * 800, rel=1e-12)
    # A lies entirely in targets: T1, fed by A alone, is the same either way
    assert ours["T1"] == pytest.approx(theirs["T1"], rel=1e-12)


def test_hand_built_rates_agree_with_tobler_down_to_min_coverage(hand):
    source, target, weights = hand
    theirs = tobler(source, target, intensive=["rate"])["rate"]
    # area-weighted means: T1 = 10, T2 = (5000·10 + 5000·40) / 10000, T3 = 40
    np.testing.assert_allclose(theirs, [10.0, 25.0, 40.0, 0.0], rtol=1e-12)
    every = interpolate_intensive(source["rate"], weights, targets=target.index,
                                  min_coverage=0)
    np.testing.assert_allclose(every.iloc[:3], theirs.iloc[:3], rtol=1e-12)
    assert np.isnan(every["T4"])
    # the default min_coverage 0.5 leaves T3 (40 % covered) unknown rather than B's value
    default = interpolate_intensive(source["rate"], weights, targets=target.index)
    np.testing.assert_allclose(default.iloc[:2], theirs.iloc[:2], rtol=1e-12)
    assert default[["T3", "T4"]].isna().all()


def test_hand_built_resident_weighted_rates_equal_carried_numerator_over_denominator(hand):
    """tobler has no population weights; quartier's equal the ratio of two carried counts."""
    source, target, weights = hand
    ours = interpolate_intensive(source["rate"], weights, weight_by=source["people"],
                                 targets=target.index, min_coverage=0)
    counts = tobler(source.assign(weighted=source["rate"] * source["people"]), target,
                    extensive=["weighted", "people"], allocate_total=False)
    ratio = counts["weighted"] / counts["people"]
    # T2 by hand: (50·10 + 150·40) / (50 + 150)
    assert ours["T2"] == pytest.approx(6500 / 200, rel=1e-12)
    np.testing.assert_allclose(ours.iloc[:3], ratio.iloc[:3], rtol=1e-12)


def test_hand_built_missing_values_are_left_out_not_read_as_zero(hand):
    source, target, weights = hand
    source = source.assign(rate=[10.0, np.nan], residents=[np.nan, 800.0])
    # rates: T2 is half A, half B; B unknown → quartier takes A's 10 (coverage exactly 0.5),
    # tobler reads B as 0 and keeps its area: (5000·10 + 5000·0) / 10000
    ours = interpolate_intensive(source["rate"], weights, targets=target.index)
    theirs = tobler(source, target, intensive=["rate"])["rate"]
    assert ours["T2"] == pytest.approx(10.0) and theirs["T2"] == pytest.approx(5.0)
    assert np.isnan(ours["T3"]) and theirs["T3"] == 0  # only on B
    # counts: T1 lies only on A, whose count is unknown → NaN here, 0 in tobler
    counted = interpolate_extensive(source["residents"], weights, targets=target.index)
    carried = tobler(source, target, extensive=["residents"], allocate_total=False)["residents"]
    assert np.isnan(counted["T1"]) and carried["T1"] == 0
    np.testing.assert_allclose(counted[["T2", "T3"]], carried[["T2", "T3"]], rtol=1e-12)


# --------------------------------------------------------------------------------------------
# the sample town onto a 500 m grid that covers it


@pytest.fixture(scope="module")
def sample_onto_grid(sample):
    study, results = sample
    rows = results.indicators
    residents = rows[rows["category"].isna() & (rows["indicator"] == "residents")]
    coverage = rows[(rows["category"] == "supermarket") & (rows["indicator"] == "coverage")]
    source = study.quarters[["quarter_id", "geometry"]].copy()
    source = source.set_index(pd.Index(source["quarter_id"].to_numpy()))
    source["residents"] = residents.set_index("quarter_id")["value"].reindex(source.index)
    source["coverage"] = coverage.set_index("quarter_id")["value"].reindex(source.index)
    assert source[["residents", "coverage"]].notna().all().all()
    xmin, ymin, xmax, ymax = source.total_bounds
    xs, ys = np.arange(xmin - 250, xmax, 500.0), np.arange(ymin - 250, ymax, 500.0)
    cells = {f"{i}_{j}": (x, y, x + 500, y + 500)
             for i, x in enumerate(xs) for j, y in enumerate(ys)}
    target = quarters(cells).to_crs(source.crs)
    return source, target, area_weights(source, target)


def test_sample_counts_agree_with_tobler_both_ways(sample_onto_grid):
    source, target, weights = sample_onto_grid
    ours = interpolate_extensive(source["residents"], weights, targets=target.index)
    assert ours.isna().any() and ours.notna().sum() > len(source)  # cells off town and on it
    for allocate_total in (False, True):  # the grid covers every quarter: both the same
        theirs = tobler(source, target, extensive=["residents"],
                        allocate_total=allocate_total)["residents"]
        np.testing.assert_allclose(ours.fillna(0), theirs, rtol=1e-9, atol=1e-9)
    assert ours.sum() == pytest.approx(source["residents"].sum(), rel=1e-12)


def test_sample_rates_agree_with_tobler_where_covered(sample_onto_grid):
    source, target, weights = sample_onto_grid
    theirs = tobler(source, target, intensive=["coverage"])["coverage"]
    every = interpolate_intensive(source["coverage"], weights, targets=target.index,
                                  min_coverage=0)
    on_town = every.notna()
    np.testing.assert_allclose(every[on_town], theirs[on_town], rtol=1e-9)
    assert (theirs[~on_town] == 0).all()
    # the default min_coverage: cells with less than half their area in town are unknown
    share = weights.groupby("target_id")["share_of_target"].sum().reindex(target.index)
    default = interpolate_intensive(source["coverage"], weights, targets=target.index)
    assert (share < 0.5).any() and (share >= 0.5).any()
    assert default[share < 0.5].isna().all()
    np.testing.assert_allclose(default[share >= 0.5], theirs[share >= 0.5], rtol=1e-9)


# --------------------------------------------------------------------------------------------
# Berlin: the 448 planning areas until 2020 onto the 542 of LOR 2021


@pytest.fixture(scope="module")
def berlin():
    new = gpd.read_file(BERLIN / "plr_2021" / "lor_planungsraeume_2021.shp")
    old = gpd.read_file(BERLIN / "plr_until_2020" / "berlin-lor-planning-areas-until-2020.geojson")
    old = old.to_crs(new.crs).rename(columns={"id": "quarter_id"})
    # the republished file has 06010102 twice (SOURCES.md); the second copy is left out here
    old = old[~old["quarter_id"].duplicated(keep=False)]
    mss = pd.read_csv(BERLIN / "mss" / "mss_2019_2-1.csv", dtype={"id": str}).set_index("id")
    old = old.set_index(pd.Index(old["quarter_id"].to_numpy()))
    old["inhabitants"] = mss["inhabitants"].reindex(old.index).astype(float)
    old["unemployed"] = mss["s1_percentage_unemployed"].reindex(old.index).astype(float)
    old = old[old[["inhabitants", "unemployed"]].notna().all(axis=1)][
        ["quarter_id", "inhabitants", "unemployed", "geometry"]]
    new = new.rename(columns={"PLR_ID": "quarter_id"})[["quarter_id", "geometry"]]
    new = new.set_index(pd.Index(new["quarter_id"].to_numpy()))
    assert len(old) > 400 and len(new) == 542
    return old, new, area_weights(old, new)


@requires_berlin
def test_berlin_agrees_with_tobler(berlin):
    old, new, weights = berlin
    residents = interpolate_extensive(old["inhabitants"], weights, targets=new.index)
    theirs = tobler(old, new, extensive=["inhabitants"], intensive=["unemployed"],
                    allocate_total=False)
    known = residents.notna()
    np.testing.assert_allclose(residents[known], theirs.loc[known, "inhabitants"], rtol=1e-9)
    assert (theirs.loc[~known, "inhabitants"] == 0).all()
    share = interpolate_intensive(old["unemployed"], weights, targets=new.index, min_coverage=0)
    np.testing.assert_allclose(share[known], theirs.loc[known, "unemployed"], rtol=1e-9)
    # the default spreads each old area's slivers outside the new ones over its overlaps
    allocated = tobler(old, new, extensive=["inhabitants"])["inhabitants"]
    assert allocated.sum() == pytest.approx(old["inhabitants"].sum(), rel=1e-9)
    assert residents.sum() == pytest.approx(allocated.sum(), rel=1e-3)
    assert residents.sum() <= allocated.sum()


@requires_berlin
def test_berlin_tobler_own_float32_areas_agree_to_seven_digits(berlin):
    old, new, weights = berlin
    residents = interpolate_extensive(old["inhabitants"], weights, targets=new.index)
    theirs = tobler(old, new, extensive=["inhabitants"], allocate_total=False, own_table=True)
    known = residents.notna()
    np.testing.assert_allclose(residents[known], theirs.loc[known, "inhabitants"], rtol=1e-6)
    # ... but not to float64 precision: the float32 areas are what differs
    assert not np.allclose(residents[known], theirs.loc[known, "inhabitants"], rtol=1e-9,
                           atol=0)
