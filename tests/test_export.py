"""Exports: GeoPackage, CSV and Excel beside the report (quartier.export)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
from conftest import X0, Y0, quarters_geojson, requires_berlin, square

import quartier
from quartier.assign import assign_points
from quartier.compute import RESULT_COLUMNS
from quartier.export import (
    column_name,
    export_slug,
    naming,
    quarter_table,
    tables,
    workbook,
    write_exports,
)
from quartier.fields import FIELDS, field_label
from quartier.indicators.registry import STATUSES, status_label
from quartier.judgements import judgement_label
from quartier.report.context import format_indicator

CREATED = dt.datetime(2025, 3, 1, 12, 0, 0)
GERMAN_STATUS = {status_label(key, "de") for key in STATUSES}
ENGLISH_STATUS = {status_label(key, "en") for key in STATUSES}


@pytest.fixture(scope="module")
def exported(sample, tmp_path_factory):
    study, results = sample
    folder = tmp_path_factory.mktemp("export_de")
    return write_exports(study, results, folder, created=CREATED)


@pytest.fixture(scope="module")
def exported_en(sample, tmp_path_factory):
    study, results = sample
    folder = tmp_path_factory.mktemp("export_en")
    return write_exports(study, results, folder, language="en", created=CREATED)


def value(results, quarter, category, indicator):
    rows = results.indicators
    match = rows[(rows["quarter_id"] == quarter) & (rows["category"] == category)
                 & (rows["indicator"] == indicator)]
    assert len(match) == 1
    return float(match["value"].iloc[0])


def same_text(left: pd.Series, right: pd.Series) -> bool:
    def normal(series):  # CSV cannot tell an empty text from a missing one
        return [None if pd.isna(v) or v == "" else str(v) for v in series]
    return normal(left) == normal(right)


# --------------------------------------------------------------------------------------------
# files


def test_every_file_is_written_and_no_temporary_file_is_left(exported):
    assert set(exported) == {"geopackage", "excel", "indicators", "gaps", "facilities", "status",
                             "housing"}
    assert exported["geopackage"].name == "musterstadt_2025.gpkg"
    assert exported["excel"].name == "musterstadt_2025.xlsx"
    assert {p.name for p in exported.values()} >= {"indikatoren.csv", "bewertung.csv",
                                                    "einrichtungen.csv", "sozialindex.csv"}
    folder = exported["geopackage"].parent
    assert all(path.is_file() and path.stat().st_size > 0 for path in exported.values())
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in exported.values())


def test_slug_is_ascii():
    assert export_slug("Musterstadt") == "musterstadt"
    assert export_slug("Bad Dürkheim / Süd") == "bad-duerkheim-sued"
    assert export_slug("  ") == "studie"


# --------------------------------------------------------------------------------------------
# GeoPackage


def test_geopackage_layers(exported):
    layers = dict(pyogrio.list_layers(exported["geopackage"]))
    assert layers["quartiere"] == "MultiPolygon"
    assert layers["einrichtungen"] == "Point"
    for table in ("indikatoren", "bewertung", "kategorien", "spalten", "sozialindex"):
        assert layers[table] is None  # attribute tables without geometry


def test_quarters_layer_holds_the_results_exactly(sample, exported):
    study, results = sample
    layer = gpd.read_file(exported["geopackage"], layer="quartiere")
    assert len(layer) == 7
    assert layer.crs.equals(study.quarters.crs) and layer.crs.to_epsg() == 25832
    assert layer["quarter_id"].tolist() == ["01", "02", "03", "04", "05", "06", "07"]
    for quarter, category, indicator in (("01", "kita", "supply_rate"),
                                         ("03", "kita", "coverage"),
                                         ("02", "gp", "fca_access"),
                                         ("05", "playground", "median_distance"),
                                         ("07", "pharmacy", "count")):
        row = layer[layer["quarter_id"] == quarter].iloc[0]
        expected = value(results, quarter, category, indicator)
        assert row[f"{category}__{indicator}"] == expected or (
            np.isnan(expected) and np.isnan(row[f"{category}__{indicator}"]))
    assert layer.loc[0, "kita__supply_rate"] == value(results, "01", "kita", "supply_rate")

    # every indicator cell, through the column map in the "spalten" table
    columns = gpd.read_file(exported["geopackage"], layer="spalten")
    numeric = columns[columns["indicator"] != "status"]
    assert all(pd.api.types.is_float_dtype(layer[c]) for c in numeric["column"])
    long = layer.melt(id_vars="quarter_id", value_vars=list(numeric["column"]),
                      var_name="column", value_name="exported").merge(numeric, on="column")
    merged = long.merge(results.indicators, on=["quarter_id", "category", "indicator"])
    assert len(merged) == len(results.indicators.dropna(subset=["category"]))
    assert np.array_equal(merged["exported"].to_numpy(), merged["value"].to_numpy(),
                          equal_nan=True)

    # statuses, residents and the social index
    gaps = results.gaps[results.gaps["category"] == "kita"].set_index("quarter_id")["status"]
    assert layer.set_index("quarter_id")["kita__status"].to_dict() == gaps.to_dict()
    assert layer["residents"].sum() == pytest.approx(results.surface["total"].sum())
    status = results.social_index["status_index"]
    assert np.array_equal(layer["status_index"].to_numpy(), status.to_numpy(), equal_nan=True)
    assert layer.loc[1, "combined_class"] == results.social_index.loc["02", "combined_class"]


def test_column_names_are_short_valid_and_unique(exported):
    layer = pyogrio.read_info(exported["geopackage"], layer="quartiere")
    names = list(layer["fields"])
    assert len({n.lower() for n in names}) == len(names)
    assert all(len(n) <= 63 and n.replace("_", "").isalnum() and n.isascii() for n in names)
    assert {"quarter_id", "name", "residents", "kita__supply_rate", "kita__status",
            "status_index", "status_class", "dynamics_class"} <= set(names)


def test_column_name_rules():
    assert column_name("kita", "supply_rate") == "kita__supply_rate"
    assert column_name("Begegnungsstätte 2", "coverage") == "begegnungsstaette_2__coverage"
    assert column_name("24h-Apotheke", "count") == "c_24h_apotheke__count"
    long_a, long_b = column_name("a" * 70, "coverage"), column_name("a" * 70, "count")
    assert len(long_a) == len(long_b) == 63 and long_a != long_b
    assert long_a == column_name("a" * 70, "coverage")  # stable
    # Two keys that reduce to the same name still get distinct columns.
    names = naming.unique_columns([("Kita", "count"), ("kita", "count")], {"quarter_id"})
    assert names[0] == "kita__count" and names[1] != names[0] and len(names[1]) <= 63


def test_facilities_layer(sample, exported):
    study, _ = sample
    layer = gpd.read_file(exported["geopackage"], layer="einrichtungen")
    assert len(layer) == len(study.facilities)
    assert layer.crs.equals(study.quarters.crs)
    assert list(layer.columns[:9]) == ["facility_id", "name", "field", "category", "capacity",
                                       "operator", "target_group", "address", "source"]
    expected = assign_points(study.facilities, study.quarters)
    assert same_text(layer["quarter_id"], expected)
    assert layer["quarter_id"].isna().sum() == (~study.facilities["in_study_area"]).sum() == 3


def test_attribute_tables(sample, exported):
    _, results = sample
    table = pyogrio.read_dataframe(exported["geopackage"], layer="indikatoren")
    assert list(table.columns) == RESULT_COLUMNS and len(table) == len(results.indicators)
    assert np.array_equal(table["value"].to_numpy(), results.indicators["value"].to_numpy(),
                          equal_nan=True)
    categories = pyogrio.read_dataframe(exported["geopackage"], layer="kategorien")
    assert set(categories["category"]) == set(results.indicators["category"].dropna())


# --------------------------------------------------------------------------------------------
# CSV


GERMAN_INDICATOR_HEADERS = ["Quartier-Nr.", "Quartier", "Handlungsfeld", "Kategorie", "Indikator",
                            "Wert", "Einheit", "Bezugsgruppe", "Vergleichswert", "Bewertung",
                            "Grundlage"]


def _printed_alike(csv_values, raw_values, indicators, language="de") -> None:
    """The CSV value prints as the report prints the raw value, and has no more decimals."""
    for written, raw, indicator in zip(csv_values, raw_values, indicators, strict=True):
        if pd.isna(raw):
            assert pd.isna(written)
            continue
        assert format_indicator(written, indicator, language) == \
            format_indicator(raw, indicator, language), (indicator, written, raw)
        shown = format_indicator(raw, indicator, "en")  # e.g. "12.3 %", "1,234 m", "0.62"
        digits = shown.rstrip(" \xa0%m").replace(",", "")
        decimals = len(digits.partition(".")[2])
        assert round(written, decimals) == written, (indicator, written, shown)


def test_indicators_csv_reads_back_for_german_excel(sample, exported):
    study, results = sample
    path = exported["indicators"]
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"Quartier-Nr.;Quartier;Handlungsfeld" in raw[:60]
    table = pd.read_csv(path, sep=";", decimal=",", dtype={"Quartier-Nr.": str})
    assert list(table.columns) == GERMAN_INDICATOR_HEADERS
    assert len(table) == len(results.indicators)
    assert table["Quartier-Nr."].iloc[0] == "01" and "07" in set(table["Quartier-Nr."])
    names = study.quarters.set_index("quarter_id")["name"]
    assert table["Quartier"].tolist() == names.loc[results.indicators["quarter_id"]].tolist()
    indicators = results.indicators["indicator"]
    _printed_alike(table["Wert"], results.indicators["value"], indicators)
    fields = results.indicators["field"]
    has_field = fields.isin(FIELDS).to_numpy()
    assert table.loc[has_field, "Handlungsfeld"].tolist() == [field_label(f)
                                                              for f in fields[has_field]]
    statuses = results.indicators["status"]
    judged = statuses.notna() & (statuses != "")
    assert table.loc[judged.to_numpy(), "Bewertung"].tolist() == [
        judgement_label(s) for s in statuses[judged]]
    assert "gap" not in set(table["Bewertung"]) and "Lücke" in set(table["Bewertung"])


def test_other_csv_files(sample, exported):
    study, results = sample
    gaps = pd.read_csv(exported["gaps"], sep=";", decimal=",", dtype={"Quartier-Nr.": str})
    assert {"Quartier-Nr.", "Kategorie", "Bewertung", "Ressource", "Menschen ohne Zugang",
            "fehlende Plätze", "Grundlage"} <= set(gaps.columns)
    _printed_alike(gaps["Wert"], results.gaps["value"], results.gaps["indicator"])
    assert gaps["Bewertung"].tolist() == [judgement_label(s) for s in results.gaps["status"]]
    assert gaps["Ressource"].tolist() == ["ja" if r else "nein" for r in results.gaps["resource"]]
    missing = gaps["fehlende Plätze"].dropna()
    assert (missing == missing.round()).all()

    facilities = pd.read_csv(exported["facilities"], sep=";", decimal=",",
                             dtype={"Quartier-Nr.": str, "Einrichtungs-Nr.": str})
    assert len(facilities) == len(study.facilities)
    assert {"Rechtswert (m)", "Hochwert (m)", "Längengrad", "Breitengrad", "Quartier-Nr."} <= \
        set(facilities.columns)
    geometry = study.facilities.geometry
    assert np.allclose(facilities["Rechtswert (m)"], geometry.x, atol=0.01)
    assert np.allclose(facilities["Hochwert (m)"], geometry.y, atol=0.01)
    wgs84 = geometry.to_crs(4326)
    assert np.allclose(facilities["Längengrad"], wgs84.x, atol=1e-6)
    assert np.allclose(facilities["Breitengrad"], wgs84.y, atol=1e-6)
    assert facilities["Längengrad"].between(5, 16).all()
    assert facilities["Breitengrad"].between(47, 56).all()
    assert set(facilities["Handlungsfeld"]) <= {field_label(f) for f in FIELDS}

    status = pd.read_csv(exported["status"], sep=";", decimal=",", dtype={"Quartier-Nr.": str})
    assert status["Quartier-Nr."].tolist()[:2] == ["01", "02"]
    assert np.allclose(status["Statusindex"], results.social_index["status_index"], atol=0.005,
                       equal_nan=True)
    assert (status["Statusindex"].dropna() == status["Statusindex"].dropna().round(2)).all()
    assert set(status["im Index berücksichtigt"]) <= {"ja", "nein"}


def test_english_csv_uses_comma_and_point(sample, exported_en):
    _, results = sample
    text = exported_en["indicators"].read_text(encoding="utf-8-sig")
    assert text.startswith("Quarter no.,Quarter,Action field,Category,Indicator,Value")
    table = pd.read_csv(exported_en["indicators"], dtype={"Quarter no.": str})
    assert table["Quarter no."].iloc[0] == "01"
    _printed_alike(table["Value"], results.indicators["value"], results.indicators["indicator"],
                   "en")
    assert "Gap" in set(table["Judgement"]) and "Lücke" not in set(table["Judgement"])
    gaps = pd.read_csv(exported_en["gaps"], dtype={"Quarter no.": str})
    assert set(gaps["Resource"]) == {"yes", "no"}
    assert "Bewertung" not in gaps.columns and "Judgement" in gaps.columns


# --------------------------------------------------------------------------------------------
# Excel


def test_workbook_sheets_and_values(sample, exported):
    study, results = sample
    workbook = openpyxl.load_workbook(exported["excel"])
    expected = ["Übersicht", *[field_label(f) for f in FIELDS], "Bewertung", "Sozialindex",
                "Wohnungsdaten", "Einrichtungen", "Kategorien", "Indikatoren"]
    assert workbook.sheetnames == expected
    assert workbook.properties.created == CREATED == workbook.properties.modified

    sheet = workbook["Soziale Infrastruktur"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["Quartier-Nr.", "Quartier", "Einwohner"]
    rate = "Kindertagesstätte (Kita) – Versorgungsquote im Quartier (Plätze je 1.000)"
    coverage = "Kindertagesstätte (Kita) – Abdeckung (%)"
    assert rate in headers and coverage in headers
    last = openpyxl.utils.get_column_letter(sheet.max_column)
    assert sheet.freeze_panes == "C2" and sheet.auto_filter.ref == f"A1:{last}8"
    first = sheet["A2"]
    assert first.value == "01" and first.data_type == "s"
    rate_cell = sheet.cell(row=2, column=headers.index(rate) + 1)
    assert rate_cell.value == pytest.approx(value(results, "01", "kita", "supply_rate"),
                                            rel=1e-12)
    assert rate_cell.number_format == "#,##0.00"
    assert sheet.cell(row=2, column=headers.index(coverage) + 1).value is None  # no standard
    environment = workbook["Wohnumfeld"]
    headers_environment = [cell.value for cell in environment[1]]
    playground = headers_environment.index("Spielplatz – Abdeckung (%)") + 1
    assert environment.cell(row=2, column=playground).number_format == '0.0" %"'
    assert environment.cell(row=2, column=playground).value == pytest.approx(
        value(results, "01", "playground", "coverage"), rel=1e-12)
    status_column = [h for h in headers if h.startswith("Kindertagesstätte (Kita) – Bewertung")]
    assert len(status_column) == 1
    statuses = {sheet.cell(row=r, column=headers.index(status_column[0]) + 1).value
                for r in range(2, 9)}
    assert statuses <= GERMAN_STATUS

    # pandas reads the same numbers (it turns text like "01" into numbers unless told not to;
    # the cell itself is text, see above)
    ids = {"Quartier-Nr.": str}
    frame = pd.read_excel(exported["excel"], sheet_name="Soziale Infrastruktur", dtype=ids)
    assert frame["Quartier-Nr."].tolist() == ["01", "02", "03", "04", "05", "06", "07"]
    expected_rates = [value(results, q, "kita", "supply_rate") for q in frame["Quartier-Nr."]]
    assert np.allclose(frame[rate], expected_rates, rtol=1e-12, equal_nan=True)

    assessment = pd.read_excel(exported["excel"], sheet_name="Bewertung", dtype=ids)
    assert len(assessment) == len(results.gaps)
    assert set(assessment["Bewertung"]) <= GERMAN_STATUS and "Lücke" in set(
        assessment["Bewertung"])
    assert np.allclose(assessment["Wert"], results.gaps["value"], rtol=1e-12, equal_nan=True)
    town = (results.gaps["basis"] == "town").to_numpy()
    assert town.any() and "Lücke" not in set(assessment.loc[town, "Bewertung"])
    assert set(assessment.loc[town, "Grundlage"]) == {"Median der Quartiere"}

    social = pd.read_excel(exported["excel"], sheet_name="Sozialindex", dtype=ids)
    assert social["Quartier-Nr."].iloc[0] == "01"
    assert np.allclose(social["Statusindex"], results.social_index["status_index"], rtol=1e-12,
                       equal_nan=True)
    # z-values headed by the indicator's label, as in the report (not "z: arbeitslose_anteil")
    assert "z: Arbeitslose (%)" in social.columns
    assert not [c for c in social.columns if c.startswith("z") and "_anteil" in c]
    facilities = pd.read_excel(exported["excel"], sheet_name="Einrichtungen")
    assert len(facilities) == len(study.facilities)
    registry = pd.read_excel(exported["excel"], sheet_name="Indikatoren")
    assert {"supply_rate", "fca_access", "coverage"} <= set(registry["Schlüssel"])
    assert registry["Formel"].str.len().min() > 10

    overview = [row for row in workbook["Übersicht"].iter_rows(values_only=True)]
    flat = [str(v) for row in overview for v in row if v is not None]
    assert "Musterstadt" in flat and "01.03.2025" in flat
    assert study.config.attribution[0] in flat
    assert GERMAN_STATUS <= set(flat)


def test_english_workbook(exported_en):
    workbook = openpyxl.load_workbook(exported_en["excel"])
    assert workbook.sheetnames == ["Overview", *[field_label(f, "en") for f in FIELDS],
                                   "Assessment", "Social index", "Housing data",
                                   "Facilities", "Categories",
                                   "Indicators"]
    headers = [cell.value for cell in workbook["Social infrastructure"][1]]
    assert headers[0] == "Quarter id"
    assert "Day-care centre (Kita) – Supply rate in the quarter (places per 1,000)" in headers
    assessment = pd.read_excel(exported_en["excel"], sheet_name="Assessment")
    assert set(assessment["Assessment"]) <= ENGLISH_STATUS


def test_sheet_names_respect_excel_rules():
    used: set[str] = set()
    name = workbook._sheet_name("Wohnen/Umfeld: [Test]*? mit einem sehr langen Namen", used)
    assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
    again = workbook._sheet_name("Wohnen/Umfeld: [Test]*? mit einem sehr langen Namen", used)
    assert again != name and len(again) <= 31
    assert workbook._sheet_name("wohnen", used) == "wohnen"
    assert workbook._sheet_name("WOHNEN", used) != "WOHNEN"  # Excel ignores case


# --------------------------------------------------------------------------------------------
# determinism and safe writes


def test_rerun_with_the_same_time_gives_identical_files(sample, exported, tmp_path):
    study, results = sample
    again = write_exports(study, results, tmp_path, created=CREATED)
    for key, path in exported.items():
        assert again[key].read_bytes() == path.read_bytes(), key


def test_interrupted_run_keeps_previous_files(sample, tmp_path, monkeypatch):
    study, results = sample
    first = write_exports(study, results, tmp_path, created=CREATED)
    before = {key: path.read_bytes() for key, path in first.items()}

    def broken(path, *args, **kwargs):
        Path(path).write_bytes(b"half a workbook")
        raise KeyboardInterrupt

    monkeypatch.setattr(tables, "write_workbook", broken)
    with pytest.raises(KeyboardInterrupt):
        write_exports(study, results, tmp_path, created=dt.datetime(2026, 1, 1))
    assert {key: path.read_bytes() for key, path in first.items()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in first.values())


def test_bad_arguments(sample, tmp_path):
    study, results = sample
    with pytest.raises(TypeError, match="quartier.compute"):
        write_exports(study, results.indicators, tmp_path)
    with pytest.raises(TypeError, match="load_study"):
        write_exports(None, results, tmp_path)
    with pytest.raises(ValueError, match="fr"):
        write_exports(study, results, tmp_path, language="fr")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------------------------
# leading zeros


def test_three_digit_ids_survive_everywhere(make_study, tmp_path):
    path = make_study({
        "quartiere.geojson": quarters_geojson([
            {"nr": "007", "name": "Altstadt", "coords": [square(X0, Y0)]},
            {"nr": "010", "name": "Neustadt", "coords": [square(X0 + 1000, Y0)]}]),
        "einwohner.csv": "quartier;einwohner;unter6;ab80\n007;1200;80;60\n010;800;50;30\n",
    })
    study = quartier.load_study(path)
    results = quartier.compute(study)
    assert results.social_index is None
    paths = write_exports(study, results, tmp_path / "out", created=CREATED)
    assert "status" not in paths and not (tmp_path / "out" / "sozialindex.csv").exists()
    gpkg = paths["geopackage"]
    assert "sozialindex" not in dict(pyogrio.list_layers(gpkg))

    assert gpd.read_file(gpkg, layer="quartiere")["quarter_id"].tolist() == ["007", "010"]
    assert set(gpd.read_file(gpkg, layer="einrichtungen")["quarter_id"]) == {"007", "010"}
    assert "007" in set(pyogrio.read_dataframe(gpkg, layer="indikatoren")["quarter_id"])
    for key in ("indicators", "gaps", "facilities"):
        table = pd.read_csv(paths[key], sep=";", decimal=",", dtype={"Quartier-Nr.": str})
        assert "007" in set(table["Quartier-Nr."]), key
        assert "\n007;" in paths[key].read_text(encoding="utf-8-sig") or key == "facilities"
    workbook = openpyxl.load_workbook(paths["excel"])
    field_sheet = workbook[field_label("social_infrastructure")]
    assert field_sheet["A2"].value == "007" and field_sheet["A2"].data_type == "s"
    assert workbook["Bewertung"]["A2"].value == "007"
    facilities = openpyxl.load_workbook(paths["excel"])["Einrichtungen"]
    headers = [cell.value for cell in facilities[1]]
    ids = [row[headers.index("Quartier-Nr.")] for row in facilities.iter_rows(min_row=2,
                                                                              values_only=True)]
    assert ids == ["007", "010"]
    assert quarter_table(study, results)["quarter_id"].tolist() == ["007", "010"]


# --------------------------------------------------------------------------------------------
# Berlin


@requires_berlin
def test_berlin_exports(tmp_path, berlin_sample):
    study, results = berlin_sample
    start = time.perf_counter()
    paths = write_exports(study, results, tmp_path, created=CREATED)
    seconds = time.perf_counter() - start
    layer = gpd.read_file(paths["geopackage"], layer="quartiere")
    assert len(layer) == 542 and layer.crs.to_epsg() == 25833
    assert layer["quarter_id"].str.fullmatch(r"\d{8}").all()
    assert layer["quarter_id"].iloc[0] == "01100101"
    assert len(gpd.read_file(paths["geopackage"], layer="einrichtungen")) == len(
        study.facilities)
    table = pd.read_csv(paths["indicators"], sep=";", decimal=",", dtype={"Quartier-Nr.": str})
    assert table["Quartier-Nr."].nunique() == 542
    workbook = openpyxl.load_workbook(paths["excel"], read_only=True)
    assert "Soziale Infrastruktur" in workbook.sheetnames
    workbook.close()
    print(f"\nBerlin exports written in {seconds:.1f} s:")
    for path in paths.values():
        print(f"  {path.name:<22} {path.stat().st_size / 1e6:6.2f} MB")
