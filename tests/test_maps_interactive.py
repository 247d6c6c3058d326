"""quartier.maps.interactive: offline Leaflet maps, contents, escaping, size, real browser."""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import quartier
from quartier.maps.interactive import (
    FIELD_COLOURS,
    IndicatorLayer,
    interactive_map,
    leaflet_assets,
    map_document,
    map_iframe,
)
from quartier.maps.static import class_colours, classify

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT / "data" / "sample" / "quartier.toml"
BERLIN = PROJECT.parent / "shared" / "data" / "berlin"
BERLIN_CONFIG = PROJECT / "examples" / "berlin" / "quartier.toml"
CHROMIUM = Path("/usr/bin/chromium")

XSS_SCRIPT = '<script>alert("x")</script>'
XSS_QUOTES = 'O\'Brien "Haus"'
XSS_IMG = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------

def quarters_collection(document: str) -> dict:
    """The quarter polygons embedded in the document (one GeoJSON object)."""
    found = re.findall(r"^var quartier_quarters_\w+ = (\{.*\});$", document, re.MULTILINE)
    assert len(found) == 1
    return json.loads(found[0])


def facility_rows(document: str) -> list[list]:
    """All facility rows (lat, lon, name, operator, capacity, address) of all layers."""
    blocks = re.findall(r"quartierFacilities\(\n(\[.*\]),\n", document)
    return [row for block in blocks for row in json.loads(block)]


def layer_names(document: str) -> tuple[list[str], list[str]]:
    """Base-layer and overlay names of the layer control, as plain text."""
    match = re.search(r"base_layers : \{(.*?)\},\s*overlays :\s*\{(.*?)\},\s*\};", document,
                      re.DOTALL)
    assert match, "no layer control found"

    def names(block: str) -> list[str]:
        keys = re.findall(r'^\s*("(?:[^"\\]|\\.)*")\s*:', block, re.MULTILINE)
        # facility layers start with a coloured dot (aria-hidden) in the field's colour
        return [html.unescape(re.sub(r"<[^>]*>", "", re.sub(
            r'<span aria-hidden="true"[^>]*>[^<]*</span>', "", json.loads(key)))).strip()
            for key in keys]

    return names(match.group(1)), names(match.group(2))


def choropleth_values(document: str) -> list[list[str]]:
    """The tooltip value texts of each choropleth layer."""
    blocks = re.findall(r"quartierChoropleth\(quartier_quarters_\w+, \[[^\]]*\],\n\s*(\[.*?\]),",
                        document)
    return [json.loads(block) for block in blocks]


def assert_offline(document: str) -> None:
    """No script, stylesheet, image, font or import from outside the document."""
    assert 'src="http' not in document and "src='http" not in document
    assert "@import" not in document
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", document)
    assert not re.search(r"<link\b", document, re.IGNORECASE)
    assert not re.search(r"<script\b[^>]*\bsrc\s*=", document, re.IGNORECASE)
    # links a reader may click (Leaflet's and OpenStreetMap's attribution) are anchors only
    tags = re.findall(r"<(\w+)\b[^<>]*?\bhref\s*=\s*[\"']?(?:https?:)?//", document)
    assert set(tags) <= {"a"}, tags
    for cdn in ("cdn.jsdelivr", "code.jquery", "cdnjs.cloudflare", "bootstrapcdn",
                "fontawesome"):
        assert cdn not in document


def squares(n: int, x0: float = 476000.0, y0: float = 5465000.0) -> list[shapely.Polygon]:
    return [shapely.box(x0 + i * 1000, y0, x0 + (i + 1) * 1000, y0 + 1000) for i in range(n)]


def chromium(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
               "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


requires_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"{CHROMIUM} not found (apt-get install -y chromium) - no real-browser check")


