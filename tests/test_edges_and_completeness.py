"""Beyond the boundary (context facilities, Randlage) and completeness of the facility data.

The hand-built study: three quarters in a 3 km square (EPSG:25832, offset X0/Y0): "01" the
centre square [1000, 2000]², "02" the western half around it, "03" the eastern half. "01"
does not touch the outline of the study area; "02" and "03" do.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from conftest import BERLIN, X0, Y0, quarters_geojson, requires_berlin
from shapely.geometry import Polygon, box

import quartier
from quartier.catalogue import default_catalogue
from quartier.config import DatasetConfig
from quartier.indicators.edges import boundary_quarters, context_facilities, edge_flags
from quartier.indicators.gaps import assess_gaps
from quartier.load.completeness import incomplete_categories, is_osm_source
from quartier.settings import IndicatorSettings
from quartier.validation import ValidationReport


def _shift(points: list[tuple[float, float]]) -> list[list[float]]:
    return [[X0 + x, Y0 + y] for x, y in points]


CENTRE = [(1000, 1000), (2000, 1000), (2000, 2000), (1000, 2000), (1000, 1000)]
WEST = [(0, 0), (1500, 0), (1500, 1000), (1000, 1000), (1000, 2000), (1500, 2000),
        (1500, 3000), (0, 3000), (0, 0)]
EAST = [(1500, 0), (3000, 0), (3000, 3000), (1500, 3000), (1500, 2000), (2000, 2000),
        (2000, 1000), (1500, 1000), (1500, 0)]
QUARTERS = quarters_geojson([
    {"nr": "01", "name": "Mitte", "coords": [_shift(CENTRE)]},
    {"nr": "02", "name": "West", "coords": [_shift(WEST)]},
    {"nr": "03", "name": "Ost", "coords": [_shift(EAST)]},
])
POPULATION = "quartier;einwohner;unter6;ab80\n01;1000;60;50\n02;2000;120;100\n03;2000;120;100\n"
# P1 in "03"; P2 600 m west of the study area: 600 m from "02", 2,100 m from "03".
P1, P2 = (2500.0, 1500.0), (-600.0, 1500.0)


def _csv(rows: list[tuple[str, str, str, float, float]]) -> str:
    lines = ["id;name;kategorie;plaetze;x;y"]
    lines += [f"{i};{n};{c};{p};{X0 + x:.0f};{Y0 + y:.0f}" for i, n, c, p, x, y in rows]
    return "\n".join(lines) + "\n"


FACILITIES = _csv([("K1", "Kita Mitte", "kita", "40", 1500, 1500),
                   ("P1", "Apotheke Ost", "pharmacy", "", *P1),
                   ("P2", "Apotheke Nachbarort", "pharmacy", "", *P2)])


def _points_geojson(rows: list[tuple[str, float, float]], *, area: bool = False) -> str:
    features = []
    for ident, x, y in rows:
        square = [(x, y), (x + 20, y), (x + 20, y + 20), (x, y + 20), (x, y)]
        geometry = ({"type": "Polygon", "coordinates": [_shift(square)]}
                    if area else {"type": "Point", "coordinates": [X0 + x, Y0 + y]})
        features.append({"type": "Feature", "properties": {"id": ident, "name": ident},
                         "geometry": geometry})
    return json.dumps({"type": "FeatureCollection", "features": features, "crs": {
        "type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}}})


@pytest.fixture
def three(make_study):
    def build(extra: str = "", files: dict[str, str] | None = None) -> Path:
        return make_study({"quartiere.geojson": QUARTERS, "einwohner.csv": POPULATION,
                           "einrichtungen.csv": FACILITIES, **(files or {})}, extra=extra)
    return build


def _quarters(polygons: dict[str, Polygon]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"quarter_id": list(polygons)}, geometry=list(polygons.values()),
                            crs=25832)


def _row(gaps: pd.DataFrame, quarter: str, category: str) -> pd.Series:
    return gaps[(gaps["quarter_id"] == quarter) & (gaps["category"] == category)].iloc[0]


def _indicator(results, quarter: str, category: str, indicator: str) -> float:
    table = results.indicators
    row = table[(table["quarter_id"] == quarter) & (table["category"] == category)
                & (table["indicator"] == indicator)]
    return float(row["value"].iloc[0])


# --- which quarters touch the outline -------------------------------------------------------

def test_boundary_quarters_of_the_hand_built_study():
    quarters = _quarters({"01": Polygon(CENTRE), "02": Polygon(WEST), "03": Polygon(EAST)})
    assert boundary_quarters(quarters).to_dict() == {"01": False, "02": True, "03": True}


def test_a_sliver_between_quarters_does_not_make_a_boundary():
    # the centre shrunk by 10 m: a 10 m ring of no quarter around it, opened to the outside by
    # a 10 m slot between "02" and "03" in the south; without tolerance the outline would run
    # along the whole centre square
    centre = box(1010, 1010, 1990, 1990)
    west = Polygon(WEST).difference(box(1495, -1, 1500, 1001))
    east = Polygon(EAST).difference(box(1500, -1, 1505, 1001))
    quarters = _quarters({"01": centre, "02": west, "03": east})
    assert boundary_quarters(quarters).to_dict() == {"01": False, "02": True, "03": True}
    assert bool(boundary_quarters(quarters, tolerance_m=1.0)["01"]) is True


def test_a_corner_contact_is_not_a_shared_boundary():
    # "03" touches the outline only along 30 m (< 50 m)
    quarters = _quarters({"01": box(0, 0, 1000, 1000), "02": box(1000, 0, 2000, 1000),
                          "03": box(0, 1000, 1000, 2000).union(box(1000, 1000, 1030, 1030))})
    outline_shares = boundary_quarters(quarters)
    assert outline_shares.all()  # all three sit at the edge of this L-shaped study
    inner = _quarters({"A": box(0, 0, 3000, 3000).difference(box(1000, 1000, 2000, 2000)),
                       "B": box(1000, 1000, 2000, 2000)})
    assert boundary_quarters(inner).to_dict() == {"A": True, "B": False}


# --- context facilities ---------------------------------------------------------------------

def _expected_coverage_of_west(facilities: list[tuple[float, float]], distance: float
                               ) -> float:
    """Share of the 100 m cells of "02" whose centre lies within `distance` (uniform spread)."""
    x, y = np.meshgrid(np.arange(50, 1500, 100), np.arange(50, 3000, 100))
    x, y = x.ravel(), y.ravel()
    in_west = ~((x > 1000) & (y > 1000) & (y < 2000))
    near = np.zeros(len(x), dtype=bool)
    for fx, fy in facilities:
        near |= np.hypot(x - fx, y - fy) <= distance
    return 100 * (near & in_west).sum() / in_west.sum()


def test_context_facility_counts_for_distance_but_not_for_the_quarter(three):
    study = quartier.load_study(three())
    results = quartier.compute(study)
    # P2 serves the west: coverage from a second, by-hand computation over the cell centres
    assert _indicator(results, "02", "pharmacy", "coverage") == pytest.approx(
        _expected_coverage_of_west([P2], 1000.0))
    assert _indicator(results, "02", "pharmacy", "coverage") > 0
    # … but it is nobody's facility: no count in "02", not in the partner list
    assert _indicator(results, "02", "pharmacy", "count") == 0
    assert _indicator(results, "03", "pharmacy", "count") == 1
    gaps = results.gaps
    assert not _row(gaps, "02", "pharmacy")["resource"]
    assert bool(_row(gaps, "02", "pharmacy")["edge"]) is False  # P2 within 2,000 m of "02"
    assert bool(_row(gaps, "03", "pharmacy")["edge"]) is True   # P2 2,100 m from "03"
    assert bool(_row(gaps, "01", "pharmacy")["edge"]) is False  # not at the boundary
    assert bool(_row(gaps, "02", "kita")["edge"]) is True       # no kita beyond the boundary
    assert bool(_row(gaps, "03", "kita")["edge"]) is True


def test_buffer_cuts_off_far_context_facilities(three):
    study = quartier.load_study(three(extra="[indicators]\ncontext_buffer_m = 500\n"))
    results = quartier.compute(study)
    # P2 lies 600 m outside: dropped, with a note naming how many
    notes = [f for f in results.findings if f.code == "context_beyond_buffer"]
    assert len(notes) == 1 and notes[0].message.startswith("1 Einrichtungen liegen mehr als 500 m")
    # nothing else reaches the west within 1,000 m (P1 is at least 1,185 m away)
    assert _indicator(results, "02", "pharmacy", "coverage") == 0
    assert bool(_row(results.gaps, "02", "pharmacy")["edge"]) is True


def test_context_facilities_function_keeps_inside_and_near():
    quarters = _quarters({"A": box(0, 0, 1000, 1000)})
    facilities = gpd.GeoDataFrame(
        {"facility_id": ["in", "near", "far"], "category": "pharmacy",
         "in_study_area": [True, False, False]},
        geometry=gpd.points_from_xy([500, 1500, 3500], [500, 500, 500]), crs=25832)
    report = ValidationReport()
    kept = context_facilities(facilities, quarters, 2000.0, report)
    assert kept["facility_id"].tolist() == ["in", "near"]
    assert context_facilities(facilities, quarters, 400.0)["facility_id"].tolist() == ["in"]
    assert "1 Einrichtungen" in report.findings[0].message


def test_context_dataset_counts_only_for_access_and_clears_the_edge(three):
    neighbours = _csv([("N1", "Apotheke jenseits", "pharmacy", "", *P2),
                       ("N2", "Apotheke im Westen (Nachbardaten)", "pharmacy", "", 500, 1500)])
    extra = """
        [[facilities]]
        label = "Nachbargemeinde"
        path = "nachbar.csv"
        x = "x"
        y = "y"
        crs = "EPSG:25832"
        context = true
        id_prefix = "n-"
        columns = { facility_id = "id", name = "name", category = "kategorie" }
    """
    files = {"einrichtungen.csv": _csv([("K1", "Kita Mitte", "kita", "40", 1500, 1500),
                                        ("P1", "Apotheke Ost", "pharmacy", "", *P1)]),
             "nachbar.csv": neighbours}
    study = quartier.load_study(three(extra=extra, files=files))
    results = quartier.compute(study)
    # N2 lies inside "02" and serves it, but is never its facility
    assert _indicator(results, "02", "pharmacy", "count") == 0
    assert _indicator(results, "02", "pharmacy", "coverage") == pytest.approx(
        _expected_coverage_of_west([P2, (500.0, 1500.0)], 1000.0))
    gaps = results.gaps
    assert not gaps.loc[gaps["category"] == "pharmacy", "edge"].any()  # context data given
    assert _row(gaps, "02", "kita")["edge"]                             # but not for Kitas


def test_partner_list_leaves_out_context_facilities():
    from quartier.partners.partners import _operators
    quarters = _quarters({"A": box(0, 0, 1000, 1000)})
    facilities = gpd.GeoDataFrame(
        {"operator": ["AWO", "Caritas", "Diakonie"], "field": "health_care",
         "name": ["in", "outside", "context dataset"], "in_study_area": [True, False, True],
         "context": [False, False, True]},
        geometry=gpd.points_from_xy([500, 1500, 600], [500, 500, 600]), crs=25832)
    assert _operators(facilities, quarters)["organisation"].tolist() == ["AWO"]


def test_edge_flags_function_per_quarter_and_category():
    quarters = _quarters({"A": box(0, 0, 1000, 1000), "B": box(1000, 0, 2000, 1000)})
    facilities = gpd.GeoDataFrame(
        {"category": ["pharmacy", "kita"], "in_study_area": [False, True],
         "context": [False, False]},
        geometry=gpd.points_from_xy([-500, 1500], [500, 500]), crs=25832)
    gaps = pd.DataFrame({"quarter_id": ["A", "B", "A", "B"],
                         "category": ["pharmacy", "pharmacy", "kita", "kita"]})
    # the pharmacy 500 m west of A is within 1,000 m of A, 1,500 m from B
    assert edge_flags(gaps, quarters, facilities, 1000.0).tolist() == [False, True, True, True]
    assert edge_flags(gaps, quarters, facilities, 2000.0).tolist() == [False, False, True, True]


# --- completeness of the inputs -------------------------------------------------------------

OSM_PLAYGROUNDS = """
[[facilities]]
label = "Spielplätze (OSM)"
path = "spielplaetze.geojson"
category = "playground"
id_prefix = "osm-"
columns = { facility_id = "id", name = "name" }
"""


def test_osm_points_only_warns_and_is_not_assessed(three):
    files = {"spielplaetze.geojson": _points_geojson([("1", 500, 500), ("2", 2500, 2500),
                                                      ("3", 1500, 1500)])}
    study = quartier.load_study(three(extra=OSM_PLAYGROUNDS, files=files))
    warnings = [f for f in study.report if f.code == "osm_points_only"]
    assert len(warnings) == 1
    assert "alle 3 Einrichtungen der Kategorie Spielplatz sind Punkte" in warnings[0].message
    assert "nicht bewertet" in warnings[0].message
    assert incomplete_categories(study.facilities) == ["playground"]
    results = quartier.compute(study)
    playground = results.gaps[results.gaps["category"] == "playground"]
    assert (playground["basis"] == "not_assessed").all()
    assert (playground["reason"] == "incomplete_data").all()
    assert not playground["resource"].any() and not playground["served_by_neighbours"].any()
    # distances and coverage are still computed and shown
    assert _indicator(results, "01", "playground", "median_distance") >= 0
    assert not np.isnan(_indicator(results, "02", "playground", "coverage"))
    # other categories are judged as before
    assert _row(results.gaps, "03", "pharmacy")["basis"] == "standard"


def test_osm_areas_or_complete_true_are_judged(three):
    areas = {"spielplaetze.geojson": _points_geojson([("1", 500, 500), ("2", 2500, 2500)],
                                                     area=True)}
    study = quartier.load_study(three(extra=OSM_PLAYGROUNDS, files=areas))
    assert not [f for f in study.report if f.code == "osm_points_only"]
    assert set(study.facilities["geometry_kind"]) == {"point", "area"}
    assert incomplete_categories(study.facilities) == []
    points = {"spielplaetze.geojson": _points_geojson([("1", 500, 500)])}
    study = quartier.load_study(three(extra=OSM_PLAYGROUNDS + "complete = true\n",
                                      files=points))
    assert incomplete_categories(study.facilities) == []
    assert "complete = true" in next(f for f in study.report
                                     if f.code == "osm_points_only").message
    gaps = quartier.compute(study).gaps
    assert (gaps.loc[gaps["category"] == "playground", "basis"] == "standard").all()


def test_complete_false_on_a_register(three):
    study = quartier.load_study(three(extra="complete = false\n"))
    note = next(f for f in study.report if f.code == "marked_incomplete")
    assert "Apotheke" in note.message and "Kindertagesstätte" in note.message
    gaps = quartier.compute(study).gaps
    assert (gaps["reason"] == "incomplete_data").all()
    assert (gaps["status"] == "not_assessed").all()


def test_register_and_osm_counts(three):
    extra = """
        [[facilities]]
        label = "Kitas (OpenStreetMap)"
        path = "kitas.geojson"
        category = "kita"
        id_prefix = "osm-"
        columns = { facility_id = "id", name = "name" }
    """
    files = {"kitas.geojson": _points_geojson([("1", 500, 500), ("2", 2500, 500)])}
    study = quartier.load_study(three(extra=extra, files=files))
    both = [f for f in study.report if f.code == "register_and_osm"]
    assert len(both) == 1
    assert both[0].message.startswith("Kindertagesstätte (Kita): OSM 2, Register 1.")
    # kita is area-mapped: points only → incomplete OSM source, but the register is complete
    assert incomplete_categories(study.facilities) == []


def test_register_and_osm_counts_use_german_thousands():
    from quartier.load.completeness import _register_and_osm
    facilities = pd.DataFrame({"source": ["osm"] * 1133 + ["reg"] * 2880, "category": "kita"})
    report = ValidationReport()
    _register_and_osm(facilities, {"osm"}, lambda key: "Kitas", report)
    assert report.findings[0].message.startswith("Kitas: OSM 1.133, Register 2.880.")


def test_osm_sources_are_recognised():
    cfg = lambda path, **options: DatasetConfig("facilities[1]", (Path(path),), {}, options)  # noqa: E731
    assert is_osm_source(cfg("poi/x.geojson", osm=True))
    assert is_osm_source(cfg("poi/osm_playgrounds.geojson"))
    assert not is_osm_source(cfg("osm_poi/playgrounds.geojson"))  # folders are not read
    assert is_osm_source(cfg("poi.geojson", label="Spielplätze (OSM)"))
    assert is_osm_source(cfg("export-openstreetmap.gpkg"))
    assert is_osm_source(cfg("poi.geojson"), ["node/1", "way/22", "relation/3"])
    assert not is_osm_source(cfg("poi.geojson"), ["4711", "4712"])
    assert not is_osm_source(cfg("kosmos.csv", label="Kosmos-Register"))


def test_assess_gaps_incomplete_category_is_not_assessed_and_no_resource():
    rows = pd.DataFrame({"quarter_id": ["A", "B"], "category": ["pharmacy", "pharmacy"],
                         "residents": [5000.0, 100.0], "population": [5000.0, 100.0],
                         "count": [3, 0], "capacity": [np.nan, np.nan],
                         "measure": ["count", "count"], "coverage": [40.0, 0.0],
                         "fca_access": [0.6, 0.0], "supply_rate": [0.6, 0.0],
                         "unmet_people": [3000.0, 100.0]})
    settings = IndicatorSettings()
    judged = assess_gaps(rows, default_catalogue(), settings)
    assert judged["status"].tolist() == ["gap", "not_assessed"]
    out = assess_gaps(rows, default_catalogue(), settings, incomplete=["pharmacy"])
    assert out["basis"].tolist() == ["not_assessed", "not_assessed"]
    # the quarter's own reason (few residents) takes precedence
    assert out["reason"].tolist() == ["incomplete_data", "few_residents"]
    assert not out["resource"].any() and out["unmet_people"].isna().all()


# --- Berlin ---------------------------------------------------------------------------------

@requires_berlin
def test_berlin_has_73_boundary_planning_areas():
    quarters = gpd.read_file(BERLIN / "plr_2021" / "lor_planungsraeume_2021.shp")
    quarters = quarters.rename(columns={"PLR_ID": "quarter_id"})
    boundary = boundary_quarters(quarters)
    assert len(boundary) == 542 and int(boundary.sum()) == 73
    # the count is stable against the tolerances (no sliver decides it)
    assert int(boundary_quarters(quarters, min_shared_m=100, tolerance_m=5).sum()) == 73
