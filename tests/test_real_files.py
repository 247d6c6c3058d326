"""Real municipal files in without hand-editing (issue 14): title rows, encodings, ZIPs,
category spelling and GDAL sources. Each test writes a small file in the real format."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from click.testing import CliRunner

import quartier
from quartier.cli import cli
from quartier.load.tables import read_table
from tests.conftest import FACILITIES_CSV, POPULATION_CSV, X0, Y0, quarters_geojson

# GENESIS/Regionalstatistik download: metadata lines, one header row, data, a rule and notes;
# ';' separated, Windows-1252, CRLF, thousands with a point, '–' for suppressed values
GENESIS = (
    "GENESIS-Tabelle: 12411-0018\r\n"
    "Bevölkerung: Gemeindeteile, Stichtag, Altersgruppen;;;\r\n"
    "Fortschreibung des Bevölkerungsstandes;;;\r\n"
    "Stichtag: 31.12.2023;;;\r\n"
    "Quartier;Bezeichnung;Insgesamt;unter 6 Jahre\r\n"
    "01;Altstadt;1.200;80\r\n"
    "02;Neustadt – Süd;800;–\r\n"
    "__________\r\n"
    "Fortschreibung auf Grundlage des Zensus 2011;;;\r\n"
    "© Statistisches Bundesamt (Destatis), 2024 | Stand: 12.06.2024 / 11:04:36\r\n"
).encode("cp1252")
GENESIS_CONFIG = """
[population.quarters]
path = "einwohner.csv"
columns = { quarter_id = "Quartier", total = "Insgesamt", age_0_5 = "unter 6 Jahre" }
"""


def findings(report, code):
    return [f for f in report if f.code == code]


def without_population(make_study, population: str, files: dict, extra: str = ""):
    """The conftest study with its [population.quarters] block replaced."""
    path = make_study(files=files, extra=extra)
    text = path.read_text(encoding="utf-8")
    start = text.index("[population.quarters]")
    end = text.index("[[facilities]]")
    path.write_text(text[:start] + population.strip() + "\n\n" + text[end:], encoding="utf-8")
    return path


def totals(study) -> dict[str, float]:
    table = study.population_quarters
    return dict(zip(table["quarter_id"], table["total"], strict=True))


# --- header and metadata rows -------------------------------------------------------------

def test_excel_with_title_line_finds_its_header(make_study, tmp_path):
    sheet = pd.DataFrame([["Einwohner nach Quartieren, Stand 31.12.2024", None, None, None],
                          [None, None, None, None],
                          ["quartier", "einwohner", "unter6", "ab80"],
                          ["01", 1200, 80, 60], ["02", 800, 50, 30],
                          [None, None, None, None],
                          ["Quelle: Einwohnermeldeamt der Stadt", None, None, None]])
    sheet.to_excel(tmp_path / "einwohner.xlsx", header=False, index=False)
    path = make_study()
    path.write_text(path.read_text(encoding="utf-8").replace("einwohner.csv", "einwohner.xlsx"),
                    encoding="utf-8")
    study, report = quartier.validate_study(path)
    assert not findings(report, "missing_column"), report
    assert study is not None and totals(study) == {"01": 1200.0, "02": 800.0}
    [header] = findings(report, "header_row")
    assert "Zeile 3" in header.message and "Einwohner nach Quartieren" in header.message
    [footer] = findings(report, "footer_rows")
    assert "Quelle: Einwohnermeldeamt" in footer.message


def test_genesis_csv_with_metadata_and_footer_loads(make_study):
    path = without_population(make_study, GENESIS_CONFIG, {"einwohner.csv": GENESIS})
    study, report = quartier.validate_study(path)
    assert study is not None, report
    assert totals(study) == {"01": 1200.0, "02": 800.0}  # "1.200" is thousands
    assert findings(report, "header_row") and findings(report, "footer_rows")
    assert "© Statistisches Bundesamt" in findings(report, "footer_rows")[0].message


def test_genesis_header_found_without_mapping_hints(tmp_path):
    (tmp_path / "g.csv").write_bytes(GENESIS)
    frame, info = read_table(tmp_path / "g.csv")  # no expected names: widest-row rule
    assert info.header_line == 5 and info.encoding == "cp1252" and info.separator == ";"
    assert frame.columns.tolist() == ["Quartier", "Bezeichnung", "Insgesamt", "unter 6 Jahre"]
    assert frame["Bezeichnung"].tolist() == ["Altstadt", "Neustadt – Süd"]
    assert len(info.footer) == 3 and info.skipped[0] == "GENESIS-Tabelle: 12411-0018"


def test_header_row_option_overrides_and_a_wrong_one_names_the_column(make_study):
    right = GENESIS_CONFIG + "header_row = 5\n"
    study, report = quartier.validate_study(
        without_population(make_study, right, {"einwohner.csv": GENESIS}))
    assert study is not None and not findings(report, "header_row")  # asked for: no note
    wrong = GENESIS_CONFIG + "skip_rows = 1\n"  # header taken from line 2
    study, report = quartier.validate_study(
        without_population(make_study, wrong, {"einwohner.csv": GENESIS}))
    missing = findings(report, "missing_column")
    assert study is None and missing and missing[0].file.endswith("einwohner.csv")
    assert missing[0].column == "Quartier"


# --- encodings ----------------------------------------------------------------------------

def _facility_points() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["F1", "F2"], "name": ["Kita „Sonne“ – Süd", "Apotheke am Markt"],
         "kategorie": ["kita", "pharmacy"]},
        geometry=[shapely.Point(X0 + 500, Y0 + 500), shapely.Point(X0 + 1500, Y0 + 500)],
        crs="EPSG:25832")

SHAPE_FACILITIES = """
[[facilities]]
path = "angebote.shp"
columns = { facility_id = "id", name = "name", category = "kategorie" }
"""


def _shape_study(make_study, tmp_path, encoding: str | None, extra: str = ""):
    options = {"encoding": encoding} if encoding else {}
    pyogrio.write_dataframe(_facility_points(), tmp_path / "angebote.shp", **options)
    (tmp_path / "angebote.cpg").unlink()
    path = make_study()
    text = path.read_text(encoding="utf-8")
    text = text[:text.index("[[facilities]]")] + SHAPE_FACILITIES + extra
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("encoding, named", [("cp1252", "Windows-1252"), (None, "UTF-8")])
def test_dbf_without_cpg_is_read_in_the_encoding_that_fits(make_study, tmp_path, encoding,
                                                           named):
    study, report = quartier.validate_study(_shape_study(make_study, tmp_path, encoding))
    assert study is not None, report
    assert "Kita „Sonne“ – Süd" in set(study.facilities["name"])
    [note] = findings(report, "dbf_encoding")
    assert named in note.message and note.file.endswith("angebote.shp")
    assert not findings(report, "mojibake")


def test_wrong_encoding_option_gives_a_mojibake_warning_naming_the_column(make_study, tmp_path):
    # a UTF-8 .dbf read as Windows-1252 on purpose: the damage is named, not silent
    path = _shape_study(make_study, tmp_path, None, 'encoding = "cp1252"\n')
    _, report = quartier.validate_study(path)
    [warning] = findings(report, "mojibake")
    assert warning.column == "name" and warning.file.endswith("angebote.shp")
    assert "Ã" in warning.message and 'encoding = "utf-8"' in warning.hint


def test_mojibake_already_in_a_csv_is_reported(make_study):
    csv = FACILITIES_CSV.replace("Kita Sonne", "Kita SÃ¼dhang")
    _, report = quartier.validate_study(make_study(files={"einrichtungen.csv": csv}))
    [warning] = findings(report, "mojibake")
    assert warning.column == "name" and "SÃ¼dhang" in warning.message


def test_utf16_unicode_text_loads(make_study):
    text = POPULATION_CSV.replace(";", "\t").replace("\n", "\r\n")
    study, report = quartier.validate_study(
        make_study(files={"einwohner.csv": text.encode("utf-16")}))
    assert study is not None, report
    assert totals(study) == {"01": 1200.0, "02": 800.0}


def test_encoding_option_for_csv(make_study):
    latin = POPULATION_CSV.replace("quartier", "Quartiersnummer_ä").encode("latin-1")
    population = ('[population.quarters]\npath = "einwohner.csv"\nencoding = "latin-1"\n'
                  'columns = { quarter_id = "Quartiersnummer_ä", total = "einwohner" }')
    study, report = quartier.validate_study(
        without_population(make_study, population, {"einwohner.csv": latin}))
    assert study is not None, report
    bad = population.replace('"latin-1"', '"klingonisch"')
    _, report = quartier.validate_study(
        without_population(make_study, bad, {"einwohner.csv": latin}))
    [error] = findings(report, "unreadable_file")
    assert "klingonisch" in error.message and error.file.endswith("einwohner.csv")


# --- ZIP archives -------------------------------------------------------------------------

def _zip(path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_zip_with_one_csv(make_study, tmp_path):
    _zip(tmp_path / "einwohner.zip", {"daten/einwohner_2024.csv": POPULATION_CSV.encode(),
                                      "Lies mich.pdf": b"%PDF-1.4"})
    path = make_study()
    path.write_text(path.read_text(encoding="utf-8").replace('"einwohner.csv"',
                                                             '"einwohner.zip"'), encoding="utf-8")
    study, report = quartier.validate_study(path)
    assert study is not None, report
    assert totals(study) == {"01": 1200.0, "02": 800.0}


def test_zip_with_one_shapefile(make_study, tmp_path):
    folder = tmp_path / "shape"
    folder.mkdir()
    quarters = gpd.read_file(quarters_geojson())
    pyogrio.write_dataframe(quarters, folder / "quartiere.shp")
    _zip(tmp_path / "quartiere.zip", {f"quartiere{s}": (folder / f"quartiere{s}").read_bytes()
                                      for s in (".shp", ".shx", ".dbf", ".prj", ".cpg")})
    path = make_study()
    path.write_text(path.read_text(encoding="utf-8").replace('"quartiere.geojson"',
                                                             '"quartiere.zip"'), encoding="utf-8")
    study, report = quartier.validate_study(path)
    assert study is not None, report
    assert sorted(study.quarters["quarter_id"]) == ["01", "02"]
    assert study.quarters.area.sum() == pytest.approx(2_000_000)


def test_zip_with_several_members_is_one_error_listing_them(make_study, tmp_path):
    _zip(tmp_path / "einwohner.zip", {"einwohner_2023.csv": POPULATION_CSV.encode(),
                                      "einwohner_2024.csv": POPULATION_CSV.encode()})
    path = make_study()
    config = path.read_text(encoding="utf-8").replace('"einwohner.csv"', '"einwohner.zip"')
    path.write_text(config, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    _, report = quartier.validate_study(path)
    [error] = findings(report, "unreadable_file")
    assert "einwohner_2023.csv" in error.message and "einwohner_2024.csv" in error.message
    assert "member" in error.message
    path.write_text(config.replace('path = "einwohner.zip"',
                                   'path = "einwohner.zip"\nmember = "einwohner_2024.csv"'),
                    encoding="utf-8")
    study, report = quartier.validate_study(path)
    assert study is not None, report


# --- categories and columns without regard to case ----------------------------------------

def test_category_and_column_spelling_does_not_matter(make_study):
    csv = (FACILITIES_CSV.replace(";kita;", "; KITA ;").replace(";pharmacy;", ";Apotheke;")
           .replace("kategorie", "Kategorie"))
    study, report = quartier.validate_study(make_study(
        files={"einrichtungen.csv": csv}, extra='category_map = { " apotheke" = "Pharmacy" }'))
    assert study is not None, report
    assert sorted(study.facilities["category"]) == ["kita", "pharmacy"]


def test_near_miss_category_suggests_the_key(make_study):
    csv = FACILITIES_CSV.replace(";kita;", ";Kitta;")
    study, report = quartier.validate_study(make_study(files={"einrichtungen.csv": csv}))
    [error] = findings(report, "unknown_category")
    assert study is None and "'Kitta' (1×, meinten Sie 'kita'?)" in error.message
    assert error.file.endswith("einrichtungen.csv") and error.rows == "F1"


# --- GDAL sources ---------------------------------------------------------------------------

def test_gdal_source_string_is_passed_to_gdal(make_study, tmp_path):
    quarters = gpd.read_file(quarters_geojson())
    pyogrio.write_dataframe(quarters, tmp_path / "geo.gpkg", layer="quartiere")
    source = f"GPKG:{(tmp_path / 'geo.gpkg').as_posix()}:quartiere"
    path = make_study()
    path.write_text(path.read_text(encoding="utf-8").replace('"quartiere.geojson"',
                                                             f'"{source}"'), encoding="utf-8")
    study, report = quartier.validate_study(path)
    assert study is not None, report
    assert sorted(study.quarters["quarter_id"]) == ["01", "02"]


def test_unreachable_gdal_source_is_one_message_without_the_password(make_study):
    path = make_study()
    config = path.read_text(encoding="utf-8").replace(
        '"quartiere.geojson"', '"PG:host=/nonexistent dbname=stadt password=geheim"')
    path.write_text(config, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "geheim" not in result.output and "PG:" in result.output
    assert "missing_file" not in result.output