# --------------------------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_layers(sample):
    study, results = sample
    coverage = quartier.wide(results.indicators, "coverage")["supermarket"]
    residents = study.population_quarters.set_index("quarter_id")["total"]
    return [IndicatorLayer("Abdeckung Supermarkt", coverage, unit="%"),
            IndicatorLayer("Einwohner", residents)]


@pytest.fixture(scope="module")
def sample_document(sample, sample_layers):
    study, _ = sample
    m = interactive_map(study.quarters, study.facilities, layers=sample_layers,
                        title="Musterstadt: Nahversorgung",
                        attribution=study.config.attribution)
    return map_document(m)


@pytest.fixture(scope="module")
def hostile():
    """Two quarters and three facilities whose texts try to inject markup and script."""
    quarters = gpd.GeoDataFrame({"quarter_id": ["01", "02"], "name": [XSS_SCRIPT, XSS_QUOTES]},
                                geometry=squares(2), crs="EPSG:25832")
    facilities = gpd.GeoDataFrame(
        {"facility_id": ["F1", "F2", "F3"],
         "name": [XSS_SCRIPT, XSS_QUOTES, XSS_IMG],
         "category": ["kita", "evil", "kita"],
         "operator": [XSS_QUOTES, XSS_SCRIPT, '"]);alert(1);//'],
         "capacity": [1234.0, None, 5.0],
         "address": [XSS_IMG, "Hauptstraße 1", None]},
        geometry=[shapely.Point(476500, 5465500), shapely.Point(477500, 5465500),
                  shapely.Point(476700, 5465300)], crs="EPSG:25832")
    values = pd.Series({"01": 12.5, "02": 1234.0})
    m = interactive_map(quarters, facilities,
                        layers=[IndicatorLayer(XSS_IMG, values, unit=XSS_SCRIPT)],
                        title=XSS_SCRIPT, attribution=[XSS_SCRIPT, XSS_IMG],
                        category_labels={"evil": XSS_IMG},
                        field_of_category={"evil": "housing"})
    return m, map_document(m)


# --------------------------------------------------------------------------------------------
# sample town
# --------------------------------------------------------------------------------------------

def test_document_loads_nothing_from_outside(sample_document):
    assert sample_document.startswith("<!DOCTYPE html>")
    assert '<html lang="de">' in sample_document
    assert_offline(sample_document)


def test_leaflet_is_inlined(sample_document):
    css, js = leaflet_assets()
    assert "L.map(" in sample_document
    assert 'version="1.9.3"' in js and js in sample_document and css in sample_document
    assert "images/" not in css and "sourceMappingURL" not in js
    assert "data:image/png;base64," in css  # layer-control icon inlined


def test_one_polygon_feature_per_quarter(sample, sample_document):
    study, _ = sample
    collection = quarters_collection(sample_document)
    features = collection["features"]
    assert len(features) == len(study.quarters) == 7
    assert [f["properties"]["id"] for f in features] == study.quarters["quarter_id"].tolist()
    assert {f["geometry"]["type"] for f in features} <= {"Polygon", "MultiPolygon"}
    # WGS 84, five decimals, inside the sample town (Baden-Württemberg)
    coords = np.array([xy for f in features for ring in f["geometry"]["coordinates"]
                       for xy in ring])
    assert np.all(np.abs(coords - np.round(coords, 5)) < 1e-9)
    assert 8.5 < coords[:, 0].min() and coords[:, 0].max() < 8.9
    assert 49.2 < coords[:, 1].min() and coords[:, 1].max() < 49.5


def test_shared_borders_stay_shared(sample, sample_document):
    """Simplified as a coverage: neighbours still touch without gaps or overlaps."""
    study, _ = sample
    polygons = [shapely.geometry.shape(f["geometry"])
                for f in quarters_collection(sample_document)["features"]]
    union_area = shapely.union_all(polygons).area
    assert sum(p.area for p in polygons) == pytest.approx(union_area, rel=1e-4)
    touching = int(shapely.intersects(study.quarters.geometry.to_numpy()[:, None],
                                      study.quarters.geometry.to_numpy()[None, :]).sum())
    assert int(shapely.intersects(np.array(polygons)[:, None],
                                  np.array(polygons)[None, :]).sum()) == touching


