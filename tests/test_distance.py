"""Nearest distance, coverage and weighted median per group (quartier.indicators.distance)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import cdist

from quartier.indicators.distance import (
    coverage,
    coverage_by_group,
    nearest_distance,
    nearest_index,
    weighted_median_by_group,
)

# EPSG:3035-like offsets, so that rounding happens at realistic coordinate magnitudes
X0, Y0 = 4_300_000.0, 2_900_000.0


def points(xy: np.ndarray, crs: str | None = "EPSG:3035") -> gpd.GeoSeries:
    return gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=crs)


# --------------------------------------------------------------------------------------------
# nearest distance
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_nearest_distance_equals_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    origins = rng.uniform(0, 20_000, (2_000, 2)) + [X0, Y0]
    targets = rng.uniform(0, 20_000, (150, 2)) + [X0, Y0]
    brute = cdist(origins, targets)
    expected = brute.min(axis=1)

    from_arrays = nearest_distance(origins, targets)
    from_geoseries = nearest_distance(points(origins), points(targets))
    from_frames = nearest_distance(gpd.GeoDataFrame(geometry=points(origins)),
                                   gpd.GeoDataFrame(geometry=points(targets)))

    np.testing.assert_allclose(from_arrays, expected, rtol=1e-12, atol=1e-9)
    np.testing.assert_array_equal(from_geoseries, from_arrays)
    np.testing.assert_array_equal(from_frames, from_arrays)

    distance, index = nearest_index(origins, targets)
    np.testing.assert_array_equal(distance, from_arrays)
    # the returned target is at the minimum distance (ties: any of them)
    np.testing.assert_allclose(brute[np.arange(len(origins)), index], expected,
                               rtol=1e-12, atol=1e-9)


def test_nearest_distance_hand_example() -> None:
    # origin (0, 0): targets at 500 (3-4-5 triangle) and 1000 -> 500
    # origin (900, 0): 100 to (1000, 0)
    origins = np.array([[0.0, 0.0], [900.0, 0.0]]) + [X0, Y0]
    targets = np.array([[300.0, 400.0], [1000.0, 0.0]]) + [X0, Y0]
    distance, index = nearest_index(origins, targets)
    assert distance.tolist() == [500.0, 100.0]
    assert index.tolist() == [0, 1]


def test_nearest_distance_origin_on_target_is_zero() -> None:
    xy = np.array([[X0, Y0], [X0 + 100, Y0]])
    assert nearest_distance(xy, xy).tolist() == [0.0, 0.0]


def test_empty_targets_give_inf() -> None:
    origins = np.array([[X0, Y0], [X0 + 1, Y0]])
    distance, index = nearest_index(origins, np.empty((0, 2)))
    assert np.isposinf(distance).all()
    assert index.tolist() == [0, 0]  # == len(targets): using it raises IndexError
    empty = gpd.GeoSeries([], crs="EPSG:3035")
    assert np.isposinf(nearest_distance(points(origins), empty)).all()


def test_empty_origins() -> None:
    result = nearest_distance(np.empty((0, 2)), np.array([[X0, Y0]]))
    assert result.shape == (0,)


def test_crs_mismatch_names_both_and_says_reproject() -> None:
    xy = np.array([[500_000.0, 5_400_000.0]])
    with pytest.raises(ValueError, match=r"EPSG:25832.*EPSG:25833.*to_crs"):
        nearest_distance(points(xy, "EPSG:25832"), points(xy, "EPSG:25833"))
    with pytest.raises(ValueError, match=r"no CRS.*EPSG:25833"):
        nearest_distance(points(xy, None), points(xy, "EPSG:25833"))


def test_geographic_crs_is_rejected() -> None:
    lonlat = np.array([[8.7, 49.3]])
    with pytest.raises(ValueError, match=r"geographic CRS.*EPSG:4326.*reproject"):
        nearest_distance(points(lonlat, "EPSG:4326"), points(lonlat, "EPSG:4326"))
    with pytest.raises(ValueError, match="geographic"):
        nearest_distance(points(lonlat, "EPSG:4326"), lonlat)


def test_non_metre_crs_is_rejected() -> None:
    xy = np.array([[1_000_000.0, 200_000.0]])
    with pytest.raises(ValueError, match="not metres"):
        nearest_distance(points(xy, "EPSG:2263"), points(xy, "EPSG:2263"))  # US survey feet


def test_array_with_geoseries_is_accepted() -> None:
    # arrays carry no CRS and are taken to be in the other input's CRS
    origins = np.array([[X0, Y0]])
    assert nearest_distance(origins, points(origins + [0.0, 250.0])).tolist() == [250.0]


def test_bad_inputs() -> None:
    from shapely.geometry import LineString, Point

    with pytest.raises(ValueError, match="points only"):
        nearest_distance(gpd.GeoSeries([LineString([(0, 0), (1, 1)])], crs="EPSG:3035"),
                         np.array([[0.0, 0.0]]))
    with pytest.raises(ValueError, match="missing or empty"):
        nearest_distance(gpd.GeoSeries([Point(0, 0), None], crs="EPSG:3035"),
                         np.array([[0.0, 0.0]]))
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        nearest_distance(np.zeros((3, 3)), np.zeros((1, 2)))
    with pytest.raises(ValueError, match="NaN"):
        nearest_distance(np.array([[np.nan, 0.0]]), np.zeros((1, 2)))
    with pytest.raises(TypeError):
        nearest_distance("not points", np.zeros((1, 2)))


# --------------------------------------------------------------------------------------------
# coverage
# --------------------------------------------------------------------------------------------


def test_coverage_hand_example() -> None:
    distance = [200.0, 800.0, 1000.0, 1500.0, np.inf]
    weight = [10, 20, 30, 40, 100]
    # within 1,000 m (inclusive): 10 + 20 + 30 = 60 of 10 + 20 + 30 + 40 + 100 = 200 -> 0.3
    assert coverage(distance, weight, 1000.0) == pytest.approx(0.3, abs=1e-15)
    # within 999.9 m: 10 + 20 = 30 of 200 -> 0.15
    assert coverage(distance, weight, 999.9) == pytest.approx(0.15, abs=1e-15)
    assert np.isnan(coverage([1.0, 2.0], [0, 0], 1000.0))


def test_coverage_and_median_by_group_hand_example() -> None:
    # quarter | distance (m) | residents
    # "01"    |   100        |   10
    # "01"    |   400        |   30
    # "01"    |   700        |   20
    # "01"    |  1200        |   40
    # "02"    |   300        |   50
    # "02"    |   900        |   50
    # "03"    |   150        |    0      (nobody lives in "03")
    # None    |    50        |  999      (no quarter: left out)
    distance = np.array([100.0, 400.0, 700.0, 1200.0, 300.0, 900.0, 150.0, 50.0])
    weight = np.array([10, 30, 20, 40, 50, 50, 0, 999])
    quarter = pd.Series(["01", "01", "01", "01", "02", "02", "03", None], name="quarter_id")

    # coverage within 700 m:
    #   "01": (10 + 30 + 20) / (10 + 30 + 20 + 40) = 60 / 100 = 0.6
    #   "02": 50 / 100 = 0.5
    #   "03": 0 / 0 -> NaN
    cover = coverage_by_group(distance, weight, quarter, 700.0)
    assert cover.name == "coverage"
    assert cover.index.name == "quarter_id"
    assert cover.index.tolist() == ["01", "02", "03"]
    np.testing.assert_allclose(cover.to_numpy(), [0.6, 0.5, np.nan], rtol=0, atol=1e-15)

    # lower weighted median: smallest value whose cumulative weight >= half the total
    #   "01": total 100, half 50; cumulative 10 (100 m), 40 (400 m), 60 (700 m) -> 700
    #   "02": total 100, half 50; cumulative 50 (300 m) reaches 50 -> 300 (the lower median)
    #   "03": total 0 -> NaN
    median = weighted_median_by_group(distance, weight, quarter)
    assert median.name == "median"
    assert median.index.tolist() == ["01", "02", "03"]
    np.testing.assert_array_equal(median.to_numpy(), [700.0, 300.0, np.nan])


def test_weighted_median_details() -> None:
    # unsorted input, integer group ids, inf values and zero weights
    # group 7: values 5 (w 0), 1 (w 1), 3 (w 1), 2 (w 1); total 3, half 1.5;
    #          sorted 1 (cum 1), 2 (cum 2) -> 2; the zero-weight 5 does not matter
    # group 3: values inf (w 3), 10 (w 1); total 4, half 2; 10 (cum 1), inf (cum 4) -> inf
    values = [5.0, 1.0, np.inf, 3.0, 10.0, 2.0]
    weight = [0, 1, 3, 1, 1, 1]
    groups = np.array([7, 7, 3, 7, 3, 7])
    median = weighted_median_by_group(values, weight, groups)
    assert median.index.tolist() == [3, 7]
    assert median.tolist() == [np.inf, 2.0]


def test_weighted_median_equals_brute_force() -> None:
    rng = np.random.default_rng(5)
    n = 5_000
    values = rng.integers(0, 50, n).astype(float) * 10  # many ties
    weight = rng.integers(0, 6, n).astype(float)
    groups = rng.integers(0, 200, n)
    median = weighted_median_by_group(values, weight, groups)
    cover = coverage_by_group(values, weight, groups, 200.0)
    for g in np.unique(groups):  # brute force, one group at a time
        v, w = values[groups == g], weight[groups == g]
        if w.sum() == 0:
            assert np.isnan(median[g]) and np.isnan(cover[g])
            continue
        candidates = np.unique(v)
        reached = [w[v <= c].sum() >= w.sum() / 2 for c in candidates]
        assert median[g] == candidates[np.argmax(reached)]
        assert cover[g] == pytest.approx(w[v <= 200.0].sum() / w.sum(), abs=1e-12)


@pytest.mark.parametrize("n_groups", [300, 70_000])  # group codes in 16 bits, and more
def test_weighted_median_equals_pandas_reference(n_groups: int) -> None:
    rng = np.random.default_rng(n_groups)
    n = 200_000
    frame = pd.DataFrame({"g": rng.integers(0, n_groups, n) * 3 + 1,
                          "v": np.round(rng.exponential(700.0, n), -1),
                          "w": rng.integers(0, 4, n).astype(float)})
    # reference: pandas sort, cumulative sum per group, first row reaching half the total
    ordered = frame.sort_values(["g", "v"], kind="stable")
    cumulative = ordered.groupby("g")["w"].cumsum()
    total = ordered.groupby("g")["w"].transform("sum")
    reached = ordered[(cumulative >= total / 2) & (total > 0)]
    expected = reached.groupby("g")["v"].first().reindex(np.unique(frame["g"]))
    median = weighted_median_by_group(frame["v"], frame["w"], frame["g"])
    assert median.index.name == "g"
    np.testing.assert_array_equal(median.to_numpy(), expected.to_numpy())


def test_group_summaries_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="NaN"):
        coverage_by_group([np.nan], [1], ["a"], 100.0)
    with pytest.raises(ValueError, match="NaN"):
        weighted_median_by_group([np.nan], [1], ["a"])
    with pytest.raises(ValueError, match="non-negative"):
        weighted_median_by_group([1.0], [-1], ["a"])
    with pytest.raises(ValueError, match="expected 2"):
        coverage_by_group([1.0, 2.0], [1, 1], ["a"], 100.0)
