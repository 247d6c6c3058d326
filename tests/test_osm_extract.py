"""OpenStreetMap extracts as a facility source (issue 12, deliverable 1).

A tiny ``.osm`` file is written here from coordinates in EPSG:25832, so that the areas of its
playground and park are known exactly by construction; the real Heidelberg extract pins the
counts of kindergartens, schools, playgrounds and parks.
"""

from __future__ import annotations

import bz2
import gzip
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner
from conftest import X0, Y0
from pyproj import CRS, Transformer

from quartier.cli import cli
from quartier.config import DatasetConfig
from quartier.load.completeness import check_completeness
from quartier.load.facilities import load_facilities
from quartier.load.osm_extract import is_osm_extract, read_osm_extract, rule_keys
from quartier.osm import classify_osm, expand_other_tags, parse_other_tags
from quartier.validation import ValidationReport

pytest.importorskip("osmium", reason="pyosmium (quartier[osm]) is not installed")

HEIDELBERG = Path(__file__).resolve().parents[2] / "shared" / "data" / "heidelberg"
requires_heidelberg = pytest.mark.skipif(
    not (HEIDELBERG / "heidelberg.test.pbf").is_file(),
    reason=f"Heidelberg OSM extract not found in {HEIDELBERG} (../shared is absent)")

CRS_25832 = CRS.from_epsg(25832)
_TO_LONLAT = Transformer.from_crs(CRS_25832, "EPSG:4326", always_xy=True)

# --- a tiny extract ------------------------------------------------------------------------
# quarters (conftest): two 1 km squares, x X0..X0+2000, y Y0..Y0+1000
KITA = (X0 + 300, Y0 + 300)
PLAYGROUND = [(X0 + 600, Y0 + 600), (X0 + 640, Y0 + 600), (X0 + 640, Y0 + 630),
              (X0 + 600, Y0 + 630)]                      # 40 m x 30 m = 1,200 m²
PARK_OUTER = [(X0 + 1200, Y0 + 200), (X0 + 1400, Y0 + 200), (X0 + 1400, Y0 + 300),
              (X0 + 1200, Y0 + 300)]                     # 200 m x 100 m = 20,000 m²
PARK_INNER = [(X0 + 1275, Y0 + 225), (X0 + 1325, Y0 + 225), (X0 + 1325, Y0 + 275),
              (X0 + 1275, Y0 + 275)]                     # hole 50 m x 50 m = 2,500 m²
BUILDING = [(X0 + 100, Y0 + 800), (X0 + 120, Y0 + 800), (X0 + 120, Y0 + 820)]
PHARMACY_NEAR = (X0 - 1000, Y0 + 500)                    # 1 km outside: within the buffer
KITA_FAR = (X0 + 20_000, Y0 + 500)                       # 18 km outside: clipped
BENCH = (X0 + 500, Y0 + 500)                             # a tag no rule uses


def _node(node_id: int, xy: tuple[float, float], tags: dict[str, str] | None = None) -> str:
    lon, lat = _TO_LONLAT.transform(*xy)
    body = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in (tags or {}).items())
    return (f'<node id="{node_id}" version="1" lat="{lat:.7f}" lon="{lon:.7f}">{body}</node>'
            if body else f'<node id="{node_id}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')


def _ring(first_id: int, corners: list[tuple[float, float]]) -> tuple[list[str], list[int]]:
    ids = list(range(first_id, first_id + len(corners)))
    return [_node(i, xy) for i, xy in zip(ids, corners)], ids + [ids[0]]


def _way(way_id: int, refs: list[int], tags: dict[str, str] | None = None) -> str:
    nds = "".join(f'<nd ref="{r}"/>' for r in refs)
    body = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in (tags or {}).items())
    return f'<way id="{way_id}" version="1">{nds}{body}</way>'


