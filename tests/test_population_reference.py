"""Reference groups split from coarser age bands by a real age structure (issue 11, item 6)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import BERLIN, requires_berlin

from quartier.population.reference import (
    MAX_TILT,
    OLDEST_AGE,
    band_overlap,
    estimated_bands,
    national_age_structure,
    open_band_tilt,
    read_age_structure,
    reference_population,
    tilted_share,
)

# Destatis GENESIS 12411-0005, 31.12.2023 (single years of age), copied by hand from the
# published table for this test: the under-3s, the 3-to-5-year-olds, 65–79 and 80+.
UNDER_3 = 689_849 + 753_091 + 823_742
AGED_3_5 = 807_156 + 815_901 + 830_676
AGED_65_79 = (1_115_955 + 1_078_576 + 1_038_484 + 996_079 + 966_320 + 924_361 + 911_913
              + 880_884 + 867_715 + 825_075 + 739_278 + 680_805 + 577_677 + 494_694 + 644_117)
AGED_80_PLUS = 634_894 + 594_619 + 693_251 + 691_296 + 642_069 + 2_887_733


def test_national_structure_matches_the_published_totals():
    structure = national_age_structure()
    assert len(structure) == OLDEST_AGE + 1
    assert structure.sum() == pytest.approx(84_669_326)  # "Insgesamt" of the table
    assert structure.loc[80:].sum() == pytest.approx(AGED_80_PLUS)
    assert structure.loc[65:79].sum() == pytest.approx(AGED_65_79)
    # the open band 85+ falls with age and is spread over 85–100 only
    assert structure.loc[85:].sum() == pytest.approx(2_887_733)
    assert np.all(np.diff(structure.loc[85:].to_numpy()) < 0)


def test_band_overlap_uses_the_real_age_structure():
    assert band_overlap("age_65_plus", 80, None) == pytest.approx(
        AGED_80_PLUS / (AGED_65_79 + AGED_80_PLUS))
    assert band_overlap("age_0_5", 0, 2) == pytest.approx(UNDER_3 / (UNDER_3 + AGED_3_5))
    assert band_overlap("age_0_5", 3, 5) == pytest.approx(AGED_3_5 / (UNDER_3 + AGED_3_5))
    # exact bands are never split, whatever the structure
    assert band_overlap("age_80_plus", 80, None) == 1.0
    assert band_overlap("age_6_14", 0, 5) == 0.0


def test_hand_built_structure_splits_bands_by_its_counts():
    # ten people aged 0, thirty aged 1, nobody older: a band 0–1 is a quarter age 0
    structure = np.zeros(OLDEST_AGE + 1)
    structure[0], structure[1] = 10, 30
    assert band_overlap("age_0_1", 0, 0, structure) == pytest.approx(0.25)
    # a band with no reference residents falls back to evenly spread years
    assert band_overlap("age_60_69", 60, 64, structure) == pytest.approx(0.5)
    frame = pd.DataFrame({"total": [100.0, 40.0], "age_0_1": [8.0, 4.0],
                          "age_2_plus": [92.0, 36.0]})
    population, estimated = reference_population(frame, "0-0", structure)
    assert population.tolist() == pytest.approx([2.0, 1.0])
    assert estimated


def test_group_sums_are_conserved_across_a_partition_of_ages():
    frame = pd.DataFrame({"total": [1000.0], "age_0_5": [70.0], "age_6_64": [690.0],
                          "age_65_plus": [240.0]})
    parts = [reference_population(frame, g)[0][0] for g in ("0-2", "3-64", "65-79", "80+")]
    assert sum(parts) == pytest.approx(1000.0)


def test_estimated_bands_names_the_split_bands():
    bands = ["age_0_5", "age_6_14", "age_15_64", "age_65_plus"]
    assert estimated_bands(bands, "0-2") == ["age_0_5"]
    assert estimated_bands(bands, "6-14") == []
    assert estimated_bands(bands, "10-17") == ["age_6_14", "age_15_64"]


def test_a_study_can_give_its_own_age_structure(tmp_path):
    path = tmp_path / "alter.csv"
    path.write_text("age,residents\n0,10\n1,30\n2+,60\n", encoding="utf-8")
    structure = read_age_structure(path)
    assert structure.sum() == pytest.approx(100)
    assert structure[0] == 10 and structure[1] == 30
    assert band_overlap("age_0_1", 1, 1, structure) == pytest.approx(0.75)


@pytest.mark.parametrize("text, message", [
    ("alter;anzahl\n0;1\n", "Spalten"),
    ("age;residents\n0;-1\n", "≥ 0"),
    ("age;residents\nnull;5\n", "ganzes Alter"),
    ("age;residents\n80+;5\n90+;1\n", "offen"),
    ("age;residents\n85;5\n80+;1\n", "überschneidet"),
])
def test_a_broken_age_structure_is_refused_with_a_message(tmp_path, text, message):
    path = tmp_path / "alter.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_age_structure(path)


def _old_town(below: float, open_band: float) -> pd.DataFrame:
    return pd.DataFrame({"total": [1000.0 + below + open_band], "age_0_54": [1000.0],
                         "age_55_64": [below], "age_65_plus": [open_band]})


def _geometric(ratio: float, first: int, last: int) -> float:
    """Σ ratio^a for a = first … last, by the closed form of a geometric series."""
    return (ratio ** first - ratio ** (last + 1)) / (1 - ratio)


def test_open_band_tilt_worked_by_hand():
    # evenly spread reference years: mean age of 55–64 is 59.5, of 65–100 is 82.5 (23 apart);
    # 100 people in 55–64 are 10 a year, 360/e in 65+ are 10/e a year: ln(1/e) / 23
    flat = np.ones(OLDEST_AGE + 1)
    beta = open_band_tilt(np.array([100.0]), np.array([360.0 / np.e]), "age_55_64",
                          "age_65_plus", flat)
    assert beta[0] == pytest.approx(-1 / 23)
    # share of 80+ in 65+ under weights e^(β·a) (the centring cancels): a geometric series
    ratio = np.exp(-1 / 23)
    expected = _geometric(ratio, 80, 100) / _geometric(ratio, 65, 100)
    assert tilted_share(beta, "age_65_plus", 80, None, flat)[0] == pytest.approx(expected)
    assert expected < 21 / 36  # fewer old than an even spread: the trend falls with age
    population, _ = reference_population(_old_town(100.0, 360.0 / np.e), "80+", flat)
    assert population[0] == pytest.approx(360.0 / np.e * expected)


def test_open_band_tilt_follows_the_trend_and_keeps_the_band():
    structure = national_age_structure().to_numpy()
    reference_below, reference_open = structure[55:65].sum(), structure[65:].sum()
    # a town shaped like the reference: no trend, the reference's own share of 80+
    same, _ = reference_population(_old_town(reference_below / 1e4, reference_open / 1e4), "80+")
    assert same[0] == pytest.approx(reference_open / 1e4 * band_overlap("age_65_plus", 80, None))
    # more 55–64-year-olds for the same 65+: "young" old residents, fewer 80+ — and the reverse
    shares = [reference_population(_old_town(below, 500.0), "80+")[0][0] / 500.0
              for below in (200.0, 400.0, 800.0)]
    assert shares[0] > shares[1] > shares[2]
    # whatever the tilt, 65–79 and 80+ add up to the band; empty neighbours keep the reference
    for below in (0.0, 50.0, 5000.0):
        town = _old_town(below, 500.0)
        parts = [reference_population(town, g)[0][0] for g in ("65-79", "80+")]
        assert sum(parts) == pytest.approx(500.0)
    empty, _ = reference_population(_old_town(0.0, 500.0), "80+")
    assert empty[0] == pytest.approx(500.0 * band_overlap("age_65_plus", 80, None))
    # a tiny odd row is held at the largest tilt
    beta = open_band_tilt(np.array([1.0]), np.array([1e6]), "age_55_64", "age_65_plus")
    assert beta[0] == MAX_TILT


def test_open_band_tilt_needs_a_narrow_neighbour_and_uses_the_quarter():
    # 18–64 is too wide to tell the trend near 65: the reference shape is kept
    wide = pd.DataFrame({"total": [1000.0], "age_0_17": [150.0], "age_18_64": [600.0],
                         "age_65_plus": [250.0]})
    tilted, _ = reference_population(wide, "80+")
    plain, _ = reference_population(wide, "80+", tilt_open_band=False)
    assert tilted[0] == pytest.approx(plain[0])
    # cells take the trend of their quarter's summed bands, not their own few residents
    cells = pd.DataFrame({"quarter_id": ["01", "01", "02"], "total": [60.0, 40.0, 60.0],
                          "age_0_54": [30.0, 30.0, 30.0], "age_55_64": [20.0, 0.0, 20.0],
                          "age_65_plus": [10.0, 10.0, 10.0]})
    per_cell, _ = reference_population(cells, "80+")
    quarter_01 = reference_population(_old_town(20.0, 20.0), "80+")[0][0]
    assert per_cell.tolist()[:2] == pytest.approx([quarter_01 / 2, quarter_01 / 2])
    alone = reference_population(_old_town(20.0, 10.0), "80+")[0][0]
    assert per_cell[2] == pytest.approx(alone)


def _berlin_register() -> pd.DataFrame:
    frame = pd.read_csv(BERLIN / "ewr_2024" / "EWR_L21_202412E_Matrix.csv", sep=";",
                        dtype={"RAUMID": str}).dropna(subset=["E_E"])
    return frame.set_index("RAUMID")


def _sum_fine_bands(register: pd.DataFrame, lower: int, upper: int) -> pd.Series:
    """Residents aged lower to under upper from the register's fine bands ``E_Exx_yy``."""
    columns = []
    for column in register.columns:
        parts = column[3:].split("_")
        if column.startswith("E_E") and len(parts) == 2 and all(p.isdigit() for p in parts):
            if int(parts[0]) >= lower and int(parts[1]) <= upper:
                columns.append(column)
    return register[columns].sum(axis=1)


