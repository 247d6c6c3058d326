import math

import numpy as np
import pandas as pd
import pytest

from quartier.catalogue import (
    CATALOGUE_COLUMNS,
    apply_standards,
    category_field,
    category_labels,
    default_catalogue,
    merge_catalogue,
    parse_group_values,
    parse_reference_group,
    read_catalogue_table,
    reference_group_label,
    standard_kind,
)
from quartier.fields import FIELDS
from quartier.osm import parse_tag_rules
from quartier.validation import ValidationReport

KEYS = {
    "housing": ["assisted_living", "social_housing", "shelter"],
    "environment": ["playground", "park", "transit_stop", "rail_station", "public_transport",
                    "supermarket", "convenience_store", "marketplace", "sports_facility",
                    "post_office"],
    "social_infrastructure": ["kita", "childminder", "primary_school", "secondary_school",
                              "school", "youth_centre", "community_centre", "senior_centre",
                              "library", "family_centre", "place_of_worship"],
    "counselling": ["social_counselling", "debt_counselling", "migration_counselling",
                    "family_counselling", "care_counselling", "addiction_counselling"],
    "everyday_help": ["food_bank", "clothes_store", "neighbourhood_help", "visiting_service",
                      "social_department_store"],
    "health_care": ["gp", "paediatrician", "doctor", "pharmacy", "hospital", "clinic",
                    "nursing_home", "day_care_elderly", "ambulatory_care"],
}
ALL_FIELDS_TEXT = ("housing, environment, social_infrastructure, counselling, everyday_help, "
                   "health_care")


@pytest.fixture
def catalogue():
    return default_catalogue()


# ------------------------------------------------------------------------- default catalogue

def test_default_catalogue_keys_and_order(catalogue):
    assert len(catalogue) >= 30
    assert list(catalogue.index) == [k for keys in KEYS.values() for k in keys]
    assert catalogue.index.name == "key"
    assert catalogue.index.is_unique
    assert list(catalogue.columns) == CATALOGUE_COLUMNS[1:]


def test_default_catalogue_fields(catalogue):
    assert set(catalogue["field"]) == set(FIELDS)
    assert catalogue["field"].isin(FIELDS).all()
    for field, keys in KEYS.items():
        assert (catalogue.loc[keys, "field"] == field).all()
    # grouped by field in report order
    order = catalogue["field"].map(FIELDS.index)
    assert order.is_monotonic_increasing


def test_default_catalogue_types(catalogue):
    assert catalogue["per_1000"].dtype == float
    assert catalogue["max_distance_m"].dtype == float
    assert catalogue["binding"].dtype == bool
    assert not catalogue["binding"].any()
    for column in ["label_de", "label_en", "reference_group", "capacity_unit_de",
                   "capacity_unit_en", "standard_source", "osm_tags"]:
        assert catalogue[column].map(lambda v: isinstance(v, str)).all(), column
    assert catalogue.loc["food_bank", "capacity_unit_de"] == ""
    assert math.isnan(catalogue.loc["kita", "per_1000"])


def test_default_catalogue_labels(catalogue):
    assert (catalogue["label_de"] != "").all() and (catalogue["label_en"] != "").all()
    assert catalogue.loc["care_counselling", "label_de"].startswith("Pflegestützpunkt")
    assert catalogue.loc["social_housing", "label_de"].startswith("Geförderter Wohnraum")
    assert catalogue.loc["kita", "label_en"] == "Day-care centre (Kita)"
    # capacity units come in pairs
    assert ((catalogue["capacity_unit_de"] == "") == (catalogue["capacity_unit_en"] == "")).all()
    assert catalogue.loc["social_housing", "capacity_unit_en"] == "dwellings"
    assert catalogue.loc["hospital", "capacity_unit_de"] == "Betten"


