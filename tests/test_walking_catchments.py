"""Walking catchments (issue 12): quartier.streets.walking_catchments and the map's layers.

On hand-built networks the catchment must be exactly the buffered stretch a walk of the given
length covers (worked out by hand as plain shapely lines), never reach across a barrier, and on
the Heidelberg example the report's interactive map holds one switched-off layer per walked
category.
"""

from __future__ import annotations

import html
import json
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely
from conftest import PROJECT

import quartier
from quartier.maps.interactive import CatchmentLayer, interactive_map, map_document
from quartier.streets import network_nearest_distance, walking_catchments
from quartier.streets.catchment import CATCHMENT_RADIUS_M
from quartier.streets.graph import network_from_edges

CRS = "EPSG:25832"
EXTRACT = PROJECT.parent / "shared" / "data" / "heidelberg" / "heidelberg.test.pbf"
HEIDELBERG = PROJECT / "examples" / "heidelberg" / "quartier.toml"
XSS = '<script>alert("x")</script>'


def street(xs, ys, edges):
    """A network from node coordinates and (u, v) edges."""
    u, v = np.array(edges).T
    return network_from_edges(np.asarray(xs, float), np.asarray(ys, float), u, v, CRS)


def expected(lines, radius, quad_segs=4):
    """The band of width ``radius`` around hand-drawn stretches, drawn by shapely directly."""
    return shapely.union_all(shapely.buffer(
        [shapely.LineString(line) if len(line) > 1 else shapely.Point(line[0])
         for line in lines], radius, quad_segs=quad_segs))


def overlay_names(document):
    """Overlay names of the map's layer control, as the reader sees them."""
    block = re.search(r"overlays :\s*\{(.*?)\},\s*\};", document, re.DOTALL).group(1)
    keys = re.findall(r'^\s*("(?:[^"\\]|\\.)*")\s*:', block, re.MULTILINE)
    return [html.unescape(re.sub(r"<[^>]*>[^<]*</span>\s*", "", json.loads(key)))
            for key in keys]


def assert_same_area(actual, wanted):
    assert actual.is_valid
    difference = shapely.symmetric_difference(actual, wanted).area
    assert difference <= 1e-6 * wanted.area, difference


def test_straight_street_covers_exactly_the_walked_stretch():
    # nodes every 100 m from x = 0 to 1000; a facility on the street at x = 300
    net = street(np.arange(0, 1001, 100), np.zeros(11), [(k, k + 1) for k in range(10)])
    area = walking_catchments(np.array([[300.0, 0.0]]), net, 250.0, radius=20, tolerance=0)
    assert_same_area(area.iloc[0], expected([[(50, 0), (550, 0)]], 20))
    # 30 m beside the street: the leg is walked first, 220 m remain on the street
    area = walking_catchments(np.array([[300.0, 30.0]]), net, 250.0, radius=20, tolerance=0)
    assert_same_area(area.iloc[0], expected([[(80, 0), (520, 0)], [(300, 30), (300, 0)]], 20))
    # the end of the street is reached: nothing beyond x = 1000
    area = walking_catchments(np.array([[900.0, 0.0]]), net, 400.0, radius=20, tolerance=0)
    assert_same_area(area.iloc[0], expected([[(500, 0), (1000, 0)]], 20))


def test_loop_reached_partly_from_both_ends():
    # rectangle 1000 x 40; the facility at node 4 = (500, 0) on the bottom side
    xs, ys = [0, 1000, 1000, 0, 500], [0, 0, 40, 40, 0]
    net = street(xs, ys, [(0, 4), (4, 1), (1, 2), (2, 3), (3, 0)])
    area = walking_catchments(np.array([[500.0, 0.0]]), net, 600.0, radius=5, tolerance=0)
    # the bottom and both short sides whole; the top 60 m in from each corner, a gap between
    wanted = expected([[(0, 0), (1000, 0)], [(0, 0), (0, 40)], [(1000, 0), (1000, 40)],
                       [(0, 40), (60, 40)], [(1000, 40), (940, 40)]], 5)
    assert_same_area(area.iloc[0], wanted)
    assert not area.iloc[0].contains(shapely.Point(500, 40))
    # 1,100 m: every edge is walked whole (drawn once from either end)
    area = walking_catchments(np.array([[500.0, 0.0]]), net, 1100.0, radius=5, tolerance=0)
    assert_same_area(area.iloc[0], expected([[(0, 0), (1000, 0), (1000, 40), (0, 40),
                                              (0, 0)]], 5))


def test_catchment_stops_at_a_barrier():
    # two streets 100 m apart on either bank of a river, joined by a bridge at x = 2000 only
    xs = [0, 500, 1000, 2000, 0, 500, 1000, 2000]
    ys = [0, 0, 0, 0, 100, 100, 100, 100]
    net = street(xs, ys, [(0, 1), (1, 2), (2, 3), (4, 5), (5, 6), (6, 7), (3, 7)])
    area = walking_catchments(np.array([[500.0, 0.0]]), net, 600.0, radius=30, tolerance=0)
    catchment = area.iloc[0]
    assert catchment.contains(shapely.Point(500, 0)) and catchment.contains(
        shapely.Point(1050, 0))
    # 100 m away in a straight line, 3,100 m on foot
    assert not catchment.intersects(shapely.LineString([(0, 70), (2000, 70)]))
    assert catchment.bounds == pytest.approx((-30, -30, 1130, 30))


