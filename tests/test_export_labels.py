"""The public CSV files: headers and labels in the report's language, printed precision,
ids as text, hostile text still neutralised (quartier.export.labels)."""

from __future__ import annotations

import pandas as pd
import pytest

from quartier.catalogue import default_catalogue
from quartier.export.labels import header, printed_decimals, public_table, round_printed
from quartier.export.spreadsheet import write_csv


@pytest.fixture(scope="module")
def catalogue():
    return default_catalogue()


def _gaps() -> pd.DataFrame:
    return pd.DataFrame({
        "quarter_id": ["007", "010"], "category": ["kita", "playground"],
        "field": ["social_infrastructure", "environment"],
        "indicator": ["supply_rate", "coverage"], "value": [3.14159, 87.25],
        "target": [5.0, 90.0], "basis": ["standard", "standard"], "status": ["gap", "met"],
        "reason": ["", ""], "resource": [False, True], "unmet_people": [12.4, float("nan")],
        "missing_places": [7.6, float("nan")]})


def _read(path, language="de") -> pd.DataFrame:
    separator, decimal = (";", ",") if language == "de" else (",", ".")
    return pd.read_csv(path, sep=separator, decimal=decimal, dtype=str, keep_default_na=False,
                       encoding="utf-8-sig")


def test_headers_german_by_default_and_english_on_request(catalogue, tmp_path):
    german = _read(write_csv(tmp_path / "de.csv", public_table(_gaps(), "gaps",
                                                               catalogue=catalogue)))
    assert list(german.columns) == [
        "Quartier-Nr.", "Kategorie", "Handlungsfeld", "Indikator", "Wert", "Vergleichswert",
        "Grundlage", "Bewertung", "Grund, falls nicht bewertet", "Ressource",
        "Menschen ohne Zugang", "fehlende Plätze"]
    english = _read(write_csv(tmp_path / "en.csv", public_table(_gaps(), "gaps", "en",
                                                                catalogue=catalogue), "en"), "en")
    assert list(english.columns)[:4] == ["Quarter no.", "Category", "Action field", "Indicator"]
    assert {"People without access", "Missing places", "Judgement"} <= set(english.columns)
    # the same column is named after what it holds in each table
    assert header("status", kind="measures") == "Stand"
    assert header("status", kind="gaps") == "Bewertung"


def test_codes_become_labels(catalogue):
    german = public_table(_gaps(), "gaps", catalogue=catalogue)
    assert german["Bewertung"].tolist() == ["Lücke", "erfüllt"]
    assert german["Handlungsfeld"].tolist() == ["Soziale Infrastruktur", "Wohnumfeld"]
    assert german["Kategorie"].tolist() == [catalogue.loc["kita", "label_de"],
                                            catalogue.loc["playground", "label_de"]]
    assert german["Grundlage"].tolist() == ["Richtwert", "Richtwert"]
    english = public_table(_gaps(), "gaps", "en", catalogue=catalogue)
    assert english["Judgement"].tolist() == ["Gap", "Standard met"]
    assert english["Action field"].tolist() == ["Social infrastructure",
                                                "Residential environment"]


def test_booleans_as_ja_nein_and_yes_no(catalogue, tmp_path):
    path = write_csv(tmp_path / "g.csv", public_table(_gaps(), "gaps", catalogue=catalogue))
    assert _read(path)["Ressource"].tolist() == ["nein", "ja"]
    path = write_csv(tmp_path / "e.csv", public_table(_gaps(), "gaps", "en",
                                                      catalogue=catalogue), "en")
    assert _read(path, "en")["Resource"].tolist() == ["no", "yes"]
    assert "True" not in path.read_text(encoding="utf-8-sig")


def test_values_rounded_to_the_printed_decimals(catalogue, tmp_path):
    path = write_csv(tmp_path / "g.csv", public_table(_gaps(), "gaps", catalogue=catalogue))
    table = _read(path)
    # supply rate 3.14159 prints as "3,14", coverage 87.25 % as "87,2 %" (binary 87.25 is exact,
    # Python rounds the half to even), people and places as whole numbers
    assert table["Wert"].tolist() == ["3,14", "87,2"]
    assert table["Menschen ohne Zugang"].tolist() == ["12", ""]
    assert table["fehlende Plätze"].tolist() == ["8", ""]
    numbers = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")
    assert pd.api.types.is_float_dtype(numbers["Wert"])  # still a number for Excel
    # the rule by size, as the report prints 2SFCA values: 0,62 · 12,3 · 751
    values = pd.Series([0.62153, 12.345, 751.3, -0.0004])
    assert printed_decimals(values, "fca_access").tolist() == [2, 1, 0, 2]
    assert round_printed(values, "fca_access").tolist() == [0.62, 12.3, 751.0, 0.0]
    assert str(round_printed(pd.Series([-0.0004]), "supply_rate")[0]) == "0.0"  # no "-0"


def test_ids_stay_text_with_leading_zeros(catalogue, tmp_path):
    table = _gaps().assign(quarter_id=pd.Series(["007", "010"], dtype="string"))
    names = pd.Series({"007": "Altstadt", "010": "Neustadt"})
    public = public_table(table, "gaps", catalogue=catalogue, quarter_names=names)
    assert public["Quartier-Nr."].tolist() == ["007", "010"]
    assert public["Quartier"].tolist() == ["Altstadt", "Neustadt"]
    text = write_csv(tmp_path / "g.csv", public).read_text(encoding="utf-8-sig")
    assert text.splitlines()[1].startswith("007;Altstadt;")
    assert text.splitlines()[2].startswith("010;Neustadt;")


def test_hostile_text_still_neutralised(catalogue, tmp_path):
    facilities = pd.DataFrame({"facility_id": ["E1"], "name": ['=HYPERLINK("http://x","Kita")'],
                               "field": ["social_infrastructure"], "category": ["kita"],
                               "quarter_id": ["01"]})
    names = pd.Series({"01": "@SUM(A1)"})
    public = public_table(facilities, "facilities", catalogue=catalogue, quarter_names=names)
    row = _read(write_csv(tmp_path / "f.csv", public)).iloc[0]
    assert row["Name"] == '\'=HYPERLINK("http://x","Kita")'
    assert row["Quartier"] == "'@SUM(A1)"
    # a hostile label from the study's own catalogue as well
    hostile = catalogue.copy()
    hostile.loc["kita", "label_de"] = "-1+1"
    public = public_table(facilities, "facilities", catalogue=hostile)
    assert _read(write_csv(tmp_path / "h.csv", public)).iloc[0]["Kategorie"] == "'-1+1"


def test_english_workbook_has_no_german(sample, tmp_path):
    """Every text cell of the English workbook (legends, headers, class names) is English;
    only the study's own data (names, addresses, source citations) stays as given."""
    import re

    import openpyxl
    from test_report_language import GERMAN_WORDS, _data_texts

    from quartier.export import write_exports

    study, results = sample
    workbook = openpyxl.load_workbook(write_exports(study, results, tmp_path,
                                                    language="en")["excel"], read_only=True)
    allowed = sorted(_data_texts(study), key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, GERMAN_WORDS)) + r")\b")
    found: dict[str, str] = {}
    classes = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if not isinstance(value, str):
                    continue
                classes.add(value)
                text = value
                for data in allowed:  # longest first
                    text = text.replace(data, " ")
                for match in pattern.finditer(text):
                    found.setdefault(match.group(1), f"{sheet.title}: {value[:120]}")
    assert found == {}
    # the class columns and the legend use the English class names
    assert {"medium", "stable"} <= classes
    assert any(v.startswith("Status class: high, medium, low, very low") for v in classes)