def test_default_reference_groups(catalogue):
    for group in catalogue["reference_group"]:
        parse_reference_group(group)
    expected = {"kita": "0-5", "childminder": "0-2", "primary_school": "6-9",
                "secondary_school": "10-17", "school": "6-17", "youth_centre": "10-17",
                "senior_centre": "65+", "care_counselling": "65+", "visiting_service": "65+",
                "nursing_home": "80+", "day_care_elderly": "80+", "ambulatory_care": "80+",
                "assisted_living": "75+", "paediatrician": "0-17", "playground": "0-17",
                "family_centre": "0-17"}
    for key, group in expected.items():
        assert catalogue.loc[key, "reference_group"] == group, key
    rest = catalogue.drop(index=list(expected))
    assert (rest["reference_group"] == "all").all()


def test_default_standards(catalogue):
    kind = standard_kind(catalogue)
    with_standard = catalogue[kind != "town"]
    assert sorted(with_standard.index) == sorted(
        ["playground", "public_transport", "supermarket", "gp", "pharmacy", "primary_school",
         "kita"])
    assert (with_standard["standard_source"] != "").all()
    no_standard = catalogue.drop(index=with_standard.index)
    assert (no_standard["standard_source"] == "").all()
    assert (no_standard["standard_year"] == "").all()
    assert not catalogue["binding"].any()
    assert kind["kita"] == "demand" and kind["gp"] == "rate" and kind["playground"] == "distance"
    assert catalogue.loc["gp", "per_1000"] == 0.6215 == round(1000 / 1609, 4)
    assert catalogue.loc["gp", "standard_year"] == "2019"
    assert catalogue.loc["supermarket", "max_distance_m"] == 1000
    assert catalogue.loc["pharmacy", "max_distance_m"] == 1000
    # public transport: a bus/tram stop within 300 m or a rail station within 600 m; the bus
    # stop alone has no standard (judged relative to the town)
    assert catalogue.loc["public_transport", "combined_of"] == "transit_stop:300;rail_station:600"
    assert math.isnan(catalogue.loc["transit_stop", "max_distance_m"])
    assert catalogue.loc["gp", "planning_scale"] == "mittelbereich"
    # DIN 18034: 200 / 400 / 1,000 m walk, as straight-line radii 175 / 350 / 750 m
    assert parse_group_values(catalogue.loc["playground", "distance_by_group"]) == {
        "0-5": 175.0, "6-11": 350.0, "12-17": 750.0}
    assert parse_group_values(catalogue.loc["kita", "demand_rates"]) == {
        "0-2": 0.491, "3-5": 0.92}
    assert math.isnan(catalogue.loc["park", "max_distance_m"])
    assert math.isnan(catalogue.loc["nursing_home", "per_1000"])
    assert "BBSR" in catalogue.loc["supermarket", "standard_source"]
    assert "1.609" in catalogue.loc["gp", "standard_source"]
    assert "Mittelbereich" in catalogue.loc["gp", "standard_source"]
    assert "DIN 18034" in catalogue.loc["playground", "standard_source"]


def test_parse_group_values_rejects_bad_text():
    for text in ("0-2", "0-2:x", "0-2:-1", "kids:0.5", "0-2:0.5;0-2:0.6"):
        with pytest.raises(ValueError):
            parse_group_values(text)


def test_apply_standards_sets_demand_rates_and_year(catalogue):
    report = ValidationReport()
    standards = pd.DataFrame({"category": ["kita", "nursing_home"],
                              "demand_rates": ["0-2:0,55;3-5:0,95", ""],
                              "per_1000": ["", "120"],
                              "source": ["Kita-Bedarfsplan 2024", "Kreispflegeplan"],
                              "year": ["2024", "2023"]})
    result = apply_standards(catalogue, standards, report=report)
    assert len(report) == 0
    kind = standard_kind(result)
    assert kind["kita"] == "demand" and kind["nursing_home"] == "rate"
    assert parse_group_values(result.loc["kita", "demand_rates"]) == {"0-2": 0.55, "3-5": 0.95}
    assert result.loc["kita", "standard_year"] == "2024"
    assert result.loc["nursing_home", "standard_year"] == "2023"
    bad = apply_standards(catalogue, pd.DataFrame({"category": ["kita"],
                                                   "demand_rates": ["0-2=0.5"]}),
                          report=report)
    assert report.codes()[0] == "invalid_group_values"
    assert bad.loc["kita", "demand_rates"] == "0-2:0.491;3-5:0.92"  # bad cell left out


