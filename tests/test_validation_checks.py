"""One test per validation check of issue 2, each on a small broken file built in code."""

from __future__ import annotations

import json
import sqlite3  # noqa: F401 - GeoPackage is SQLite; geopandas writes it

import geopandas as gpd
import pytest
import shapely
from conftest import FACILITIES_CSV, X0, Y0, quarters_geojson, square

import quartier


def findings(report, code):
    return [f for f in report if f.code == code]


def test_valid_study_loads_without_errors_or_warnings(make_study):
    study, report = quartier.validate_study(make_study())
    assert report.errors == [] and report.warnings == []
    assert list(study.quarters["quarter_id"]) == ["01", "02"]
    assert study.population_quarters["total"].tolist() == [1200.0, 800.0]
    assert study.facilities.set_index("facility_id")["capacity"].to_dict()["F1"] == 60.0
    assert study.facilities.set_index("facility_id")["field"].to_dict() == {
        "F1": "social_infrastructure", "F2": "health_care"}
    # decimal comma coordinates were read as numbers
    assert study.facilities.geometry.x.tolist() == [X0 + 500, X0 + 1500]


def test_missing_config_file(tmp_path):
    _, report = quartier.validate_study(tmp_path / "nope.toml")
    assert report.codes("error") == ["missing_file"]


def test_missing_data_file_names_path(make_study):
    path = make_study()
    (path.parent / "einwohner.csv").unlink()
    _, report = quartier.validate_study(path)
    [finding] = findings(report, "missing_file")
    assert finding.severity == "error" and finding.file.endswith("einwohner.csv")


def test_missing_layer_lists_available_layers(make_study, tmp_path):
    quarters = gpd.read_file(quarters_geojson())
    quarters.to_file(tmp_path / "grenzen.gpkg", layer="quartiere", driver="GPKG")
    path = make_study(extra="")
    text = path.read_text().replace('path = "quartiere.geojson"',
                                    'path = "grenzen.gpkg"\nlayer = "bezirke"')
    path.write_text(text)
    _, report = quartier.validate_study(path)
    [finding] = findings(report, "missing_layer")
    assert finding.severity == "error" and "quartiere" in finding.hint
    # the right layer loads
    path.write_text(text.replace('layer = "bezirke"', 'layer = "quartiere"'))
    study, report = quartier.validate_study(path)
    assert report.ok and len(study.quarters) == 2


def test_missing_column_names_available_columns(make_study):
    path = make_study(files={"einwohner.csv": "quartier;summe\n01;1200\n02;800\n"})
    _, report = quartier.validate_study(path)
    missing = findings(report, "missing_column")
    assert {f.column for f in missing} == {"einwohner", "unter6", "ab80"}
    assert all("summe" in f.hint and f.severity == "error" for f in missing)


def test_mistyped_population_column(make_study):
    path = make_study(files={"einwohner.csv":
                             "quartier;einwohner;unter6;ab80\n01;1200;80;60\n02;viele;50;30\n"})
    _, report = quartier.validate_study(path)
    [finding] = findings(report, "non_numeric")
    assert finding.severity == "error" and finding.column == "total" and finding.rows == "02"
    assert "'viele'" in finding.message


def test_negative_population(make_study):
    path = make_study(files={"einwohner.csv":
                             "quartier;einwohner;unter6;ab80\n01;1200;-80;60\n02;800;50;30\n"})
    _, report = quartier.validate_study(path)
    [finding] = findings(report, "negative_value")
    assert finding.severity == "error" and finding.column == "age_0_5" and finding.rows == "01"


def test_mistyped_capacity_is_a_warning_and_kept_unknown(make_study):
    csv = FACILITIES_CSV.replace(";60;", ";sechzig;")
    study, report = quartier.validate_study(make_study(files={"einrichtungen.csv": csv}))
    [finding] = findings(report, "non_numeric")
    assert finding.severity == "warning" and finding.rows == "F1"
    assert study.facilities["capacity"].isna().all()