def tiny_osm(tags_everywhere: bool = True) -> str:
    """node 1 kita, way 10 playground, relation 20 park with a hole, way 30 untagged, …"""
    nodes = [_node(1, KITA, {"amenity": "kindergarten", "name": "Kita Sonne",
                             "operator": "Stadt Teststadt"}),
             _node(2, PHARMACY_NEAR, {"amenity": "pharmacy", "name": "Apotheke Nord"}),
             _node(3, KITA_FAR, {"amenity": "kindergarten"}),
             _node(4, BENCH, {"amenity": "bench"})]
    ways = []
    for first, corners, way_id, tags in (
            (100, PLAYGROUND, 10, {"leisure": "playground", "name": "Spielplatz Eiche"}),
            (200, PARK_OUTER, 21, None), (300, PARK_INNER, 22, None),
            (400, BUILDING, 30, None)):
        ring_nodes, refs = _ring(first, corners)
        nodes += ring_nodes
        ways.append(_way(way_id, refs, tags))
    relation = ('<relation id="20" version="1"><member type="way" ref="21" role="outer"/>'
                '<member type="way" ref="22" role="inner"/><tag k="type" v="multipolygon"/>'
                '<tag k="leisure" v="park"/><tag k="name" v="Stadtpark"/></relation>')
    if not tags_everywhere:  # no tag any rule knows
        nodes = [n.replace("kindergarten", "bench").replace("pharmacy", "bench") for n in nodes]
        ways = [w.replace("playground", "picnic_table") for w in ways]
        relation = relation.replace('"park"', '"garden"')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="test">\n'
            + "\n".join(nodes + ways + [relation]) + "\n</osm>\n")


def _clip() -> shapely.Geometry:
    quarters = shapely.box(X0, Y0, X0 + 2000, Y0 + 1000)
    return quarters.buffer(2000)


# --- the reader ----------------------------------------------------------------------------

def test_reads_nodes_closed_ways_and_multipolygons(tmp_path):
    path = tmp_path / "region.osm"
    path.write_text(tiny_osm(), encoding="utf-8")
    frame = read_osm_extract(path, CRS_25832, clip=_clip())
    # the far kita is clipped, the bench has no tag a rule uses, ways 21/22/30 carry no tags
    assert frame["facility_id"].tolist() == ["node/1", "node/2", "way/10", "relation/20"]
    assert frame["geometry_kind"].tolist() == ["point", "point", "area", "area"]
    assert frame.crs.equals(CRS_25832)
    assert (frame.geometry.geom_type == "Point").all()
    assert frame["name"].tolist() == ["Kita Sonne", "Apotheke Nord", "Spielplatz Eiche",
                                      "Stadtpark"]
    assert frame["operator"].tolist()[0] == "Stadt Teststadt"
    assert classify_osm(frame).tolist() == ["kita", "pharmacy", "playground", "park"]
    # areas by hand: 40 x 30 = 1,200 m²; 200 x 100 - 50 x 50 = 17,500 m² (coordinates are
    # rounded to 1e-7 degrees in the file, about 1 cm: a few square decimetres of error)
    assert np.isnan(frame["area_m2"].iloc[0]) and np.isnan(frame["area_m2"].iloc[1])
    assert frame["area_m2"].iloc[2] == pytest.approx(1200.0, abs=1.0)
    assert frame["area_m2"].iloc[3] == pytest.approx(17_500.0, abs=5.0)
    # nodes stay where they are (to the centimetre)
    assert frame.geometry.iloc[0].distance(shapely.Point(KITA)) < 0.02
    # the point of an area lies inside it, outside the park's hole (where its centroid is)
    park = shapely.Polygon(PARK_OUTER, [PARK_INNER])
    assert park.buffer(-0.05).contains(frame.geometry.iloc[3])
    assert not park.contains(park.centroid)
    assert shapely.Polygon(PLAYGROUND).buffer(-0.05).contains(frame.geometry.iloc[2])