def test_default_osm_rules_parse(catalogue):
    for key, text in catalogue["osm_tags"].items():
        for rule in parse_tag_rules(text):
            # multi-values would collide with the ';' between alternatives
            assert all(";" not in v for v in rule.values()), key


def test_default_catalogue_returns_new_frames():
    first = default_catalogue()
    first.loc["kita", "label_de"] = "changed"
    assert default_catalogue().loc["kita", "label_de"] == "Kindertagesstätte (Kita)"


# -------------------------------------------------------------------------- reference groups

@pytest.mark.parametrize("text, expected", [
    ("all", (0, None)), ("ALL", (0, None)), ("alle", (0, None)), ("0-5", (0, 5)),
    ("0–5", (0, 5)), (" 6 - 9 ", (6, 9)), ("80+", (80, None)), ("65 +", (65, None)),
    ("3-3", (3, 3)),
])
def test_parse_reference_group(text, expected):
    assert parse_reference_group(text) == expected


@pytest.mark.parametrize("text", ["", "kids", "5-0", "-5", "80-", "0-5-9", "a+", "0..5", "5.5+"])
def test_parse_reference_group_rejects(text):
    with pytest.raises(ValueError):
        parse_reference_group(text)


@pytest.mark.parametrize("text, de, en", [
    ("all", "alle Einwohner*innen", "all residents"),
    ("0-5", "0–5 Jahre", "aged 0–5"),
    ("80+", "80 Jahre und älter", "aged 80 and over"),
    ("0+", "alle Einwohner*innen", "all residents"),
])
def test_reference_group_label(text, de, en):
    assert reference_group_label(text) == de
    assert reference_group_label(text, "en") == en


def test_reference_group_label_rejects_language():
    with pytest.raises(ValueError, match="de, en"):
        reference_group_label("all", "fr")


# ---------------------------------------------------------------------------------- lookups

def test_category_field_and_labels(catalogue):
    mapping = category_field(catalogue)
    assert len(mapping) == len(catalogue)
    assert mapping["kita"] == "social_infrastructure"
    assert mapping["nursing_home"] == "health_care"
    assert category_labels(catalogue)["food_bank"] == "Tafel (Lebensmittelausgabe)"
    assert category_labels(catalogue, "en")["food_bank"] == "Food bank"


# ------------------------------------------------------------------------------- read table

def test_read_catalogue_table_normalises():
    raw = pd.DataFrame({" KEY": [" kita ", np.nan, "x"], "per_1000": [350.0, np.nan, 0.5],
                        "binding": [True, None, False]})
    table = read_catalogue_table(raw)
    assert list(table.columns) == [*CATALOGUE_COLUMNS, "_row"]
    assert table["key"].tolist() == ["kita", "x"]  # the empty row is dropped
    assert table["per_1000"].tolist() == ["350", "0.5"]
    assert table["binding"].tolist() == ["true", "false"]
    assert table["_row"].tolist() == ["2", "4"]
    assert table["label_de"].tolist() == ["", ""]


def test_read_catalogue_table_without_key():
    with pytest.raises(ValueError, match="missing_column"):
        read_catalogue_table(pd.DataFrame({"name": ["x"]}))
    report = ValidationReport()
    table = read_catalogue_table(pd.DataFrame({"name": ["x"]}), report=report)
    assert table.empty
    assert report.codes() == ["unknown_column", "missing_column"]


# ---------------------------------------------------------------------------------- merging