def test_a_marker_for_every_facility(sample, sample_document):
    study, _ = sample
    rows = facility_rows(sample_document)
    assert len(rows) == len(study.facilities) == 195
    assert sorted(r[2] for r in rows) == sorted(study.facilities["name"].map(html.escape))
    kita = study.facilities[study.facilities["category"] == "kita"].iloc[0]
    row = next(r for r in rows if r[2] == html.escape(kita["name"]))
    point = gpd.GeoSeries([kita.geometry], crs=study.facilities.crs).to_crs(4326).iloc[0]
    assert row[0] == pytest.approx(point.y, abs=1e-5)
    assert row[1] == pytest.approx(point.x, abs=1e-5)


def test_layer_names_in_german(sample_document):
    base, overlays = layer_names(sample_document)
    assert base == ["Abdeckung Supermarkt", "Einwohner"]
    assert overlays[0] == "Hintergrundkarte (OpenStreetMap)"
    for name in ("Wohnen: Betreutes Wohnen", "Soziale Infrastruktur: Kindertagesstätte (Kita)",
                 "Gesundheit und Pflege: Apotheke", "Alltagshilfen: Tafel (Lebensmittelausgabe)",
                 "Beratungsstruktur: Schuldnerberatung", "Wohnumfeld: Spielplatz"):
        assert name in overlays
    # categories are grouped field by field, in report order
    fields = [name.split(":")[0] for name in overlays[1:]]
    assert list(dict.fromkeys(fields)) == ["Wohnen", "Wohnumfeld", "Soziale Infrastruktur",
                                           "Beratungsstruktur", "Alltagshilfen",
                                           "Gesundheit und Pflege"]
    assert len(overlays) == 1 + 41  # background + one layer per category


def test_tooltips_use_german_numbers(sample, sample_document):
    study, _ = sample
    coverage, residents = choropleth_values(sample_document)
    assert coverage[3] == "98,5\u00a0%" and coverage[0] == "100,0\u00a0%"
    by_id = dict(zip(study.population_quarters["quarter_id"],
                     study.population_quarters["total"], strict=True))
    ids = study.quarters["quarter_id"].tolist()
    assert residents[ids.index("01")] == quartier.format.format_number(by_id["01"], 0)
    assert "4.318" in residents
    rows = facility_rows(sample_document)
    capacities = [r[4] for r in rows if len(r) > 4 and r[4]]
    assert "42" in capacities
    assert all(re.fullmatch(r"\d{1,3}(\.\d{3})*(,\d)?", c) for c in capacities)


def test_classes_and_colours_match_the_static_maps(sample, sample_layers, sample_document):
    study, _ = sample
    values = sample_layers[0].values.reindex(study.quarters["quarter_id"])
    classification = classify(values)
    colours = class_colours(classification)
    match = re.search(r"quartierChoropleth\(quartier_quarters_\w+, (\[[^\]]*\]),\n\s*\[.*?\], "
                      r"(\[[^\]]*\])", sample_document)
    assert json.loads(match.group(1)) == classification.bins.tolist()
    assert json.loads(match.group(2)) == colours
    for label in classification.labels("de"):
        assert html.escape(label) in sample_document


def test_field_colours_are_okabe_ito(sample_document):
    for field, colour in FIELD_COLOURS.items():
        assert f'"{colour}"' in sample_document, field
    assert len(set(FIELD_COLOURS.values())) == 6


def test_same_input_gives_the_same_document(sample, sample_layers, sample_document):
    study, _ = sample
    again = map_document(interactive_map(study.quarters, study.facilities,
                                         layers=sample_layers,
                                         title="Musterstadt: Nahversorgung",
                                         attribution=study.config.attribution))
    assert again == sample_document
    m = interactive_map(study.quarters, study.facilities, layers=sample_layers)
    first = map_document(m)
    m.get_root().render()  # e.g. Map.save or a notebook showing the map in between
    assert map_document(m) == first  # nothing is repeated by rendering again


