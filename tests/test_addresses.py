"""Addresses to coordinates: normalisation, house numbers, fuzzy streets, the match report."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import X0, Y0

from quartier.load.addresses import match_addresses, normalise_street, split_house_number
from quartier.study import validate_study


@pytest.mark.parametrize("written", ["Karl-Marx-Straße", "Karl-Marx-Str.", "karl marx strasse",
                                     "KARL-MARX-STR", "Karl Marx Str", " Karl-Marx-straße "])
def test_street_spellings_share_one_key(written):
    assert normalise_street(pd.Series([written])).iat[0] == "karlmarxstrasse"


def test_umlauts_and_eszett_are_spelt_out():
    keys = normalise_street(pd.Series(["Müllerstraße", "Muellerstrasse", "Große Hamburger Str.",
                                       "Grosse-Hamburger-Strasse", "Marktpl.", "Marktplatz"]))
    assert keys[0] == keys[1] == "muellerstrasse"
    assert keys[2] == keys[3] == "grossehamburgerstrasse"
    assert keys[4] == keys[5] == "marktplatz"


def test_a_street_is_not_merged_with_a_square_of_the_same_name():
    keys = normalise_street(pd.Series(["Lindenstraße", "Lindenplatz", "Lindenweg"]))
    assert keys.nunique() == 3


@pytest.mark.parametrize("written, number, suffix", [
    ("12", "12", ""), ("12a", "12", "a"), ("12 A", "12", "a"), ("12-14", "12", ""),
    ("12 - 14", "12", ""), ("12/14", "12", ""), ("12a-12c", "12", "a"), ("007", "7", ""),
    ("5.0", "5", ""), ("", "", ""), ("ohne", "", "")])
def test_house_numbers_split_into_number_and_suffix(written, number, suffix):
    parts = split_house_number(pd.Series([written]))
    assert (parts["number"].iat[0], parts["suffix"].iat[0]) == (number, suffix)


@pytest.fixture
def register() -> pd.DataFrame:
    rows = [("Hauptstraße", "12", "", "69181", 1.0), ("Hauptstraße", "12", "a", "69181", 2.0),
            ("Hauptstraße", "14", "", "69181", 3.0), ("Karl-Marx-Straße", "3", "", "69181", 4.0),
            ("Gartenweg", "1", "", "69190", 5.0), ("Hauptstraße", "12", "", "69190", 6.0)]
    frame = pd.DataFrame(rows, columns=["street", "number", "suffix", "postcode", "x"])
    frame["street_key"] = normalise_street(frame["street"])
    frame["y"] = frame["x"] * 10
    return frame


def test_match_statuses_and_coordinates(register):
    queries = pd.DataFrame({
        "street": ["Hauptstr.", "hauptstrasse", "Hauptstr", "Hauptsrtaße", "Karl Marx Str",
                   "Gartenweg", "Nirgendwo", "Hauptstraße", "", "Hauptstraße"],
        "house_number": ["12", "12 A", "12b", "14", "3", "1", "1", "99", "1", "12-14"],
        "postcode": ["69181", "69181", "69181", "69181", "", "69181", "69181", "69181", "",
                     "69190"]})
    result = match_addresses(queries, register)
    assert result["status"].tolist() == [
        "exact", "exact", "without_suffix", "fuzzy", "other_postcode", "other_postcode",
        "street_unknown", "number_unknown", "missing", "exact"]
    # the same street and number in two postcodes: the postcode decides
    assert result["x"].tolist()[:6] == [1.0, 2.0, 1.0, 3.0, 4.0, 5.0]
    assert result["x"].iat[9] == 6.0
    assert result["y"].iat[0] == 10.0
    assert result["x"].iloc[6:9].isna().all()
    assert result.at[3, "matched_street"] == "Hauptstraße"
    assert 90 <= result.at[3, "score"] < 100


def test_fuzzy_threshold_is_respected(register):
    queries = pd.DataFrame({"street": ["Hauptsrtaße"], "house_number": ["14"],
                            "postcode": ["69181"]})
    assert match_addresses(queries, register, min_score=95)["status"].iat[0] == "street_unknown"


def test_fuzzy_looks_only_within_the_postcode(register):
    # 'Gartenwg' is close to Gartenweg, which exists only in 69190
    queries = pd.DataFrame({"street": ["Gartenwg"], "house_number": ["1"],
                            "postcode": ["69181"]})
    assert match_addresses(queries, register)["status"].iat[0] == "street_unknown"


ADDRESSES_CSV = (
    "strasse;hnr;zusatz;plz;rechts;hoch\n"
    f"Hauptstraße;5;;69181;{X0 + 500:.0f};{Y0 + 500:.0f}\n"
    f"Hauptstraße;7;a;69181;{X0 + 520:.0f};{Y0 + 500:.0f}\n"
    f"Bahnhofstraße;1;;69181;{X0 + 1500:.0f};{Y0 + 500:.0f}\n"
)
REGISTER_CSV = (
    "id;name;kategorie;strasse;hausnummer;plz\n"
    "K1;Kita Sonne;kita;Hauptstr.;5;69181\n"
    "K2;Kita Mond;kita;Hauptstraße;7 A;69181\n"
    "K3;Kita Stern;kita;Banhofstraße;1;69181\n"
    "K4;Kita Wolke;kita;Bergweg;3;69181\n"
)
ADDRESS_CONFIG = """
[addresses]
path = "adressen.csv"
x = "rechts"
y = "hoch"
crs = "EPSG:25832"
columns = { street = "strasse", house_number = "hnr", house_number_suffix = "zusatz", \
postcode = "plz" }