def test_override_of_one_column_keeps_the_others(catalogue):
    report = ValidationReport()
    extra = pd.DataFrame({"key": ["kita"], "max_distance_m": ["800"], "label_de": [""]})
    merged = merge_catalogue(catalogue, extra, report=report)
    assert len(report) == 0
    assert merged.loc["kita", "max_distance_m"] == 800.0
    unchanged = [c for c in merged.columns if c != "max_distance_m"]
    pd.testing.assert_series_equal(merged.loc["kita", unchanged], catalogue.loc["kita", unchanged])
    pd.testing.assert_frame_equal(merged.drop(index="kita"), catalogue.drop(index="kita"))
    assert math.isnan(catalogue.loc["kita", "max_distance_m"])  # base untouched
    assert merged["max_distance_m"].dtype == float and merged["binding"].dtype == bool


def test_override_with_german_numbers_and_yes_no(catalogue):
    report = ValidationReport()
    extra = pd.DataFrame({"key": ["gp"], "per_1000": ["0,7"], "binding": ["ja"],
                          "reference_group": ["18+"]})
    merged = merge_catalogue(catalogue, extra, report=report)
    assert report.ok and len(report) == 0
    gp = merged.loc["gp"]
    assert gp["per_1000"] == 0.7 and bool(gp["binding"]) and gp["reference_group"] == "18+"


def test_extension_with_new_category(catalogue):
    report = ValidationReport()
    extra = pd.DataFrame({"key": ["repair_cafe"], "field": ["everyday_help"],
                          "label_de": ["Reparaturcafé"],
                          "osm_tags": ["repair=assisted_self_service"],
                          "max_distance_m": [1500]})
    merged = merge_catalogue(catalogue, extra, report=report)
    assert len(report) == 0
    assert list(merged.index) == [*catalogue.index, "repair_cafe"]
    row = merged.loc["repair_cafe"]
    assert row["field"] == "everyday_help"
    assert row["label_en"] == "Reparaturcafé"  # falls back to the German label
    assert row["reference_group"] == "all"
    assert row["max_distance_m"] == 1500.0 and math.isnan(row["per_1000"])
    assert not row["binding"]
    assert row["standard_source"] == ""
    assert merged["binding"].dtype == bool


def test_extension_with_bad_field_is_an_error(catalogue):
    report = ValidationReport()
    extra = pd.DataFrame({"key": ["repair_cafe"], "field": ["Kultur"],
                          "label_de": ["Reparaturcafé"]})
    merged = merge_catalogue(catalogue, extra, report=report, file="kategorien.csv")
    assert "repair_cafe" not in merged.index
    assert report.codes("error") == ["unknown_field"]
    finding = report.errors[0]
    assert finding.dataset == "categories"
    assert finding.file == "kategorien.csv"
    assert finding.rows == "2"
    assert finding.column == "field"
    assert "Kultur" in finding.message
    assert ALL_FIELDS_TEXT in finding.hint


def test_bad_field_on_known_key_keeps_old_field(catalogue):
    report = ValidationReport()
    merged = merge_catalogue(catalogue, pd.DataFrame({"key": ["kita"], "field": ["Bildung"]}),
                             report=report)
    assert report.codes() == ["unknown_field"]
    assert merged.loc["kita", "field"] == "social_infrastructure"


def test_field_label_is_accepted_with_a_note(catalogue):
    report = ValidationReport()
    extra = pd.DataFrame({"key": ["tafel_laden"], "field": ["Alltagshilfen"],
                          "label_de": ["Tafelladen"]})
    merged = merge_catalogue(catalogue, extra, report=report)
    assert merged.loc["tafel_laden", "field"] == "everyday_help"
    assert report.ok and report.codes() == ["field_label_used"]


def test_new_category_needs_field_and_label(catalogue):
    report = ValidationReport()
    extra = pd.DataFrame({"key": ["a", "b"], "field": ["", "housing"], "label_de": ["A", ""]})
    merged = merge_catalogue(catalogue, extra, report=report)
    assert "a" not in merged.index and "b" not in merged.index
    assert report.codes() == ["missing_field", "missing_label"]
    assert [f.rows for f in report] == ["2", "3"]
    assert ALL_FIELDS_TEXT in report.errors[0].hint