def test_without_clip_and_compressed(tmp_path):
    text = tiny_osm()
    (tmp_path / "a.osm.gz").write_bytes(gzip.compress(text.encode()))
    (tmp_path / "a.osm.bz2").write_bytes(bz2.compress(text.encode()))
    for name in ("a.osm.gz", "a.osm.bz2"):
        frame = read_osm_extract(tmp_path / name, CRS_25832)
        assert frame["facility_id"].tolist() == ["node/1", "node/2", "node/3", "way/10",
                                                 "relation/20"]


def test_only_rule_keys_are_kept_as_columns(tmp_path):
    path = tmp_path / "region.osm"
    path.write_text(tiny_osm(), encoding="utf-8")
    frame = read_osm_extract(path, CRS_25832)
    tag_columns = set(frame.columns) - {"facility_id", "geometry_kind", "area_m2", "geometry"}
    from quartier.catalogue import default_catalogue

    assert tag_columns <= set(rule_keys(default_catalogue())) | {"name", "operator"}
    assert "type" not in frame.columns  # the relation's type tag is no rule's key


def test_is_osm_extract():
    assert is_osm_extract(Path("x/region.osm.pbf")) and is_osm_extract("a.OSM")
    assert is_osm_extract("a.osm.gz") and is_osm_extract("a.osm.bz2")
    assert not is_osm_extract("kitas.geojson") and not is_osm_extract("osm_kitas.csv")
    assert is_osm_extract("download.dat", "osm")


def test_unreadable_and_empty_extracts_through_the_loader(tmp_path):
    quarters = gpd.GeoDataFrame({"quarter_id": ["01"]},
                                geometry=[shapely.box(X0, Y0, X0 + 2000, Y0 + 1000)],
                                crs=CRS_25832)
    catalogue = _catalogue()
    broken = tmp_path / "broken.osm.pbf"
    broken.write_bytes(b"not a pbf at all")
    report = ValidationReport()
    load_facilities((DatasetConfig("facilities[1]", (broken,)),), catalogue, CRS_25832, report,
                    quarters)
    assert [f.code for f in report if f.severity == "error"] == ["unreadable_file"]

    nothing = tmp_path / "nothing.osm"
    nothing.write_text(tiny_osm(tags_everywhere=False), encoding="utf-8")
    report = ValidationReport()
    facilities = load_facilities((DatasetConfig("facilities[1]", (nothing,)),), catalogue,
                                 CRS_25832, report, quarters)
    assert len(facilities) == 0
    warnings = [f for f in report if f.severity == "warning"]
    assert [f.code for f in warnings] == ["osm_nothing_classified"]


def _catalogue() -> pd.DataFrame:
    from quartier.catalogue import default_catalogue

    catalogue = default_catalogue()
    return catalogue.set_index("key") if "key" in catalogue.columns else catalogue


def test_nodes_only_extract_warns(tmp_path):
    path = tmp_path / "nodes.osm"
    text = tiny_osm()
    path.write_text(text[:text.index("<way")] + "</osm>\n", encoding="utf-8")
    quarters = gpd.GeoDataFrame({"quarter_id": ["01"]},
                                geometry=[shapely.box(X0, Y0, X0 + 2000, Y0 + 1000)],
                                crs=CRS_25832)
    report = ValidationReport()
    facilities = load_facilities((DatasetConfig("facilities[1]", (path,)),), _catalogue(),
                                 CRS_25832, report, quarters)
    assert sorted(facilities["facility_id"]) == ["node/1", "node/2"]
    assert "osm_nodes_only" in [f.code for f in report if f.severity == "warning"]


# --- through the config and the CLI --------------------------------------------------------

