"""Residents' concerns: counting, loading and the suppression of small counts."""

from __future__ import annotations

import itertools
import math
import textwrap

import numpy as np
import pandas as pd
import pytest
from conftest import SAMPLE, X0, Y0
from scipy.optimize import linprog

import quartier
from quartier.partners.concerns import (
    PUBLISHED_TABLES,
    SECONDARY,
    concern_counts,
    disclosed_counts,
    period_of,
    protect_counts,
    published_concerns,
    suppress_counts,
)


def table(rows: dict[str, list[int]], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, index=columns).T
    frame.index.name, frame.columns.name = "quarter", "year"
    return frame


def disclosed(counts: pd.DataFrame, shown: pd.DataFrame, threshold: int = 3) -> set:
    """Brute force: the hidden small cells whose value follows from the published table.

    Every hidden cell is tried with every value a reader must allow (1 … threshold-1 for
    "< t", 0 … a shown total of its row or column for "x", which says only "withheld"); a
    hidden small cell is disclosed when only one of its values is consistent with all
    published totals.
    """
    cells = [(r, c) for r in counts.index for c in counts.columns]
    label = shown.index[-1]

    def upper(cell: tuple) -> int:
        """A hidden cell is at most any shown total of its row or column."""
        totals = [shown.at[cell[0], label], shown.at[label, cell[1]], shown.at[label, label]]
        known = [int(t.replace(".", "")) for t in totals if t[:1].isdigit()]
        return min(known) if known else int(counts.to_numpy().sum()) * 2

    hidden = [cell for cell in cells if shown.at[cell] in (f"< {threshold}", SECONDARY)]
    domains = [range(1, threshold) if shown.at[cell] != SECONDARY else
               range(upper(cell) + 1) for cell in hidden]

    def consistent(total_text: str, value: int) -> bool:
        if total_text == f"< {threshold}":
            return 0 < value < threshold
        if total_text == SECONDARY:
            return True
        return int(total_text.replace(".", "")) == value

    rows, columns = list(counts.index), list(counts.columns)
    position = [(rows.index(r), columns.index(c)) for r, c in hidden]
    row_text = [shown.at[r, label] for r in rows]
    column_text = [shown.at[label, c] for c in columns]
    possible: dict[tuple, set] = {cell: set() for cell in hidden}
    trial = counts.to_numpy(dtype=int).copy()
    for values in itertools.product(*domains):
        for (i, j), value in zip(position, values, strict=True):
            trial[i, j] = value
        ok = all(consistent(t, v) for t, v in zip(row_text, trial.sum(axis=1), strict=True))
        ok = ok and all(consistent(t, v) for t, v in zip(column_text, trial.sum(axis=0),
                                                          strict=True))
        ok = ok and consistent(shown.at[label, label], int(trial.sum()))
        if ok:
            for cell, value in zip(hidden, values, strict=True):
                possible[cell].add(value)
    return {cell for cell, values in possible.items()
            if shown.at[cell] != SECONDARY and len(values) < 2}


def test_suppress_counts_by_hand():
    counts = table({"01": [5, 7], "02": [1, 9]}, ["2024", "2025"])
    shown = suppress_counts(counts)
    # 1 is small → "< 3"; row 02 then hides 9 (smallest ≥ 3 of the row), column 2024 hides 5,
    # row 01 hides 7: every row and column hides two numbers, the totals stay.
    expected = pd.DataFrame({"2024": ["x", "< 3", "6"], "2025": ["x", "x", "16"],
                             "Summe": ["12", "10", "22"]}, index=["01", "02", "Summe"])
    assert shown.to_numpy().tolist() == expected.to_numpy().tolist()
    assert list(shown.index) == ["01", "02", "Summe"]
    assert not disclosed(counts, shown)


def test_zero_is_shown_and_no_totals_means_primary_only():
    counts = table({"01": [0, 4], "02": [2, 30]}, ["a", "b"])
    shown = suppress_counts(counts, totals=False)
    assert shown.to_numpy().tolist() == [["0", "4"], ["< 3", "30"]]
    assert suppress_counts(counts, threshold=5, totals=False).at["01", "b"] == "< 5"


def test_a_lonely_small_cell_needs_a_second_hidden_cell_in_its_row_and_column():
    counts = table({"01": [5, 4, 1], "02": [3, 0, 6], "03": [7, 4, 3]}, ["a", "b", "c"])
    shown = suppress_counts(counts)
    assert shown.at["01", "c"] == "< 3"
    hidden = shown.isin(["< 3", SECONDARY])
    for line in (*[hidden.loc[r] for r in hidden.index], *[hidden[c] for c in hidden.columns]):
        assert line.sum() != 1
    assert not disclosed(counts, shown)


