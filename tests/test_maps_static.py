"""quartier.maps.static: classes worked by hand, map contents, deterministic files."""

from __future__ import annotations

import base64
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

import quartier
from quartier.maps.static import (
    OKABE_ITO,
    STATUS_COLOURS,
    choropleth,
    class_colours,
    classify,
    facility_map,
    figure_to_png_base64,
    figure_to_svg_text,
    save_figure,
    scale_bar_length,
    status_map,
)

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT / "data" / "sample" / "quartier.toml"
BERLIN = PROJECT.parent / "shared" / "data" / "berlin"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------------------------
# helpers and fixtures
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def coverage(sample):
    """Coverage of supermarkets per quarter, indexed by quarter_id."""
    _, results = sample
    return quartier.wide(results.indicators, "coverage")["supermarket"]


def polygon_count(fig: Figure) -> int:
    ax = fig.axes[0]
    return sum(len(c.get_paths()) for c in ax.collections
               if (c.get_gid() or "").startswith("quarters"))


def legend_texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def all_texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.texts] + [t.get_text() for t in fig.axes[0].texts]


def texts_with_gid(fig: Figure, gid: str) -> list[str]:
    return [t.get_text() for t in list(fig.texts) + list(fig.axes[0].texts)
            if t.get_gid() == gid]


def sample_choropleth(study, values, **options) -> Figure:
    return choropleth(study.quarters, values, title="Nahversorgung: Supermärkte",
                      legend_title="Abdeckung (% der Einwohner)",
                      attribution=study.config.attribution, **options)


# --------------------------------------------------------------------------------------------
# classify
# --------------------------------------------------------------------------------------------

def test_quantiles_of_one_to_ten_worked_by_hand():
    # 20 % quantiles of 1..10 with linear interpolation: 1 + 0.2·9 = 2.8, 4.6, 6.4, 8.2
    c = classify(pd.Series(np.arange(1, 11, dtype=float)), scheme="quantiles", k=5)
    assert c.breaks == (2.8, 4.6, 6.4, 8.2, np.inf)
    assert c.bins.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert c.counts.tolist() == [2, 2, 2, 2, 2]
    assert c.labels() == ["bis 2,8", "2,8 bis 4,6", "4,6 bis 6,4", "6,4 bis 8,2", "über 8,2"]
    assert c.labels("en") == ["up to 2.8", "2.8 to 4.6", "4.6 to 6.4", "6.4 to 8.2",
                              "over 8.2"]