@pytest.mark.parametrize("column, value, code", [
    ("reference_group", "Kinder", "invalid_reference_group"),
    ("reference_group", "6-3", "invalid_reference_group"),
    ("per_1000", "viele", "not_numeric"),
    ("max_distance_m", "-5", "negative_value"),
    ("binding", "vielleicht", "invalid_binding"),
    ("osm_tags", "amenity", "invalid_osm_tags"),
])
def test_invalid_cells_are_errors_and_keep_base_values(catalogue, column, value, code):
    report = ValidationReport()
    extra = pd.DataFrame({"key": ["kita"], column: [value], "label_en": ["Kita"]})
    merged = merge_catalogue(catalogue, extra, report=report, file="k.csv")
    assert report.codes() == [code]
    finding = report.errors[0]
    assert finding.column == column and finding.rows == "2" and finding.file == "k.csv"
    assert value in finding.message and finding.hint
    expected = catalogue.loc["kita", column]
    if isinstance(expected, float) and math.isnan(expected):
        assert math.isnan(merged.loc["kita", column])
    else:
        assert merged.loc["kita", column] == expected
    assert merged.loc["kita", "label_en"] == "Kita"  # the valid cell is applied


def test_missing_key_and_duplicate_keys(catalogue):
    report = ValidationReport()
    extra = pd.DataFrame({"key": ["", "kita", "kita"], "label_de": ["X", "Kita 1", "Kita 2"]})
    merged = merge_catalogue(catalogue, extra, report=report)
    assert sorted(report.codes()) == ["duplicate_key", "missing_key"]
    duplicate = next(f for f in report if f.code == "duplicate_key")
    assert duplicate.rows == "3, 4"
    assert merged.loc["kita", "label_de"] == "Kindertagesstätte (Kita)"


def test_missing_key_column_and_unknown_columns(catalogue):
    report = ValidationReport()
    merged = merge_catalogue(catalogue, pd.DataFrame({"kategorie": ["kita"]}), report=report)
    assert report.codes() == ["unknown_column", "missing_column"]
    assert report.findings[0].severity == "warning"
    pd.testing.assert_frame_equal(merged, catalogue)


def test_row_numbers_from_loader(catalogue):
    report = ValidationReport()
    extra = pd.DataFrame({"key": ["kita"], "per_1000": ["x"], "_row": [17]})
    merge_catalogue(catalogue, extra, report=report)
    assert report.errors[0].rows == "17"
    assert "unknown_column" not in report.codes()


def test_messages_are_german(catalogue):
    report = ValidationReport()
    merge_catalogue(catalogue, pd.DataFrame({"key": ["x"], "field": ["foo"], "label_de": ["X"]}),
                    report=report)
    assert "Handlungsfeld" in report.errors[0].message
    assert "eintragen" in report.errors[0].hint


# -------------------------------------------------------------------------------- standards

def test_apply_standards_overrides(catalogue):
    report = ValidationReport()
    standards = pd.DataFrame({
        "category": ["kita", "playground", "nursing_home"],
        "per_1000": ["350", "", "0,5"],
        "max_distance_m": ["", "300", ""],
        "reference_group": ["1-5", "", ""],
        "source": ["Kita-Bedarfsplan 2024", "Spielplatzsatzung", "Landespflegeplan"],
        "binding": ["", "ja", "false"],
    })
    result = apply_standards(catalogue, standards, report=report, file="richtwerte.csv")
    assert len(report) == 0
    kita = result.loc["kita"]
    assert kita["per_1000"] == 350.0 and math.isnan(kita["max_distance_m"])
    assert kita["reference_group"] == "1-5" and kita["standard_source"] == "Kita-Bedarfsplan 2024"
    assert not kita["binding"]
    play = result.loc["playground"]
    assert play["max_distance_m"] == 300.0 and math.isnan(play["per_1000"])
    assert play["reference_group"] == "0-17"  # empty cell keeps the catalogue's group
    assert play["distance_by_group"] == ""  # the row replaces the standard as a whole
    assert bool(play["binding"]) is True and play["standard_source"] == "Spielplatzsatzung"
    assert result.loc["nursing_home", "per_1000"] == 0.5
    # other categories untouched, input untouched
    pd.testing.assert_frame_equal(result.drop(index=["kita", "playground", "nursing_home"]),
                                  catalogue.drop(index=["kita", "playground", "nursing_home"]))
    assert kita["demand_rates"] == ""  # per_1000 replaces the built-in demand rates
    assert catalogue.loc["playground", "distance_by_group"] != ""
    assert result["binding"].dtype == bool