@pytest.mark.parametrize("seed", range(9))
def test_no_small_count_can_be_worked_out(seed):
    rng = np.random.default_rng(seed)
    counts = pd.DataFrame(rng.choice([0, 1, 2, 3, 4, 5], size=(3, 3),
                                     p=[.1, .3, .2, .2, .1, .1]),
                          index=["q1", "q2", "q3"], columns=["a", "b", "c"])
    shown = suppress_counts(counts)
    assert not disclosed(counts, shown), shown
    # everything not hidden is the true number
    for r, c in itertools.product(counts.index, counts.columns):
        if shown.at[r, c] not in ("< 3", SECONDARY):
            assert int(shown.at[r, c]) == counts.at[r, c]
            assert counts.at[r, c] == 0 or counts.at[r, c] >= 3


def test_bounds_attack_is_caught_by_the_audit():
    # Without the audit, two small cells in a 2 × 2 cycle can be pinned down by bounds: cells
    # 1 and 2 on one diagonal, 3 and 4 on the other, all totals shown. The audit hides more.
    counts = table({"01": [1, 3], "02": [4, 2]}, ["a", "b"])
    unaudited = protect_counts(counts.stack(), [("quarter", "year")], 3, audit=False)
    audited = protect_counts(counts.stack(), [("quarter", "year")], 3)
    assert len(audited.hidden()) >= len(unaudited.hidden())
    assert not disclosed(counts, suppress_counts(counts))


def test_shared_totals_are_one_figure():
    index = pd.MultiIndex.from_product([["01", "02"], ["housing", "health_care"], ["2024"],
                                        ["offen"]], names=["quarter_id", "field", "period",
                                                           "status"])
    cube = pd.Series([1, 9, 6, 6], index=index)
    protection = protect_counts(cube, PUBLISHED_TABLES, 3)
    by_period = protection.table("quarter_id", "period")
    by_field = protection.table("quarter_id", "field")
    assert by_period.at["01", "Summe"] == by_field.at["01", "Summe"]
    # quarter 01 in 2024 is the quarter total: the period table shows the same figure twice
    assert by_period.at["01", "2024"] == by_period.at["01", "Summe"] == "10"
    assert by_field.at["01", "housing"] == "< 3"


def test_period_of_and_counts_conserve_the_total():
    dates = pd.Series(pd.to_datetime(["2023-06-30", "2023-07-01", "2025-01-01"]))
    assert period_of(dates).tolist() == ["2023", "2023", "2025"]
    assert period_of(dates, "half_year").tolist() == ["2023-H1", "2023-H2", "2025-H1"]
    concerns = pd.DataFrame({"date": dates, "field": ["housing", "housing", "counselling"],
                             "quarter_id": ["01", "02", None], "status": ["offen"] * 3})
    cube = concern_counts(concerns, ["01", "02"])
    assert cube.sum() == 2                                  # the unplaced concern is left out
    assert sorted(cube.index.get_level_values("period").unique()) == ["2023"]
    assert cube[("01", "housing", "2023", "offen")] == 1


def test_sample_concerns_loaded_and_published():
    study = quartier.load_study(SAMPLE / "quartier.toml")
    concerns = study.concerns
    raw = pd.read_csv(SAMPLE / "anliegen.csv", sep=";", dtype=str, keep_default_na=False)
    assert len(concerns) == len(raw) and 300 <= len(raw) <= 600
    by_point = raw["quartier"] == ""
    assert by_point.any() and (concerns.loc[by_point.to_numpy(), "located_by"] == "point").all()
    assert concerns["quarter_id"].notna().all()
    protection = published_concerns(concerns, list(study.quarters["quarter_id"]))
    assert protection.values[protection.key()] == len(raw)
    assert protection.hidden()                                   # the sample shows suppression
    for key, state in protection.status.items():
        value = protection.values[key]
        assert (state in ("primary", "withheld")) == (0 < value < 3)
        if state == "secondary":
            assert value >= 3