def test_config_and_validate(make_study, tmp_path):
    config = make_study(files={"region.osm": tiny_osm()},
                        extra='[[facilities]]\npath = "region.osm"\nlabel = "OSM"\n')
    result = CliRunner().invoke(cli, ["validate", str(config)])
    assert result.exit_code == 0, result.output
    assert "OpenStreetMap-Auszug: 4 Einrichtungen erkannt, davon 2 als Flächen" in " ".join(
        result.output.split())
    # no points-only warning for the playground: its area was recognised as an area
    assert "osm_points_only" not in result.output and "sind Punkte" not in result.output

    from quartier import load_study

    study = load_study(config)
    osm = study.facilities[study.facilities["source"] == "OSM"].set_index("facility_id")
    assert sorted(osm.index) == ["node/1", "node/2", "relation/20", "way/10"]
    assert osm.loc["way/10", "category"] == "playground"
    assert osm.loc["way/10", "field"] == "environment"
    assert osm.loc["node/1", "operator"] == "Stadt Teststadt"
    assert osm.loc["relation/20", "area_m2"] == pytest.approx(17_500.0, abs=5.0)
    assert osm.loc["node/1", "geometry_kind"] == "point"
    assert osm.loc["way/10", "geometry_kind"] == "area"


def test_format_key_reads_any_file_name(make_study):
    config = make_study(files={"export.dat": tiny_osm()},
                        extra='[[facilities]]\npath = "export.dat"\nformat = "osm"\n'
                              'id_prefix = "osm-"\n')
    from quartier import load_study

    study = load_study(config)
    assert {"osm-node/1", "osm-way/10", "osm-relation/20"} <= set(study.facilities["facility_id"])


def test_unknown_format_is_a_config_error(make_study):
    config = make_study(files={"region.osm": tiny_osm()},
                        extra='[[facilities]]\npath = "region.osm"\nformat = "shp"\n')
    result = CliRunner().invoke(cli, ["validate", str(config)])
    assert result.exit_code == 1
    assert "format" in result.output


def test_extract_without_known_tags_warns_through_validate(make_study):
    config = make_study(files={"region.osm": tiny_osm(tags_everywhere=False)},
                        extra='[[facilities]]\npath = "region.osm"\n')
    result = CliRunner().invoke(cli, ["validate", str(config)])
    assert result.exit_code == 0, result.output
    assert "WARNUNG" in result.output and "keine Einrichtungen" in result.output


# --- GDAL's other_tags ---------------------------------------------------------------------

def test_parse_other_tags():
    tags = parse_other_tags(pd.Series([
        '"amenity"=>"kindergarten","capacity"=>"40"',
        None,
        '"name:de"=>"Kita \\"Regenbogen\\"","social_facility:for"=>"senior;disabled"',
        '"a"=>"1","a"=>"2"',
        "no tags here",
    ], index=[10, 11, 12, 13, 14]))
    assert list(tags.index) == [10, 11, 12, 13, 14]
    assert tags.loc[10, "amenity"] == "kindergarten" and tags.loc[10, "capacity"] == "40"
    assert tags.loc[11].isna().all() and tags.loc[14].isna().all()
    assert tags.loc[12, "name:de"] == 'Kita "Regenbogen"'
    assert tags.loc[12, "social_facility:for"] == "senior;disabled"
    assert tags.loc[13, "a"] == "1"  # a key written twice: the first value


def test_other_tags_classify_through_the_loader(tmp_path):
    # what ogr2ogr writes from a .osm file: name and some keys as columns, the rest packed
    points = gpd.GeoDataFrame({
        "osm_id": ["1", "2", "3"],
        "name": ["Kita Sonne", "Praxis", None],
        "highway": [None, None, "bus_stop"],
        "other_tags": ['"amenity"=>"kindergarten","name"=>"ignored"',
                       '"amenity"=>"doctors","healthcare:speciality"=>"paediatrics"',
                       None],
    }, geometry=[shapely.Point(X0 + 100, Y0 + 100), shapely.Point(X0 + 200, Y0 + 100),
                 shapely.Point(X0 + 300, Y0 + 100)], crs=CRS_25832)
    path = tmp_path / "osm_points.gpkg"
    points.to_file(path)
    expanded = expand_other_tags(points)
    assert expanded.loc[0, "name"] == "Kita Sonne" and "other_tags" not in expanded
    report = ValidationReport()
    cfg = DatasetConfig("facilities[1]", (path,), {"facility_id": "osm_id"}, {"osm": True})
    facilities = load_facilities((cfg,), _catalogue(), CRS_25832, report)
    assert facilities.set_index("facility_id")["category"].to_dict() == {
        "1": "kita", "2": "paediatrician", "3": "transit_stop"}
    assert not [f for f in report if f.code == "no_category"]