def test_equal_interval_and_natural_breaks_worked_by_hand():
    # 0..10 in five classes of width 2; a value on a bound belongs to the lower class
    c = classify(pd.Series(np.arange(0, 11, dtype=float)), scheme="equal_interval", k=5)
    assert c.breaks == (2.0, 4.0, 6.0, 8.0, np.inf)
    assert c.bins.tolist() == [0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    # three obvious clusters
    values = pd.Series([1.0, 1.1, 1.2, 5.0, 5.1, 9.0, 9.2, 9.1])
    natural = classify(values, scheme="natural_breaks", k=3)
    assert natural.breaks == (1.2, 5.1, np.inf)
    assert natural.bins.tolist() == [0, 0, 0, 1, 1, 2, 2, 2]
    assert classify(values, scheme="fisher_jenks", k=3).breaks == natural.breaks


def test_fixed_breaks_reproduce_classes_on_a_second_edition():
    edition_2024 = pd.Series([3.0, 14.0, 22.0, 35.0, 48.0], index=list("abcde"))
    edition_2025 = pd.Series([12.5, 20.0, 20.1, 41.0, 80.0, np.nan], index=list("abcdef"))
    first = classify(edition_2024, breaks=[12.5, 20, 40])
    second = classify(edition_2025, breaks=first.breaks)
    assert first.breaks == second.breaks == (12.5, 20.0, 40.0, np.inf)
    assert second.scheme == "user_defined"
    assert first.bins.tolist() == [0, 1, 2, 2, 3]
    # 12.5 and 20.0 lie on bounds (lower class); 80 falls in the open top class
    assert second.bins.to_dict() == {"a": 0, "b": 1, "c": 2, "d": 3, "e": 3, "f": -1}
    # breaks found from data can be reused in the same way
    found = classify(pd.Series(np.arange(1, 11, dtype=float)))
    again = classify(pd.Series([2.8, 2.81, 100.0]), breaks=found.breaks)
    assert again.bins.tolist() == [0, 1, 4]
    assert again.labels() == found.labels()


def test_german_and_english_labels():
    c = classify(pd.Series([5.0, 15.0, 30.0, 50.0]), breaks=[12.5, 20, 40])
    assert c.labels() == ["bis 12,5", "12,5 bis 20,0", "20,0 bis 40,0", "über 40,0"]
    assert c.labels("en") == ["up to 12.5", "12.5 to 20.0", "20.0 to 40.0", "over 40.0"]
    thousands = classify(pd.Series([500.0, 2500.0]), breaks=[1000, 2000])
    assert thousands.labels() == ["bis 1.000", "1.000 bis 2.000", "über 2.000"]
    assert thousands.labels(decimals=1)[0] == "bis 1.000,0"
    with pytest.raises(ValueError, match="language"):
        c.labels("fr")


def test_missing_values_and_degenerate_data():
    with_nan = classify(pd.Series([1.0, np.nan, 3.0, None, np.inf]), k=2)
    assert with_nan.bins.tolist() == [0, -1, 1, -1, -1]
    assert with_nan.n_missing == 3
    assert with_nan.counts.tolist() == [1, 1]

    nothing = classify(pd.Series([np.nan, np.nan]))
    assert nothing.breaks == () and nothing.labels() == []
    assert nothing.bins.tolist() == [-1, -1]

    constant = classify(pd.Series([3.0, 3.0, np.nan]))
    assert constant.breaks == (3.0,)
    assert constant.labels() == ["3"]
    assert constant.bins.tolist() == [0, 0, -1]

    # fewer distinct values than k: one class per distinct value
    few = classify(pd.Series([0.0, 50.0, 100.0, 100.0, 100.0]), k=5)
    assert few.breaks == (0.0, 50.0, np.inf)
    assert few.bins.tolist() == [0, 1, 2, 2, 2]
    assert few.labels() == ["bis 0", "0 bis 50", "über 50"]

    # breaks rounded up to a readable precision keep every value in its class or below
    messy = pd.Series([0.0, 98.497854, 100.0, 100.0])
    rounded = classify(messy, k=5)
    assert rounded.breaks == (0.0, 99.0, np.inf)
    assert rounded.bins.tolist() == [0, 1, 2, 2]


def test_classify_rejects_bad_input():
    values = pd.Series([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="scheme"):
        classify(values, scheme="jenks_magic")
    with pytest.raises(ValueError, match="k must"):
        classify(values, k=0)
    with pytest.raises(ValueError, match="increasing"):
        classify(values, breaks=[3, 2])
    with pytest.raises(ValueError, match="non-empty"):
        classify(values, breaks=[])


def test_class_colours_sequential_and_diverging():
    c = classify(pd.Series(np.arange(1, 11, dtype=float)))
    colours = class_colours(c)
    assert len(colours) == 5 and len(set(colours)) == 5
    index = classify(pd.Series([-2.0, -1.2, 0.0, 1.2, 2.0]), breaks=[-1.5, -0.5, 0.5, 1.5])
    diverging = class_colours(index, "PuOr", diverging_center=0)
    from matplotlib import colormaps
    assert diverging[2] == to_hex(colormaps["PuOr"](0.5))          # class −0.5…0.5
    assert diverging[0] != diverging[4]
    assert diverging[1] == to_hex(colormaps["PuOr"](0.5 - 0.42 / 2))  # paler of two below


def test_scale_bar_length_is_round():
    assert scale_bar_length(3710) == 500
    assert scale_bar_length(4000) == 1000
    assert scale_bar_length(45786) == 10000
    assert scale_bar_length(9000) == 2000


# --------------------------------------------------------------------------------------------
# choropleth
# --------------------------------------------------------------------------------------------

def test_choropleth_on_the_sample(sample, coverage):
    study, _ = sample
    values = coverage.copy()
    values.loc["03"] = np.nan
    fig = sample_choropleth(study, values)
    assert isinstance(fig, Figure)
    assert polygon_count(fig) == len(study.quarters) == 7
    expected = classify(values.reindex(study.quarters["quarter_id"])).labels("de")
    assert legend_texts(fig) == expected + ["keine Angabe"]
    assert "keine Angabe" in legend_texts(fig)
    # the sample town is 3.7 km wide: a 500 m bar
    assert texts_with_gid(fig, "scale-bar-label") == ["500 m"]
    assert texts_with_gid(fig, "north-arrow") == ["N"]
    assert texts_with_gid(fig, "attribution") == list(study.config.attribution)
    assert texts_with_gid(fig, "title") == ["Nahversorgung: Supermärkte"]
    # few quarters: labelled by name
    assert sorted(t.replace("\n", " ") for t in texts_with_gid(fig, "quarter-label")) == sorted(
        study.quarters["name"])


def test_choropleth_colours_follow_the_classes(sample, coverage):
    study, _ = sample
    fig = sample_choropleth(study, coverage, breaks=[50, 99])
    ax = fig.axes[0]
    [coloured] = [c for c in ax.collections if c.get_gid() == "quarters"]
    assert not [c for c in ax.collections if c.get_gid() == "quarters-no-data"]
    classes = classify(coverage.reindex(study.quarters["quarter_id"]), breaks=[50, 99])
    palette = class_colours(classes)
    assert [to_hex(f) for f in coloured.get_facecolors()] == [
        palette[b] for b in classes.bins]
    assert legend_texts(fig) == ["bis 50", "50 bis 99", "über 99"]
    assert "keine Angabe" not in legend_texts(fig)


def test_choropleth_in_english_with_facilities(sample, coverage):
    study, _ = sample
    values = coverage.copy()
    values.loc["07"] = np.nan
    markets = study.facilities[study.facilities["category"] == "supermarket"]
    fig = choropleth(study.quarters, values, title="Supermarkets", legend_title="Coverage (%)",
                     language="en", facilities=markets, facility_label="Supermarket",
                     label_quarters=False, north_arrow=False)
    texts = legend_texts(fig)
    assert texts[-2:] == ["no data", "Supermarket"]
    assert texts_with_gid(fig, "quarter-label") == []
    assert texts_with_gid(fig, "north-arrow") == []
    [points] = [c for c in fig.axes[0].collections if c.get_gid() == "facilities"]
    assert len(points.get_offsets()) == len(markets)


def test_files_written_and_deterministic(sample, coverage, tmp_path):
    study, _ = sample
    first = save_figure(sample_choropleth(study, coverage), tmp_path / "a" / "supermarkt")
    second = save_figure(sample_choropleth(study, coverage), tmp_path / "b" / "supermarkt")
    assert [p.name for p in first] == ["supermarkt.png", "supermarkt.svg"]
    for path in first + second:
        assert path.is_file() and path.stat().st_size > 1000
    assert first[0].read_bytes().startswith(PNG_SIGNATURE)
    assert first[1].read_bytes() == second[1].read_bytes()  # SVG byte-identical
    assert first[0].read_bytes() == second[0].read_bytes()  # PNG as well
    svg = first[1].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg


def test_inline_svg_and_png(sample, coverage):
    study, _ = sample
    fig = sample_choropleth(study, coverage)
    svg = figure_to_svg_text(fig)
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert svg == figure_to_svg_text(sample_choropleth(study, coverage))
    assert base64.b64decode(figure_to_png_base64(fig)).startswith(PNG_SIGNATURE)


def test_geographic_crs_and_bad_values_rejected(sample, coverage):
    study, _ = sample
    with pytest.raises(ValueError, match="geographic CRS"):
        choropleth(study.quarters.to_crs("EPSG:4326"), coverage, title="x", legend_title="y")
    with pytest.raises(ValueError, match="geographic CRS"):
        status_map(study.quarters.to_crs("EPSG:4326"), pd.Series(dtype=str), title="x")
    with pytest.raises(ValueError, match="quarter_id"):
        choropleth(study.quarters, coverage.reset_index(drop=True), title="x",
                   legend_title="y")
    with pytest.raises(ValueError, match="reproject"):
        facility_map(study.quarters, study.facilities.to_crs("EPSG:4326"), title="x")
    with pytest.raises(ValueError, match="language"):
        choropleth(study.quarters, coverage, title="x", legend_title="y", language="fr")


def test_holes_and_multipolygons_drawn_as_one_path_each():
    ring = shapely.box(0, 0, 1000, 1000).difference(shapely.box(300, 300, 700, 700))
    core = shapely.box(300, 300, 700, 700)
    islands = shapely.MultiPolygon([shapely.box(1200, 0, 1500, 300),
                                    shapely.box(1200, 600, 1500, 1000)])
    quarters = gpd.GeoDataFrame({"quarter_id": ["a", "b", "c"], "name": ["Ring", "Kern", "I"]},
                                geometry=[ring, core, islands], crs="EPSG:25832")
    fig = choropleth(quarters, pd.Series({"a": 1.0, "c": 3.0}), title="t", legend_title="l")
    assert polygon_count(fig) == 3
    [missing] = [c for c in fig.axes[0].collections if c.get_gid() == "quarters-no-data"]
    assert len(missing.get_paths()) == 1
    [coloured] = [c for c in fig.axes[0].collections if c.get_gid() == "quarters"]
    ring_path, islands_path = coloured.get_paths()
    assert (ring_path.codes == 1).sum() == 2     # shell and hole
    assert (islands_path.codes == 1).sum() == 2  # two parts


# --------------------------------------------------------------------------------------------
# facility_map and status_map
# --------------------------------------------------------------------------------------------

def test_facility_map_legend(sample, tmp_path):
    study, _ = sample
    fig = facility_map(study.quarters, study.facilities, categories=["kita", "gp", "tafel_x"],
                       labels={"kita": "Kita", "gp": "Hausarztpraxis"},
                       title="Kitas und Hausärzte", attribution=study.config.attribution)
    assert legend_texts(fig) == ["Kita (15)", "Hausarztpraxis (12)", "tafel_x (0)"]
    handles = fig.axes[0].get_legend().legend_handles
    assert [to_hex(h.get_markerfacecolor()) for h in handles] == [
        c.lower() for c in OKABE_ITO[:3]]
    assert fig.axes[0].get_legend().get_title().get_text() == "Kategorie"
    assert texts_with_gid(fig, "scale-bar-label") == ["500 m"]
    assert texts_with_gid(fig, "attribution") == list(study.config.attribution)
    assert all(p.stat().st_size > 0 for p in save_figure(fig, tmp_path / "angebote"))


def test_facility_map_all_categories_and_markers(sample):
    study, _ = sample
    fig = facility_map(study.quarters, study.facilities, title="Alle Angebote",
                       language="en", show_counts=False)
    legend = fig.axes[0].get_legend()
    counts = study.facilities["category"].value_counts()
    assert legend_texts(fig)[0] == counts.index[0] == "transit_stop"  # most frequent first
    assert len(legend_texts(fig)) == counts.size
    assert legend.get_title().get_text() == "Category"
    markers = [h.get_marker() for h in legend.legend_handles]
    assert markers[:8] == ["o"] * 8 and markers[8] == "s"  # beyond 8 colours: new shape


def test_status_map_legend(sample):
    study, results = sample
    gaps = results.gaps[results.gaps["category"] == "supermarket"].set_index("quarter_id")
    assert set(gaps["basis"]) <= {"standard", "not_assessed"}
    status = gaps["status"]
    fig = status_map(study.quarters, status, title="Supermärkte",
                     attribution=study.config.attribution)
    assert legend_texts(fig) == ["Lücke", "erfüllt", "deutlich über Richtwert",
                                 "nicht bewertet"]
    assert polygon_count(fig) == len(study.quarters)
    ax = fig.axes[0]
    [assessed] = [c for c in ax.collections if c.get_gid() == "quarters"]
    expected = [STATUS_COLOURS[s].lower() for s in
                status.reindex(study.quarters["quarter_id"]) if s != "not_assessed"]
    assert [to_hex(f) for f in assessed.get_facecolors()] == expected

    english = status_map(study.quarters, status.drop("07"), title="Supermarkets",
                         language="en")
    assert legend_texts(english) == ["Gap", "Standard met", "Well above standard",
                                     "Not assessed"]
    [not_assessed] = [c for c in english.axes[0].collections
                      if c.get_gid() == "quarters-not-assessed"]
    assert len(not_assessed.get_paths()) == (status.drop("07") == "not_assessed").sum() + 1
    with pytest.raises(ValueError, match="unknown status"):
        status_map(study.quarters, status.replace("gap", "Lücke"), title="x")


def test_status_map_town_judgements_have_their_own_words_and_colours(sample):
    study, _ = sample
    ids = study.quarters["quarter_id"].tolist()
    status = pd.Series(["below_town", "town_average", "above_town", "not_assessed"]
                       + ["town_average"] * (len(ids) - 4), index=ids)
    resource = pd.Series([False, False, True] + [False] * (len(ids) - 3), index=ids)
    fig = status_map(study.quarters, status, resource=resource, title="Bibliotheken")
    texts = legend_texts(fig)
    assert texts == ["unter dem Stadtmittel", "im Mittel", "über dem Stadtmittel",
                     "nicht bewertet", "Ressource"]
    assert not {"Lücke", "erfüllt", "Ressource"} & set(texts[:3])
    town_colours = {STATUS_COLOURS[k] for k in ("below_town", "town_average", "above_town")}
    traffic_light = {STATUS_COLOURS[k] for k in ("gap", "met", "well_above")}
    assert not town_colours & traffic_light
    [outline] = [c for c in fig.axes[0].collections if c.get_gid() == "resources"]
    assert len(outline.get_paths()) == 1 and len(outline.get_facecolors()) == 0
    mixed = status_map(study.quarters, status.replace("town_average", "gap"), title="x")
    assert legend_texts(mixed)[0] == "Bewertung am Richtwert"
    assert "Vergleich mit dem Median der Quartiere (kein Richtwert)" in legend_texts(mixed)


# --------------------------------------------------------------------------------------------
# Berlin: 542 planning areas
# --------------------------------------------------------------------------------------------

@pytest.mark.skipif(not BERLIN.is_dir(),
                    reason=f"Berlin real data not found at {BERLIN} (../shared is absent)")
def test_berlin_choropleth_of_542_planning_areas(tmp_path, berlin_study):
    study = berlin_study
    quarters = study.quarters
    population = study.population_quarters.set_index("quarter_id")["total"]
    area_km2 = quarters.set_index("quarter_id").area / 1e6
    density = (population / area_km2).where(population >= 300)
    start = time.perf_counter()
    fig = choropleth(quarters, density, title="Einwohnerdichte 2022",
                     legend_title="Einwohner je km²", scheme="natural_breaks",
                     attribution=study.config.attribution)
    paths = save_figure(fig, tmp_path / "dichte", formats=("png",))
    assert time.perf_counter() - start < 5
    assert len(quarters) == 542
    assert polygon_count(fig) == 542
    assert texts_with_gid(fig, "quarter-label") == []  # too many quarters to label
    assert texts_with_gid(fig, "scale-bar-label") == ["10 km"]
    assert "keine Angabe" in legend_texts(fig)          # areas below 300 residents
    assert legend_texts(fig)[0].startswith("bis ") and "." in legend_texts(fig)[0]
    assert paths[0].stat().st_size > 10_000


def test_geometry_paths_reuses_only_the_same_geometries_at_the_same_scale():
    """The cache of geometry_paths (one simplification per report) is keyed by content and
    scale: other squares or another scale give their own paths, a repeat gives equal ones."""
    from shapely.geometry import box

    from quartier.maps.draw import geometry_paths

    small = np.array([box(0, 0, 100, 100), box(100, 0, 200, 100)], dtype=object)
    large = np.array([box(0, 0, 500, 500), box(500, 0, 1000, 500)], dtype=object)
    first = geometry_paths(small, 0.01)
    other = geometry_paths(large, 0.01)
    again = geometry_paths(small.copy(), 0.01)
    assert other[0].vertices.max() == 500 and first[0].vertices.max() == 100
    assert all((a.vertices == b.vertices).all() for a, b in zip(first, again, strict=True))
    assert len(geometry_paths(small[:1], 0.01)) == 1
