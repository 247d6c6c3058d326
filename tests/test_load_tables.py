"""CSV/Excel reading: encodings, separators, decimal marks, suppressed values, ids."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import quartier
from quartier.load.ids import clean_ids, infer_id_width, pad_ids
from quartier.load.tables import TableReadError, detect_encoding, read_table, to_number

GERMAN = "Quartier;Straße;Anteil\n01;Hauptstraße;12,5\n02;Güterbahnhof;1.234,75\n"
ENGLISH = "quarter,street,share\n01,Main Street,12.5\n02,Station Road,1234.75\n"


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252")])
def test_encoding_is_detected_and_umlauts_survive(tmp_path, encoding, expected):
    path = tmp_path / "t.csv"
    path.write_bytes(GERMAN.encode(encoding))
    frame, info = read_table(path)
    assert info.encoding == expected
    assert frame.columns.tolist() == ["Quartier", "Straße", "Anteil"]
    assert frame["Straße"].tolist() == ["Hauptstraße", "Güterbahnhof"]


def test_semicolon_with_decimal_comma(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(GERMAN, encoding="utf-8")
    frame, info = read_table(path)
    assert (info.separator, info.decimal) == (";", ",")
    assert frame["Quartier"].tolist() == ["01", "02"]  # leading zeros kept: read as text
    assert to_number(frame["Anteil"], info.decimal)[0].tolist() == [12.5, 1234.75]


def test_comma_with_decimal_point(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(ENGLISH, encoding="utf-8")
    frame, info = read_table(path)
    assert (info.separator, info.decimal) == (",", ".")
    assert to_number(frame["share"], info.decimal)[0].tolist() == [12.5, 1234.75]


def test_semicolon_with_decimal_point_and_crlf(tmp_path):
    # like Berlin's MSS z-value table: ';' separated, decimal point, BOM, CRLF
    path = tmp_path / "t.csv"
    path.write_bytes("\ufeffid;z\r\n01;-0.5\r\n02;1.25\r\n".encode("utf-8"))
    frame, info = read_table(path)
    assert (info.separator, info.decimal, info.encoding) == (";", ".", "utf-8-sig")
    assert to_number(frame["z"], info.decimal)[0].tolist() == [-0.5, 1.25]


def test_cp1252_bytes_that_are_not_utf8():
    assert detect_encoding("Größe".encode("cp1252")) == "cp1252"
    assert detect_encoding("Größe".encode()) == "utf-8"


def test_suppressed_and_bad_values():
    numbers, bad = to_number(pd.Series(["5", "–", "-", ".", "", None, "k.A.", "−3"]), ",")
    assert numbers.iloc[0] == 5 and numbers.iloc[7] == -3  # unicode minus
    assert numbers.iloc[1:7].isna().all()
    assert bad.tolist() == [False, False, False, False, False, False, True, False]


def test_excel_cells_become_text_and_ids_lose_float_part(tmp_path):
    path = tmp_path / "t.xlsx"
    pd.DataFrame({"PLR": [1100101, 1100102], "Einwohner": [3503, 1996.5],
                  "Name": ["Stülerstraße", "Großer Tiergarten"]}).to_excel(
        path, sheet_name="Daten", index=False)
    frame, info = read_table(path, sheet="Daten")
    assert frame["PLR"].tolist() == ["1100101", "1100102"]
    assert frame["Einwohner"].tolist() == ["3503", "1996.5"]
    assert info.decimal == "."
    with pytest.raises(TableReadError):
        read_table(path, sheet="Fehlt")


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(TableReadError, match="gibt es nicht"):
        read_table(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_text("\n")
    with pytest.raises(TableReadError, match="leer"):
        read_table(tmp_path / "empty.csv")


def test_berlin_style_ids_join_after_padding():
    official = clean_ids(pd.Series(["01100101", "12200411"]))
    osm = clean_ids(pd.Series([1100101, 12200411.0, "1100101.0"]))
    width = infer_id_width(official)
    padded, changed = pad_ids(osm, width)
    assert width == 8 and changed == 2
    assert padded.tolist() == ["01100101", "12200411", "01100101"]
    assert set(padded) <= set(official)


def test_ids_of_mixed_length_are_not_padded():
    assert infer_id_width(pd.Series(["1", "10", "A"])) is None
    ids, changed = pad_ids(pd.Series(["1", "10"]), None)
    assert ids.tolist() == ["1", "10"] and changed == 0


def test_to_number_keeps_numbers_from_excel():
    numbers, bad = to_number(pd.Series([1, 2.5, np.nan, "3,5"], dtype=object), ",")
    assert numbers.tolist()[:2] == [1.0, 2.5] and np.isnan(numbers.iloc[2])
    assert numbers.iloc[3] == 3.5 and not bad.any()


def test_actors_and_measures_accept_field_names(make_study):
    actors = ("id;name;felder;quartier;oeffentlich\n"
              "A1;Tafel e. V.;Alltagshilfen|wohnen;01;ja\n"
              "A2;Verein X;Gärten;;nein\n")
    measures = ("id;titel;feld;quartier;budget\n"
                "M1;Kita-Erweiterung;Soziale Infrastruktur;01;1000,50\n")
    path = make_study(files={"akteure.csv": actors, "massnahmen.csv": measures},
                      extra="""
[actors]
path = "akteure.csv"
list_separator = "|"
columns = { actor_id = "id", name = "name", fields = "felder", quarter_id = "quartier", \
public = "oeffentlich" }

[measures]
path = "massnahmen.csv"
columns = { measure_id = "id", title = "titel", field = "feld", quarter_id = "quartier", \
budget_planned = "budget" }
""")
    study, report = quartier.validate_study(path)
    [unknown] = [f for f in report.errors if f.code == "unknown_field"]
    assert "Gärten" in unknown.message and unknown.rows == "A2"
    path.write_text(path.read_text().replace("Gärten", "Wohnumfeld"), encoding="utf-8")
    actors_file = path.parent / "akteure.csv"
    actors_file.write_text(actors.replace("Gärten", "Wohnumfeld"), encoding="utf-8")
    study = quartier.load_study(path)
    assert study.actors.set_index("actor_id")["fields"].to_dict() == {
        "A1": "everyday_help;housing", "A2": "environment"}
    assert study.measures["field"].tolist() == ["social_infrastructure"]
    assert study.measures["budget_planned"].tolist() == [1000.5]


def test_utf16_text_from_excel_is_read(tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes("nr\tname\n01\tSüdhang – Mitte\n".encode("utf-16"))
    frame, info = read_table(path)
    assert info.encoding == "utf-16"
    assert frame.to_dict("records") == [{"nr": "01", "name": "Südhang – Mitte"}]


@pytest.mark.parametrize("raw", [b"\x00\x01\x02binary\x00", b"id;name\n1;\x81\x9d\x8f\n"])
def test_binary_or_undecodable_file_is_one_message(tmp_path, raw):
    path = tmp_path / "kaputt.csv"
    path.write_bytes(raw)
    with pytest.raises(TableReadError, match="keine Textdatei"):
        read_table(path)