@requires_berlin
def test_berlin_2024_register_coarse_bands_estimate_80_plus_and_under_3():
    """A town with only the coarse bands of Berlin's 2022 file (unter6 … 65undmehr).

    The fine bands of the 31.12.2024 register are the check. Citywide the share of 80+ in 65+
    is 34.5 % in Berlin against 32.5 % in Germany, so the national structure alone, spread
    evenly by its own shape within 65+, underestimates Berlin's 80+ by 5.8 % (the old even
    spread of ages 65–100 overestimated them by 66 %). Tilting the open band by each planning
    area's trend from 55–64 into 65+ brings it to −2.2 % and roughly halves the error per
    planning area.
    """
    register = _berlin_register()
    coarse = pd.DataFrame({
        "total": register["E_E"], "age_0_5": _sum_fine_bands(register, 0, 6),
        "age_6_14": _sum_fine_bands(register, 6, 15),
        "age_15_17": _sum_fine_bands(register, 15, 18),
        "age_18_26": _sum_fine_bands(register, 18, 27),
        "age_27_44": _sum_fine_bands(register, 27, 45),
        "age_45_54": _sum_fine_bands(register, 45, 55),
        "age_55_64": _sum_fine_bands(register, 55, 65),
        "age_65_plus": _sum_fine_bands(register, 65, 111)})
    assert (coarse.drop(columns="total").sum(axis=1) == coarse["total"]).all()
    true_80 = register["E_E80U110"]
    true_under_3 = _sum_fine_bands(register, 0, 3)
    assert true_80.sum() == 255_052 and true_under_3.sum() == 98_006  # SOURCES.md

    flat_80, _ = reference_population(coarse, "80+", tilt_open_band=False)
    assert flat_80.sum() / true_80.sum() - 1 == pytest.approx(-0.0584, abs=0.0005)
    estimate_80, estimated = reference_population(coarse, "80+")
    assert estimated
    citywide_80 = estimate_80.sum() / true_80.sum() - 1
    assert citywide_80 == pytest.approx(-0.0217, abs=0.0005)
    assert abs(citywide_80) < 0.05
    estimate_3, _ = reference_population(coarse, "0-2")
    citywide_3 = estimate_3.sum() / true_under_3.sum() - 1
    assert citywide_3 == pytest.approx(0.0237, abs=0.0005)
    assert abs(citywide_3) < 0.05
    # the tilt only moves residents within 65+: 65–79 and 80+ still add up to the band
    estimate_65_79, _ = reference_population(coarse, "65-79")
    assert (estimate_65_79 + estimate_80).to_numpy() == pytest.approx(
        coarse["age_65_plus"].to_numpy())

    # per planning area (those with at least 50 people in the group): the error spread
    def spread(estimate, truth):
        enough = truth >= 50
        error = (estimate[enough] / truth[enough] - 1).abs()
        return enough.sum(), error.median(), error.quantile(0.9), error.max()

    for name, estimate, truth in (("80+ ohne Neigung", flat_80, true_80),
                                  ("80+", estimate_80, true_80),
                                  ("unter 3", estimate_3, true_under_3)):
        count, median, p90, largest = spread(estimate, truth)
        print(f"\n{name}: {count} PLR, Fehler Median {median:.1%}, 90 % {p90:.1%}, "
              f"max {largest:.1%}")
    _, flat_median, flat_p90, _ = spread(flat_80, true_80)
    _, median_80, p90_80, _ = spread(estimate_80, true_80)
    assert (flat_median, flat_p90) == pytest.approx((0.181, 0.515), abs=0.005)
    assert (median_80, p90_80) == pytest.approx((0.114, 0.311), abs=0.005)
    _, median_3, p90_3, _ = spread(estimate_3, true_under_3)
    assert (median_3, p90_3) == pytest.approx((0.054, 0.163), abs=0.005)

    # the register's own coarse bands (under 1, 1–5, …, 65–79, 80+): 80+ exact, under 3
    # from under 1 plus two fifths-by-weight of 1–5
    own = pd.DataFrame({"total": register["E_E"], "age_0_0": register["E_EU1"],
                        "age_1_5": register["E_E1U6"], "age_6_79": register["E_E"]
                        - register["E_EU1"] - register["E_E1U6"] - register["E_E80U110"],
                        "age_80_plus": register["E_E80U110"]})
    exact_80, was_estimated = reference_population(own, "80+")
    assert not was_estimated and exact_80.sum() == 255_052
    own_3, _ = reference_population(own, "0-2")
    assert abs(own_3.sum() / true_under_3.sum() - 1) < 0.05