def test_approximate_capacity_is_read_with_a_warning(make_study):
    csv = FACILITIES_CSV.replace(";60;", ";ca. 60;")
    study, report = quartier.validate_study(make_study(files={"einrichtungen.csv": csv}))
    [finding] = findings(report, "approximate_number")
    assert finding.severity == "warning" and finding.rows == "F1"
    assert study.facilities.set_index("facility_id").loc["F1", "capacity"] == 60.0


def test_duplicate_and_empty_quarter_ids(make_study):
    features = [
        {"nr": "01", "name": "A", "coords": [square(X0, Y0)]},
        {"nr": "01", "name": "B", "coords": [square(X0 + 1000, Y0)]},
        {"nr": "", "name": "C", "coords": [square(X0 + 2000, Y0)]},
    ]
    _, report = quartier.validate_study(
        make_study(files={"quartiere.geojson": quarters_geojson(features)}))
    [duplicate] = findings(report, "duplicate_id")
    [empty] = findings(report, "empty_id")
    assert "01" in duplicate.message and empty.rows == "3"


def test_missing_crs_in_wkt_csv(make_study):
    wkt = ('nr,name,wkt\n01,Altstadt,"POLYGON ((476000 5465000, 477000 5465000, 477000 5466000, '
           '476000 5466000, 476000 5465000))"\n')
    path = make_study(files={"quartiere.csv": wkt})
    text = path.read_text().replace('path = "quartiere.geojson"',
                                    'path = "quartiere.csv"\nwkt = "wkt"')
    path.write_text(text)
    _, report = quartier.validate_study(path)
    assert "missing_crs" in report.codes("error")
    path.write_text(text.replace('wkt = "wkt"', 'wkt = "wkt"\ncrs = "EPSG:25832"'))
    study, report = quartier.validate_study(path)
    assert report.ok and study.quarters.area.iloc[0] == pytest.approx(1e6)


def test_unknown_crs_in_config(make_study):
    path = make_study()
    path.write_text(path.read_text().replace('crs = "EPSG:25832"',
                                             'crs = "EPSG:99999"', 1))
    _, report = quartier.validate_study(path)
    assert "unknown_crs" in report.codes("error")


def test_geographic_input_is_reprojected(make_study):
    projected = gpd.read_file(quarters_geojson())
    lonlat = json.loads(projected.to_crs(4326).to_json())
    study, report = quartier.validate_study(
        make_study(files={"quartiere.geojson": json.dumps(lonlat)}))
    assert report.ok and "reprojected" in report.codes("note")
    assert study.quarters.crs.to_epsg() == 25832
    assert study.quarters.area.tolist() == pytest.approx([1e6, 1e6], rel=1e-6)


def test_geographic_working_crs_is_an_error(make_study):
    path = make_study()
    path.write_text(path.read_text().replace('crs = "EPSG:25832"',
                                             'crs = "EPSG:4326"', 1))
    _, report = quartier.validate_study(path)
    assert "geographic_crs" in report.codes("error")


def test_invalid_geometry_is_repaired_with_warning(make_study):
    bowtie = [[[X0, Y0], [X0 + 1000, Y0 + 1000], [X0 + 1000, Y0], [X0, Y0 + 1000], [X0, Y0]]]
    features = [{"nr": "01", "name": "Schleife", "coords": bowtie},
                {"nr": "02", "name": "Neustadt", "coords": [square(X0 + 1000, Y0)]}]
    study, report = quartier.validate_study(
        make_study(files={"quartiere.geojson": quarters_geojson(features)}))
    [finding] = findings(report, "invalid_geometry")
    assert finding.severity == "warning" and finding.rows == "01"
    geometry = study.quarters.set_index("quarter_id").geometry["01"]
    assert geometry.is_valid and geometry.area == pytest.approx(500_000)  # two triangles


def test_empty_quarter_geometry_is_an_error(make_study):
    features = [{"nr": "01", "name": "A", "coords": [square(X0, Y0)]},
                {"nr": "02", "name": "Ohne", "coords": None}]
    _, report = quartier.validate_study(
        make_study(files={"quartiere.geojson": quarters_geojson(features)}))
    [finding] = findings(report, "empty_geometry")
    assert finding.severity == "error" and finding.rows == "02"


