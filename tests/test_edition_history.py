"""All editions side by side: trend figures, indicator series, carried editions, publishing."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from quartier.editions import EditionExistsError, list_editions
from quartier.editions.history import (
    EditionSnapshot,
    edition_history,
    indicator_series,
    load_history,
)
from quartier.publish import publish_edition
from quartier.report.changes import quarter_trends, sparkline_svg


@pytest.fixture(scope="module")
def sample_editions(sample_editions, tmp_path_factory):
    """The sample's 2024 edition published into a fresh store, and the 2025 study/results
    (both from the session's shared ``sample_editions``)."""
    folder = tmp_path_factory.mktemp("history")
    store = folder / "store.sqlite"
    (study_2024, results_2024), (study_2025, results_2025) = (sample_editions["2024"],
                                                              sample_editions["2025"])
    publish_edition(study_2024, results_2024, store=store, output=folder / "2024")
    return store, folder, (study_2024, results_2024), (study_2025, results_2025)


def test_town_trends_count_each_edition_on_its_own(sample_editions):
    store, _, (study_2024, results_2024), (study_2025, results_2025) = sample_editions
    history = load_history(store, study_2025, results_2025)
    assert history.labels == ("2024", "2025") and history.carried == ()
    town = history.town
    for label, study, results in (("2024", study_2024, results_2024),
                                  ("2025", study_2025, results_2025)):
        assert town.at[label, "quarters"] == 7
        assert town.at[label, "facilities"] == study.facilities["in_study_area"].sum()
        gaps = results.gaps
        assert town.at[label, "gaps"] == ((gaps["status"] == "gap")
                                          & (gaps["basis"] == "standard")).sum()
        assert town.at[label, "below_town"] == (gaps["status"] == "below_town").sum() > 0
        assert town.at[label, "resources"] == gaps["resource"].sum()
        per_field = [town.at[label, c] for c in town.columns if c.startswith("gaps_")]
        assert sum(per_field) == town.at[label, "gaps"]
    # the sample's 2025 register has one more facility in town (7 opened, 6 closed)
    assert town.at["2025", "facilities"] - town.at["2024", "facilities"] == 1


def test_indicator_series_holds_both_editions_and_their_difference(sample_editions):
    store, _, (_, results_2024), (study_2025, results_2025) = sample_editions
    series = indicator_series(load_history(store, study_2025, results_2025))
    keys = ["quarter_id", "category", "indicator"]
    for label, results in (("2024", results_2024), ("2025", results_2025)):
        expected = results.indicators.set_index(keys)["value"]
        got = series.set_index(keys)[label].reindex(expected.index)
        pd.testing.assert_series_equal(got, expected, check_names=False)
    both = series.dropna(subset=["2024", "2025"])
    np.testing.assert_allclose(both["change"], both["2025"] - both["2024"])
    np.testing.assert_allclose(both["change_first"], both["change"])


def test_publishing_an_edition_twice_stops_and_changes_nothing(sample_editions):
    store, folder, (study_2024, results_2024), _ = sample_editions
    before = store.read_bytes()
    with pytest.raises(EditionExistsError, match="schon gespeichert"):
        publish_edition(study_2024, results_2024, store=store, output=folder / "again")
    assert store.read_bytes() == before
    assert not (folder / "again").exists()


def test_the_2025_report_names_changes_and_trends(sample_editions):
    store, folder, _, (study_2025, results_2025) = sample_editions
    published = publish_edition(study_2025, results_2025, store=store, output=folder / "2025")
    assert list(list_editions(store)["label"]) == ["2024", "2025"]
    page = published.report.read_text(encoding="utf-8")
    assert "Veränderungen seit der letzten Fortschreibung" in page
    assert "Entwicklung über alle Ausgaben" in page
    for facility in ("E0195", "E0201", "E0013", "E0161"):  # opened and closed
        assert facility in page
    table = pd.read_csv(folder / "2025" / "alle_ausgaben.csv", sep=";", decimal=",",
                        dtype={"Quartier-Nr.": str}, encoding="utf-8-sig")
    assert list(table.columns[4:6]) == ["2024", "2025"]
    coverage = table[table["Indikator"] == "Abdeckung"]
    assert set(coverage.iloc[:, 3]) == {"%"}  # so the change is in percentage points
    for column in ("2024", "2025", "Veränderung zur Vorausgabe"):  # printed: one decimal
        values = coverage[column].dropna()
        assert len(values) and (values == values.round(1)).all()
    assert table["Quartier-Nr."].iloc[0] == "01"
    residents = table[table["Indikator"] == "Einwohner*innen"]
    assert residents["2025"].sum() == pytest.approx(27267)


def _squares(ids, xs, width=1000.0):
    return gpd.GeoDataFrame({"quarter_id": ids, "name": ids},
                            geometry=[shapely.box(x, 0, x + width, 1000) for x in xs],
                            crs="EPSG:25832")


def _tidy(ids, residents, index):
    rows = []
    for q, r, i in zip(ids, residents, index, strict=True):
        rows.append({"quarter_id": q, "field": None, "category": None, "indicator": "residents",
                     "value": float(r), "unit": "persons", "reference_group": None,
                     "target": np.nan, "status": np.nan, "basis": np.nan})
        rows.append({"quarter_id": q, "field": None, "category": None,
                     "indicator": "status_index", "value": float(i), "unit": "z",
                     "reference_group": None, "target": np.nan, "status": "mittel",
                     "basis": "mss"})
    return pd.DataFrame(rows)


def _empty_gaps():
    return pd.DataFrame({"quarter_id": [], "category": [], "indicator": [], "value": [],
                         "target": [], "basis": [], "status": []})


def test_an_edition_on_other_boundaries_is_carried_onto_todays_quarters():
    # 2020: one quarter "A" (2 km wide, 1,000 residents, index 1.0) and "B" (1 km, 500, −1.0)
    # 2022: "A" was split into "A1" and "A2"; "B" unchanged
    old = _squares(["A", "B"], [0, 2000])
    old.loc[0, "geometry"] = shapely.box(0, 0, 2000, 1000)
    new = _squares(["A1", "A2", "B"], [0, 1000, 2000])
    facilities = gpd.GeoDataFrame({"facility_id": [], "name": [], "category": [], "field": []},
                                  geometry=[], crs="EPSG:25832")
    before = EditionSnapshot("2020", old, _tidy(["A", "B"], [1000, 500], [1.0, -1.0]),
                             _empty_gaps(), None, facilities)
    now = EditionSnapshot("2022", new, _tidy(["A1", "A2", "B"], [450, 600, 520],
                                             [0.5, 1.5, -1.2]), _empty_gaps(), None, facilities)
    history = edition_history([before], now)
    assert history.carried == ("2020",)
    series = indicator_series(history).set_index(["quarter_id", "indicator"])
    # residents by area share: half of A's 1,000 in each half; B keeps 500 (total conserved)
    assert series.loc[("A1", "residents"), "2020"] == pytest.approx(500)
    assert series.loc[("A2", "residents"), "2020"] == pytest.approx(500)
    assert series.loc[("B", "residents"), "2020"] == pytest.approx(500)
    # an index is carried as a mean: both halves get A's value
    assert series.loc[("A1", "status_index"), "2020"] == pytest.approx(1.0)
    assert series.loc[("A2", "status_index"), "change"] == pytest.approx(0.5)
    assert series.loc[("B", "status_index"), "change"] == pytest.approx(-0.2)
    trends = quarter_trends(history)
    assert [t["label"] for t in trends["A1"]] == ["Einwohner*innen", "Statusindex"]
    assert trends["A1"][0]["text"] == "2020: 500 · 2022: 450"


def test_sparkline_leaves_gaps_for_missing_editions():
    svg = sparkline_svg([1.0, np.nan, 3.0, 4.0], title="Lücken <b>")
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 3
    assert "&lt;b&gt;" in svg and "<b>" not in svg
    flat = sparkline_svg([2.0, 2.0], title="x")
    assert 'cy="11.0"' in flat