def test_index_crs_and_unreachable_facilities():
    net = street([0.0, 100.0], [0.0, 0.0], [(0, 1)])
    facilities = gpd.GeoSeries([shapely.Point(50, 10), shapely.Point(50, 500)],
                               index=["near", "far"], crs=CRS)
    area = walking_catchments(facilities, net, 100.0, radius=10)
    assert list(area.index) == ["near", "far"] and area.crs == CRS
    assert not area["near"].is_empty
    assert area["far"].is_empty  # its leg alone (490 m) is longer than the distance
    with pytest.raises(ValueError, match="distance"):
        walking_catchments(facilities, net, -1.0)
    with pytest.raises(ValueError):
        walking_catchments(facilities.to_crs("EPSG:4326"), net, 100.0)


def test_map_layer_is_off_and_escapes_names():
    quarters = gpd.GeoDataFrame({"quarter_id": ["01"], "name": ["Mitte"]},
                                geometry=[shapely.box(476000, 5465000, 477000, 5466000)],
                                crs=CRS)
    areas = gpd.GeoSeries([shapely.box(476200, 5465200, 476400, 5465400), shapely.Polygon()],
                          crs=CRS)
    layer = CatchmentLayer(f"Fußweg-Einzugsbereich: {XSS} (500 m)", areas, [XSS, "leer"],
                           colour="#009E73")
    document = map_document(interactive_map(quarters, None, layers=[], catchments=[layer]))
    assert "<script>alert" not in document.lower()
    assert f"Fußweg-Einzugsbereich: {XSS} (500 m)" in overlay_names(document)
    found = re.findall(r"var (quartier_catchments_\w+) = quartierCatchments\((\{.*\}), ",
                       document)
    assert len(found) == 1
    name, data = found[0]
    features = json.loads(data)["features"]
    assert [f["properties"]["name"] for f in features] == [html.escape(XSS)]  # empty left out
    assert f"{name}.addTo(" not in document  # off at the start


@pytest.mark.skipif(not EXTRACT.is_file(), reason=f"Heidelberg OSM extract not found at "
                                                  f"{EXTRACT} (../shared is absent)")
def test_heidelberg_report_map_shows_walking_catchments():
    from quartier.indicators.distance_model import study_network
    from quartier.report.build import _interactive
    from quartier.report.catchment_layers import catchment_layers
    from quartier.validation import ValidationReport

    study = quartier.load_study(HEIDELBERG)
    results = quartier.compute(study)  # network from the example's .quartier-cache
    layers = {layer.label: layer for layer in catchment_layers(study, results)}
    playgrounds = study.facilities[study.facilities["category"] == "playground"]
    label = "Fußweg-Einzugsbereich: Spielplatz (750 m)"  # DIN 18034: up to 750 m (12-17)
    assert label in layers
    assert len(layers[label].areas) == len(playgrounds)
    assert any(key.startswith("Fußweg-Einzugsbereich: Bus- oder Straßenbahnhaltestelle "
                              "(300 m; 100 von ") for key in layers)

    # every node walked within 750 m (computed independently) lies inside the catchment
    network = study_network(study, ValidationReport())
    nodes = gpd.GeoSeries(gpd.points_from_xy(network.x, network.y), crs=network.crs)
    for position in range(3):
        facility = playgrounds.geometry.iloc[[position]]
        walk = network_nearest_distance(nodes, facility, network)
        reached = nodes[walk <= 750.0].to_numpy()
        area = layers[label].areas.loc[facility.index[0]]
        assert len(reached) and shapely.contains(area, reached).all()

    frame = _interactive(study, results)
    document = html.unescape(re.search(r'srcdoc="([^"]*)"', frame).group(1))
    assert label in overlay_names(document)
    assert document.count("quartierCatchments(") == len(layers) + 1  # + the function


@pytest.mark.skipif(not EXTRACT.is_file(), reason=f"Heidelberg OSM extract not found at "
                                                  f"{EXTRACT} (../shared is absent)")
def test_heidelberg_stops_and_stations_are_drawn_at_their_own_public_transport_distance():
    # public_transport = transit_stop:300;rail_station:600: neither member has a standard of
    # its own, so without the combination both would be drawn at the 1,500 m catchment
    from quartier.indicators.distance_model import study_network
    from quartier.report.catchment_layers import catchment_layers
    from quartier.validation import ValidationReport

    study = quartier.load_study(HEIDELBERG)
    results = quartier.compute(study)
    layers = {layer.label: layer for layer in catchment_layers(study, results)}
    stations = study.facilities[study.facilities["category"] == "rail_station"]
    label = "Fußweg-Einzugsbereich: Bahnhof, S- oder U-Bahnhof (600 m)"
    assert label in layers and len(layers[label].areas) == len(stations)
    assert not any("1.500 m" in key and ("Bahnhof" in key or "Haltestelle" in key)
                   for key in layers)
    # nodes walked within 600 m of a station (computed independently) lie in its area, and
    # the area stays within 600 m of the station plus the band drawn around the streets
    # (a 1,500 m catchment would reach up to 1,500 m away)
    network = study_network(study, ValidationReport())
    nodes = gpd.GeoSeries(gpd.points_from_xy(network.x, network.y), crs=network.crs)
    for position in range(3):
        station = stations.geometry.iloc[[position]]
        walk = network_nearest_distance(nodes, station, network)
        area = layers[label].areas.loc[station.index[0]]
        reached = nodes[walk <= 600.0].to_numpy()
        assert len(reached) and shapely.contains(area, reached).all()
        assert shapely.hausdorff_distance(area, station.iloc[0]) <= 600.0 + CATCHMENT_RADIUS_M