# --- the real Heidelberg extract -----------------------------------------------------------

@requires_heidelberg
def test_heidelberg_counts():
    frame = read_osm_extract(HEIDELBERG / "heidelberg.test.pbf", CRS_25832)
    frame["category"] = classify_osm(frame)
    counts = frame.groupby(["category", "geometry_kind"]).size()
    # SOURCES.md: 25 kindergartens, 20 schools, 180 playgrounds, 86 parks as tagged objects.
    assert counts[("kita", "area")] == 24 and counts[("kita", "point")] == 1
    # none of the 20 schools has isced:level or school:de: all are the generic 'school'
    assert counts[("school", "area")] == 20 and ("school", "point") not in counts
    assert ("primary_school", "area") not in counts
    assert counts[("park", "area")] == 86 and ("park", "point") not in counts
    # 181 = the 180 playgrounds of SOURCES.md plus one way tagged amenity=waste_basket *and*
    # leisure=playground (it counts wherever leisure=playground is counted); 179 closed ways
    # and one multipolygon relation are areas, one playground is a node
    assert counts[("playground", "area")] == 180 and counts[("playground", "point")] == 1
    playgrounds = frame[frame["category"] == "playground"]
    assert playgrounds["facility_id"].str.startswith("relation/").sum() == 1
    assert (playgrounds["amenity"] == "waste_basket").sum() == 1
    areas = frame[frame["geometry_kind"] == "area"]
    assert (areas["area_m2"] > 0).all()
    assert frame.loc[frame["geometry_kind"] == "point", "area_m2"].isna().all()
    # parks are larger than playgrounds (median), a sanity check of the units (m²)
    assert (areas.loc[areas["category"] == "park", "area_m2"].median()
            > areas.loc[areas["category"] == "playground", "area_m2"].median())


@requires_heidelberg
def test_heidelberg_through_the_loader_has_areas_for_completeness(tmp_path):
    # a study area around Heidelberg's old town and Bergheim; facilities up to 2 km beyond
    lon_lat = Transformer.from_crs("EPSG:4326", CRS_25832, always_xy=True)
    x0, y0 = lon_lat.transform(8.66, 49.40)
    x1, y1 = lon_lat.transform(8.72, 49.42)
    quarters = gpd.GeoDataFrame({"quarter_id": ["01"]}, geometry=[shapely.box(x0, y0, x1, y1)],
                                crs=CRS_25832)
    cfg = DatasetConfig("facilities[1]", (HEIDELBERG / "heidelberg.test.pbf",))
    report = ValidationReport()
    catalogue = _catalogue()
    facilities = load_facilities((cfg,), catalogue, CRS_25832, report, quarters,
                                 context_buffer_m=2000.0)
    reach = quarters.geometry.iloc[0].buffer(2000.0)
    assert len(facilities) and reach.covers(facilities.geometry).all()
    everything = read_osm_extract(cfg.path, CRS_25832)
    expected = classify_osm(everything)[everything.geometry.within(reach)
                                        | everything.geometry.touches(reach)]
    assert len(facilities) == int(expected.notna().sum())
    checked = check_completeness(facilities, (cfg,), catalogue, report)
    assert not [f for f in report if f.code == "osm_points_only"]
    assert checked["complete"].all()
    note = next(f for f in report if f.code == "osm_extract_counts")
    assert f"{int((facilities['geometry_kind'] == 'area').sum())} als Flächen" in note.message
    assert math.isclose(facilities["area_m2"].notna().mean(),
                        (facilities["geometry_kind"] == "area").mean())