def test_points_as_quarters_are_rejected(make_study):
    features = [{"nr": "01", "name": "A", "type": "Point", "coords": [X0, Y0]}]
    _, report = quartier.validate_study(
        make_study(files={"quartiere.geojson": quarters_geojson(features)}))
    assert "wrong_geometry_type" in report.codes("error")


def test_polygon_facility_becomes_representative_point(make_study, tmp_path):
    poly = shapely.box(X0 + 100, Y0 + 100, X0 + 300, Y0 + 300)
    frame = gpd.GeoDataFrame({"id": ["P1", "P2"], "name": ["Park", "Spielplatz"],
                              "kategorie": ["park", "playground"]},
                             geometry=[poly, shapely.MultiPoint([(X0 + 10, Y0 + 10)])],
                             crs=25832)
    frame.to_file(tmp_path / "gruen.geojson", driver="GeoJSON")
    path = make_study(extra="""
        [[facilities]]
        path = "gruen.geojson"
        columns = { facility_id = "id", name = "name", category = "kategorie" }
        """)
    study, report = quartier.validate_study(path)
    [finding] = findings(report, "not_a_point")
    assert finding.rows == "P1"  # the single-point MultiPoint P2 is accepted silently
    points = study.facilities.set_index("facility_id").geometry
    assert points["P1"].geom_type == "Point" and poly.contains(points["P1"])
    assert (points["P2"].x, points["P2"].y) == (X0 + 10, Y0 + 10)


def test_empty_facility_geometry_is_dropped_with_warning(make_study):
    csv = FACILITIES_CSV + "F3;Ohne Ort;pharmacy;;;\n"
    study, report = quartier.validate_study(make_study(files={"einrichtungen.csv": csv}))
    [finding] = findings(report, "empty_geometry")
    assert finding.severity == "warning" and finding.rows == "F3"
    assert set(study.facilities["facility_id"]) == {"F1", "F2"}


def test_facilities_outside_every_quarter_are_kept(make_study):
    csv = FACILITIES_CSV + f"F9;Pflegeheim Nachbarort;nursing_home;80;{X0 - 300:.0f};{Y0:.0f}\n"
    study, report = quartier.validate_study(make_study(files={"einrichtungen.csv": csv}))
    [finding] = findings(report, "outside_quarters")
    assert finding.severity == "warning" and finding.rows == "F9"
    assert finding.message.startswith("1 Einrichtungen")
    assert "F9" in set(study.facilities["facility_id"])


def test_overlapping_quarters_warn_with_area(make_study):
    features = [{"nr": "01", "name": "A", "coords": [square(X0, Y0)]},
                {"nr": "02", "name": "B", "coords": [square(X0 + 900, Y0)]}]  # 100 m overlap
    _, report = quartier.validate_study(
        make_study(files={"quartiere.geojson": quarters_geojson(features)}))
    [finding] = findings(report, "overlapping_quarters")
    assert "100.000 m²" in finding.message and finding.rows.startswith("01/02")


def test_gap_between_quarters_warns_with_area(make_study):
    # a ring of quarters around a 200 m × 200 m hole
    outer = shapely.box(X0, Y0, X0 + 1000, Y0 + 1000)
    hole = shapely.box(X0 + 400, Y0 + 400, X0 + 600, Y0 + 600)
    left = outer.difference(hole).intersection(shapely.box(X0, Y0, X0 + 500, Y0 + 1000))
    right = outer.difference(hole).intersection(shapely.box(X0 + 500, Y0, X0 + 1000, Y0 + 1000))
    frame = gpd.GeoDataFrame({"nr": ["01", "02"], "name": ["West", "Ost"]},
                             geometry=[left, right], crs=25832)
    _, report = quartier.validate_study(make_study(files={"quartiere.geojson": frame.to_json(
        to_wgs84=False).replace('"type": "FeatureCollection"', '"type": "FeatureCollection", '
                                '"crs": {"type": "name", "properties": {"name": '
                                '"urn:ogc:def:crs:EPSG::25832"}}')}))
    [finding] = findings(report, "gaps_between_quarters")
    assert "40.000 m²" in finding.message