def test_without_layers_facilities_or_tiles(sample):
    study, _ = sample
    document = map_document(interactive_map(study.quarters, None, layers=[], tiles=False))
    assert_offline(document)
    base, overlays = layer_names(document)
    assert base == ["Quartiere"] and overlays == []
    assert "tile.openstreetmap.org" not in document
    assert facility_rows(document) == []


# --------------------------------------------------------------------------------------------
# escaping
# --------------------------------------------------------------------------------------------

def test_user_texts_cannot_inject_markup_or_script(hostile):
    _, document = hostile
    assert_offline(document)
    lowered = document.lower()
    assert "<script>alert" not in lowered
    assert "<img src=x" not in lowered
    assert "alert(1);//" not in document.replace('&quot;]);alert(1);//', "")
    assert html.escape(XSS_SCRIPT) in document  # &lt;script&gt;alert(&quot;x&quot;)…
    assert html.escape(XSS_QUOTES) in document  # O&#x27;Brien &quot;Haus&quot;
    assert "&lt;img src=x onerror=" in document
    assert "<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</title>" in document
    # the only <script> elements are Leaflet's and the map's
    assert len(re.findall(r"<script\b", document)) == 3


def test_user_texts_stay_valid_json_strings(hostile):
    _, document = hostile
    rows = facility_rows(document)
    # "evil" is filed under housing, so it comes before the Kitas
    assert [r[2] for r in rows] == [html.escape(XSS_QUOTES), html.escape(XSS_SCRIPT),
                                    html.escape(XSS_IMG)]
    assert html.escape('"]);alert(1);//') in [r[3] for r in rows]
    names = [f["properties"]["name"] for f in quarters_collection(document)["features"]]
    assert names == [html.escape(XSS_SCRIPT), html.escape(XSS_QUOTES)]
    base, overlays = layer_names(document)
    assert base == [XSS_IMG]  # shown as text: the markup was escaped before
    assert f"Wohnen: {XSS_IMG}" in overlays


def test_iframe_escapes_the_document(hostile):
    m, document = hostile
    frame = map_iframe(m, title='Karte "Kitas" <b>', height="70vh")
    assert frame.startswith('<iframe title="Karte &quot;Kitas&quot; &lt;b&gt;" ')
    assert frame.endswith("></iframe>")
    assert 'height:70vh' in frame and 'sandbox="allow-scripts' in frame
    srcdoc = re.search(r'srcdoc="([^"]*)"', frame).group(1)
    assert html.unescape(srcdoc) == document
    assert "<" not in srcdoc and '"' not in srcdoc
    with pytest.raises(ValueError, match="CSS length"):
        map_iframe(m, title="Karte", height='600px" onload="alert(1)')


# --------------------------------------------------------------------------------------------
# English, validation
# --------------------------------------------------------------------------------------------

def test_english_labels_and_numbers(sample, sample_layers):
    study, _ = sample
    layers = [IndicatorLayer("Supermarket coverage", sample_layers[0].values, unit="%"),
              IndicatorLayer("Residents", sample_layers[1].values)]
    document = map_document(interactive_map(study.quarters, study.facilities, layers=layers,
                                            language="en"))
    assert '<html lang="en">' in document
    base, overlays = layer_names(document)
    assert base == ["Supermarket coverage", "Residents"]
    assert "Background map (OpenStreetMap)" in overlays
    assert "Housing: Assisted living" in overlays
    assert "Social infrastructure: Day-care centre (Kita)" in overlays
    coverage, residents = choropleth_values(document)
    assert coverage[3] == "98.5%" and "4,318" in residents
    assert "Facilities" in document and '"operator":"Operator"' in document
    assert "Angebote" not in document and "Träger" not in document