def test_age_structure_from_the_config_is_loaded_and_checked(make_study):
    import quartier
    from quartier.validation import StudyError

    path = make_study(extra='[population]\nage_structure = "alter.csv"\n',
                      files={"alter.csv": "age;residents\n0;10\n1;30\n2+;60\n"})
    study = quartier.load_study(path)
    assert study.age_structure is not None and study.age_structure[:2].tolist() == [10, 30]
    # the tiny study's band 0–5 split by it: ages 0–2 are 10 + 30 + the first of 60 spread
    share = band_overlap("age_0_5", 0, 2, study.age_structure)
    assert share == pytest.approx((10 + 30 + study.age_structure[2]) /
                                  study.age_structure[:6].sum())
    (path.parent / "alter.csv").write_text("alter;anzahl\n0;1\n", encoding="utf-8")
    with pytest.raises(StudyError, match="Altersstruktur"):
        quartier.load_study(path)


def test_report_methods_say_how_age_groups_were_estimated(make_study):
    import quartier
    from quartier.report.context import report_context

    # the tiny study has children under 6 only: the Kita demand of the under-3s is split
    study = quartier.load_study(make_study())
    results = quartier.compute(study)
    assert "estimated_reference_groups" in results.findings.codes()
    rules = " ".join(report_context(study, results)["basis"]["rules"])
    assert "Geschätzte Altersgruppen" in rules and "12411-0005" in rules
    assert "geneigt" in rules  # the open band's tilt is explained
    own = quartier.load_study(make_study(extra='[population]\nage_structure = "alter.csv"\n',
                                         files={"alter.csv": "age;residents\n0;10\n1;30\n"
                                                             "2+;60\n"}))
    rules = " ".join(report_context(own, quartier.compute(own))["basis"]["rules"])
    assert "die eigene Altersstruktur der Studie" in rules and "12411-0005" not in rules


def test_a_column_that_is_no_age_band_is_named_in_the_error():
    # parse_age_band gives None for such a name; unpacking it failed with a TypeError before
    with pytest.raises(ValueError, match="'residents' ist keine Altersgruppe"):
        band_overlap("residents", 0, 5)
    with pytest.raises(ValueError, match="'age_6'"):
        estimated_bands(["age_0_5", "age_6"], "0-5")
