"""Walking network (quartier.streets): graph from OSM tags, network distances, network 2SFCA, cache.

Expected values are worked out by hand on small graphs, or come from an independent method:
networkx's Dijkstra on the Heidelberg extract, brute-force snapping, the straight-line 2SFCA on
a complete straight-line graph, and the conservation law of the 2SFCA.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
from shapely.geometry import Point

import quartier.streets.cache as streets_cache
from quartier import two_step_fca
from quartier.indicators.catchment import gaussian_decay, step_decay
from quartier.streets import (
    build_walking_network,
    is_walkable,
    load_walking_network,
    network_from_edges,
    network_nearest_distance,
    network_two_step_fca,
    snap_to_network,
)

pytest.importorskip("osmium", reason="pyosmium (quartier[osm]) is not installed")

CRS = "EPSG:25832"
HEIDELBERG = Path(__file__).resolve().parents[2] / "shared" / "data" / "heidelberg" / \
    "heidelberg.test.pbf"
requires_heidelberg = pytest.mark.skipif(
    not HEIDELBERG.is_file(), reason=f"Heidelberg OSM extract not found at {HEIDELBERG}")


def points(coordinates, **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=[Point(x, y) for x, y in coordinates], crs=CRS)


# --------------------------------------------------------------------------------------------
# a river: two banks (y = 0 south, y = 100 north), one bridge at x = 1000; and an island
# --------------------------------------------------------------------------------------------

RIVER_X = np.array([0.0, 500.0, 1000.0, 0.0, 500.0, 1000.0, 5000.0, 5000.0])
RIVER_Y = np.array([0.0, 0.0, 0.0, 100.0, 100.0, 100.0, 5000.0, 5100.0])
#   south bank 0-1-2, north bank 3-4-5, bridge 2-5, island 6-7 (not connected)
RIVER_U = np.array([0, 1, 3, 4, 2, 6, 1])
RIVER_V = np.array([1, 2, 4, 5, 5, 7, 0])  # 1-0 repeats 0-1


@pytest.fixture(scope="module")
def river():
    return network_from_edges(RIVER_X, RIVER_Y, RIVER_U, RIVER_V, CRS, "fluss")


def test_river_graph_keeps_the_largest_component(river):
    assert river.n_nodes == 6
    assert river.dropped_nodes == 2
    assert river.n_edges == 5  # the repeated edge 1-0 counted once
    dense = river.graph.toarray()
    assert (dense == dense.T).all()
    assert dense[2, 5] == 100.0 and dense[0, 1] == 500.0 and dense[3, 4] == 500.0


def test_nearest_distance_goes_round_by_the_bridge(river):
    origins = np.array([[0.0, 110.0],     # north bank, 10 m off node 3
                        [500.0, -20.0],   # south bank, 20 m off node 1
                        [5000.0, 5050.0]])  # on the island: snaps to the main network
    facility = np.array([[0.0, -5.0]])    # south bank, 5 m off node 0
    d = network_nearest_distance(origins, facility, river)
    # 10 + (1000 + 100 + 1000) + 5; 20 + 500 + 5;
    # island: leg to node 5, bridge 100, south bank 1000, 5
    island_leg = np.hypot(4000.0, 4950.0)
    np.testing.assert_allclose(d, [2115.0, 525.0, island_leg + 1105.0], rtol=0, atol=1e-9)


def test_nearest_distance_takes_the_destination_legs_exactly(river):
    origins = np.array([[0.0, 110.0]])
    # a facility 300 m off node 5 is nearer on foot than one 5 m off node 0 (2115 m)
    two = np.array([[0.0, -5.0], [1000.0, 400.0]])
    assert network_nearest_distance(origins, two, river).tolist() == [10.0 + 1000.0 + 300.0]
    # two destinations on the same node: the shorter leg counts
    same_node = np.array([[1000.0, 400.0], [1000.0, 130.0]])
    assert network_nearest_distance(origins, same_node, river).tolist() == [1040.0]


def test_nearest_distance_without_destinations_is_inf(river):
    d = network_nearest_distance(np.array([[0.0, 0.0], [1.0, 1.0]]), np.empty((0, 2)), river)
    assert d.tolist() == [np.inf, np.inf]


def test_nearest_distance_accepts_geoseries_and_checks_the_crs(river):
    origins = points([(0.0, 110.0)])
    facilities = points([(0.0, -5.0)])
    assert network_nearest_distance(origins.geometry, facilities, river).tolist() == [2115.0]
    with pytest.raises(ValueError, match="same projected CRS"):
        network_nearest_distance(origins.to_crs("EPSG:3035"), facilities.to_crs("EPSG:3035"),
                                 river)


def test_snap_is_remembered_and_not_shared_by_reference(river):
    node, leg = snap_to_network([0.0, 500.0], [110.0, -20.0], river)
    assert node.tolist() == [3, 1] and leg.tolist() == [10.0, 20.0]
    node[:] = 0  # changing the result must not change what the network remembers
    again, _ = snap_to_network([0.0, 500.0], [110.0, -20.0], river)
    assert again.tolist() == [3, 1]


def test_network_2sfca_by_hand_across_the_river(river):
    cells = points([(500.0, -20.0), (0.0, 110.0), (500.0, 80.0)], pop=[100.0, 50.0, 30.0])
    kita = points([(0.0, -5.0)], places=[10.0])
    access = network_two_step_fca(cells, kita, river, 600, demand_column="pop",
                                  supply_column="places")
    # only cell 0 walks to the Kita within 600 m (525 m): R = 10/100, A = [0.1, NaN, NaN];
    # cell 2 (north bank, 507 m straight) needs 20 + 500 + 100 + 1000 + 5 = 1625 m
    np.testing.assert_allclose(access.to_numpy(), [0.1, np.nan, np.nan], rtol=1e-12)
    assert access.name == "access" and access.index.equals(cells.index)
    straight = two_step_fca(cells, kita, 600, demand_column="pop", supply_column="places")
    # straight, all three are within 600 m (525, 115 and 507 m): R = 10/180
    np.testing.assert_allclose(straight.to_numpy(), [10 / 180] * 3, rtol=1e-12)
    # inclusive cut-off: exactly 525 m still reaches it
    at_cutoff = network_two_step_fca(cells, kita, river, 525, demand_column="pop",
                                     supply_column="places")
    assert at_cutoff.iloc[0] == pytest.approx(0.1, rel=1e-12)


def test_network_2sfca_on_a_complete_straight_line_graph_equals_two_step_fca():
    rng = np.random.default_rng(7)
    xy = rng.uniform(0, 4000, size=(60, 2)) + [476000.0, 5465000.0]
    u, v = np.array(list(itertools.combinations(range(len(xy)), 2))).T
    network = network_from_edges(xy[:, 0], xy[:, 1], u, v, CRS)
    cells = points(xy[:45], pop=rng.integers(0, 200, 45).astype(float))
    facilities = points(xy[45:], places=rng.integers(1, 50, 15).astype(float))
    for decay in (None, gaussian_decay(400), step_decay({500: 1.0, 900: 0.5})):
        expected = two_step_fca(cells, facilities, 600, demand_column="pop",
                                supply_column="places", decay=decay)
        got = network_two_step_fca(cells, facilities, network, 600, demand_column="pop",
                                   supply_column="places", decay=decay)
        assert expected.notna().sum() > 20 and expected.isna().sum() > 0
        np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-9)
        assert got.index.equals(expected.index)
    # nearest distance too: with legs 0 the walk is the straight line
    from quartier import nearest_distance
    np.testing.assert_allclose(network_nearest_distance(cells, facilities, network),
                               nearest_distance(cells, facilities), rtol=1e-12)


def test_network_2sfca_checks_its_arguments_like_two_step_fca(river):
    cells = points([(0.0, 0.0)], pop=[1.0])
    kita = points([(0.0, 0.0)])
    with pytest.raises(ValueError, match="non-negative"):
        network_two_step_fca(cells, kita, river, -1, demand_column="pop")
    with pytest.raises(KeyError):
        network_two_step_fca(cells, kita, river, 100, demand_column="einwohner")
    assert network_two_step_fca(cells, kita.iloc[:0], river, 100,
                                demand_column="pop").isna().all()


# --------------------------------------------------------------------------------------------
# which ways a pedestrian may use, read from a small OSM file
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("tags", "walkable"), [
    ({"highway": "footway"}, True),
    ({"highway": "steps"}, True),
    ({"highway": "residential", "foot": "no"}, False),
    ({"highway": "residential", "foot": "use_sidepath"}, False),
    ({"highway": "track", "access": "no"}, False),
    ({"highway": "track", "access": "no", "foot": "designated"}, True),
    ({"highway": "service", "access": "private"}, False),
    ({"highway": "motorway"}, False),
    ({"highway": "trunk_link"}, False),
    ({"highway": "construction"}, False),
    ({"highway": "cycleway"}, False),
    ({"highway": "cycleway", "foot": "yes"}, True),
    ({"highway": "pedestrian", "area": "yes"}, True),
    ({"building": "yes"}, False),
])
def test_is_walkable(tags, walkable):
    assert is_walkable(tags) is walkable


def osm_xml(extra_way: str = "") -> str:
    """Nodes 1-5 on a line of latitude 49.40 (about 72.5 m apart), ways with various tags."""
    nodes = "".join(
        f'<node id="{k}" version="1" lat="49.40" lon="{8.60 + 0.001 * (k - 1):.3f}"/>'
        for k in range(1, 6))
    nodes += '<node id="10" version="1" lat="49.41" lon="8.60"/>'
    nodes += '<node id="11" version="1" lat="49.41" lon="8.601"/>'
    ways = (
        '<way id="1" version="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/>'
        '<tag k="highway" v="residential"/></way>'
        '<way id="2" version="1"><nd ref="3"/><nd ref="4"/>'
        '<tag k="highway" v="service"/><tag k="access" v="private"/><tag k="foot" v="yes"/></way>'
        '<way id="3" version="1"><nd ref="4"/><nd ref="5"/><tag k="highway" v="motorway"/></way>'
        '<way id="4" version="1"><nd ref="10"/><nd ref="11"/><nd ref="99"/>'
        '<tag k="highway" v="footway"/></way>'  # node 99 is missing from the extract
    )
    return f'<?xml version="1.0"?><osm version="0.6">{nodes}{ways}{extra_way}</osm>'


def test_build_from_an_osm_file_follows_the_tags(tmp_path):
    path = tmp_path / "klein.osm"
    path.write_text(osm_xml(), encoding="utf-8")
    network = build_walking_network(path, CRS)
    # ways 1 and 2 (nodes 1-4) form the largest component; the motorway (4-5) is left out, the
    # footway 10-11 (cut at the missing node 99) is another component: 2 nodes dropped
    assert network.n_nodes == 4 and network.dropped_nodes == 2 and network.source == "klein.osm"
    to_utm = pyproj.Transformer.from_crs("EPSG:4326", CRS, always_xy=True)
    x, y = to_utm.transform([8.600, 8.601, 8.602, 8.603], [49.40] * 4)
    np.testing.assert_allclose(network.x, x, atol=1e-6)
    np.testing.assert_allclose(network.y, y, atol=1e-6)
    total = sum(np.hypot(x[k + 1] - x[k], y[k + 1] - y[k]) for k in range(3))
    d = network_nearest_distance(np.array([[x[0], y[0]]]), np.array([[x[3], y[3]]]), network)
    assert d[0] == pytest.approx(total, abs=1e-6)
    assert 3 * 72 < total < 3 * 73  # 0.001 degrees of longitude at 49.4° N: about 72.5 m

    clipped = build_walking_network(path, CRS, bbox=(x[0] - 1, y[0] - 1, x[2] + 1, y[2] + 1))
    assert clipped.n_nodes == 3


def test_build_reports_bad_input_in_german(tmp_path):
    with pytest.raises(FileNotFoundError, match="nicht gefunden"):
        build_walking_network(tmp_path / "fehlt.osm.pbf", CRS)
    empty = tmp_path / "leer.osm"
    empty.write_text('<?xml version="1.0"?><osm version="0.6"></osm>', encoding="utf-8")
    with pytest.raises(ValueError, match="keine Wege"):
        build_walking_network(empty, CRS)
    with pytest.raises(ValueError, match="geographic"):
        build_walking_network(empty, "EPSG:4326")


def test_cache_hit_is_identical_and_a_changed_file_is_rebuilt(tmp_path, monkeypatch):
    path = tmp_path / "klein.osm"
    path.write_text(osm_xml(), encoding="utf-8")
    cache = tmp_path / "cache"
    first = load_walking_network(path, CRS, cache_dir=cache)
    assert len(list(cache.glob("*.npz"))) == 1 and len(list(cache.glob("*.json"))) == 1

    def must_not_build(*args, **kwargs):
        raise AssertionError("built again although cached")

    monkeypatch.setattr(streets_cache, "build_walking_network", must_not_build)
    again = load_walking_network(path, CRS, cache_dir=cache)
    for name in ("x", "y"):
        assert np.array_equal(getattr(first, name), getattr(again, name))
    for name in ("data", "indices", "indptr"):
        assert np.array_equal(getattr(first.graph, name), getattr(again.graph, name))
    assert (again.source, again.dropped_nodes) == (first.source, first.dropped_nodes)
    assert again.crs.equals(first.crs)
    monkeypatch.undo()

    # a new footway from node 5 to node 4 joins the motorway's end: one more node
    path.write_text(osm_xml('<way id="5" version="1"><nd ref="5"/><nd ref="4"/>'
                            '<tag k="highway" v="footway"/></way>'), encoding="utf-8")
    changed = load_walking_network(path, CRS, cache_dir=cache)
    assert changed.n_nodes == first.n_nodes + 1
    assert len(list(cache.glob("*.npz"))) == 2
    # other parameters are other entries as well
    load_walking_network(path, "EPSG:3035", cache_dir=cache)
    assert len(list(cache.glob("*.npz"))) == 3


# --------------------------------------------------------------------------------------------
# the real Heidelberg extract against networkx
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def heidelberg():
    if not HEIDELBERG.is_file():
        pytest.skip(f"Heidelberg OSM extract not found at {HEIDELBERG}")
    return build_walking_network(HEIDELBERG, CRS)


@requires_heidelberg
def test_heidelberg_graph_size(heidelberg):
    # SOURCES.md: a walking graph of about 170,000 nodes; nearly all in one component
    assert 150_000 < heidelberg.n_nodes < 190_000
    assert heidelberg.dropped_nodes < 0.05 * heidelberg.n_nodes
    assert heidelberg.graph.data.min() >= 0 and heidelberg.graph.data.max() < 5_000


@requires_heidelberg
def test_heidelberg_nearest_distance_equals_networkx(heidelberg):
    nx = pytest.importorskip("networkx")
    net = heidelberg
    rng = np.random.default_rng(12)
    lo = np.array([net.x.min(), net.y.min()])
    hi = np.array([net.x.max(), net.y.max()])
    destinations = rng.uniform(lo, hi, size=(25, 2))
    origins = rng.uniform(lo, hi, size=(300, 2))
    got = network_nearest_distance(origins, destinations, net)

    # independent: snapping by brute force, Dijkstra by networkx from a virtual source
    def brute_snap(xy):
        d2 = (xy[:, :1] - net.x[None, :]) ** 2 + (xy[:, 1:] - net.y[None, :]) ** 2
        node = d2.argmin(axis=1)
        return node, np.sqrt(d2[np.arange(len(xy)), node])

    graph = nx.from_scipy_sparse_array(net.graph)
    dest_node, dest_leg = brute_snap(destinations)
    for node, leg in zip(dest_node.tolist(), dest_leg.tolist(), strict=True):
        if not graph.has_edge("source", node) or graph["source"][node]["weight"] > leg:
            graph.add_edge("source", node, weight=leg)
    from_source = nx.single_source_dijkstra_path_length(graph, "source")
    origin_node, origin_leg = [], []
    for chunk in np.array_split(origins, 10):
        node, leg = brute_snap(chunk)
        origin_node.append(node)
        origin_leg.append(leg)
    expected = np.concatenate(origin_leg) + np.array(
        [from_source[n] for n in np.concatenate(origin_node).tolist()])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-3)
    assert np.median(got / np.hypot(*(origins[:, None] - destinations[None]).transpose(2, 0, 1)
                                    ).min(axis=1)) > 1.0


@requires_heidelberg
def test_heidelberg_network_2sfca_conserves_supply(heidelberg):
    net = heidelberg
    rng = np.random.default_rng(3)
    # Leimen and the south of Heidelberg: a 100 m grid and 12 facilities
    gx, gy = np.meshgrid(np.arange(473000, 478000, 100.0), np.arange(5463500, 5468000, 100.0))
    cells = points(np.column_stack([gx.ravel(), gy.ravel()]),
                   pop=rng.integers(1, 60, gx.size).astype(float))
    facilities = points(rng.uniform([473500, 5464000], [477500, 5467500], size=(12, 2)),
                        places=rng.integers(10, 80, 12).astype(float))
    access = network_two_step_fca(cells, facilities, net, 800, demand_column="pop",
                                  supply_column="places")
    straight = two_step_fca(cells, facilities, 800, demand_column="pop",
                            supply_column="places")
    # each facility that reaches anyone hands out exactly its supply: sum P*A = sum S
    nearest = network_nearest_distance(facilities, cells, net)
    reached = nearest <= 800
    assert reached.sum() >= 6
    total = (cells["pop"] * access.fillna(0)).sum()
    assert total == pytest.approx(facilities["places"][reached].sum(), rel=1e-9)
    # walking is never shorter than the straight line: fewer cells reach a facility
    assert access.notna().sum() < straight.notna().sum()
    assert not (access.notna() & straight.isna()).any()


def test_nodes_at_the_same_place_are_joined_by_an_edge_of_length_zero():
    # nodes 1 and 2 coincide (two OSM nodes mapped on top of each other)
    network = network_from_edges(np.array([0.0, 100.0, 100.0, 100.0]),
                                 np.array([0.0, 0.0, 0.0, 50.0]),
                                 np.array([0, 1, 2]), np.array([1, 2, 3]), CRS)
    assert network.n_nodes == 4 and network.n_edges == 3 and network.dropped_nodes == 0
    assert network.graph[1, 2] == 0.0 and network.graph.nnz == 6
    d = network_nearest_distance(np.array([[0.0, 0.0]]), np.array([[100.0, 50.0]]), network)
    assert d.tolist() == [150.0]
