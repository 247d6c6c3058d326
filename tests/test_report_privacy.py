"""Privacy of the published report: no non-public contact data, no concern texts, no small counts.

The sample report is built into a temporary folder and EVERY file in it is scanned: text files
as they are, Excel workbooks and other zip files member by member, GeoPackages (SQLite) and
images as raw bytes.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from pathlib import Path

import pandas as pd
from conftest import SAMPLE

from quartier.partners.export import write_internal_register
from quartier.report.build import build_report


def secrets() -> list[str]:
    """Contact data of non-public actors and the free texts of concerns, from the raw files."""
    actors = pd.read_csv(SAMPLE / "akteure.csv", sep=";", dtype=str, keep_default_na=False)
    private = actors[actors["oeffentlich"] == "nein"]
    assert len(private) >= 5
    found = [*private["ansprechperson"], *private["email"], *private["telefon"]]
    concerns = pd.read_csv(SAMPLE / "anliegen.csv", sep=";", dtype=str, keep_default_na=False)
    notes = sorted(set(concerns["notiz"]))
    assert len(notes) >= 20
    found += notes
    # the note without the follow-up, too (a truncated text must not leak either)
    found += sorted({n.split(" – ")[0] for n in notes})
    return found


def variants(value: str) -> set[str]:
    """How a text can appear in a file: plain, HTML-escaped, JSON-escaped."""
    return {value, html.escape(value), json.dumps(value)[1:-1],
            json.dumps(value, ensure_ascii=False)[1:-1]}


def contents(folder: Path) -> dict[str, str]:
    """Every file's text (zip members separately), decoded leniently."""
    texts = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        name = path.relative_to(folder).as_posix()
        texts[name] = raw.decode("utf-8", "ignore") + raw.decode("utf-16-le", "ignore")
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    texts[f"{name}:{member}"] = archive.read(member).decode("utf-8", "ignore")
    return texts


def check_folder(folder: Path) -> None:
    texts = contents(folder)
    names = set(texts)
    assert "index.html" in names and "anliegen.csv" in names and "netzwerk_partner.csv" in names
    assert any(n.endswith(".gpkg") for n in names) and any(":xl/" in n for n in names)
    for secret in secrets():
        for variant in variants(secret):
            hits = [name for name, text in texts.items() if variant in text]
            assert not hits, f"{secret!r} appears in {hits}"
    assert not any("intern" in Path(n).parts for n in names)

    # concern counts: never a number 1 or 2 in the publishable table …
    table = pd.read_csv(folder / "anliegen.csv", sep=";", dtype=str, encoding="utf-8-sig",
                        keep_default_na=False)
    numbers = table.loc[table["Anzahl"].str.fullmatch(r"[\d.]+"), "Anzahl"]
    assert len(numbers) > 20
    assert not numbers.str.replace(".", "", regex=False).astype(int).between(1, 2).any()
    assert (table["Anzahl"] == "< 3").any()
    # … nor in the report's concern tables
    page = (folder / "index.html").read_text(encoding="utf-8")
    tables = re.findall(r'<table class="concerns">.*?</table>', page, re.DOTALL)
    assert len(tables) == 4
    cells = [c for t in tables for c in re.findall(r'<td class="num[^"]*">([^<]*)</td>', t)]
    assert cells and not [c for c in cells if c.strip() in ("1", "2")]
    assert "&lt; 3" in page


def test_report_folder_has_no_private_data(sample, tmp_path):
    study, results = sample
    index = build_report(study, results, output=tmp_path / "report", maps=False,
                         interactive=True, exports=True)
    check_folder(index.parent)
    page = index.read_text(encoding="utf-8")
    # the chapters are there with real content
    for title in ("Netzwerk und Partner", "Maßnahmen der Quartiersentwicklung",
                  "Anliegen der Einwohner*innen"):
        assert title in page
    assert "Musterstädter Tafel e. V." in page and "Erweiterung der Kita Regenbogen" in page
    # public actors keep their contact person
    actors = pd.read_csv(SAMPLE / "akteure.csv", sep=";", dtype=str, keep_default_na=False)
    public = actors[actors["oeffentlich"] == "ja"]
    assert public["ansprechperson"].iloc[0] in page


def test_report_with_maps_has_no_private_data(sample, tmp_path):
    study, results = sample
    index = build_report(study, results, output=tmp_path / "report", maps=True,
                         interactive=True, exports=True)
    check_folder(index.parent)
    assert "data:image/png;base64" in index.read_text(encoding="utf-8")


def test_internal_register_has_the_contacts(sample, tmp_path):
    study, _ = sample
    written = write_internal_register(study, tmp_path / "intern")
    register = pd.read_excel(written["excel"], sheet_name="Partner", dtype=str)
    actors = pd.read_csv(SAMPLE / "akteure.csv", sep=";", dtype=str, keep_default_na=False)
    assert set(actors["email"]) <= set(register["email"].dropna())
    assert "Fehlende Partner" in pd.ExcelFile(written["excel"]).sheet_names