def test_apply_standards_can_switch_a_standard_off(catalogue):
    report = ValidationReport()
    standards = pd.DataFrame({"category": ["supermarket"], "max_distance_m": [np.nan],
                              "source": [""]})
    result = apply_standards(catalogue, standards, report=report)
    assert math.isnan(result.loc["supermarket", "max_distance_m"])
    assert result.loc["supermarket", "standard_source"] == ""
    assert len(report) == 0


def test_apply_standards_only_category_column_changes_nothing(catalogue):
    report = ValidationReport()
    result = apply_standards(catalogue, pd.DataFrame({"category": ["gp"]}), report=report)
    pd.testing.assert_frame_equal(result, catalogue)
    assert len(report) == 0


def test_apply_standards_without_source_column_warns(catalogue):
    report = ValidationReport()
    result = apply_standards(catalogue, pd.DataFrame({"category": ["gp"], "per_1000": [0.7]}),
                             report=report)
    assert result.loc["gp", "per_1000"] == 0.7
    assert result.loc["gp", "standard_source"] == ""  # the G-BA citation no longer fits
    assert report.ok and report.codes() == ["missing_source"]


def test_apply_standards_unknown_category_lists_keys(catalogue):
    report = ValidationReport()
    result = apply_standards(catalogue, pd.DataFrame({"category": ["kindergarten"],
                                                      "per_1000": ["1"]}),
                             report=report, file="richtwerte.csv")
    assert report.codes() == ["unknown_category"]
    finding = report.errors[0]
    assert finding.dataset == "standards" and finding.file == "richtwerte.csv"
    assert finding.rows == "2" and "kindergarten" in finding.message
    assert ", ".join(catalogue.index) in finding.hint
    pd.testing.assert_frame_equal(result, catalogue)


def test_apply_standards_invalid_values(catalogue):
    report = ValidationReport()
    standards = pd.DataFrame({"category": ["kita", "kita2", "", "gp"],
                              "per_1000": ["viel", "1", "1", "1"],
                              "reference_group": ["", "", "", "Senioren"],
                              "binding": ["", "", "", "kann"],
                              "source": ["x", "x", "x", "x"]})
    result = apply_standards(catalogue, standards, report=report)
    assert report.codes() == ["not_numeric", "unknown_category", "missing_key",
                              "invalid_reference_group", "invalid_binding"]
    assert math.isnan(result.loc["kita", "per_1000"])
    assert result.loc["gp", "per_1000"] == 1.0
    assert result.loc["gp", "reference_group"] == "all"


def test_apply_standards_duplicates_and_missing_column(catalogue):
    report = ValidationReport()
    result = apply_standards(catalogue, pd.DataFrame({"category": ["gp", "gp"],
                                                      "per_1000": ["1", "2"]}), report=report)
    assert report.codes() == ["duplicate_category"]
    assert result.loc["gp", "per_1000"] == catalogue.loc["gp", "per_1000"]
    report = ValidationReport()
    apply_standards(catalogue, pd.DataFrame({"kategorie": ["gp"]}), report=report)
    assert report.codes() == ["missing_column"]


def test_standards_for_a_merged_category(catalogue):
    report = ValidationReport()
    merged = merge_catalogue(catalogue, pd.DataFrame({"key": ["tafel_laden"],
                                                      "field": ["everyday_help"],
                                                      "label_de": ["Tafelladen"]}),
                             report=report)
    result = apply_standards(merged, pd.DataFrame({"category": ["tafel_laden"],
                                                   "max_distance_m": ["2000"],
                                                   "source": ["Sozialplanung 2025"]}),
                             report=report)
    assert result.loc["tafel_laden", "max_distance_m"] == 2000.0
    assert len(report) == 0
