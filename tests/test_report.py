"""The report: numbers match the results table, user text is escaped, a real browser renders it."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from conftest import SAMPLE

import quartier
from quartier.report.build import build_report, render_report
from quartier.report.texts import texts

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                    "(.ci/run installs the Debian package 'chromium')")
CHAPTERS = ("ch_summary", "ch_basis", "ch_fields", "ch_social", "ch_profiles", "ch_appendix")


class AppendixCells(HTMLParser):
    """Collects (category, quarter, indicator) → cell text from the appendix tables."""

    def __init__(self):
        super().__init__()
        self.cells: dict[tuple[str, str, str], str] = {}
        self._category = self._quarter = self._indicator = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-category" in attrs:
            self._category = attrs["data-category"]
        elif tag == "tr" and "data-quarter" in attrs:
            self._quarter = attrs["data-quarter"]
        elif tag == "td" and "data-indicator" in attrs and self._quarter:
            self._indicator, self._text = attrs["data-indicator"], []

    def handle_data(self, data):
        if self._indicator:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self._indicator:
            key = (self._category, self._quarter, self._indicator)
            self.cells[key] = "".join(self._text).strip()
            self._indicator = None
        elif tag == "table":
            self._category = self._quarter = None


def parse_german(text: str) -> tuple[float, float]:
    """'1.234,5 %' → (1234.5, 0.05): the value and half a unit of its last printed digit."""
    number = (text.replace("\xa0", " ").replace("%", "").replace("m", "")
              .replace("\u2212", "-").strip())  # the reader's minus sign
    decimals = len(number.split(",")[1]) if "," in number else 0
    return float(number.replace(".", "").replace(",", ".")), 0.5 * 10 ** -decimals


def test_appendix_numbers_match_the_results_table(sample):
    study, results = sample
    pages = render_report(study, results, maps=False, interactive=False)
    parser = AppendixCells()
    parser.feed(pages["index.html"])
    rows = results.indicators[results.indicators["category"].notna()]
    assert len(parser.cells) == len(rows) > 1000
    for row in rows.itertuples():
        text = parser.cells[(row.category, row.quarter_id, row.indicator)]
        if row.value != row.value:  # NaN
            assert text == "–"
            continue
        value, tolerance = parse_german(text)
        assert abs(value - row.value) <= tolerance + 1e-9, (row, text)


def test_summary_counts_match_the_gap_table(sample):
    study, results = sample
    index = render_report(study, results, maps=False, interactive=False)["index.html"]
    gaps = results.gaps
    standard_gaps = ((gaps["status"] == "gap") & (gaps["basis"] == "standard")).sum()
    below = (gaps["status"] == "below_town").sum()
    assert f"Am Richtwert: {standard_gaps} Lücken" in index
    assert f"relativ zur Stadt: {below} × unter dem Stadtmittel" in index
    assert f"{gaps['resource'].sum()} Ressourcen" in index
    assert "27.267 Einwohner*innen in 7 Quartieren" in index
    # sources name their date ("{edition}" filled in) and the licence line
    assert "<td>Januar 2025</td>" in index and "Zensusstichtag 15.05.2022" in index
    assert "Fiktive Beispieldaten" in index


def test_every_chapter_in_both_languages(sample):
    study, results = sample
    for language in ("de", "en"):
        localised = replace(study, config=replace(study.config, language=language))
        index = render_report(localised, results, maps=False, interactive=False)["index.html"]
        assert f'<html lang="{language}">' in index
        for chapter in CHAPTERS:
            assert f">{texts(language)[chapter]}</h2>" in index


def test_user_text_is_escaped(make_study, tmp_path):
    nasty = '<script>alert("x")</script> O\'Brien & "Haus"'
    csv = ("id;name;kategorie;plaetze;x;y\n"
           f"F1;{nasty};kita;60;476500,0;5465500,0\n"
           "F2;Apotheke;pharmacy;;477500,0;5465500,0\n")
    study = quartier.load_study(make_study(files={"einrichtungen.csv": csv}))
    index = build_report(study, output=tmp_path / "r", maps=False, exports=False)
    text = index.read_text(encoding="utf-8")
    assert '<script>alert("x")' not in text
    assert "alert(" not in html.unescape(text).split("<iframe", 1)[0]  # not outside the map
    frame = re.search(r'srcdoc="([^"]*)"', text)
    if frame:  # inside the map document, the name is data, never markup
        assert '<script>alert("x")' not in html.unescape(frame.group(1))


def _chromium(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    profile = tmp_path / "chrome-profile"
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
               "--enable-logging=stderr", "--v=0", "--virtual-time-budget=8000", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=180)


def _console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines()
            if "CONSOLE" in line and ("Uncaught" in line or "Error" in line)]


@needs_chromium
@pytest.mark.parametrize("language", ["de", "en"])
def test_report_renders_in_headless_chromium(sample, tmp_path, language):
    study, results = sample
    localised = replace(study, config=replace(study.config, language=language))
    index = build_report(localised, results, output=tmp_path / language)
    dom = _chromium("--dump-dom", index.as_uri(), tmp_path=tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert not _console_errors(dom.stderr), _console_errors(dom.stderr)
    for chapter in CHAPTERS:
        assert texts(language)[chapter] in dom.stdout
    screenshot = tmp_path / f"report-{language}.png"
    shot = _chromium(f"--screenshot={screenshot}", "--window-size=1200,2000", index.as_uri(),
                     tmp_path=tmp_path)
    assert shot.returncode == 0 and screenshot.stat().st_size > 10_000
    # the interactive map: its document is the iframe's srcdoc; render it on its own
    source = index.read_text(encoding="utf-8")
    srcdoc = html.unescape(re.search(r'srcdoc="([^"]*)"', source).group(1))
    map_file = tmp_path / "map.html"
    map_file.write_text(srcdoc, encoding="utf-8")
    rendered = _chromium("--dump-dom", map_file.as_uri(), tmp_path=tmp_path)
    assert not _console_errors(rendered.stderr), _console_errors(rendered.stderr)
    drawn = rendered.stdout.count("leaflet-interactive")
    assert drawn >= len(study.quarters) + len(study.facilities)


@pytest.mark.skipif(not (SAMPLE.parents[2] / "shared" / "data" / "berlin").is_dir(),
                    reason="Berlin real data not found (../shared is absent)")
def test_berlin_report_builds_from_the_cli(tmp_path, berlin_sample):
    from click.testing import CliRunner

    from quartier.cli import cli

    config = SAMPLE.parents[1] / "examples" / "berlin" / "quartier.toml"
    out = tmp_path / "berlin"
    store = str(tmp_path / "berlin.sqlite")
    # the previous edition: MSS 2019 on the 448 planning areas valid until 2020
    result = CliRunner().invoke(cli, ["report", str(config.with_name("quartier_2019.toml")),
                                      "--output", str(tmp_path / "berlin2019"),
                                      "--store", store])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["report", str(config), "--output", str(out),
                                      "--store", store])
    assert result.exit_code == 0, result.output
    index = out / "index.html"
    assert index.stat().st_size < 15 * 1024 * 1024
    assert len(list((out / "quartiere").glob("*.html"))) == 542
    assert (out / "anhang.html").exists() and (out / "berlin_2022.gpkg").exists()
    text = index.read_text(encoding="utf-8")
    assert "542 Quartieren" in text and "3.821.881" in text
    # boundary change: the report says so and carries 2019 onto today's planning areas
    assert "Die Quartiersgrenzen haben sich seit der Ausgabe 2019 geändert (448 Quartiere " \
           "damals, 542 heute)" in text
    assert "Alle 18.079 Einrichtungen liegen in einem Quartier" in text
    assert "Abgleich der Einrichtungsdaten" in text and "194.979" in text  # Kita places
    series = pd.read_csv(out / "alle_ausgaben.csv", sep=";", decimal=",", encoding="utf-8-sig",
                         dtype={"Quartier-Nr.": str})
    carried = series[series["Indikator"] == "Einwohner*innen"]["2019"].sum()
    assert carried == pytest.approx(3_748_148, rel=2e-5)  # MSS 2019 inhabitants, by area
    assert series[series["Indikator"] == "Statusindex"]["2019"].notna().sum() > 500
    # the appendix page holds every figure of the results table
    results = berlin_sample[1]  # the same study, computed once per session
    parser = AppendixCells()
    parser.feed((out / "anhang.html").read_text(encoding="utf-8"))
    rows = results.indicators[results.indicators["category"].notna()]
    assert len(parser.cells) == len(rows)
    for row in rows.sample(500, random_state=1).itertuples():
        text = parser.cells[(row.category, row.quarter_id, row.indicator)]
        if row.value == row.value:
            value, tolerance = parse_german(text)
            assert abs(value - row.value) <= tolerance + 1e-9


def test_second_process_only_where_it_is_safe(monkeypatch):
    import sys
    import threading
    import types

    from quartier import _background

    stop = threading.Event()
    worker = threading.Thread(target=stop.wait, daemon=True)
    worker.start()  # a second thread: fork is off the table
    try:
        script = types.ModuleType("__main__")
        script.__file__ = "/home/analyst/auswertung.py"  # may lack a __main__ guard
        monkeypatch.setitem(sys.modules, "__main__", script)
        assert _background.start_method() is None
        script.__file__ = "/venv/bin/quartier"  # the console script has the guard
        assert _background.start_method() == "spawn"
        del script.__file__  # a notebook kernel or python -c
        assert _background.start_method() == "spawn"
    finally:
        stop.set()
        worker.join()
    # the task's own exception reaches the caller from the second process
    with pytest.raises(ZeroDivisionError):
        _background.InOtherProcess(divmod, (1, 0), "spawn").result()


class FieldTableCells(HTMLParser):
    """Collects (quarter, category) → (value text, status label) from the field chapters."""

    def __init__(self):
        super().__init__()
        self.cells: dict[tuple[str, str], tuple[str, str]] = {}
        self._quarter = self._category = None
        self._value: list[str] = []
        self._badge: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr":
            self._quarter = attrs.get("data-quarter")
        elif tag == "td" and "data-category" in attrs and self._quarter:
            self._category, self._value, self._badge = attrs["data-category"], [], None
        elif tag == "span" and self._category and "badge" in attrs.get("class", ""):
            self._badge, self._in_badge = [], True

    _in_badge = False

    def handle_data(self, data):
        if self._category and self._in_badge:
            self._badge.append(data)
        elif self._category and self._badge is None:
            self._value.append(data)

    def handle_endtag(self, tag):
        if tag == "span":
            self._in_badge = False
        if tag == "td" and self._category:
            self.cells[(self._quarter, self._category)] = (
                "".join(self._value).strip(), "".join(self._badge or []).strip())
            self._category = None


def test_field_chapter_tables_match_the_assessment(sample):
    from quartier.judgements import judgement_label as status_label

    study, results = sample
    pages = render_report(study, results, maps=False, interactive=False)
    parser = FieldTableCells()
    parser.feed(pages["index.html"])
    gaps = results.gaps
    assert len(parser.cells) == len(gaps) > 200
    for row in gaps.itertuples():
        text, badge = parser.cells[(row.quarter_id, row.category)]
        assert badge == status_label(row.status)
        if row.value == row.value:
            value, tolerance = parse_german(text)
            assert abs(value - row.value) <= tolerance + 1e-9, (row, text)
        else:
            assert text == "–"
