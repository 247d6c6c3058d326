"""Facility loaders: CSV with lon/lat, Excel with x/y, OSM tags, several sources."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import X0, Y0
from pyproj import Transformer

import quartier


def lonlat(x, y):
    return Transformer.from_crs(25832, 4326, always_xy=True).transform(x, y)


def test_csv_with_lon_lat_columns(make_study):
    lon, lat = lonlat(X0 + 250, Y0 + 250)
    csv = f"id,name,kategorie,lon,lat\nA1,Tafel Altstadt,food_bank,{lon:.8f},{lat:.8f}\n"
    path = make_study(files={"tafel.csv": csv}, extra="""
        [[facilities]]
        path = "tafel.csv"
        x = "lon"
        y = "lat"
        crs = "EPSG:4326"
        columns = { facility_id = "id", name = "name", category = "kategorie" }
        """)
    study, report = quartier.validate_study(path)
    assert report.ok
    point = study.facilities.set_index("facility_id").geometry["A1"]
    assert (point.x, point.y) == pytest.approx((X0 + 250, Y0 + 250), abs=0.01)
    assert study.facilities.set_index("facility_id").at["A1", "field"] == "everyday_help"


def test_csv_coordinates_without_crs_is_an_error(make_study):
    path = make_study()
    path.write_text(path.read_text().replace('y = "y"\ncrs = "EPSG:25832"', 'y = "y"'))
    _, report = quartier.validate_study(path)
    assert "missing_crs" in report.codes("error")


def test_lonlat_given_as_utm_metres_is_caught(make_study):
    path = make_study()
    path.write_text(path.read_text().replace('y = "y"\ncrs = "EPSG:25832"',
                                             'y = "y"\ncrs = "EPSG:4326"'))
    _, report = quartier.validate_study(path)
    assert "wrong_crs" in report.codes("error")


def test_excel_with_fixed_category_and_address_columns(make_study, tmp_path):
    pd.DataFrame({"Nr": [1, 2], "Bezeichnung": ["Seniorentreff Mitte", "Treff Süd"],
                  "Rechtswert": [X0 + 100, X0 + 1100], "Hochwert": [Y0 + 100, Y0 + 100],
                  "Straße": ["Marktplatz", "Bergweg"], "Hausnummer": ["1", "7a"],
                  "PLZ": ["69181", "69181"], "Ort": ["Musterstadt", "Musterstadt"]}).to_excel(
        tmp_path / "treffs.xlsx", index=False)
    path = make_study(extra="""
        [[facilities]]
        path = "treffs.xlsx"
        x = "Rechtswert"
        y = "Hochwert"
        crs = "EPSG:25832"
        category = "senior_centre"
        id_prefix = "st-"
        columns = { facility_id = "Nr", name = "Bezeichnung" }
        address_columns = ["Straße", "Hausnummer", "PLZ", "Ort"]
        """)
    study, report = quartier.validate_study(path)
    assert report.ok
    treffs = study.facilities.set_index("facility_id").loc[["st-1", "st-2"]]
    assert treffs["address"].tolist() == ["Marktplatz 1, 69181 Musterstadt",
                                          "Bergweg 7a, 69181 Musterstadt"]
    assert set(treffs["category"]) == {"senior_centre"}


def test_osm_tags_classify_rows(make_study):
    csv = ("id,name,amenity,social_facility,social_facility:for,x,y\n"
           f"n1,Haus Abendrot,social_facility,nursing_home,senior;disabled,{X0 + 10},{Y0 + 10}\n"
           f"n2,Bank,bench,,,{X0 + 20},{Y0 + 20}\n")
    path = make_study(files={"osm.csv": csv}, extra="""
        [[facilities]]
        path = "osm.csv"
        x = "x"
        y = "y"
        crs = "EPSG:25832"
        osm = true
        columns = { facility_id = "id", name = "name" }
        """)
    study, report = quartier.validate_study(path)
    assert report.ok
    categories = study.facilities.set_index("facility_id")["category"]
    assert categories["n1"] == "nursing_home" and "n2" not in categories.index
    assert "no_category" in report.codes("note")


def test_lon_lat_columns_are_found_and_taken_as_wgs84(make_study):
    lon, lat = lonlat(X0 + 700, Y0 + 300)
    csv = f"id;name;kategorie;Lat;Lon\nB1;Bücherei;library;{lat:.8f};{lon:.8f}\n".replace(".", ",")
    path = make_study(files={"buecherei.csv": csv}, extra="""
        [[facilities]]
        path = "buecherei.csv"
        columns = { facility_id = "id", name = "name", category = "kategorie" }
        """)
    study, report = quartier.validate_study(path)
    assert report.ok and {"coordinate_columns", "assumed_crs"} <= set(report.codes("note"))
    point = study.facilities.set_index("facility_id").geometry["B1"]
    assert (point.x, point.y) == pytest.approx((X0 + 700, Y0 + 300), abs=0.01)