def test_detached_village_is_not_a_gap(make_study):
    features = [{"nr": "01", "name": "Stadt", "coords": [square(X0, Y0)]},
                {"nr": "02", "name": "Dorf", "coords": [square(X0 + 3000, Y0)]}]
    _, report = quartier.validate_study(
        make_study(files={"quartiere.geojson": quarters_geojson(features)}))
    assert not findings(report, "gaps_between_quarters")


def test_unknown_category_lists_allowed(make_study):
    csv = FACILITIES_CSV.replace(";kita;", ";Kindergarten;")
    _, report = quartier.validate_study(make_study(files={"einrichtungen.csv": csv}))
    [finding] = findings(report, "unknown_category")
    assert "'Kindergarten'" in finding.message and "kita" in finding.hint
    assert "nursing_home" in finding.hint


def test_category_map_translates_user_values(make_study):
    csv = FACILITIES_CSV.replace(";kita;", ";Kindergarten;")
    study, report = quartier.validate_study(make_study(
        files={"einrichtungen.csv": csv}, extra='category_map = { "Kindergarten" = "kita" }'))
    assert report.ok and "kita" in set(study.facilities["category"])


def test_duplicate_facility_ids(make_study):
    csv = FACILITIES_CSV.replace("F2;", "F1;")
    _, report = quartier.validate_study(make_study(files={"einrichtungen.csv": csv}))
    assert "duplicate_id" in report.codes("error")


def test_unknown_config_key_is_a_warning(make_study):
    path = make_study(extra="colums = { name = 'x' }")
    _, report = quartier.validate_study(path)
    assert any(f.code == "unknown_key" and "colums" in f.message for f in report)


def test_load_study_raises_one_error_listing_every_problem(make_study):
    csv = FACILITIES_CSV.replace(";kita;", ";Kindergarten;")
    path = make_study(files={"einrichtungen.csv": csv,
                             "einwohner.csv": "quartier;einwohner;unter6;ab80\n01;-5;1;1\n"})
    with pytest.raises(quartier.StudyError) as raised:
        quartier.load_study(path)
    text = str(raised.value)
    assert "unknown_category" in text and "negative_value" in text
    assert len(raised.value.report.errors) == 2


def test_id_corrections_fix_a_duplicate_quarter_id_by_object_number(make_study):
    features = [
        {"nr": "01", "name": "Altstadt", "coords": [square(X0, Y0)]},
        {"nr": "01", "name": "Neustadt", "coords": [square(X0 + 1000, Y0)]},
    ]
    path = make_study(files={"quartiere.geojson": quarters_geojson(features)})
    _, report = quartier.validate_study(path)
    [duplicate] = findings(report, "duplicate_id")
    assert duplicate.rows == "1, 2"
    text = path.read_text().replace('columns = { quarter_id = "nr", name = "name" }',
                                    'columns = { quarter_id = "nr", name = "name" }\n'
                                    'id_corrections = { "2" = "02" }')
    path.write_text(text)
    study, report = quartier.validate_study(path)
    assert not report.codes("error")
    assert study.quarters.set_index("name").loc["Neustadt", "quarter_id"] == "02"
    [note] = findings(report, "ids_corrected")
    assert "Objekt 2: 01 → 02" in note.message
    path.write_text(text.replace('"2" = "02"', '"9" = "02"'))
    _, report = quartier.validate_study(path)
    assert any("Objekt 9" in f.message for f in findings(report, "bad_value"))


def test_compute_without_facilities_keeps_the_social_index_only(make_study):
    path = make_study()
    path.write_text(path.read_text().split("[[facilities]]")[0])
    study = quartier.load_study(path)
    results = quartier.compute(study)
    assert results.gaps.empty
    assert results.indicators.empty or results.indicators["category"].isna().all()
