"""Quarter profiles a quarter manager can work with, and finding a quarter (issue 13, 2 and 5).

Expected values are read from the sample's raw CSV files (not from the study objects the
report is built from), so a loader or a formatting slip shows up here.
"""

from __future__ import annotations

import html
import posixpath
import re

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
from conftest import BERLIN, SAMPLE, requires_berlin
from shapely.geometry import Point, box

from quartier.export import write_exports
from quartier.maps.interactive import interactive_map, map_document
from quartier.maps.static import quarter_maps
from quartier.report import build
from quartier.report.build import profile_pages, render_report
from quartier.report.profile_context import (
    column_label,
    neighbour_links,
    quarter_groups,
    search_text,
)


def _raw(name: str) -> pd.DataFrame:
    return pd.read_csv(SAMPLE / name, sep=";", decimal=",", dtype={"quartier": str},
                       encoding="utf-8")


@pytest.fixture(scope="module")
def index_html(sample):
    """The sample's index.html with profile maps, without the slow status maps."""
    study, results = sample
    patch = pytest.MonkeyPatch()
    patch.setattr(build, "_figures", lambda study, language: (lambda kind, **kw: ""))
    patch.setattr(build, "_overview_map", lambda *args, **kw: None, raising=False)
    try:
        pages = render_report(study, results, interactive=False)
    finally:
        patch.undo()
    return pages["index.html"]


def _section(page: str, quarter_id: str) -> str:
    start = page.index(f'<section class="profile" id="q-{quarter_id}"')
    end = page.find('<section class="profile"', start + 10)
    return page[start:end if end > 0 else len(page)]