[[facilities]]
path = "kitas.csv"
label = "Kitas"
columns = { facility_id = "id", name = "name", category = "kategorie" }
address_columns = ["strasse", "hausnummer", "plz"]
"""


def test_register_without_coordinates_is_placed_by_address(make_study):
    path = make_study({"adressen.csv": ADDRESSES_CSV, "kitas.csv": REGISTER_CSV},
                      extra=ADDRESS_CONFIG)
    study, report = validate_study(path)
    assert study is not None, report.format()
    kitas = study.facilities.set_index("facility_id").loc[["K1", "K2", "K3"]]
    assert kitas.geometry.x.tolist() == [X0 + 500, X0 + 520, X0 + 1500]
    assert "K4" not in set(study.facilities["facility_id"])
    findings = {f.code: f for f in report.findings}
    rate = findings["address_match_rate"]
    assert "3 von 4 Zeilen gefunden (75 %)" in rate.message and "1 unscharf" in rate.message
    unmatched = findings["address_not_found"]
    assert unmatched.severity == "warning" and unmatched.file.endswith("kitas.csv")
    assert unmatched.rows == "5" and "Bergweg 3" in unmatched.message
    fuzzy = findings["address_fuzzy"]
    assert fuzzy.severity == "note" and "Banhofstraße 1" in fuzzy.message
    assert "Bahnhofstraße" in fuzzy.message


def test_without_address_register_the_table_still_needs_coordinates(make_study):
    config = ADDRESS_CONFIG.split("[[facilities]]")[1]
    path = make_study({"kitas.csv": REGISTER_CSV}, extra="[[facilities]]" + config)
    study, report = validate_study(path)
    assert study is None
    assert any("keine Geometrie" in f.message for f in report.errors)


def test_actors_get_their_quarter_from_the_address(make_study):
    actors = ("name;strasse;hnr;plz;quartier\n"
              "Verein A;Hauptstraße;5;69181;\n"
              "Verein B;Bahnhofstr.;1;69181;\n"
              "Verein C;Hauptstraße;5;69181;02\n")
    extra = ADDRESS_CONFIG.split("[[facilities]]")[0] + (
        '\n[actors]\npath = "akteure.csv"\n'
        'columns = { name = "name", quarter_id = "quartier" }\n'
        'address_columns = ["strasse", "hnr", "plz"]\n')
    path = make_study({"adressen.csv": ADDRESSES_CSV, "akteure.csv": actors}, extra=extra)
    study, report = validate_study(path)
    assert study is not None, report.format()
    # A and B from their addresses; C keeps the quarter it names
    assert study.actors["quarter_id"].tolist() == ["01", "02", "02"]
