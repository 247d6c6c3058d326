"""Status / dynamics index after Berlin's MSS: a hand-worked example and the published data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from quartier.indicators import mss as module
from quartier.indicators.mss import DEFAULT_THRESHOLDS, status_index

BERLIN = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "berlin"
MSS = BERLIN / "mss"
requires_mss = pytest.mark.skipif(
    not MSS.is_dir(), reason=f"Berlin MSS data not found at {MSS} (../shared is absent)")

YEARS = (2013, 2015, 2017, 2019, 2021)

# Index indicators in each year's `mss_{year}_2-1.csv`. MSS 2013-2017 used four status
# indicators (S1 unemployment, S2 long-term unemployment, S3 transfer payments, S4 child
# poverty) and their changes D1-D4; from MSS 2019 on S2/D2 are dropped.
INDICATORS = {
    2013: (["s1", "s2", "s3", "s4"], ["d1", "d2", "d3", "d4"]),
    2015: (["s1", "s2", "s3", "s4"], ["d1", "d2", "d3", "d4"]),
    2017: (["s1", "s2", "s3", "s4"], ["d1", "d2", "d3", "d4"]),
    2019: (["s1", "s3", "s4"], ["d1", "d3", "d4"]),
    2021: (["s1", "s3", "s4"], ["d1", "d3", "d4"]),
}

# Named exclusions of the MSS: planning areas with at least 300 residents that the published
# index (`mss_{year}_1.csv`) leaves out. Derived from the files (rows >= 300 residents without a
# published class; see test_named_exclusions_are_the_unclassified_large_rows) and named by the
# MSS reports as atypical areas with few residents:
EXCLUSIONS = {
    2013: ["10010203"],  # Gewerbegebiet Bitterfelder Straße (656 residents)
    2015: ["10010203"],  # Gewerbegebiet Bitterfelder Straße (788)
    2017: ["04020314",   # Messegelände (436)
           "10010203"],  # Gewerbegebiet Bitterfelder Straße (1,379)
    2019: ["04041239",   # Stadion Wilmersdorf (353)
           "10010203"],  # Gewerbegebiet Bitterfelder Straße (1,330)
    # LOR 2021: the republished 2-1 file already lacks the six areas outside the index
    # (five below 300 residents and Gewerbegebiet Bitterfelder Straße, 10100205, 1,262
    # residents, which the official z-value table lists without values).
    2021: [],
}


# --- reading the Berlin files (Berlin-specific, so it lives here and not in the package) -----

def read_mss_indicators(year: int) -> pd.DataFrame:
    """`mss_{year}_2-1.csv` indexed by the 8-digit PLR id, indicator columns renamed s1, d1, …"""
    table = pd.read_csv(MSS / f"mss_{year}_2-1.csv", dtype={"id": str}).set_index("id")
    return table.rename(columns=lambda c: c.split("_")[0] if c[:1] in "sd" and c[1:2].isdigit()
                        else c)


def read_mss_published(year: int) -> pd.DataFrame:
    """`mss_{year}_1.csv`: the published classes of the planning areas in the index."""
    return pd.read_csv(MSS / f"mss_{year}_1.csv", dtype={"id": str}).set_index("id")


def compute(year: int) -> pd.DataFrame:
    status, dynamics = INDICATORS[year]
    return status_index(read_mss_indicators(year), status, dynamics, exclude=EXCLUSIONS[year])


# --- real data ---------------------------------------------------------------------------------

@requires_mss
@pytest.mark.parametrize("year", YEARS)
def test_indicator_columns_of_each_year(year):
    table = read_mss_indicators(year)
    assert table.index.str.fullmatch(r"\d{8}").all()
    status, dynamics = INDICATORS[year]
    assert [c for c in table.columns if c[:1] in "sd" and c[1:].isdigit()] == status + dynamics


@requires_mss
@pytest.mark.parametrize("year", YEARS)
def test_named_exclusions_are_the_unclassified_large_rows(year):
    table, published = read_mss_indicators(year), read_mss_published(year)
    unclassified = table.index.difference(published.index[published["status_index_klasse"].notna()])
    large = table["inhabitants"] >= 300
    assert sorted(table.index[large].intersection(unclassified)) == EXCLUSIONS[year]
    # and no published row is below the population threshold
    assert (table.loc[published.index, "inhabitants"] >= 300).all()


@requires_mss
@pytest.mark.parametrize("year", YEARS)
def test_reproduces_published_classes(year):
    ours, published = compute(year), read_mss_published(year)
    classified = published.index[published["status_index_klasse"].notna()]
    assert set(ours.index[ours["included"]]) == set(classified)
    assert len(classified) == {2013: 434, 2015: 435, 2017: 436, 2019: 436, 2021: 536}[year]
    mine, theirs = ours.loc[classified], published.loc[classified]

    def mismatches(a: pd.Series, b: pd.Series) -> list[str]:
        return list(a.index[a.to_numpy() != b.to_numpy()])

    assert mismatches(mine["status_class"], theirs["status_index_klasse"].str.strip()) == []
    assert mismatches(mine["status_class_number"].astype(int),
                      theirs["status_index"].astype(int)) == []
    assert mismatches(mine["dynamics_class"], theirs["dynamik_index_klasse"].str.strip()) == []
    assert mismatches(mine["combined_class"], theirs["status_dynamik_index"].str.strip()) == []
    left_out = ours.loc[~ours["included"]]
    assert left_out["status_index"].isna().all() and left_out["combined_class"].isna().all()


@requires_mss
@pytest.mark.parametrize(("year", "plr", "column", "value", "combined"), [
    # status index 1.50044 → "sehr niedrig": classes use the unrounded index (rounded to two
    # decimals, as in the published tables, it would read 1.50 → "niedrig")
    (2013, "12214422", "status_index", 1.50044, "4+/-"),
    # dynamics index 1.00043 → "negativ" (rounded: 1.00 → "stabil")
    (2015, "07070707", "dynamics_index", 1.00043, "1-"),
    # status index -0.99936 → "mittel"
    (2019, "01011401", "status_index", -0.99936, "2+/-"),
])
def test_published_classes_next_to_a_class_limit(year, plr, column, value, combined):
    row = compute(year).loc[plr]
    assert row[column] == pytest.approx(value, abs=1e-5)
    assert row["combined_class"] == combined == read_mss_published(year).loc[
        plr, "status_dynamik_index"]


@requires_mss
def test_2021_matches_official_z_values():
    official = pd.read_csv(MSS / "mss_2021_index-indikatoren_z-werte_plr.csv", sep=";",
                           encoding="utf-8-sig", dtype={"PLR-ID": str}).set_index("PLR-ID")
    official.columns = official.columns.str.strip()
    assert len(official) == 542
    in_index = official.dropna(subset=["zS1"])
    ours = compute(2021)
    assert set(in_index.index) == set(ours.index[ours["included"]])
    pairs = {
        "zS1": "z_s1", "zS3": "z_s3", "zS4": "z_s4", "Status-summe": "status_sum",
        "Status-Index (standardisierte Statussumme)": "status_index",
        "zD1": "z_d1", "zD3": "z_d3", "zD4": "z_d4", "Dynamik-summe": "dynamics_sum",
        "Dynamik-Index (standardisierte Dynamik-summe)": "dynamics_index",
    }
    mine = ours.loc[in_index.index]
    deviation = {theirs: float((mine[col] - in_index[theirs]).abs().max())
                 for theirs, col in pairs.items()}
    assert max(deviation.values()) < 0.01, deviation
    # The official values are ours rounded to two decimals (up to a hair: inputs are rounded too).
    assert max(deviation.values()) <= 0.0051, deviation
    assert (mine["status_class"] == in_index["Zuordnung Klasse Status-Index"].str.strip()).all()
    assert (mine["dynamics_class"] == in_index["Zuordnung Klasse Dynamik-Index"].str.strip()).all()
    # the areas outside the index: five below 300 residents, one named exclusion
    outside = official.loc[official["zS1"].isna(), "EW 31.12.2020"]
    assert sorted(outside.index[outside >= 300]) == ["10100205"]


# --- a small example worked out by hand --------------------------------------------------------
#
# Rows a-h are in the index; s1 = 10 + 2z, s2 = 50 + 5z and d1 = -2 + 0.6 z' with
#
#   row   s1    s2    z(s)   d1    z'(d)  inhabitants
#   a      8   45.0   -1.0  -1.1   1.5     300   (exactly min_population: included)
#   b     12   55.0    1.0  -2.9  -1.5    1000
#   c     13   57.5    1.5  -2.6  -1.0    1000
#   d      7   42.5   -1.5  -1.4   1.0    1000
#   e      8   45.0   -1.0  -2.0   0.0    1000
#   f     10   50.0    0.0  -2.6  -1.0    1000
#   g     11   52.5    0.5  -1.7   0.5    1000
#   h     11   52.5    0.5  -1.7   0.5    1000
#
# s1: mean = 80 / 8 = 10; deviations -2, 2, 3, -3, -2, 0, 1, 1; squares 4+4+9+9+4+0+1+1 = 32;
#     population variance 32 / 8 = 4, SD = 2 → z = (s1 - 10) / 2 as in the table.
#     (The sample SD, ddof = 1, would be sqrt(32 / 7) = 2.138 and give z(b) = 0.935.)
# s2: mean 50, SD 5 → the same z. Status sum = 2z: mean 0, SD 2 → status index = z.
# d1: sum -16, mean -2; deviations .9, -.9, -.6, .6, 0, -.6, .3, .3; squares sum 2.88;
#     variance 2.88 / 8 = 0.36, SD 0.6 → z', and the dynamics index = z' (one indicator).
#     In floating point (1.1, 2.9, … are inexact) the index of d comes out as
#     1.0000000000000002 and those of c and f as -1.0000000000000002.
# Classes: a -1 mittel (limit), b 1 mittel (limit), c 1.5 niedrig (limit), d -1.5 hoch;
#          dynamics a 1.5 negativ, b -1.5 positiv, c/f -1 stabil, d 1 stabil (limits).
# Rows left out: "small" (299 residents), "nobody" (population NaN), "named" (exclude),
# "gap" (s2 missing); their extreme values would change everything if they were used.

HAND_Z = {"a": -1.0, "b": 1.0, "c": 1.5, "d": -1.5, "e": -1.0, "f": 0.0, "g": 0.5, "h": 0.5}
HAND_ZD = {"a": 1.5, "b": -1.5, "c": -1.0, "d": 1.0, "e": 0.0, "f": -1.0, "g": 0.5, "h": 0.5}
HAND_D1 = {"a": -1.1, "b": -2.9, "c": -2.6, "d": -1.4, "e": -2.0, "f": -2.6, "g": -1.7, "h": -1.7}


def hand_table() -> pd.DataFrame:
    rows = {label: {"s1": 10 + 2 * z, "s2": 50 + 5 * z, "d1": HAND_D1[label],
                    "inhabitants": 300.0 if label == "a" else 1000.0}
            for label, z in HAND_Z.items()}
    rows["small"] = {"s1": 90.0, "s2": 99.0, "d1": -40.0, "inhabitants": 299.0}
    rows["nobody"] = {"s1": 90.0, "s2": 99.0, "d1": -40.0, "inhabitants": np.nan}
    rows["named"] = {"s1": 90.0, "s2": 99.0, "d1": -40.0, "inhabitants": 5000.0}
    rows["gap"] = {"s1": 90.0, "s2": np.nan, "d1": -40.0, "inhabitants": 5000.0}
    return pd.DataFrame.from_dict(rows, orient="index")


def hand_result(**kwargs) -> pd.DataFrame:
    kwargs.setdefault("exclude", ["named"])
    return status_index(hand_table(), ["s1", "s2"], ["d1"], **kwargs)


def test_hand_example_z_values_and_sums():
    result = hand_result()
    index = list(HAND_Z)
    expected = pd.Series(HAND_Z)
    assert result.loc[index, "z_s1"].tolist() == expected.tolist()  # exact: binary fractions
    assert result.loc[index, "z_s2"].tolist() == expected.tolist()
    assert result.loc[index, "status_sum"].tolist() == (2 * expected).tolist()
    assert result.loc[index, "status_index"].tolist() == expected.tolist()
    np.testing.assert_allclose(result.loc[index, "z_d1"], pd.Series(HAND_ZD), atol=1e-12)
    np.testing.assert_allclose(result.loc[index, "dynamics_index"], pd.Series(HAND_ZD),
                               atol=1e-12)
    # ddof = 0: z(b) is exactly 1, not 2 / sqrt(32 / 7) = 0.935
    assert result.loc["b", "z_s1"] == 1.0


def test_hand_example_columns_and_index():
    table = hand_table()
    result = hand_result()
    assert result.index.equals(table.index)
    assert list(result.columns) == [
        "included", "z_s1", "z_s2", "z_d1", "status_sum", "status_index", "status_class",
        "status_class_number", "dynamics_sum", "dynamics_index", "dynamics_class",
        "combined_class"]
    assert result["included"].dtype == bool
    assert str(result["status_class_number"].dtype) == "Int64"


def test_hand_example_classes_at_the_limits():
    result = hand_result()
    assert result.loc[list(HAND_Z), "status_class"].to_dict() == {
        "a": "mittel", "b": "mittel", "c": "niedrig", "d": "hoch",
        "e": "mittel", "f": "mittel", "g": "mittel", "h": "mittel"}
    assert result.loc[list(HAND_Z), "dynamics_class"].to_dict() == {
        "a": "negativ", "b": "positiv", "c": "stabil", "d": "stabil",
        "e": "stabil", "f": "stabil", "g": "stabil", "h": "stabil"}
    assert result.loc[list(HAND_Z), "combined_class"].to_dict() == {
        "a": "2-", "b": "2+", "c": "3+/-", "d": "1+/-",
        "e": "2+/-", "f": "2+/-", "g": "2+/-", "h": "2+/-"}
    assert result.loc[list(HAND_Z), "status_class_number"].tolist() == [2, 2, 3, 1, 2, 2, 2, 2]


def test_floating_point_noise_at_a_limit_does_not_change_the_class(monkeypatch):
    result = hand_result()
    # the noise is real here: 1.0000000000000002 and -1.0000000000000002
    assert result.loc["d", "dynamics_index"] > 1.0
    assert result.loc["c", "dynamics_index"] < -1.0 and result.loc["f", "dynamics_index"] < -1.0
    assert result.loc[["c", "d", "f"], "dynamics_class"].tolist() == ["stabil"] * 3
    monkeypatch.setattr(module, "_BOUNDARY_TOLERANCE", 0.0)  # what naive comparisons would say
    assert hand_result().loc[["c", "d", "f"], "dynamics_class"].tolist() == [
        "positiv", "negativ", "positiv"]


def test_sehr_niedrig_and_the_ddof_choice():
    # x = 0, 0, 0, 1: mean 1/4, population SD sqrt(3/16) = sqrt(3)/4, so z(1) = sqrt(3) = 1.732
    # → "sehr niedrig"; with the sample SD (1/2) it would be 1.5 → "niedrig".
    table = pd.DataFrame({"s1": [0.0, 0.0, 0.0, 1.0], "inhabitants": [500] * 4},
                         index=["w", "x", "y", "z"])
    result = status_index(table, ["s1"])
    assert result.loc["z", "status_index"] == pytest.approx(np.sqrt(3), abs=1e-12)
    assert result.loc["w", "status_index"] == pytest.approx(-1 / np.sqrt(3), abs=1e-12)
    assert result["status_class"].tolist() == ["mittel", "mittel", "mittel", "sehr niedrig"]
    assert result["combined_class"].tolist() == ["2", "2", "2", "4"]


def test_left_out_rows_are_empty_and_do_not_influence_the_rest():
    result = hand_result()
    left_out = ["small", "nobody", "named", "gap"]
    assert result["included"].to_dict() == {**{k: True for k in HAND_Z},
                                            **{k: False for k in left_out}}
    numbers = ["z_s1", "z_s2", "z_d1", "status_sum", "status_index", "dynamics_sum",
               "dynamics_index"]
    assert result.loc[left_out, numbers].isna().all().all()
    for column in ("status_class", "status_class_number", "dynamics_class", "combined_class"):
        assert result.loc[left_out, column].isna().all(), column
    alone = status_index(hand_table().loc[list(HAND_Z)], ["s1", "s2"], ["d1"])
    pd.testing.assert_frame_equal(result.loc[list(HAND_Z)], alone)


def test_min_population_and_exclude_options():
    # a lower threshold lets "small" in, which changes the mean of s1
    result = hand_result(min_population=200)
    assert result.loc["small", "included"]
    assert result.loc["b", "z_s1"] != 1.0
    # exclude accepts any iterable of index labels, or a single label
    both = hand_result(exclude=("named", "b"))
    assert not both.loc["b", "included"] and not both.loc["named", "included"]
    assert hand_result(exclude="named")["included"].sum() == 8
    # without the named exclusion "named" (5000 residents) is used
    assert hand_result(exclude=[])["included"].sum() == 9
    # no population rule at all: only the missing values keep rows out
    assert hand_result(population=None, exclude=[])["included"].sum() == 11


def test_without_dynamics():
    result = status_index(hand_table(), ["s1", "s2"], exclude=["named"])
    assert "z_d1" not in result.columns
    assert result[["dynamics_sum", "dynamics_index"]].isna().all().all()
    assert result["dynamics_class"].isna().all()
    assert result.loc[list(HAND_Z), "combined_class"].tolist() == [
        "2", "2", "3", "1", "2", "2", "2", "2"]
    assert result.loc["named", "combined_class"] is None
    # rows are left out only for missing values of the indicators actually used
    table = hand_table()
    table.loc["e", "d1"] = np.nan
    assert status_index(table, ["s1", "s2"], exclude=["named"]).loc["e", "included"]
    assert not status_index(table, ["s1", "s2"], ["d1"], exclude=["named"]).loc["e", "included"]


def test_thresholds_can_be_changed():
    assert dict(DEFAULT_THRESHOLDS) == {"status_hoch": -1.0, "status_mittel": 1.0,
                                        "status_niedrig": 1.5, "dynamics_positiv": -1.0,
                                        "dynamics_stabil": 1.0}
    result = hand_result(thresholds={"status_mittel": 0.5, "dynamics_stabil": 1.5})
    assert result.loc[["a", "b", "c", "g"], "status_class"].tolist() == [
        "mittel", "niedrig", "niedrig", "mittel"]
    assert result.loc["a", "dynamics_class"] == "stabil"  # 1.5 is now inside "stabil"
    assert result.loc["a", "combined_class"] == "2+/-"


# --- errors ------------------------------------------------------------------------------------

def test_missing_columns_are_named():
    with pytest.raises(ValueError, match=r"columns missing from the table: \['s9', 'd7'\]"):
        status_index(hand_table(), ["s1", "s9"], ["d7"])
    with pytest.raises(ValueError, match=r"columns missing from the table: \['residents'\]"):
        status_index(hand_table(), ["s1"], population="residents")


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"status": "s1"}, TypeError, r"status must be a list or tuple .* \(did you mean \['s1'\]\?\)"),
    ({"status": []}, ValueError, "status needs at least one indicator"),
    ({"status": ["s1", 2]}, TypeError, r"status must hold column names \(str\); got \[2\]"),
    ({"status": ["s1"], "dynamics": []}, ValueError, "dynamics needs at least one"),
    ({"status": ["s1", "s1"]}, ValueError, r"listed more than once: \['s1'\]"),
    ({"status": ["s1"], "dynamics": ["s1"]}, ValueError, "listed more than once"),
    ({"status": ["s1"], "exclude": ["zz", "named"]}, ValueError,
     r"exclude names labels that are not in the table's index: \['zz'\]"),
    ({"status": ["s1"], "min_population": 10**6}, ValueError,
     r"no rows left for the index: of 12 rows, 12 have a population below 1000000"),
    ({"status": ["s1"], "min_population": "300"}, TypeError, "min_population must be a number"),
    ({"status": ["s1"], "thresholds": {"status_high": -1}}, ValueError,
     r"unknown threshold keys: \['status_high'\]"),
    ({"status": ["s1"], "thresholds": {"status_niedrig": 0.5}}, ValueError,
     "thresholds must increase strictly"),
    ({"status": ["s1"], "thresholds": {"dynamics_stabil": "1"}}, TypeError,
     "threshold 'dynamics_stabil' must be a number"),
])
def test_invalid_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        status_index(hand_table(), **kwargs)


def test_invalid_tables():
    with pytest.raises(TypeError, match="table must be a pandas DataFrame, got dict"):
        status_index({"s1": [1, 2]}, ["s1"])
    text = hand_table().astype({"s1": str})
    with pytest.raises(TypeError, match=r"columns must be numeric: \['s1'\]"):
        status_index(text, ["s1"])
    twice = pd.concat([hand_table(), hand_table().loc[["a"]]])
    with pytest.raises(ValueError, match=r"index must be unique; duplicated labels: \['a'\]"):
        status_index(twice, ["s1"])
    infinite = hand_table()
    infinite.loc["b", "s2"] = np.inf
    with pytest.raises(ValueError, match=r"infinite values in included rows of columns \['s2'\]"):
        status_index(infinite, ["s1", "s2"])


def test_zero_standard_deviation():
    table = hand_table()
    table["flat"] = 7.0
    with pytest.raises(ValueError, match="indicator 'flat' has zero standard deviation over the "
                                         "8 included rows"):
        status_index(table, ["s1", "s2", "flat"], exclude=["named"])
    # two indicators that cancel out: every z-value is fine, the status sum is constant
    table["mirror"] = -table["s1"]
    with pytest.raises(ValueError, match="the status sum has zero standard deviation"):
        status_index(table, ["s1", "mirror"], exclude=["named"])


def test_status_index_year_follows_the_edition(tmp_path):
    from quartier.config import read_config

    config = tmp_path / "quartier.toml"
    config.write_text('[study]\nname = "X"\nedition = "2024"\n[quarters]\npath = "q.geojson"\n'
                      '[indicators.status_index]\nstatus = ["a"]\nyear = "{edition}"\n',
                      encoding="utf-8")
    for edition, year in ((None, 2024), ("2025", 2025)):
        settings, _ = read_config(config, edition=edition)
        assert settings.indicators.status_index.year == year