def test_unit_formats():
    quarters = gpd.GeoDataFrame({"quarter_id": ["01", "02", "03"]}, geometry=squares(3),
                                crs="EPSG:25832")
    values = pd.Series({"01": 850.0, "02": 1234.56, "03": np.nan})
    document = map_document(interactive_map(
        quarters, None, layers=[IndicatorLayer("Entfernung", values, unit="m", decimals=0)]))
    assert choropleth_values(document) == [["850\u00a0m", "1.235\u00a0m", "keine Angabe"]]
    assert "Entfernung (m)" in document and "keine Angabe" in document


def test_geographic_quarters_and_facilities_in_another_crs():
    quarters = gpd.GeoDataFrame({"quarter_id": ["01", "02"]}, geometry=squares(2),
                                crs="EPSG:25832")
    facilities = gpd.GeoDataFrame({"category": ["kita"], "name": ["Kita"]},
                                  geometry=[shapely.Point(476500, 5465500)], crs="EPSG:25832")
    reference = map_document(interactive_map(quarters, facilities, layers=[]))
    other = map_document(interactive_map(quarters.to_crs(4326), facilities.to_crs(3857),
                                         layers=[]))
    assert facility_rows(other) == facility_rows(reference)
    assert len(quarters_collection(other)["features"]) == 2


@pytest.mark.parametrize(("change", "error", "message"), [
    (lambda q, v: (q.drop(columns="quarter_id"), v), ValueError, "quarter_id"),
    (lambda q, v: (q.set_crs(None, allow_override=True), v), ValueError, "no CRS"),
    (lambda q, v: (pd.DataFrame(q), v), TypeError, "GeoDataFrame"),
    (lambda q, v: (q, v.reset_index(drop=True)), ValueError, "index the series"),
    (lambda q, v: (q, list(v)), TypeError, "pandas Series"),
])
def test_invalid_input_is_explained(change, error, message):
    quarters = gpd.GeoDataFrame({"quarter_id": ["01", "02"]}, geometry=squares(2),
                                crs="EPSG:25832")
    values = pd.Series({"01": 1.0, "02": 2.0})
    quarters, values = change(quarters, values)
    with pytest.raises(error, match=message):
        interactive_map(quarters, None, layers=[IndicatorLayer("x", values)])


def test_unknown_language_and_layer_type():
    quarters = gpd.GeoDataFrame({"quarter_id": ["01"]}, geometry=squares(1), crs="EPSG:25832")
    with pytest.raises(ValueError, match="language"):
        interactive_map(quarters, None, layers=[], language="fr")
    with pytest.raises(TypeError, match="IndicatorLayer"):
        interactive_map(quarters, None, layers=[pd.Series({"01": 1.0})])
    with pytest.raises(TypeError, match="tuple"):
        interactive_map(quarters, None, layers=[("x",)])
    values = pd.Series({"01": 12.5})
    m = interactive_map(quarters, None, layers=[{"label": "x", "values": values},
                                                ("y", values), ("z", values, "%", [10, 20])])
    document = map_document(m)
    assert layer_names(document)[0] == ["x", "y", "z"]
    assert choropleth_values(document) == [["12,5"], ["12,5"], ["12,5\u00a0%"]]
    assert "bis 10" in document and "10 bis 20" in document


def test_map_document_refuses_plugins_that_load_from_the_network():
    from folium.plugins import Fullscreen

    quarters = gpd.GeoDataFrame({"quarter_id": ["01"]}, geometry=squares(1), crs="EPSG:25832")
    m = interactive_map(quarters, None, layers=[])
    Fullscreen().add_to(m)
    with pytest.raises(ValueError, match="would not open offline"):
        map_document(m)


def test_any_folium_map_becomes_offline():
    m = folium.Map(location=[49.3, 8.7], zoom_start=12, tiles=None)
    folium.CircleMarker([49.3, 8.7], radius=5).add_to(m)
    document = map_document(m)
    assert_offline(document)
    assert "L.circleMarker" in document