def _text(fragment: str) -> str:
    fragment = re.sub(r"<svg.*?</svg>", " ", fragment, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


def test_sample_profile_holds_the_working_parts(index_html):
    profile = _section(index_html, "02")
    words = _text(profile)
    # its map: an SVG with the quarter and its neighbours
    assert re.search(r'<svg[^>]*class="quarter-map"', profile)
    assert "Nordstadt" in re.search(r"<svg.*?</svg>", profile, flags=re.S).group(0)
    # a named facility of the quarter (raw register, point in polygon by geopandas)
    facilities = pd.read_csv(SAMPLE / "einrichtungen_2025.csv", sep=";", dtype=str)
    points = gpd.GeoDataFrame(facilities, crs="EPSG:25832", geometry=gpd.points_from_xy(
        facilities["rechtswert"].str.replace(",", ".").astype(float),
        facilities["hochwert"].str.replace(",", ".").astype(float)))
    quarters = gpd.read_file(SAMPLE / "quartiere.geojson").to_crs("EPSG:25832")
    own_area = quarters.loc[quarters["quartier_nr"] == "02", ["quartier_nr", "geometry"]]
    inside = gpd.sjoin(points, own_area, predicate="within")
    assert len(inside) > 3
    for name in inside["name"]:
        assert name in words, name
    # named partners naming the quarter, and never any contact data
    actors = pd.read_csv(SAMPLE / "akteure.csv", sep=";", dtype=str)
    local = actors[actors["quartier"].fillna("").str.split("|").map(lambda q: "02" in q)]
    assert len(local) >= 3
    for name in local["name"]:
        assert name in words, name
    for column in ("ansprechperson", "email", "telefon"):
        for value in actors[column].dropna():
            assert value not in profile, value
    # a measure with its budget (480000,00 planned, 455300,00 spent in massnahmen.csv)
    measures = _raw("massnahmen.csv")
    m01 = measures[measures["id"] == "M01"].iloc[0]
    assert m01["quartier"] == "02"
    row = re.search(r'<tr data-measure="M01">.*?</tr>', profile, flags=re.S).group(0)
    assert m01["titel"] in _text(row)
    assert "480.000 €" in row and "455.300 €" in row and "abgeschlossen" in row
    # housing figures: every column of wohnen.csv
    housing = _raw("wohnen.csv").set_index("quartier").loc["02"]
    table = re.search(r'<table class="housing">.*?</table>', profile, flags=re.S).group(0)
    assert table.count("<tr data-column=") == len(housing)
    assert "2.560" in table and "177" in table and "8,6" in table and "4,6" in table
    # raw social values by year (sozialindikatoren.csv), not only z-values
    social = _raw("sozialindikatoren.csv")
    own = social[social["quartier"] == "02"].set_index("jahr")
    row = re.search(r'<tr data-column="arbeitslose_anteil">.*?</tr>', profile,
                    flags=re.S).group(0)
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    expected = [f"{v:.1f}".replace(".", ",") for v in own["arbeitslose_anteil"].tail(4)]
    assert cells[:4] == expected
    change = own["arbeitslose_anteil"].iloc[-1] - own["arbeitslose_anteil"].iloc[-4]
    assert cells[4].startswith(("+" if change > 0 else "") + f"{change:.1f}".replace(".", ","))
    # concern topics: protected counts only ("< 3" or "x" where hidden)
    concerns = pd.read_csv(SAMPLE / "anliegen.csv", sep=";", dtype=str)
    located = concerns["quartier"].isna() & concerns["rechtswert"].notna()
    spots = gpd.GeoDataFrame(concerns[located], crs="EPSG:25832", geometry=gpd.points_from_xy(
        concerns.loc[located, "rechtswert"].str.replace(",", ".").astype(float),
        concerns.loc[located, "hochwert"].str.replace(",", ".").astype(float)))
    in_02 = gpd.sjoin(spots, own_area, predicate="within").index
    concerns.loc[in_02, "quartier"] = "02"  # only a location given: the quarter around it
    raw_total = int((concerns["quartier"] == "02").sum())
    topics = re.search(r'<table class="concern-topics">.*?</table>', profile,
                       flags=re.S).group(0)
    shown = re.findall(r'<th scope="row">([^<]*)</th><td class="num">([^<]*)</td>', topics)
    assert shown and all(re.fullmatch(r"\d[\d.]*|< 3|x", n) for _, n in shown)
    assert f"Anliegen insgesamt: {raw_total}" in words  # 137 is well above the threshold
    counts = concerns[concerns["quartier"] == "02"].groupby("handlungsfeld").size()
    from quartier.fields import field_label

    for field, n in counts.items():
        label = field_label(field, "de")
        value = dict(shown)[label]
        assert value == str(n) or not value[0].isdigit()  # shown exactly or hidden
    # the quarter's judgements are still there
    assert "Bewertung der Angebote" in words and "Lücke" in words


def test_housing_in_csv_and_excel(sample, tmp_path):
    study, results = sample
    paths = write_exports(study, results, tmp_path)
    raw = _raw("wohnen.csv").set_index("quartier")
    written = pd.read_csv(paths["housing"], sep=";", decimal=",", dtype={"Quartier-Nr.": str},
                          encoding="utf-8-sig").set_index("Quartier-Nr.")
    assert written["Quartier"].tolist() == study.quarters.set_index("quarter_id").loc[
        written.index, "name"].tolist()
    written = written.drop(columns="Quartier")
    raw = raw.rename(columns=lambda c: column_label(c))  # the profile's labels
    assert list(written.columns) == list(raw.columns)
    pd.testing.assert_frame_equal(written.sort_index(), raw.sort_index(), check_dtype=False,
                                  check_names=False)
    workbook = openpyxl.load_workbook(paths["excel"], read_only=True)
    rows = list(workbook["Wohnungsdaten"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Quartier-Nr.", "Quartier", "Wohnungen")
    by_id = {r[0]: r for r in rows[1:]}
    assert set(by_id) == set(raw.index)
    for quarter, values in raw.iterrows():
        assert list(by_id[quarter][2:]) == pytest.approx(values.tolist())


def test_search_list_holds_every_quarter_and_steps_resolve(sample, index_html):
    study, _ = sample
    items = re.findall(r'<li data-search="([^"]*)"><a href="#q-([^"]+)">', index_html)
    assert sorted(q for _, q in items) == sorted(study.quarters["quarter_id"])
    for search, quarter in items:
        name = study.quarters.set_index("quarter_id").at[quarter, "name"]
        assert search_text(name) in search and quarter in search
    assert '<label for="quartier-suche">' in index_html
    assert '<input id="quartier-suche" type="search"' in index_html
    anchors = set(re.findall(r'id="(q-[^"]+)"', index_html))
    steps = re.findall(r'<a rel="(prev|next)" href="#([^"]+)"', index_html)
    n = len(study.quarters)
    assert len(steps) == 2 * (n - 1)  # first has no previous, last no next
    assert {target for _, target in steps} <= anchors


def test_profile_map_is_small_and_draws_facilities_by_field():
    quarters = gpd.GeoDataFrame({"quarter_id": ["01", "02"], "name": ["Nord", "Süd<&>"]},
                                geometry=[box(0, 1000, 1000, 2000), box(0, 0, 1000, 1000)],
                                crs="EPSG:25832")
    facilities = gpd.GeoDataFrame({"field": ["health_care", "environment", "housing"]},
                                  geometry=[Point(500, 1500), Point(500, 900),
                                            Point(90000, 90000)], crs="EPSG:25832")
    maps = quarter_maps(quarters, facilities, field_colours={"health_care": "#D55E00",
                                                             "environment": "#009E73",
                                                             "housing": "#E69F00"})
    north = maps["01"]
    # the view holds the quarter (1,000 m) plus 15 % on each side: 1,300 m square
    assert 'viewBox="-150 -2150 1300 1300"' in north.svg
    # two points in view (outline + colour each); the far point is left out
    assert north.svg.count("h0") == 4 and "M500 -1500h0" in north.svg
    assert 'stroke="#D55E00"' in north.svg and "#E69F00" not in north.svg
    assert north.fields == ("health_care", "environment")  # in the order of the colours
    assert "Süd&lt;&amp;&gt;" in north.svg  # the neighbour is named, escaped


def test_sample_profile_maps_stay_small(sample):
    study, _ = sample
    maps = quarter_maps(study.quarters, study.facilities)
    assert set(maps) == set(study.quarters["quarter_id"])
    assert max(len(m.svg.encode()) for m in maps.values()) < 30_000


def test_interactive_map_links_profiles_in_german(sample):
    study, _ = sample
    links = {q: f"#q-{q}" for q in study.quarters["quarter_id"]}
    document = map_document(interactive_map(study.quarters, None, layers=[], language="de",
                                            profile_links=links))
    assert '"href":"#q-01"' in document and "Quartiersprofil öffnen" in document
    assert '"zoom_in":"Vergrößern"' in document and '"zoom_out":"Verkleinern"' in document
    assert '"layers":"Kartenebenen"' in document and "Quartier suchen" in document
    names = set(study.quarters["name"])
    assert all(f'"name":"{html.escape(n)}"' in document for n in names)


@requires_berlin
def test_berlin_profiles_grouped_by_bezirk_and_found_by_name(berlin_study):
    study = berlin_study
    quarters = study.quarters[["quarter_id", "name"]]
    groups = quarter_groups(quarters, study, "de")
    assert [g["key"] for g in groups] == [f"{n:02d}" for n in range(1, 13)]
    assert groups[7]["label"] == "Neukölln (08)"
    # the Bezirk is the BEZ column of the planning area file
    raw = gpd.read_file(BERLIN / "plr_2021" / "lor_planungsraeume_2021.shp",
                        ignore_geometry=True)
    bez = dict(zip(raw["PLR_ID"], raw["BEZ"], strict=True))
    assert all(bez[q["id"]] == g["key"] for g in groups for q in g["quarters"])
    assert sum(len(g["quarters"]) for g in groups) == 542
    # render the finder as the index page does and search it like its script
    pages = profile_pages(quarters["quarter_id"])
    template = build._environment().from_string(
        '{% from "macros.html" import quarter_finder %}{{ quarter_finder(g, text, pages) }}')
    from quartier.report.texts import texts

    page = template.render(g=groups, text=texts("de"), pages=pages)
    assert page.count('<section class="quarter-group"') == 12
    assert '<h3 id="bezirk-08">Neukölln (08)' in page
    items = re.findall(r'<li data-search="([^"]*)"><a href="([^"]+)">', page)
    assert len(items) == 542

    def search(query: str) -> list[str]:
        words = search_text(query).split()
        return [href for text, href in items if all(w in text for w in words)]

    hits = search("Stülerstrasse")  # typed without ß: still found
    assert hits == [pages["01100101"]]
    assert len(search("neukolln")) == sum(1 for q in quarters["quarter_id"]
                                          if q.startswith("08"))
    # previous/next on the profile pages lead to existing pages
    steps = neighbour_links(groups)
    macro = build._environment().from_string(
        '{% from "macros.html" import profile_steps %}{{ profile_steps(p, text, pages) }}')
    for quarter in ("01100101", "08100101", quarters["quarter_id"].iloc[-1]):
        if quarter not in steps:
            continue
        html_ = macro.render(p={"name": "x", **steps[quarter]}, text=texts("de"), pages=pages)
        here = pages[quarter]
        for href in re.findall(r'href="([^"]+)"', html_):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(here), href))
            assert target in pages.values()