def test_concerns_loader_findings(make_study):
    concerns = ("nr;datum;feld;quartier;x;y;notiz\n"
                f"1;2024-02-01;housing;;{X0 + 1500:.0f};{Y0 + 500:.0f};geheim\n"
                "2;kein Datum;housing;01;;;geheim\n"
                "3;2024-03-01;garden;01;;;geheim\n")
    path = make_study(files={"anliegen.csv": concerns}, extra=textwrap.dedent("""
        [concerns]
        path = "anliegen.csv"
        x = "x"
        y = "y"
        crs = "EPSG:25832"
        min_count = 1
        columns = { concern_id = "nr", date = "datum", field = "feld", quarter_id = "quartier" }
        """))
    study, report = quartier.validate_study(path)
    assert study is None
    codes = report.codes("error")
    assert "bad_date" in codes and "unknown_field" in codes and "bad_value" in codes
    messages = " ".join(f.message for f in report.errors)
    assert "min_count" in messages and "garden" in messages


def test_concerns_by_point_and_min_count(make_study):
    concerns = ("nr;datum;feld;quartier;x;y\n"
                f"1;01.02.2024;housing;;{X0 + 1500:.0f};{Y0 + 500:.0f}\n"
                "2;03.02.2024;housing;1;;\n")
    path = make_study(files={"anliegen.csv": concerns}, extra=textwrap.dedent("""
        [concerns]
        path = "anliegen.csv"
        x = "x"
        y = "y"
        crs = "EPSG:25832"
        min_count = 5
        columns = { concern_id = "nr", date = "datum", field = "feld", quarter_id = "quartier" }
        """))
    study = quartier.load_study(path)
    assert study.concerns["quarter_id"].tolist() == ["02", "01"]
    assert study.concerns["located_by"].tolist() == ["point", "quarter_id"]
    assert study.concerns["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-02-01",
                                                                      "2024-02-03"]
    from quartier.partners.export import study_concerns

    protection = study_concerns(study)
    assert protection.threshold == 5
    assert protection.display(protection.key()) == "< 5"


def test_concerns_with_german_field_names_dates_and_cp1252(make_study):
    concerns = ("nr;datum;feld;quartier\n"
                "1;1.3.25;Alltagshilfen;01\n"
                "2;2025-03-02 10:15;GESUNDHEIT UND PFLEGE;02\n"
                "3;31.12.2024;Wohnumfeld;02\n").encode("cp1252")
    path = make_study(files={"anliegen.csv": concerns}, extra=textwrap.dedent("""
        [concerns]
        path = "anliegen.csv"
        columns = { concern_id = "nr", date = "datum", field = "feld", quarter_id = "quartier" }
        """))
    study = quartier.load_study(path)
    assert study.concerns["field"].tolist() == ["everyday_help", "health_care", "environment"]
    assert study.concerns["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-03-01", "2025-03-02", "2024-12-31"]


# --- the audit checked by an independent linear program over the whole cube ---------------


def feasible_intervals(cube: pd.Series, protection) -> dict[tuple, tuple[float, float]]:
    """Smallest and largest value of every hidden small figure consistent with all others.

    Written apart from the module: each figure is the sum of the cube's counts matching its
    key; shown figures are equalities, "< t" lies in 1 … t-1, a secondary "x" is at least t,
    a withheld "x" is free; counts are non-negative. Two dense linear programs per figure.
    """
    levels = {d: cube.index.get_level_values(d).to_numpy() for d in protection.dims}

    def row(key: tuple) -> np.ndarray:
        mask = np.ones(len(cube), dtype=bool)
        for d, v in zip(protection.dims, key, strict=True):
            if v is not None:
                mask &= levels[d] == v
        return mask.astype(float)

    t = protection.threshold
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for key, state in protection.status.items():
        if state == "shown":
            a_eq.append(row(key))
            b_eq.append(protection.values[key])
        elif state == "primary":
            a_ub += [row(key), -row(key)]
            b_ub += [t - 1, -1]
        elif state == "secondary":
            a_ub.append(-row(key))
            b_ub.append(-t)
    intervals = {}
    for key, state in protection.status.items():
        if state not in ("primary", "withheld"):
            continue
        ends = []
        for sign in (1, -1):
            result = linprog(sign * row(key), A_ub=np.array(a_ub), b_ub=b_ub,
                             A_eq=np.array(a_eq), b_eq=b_eq, bounds=(0, None),
                             method="highs")
            assert result.status == 0
            ends.append(sign * result.fun)
        intervals[key] = (ends[0], ends[1])
    return intervals