# --------------------------------------------------------------------------------------------
# Berlin
# --------------------------------------------------------------------------------------------

@pytest.mark.skipif(not BERLIN.is_dir(),
                    reason=f"Berlin real data not found at {BERLIN} (../shared is absent)")
def test_berlin_document_stays_small(berlin_study):
    study = berlin_study
    population = study.population_quarters.set_index("quarter_id")
    share = population["age_65_plus"] / population["total"] * 100
    m = interactive_map(study.quarters, study.facilities,
                        layers=[IndicatorLayer("Anteil 65 Jahre und älter", share, unit="%")],
                        title="Berlin", attribution=study.config.attribution)
    document = map_document(m)
    size = len(document.encode("utf-8"))
    quarters = quarters_collection(document)
    quarter_bytes = len(json.dumps(quarters, separators=(",", ":")).encode("utf-8"))
    print(f"\nBerlin map document: {size / 1e6:.2f} MB ({len(study.quarters)} quarters, "
          f"{quarter_bytes / 1e6:.2f} MB of polygons; {len(study.facilities)} facilities)")
    assert size < 10_000_000
    assert quarter_bytes < 3_000_000
    assert len(quarters["features"]) == len(study.quarters) == 542
    assert len(facility_rows(document)) == int(study.facilities.geometry.notna().sum())
    assert "L.canvas(" in document  # many markers: one canvas
    assert_offline(document)


# --------------------------------------------------------------------------------------------
# real browser
# --------------------------------------------------------------------------------------------

@requires_chromium
def test_map_renders_offline_in_chromium(sample, sample_document, tmp_path):
    study, _ = sample
    page = tmp_path / "karte.html"
    page.write_text(sample_document, encoding="utf-8")
    result = chromium(["--dump-dom", page.as_uri()], tmp_path)
    dom = result.stdout
    assert "leaflet-container" in dom, result.stderr[-2000:]
    errors = [line for line in result.stderr.splitlines()
              if "CONSOLE" in line and ("Uncaught" in line or "Error" in line)]
    assert not errors, errors
    paths = re.findall(r'<path\b[^>]*class="leaflet-interactive"', dom)
    # the first indicator layer (one path per quarter) and every facility marker
    assert len(paths) == len(study.quarters) + len(study.facilities)
    assert "quartier-legend" in dom and "Abdeckung Supermarkt (%)" in dom
    assert "leaflet-control-layers" in dom

    shot = tmp_path / "karte.png"
    chromium([f"--screenshot={shot}", "--window-size=1200,900", page.as_uri()], tmp_path)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a drawn map, not a blank page


@requires_chromium
def test_hostile_texts_show_as_text_in_chromium(hostile, tmp_path):
    _, document = hostile
    map_name = re.search(r"var (map_\w+) = L\.map\(", document).group(1)
    opener = f"""<script>
    {map_name}.eachLayer(function (layer) {{
      if (layer instanceof L.CircleMarker) {{ layer.openPopup(); }}
      else if (layer instanceof L.Polygon) {{ layer.openTooltip(); }}
    }});
    </script>"""
    page = tmp_path / "hostile.html"
    page.write_text(document.replace("</html>", opener + "</html>"), encoding="utf-8")
    dom = chromium(["--dump-dom", page.as_uri()], tmp_path).stdout
    assert "leaflet-popup-content" in dom and "leaflet-tooltip" in dom
    assert 'data-pwned="1"' not in dom  # no injected handler ran
    assert "<script>alert" not in dom.lower() and "<img src=\"x\"" not in dom
    # the texts themselves are shown (serialised DOM text: < and > as entities)
    assert "&lt;script&gt;alert(\"x\")&lt;/script&gt;" in dom
    assert "O'Brien \"Haus\"" in dom
    assert "&lt;img src=x onerror=" in dom
