"""The change chapter explains (issue 13, 6) and the social index is explained (issue 13, 7):
causes of changed judgements worked out from the sample's 2024 → 2025 data, no zero changes,
largest changes sorted as printed and with units, whole-number chart ticks, class legend."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import SAMPLE
from matplotlib.backends.backend_agg import FigureCanvasAgg

from quartier.catalogue import category_labels
from quartier.editions.compare import category_reach, compare_editions
from quartier.editions.history import EditionHistory
from quartier.maps.static import choropleth
from quartier.report.changes import changes_context, integer_limits, sparkline_svg, trend_figure
from quartier.report.social_context import social_chapter, status_class_ranges


@pytest.fixture(scope="module")
def sample(sample_editions):
    """The sample's 2025 edition compared with 2024 (this module's own ``sample``)."""
    (old, old_results), (new, new_results) = sample_editions["2024"], sample_editions["2025"]
    reach = category_reach(new.catalogue, new.config.indicators.catchment_m)
    comparison = compare_editions(
        "2024", "2025", previous_indicators=old_results.indicators,
        current_indicators=new_results.indicators, previous_gaps=old_results.gaps,
        current_gaps=new_results.gaps, previous_facilities=old.facilities,
        current_facilities=new.facilities, quarters=new.quarters, reach=reach,
        default_reach=new.config.indicators.catchment_m)
    return new, new_results, comparison, reach


def _chapter(new, comparison, language="de"):
    names = new.quarters.set_index("quarter_id")["name"]
    return changes_context(comparison, names, category_labels(new.catalogue, language),
                           language, chart=False)


def _number(text: str) -> float:
    """'+3,1 Pp.' → 3.1, '−250 %' → -250 (German number format, either minus sign)."""
    match = re.search(r"([+−-]?)([\d.]+(?:,\d+)?)", text)
    value = float(match.group(2).replace(".", "").replace(",", "."))
    return -value if match.group(1) in ("−", "-") else value


def test_a_shop_opened_in_the_quarter_is_named_as_the_cause(sample):
    new, _, comparison, _ = sample
    # from the two facility files: the Dorfladen (E0196) is new in 2025 and stands in 07,
    # where the convenience store judgement went from below to above the town median
    files = {year: pd.read_csv(SAMPLE / f"einrichtungen_{year}.csv", sep=";", dtype=str)
             for year in ("2024", "2025")}
    assert "E0196" in set(files["2025"]["id"]) - set(files["2024"]["id"])
    causes = comparison.causes
    shop = causes[(causes["quarter_id"] == "07") & (causes["category"] == "convenience_store")]
    opened = shop[shop["cause"] == "facility_opened"]
    assert opened["facility_id"].tolist() == ["E0196"]
    assert opened["distance_m"].iloc[0] == 0  # inside the quarter
    chapter = _chapter(new, comparison)
    row = next(t for t in chapter["transitions"]
               if t["quarter_id"] == "07" and t["category_key"] == "convenience_store")
    assert any("Dorfladen St. Ilgenau" in c and "im Quartier" in c for c in row["causes"])
    assert row["before"]["key"] == "below_town" and row["after"]["key"] == "above_town"
    # the profile line names it too
    assert any("Dorfladen St. Ilgenau" in line for line in chapter["per_quarter"]["07"])


def test_named_facilities_lie_within_reach_and_every_transition_has_a_cause(sample):
    new, _, comparison, reach = sample
    causes = comparison.causes
    polygons = new.quarters.set_index("quarter_id").geometry
    points = {**dict(zip(new.facilities["facility_id"], new.facilities.geometry, strict=True))}
    named = causes[causes["cause"].isin(["facility_opened", "places_changed"])]
    assert len(named)
    for row in named.itertuples():  # a second computation of the distance
        distance = shapely.distance(points[row.facility_id], polygons[row.quarter_id])
        assert distance == pytest.approx(row.distance_m)
        assert distance <= reach[row.category]
    # the 2024 kiosk (closed) is 421 m from quarter 02 and within the 1,500 m catchment
    kiosk = causes[(causes["facility_id"] == "E0084") & (causes["quarter_id"] == "02")]
    assert kiosk["cause"].tolist() == ["facility_closed"]
    explained = set(zip(causes["quarter_id"], causes["category"], strict=True))
    assert explained == set(zip(comparison.transitions["quarter_id"],
                                comparison.transitions["category"], strict=True))
    # town judgements: the median of the quarters moved where the target differs
    moved = causes[causes["cause"] == "reference_moved"]
    merged = moved.merge(comparison.transitions, on=["quarter_id", "category"])
    assert (merged["previous"] == merged["previous_target"]).all()
    assert (merged["current"] == merged["current_target"]).all()
    assert (merged["previous"] != merged["current"]).all()


def test_transitions_sorted_new_gaps_then_below_town_then_by_size(sample):
    new, _, comparison, _ = sample
    rows = _chapter(new, comparison)["transitions"]
    kinds = [0 if r["after"]["key"] == "gap" else 1 if r["after"]["key"] == "below_town"
             else 2 for r in rows]
    assert kinds == sorted(kinds)
    assert all(r["causes"] for r in rows)
    assert all("je 1.000" in r["value"] for r in rows)  # values with their unit


def test_no_listed_change_rounds_to_zero(sample):
    new, _, comparison, _ = sample
    chapter = _chapter(new, comparison)
    # the raw table has changes that print as 0 (e.g. the status index of quarter 01)
    raw = comparison.indicators.dropna(subset=["change"])
    assert ((raw["change"] != 0) & (raw["change"].abs() < 0.005)).any()
    groups = chapter["largest"] + [chapter["social_moves"]]
    rows = [r for g in groups for r in g["rows"]]
    assert rows
    for r in rows:
        if r["change"] == "neu (vorher 0)":  # new access: the value now is not 0
            assert _number(r["after"]) > 0 and _number(r["before"]) == 0
        else:
            assert re.search(r"[1-9]", r["change"]), r  # no "0,0", "-0,00", "0 %"


def test_largest_changes_sorted_by_the_shown_value_with_units(sample):
    new, _, comparison, _ = sample
    for language, pp in (("de", "Pp."), ("en", "pp")):
        chapter = _chapter(new, comparison, language)
        by_indicator = {g["indicator"]: g for g in chapter["largest"]}
        coverage = by_indicator["coverage"]["rows"]
        assert all(r["change"].endswith(pp) for r in coverage)
        assert all(r["before"].endswith("%") and r["after"].endswith("%") for r in coverage)
        sizes = [abs(_number(r["change"])) for r in coverage]
        assert sizes == sorted(sizes, reverse=True)
        access = by_indicator["fca_access"]["rows"]
        new_access = [r for r in access if not r["change"].endswith("%")]
        assert access[:len(new_access)] == new_access  # new access from 0 first
        sizes = [abs(_number(r["change"])) for r in access[len(new_access):]]
        assert sizes and sizes == sorted(sizes, reverse=True)
        unit = "je 1.000" if language == "de" else "per 1,000"
        assert all(r["before"].endswith(unit) for r in access)
        social = chapter["social_moves"]["rows"]
        sizes = [abs(_number(r["change"])) for r in social]
        assert sizes == sorted(sizes, reverse=True)
    # the first coverage row is the largest move computed from the raw table
    raw = comparison.indicators[comparison.indicators["indicator"] == "coverage"]
    largest = raw.loc[raw["change"].abs().idxmax()]
    first = _chapter(new, comparison)["largest"][0]["rows"][0]
    assert first["quarter"].startswith(largest["quarter_id"])


def _history(town: pd.DataFrame) -> EditionHistory:
    return EditionHistory(current=town.index[-1], labels=tuple(town.index),
                          indicators=pd.DataFrame(), carried=(),
                          quarter_counts={label: 7 for label in town.index}, town=town)


@pytest.mark.parametrize("values", [[1, 1, 1], [0, 0, 1], [40, 41, 41], [3, 12, 7]])
def test_trend_chart_ticks_are_distinct_whole_numbers(values):
    town = pd.DataFrame({"quarters": 7, "facilities": values, "gaps": values,
                         "gaps_environment": values, "gaps_health_care": [1, 1, 1],
                         "below_town": values, "resources": values, "low_status": values},
                        index=["2023", "2024", "2025"], dtype=float)
    fig = trend_figure(_history(town))
    FigureCanvasAgg(fig).draw()  # tick labels are set when drawn
    for ax in fig.axes:
        low, high = ax.get_ylim()
        ticks = [t for t in ax.get_yticks() if low <= t <= high]
        labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        assert len(ticks) >= 2
        assert all(float(t).is_integer() for t in ticks)
        assert len(labels) == len(set(labels)), labels
        assert low >= -0.25  # counts: no negative whole-number tick


def test_integer_limits():
    assert integer_limits(np.array([1.0, 1.0])) == (-0.25, 2.25)
    assert integer_limits(np.array([5.0, 5.0])) == (3.75, 6.25)
    assert integer_limits(np.array([2.0, 9.0, np.nan])) == (1.75, 9.25)


def test_social_chapter_explains_direction_classes_and_combined_class(sample):
    new, results, _, _ = sample
    names = new.quarters.set_index("quarter_id")["name"]
    drawn = {}

    def figures(kind, **kw):
        drawn.update(kind=kind, **kw)
        return "data:image/png;base64,"

    de = social_chapter(results.status, new, names, "de", figures)
    text = " ".join(de["explain"])
    assert "Je höher der Statusindex, desto stärker ist das Quartier sozial benachteiligt" in text
    assert "4 sehr niedrig (über 1,5)" in text and "1 hoch (unter −1)" in text
    assert "„2+/-“ heißt also mittlerer Status bei stabiler Entwicklung" in text
    assert "stabil (+/-, −1 bis 1)" in text
    # the map: classes (not z-values) in the legend, coloured by the class of each quarter
    assert drawn["class_labels"] == ["hoch (unter −1)", "mittel (−1 bis 1)",
                                     "niedrig (über 1 bis 1,5)", "sehr niedrig (über 1,5)"]
    numbers = drawn["values"].dropna()
    assert (numbers == results.status["status_class_number"].dropna().astype(float)).all()
    en = social_chapter(results.status, new, names, "en", None)
    text = " ".join(en["explain"])
    assert "The higher the status index, the more disadvantaged the quarter is" in text
    assert "\"2+/-\" thus means medium status with stable development" in text
    assert {r["status_class"] for r in en["rows"]} <= {"high", "medium", "low", "very low", "–"}
    assert {r["dynamics_class"] for r in en["rows"]} <= {"positive", "stable", "negative", "–"}
    assert en["legend"] == ["high (below −1)", "medium (−1 to 1)", "low (above 1 to 1.5)",
                            "very low (above 1.5)"]


def test_status_class_map_legend_shows_the_class_names(sample):
    new, results, _, _ = sample
    labels = status_class_ranges("de")
    fig = choropleth(new.quarters, results.status["status_class_number"].astype(float),
                     title="Statusklassen", legend_title="Statusklasse", breaks=[1, 2, 3],
                     cmap="BuPu", class_labels=labels)
    legend = [t.get_text() for ax in fig.axes if ax.get_legend()
              for t in ax.get_legend().get_texts()]
    assert legend[:4] == labels
    assert not any(re.fullmatch(r"[-−\d,. bisüber]+", t) for t in legend)
    with pytest.raises(ValueError, match="class_labels"):
        choropleth(new.quarters, results.status["status_class_number"].astype(float),
                   title="x", legend_title="x", breaks=[1, 2, 3], class_labels=labels[:2])


def test_flat_sparkline_keeps_the_gap_of_a_missing_edition():
    # equal values draw a flat line; the missing middle edition still splits it in two
    svg = sparkline_svg([2.0, np.nan, 2.0], title="x")
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 2
    assert svg.count('cy="11.0"') == 2