def assert_protected(cube: pd.Series, protection) -> None:
    """Every hidden small count has at least two whole numbers a reader must allow."""
    intervals = feasible_intervals(cube, protection)
    assert intervals                                         # there is something to check
    for key, (low, high) in intervals.items():
        value = protection.values[key]
        assert low - 1e-6 <= value <= high + 1e-6, key
        assert math.floor(high + 1e-6) - math.ceil(low - 1e-6) >= 1, (key, low, high)
    assert disclosed_counts(cube, protection) == []


def random_cube(n_quarters: int, periods: list[str], seed: int,
                zeros: float = 0.35) -> pd.Series:
    """Counts of a quarter × field × period × status cube with many small cells."""
    rng = np.random.default_rng(seed)
    index = pd.MultiIndex.from_product(
        [[f"{i:03d}" for i in range(n_quarters)], ["housing", "counselling", "health_care",
                                                   "everyday_help"], periods,
         ["offen", "erledigt"]], names=["quarter_id", "field", "period", "status"])
    rest = np.array([.25, .15, .1, .1, .05]) * (1 - zeros) / 0.65
    return pd.Series(rng.choice([0, 1, 2, 3, 4, 7], size=len(index), p=[zeros, *rest]),
                     index=index)


def test_the_bounds_attack_is_found_by_the_audit_and_by_the_independent_check():
    counts = table({"01": [1, 3], "02": [4, 2]}, ["a", "b"])
    cube = counts.stack()
    unaudited = protect_counts(cube, [("quarter", "year")], 3, audit=False)
    # 1 + 3 = 4 and 4 + 2 = 6 shown, every total too: "< 3" at (01, a) and (02, b), and row
    # 01 hides 3 — (01, a) can be 1 only, since (01, b) ≥ 3 and the row sums to 4
    leaked = disclosed_counts(cube, unaudited)
    intervals = feasible_intervals(cube, unaudited)
    pinned = {k for k, (low, high) in intervals.items()
              if math.ceil(low - 1e-6) >= math.floor(high + 1e-6)}
    assert leaked and set(leaked) == pinned
    assert_protected(cube, protect_counts(cube, [("quarter", "year")], 3))


@pytest.mark.parametrize("seed", range(6))
def test_small_random_cubes_are_protected(seed):
    cube = random_cube(4, ["2024", "2025"], seed, zeros=0.75)
    assert_protected(cube, protect_counts(cube, PUBLISHED_TABLES, 3))


def test_sixty_quarters_are_protected():
    cube = random_cube(60, ["2025"], seed=60)
    protection = protect_counts(cube, PUBLISHED_TABLES, 3)
    assert sum(s == "primary" for s in protection.status.values()) > 60
    assert_protected(cube, protection)
    # the quarter's only period and the quarter's total are one number: shown or hidden alike
    for q in cube.index.get_level_values("quarter_id").unique():
        assert protection.status[(q, None, "2025", None)] == protection.status[
            (q, None, None, None)]


def test_a_three_way_example_gives_the_tables_of_the_first_audit():
    # worked out with the first version of the audit (an LP per hidden count after every
    # added suppression); the tables have no two figures summing the same counts
    index = pd.MultiIndex.from_product([["01", "02", "03"], ["housing", "counselling",
                                                             "health_care"],
                                        ["2024", "2025"], ["offen"]],
                                       names=["quarter_id", "field", "period", "status"])
    by_quarter = {"01": [0, 0, 3, 1, 0, 1], "02": [1, 0, 2, 0, 1, 1],
                  "03": [1, 1, 2, 5, 0, 2]}   # housing, counselling, health_care × 2024, 2025
    cube = pd.Series([n for q in ("01", "02", "03") for n in by_quarter[q]], index=index)
    protection = protect_counts(cube, PUBLISHED_TABLES, 3)
    assert protection.table("quarter_id", "field").to_numpy().tolist() == [
        ["0", "x", "< 3", "x"], ["< 3", "< 3", "< 3", "x"], ["< 3", "x", "< 3", "11"],
        ["x", "13", "x", "21"]]
    assert protection.table("quarter_id", "period").to_numpy().tolist() == [
        ["x", "< 3", "x"], ["x", "< 3", "x"], ["3", "8", "11"], ["10", "11", "21"]]
    assert protection.table("field", "period").to_numpy().tolist() == [
        ["< 3", "< 3", "x"], ["7", "6", "13"], ["< 3", "x", "x"], ["10", "11", "21"]]
    assert_protected(cube, protection)
