"""Hostile names never write outside the output folder nor run as spreadsheet formulas.

Unit tests for the slug, the path check, the label validation and the cell neutralisation;
then the sample study copied to a temporary folder with hostile names (facilities, quarters,
actors, measures), reported once per module with the CLI: every file written is listed and
must lie in the public folder, the internal folder or the edition store, and every text cell
of every CSV and Excel file that a spreadsheet would run starts with ``'``.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import CONFIG, FACILITIES_CSV, SAMPLE, X0, Y0, quarters_geojson, square

import quartier
import quartier.report.context
from quartier._paths import (
    UnsafePathError,
    check_inside,
    check_internal_folder,
    inside,
)
from quartier.cli import cli
from quartier.config import read_config
from quartier.export.spreadsheet import FORMULA_PREFIXES, safe_cell, safe_table, write_csv
from quartier.format import MAX_SLUG, WINDOWS_RESERVED, slug, unique_slugs
from quartier.report.build import build_report

HOSTILE = ['=HYPERLINK("http://x","Kita")', "+1", "-2+3", "@SUM(A1)", "\tX", "=1+1",
           "-Kita", "\rY"]  # the last one only in unit tests (a line break inside a CSV field)
PATHS = ["../01", "..", "../../etc/passwd", "/abs", "a/b", "a\\b", "..\\..\\x", "a\x00b",
         "x\ty", "\n", "CON", "nul", "Com1", "LPT9.txt", "", ".", "x" * 300, "Ü/ä"]


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


# --------------------------------------------------------------------------------------------
# slug and unique slugs


@pytest.mark.parametrize("name", PATHS)
def test_slug_is_a_plain_file_name(name):
    text = slug(name)
    assert re.fullmatch(r"[a-z0-9_-]+", text)
    assert ".." not in text and len(text) <= MAX_SLUG
    assert text not in WINDOWS_RESERVED
    assert Path(text).name == text and not Path(text).is_absolute()


def test_long_names_stay_distinct_and_bounded():
    first, second = slug("a" * 200 + "1"), slug("a" * 200 + "2")
    assert first != second and len(first) == len(second) == MAX_SLUG


def test_reserved_names_are_changed():
    assert slug("CON") == "con_" and slug("nul") == "nul_" and slug("console") == "console"


def test_unique_slugs_are_distinct_deterministic_and_keep_clean_names():
    names = ["01", "../01", "01/", "A1", "a1", "a-1", "A/1", "CON", "con_", "", "..", "x" * 90,
             "x" * 90 + "y"]
    pages = unique_slugs(names, default="quartier")
    assert set(pages) == set(names)
    assert len(set(pages.values())) == len(names)
    for name, page in pages.items():
        assert re.fullmatch(r"[a-z0-9_-]+", page) and len(page) <= MAX_SLUG, name
    assert pages["01"] == "01" and pages["a1"] == "a1" and pages["a-1"] == "a-1"
    shuffled = names[:]
    random.Random(1).shuffle(shuffled)
    assert unique_slugs(shuffled, default="quartier") == pages  # order does not matter


# --------------------------------------------------------------------------------------------
# the path check


def test_inside_accepts_plain_names_and_refuses_escapes(tmp_path):
    assert inside(tmp_path, "quartiere", "01.html") == tmp_path / "quartiere" / "01.html"
    for parts in (["../x.html"], ["quartiere", "..", "..", "x"], ["/etc/passwd"], [".."],
                  ["."], []):
        with pytest.raises(UnsafePathError, match="außerhalb des Ausgabeordners"):
            inside(tmp_path, *parts)


def test_inside_refuses_a_symbolic_link_leading_out(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out" / "quartiere").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UnsafePathError):
        inside(tmp_path / "out", "quartiere", "01.html")


def test_internal_folder_never_inside_the_public_one(tmp_path):
    public = tmp_path / "bericht"
    for internal in (public, public / "intern", public / "a" / ".." / "intern",
                     tmp_path / "x" / ".." / "bericht"):
        with pytest.raises(UnsafePathError, match="öffentlichen Berichtsordner"):
            check_internal_folder(internal, public)
    assert check_internal_folder(tmp_path / "intern", public) == tmp_path / "intern"
    check_inside(public, public / "index.html")


# --------------------------------------------------------------------------------------------
# labels in validation


@pytest.mark.parametrize("edition", ["../2025", "2025/1", "2025\\1", "..", "2025\x00",
                                     "20\n25", "CON", "nul", "com1.2025", "intern", " 2025",
                                     "2025.", "x" * 41, "2025*", "2025:1"])
def test_edition_labels_that_are_not_plain_are_refused(make_study, edition):
    config, report = read_config(make_study(), edition=edition)
    errors = [f for f in report.errors if f.code == "bad_label"]
    assert len(errors) == 1, report.format()
    assert "Erlaubt sind Buchstaben" in errors[0].hint


@pytest.mark.parametrize("edition", ["2025", "2025-2", "2025_Herbst", "Herbst 2025", "2025.1"])
def test_plain_edition_labels_pass(make_study, edition):
    _, report = read_config(make_study(), edition=edition)
    assert "bad_label" not in report.codes()


@pytest.mark.parametrize("name", ["../Teststadt", "Test/Stadt", "Test\\Stadt", "Test\x07",
                                  "NUL", "Test<Stadt>"])
def test_study_names_that_are_not_plain_are_refused(make_study, name):
    path = make_study(config=CONFIG.format(extra="").replace('"Teststadt"', json.dumps(name)))
    _, report = read_config(path)
    assert report.codes("error") == ["bad_label"], report.format()


def test_plain_study_names_pass(make_study):
    for name in ("Halle (Saale)", "Bad Dürkheim – Süd", "St. Ingbert"):
        path = make_study(config=CONFIG.format(extra="").replace('"Teststadt"',
                                                                 json.dumps(name)))
        assert "bad_label" not in read_config(path)[1].codes()


def test_cli_refuses_a_hostile_edition_and_writes_nothing(make_study, tmp_path, monkeypatch):
    config = make_study()
    monkeypatch.chdir(tmp_path)
    before = files_under(tmp_path)
    result = CliRunner().invoke(cli, ["report", str(config), "--edition", "../../x"])
    assert result.exit_code == 1 and "bad_label" in result.output
    assert "Traceback" not in result.output
    assert files_under(tmp_path) == before


# --------------------------------------------------------------------------------------------
# spreadsheet cells


def test_safe_cell_and_table():
    for text in HOSTILE:
        assert safe_cell(text) == "'" + text
    assert safe_cell("Kita Sonne") == "Kita Sonne" and safe_cell(-2.5) == -2.5
    assert safe_cell("'=x") == "'=x"
    table = pd.DataFrame({"name": HOSTILE + ["ok"], "=x": [-1.5] * (len(HOSTILE) + 1),
                          "n": pd.array([-3] * (len(HOSTILE) + 1), dtype="Int64")})
    safe = safe_table(table)
    assert list(safe.columns) == ["name", "'=x", "n"]
    assert safe["name"].tolist() == ["'" + t for t in HOSTILE] + ["ok"]
    assert safe["'=x"].tolist() == table["=x"].tolist() and safe["n"].dtype == "Int64"
    assert table["name"].tolist()[0] == HOSTILE[0]  # the input is not changed


def test_write_csv_numbers_stay_numbers(tmp_path):
    table = pd.DataFrame({"name": ["-2+3", "Kita"], "value": [-2.5, 3.0]})
    path = write_csv(tmp_path / "t.csv", table, "de")
    text = path.read_text(encoding="utf-8-sig")
    assert text.splitlines() == ["name;value", "'-2+3;-2,5", "Kita;3,0"]
    assert not [p for p in tmp_path.iterdir() if p.name != "t.csv"]  # no temporary left


# --------------------------------------------------------------------------------------------
# hostile quarter ids: profile pages inside the folder, each link to its own page


IDS = ["../01", "..\\02", "A/1", "a-1", "a_1", "CON", "x\tY", "Q\x1b"]


@pytest.fixture
def hostile_id_study(tmp_path):
    root = tmp_path / "studie"
    root.mkdir()
    features = [{"nr": q, "name": f"Quartier {i}", "coords": [square(X0 + 1000 * i, Y0)]}
                for i, q in enumerate(IDS)]
    (root / "quartiere.geojson").write_text(quarters_geojson(features), encoding="utf-8")
    rows = "".join(f'"{q}";1000;50;40\n' for q in IDS)
    (root / "einwohner.csv").write_text("quartier;einwohner;unter6;ab80\n" + rows,
                                        encoding="utf-8")
    (root / "einrichtungen.csv").write_text(FACILITIES_CSV, encoding="utf-8")
    (root / "quartier.toml").write_text(CONFIG.format(extra=""), encoding="utf-8")
    return root / "quartier.toml"


def test_hostile_quarter_ids_are_warned_and_stay_inside(hostile_id_study, tmp_path,
                                                        monkeypatch):
    study, report = quartier.validate_study(hostile_id_study)
    assert study is not None, report.format()
    assert sorted(study.quarters["quarter_id"]) == sorted(IDS)
    warning = [f for f in report.warnings if f.code == "unsafe_id"]
    assert len(warning) == 1 and warning[0].message.startswith("5 Quartiers-IDs")

    monkeypatch.setattr(quartier.report.context, "LARGE_STUDY", 0)  # one page per quarter
    monkeypatch.chdir(tmp_path)
    before = files_under(tmp_path)
    out = tmp_path / "a" / "b" / "bericht"
    index = build_report(study, output=out, maps=False, interactive=False, parallel=False)
    new = files_under(tmp_path) - before
    assert new and all(p.resolve().is_relative_to(out.resolve()) for p in new)
    pages = sorted((out / "quartiere").iterdir())
    assert len(pages) == len(IDS)  # colliding slugs (a-1, A/1) got their own files

    html = index.read_text(encoding="utf-8")
    links = re.findall(r'<a href="(quartiere/[^"#]+)">', html)
    assert len(set(links)) == len(IDS)
    for link in links:
        target = (out / link).resolve()
        assert target.is_file() and target.parent == (out / "quartiere").resolve()
    # each link leads to the page of its own quarter (names are "Quartier <position>")
    for match in re.finditer(r'<a href="(quartiere/[^"#]+)">[^<]*Quartier (\d+)</a>', html):
        page = (out / match.group(1)).read_text(encoding="utf-8")
        position = int(match.group(2))
        assert f"Quartier {position}" in page and html_text(IDS[position]) in page
        # other quarters may be named only in the previous/next links and the profile map
        # (neighbours), never as the page's own quarter
        own = re.sub(r'<nav class="profile-steps".*?</nav>|<svg.*?</svg>', "", page, flags=re.S)
        assert not [i for i in range(len(IDS)) if i != position and f"Quartier {i}<" in own]


def html_text(text: str) -> str:
    import html

    return html.escape(text)


# --------------------------------------------------------------------------------------------
# the sample with hostile names, reported once with the CLI


def _rewrite_csv(path: Path, column: str, values: list[str]) -> None:
    table = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8")
    table.loc[: len(values) - 1, column] = values
    table.to_csv(path, sep=";", index=False, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    study = root / "studie"
    shutil.copytree(SAMPLE, study)
    _rewrite_csv(study / "einrichtungen_2025.csv", "name", HOSTILE[:-1])
    _rewrite_csv(study / "akteure.csv", "name", HOSTILE[:4])
    _rewrite_csv(study / "akteure.csv", "telefon", ["+49 6221 1234", "=2*3"])
    _rewrite_csv(study / "massnahmen.csv", "titel", HOSTILE[:3])
    quarters = json.loads((study / "quartiere.geojson").read_text(encoding="utf-8"))
    for feature, name in zip(quarters["features"], HOSTILE, strict=False):
        feature["properties"]["name"] = name
    (study / "quartiere.geojson").write_text(json.dumps(quarters), encoding="utf-8")
    cwd = root / "arbeitsordner"
    cwd.mkdir()
    before = files_under(root)
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, [
            "report", str(study / "quartier.toml"), "--output", str(root / "public"),
            "--intern", str(root / "intern"), "--store", str(root / "ausgaben.sqlite")])
    finally:
        os.chdir(previous)
    assert result.exit_code == 0, result.output
    return root, files_under(root) - before


def test_hostile_sample_writes_only_into_its_folders(hostile_sample):
    root, new = hostile_sample
    public, intern = (root / "public").resolve(), (root / "intern").resolve()
    store = (root / "ausgaben.sqlite").resolve()
    outside = [p for p in new if not (p.resolve().is_relative_to(public)
                                      or p.resolve().is_relative_to(intern)
                                      or p.resolve() == store)]
    assert not outside
    assert {p.name for p in new if p.resolve().is_relative_to(intern)} == {
        "netzwerk_partner.csv", "netzwerk_partner.xlsx"}
    assert not [p for p in new if p.name.endswith(".tmp") or ".tmp." in p.name]


def _number(text: str) -> bool:
    try:
        float(text.replace(".", "").replace(",", ".") if "," in text else text)
    except ValueError:
        return False
    return True


def test_every_csv_cell_is_safe(hostile_sample):
    root, new = hostile_sample
    files = sorted(p for p in new if p.suffix == ".csv")
    assert {p.name for p in files} >= {"indikatoren.csv", "bewertung.csv", "einrichtungen.csv",
                                       "netzwerk_partner.csv", "massnahmen.csv"}
    neutralised = set()
    for path in files:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            for row in csv.reader(stream, delimiter=";"):
                for cell in row:
                    if cell.startswith(FORMULA_PREFIXES):
                        assert _number(cell), f"{path.name}: {cell!r}"
                    if cell.startswith("'"):
                        neutralised.add(cell[1:])
    # the hostile names reached the exports and were neutralised there
    assert {'=HYPERLINK("http://x","Kita")', "+1", "-2+3", "@SUM(A1)", "=2*3",
            "+49 6221 1234"} <= neutralised


def test_every_xlsx_cell_is_text_or_number_never_a_formula(hostile_sample):
    root, new = hostile_sample
    workbooks = sorted(p for p in new if p.suffix == ".xlsx")
    assert len(workbooks) == 2  # the public workbook and the internal register
    negative_numbers = 0
    neutralised = set()
    for path in workbooks:
        with zipfile.ZipFile(path) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
            assert not any("<f>" in archive.read(n).decode("utf-8") or "<f " in
                           archive.read(n).decode("utf-8") for n in sheets)
        workbook = openpyxl.load_workbook(path)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, sheet.title, cell.coordinate)
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith(FORMULA_PREFIXES), cell.value
                        if cell.value.startswith("'"):
                            neutralised.add(cell.value[1:])
                    elif isinstance(cell.value, (int, float)) and cell.value < 0:
                        negative_numbers += 1
    assert negative_numbers > 0  # z-values of the social index stay numbers
    assert {'=HYPERLINK("http://x","Kita")', "-2+3", "@SUM(A1)", "=2*3"} <= neutralised


def test_default_internal_folder_is_beside_the_config_not_the_output(hostile_sample,
                                                                     tmp_path):
    root, _ = hostile_sample
    config = root / "studie" / "quartier.toml"
    runner = CliRunner()
    # --intern inside --output: a usage error before anything is written
    before = files_under(tmp_path)
    result = runner.invoke(cli, ["report", str(config), "--output", str(tmp_path / "pub"),
                                 "--intern", str(tmp_path / "pub" / "intern"),
                                 "--store", str(tmp_path / "s.sqlite")])
    assert result.exit_code == 2 and "öffentlichen Berichtsordner" in result.output
    assert files_under(tmp_path) == before
    # the partners command with the default folder: beside the config, never beside --output
    study = quartier.load_study(config)
    from quartier.partners.export import internal_folder

    folder = internal_folder(study)
    assert folder.resolve() == (config.parent / "reports" / "musterstadt" / "intern"
                                / "2025").resolve()
    result = runner.invoke(cli, ["partners", str(config), "--output", str(tmp_path / "p")])
    assert result.exit_code == 0 and (tmp_path / "p" / "netzwerk_partner.xlsx").is_file()
